"""Keras's activations in NumPy, as each Keras version defines them."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from rnncalc.config.enums import KerasVersion
from rnncalc.errors import RnncalcError
from rnncalc.i18n import _

Array = np.ndarray
Activation = Callable[[Array], Array]

SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def _sigmoid(x: Array) -> Array:
    # 0.5·(tanh(x/2) + 1): no overflow, unlike 1 / (1 + exp(-x)); one new array, the rest in place
    y: Array = np.multiply(x, 0.5)
    np.tanh(y, out=y)
    y += 1.0
    y *= 0.5
    return y


def _erf(x: Array) -> Array:
    # NumPy has no erf. Abramowitz and Stegun 7.1.26, in float64: within 1.5e-7 of erf
    # everywhere, far inside float32's resolution of gelu, and whole arrays at a time (an
    # element-by-element math.erf took 100 bytes and a microsecond a value).
    z = np.abs(x, dtype=np.float64)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    found: Array = np.copysign(1.0 - poly * np.exp(-z * z), x)
    return found.astype(x.dtype)


def _softmax(x: Array) -> Array:
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    found: Array = e / np.sum(e, axis=-1, keepdims=True)
    return found


def _elu(x: Array) -> Array:
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


COMMON: dict[str, Activation] = {
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "relu": lambda x: np.maximum(x, 0),
    "linear": lambda x: x,
    "softsign": lambda x: x / (1 + np.abs(x)),
    "softplus": lambda x: np.logaddexp(0, x),
    "elu": _elu,
    "selu": lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0))),
    "swish": lambda x: x * _sigmoid(x),
    "silu": lambda x: x * _sigmoid(x),
    "gelu": lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2))),
    "exponential": np.exp,
    "relu6": lambda x: np.clip(x, 0, 6),
    "mish": lambda x: x * np.tanh(np.logaddexp(0, x)),
    "softmax": _softmax,
    "log_softmax": lambda x: np.log(_softmax(x)),
}
# The activations that are not element by element: they work along the last axis.
ALONG_LAST_AXIS = {COMMON["softmax"], COMMON["log_softmax"]}
# hard_sigmoid changed between versions: tf-keras clips 0.2·x + 0.5, Keras 3 clips x/6 + 0.5.
HARD_SIGMOID: dict[KerasVersion, Activation] = {
    KerasVersion.V2: lambda x: np.clip(0.2 * x + 0.5, 0, 1),
    KerasVersion.V3: lambda x: np.clip(x / 6 + 0.5, 0, 1),
}


def activation(name: str | None, keras: KerasVersion) -> Activation:
    """The NumPy function of a Keras activation name (`None` is linear)."""
    if name is None:
        return COMMON["linear"]
    if name == "hard_sigmoid":
        return HARD_SIGMOID[keras]
    if name not in COMMON:
        raise RnncalcError(
            _("the executor cannot run the activation {name!r}").format(name=name),
            _("use one of {names}").format(names=", ".join(sorted([*COMMON, "hard_sigmoid"]))),
        )
    return COMMON[name]
