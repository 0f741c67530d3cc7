"""What the fixture generators share: starting the real Keras, and reading its answers as data.

Used by generate_wrappers.py and generate_models.py, which run in a Python with tf-keras or
Keras 3 installed; the tests never import it.
"""

import os
import re
import sys


def start_keras(version: str):
    """tf-keras for "2", Keras 3 for "3"; the process restarts itself once with a fixed hash seed,
    because Keras 3 prints sets in some messages and their order must not vary by run."""
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, *sys.argv], os.environ | {"PYTHONHASHSEED": "0"})
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return __import__("tf_keras" if version == "2" else "keras")


def flatten(outputs) -> list:
    """The tensors of a layer's output, however nested."""
    if isinstance(outputs, (list, tuple)):
        return [t for o in outputs for t in flatten(o)]
    return [outputs]


def shape_list(shape) -> list | None:
    """A shape as JSON: a list with None for unknown axes; None for an unknown rank."""
    if shape is None or getattr(shape, "rank", 0) is None:
        return None
    return [None if d is None else int(d) for d in shape]


def size(weights) -> int:
    """How many values the weights hold."""
    total = 0
    for w in weights:
        n = 1
        for d in w.shape:
            n *= int(d)
        total += n
    return total


def message(exc: Exception) -> str:
    """The exception text without terminal colours or object addresses, which vary by run."""
    return re.sub(r"\x1b\[[0-9;]*m| at 0x[0-9a-f]+", "", str(exc))


def weights(layer, version: str) -> list:
    """`[name, shape]` of each weight, as Keras names it (w.name in 2, w.path in 3)."""
    return [[w.name if version == "2" else w.path, shape_list(w.shape)] for w in layer.weights]
