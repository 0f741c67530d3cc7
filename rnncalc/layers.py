"""Layer configs (pydantic) for Keras SimpleRNN, GRU and LSTM, and how the families differ."""

from __future__ import annotations

from typing import Any, ClassVar, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from rnncalc.enums import ACTIVATIONS, CONSTRAINTS, INITIALIZERS, REGULARIZERS, KerasVersion

BOTH = ("2", "3")
KERAS2 = ("2",)
KERAS3 = ("3",)


class Family(NamedTuple):
    """How one recurrent family differs from the others: by numbers, not by code."""

    gates: int  # blocks of `units` columns in each kernel: SimpleRNN 1, GRU 3 (z, r, h), LSTM 4
    states: tuple[str, ...]  # the states `return_state` appends, in Keras's order
    gate_names: str  # column blocks of the kernels, in Keras's order (for docs and formulas)


FAMILIES: dict[str, Family] = {
    "SimpleRNN": Family(gates=1, states=("state",), gate_names="h"),
    "GRU": Family(gates=3, states=("state",), gate_names="z, r, h"),
    "LSTM": Family(gates=4, states=("state_h", "state_c"), gate_names="i, f, c, o"),
}

Identifier = str | dict[str, Any] | None  # a Keras name ("l2") or a serialized object / call


def arg(default: Any, description: str, keras: tuple[str, ...] = BOTH, **kw: Any) -> Any:
    """A layer argument: its default, its documentation and the Keras versions that accept it."""
    return Field(default, description=description, json_schema_extra={"keras": list(keras)}, **kw)


def _context_keras(info: ValidationInfo) -> KerasVersion:
    return KerasVersion((info.context or {}).get("keras", "2"))


class RecurrentConfig(BaseModel):
    """Arguments shared by Keras SimpleRNN, GRU and LSTM, with Keras 2's defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False)

    # Keras's positional order for the leading arguments; the rest are keyword-only here.
    positional: ClassVar[tuple[str, ...]] = ("units", "activation", "use_bias")

    units: int = arg(
        ..., "Dimensionality of the output space: the size of the output and of each state."
    )
    activation: str | None = arg(
        "tanh", "Activation of the candidate state and output. `None` means linear (`a(x) = x`)."
    )
    use_bias: bool = arg(True, "Whether the layer has a `bias` vector.")
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
    activity_regularizer: Identifier = arg(None, "Regularizer applied to the layer's output.")
    kernel_constraint: Identifier = arg(None, "Constraint applied to `kernel` after each update.")
    recurrent_constraint: Identifier = arg(
        None, "Constraint applied to `recurrent_kernel` after each update."
    )
    bias_constraint: Identifier = arg(None, "Constraint applied to `bias` after each update.")
    dropout: float = arg(
        0.0,
        "Fraction of the input units to drop during training. Keras clips it to [0, 1].",
        strict=True,
        allow_inf_nan=False,
    )
    recurrent_dropout: float = arg(
        0.0,
        "Fraction of the recurrent-state units to drop during training. Keras clips it to [0, 1].",
        strict=True,
        allow_inf_nan=False,
    )
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
    seed: int | None = arg(None, "Random seed for dropout.", keras=KERAS3)
    implementation: int = arg(
        2, "Ignored by SimpleRNN: Keras 2 drops it with a deprecation warning.", keras=KERAS2
    )
    name: str | None = arg(None, "Name of the layer.")
    trainable: bool = arg(
        True,
        "Whether the weights are updated in training. `False` makes every parameter non-trainable.",
        strict=True,
    )
    dtype: str | dict[str, Any] | None = arg(
        None, "Dtype or mixed-precision policy of the layer (`float32` when not set)."
    )

    @property
    def family(self) -> Family:
        return FAMILIES[self.class_name()]

    @classmethod
    def class_name(cls) -> str:
        return cls.__name__.removesuffix("Config")

    @property
    def bias_copies(self) -> int:
        """How many bias vectors of `gates·units` the layer keeps (GRU `reset_after`: 2)."""
        return 1

    @field_validator("units", mode="before")
    @classmethod
    def _units(cls, value: Any) -> Any:
        # Both Keras versions refuse 4.0 (a float shape dimension), and bools, at build time.
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f"expected a positive integer, got {value!r}")
        return value

    @field_validator("activation", "recurrent_activation", mode="after", check_fields=False)
    @classmethod
    def _activation(cls, value: str | None, info: ValidationInfo) -> str | None:
        keras = _context_keras(info)
        if value is not None and value not in ACTIVATIONS[keras]:
            raise ValueError(_unknown_name(value, "activation", ACTIVATIONS[keras], keras))
        return value

    @field_validator("kernel_initializer", "recurrent_initializer", "bias_initializer")
    @classmethod
    def _initializer(cls, value: Identifier, info: ValidationInfo) -> Identifier:
        return _known(value, "initializer", INITIALIZERS[_context_keras(info)], info)

    @field_validator("kernel_constraint", "recurrent_constraint", "bias_constraint")
    @classmethod
    def _constraint(cls, value: Identifier, info: ValidationInfo) -> Identifier:
        return _known(value, "constraint", CONSTRAINTS[_context_keras(info)], info)

    @field_validator(
        "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer"
    )
    @classmethod
    def _regularizer(cls, value: Identifier, info: ValidationInfo) -> Identifier:
        keras = _context_keras(info)
        # tf-keras 2.21 accepts any string as a regularizer without complaint; Keras 3 refuses.
        if keras is KerasVersion.V3:
            return _known(value, "regularizer", REGULARIZERS[keras], info)
        return value


class SimpleRNNConfig(RecurrentConfig):
    """`keras.layers.SimpleRNN`: a fully connected RNN whose output is fed back as its input."""


class GatedConfig(RecurrentConfig):
    """Arguments GRU and LSTM add to the shared ones."""

    positional: ClassVar[tuple[str, ...]] = (
        "units",
        "activation",
        "recurrent_activation",
        "use_bias",
    )

    recurrent_activation: str | None = arg(
        "sigmoid", "Activation of the gates. `None` means linear."
    )
    seed: int | None = arg(None, "Random seed for dropout.")
    implementation: int = arg(
        2,
        "Mode 1 computes many small matrix products, mode 2 fewer large ones. Same shapes and "
        "parameters either way.",
    )
    use_cudnn: bool | Literal["auto"] = arg(
        "auto",
        "Whether to use the cuDNN kernel on a GPU: `'auto'` when the configuration allows it.",
        keras=KERAS3,
    )


class GRUConfig(GatedConfig):
    """`keras.layers.GRU`: Gated Recurrent Unit, with update, reset and candidate blocks."""

    reset_after: bool = arg(
        True,
        "Apply the reset gate after the recurrent matrix multiplication (the cuDNN-"
        "compatible form, tf.keras's default). It keeps two bias vectors: input and recurrent.",
    )

    @property
    def bias_copies(self) -> int:
        return 2 if self.reset_after else 1


class LSTMConfig(GatedConfig):
    """`keras.layers.LSTM`: Long Short-Term Memory with input, forget, cell and output blocks."""

    unit_forget_bias: bool = arg(
        True,
        "Initialize the forget gate's bias block to ones (the other blocks use "
        "`bias_initializer`), as Jozefowicz et al. (2015) recommend. No effect on shapes.",
    )


CONFIGS: dict[str, type[RecurrentConfig]] = {
    cls.class_name(): cls for cls in (SimpleRNNConfig, GRUConfig, LSTMConfig)
}


def available(cls: type[RecurrentConfig], field: str, keras: KerasVersion) -> bool:
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


def _unknown_name(value: str, what: str, known: frozenset[str], keras: KerasVersion) -> str:
    from difflib import get_close_matches

    close = get_close_matches(value, sorted(known), n=1)
    suggestion = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown {what} {value!r} for Keras {keras.value}{suggestion}"


def _known(value: Identifier, what: str, known: frozenset[str], info: ValidationInfo) -> Identifier:
    name = value if isinstance(value, str) else None
    if isinstance(value, dict):
        name = value.get("class_name")
    if name is not None and name not in known:
        raise ValueError(_unknown_name(name, what, known, _context_keras(info)))
    return value
