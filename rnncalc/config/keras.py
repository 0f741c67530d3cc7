"""Configs (pydantic) of Keras's recurrent layers and cells; the table of how families differ."""

from __future__ import annotations

import re
from functools import cache
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from rnncalc.config.enums import ACTIVATIONS, CONSTRAINTS, INITIALIZERS, REGULARIZERS, KerasVersion
from rnncalc.config.families import FAMILIES, Family
from rnncalc.errors import closest
from rnncalc.i18n import N_, _
from rnncalc.limits import check_size

BOTH = ("2", "3")
NO_TIME_MAJOR = N_(  # translated where it is said
    "Keras 3 has no time_major: transpose to (batch, timesteps, features) first, "
    "e.g. keras.ops.swapaxes(x, 0, 1)"
)
KERAS2 = ("2",)
KERAS3 = ("3",)


Identifier = str | dict[str, Any] | None  # a Keras name ("l2") or a serialized object / call


def arg(
    default: Any,
    description: str,
    keras: tuple[str, ...] = BOTH,
    by_version: dict[str, Any] | None = None,
    **kw: Any,
) -> Any:
    """A layer argument: its default, its documentation and the Keras versions that accept it.

    `by_version` gives the default where the two Keras versions differ (`{"2": ..., "3": ...}`;
    `default` is then Keras 3's): a config filled without the argument takes its version's.
    """
    extra: dict[str, Any] = {"keras": list(keras)}
    if by_version:
        extra["defaults"] = by_version
    return Field(default, description=description, json_schema_extra=extra, **kw)


def version_default(info: Any, keras: KerasVersion) -> Any:
    """A field's default under `keras`: the one `arg(by_version=...)` names, or its own."""
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    defaults = extra.get("defaults") or {}
    return defaults.get(keras.value, info.default) if isinstance(defaults, dict) else info.default


def _context_keras(info: ValidationInfo) -> KerasVersion:
    return KerasVersion.of((info.context or {}).get("keras", "2"))


def _fraction(description: str) -> Any:
    return arg(0.0, description, strict=True, allow_inf_nan=False)


class KerasConfig(BaseModel):
    """Arguments every Keras layer takes, and the checks of names Keras looks up."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _version_defaults(cls, data: Any, info: ValidationInfo) -> Any:
        # A default that differs between Keras versions (ConvLSTM's recurrent_activation) is
        # its version's where the argument is not given.
        if not isinstance(data, dict):
            return data
        keras = _context_keras(info)
        missing = {
            name: version_default(field, keras)
            for name, field in cls.model_fields.items()
            if name not in data
            and isinstance(field.json_schema_extra, dict)
            and "defaults" in field.json_schema_extra
        }
        return {**data, **missing} if missing else data

    positional: ClassVar[tuple[str, ...]] = ()  # Keras's positional order of leading arguments
    keras_versions: ClassVar[tuple[str, ...]] = BOTH  # the Keras versions that have the class

    activity_regularizer: Identifier = arg(None, "Regularizer applied to the layer's output.")
    name: str | None = arg(None, "Name of the layer.")
    trainable: bool = arg(
        True,
        "Whether the weights are updated in training. `False` makes every parameter non-trainable.",
        strict=True,
    )
    dtype: str | dict[str, Any] | None = arg(
        None, "Dtype or mixed-precision policy of the layer (`float32` when not set)."
    )

    @classmethod
    def class_name(cls) -> str:
        return cls.__name__.removesuffix("Config")

    @field_validator("activation", "recurrent_activation", mode="after", check_fields=False)
    @classmethod
    def _activation(cls, value: str | None, info: ValidationInfo) -> str | None:
        keras = _context_keras(info)
        if value is not None and value not in ACTIVATIONS[keras]:
            raise ValueError(_unknown_name(value, "activation", ACTIVATIONS[keras], keras))
        return value

    @field_validator(
        "kernel_initializer", "recurrent_initializer", "bias_initializer", check_fields=False
    )
    @classmethod
    def _initializer(cls, value: Identifier, info: ValidationInfo) -> Identifier:
        return _known(value, "initializer", INITIALIZERS[_context_keras(info)], info)

    @field_validator(
        "kernel_constraint", "recurrent_constraint", "bias_constraint", check_fields=False
    )
    @classmethod
    def _constraint(cls, value: Identifier, info: ValidationInfo) -> Identifier:
        return _known(value, "constraint", CONSTRAINTS[_context_keras(info)], info)

    @field_validator(
        "kernel_regularizer",
        "recurrent_regularizer",
        "bias_regularizer",
        "activity_regularizer",
        check_fields=False,
    )
    @classmethod
    def _regularizer(cls, value: Identifier, info: ValidationInfo) -> Identifier:
        keras = _context_keras(info)
        # tf-keras 2.21 accepts any string as a regularizer without complaint; Keras 3 refuses.
        if keras is KerasVersion.V3:
            return _known(value, "regularizer", REGULARIZERS[keras], info)
        return value

    @field_validator("units", "filters", mode="before", check_fields=False)
    @classmethod
    def _positive(cls, value: Any, info: ValidationInfo) -> Any:
        # Both Keras versions refuse 4.0 (a float shape dimension), and bools, at build time;
        # Keras 3 builds ConvLSTM with filters=0 (empty weights), TensorFlow refuses it.
        least = 0 if info.field_name == "filters" and _context_keras(info) is KerasVersion.V3 else 1
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            expected = (
                _("expected a positive integer, got {value!r}")
                if least
                else _("expected an integer of 0 or more, got {value!r}")
            )
            raise ValueError(expected.format(value=value))
        check_size(value, info.field_name or "the size")
        return value


class WeightArgs(KerasConfig):
    """How the kernel, recurrent kernel and bias are initialized, regularized and constrained."""

    kernel_initializer: Identifier = arg(
        "glorot_uniform", "Initializer of `kernel`, the weights applied to the inputs."
    )
    recurrent_initializer: Identifier = arg(
        "orthogonal",
        "Initializer of `recurrent_kernel`, the weights applied to the previous state.",
    )
    bias_initializer: Identifier = arg("zeros", "Initializer of `bias`.")
    kernel_regularizer: Identifier = arg(None, "Regularizer applied to `kernel`.")
    recurrent_regularizer: Identifier = arg(None, "Regularizer applied to `recurrent_kernel`.")
    bias_regularizer: Identifier = arg(None, "Regularizer applied to `bias`.")
    kernel_constraint: Identifier = arg(None, "Constraint applied to `kernel` after each update.")
    recurrent_constraint: Identifier = arg(
        None, "Constraint applied to `recurrent_kernel` after each update."
    )
    bias_constraint: Identifier = arg(None, "Constraint applied to `bias` after each update.")


class SequenceArgs(KerasConfig):
    """How a recurrent layer runs its cell over the time axis and what it returns."""

    return_sequences: bool = arg(
        False,
        "Return the output of every timestep `(batch, timesteps, units)` instead of only "
        "the last one `(batch, units)`.",
    )
    return_state: bool = arg(
        False, "Also return the final state(s) after the output, each `(batch, units)`."
    )
    go_backwards: bool = arg(
        False,
        "Process the sequence backwards. The returned sequence is in reversed order; "
        "shapes do not change.",
    )
    stateful: bool = arg(
        False,
        "Keep the last state of each sample as the initial state of the same sample in "
        "the next batch. Needs a fixed batch size.",
    )
    unroll: bool = arg(
        False,
        "Unroll the recurrence into a static graph: faster for short sequences, more "
        "memory. Keras 2 needs a fixed number of timesteps.",
    )
    time_major: bool = arg(
        False,
        "Read inputs and write sequence outputs as `(timesteps, batch, ...)` instead of "
        "`(batch, timesteps, ...)`. States stay `(batch, units)`. Removed in Keras 3.",
        keras=KERAS2,
    )
    zero_output_for_mask: bool = arg(
        False,
        "With `return_sequences` and a mask, write zeros at masked timesteps instead of "
        "carrying the previous output forward.",
    )

    @property
    def runs_time_major(self) -> bool:
        """Whether axis 0 is time (ConvLSTM accepts `time_major` and ignores it)."""
        return self.time_major


class CellArgs(WeightArgs):
    """Arguments of one step of SimpleRNN, GRU and LSTM: what their cells share."""

    positional: ClassVar[tuple[str, ...]] = ("units", "activation", "use_bias")
    family_name: ClassVar[str]  # the row of FAMILIES

    units: int = arg(
        ..., "Dimensionality of the output space: the size of the output and of each state."
    )
    activation: str | None = arg(
        "tanh", "Activation of the candidate state and output. `None` means linear (`a(x) = x`)."
    )
    use_bias: bool = arg(True, "Whether the layer has a `bias` vector.")
    dropout: float = _fraction(
        "Fraction of the input units to drop during training. Keras clips it to [0, 1]."
    )
    recurrent_dropout: float = _fraction(
        "Fraction of the recurrent-state units to drop during training. Keras clips it to [0, 1]."
    )
    seed: int | None = arg(None, "Random seed for dropout.")

    @property
    def family(self) -> Family:
        return FAMILIES[self.family_name]

    @property
    def bias_copies(self) -> int:
        """How many bias vectors of `gates·units` the cell keeps (GRU `reset_after`: 2)."""
        return 1


class SimpleRNNCellConfig(CellArgs):
    """`keras.layers.SimpleRNNCell`: one step of SimpleRNN, for `RNN(...)`."""

    family_name = "SimpleRNN"

    implementation: int = arg(
        2, "Ignored by SimpleRNN: Keras 2 drops it with a deprecation warning.", keras=KERAS2
    )


class GatedCellArgs(CellArgs):
    """Arguments GRU and LSTM cells add to the shared ones."""

    positional: ClassVar[tuple[str, ...]] = (
        "units",
        "activation",
        "recurrent_activation",
        "use_bias",
    )

    recurrent_activation: str | None = arg(
        "sigmoid", "Activation of the gates. `None` means linear."
    )
    implementation: int = arg(
        2,
        "Mode 1 computes many small matrix products, mode 2 fewer large ones. Same shapes and "
        "parameters either way.",
    )


class GRUCellConfig(GatedCellArgs):
    """`keras.layers.GRUCell`: one step of GRU, for `RNN(...)`."""

    family_name = "GRU"

    reset_after: bool = arg(
        True,
        "Apply the reset gate after the recurrent matrix multiplication (the cuDNN-"
        "compatible form, tf.keras's default). It keeps two bias vectors: input and recurrent.",
    )

    @property
    def bias_copies(self) -> int:
        return 2 if self.reset_after else 1


class LSTMCellConfig(GatedCellArgs):
    """`keras.layers.LSTMCell`: one step of LSTM, for `RNN(...)`."""

    family_name = "LSTM"

    unit_forget_bias: bool = arg(
        True,
        "Initialize the forget gate's bias block to ones (the other blocks use "
        "`bias_initializer`), as Jozefowicz et al. (2015) recommend. No effect on shapes.",
    )


# `tf.compat.v1.keras.layers` in tf-keras (Keras 2): the same classes, but its GRU keeps one
# bias per gate by default. TensorFlow 2.16 and later serve it from Keras 3 as Keras 3's own.
V1_DEFAULTS: dict[str, dict[str, Any]] = {
    "GRU": {"reset_after": False},
    "GRUCell": {"reset_after": False},
}
V1_MODULE = "compat.v1"


class RecurrentConfig(SequenceArgs, CellArgs):
    """A Keras SimpleRNN, GRU or LSTM layer: its cell's arguments and the sequence arguments.

    Each layer lists its cell class first, so that the cell's version of an argument (GRU's
    `seed`, accepted by both Keras versions) wins over the shared one.
    """


class SimpleRNNConfig(SimpleRNNCellConfig, RecurrentConfig):
    """`keras.layers.SimpleRNN`: a fully connected RNN whose output is fed back as its input."""

    # tf-keras's SimpleRNN layer refuses the `seed` its cell takes.
    seed: int | None = arg(None, "Random seed for dropout.", keras=KERAS3)


class UseCuDNN(KerasConfig):
    use_cudnn: bool | Literal["auto"] = arg(
        "auto",
        "Whether to use the cuDNN kernel on a GPU: `'auto'` when the configuration allows it.",
        keras=KERAS3,
    )


class Runtime(KerasConfig):
    return_runtime: bool = arg(
        False,
        "Also return a scalar saying which implementation ran (cuDNN or the generic one); "
        "tf-keras returns it after the output, unless `return_state` is set.",
        keras=KERAS2,
    )


class GRUConfig(GRUCellConfig, RecurrentConfig, UseCuDNN, Runtime):
    """`keras.layers.GRU`: Gated Recurrent Unit, with update, reset and candidate blocks."""


class LSTMConfig(LSTMCellConfig, RecurrentConfig, UseCuDNN, Runtime):
    """`keras.layers.LSTM`: Long Short-Term Memory with input, forget, cell and output blocks."""


class CuDNNConfig(SequenceArgs, WeightArgs):
    """Keras 2's GPU-only layers: fixed activations, and PyTorch's two bias vectors."""

    positional: ClassVar[tuple[str, ...]] = ("units",)
    keras_versions: ClassVar[tuple[str, ...]] = KERAS2
    family_name: ClassVar[str]

    units: int = arg(..., "Dimensionality of the output space.")
    use_bias: ClassVar[bool] = True
    bias_copies: ClassVar[int] = 2  # cuDNN keeps an input and a recurrent bias per gate

    @property
    def family(self) -> Family:
        return FAMILIES[self.family_name]


class CuDNNGRUConfig(CuDNNConfig):
    """`tf.compat.v1.keras.layers.CuDNNGRU` (Keras 2, GPU only): bias of 6·units."""

    family_name = "GRU"


class CuDNNLSTMConfig(CuDNNConfig):
    """`tf.compat.v1.keras.layers.CuDNNLSTM` (Keras 2, GPU only): bias of 8·units."""

    family_name = "LSTM"

    unit_forget_bias: bool = arg(True, "Initialize the forget gate's bias block to ones.")


Cell = SimpleRNNCellConfig | GRUCellConfig | LSTMCellConfig
DenseLayer = RecurrentConfig | CuDNNConfig  # a layer of one cell over a feature vector

CELLS: dict[str, type[CellArgs]] = {
    cls.class_name(): cls for cls in (SimpleRNNCellConfig, GRUCellConfig, LSTMCellConfig)
}
RECURRENT: dict[str, type[KerasConfig]] = {
    cls.class_name(): cls
    for cls in (SimpleRNNConfig, GRUConfig, LSTMConfig, CuDNNGRUConfig, CuDNNLSTMConfig)
}


@cache
def field_order(cls: type[BaseModel]) -> tuple[str, ...]:
    """A config's arguments as Keras lists them: positional ones first, common ones last.

    Example:
        >>> field_order(LSTMConfig)[:4]
        ('units', 'activation', 'recurrent_activation', 'use_bias')
    """
    positional: tuple[str, ...] = getattr(cls, "positional", ())
    names = list(cls.model_fields)
    return tuple(
        sorted(
            names,
            key=lambda n: (
                n in KerasConfig.model_fields,
                positional.index(n) if n in positional else len(positional),
                names.index(n),
            ),
        )
    )


def available(cls: type[BaseModel], field: str, keras: KerasVersion) -> bool:
    """Whether `field` is an argument of `cls` under `keras`.

    Example:
        >>> available(LSTMConfig, "time_major", KerasVersion.V3)
        False
    """
    info = cls.model_fields.get(field)
    if info is None:
        return False
    extra = info.json_schema_extra
    return isinstance(extra, dict) and keras.value in extra["keras"]  # type: ignore[operator]


# Each kind of name Keras looks up, in whole sentences: (unknown, unknown with a close one,
# not a name).
_NAMES = {
    "activation": (
        N_("unknown activation {value!r} for Keras {keras}"),
        N_("unknown activation {value!r} for Keras {keras}; did you mean {close!r}?"),
        N_("expected an activation's name, got {value!r}"),
    ),
    "initializer": (
        N_("unknown initializer {value!r} for Keras {keras}"),
        N_("unknown initializer {value!r} for Keras {keras}; did you mean {close!r}?"),
        N_("expected a initializer's name, got {value!r}"),
    ),
    "constraint": (
        N_("unknown constraint {value!r} for Keras {keras}"),
        N_("unknown constraint {value!r} for Keras {keras}; did you mean {close!r}?"),
        N_("expected a constraint's name, got {value!r}"),
    ),
    "regularizer": (
        N_("unknown regularizer {value!r} for Keras {keras}"),
        N_("unknown regularizer {value!r} for Keras {keras}; did you mean {close!r}?"),
        N_("expected a regularizer's name, got {value!r}"),
    ),
}


def _unknown_name(value: str, what: str, known: frozenset[str], keras: KerasVersion) -> str:
    close = closest(value, sorted(known))
    unknown, suggest, _name = _NAMES[what]
    return _(suggest if close else unknown).format(value=value, keras=keras.value, close=close)


def _known(value: Identifier, what: str, known: frozenset[str], info: ValidationInfo) -> Identifier:
    name = value.get("class_name") if isinstance(value, dict) else value
    if name is not None and not isinstance(name, str):
        raise ValueError(_(_NAMES[what][2]).format(value=name))
    if name is not None and name not in known:
        raise ValueError(_unknown_name(name, what, known, _context_keras(info)))
    return value


def snake_case(name: str) -> str:
    """A Keras class name as Keras names its instances: `SimpleRNN` → `simple_rnn`."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
