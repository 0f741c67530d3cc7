"""Ask real Keras what each recurrent layer computes under every activation it accepts.

For SimpleRNN, GRU (both `reset_after`) and LSTM, each `activation` and, for the gated ones,
each `recurrent_activation` of a short list (the defaults, hard_sigmoid, whose definition
changed between versions, and softmax, which works along the units of each gate), one layer
with seeded weights runs on one seeded input. Saved as `activations_k?.npz`: `expressions` (the
layers as rnncalc parses them), and per case `<n>/input`, `<n>/weights/<i>` and `<n>/outputs/<i>`
(the sequence and the states). Needs tf-keras (Keras 2) or Keras 3 installed; the tests only
read the files it writes.

    python tests/data/generate_activations.py 2   # in a Python with tensorflow-cpu and tf-keras
    python tests/data/generate_activations.py 3   # with keras
"""

import sys
from pathlib import Path

import numpy as np

from fixture_tools import flatten, start_keras

ACTIVATIONS = ["tanh", "sigmoid", "hard_sigmoid", "relu", "linear", "softsign", "softplus",
               "elu", "selu", "swish", "gelu", "exponential", "softmax"]  # fmt: skip
GATES = ["sigmoid", "hard_sigmoid", "softmax"]


def cases() -> list[tuple[str, dict]]:
    """(class, arguments beside units and what it returns) of each layer."""
    found = [("SimpleRNN", {"activation": a}) for a in ACTIVATIONS]
    for name, extra in (
        ("GRU", {"reset_after": True}),
        ("GRU", {"reset_after": False}),
        ("LSTM", {}),
    ):
        found += [(name, extra | {"activation": a}) for a in ACTIVATIONS if a != "exponential"]
        found += [(name, extra | {"recurrent_activation": g}) for g in GATES]
    return found


def main(version: str) -> None:
    keras = start_keras(version)
    rng = np.random.default_rng(3)
    arrays, listed = {}, []
    for n, (name, kwargs) in enumerate(cases()):
        every = {"return_sequences": True, "return_state": True} | kwargs
        layer = getattr(keras.layers, name)(4, **every)
        listed.append(f"{name}(4, " + ", ".join(f"{k}={v!r}" for k, v in every.items()) + ")")
        x = rng.standard_normal((2, 5, 3)).astype("float32")
        layer(x)  # builds it
        seeded = [rng.uniform(-0.6, 0.6, w.shape).astype("float32") for w in layer.get_weights()]
        layer.set_weights(seeded)
        arrays[f"{n}/input"] = x
        arrays |= {f"{n}/weights/{i}": w for i, w in enumerate(seeded)}
        arrays |= {f"{n}/outputs/{i}": np.asarray(o) for i, o in enumerate(flatten(layer(x)))}
    out = Path(__file__).parent / f"activations_k{version}.npz"
    np.savez_compressed(out, expressions=np.array(listed), **arrays)


if __name__ == "__main__":
    main(sys.argv[1])
