"""Closed vocabularies: Keras versions and the names Keras accepts for activations and friends."""

from __future__ import annotations

from enum import Enum

from rnncalc.errors import RnncalcError
from rnncalc.i18n import _


class KerasVersion(str, Enum):
    """Which Keras's rules to apply: tf-keras 2.x (``tf.keras``) or Keras 3."""

    V2 = "2"
    V3 = "3"

    @classmethod
    def of(cls, value: KerasVersion | str | int) -> KerasVersion:
        """The version a user named: `2`, `"3"`, or a KerasVersion.

        Example:
            >>> KerasVersion.of(3)
            <KerasVersion.V3: '3'>
        """
        try:
            return cls(str(value) if isinstance(value, int) else value)
        except ValueError:
            raise RnncalcError(
                _("unknown Keras version {value!r}").format(value=value), _("use 2 or 3")
            ) from None


# Names each Keras accepts as a string, read off tf-keras 2.21 and Keras 3.15 by trying every
# candidate (activations.get / initializers.get / ...). `None` means linear for activations.
_ACTIVATIONS_BOTH = (
    "elu exponential gelu hard_sigmoid leaky_relu linear log_softmax mish relu relu6 selu "
    "sigmoid silu softmax softplus softsign swish tanh"
).split()
_ACTIVATIONS_KERAS3_ONLY = (
    "celu glu hard_shrink hard_silu hard_swish hard_tanh log_sigmoid soft_shrink sparse_plus "
    "sparse_sigmoid sparsemax squareplus tanh_shrink threshold"
).split()
ACTIVATIONS: dict[KerasVersion, frozenset[str]] = {
    KerasVersion.V2: frozenset(_ACTIVATIONS_BOTH),
    KerasVersion.V3: frozenset(_ACTIVATIONS_BOTH + _ACTIVATIONS_KERAS3_ONLY),
}

_INITIALIZERS = [
    "zeros",
    "Zeros",
    "zero",
    "ones",
    "Ones",
    "one",
    "glorot_uniform",
    "GlorotUniform",
    "glorot_normal",
    "GlorotNormal",
    "he_uniform",
    "HeUniform",
    "he_normal",
    "HeNormal",
    "lecun_uniform",
    "LecunUniform",
    "lecun_normal",
    "LecunNormal",
    "orthogonal",
    "Orthogonal",
    "identity",
    "Identity",
    "random_uniform",
    "RandomUniform",
    "random_normal",
    "RandomNormal",
    "truncated_normal",
    "TruncatedNormal",
    "variance_scaling",
    "VarianceScaling",
    "uniform",
    "normal",
]
INITIALIZERS: dict[KerasVersion, frozenset[str]] = {
    KerasVersion.V2: frozenset([*_INITIALIZERS, "constant", "Constant"]),
    KerasVersion.V3: frozenset([*_INITIALIZERS, "IdentityInitializer", "OrthogonalInitializer"]),
}
REGULARIZERS: dict[KerasVersion, frozenset[str]] = {
    KerasVersion.V2: frozenset(
        ["l1", "l2", "l1_l2", "L1", "L2", "L1L2", "orthogonal_regularizer", "OrthogonalRegularizer"]
    ),
    KerasVersion.V3: frozenset(
        ["l1", "l2", "L1", "L2", "L1L2", "orthogonal_regularizer", "OrthogonalRegularizer"]
    ),
}
_CONSTRAINTS = [
    "max_norm",
    "MaxNorm",
    "non_neg",
    "NonNeg",
    "unit_norm",
    "UnitNorm",
    "min_max_norm",
    "MinMaxNorm",
]
CONSTRAINTS: dict[KerasVersion, frozenset[str]] = {
    KerasVersion.V2: frozenset([*_CONSTRAINTS, "maxnorm", "nonneg", "unitnorm"]),
    KerasVersion.V3: frozenset(_CONSTRAINTS),
}


class Framework(str, Enum):
    """Whose layer an expression describes."""

    KERAS = "keras"
    TORCH = "torch"


class MergeMode(str, Enum):
    """How `Bidirectional` combines the forward and backward outputs (`None`: keeps both)."""

    CONCAT = "concat"
    SUM = "sum"
    MUL = "mul"
    AVE = "ave"


class Padding(str, Enum):
    """Padding of ConvLSTM's input convolution (the recurrent one is always `same`)."""

    VALID = "valid"
    SAME = "same"


class DataFormat(str, Enum):
    """Where ConvLSTM's channel axis is: last (`(batch, time, rows, cols, channels)`) or first."""

    CHANNELS_LAST = "channels_last"
    CHANNELS_FIRST = "channels_first"


class DType(str, Enum):
    """The dtype (or Keras mixed-precision policy) of activations and variables."""

    FLOAT32 = "float32"
    FLOAT16 = "float16"
    BFLOAT16 = "bfloat16"
    FLOAT64 = "float64"
    MIXED_FLOAT16 = "mixed_float16"  # float16 compute, float32 variables
    MIXED_BFLOAT16 = "mixed_bfloat16"

    @property
    def compute_bytes(self) -> int:
        """Bytes of one activation element."""
        return {"float32": 4, "float64": 8}.get(self.value, 2)

    @property
    def variable_bytes(self) -> int:
        """Bytes of one parameter, gradient or optimizer slot (mixed policies keep float32)."""
        return 4 if self.value.startswith("mixed") else self.compute_bytes

    @property
    def variable_dtype(self) -> str:
        """The dtype parameters are kept in: mixed policies keep float32."""
        return "float32" if self.value.startswith("mixed") else self.value


class Optimizer(str, Enum):
    """Training optimizers, by the state they keep per parameter."""

    SGD = "sgd"
    MOMENTUM = "momentum"
    ADAM = "adam"
    ADAMW = "adamw"
    RMSPROP = "rmsprop"
    ADAGRAD = "adagrad"

    @property
    def slots(self) -> int:
        """Values kept per parameter: momentum 1, Adam's two moments 2, RMSprop's average 1."""
        return {"sgd": 0, "adam": 2, "adamw": 2}.get(self.value, 1)
