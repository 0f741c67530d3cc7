"""Ask real Keras what it does with layer expressions as people write them; save the answers.

The shared oracle covers layers built on an `Input`; this covers the input forms written inside
the layer call (`input_shape`, `batch_input_shape`, `input_dim` + `input_length`, `batch_size`)
and arguments that differ between Keras 2 and 3. Needs tf-keras (Keras 2) or Keras 3 installed;
the tests only read the file it writes.

    python tests/data/generate_fixtures.py 2   # in a Python with tensorflow-cpu and tf-keras
    KERAS_BACKEND=torch python tests/data/generate_fixtures.py 3   # with keras and torch

Each run replaces that version's cases in tests/data/keras_expressions.jsonl.
"""

import json
import os
import sys
from pathlib import Path

OUT = Path(__file__).with_name("keras_expressions.jsonl")

EXPRESSIONS = [
    "LSTM(32, input_shape=(10, 64))",
    "LSTM(4, return_sequences=True, return_state=True, batch_input_shape=(32, 10, 8))",
    "LSTM(10, input_shape=(1, 3, 1))",
    "GRU(5, input_shape=(10, 4))",
    "GRU(5, reset_after=False, input_shape=(10, 4))",
    "LSTM(1, input_shape=(7, 1))",
    "LSTM(1, input_shape=(7, 2))",
    "LSTM(units=256, return_sequences=True, input_dim=64, input_length=10)",
    "LSTM(8, input_dim=3)",
    "LSTM(8, input_length=10)",
    "LSTM(8, input_shape=(10, 3), batch_size=5)",
    "LSTM(8, input_shape=(10, 3), input_dim=3)",
    "LSTM(8, input_shape=(10, 3), input_length=10)",
    "LSTM(8, batch_input_shape=(5, 10, 3), batch_size=6)",
    "LSTM(8, input_dim=3, batch_size=5)",
    "LSTM(8, input_shape=(None, 3), batch_size=2, stateful=True)",
    "LSTM(8, input_shape=(None, 3), stateful=True)",
    "SimpleRNN(8, input_shape=(26,))",
    "SimpleRNN(8, input_shape=(10, 3), implementation=1)",
    "SimpleRNN(8, input_shape=(10, 3), seed=1)",
    "GRU(8, input_shape=(10, 3), seed=1, implementation=1)",
    "LSTM(8, input_shape=(10, 3), use_cudnn=False)",
    "LSTM(8, input_shape=(10, 3), zero_output_for_mask=True)",
    "SimpleRNN(8, input_shape=(10, 3), recurrent_activation='tanh')",
    "LSTM(8, input_shape=(10, 3), activation='hard_silu')",
    "LSTM(8, input_shape=(10, 3), activation='leaky_relu', recurrent_activation=None)",
    "LSTM(8, input_shape=(10, 3), kernel_initializer='he_normal')",
    "LSTM(8, input_shape=(10, 3), kernel_initializer='bogus')",
    "LSTM(8, input_shape=(10, 3), kernel_constraint='non_neg')",
    "LSTM(8, input_shape=(10, 3), kernel_regularizer='l1_l2')",
    "LSTM(8, input_shape=(10, 3), trainable=False)",
    "LSTM(8, input_shape=(10, 3), dropout=1.5, recurrent_dropout=-0.5)",
    "LSTM(8, input_shape=(10, 3), use_bias=False, unit_forget_bias=False)",
    "LSTM(8, input_shape=(None, 3), unroll=True)",
    "LSTM(8, input_shape=(10, 3), unroll=True)",
    "LSTM(8.0, input_shape=(10, 3))",
    "GRU(8, input_shape=(10, 3), time_major=True, return_sequences=True)",
    "GRU(8, input_shape=(10, 3), name=3)",
]


def keras_answer(keras, expression: str) -> dict:
    namespace = {name: getattr(keras.layers, name) for name in ("SimpleRNN", "GRU", "LSTM")}
    try:
        layer = eval(expression, namespace)  # the fixture generator only: trusted literals
        shape = getattr(layer, "_batch_input_shape", None)  # Keras 2
        if shape is None and getattr(layer, "_input_shape_arg", None) is not None:
            shape = (None, *layer._input_shape_arg)  # Keras 3
        if shape is None:
            raise ValueError("no input shape")
        outputs = layer(keras.Input(batch_shape=shape))
        if not isinstance(outputs, (list, tuple)):
            outputs = [outputs]
        model = keras.Model(layer.input, outputs)
        return {
            "accepted": True,
            "output_shapes": [[None if d is None else int(d) for d in o.shape] for o in outputs],
            "params": int(model.count_params()),
            "weights": [list(map(int, w.shape)) for w in layer.weights],
            "trainable_params": sum(_prod(w.shape) for w in layer.trainable_weights),
        }
    except Exception as exc:  # what Keras refuses, and how, is the answer
        return {"accepted": False, "error": type(exc).__name__, "message": str(exc)[:300]}


def _prod(shape) -> int:
    n = 1
    for d in shape:
        n *= int(d)
    return n


def main() -> None:
    version = sys.argv[1]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    keras = __import__("tf_keras" if version == "2" else "keras")
    kept = [
        line
        for line in (OUT.read_text().splitlines() if OUT.exists() else [])
        if json.loads(line)["keras"] != version
    ]
    fresh = [
        json.dumps(
            {"keras": version, "library": keras.__version__, "expression": e}
            | keras_answer(keras, e),
            sort_keys=True,
        )
        for e in EXPRESSIONS
    ]
    OUT.write_text("\n".join(sorted(kept + fresh)) + "\n")
    print(f"wrote {len(fresh)} Keras {version} cases to {OUT}")


if __name__ == "__main__":
    main()
