"""Write tests/data/keras_states.jsonl: what Keras says of `initial_state` given to a layer.

Needs tf-keras (Keras 2) and keras (Keras 3); the project never does. Each case calls a layer
on `keras.Input(shape=(10, 4))` with `initial_state=[keras.Input(shape=...), ...]`, of the right
count and sizes and of wrong ones, and records for each version whether Keras accepted it, and
where it did not, when (`build`: the call; `run`: predict on zeros) and the first line of its
error. Run (KERAS_BACKEND=tensorflow for Keras 3):

    python tests/data/generate_keras_states.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).with_name("keras_states.jsonl")
LAYERS = {
    "LSTM(8)": [[8, 8], [8], [8, 8, 8], [8, 7], [7, 8], [8, 8, 1]],
    "GRU(8)": [[8], [8, 8], [9], []],
    "SimpleRNN(5)": [[5], [6], [5, 5]],
    "Bidirectional(LSTM(8))": [[8, 8, 8, 8], [8, 8], [8, 8, 8, 9], [8, 8, 8]],
    "Bidirectional(GRU(3))": [[3, 3], [3], [3, 4]],
}
RUN = """
import json, os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import {module} as keras
from {module} import layers
found = []
for text, options in json.loads(sys.argv[1]).items():
    for sizes in options:
        x = keras.Input(shape=(10, 4))
        states = [keras.Input(shape=(s,)) for s in sizes]
        try:
            built = eval(text, vars(layers))(x, initial_state=states)
        except Exception as exc:
            found.append(["build", str(exc).splitlines()[0] or type(exc).__name__])
            continue
        try:  # built: does it run?
            import numpy as np
            outputs = built if isinstance(built, list) else [built]
            model = keras.Model([x, *states], outputs)
            model.predict([np.zeros((2, 10, 4)), *[np.zeros((2, s)) for s in sizes]], verbose=0)
            found.append(None)
        except Exception as exc:
            found.append(["run", str(exc).strip().splitlines()[0][:300] or type(exc).__name__])
print(json.dumps(found))
"""


def main() -> None:
    results = {}
    for version, module in (("2", "tf_keras"), ("3", "keras")):
        env = dict(os.environ, KERAS_BACKEND="tensorflow")
        code = RUN.format(module=module)
        done = subprocess.run(
            [sys.executable, "-c", code, json.dumps(LAYERS)],
            capture_output=True, text=True, check=True, env=env,
        )  # fmt: skip
        results[version] = json.loads(done.stdout.strip().splitlines()[-1])
    cases = []
    index = 0
    for text, options in LAYERS.items():
        for sizes in options:
            case = {"layer": text, "input_shape": [None, 10, 4], "states": sizes}
            for version in ("2", "3"):
                error = results[version][index]
                case[f"keras{version}"] = (
                    {"accepted": True}
                    if error is None
                    else {"accepted": False, "phase": error[0], "error": error[1]}
                )
            cases.append(case)
            index += 1
    with OUT.open("w") as out:
        for case in cases:
            out.write(json.dumps(case) + "\n")
    print(f"{len(cases)} cases -> {OUT}")


if __name__ == "__main__":
    main()
