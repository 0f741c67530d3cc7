"""Configs of Keras's ConvLSTM1D, ConvLSTM2D and ConvLSTM3D."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import field_validator

from rnncalc.config.enums import DataFormat, Padding
from rnncalc.config.families import FAMILIES, Family
from rnncalc.config.keras import (
    KERAS2,
    KERAS3,
    SequenceArgs,
    WeightArgs,
    _fraction,
    arg,
)
from rnncalc.i18n import _

Sizes = tuple[int, ...]


class ConvLSTMConfig(SequenceArgs, WeightArgs):
    """An LSTM whose matrix products are convolutions: 1, 2 or 3 spatial axes per timestep."""

    positional: ClassVar[tuple[str, ...]] = (
        "filters",
        "kernel_size",
        "strides",
        "padding",
        "data_format",
        "dilation_rate",
        "activation",
        "recurrent_activation",
    )
    rank: ClassVar[int]  # spatial axes

    filters: int = arg(..., "Number of output channels: the size of the output and states.")
    kernel_size: Sizes = arg(
        ..., "Size of the convolution window, one integer per spatial axis (or one for all)."
    )
    strides: Sizes = arg(
        1,
        "Step of the input convolution per spatial axis. The recurrent one always steps 1.",
        validate_default=True,
    )
    padding: Padding = arg(
        Padding.VALID,
        "`valid` (no padding: the output shrinks by the kernel) or `same` (output size = "
        "input size / strides, rounded up). The recurrent convolution is always `same`.",
    )
    data_format: DataFormat | None = arg(
        None,
        "`channels_last` `(batch, time, *spatial, channels)` or `channels_first` `(batch, time, "
        "channels, *spatial)`; `None` means Keras's image_data_format, `channels_last`.",
    )
    dilation_rate: Sizes = arg(
        1, "Dilation of the input convolution per spatial axis.", validate_default=True
    )
    activation: str | None = arg("tanh", "Activation of the candidate cell state and output.")
    recurrent_activation: str | None = arg(
        "sigmoid", "Activation of the gates.", by_version={"2": "hard_sigmoid", "3": "sigmoid"}
    )
    use_bias: bool = arg(True, "Whether the layer has a `bias` vector.")
    unit_forget_bias: bool = arg(True, "Initialize the forget gate's bias block to ones.")
    dropout: float = _fraction("Fraction of the input channels to drop in the input convolution.")
    recurrent_dropout: float = _fraction(
        "Fraction of the state channels to drop in the recurrent convolution."
    )
    seed: int | None = arg(None, "Random seed for dropout.", keras=KERAS3)
    time_major: bool = arg(False, "Time axis first. Keras 2 only.", keras=KERAS2)
    return_sequences: bool = arg(
        False,
        "Return the output of every timestep `(batch, timesteps, *spatial, filters)` instead "
        "of only the last one `(batch, *spatial, filters)` (channels_last).",
    )
    return_state: bool = arg(
        False,
        "Also return the final states h and c after the output, each "
        "`(batch, *spatial, filters)` (channels_last).",
    )

    @property
    def family(self) -> Family:
        return FAMILIES["LSTM"]

    @property
    def bias_copies(self) -> int:
        return 1

    @property
    def runs_time_major(self) -> bool:
        return False  # Keras 2's ConvRNN takes time_major and never passes it on

    @property
    def channels_first(self) -> bool:
        return self.data_format is DataFormat.CHANNELS_FIRST

    @field_validator("kernel_size", "strides", "dilation_rate", mode="before")
    @classmethod
    def _sizes(cls, value: Any) -> Any:
        # Keras's standardize_tuple: one int for every axis, or exactly `rank` positive ints.
        sizes = (value,) * cls.rank if isinstance(value, int) else value
        if not isinstance(sizes, tuple | list) or len(sizes) != cls.rank:
            raise ValueError(
                _("expected an integer or {rank} integers, got {value!r}").format(
                    rank=cls.rank, value=value
                )
            )
        for size in sizes:
            if isinstance(size, bool) or not isinstance(size, int) or size < 1:
                raise ValueError(_("expected positive integers, got {value!r}").format(value=value))
        return tuple(sizes)

    @field_validator("padding", "data_format", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


class ConvLSTM1DConfig(ConvLSTMConfig):
    """`keras.layers.ConvLSTM1D`: timesteps of 1-D signals `(batch, time, steps, channels)`."""

    rank = 1


class ConvLSTM2DConfig(ConvLSTMConfig):
    """`keras.layers.ConvLSTM2D`: timesteps of images `(batch, time, rows, cols, channels)`."""

    rank = 2


class ConvLSTM3DConfig(ConvLSTMConfig):
    """`keras.layers.ConvLSTM3D`: timesteps of volumes `(batch, time, d1, d2, d3, channels)`."""

    rank = 3


CONV: dict[str, type[ConvLSTMConfig]] = {
    cls.class_name(): cls for cls in (ConvLSTM1DConfig, ConvLSTM2DConfig, ConvLSTM3DConfig)
}
