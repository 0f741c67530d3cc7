"""Configs of PyTorch's nn.RNN, nn.GRU and nn.LSTM, checked as their constructors check them."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from rnncalc.config.families import FAMILIES, Family
from rnncalc.i18n import N_, _
from rnncalc.limits import TORCH_LAYERS, check_size


def _arg(default: Any, description: str, **kw: Any) -> Any:
    return Field(default, description=description, json_schema_extra={"torch": True}, **kw)


def _integer(value: Any, info: ValidationInfo) -> Any:
    # PyTorch checks isinstance(value, int): True passes as 1, 20.0 does not.
    if not isinstance(value, int):
        raise ValueError(
            _("{argument} should be of type int, got: {kind}").format(
                argument=info.field_name, kind=type(value).__name__
            )
        )
    check_size(value, info.field_name or _("the size"))
    if info.field_name == "num_layers":
        TORCH_LAYERS.check(value, "num_layers", _("stack fewer layers"))
    return int(value)


def _positive(value: int, info: ValidationInfo) -> int:
    if value <= 0:
        raise ValueError(_("{argument} must be greater than zero").format(argument=info.field_name))
    return value


class TorchConfig(BaseModel):
    """Arguments PyTorch's recurrent modules share (`torch.nn.RNNBase`), with its defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False, defer_build=True)

    positional: ClassVar[tuple[str, ...]] = (
        "input_size",
        "hidden_size",
        "num_layers",
        "bias",
        "batch_first",
        "dropout",
        "bidirectional",
        "proj_size",
    )
    family_name: ClassVar[str]

    input_size: int = _arg(..., "Number of features of the input `H_in`.")
    hidden_size: int = _arg(..., "Number of features of the hidden state `H`.")
    num_layers: int = _arg(
        1, "Recurrent layers stacked: each layer's output is the next one's input."
    )
    bias: bool = _arg(True, "Whether each layer has `bias_ih` and `bias_hh`.", strict=True)
    batch_first: bool = _arg(
        False,
        "Input and output as `(batch, seq, feature)` instead of `(seq, batch, feature)`. "
        "Never applies to `h_n`/`c_n`, nor to unbatched input.",
        strict=True,
    )
    dropout: float = _arg(
        0.0,
        "Dropout on the outputs of every layer but the last, in [0, 1].",
        allow_inf_nan=False,
    )
    bidirectional: bool = _arg(
        False, "Run each layer in both directions: outputs are concatenated.", strict=True
    )
    proj_size: int = _arg(
        0,
        "LSTM only: project `h` to this size (< hidden_size) with `weight_hr`; `output` and "
        "`h_n` shrink to it, `c_n` does not.",
    )
    device: str | None = _arg(None, "Where the parameters live; no effect on shapes.")
    dtype: str | None = _arg(None, "Parameter dtype; no effect on shapes.")

    @property
    def family(self) -> Family:
        return FAMILIES[self.family_name]

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def output_size(self) -> int:
        """`H_out`: the size of `output`'s features per direction and of `h_n`."""
        return self.proj_size or self.hidden_size

    @classmethod
    def class_name(cls) -> str:
        return cls.__name__.removeprefix("Torch").removesuffix("Config")

    @field_validator("input_size", "hidden_size", "num_layers", "proj_size", mode="before")
    @classmethod
    def _int(cls, value: Any, info: ValidationInfo) -> Any:
        return _integer(value, info)

    @field_validator("input_size", "hidden_size", "num_layers")
    @classmethod
    def _positive(cls, value: int, info: ValidationInfo) -> int:
        return _positive(value, info)

    @field_validator("proj_size")
    @classmethod
    def _projection(cls, value: int) -> int:
        if value < 0:
            raise ValueError(
                _("proj_size should be a positive integer or zero to disable projections")
            )
        return value

    @field_validator("dropout", mode="before")
    @classmethod
    def _dropout(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ValueError(
                _(
                    "dropout should be a number in range [0, 1] representing the probability of "
                    "an element being zeroed, got {value!r}"
                ).format(value=value)
            )
        return value

    @model_validator(mode="after")
    def _sizes(self) -> TorchConfig:
        # In the order torch.nn.RNNBase.__init__ checks them, with its words.
        for name in ("input_size", "hidden_size", "num_layers"):
            if getattr(self, name) <= 0:
                raise ValueError(_("{argument} must be greater than zero").format(argument=name))
        if self.proj_size < 0:
            raise ValueError(
                _("proj_size should be a positive integer or zero to disable projections")
            )
        if self.proj_size >= self.hidden_size:
            raise ValueError(_("proj_size has to be smaller than hidden_size"))
        return self


class TorchRNNConfig(TorchConfig):
    """`torch.nn.RNN`: an Elman RNN with tanh or ReLU."""

    positional: ClassVar[tuple[str, ...]] = (
        "input_size",
        "hidden_size",
        "num_layers",
        "nonlinearity",
        "bias",
        "batch_first",
        "dropout",
        "bidirectional",
    )
    family_name = "SimpleRNN"

    nonlinearity: Literal["tanh", "relu"] = _arg("tanh", "`tanh` or `relu`.")


class TorchGRUConfig(TorchConfig):
    """`torch.nn.GRU`: gates r, z and candidate n; two biases per gate, always."""

    family_name = "GRU"


class TorchLSTMConfig(TorchConfig):
    """`torch.nn.LSTM`: gates i, f, g, o; an optional projection of h (`proj_size`)."""

    family_name = "LSTM"


TORCH: dict[str, type[TorchConfig]] = {
    cls.class_name(): cls for cls in (TorchRNNConfig, TorchGRUConfig, TorchLSTMConfig)
}
NOT_LSTM = N_("proj_size argument is only supported for LSTM, not RNN or GRU")


class TorchCellConfig(BaseModel):
    """Arguments PyTorch's cells share (`torch.nn.RNNCellBase`): one step, one layer."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False, defer_build=True)

    positional: ClassVar[tuple[str, ...]] = ("input_size", "hidden_size", "bias")
    layer: ClassVar[type[TorchConfig]]  # the layer that runs this cell over a sequence

    input_size: int = _arg(..., "Number of features of the input.")
    hidden_size: int = _arg(..., "Number of features of the hidden state.")
    bias: bool = _arg(True, "Whether the cell has `bias_ih` and `bias_hh`.", strict=True)
    device: str | None = _arg(None, "Where the parameters live; no effect on shapes.")
    dtype: str | None = _arg(None, "Parameter dtype; no effect on shapes.")

    @classmethod
    def class_name(cls) -> str:
        return cls.__name__.removeprefix("Torch").removesuffix("Config")

    @field_validator("input_size", "hidden_size", mode="before")
    @classmethod
    def _int(cls, value: Any, info: ValidationInfo) -> Any:
        return _integer(value, info)

    @field_validator("input_size", "hidden_size")
    @classmethod
    def _positive(cls, value: int, info: ValidationInfo) -> int:
        return _positive(value, info)

    def as_layer(self) -> TorchConfig:
        """The one-layer module that runs this cell at every step: the same parameters."""
        fields = self.model_dump(include={"input_size", "hidden_size", "bias", "nonlinearity"})
        return self.layer(**fields)


class TorchRNNCellConfig(TorchCellConfig):
    """`torch.nn.RNNCell`: one step of an Elman RNN."""

    positional: ClassVar[tuple[str, ...]] = ("input_size", "hidden_size", "bias", "nonlinearity")
    layer = TorchRNNConfig

    nonlinearity: Literal["tanh", "relu"] = _arg("tanh", "`tanh` or `relu`.")


class TorchGRUCellConfig(TorchCellConfig):
    """`torch.nn.GRUCell`: one step of a GRU."""

    layer = TorchGRUConfig


class TorchLSTMCellConfig(TorchCellConfig):
    """`torch.nn.LSTMCell`: one step of an LSTM (no projection)."""

    layer = TorchLSTMConfig


TORCH_CELLS: dict[str, type[TorchCellConfig]] = {
    cls.class_name(): cls for cls in (TorchRNNCellConfig, TorchGRUCellConfig, TorchLSTMCellConfig)
}
