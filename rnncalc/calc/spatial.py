"""Layers over the spatial axes found around RNNs: convolutions, pooling, padding, cropping and
upsampling in 1, 2 and 3 dimensions, with output shapes and weights as Keras gives them.

Each class serves every rank: `rank` is the number of spatial axes (Conv1D: 1, Conv2D: 2, ...),
which sit between the batch and the channels (`channels_last`, Keras's default) or after the
channels (`channels_first`).
"""

from __future__ import annotations

from math import prod
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, field_validator

from rnncalc.calc.plain import PlainConfig, _exactly
from rnncalc.calc.plan import conv_length
from rnncalc.calc.weights import WeightSpec
from rnncalc.config.inputs import Shape, shape_text
from rnncalc.errors import RnncalcError

Size = Annotated[int, Field(ge=1)]
DataFormat = Literal["channels_last", "channels_first"] | None


def _sizes(value: Any, rank: int) -> Any:
    """One size per spatial axis: Keras takes `3` for `(3, 3)`."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * rank
    if isinstance(value, list | tuple) and len(value) == rank:
        return tuple(value)
    return value


class Spatial(PlainConfig):
    """What every spatial layer shares: its rank, and where its channels are."""

    rank: ClassVar[int] = 1
    data_format: DataFormat = "channels_last"

    @property
    def label(self) -> str:
        return type(self).__name__.removesuffix("Config")

    def split(self, shape: Shape) -> tuple[Any, list[int | None], int | None]:
        """The batch, the spatial axes and the channels of an input."""
        _exactly(self.rank + 2, shape, self.label)
        if self.data_format == "channels_first":
            return shape[0], list(shape[2:]), shape[1]
        return shape[0], list(shape[1:-1]), shape[-1]

    def join(self, batch: Any, axes: list[int | None], channels: int | None) -> Shape:
        if self.data_format == "channels_first":
            return (batch, channels, *axes)
        return (batch, *axes, channels)


class ConvConfig(Spatial):
    """Conv1D, Conv2D, Conv3D."""

    filters: Size
    kernel_size: tuple[Size, ...]
    strides: tuple[Size, ...] = ()
    padding: Literal["valid", "same", "causal"] = "valid"
    dilation_rate: tuple[Size, ...] = ()
    groups: Size = 1
    use_bias: bool = True

    @field_validator("kernel_size", "strides", "dilation_rate", mode="before")
    @classmethod
    def _per_axis(cls, value: Any) -> Any:
        return _sizes(value, cls.rank)

    def outputs(self, shapes: list[Shape]) -> Shape:
        batch, axes, _ = self.split(shapes[0])
        ones = (1,) * self.rank
        if self.padding == "causal" and self.rank != 1:
            raise RnncalcError(f"{self.label} has no padding='causal'", "use 'valid' or 'same'")
        lengths = [
            conv_length(size, kernel, stride, dilation, self.padding)
            for size, kernel, stride, dilation in zip(
                axes,
                self.kernel_size,
                self.strides or ones,
                self.dilation_rate or ones,
                strict=True,
            )
        ]
        if any(length is not None and length <= 0 for length in lengths):
            raise RnncalcError(
                f"{self.label}'s kernel {self.kernel_size} is larger than the input "
                f"{shape_text(shapes[0])} with padding='valid'",
                "use padding='same', a smaller kernel_size, or a larger input",
            )
        return self.join(batch, lengths, self.filters)

    def channels(self, shape: Shape) -> int:
        _, _, channels = self.split(shape)
        if channels is None:
            raise RnncalcError(
                f"{self.label} needs the channels of its input, got {shape_text(shape)}",
                "give the channel axis a size",
            )
        if channels % self.groups or self.filters % self.groups:
            raise RnncalcError(
                f"{self.label} groups={self.groups} must divide the input channels "
                f"({channels}) and filters ({self.filters})",
                "choose groups that divides both",
            )
        return channels

    def macs(self, shapes: list[Shape], out: tuple[int, ...]) -> int:
        return prod(out) * prod(self.kernel_size) * self.channels(shapes[0]) // self.groups

    def weights(self, shapes: list[Shape]) -> list[WeightSpec]:
        per_group = self.channels(shapes[0]) // self.groups
        sizes = "kernel_size" if self.rank == 1 else "*kernel_size"
        kernel = WeightSpec(
            "kernel",
            (*self.kernel_size, per_group, self.filters),
            f"({sizes}, channels/groups, filters)",
        )
        bias = [WeightSpec("bias", (self.filters,), "(filters,)")] if self.use_bias else []
        return [kernel, *bias]


class PoolingConfig(Spatial):
    """MaxPooling and AveragePooling in 1, 2 and 3 dimensions."""

    pool_size: tuple[Size, ...] = ()
    strides: tuple[Size, ...] | None = None
    padding: Literal["valid", "same"] = "valid"

    @field_validator("pool_size", "strides", mode="before")
    @classmethod
    def _per_axis(cls, value: Any) -> Any:
        return value if value is None else _sizes(value, cls.rank)

    def outputs(self, shapes: list[Shape]) -> Shape:
        batch, axes, channels = self.split(shapes[0])
        pool = self.pool_size or (2,) * self.rank
        strides = self.strides or pool
        lengths = [
            conv_length(size, p, s, 1, self.padding)
            for size, p, s in zip(axes, pool, strides, strict=True)
        ]
        return self.join(batch, lengths, channels)


class GlobalPoolingConfig(Spatial):
    """GlobalMaxPooling and GlobalAveragePooling in 1, 2 and 3 dimensions."""

    keepdims: bool = False

    def outputs(self, shapes: list[Shape]) -> Shape:
        batch, _, channels = self.split(shapes[0])
        if not self.keepdims:
            return (batch, channels)
        return self.join(batch, [1] * self.rank, channels)


class PaddingConfig(Spatial):
    """ZeroPadding (`padding`) and Cropping (`cropping`): each axis grows or shrinks by a
    number before and a number after."""

    padding: Any = 1
    cropping: Any = None
    sign: ClassVar[int] = 1  # Cropping takes away

    def amounts(self) -> list[tuple[int, int]]:
        given = self.cropping if self.sign < 0 else self.padding
        if given is None:
            given = 0 if self.sign < 0 else 1
        if isinstance(given, int):
            return [(given, given)] * self.rank
        if self.rank == 1 and isinstance(given, list | tuple) and len(given) == 2:
            return [(int(given[0]), int(given[1]))]
        pairs = []
        for item in given if isinstance(given, list | tuple) else []:
            pairs.append((item, item) if isinstance(item, int) else (int(item[0]), int(item[1])))
        if len(pairs) != self.rank:
            raise RnncalcError(
                f"{self.label}: {given!r} gives no amount for each of its {self.rank} axes",
                "give one int, or a pair per axis",
            )
        return pairs

    def outputs(self, shapes: list[Shape]) -> Shape:
        batch, axes, channels = self.split(shapes[0])
        grown = []
        for size, (before, after) in zip(axes, self.amounts(), strict=True):
            length = None if size is None else size + self.sign * (before + after)
            if length is not None and length < 0:
                raise RnncalcError(
                    f"{self.label} crops more than the input {shape_text(shapes[0])} has",
                    "crop less",
                )
            grown.append(length)
        return self.join(batch, grown, channels)


class CroppingConfig(PaddingConfig):
    sign = -1


class UpSamplingConfig(Spatial):
    """UpSampling: each spatial axis repeated `size` times."""

    size: tuple[Size, ...] = ()

    @field_validator("size", mode="before")
    @classmethod
    def _per_axis(cls, value: Any) -> Any:
        return _sizes(value, cls.rank)

    def outputs(self, shapes: list[Shape]) -> Shape:
        batch, axes, channels = self.split(shapes[0])
        size = self.size or (2,) * self.rank
        grown = [None if a is None else a * s for a, s in zip(axes, size, strict=True)]
        return self.join(batch, grown, channels)


def ranked(base: type[Spatial], rank: int, name: str) -> type[Spatial]:
    """The class of one rank: Conv2D is `ConvConfig` over two spatial axes."""
    return type(f"{name}Config", (base,), {"rank": rank, "__module__": __name__})


SPATIAL: dict[str, type[Spatial]] = {}
for _rank in (1, 2, 3):
    for _base, _names in (
        (ConvConfig, ["Conv"]),
        (PoolingConfig, ["MaxPooling", "AveragePooling"]),
        (GlobalPoolingConfig, ["GlobalMaxPooling", "GlobalAveragePooling"]),
        (PaddingConfig, ["ZeroPadding"]),
        (CroppingConfig, ["Cropping"]),
        (UpSamplingConfig, ["UpSampling"]),
    ):
        for _name in _names:
            SPATIAL[f"{_name}{_rank}D"] = ranked(_base, _rank, f"{_name}{_rank}D")
