"""Layers over the spatial axes found around RNNs: convolutions, pooling, padding, cropping and
upsampling in 1, 2 and 3 dimensions, with output shapes and weights as Keras gives them.

Each class serves every rank: `rank` is the number of spatial axes (Conv1D: 1, Conv2D: 2, ...),
which sit between the batch and the channels (`channels_last`, Keras's default) or after the
channels (`channels_first`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from math import prod
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, field_validator

from rnncalc.calc.plain import PlainConfig, _exactly
from rnncalc.calc.plan import conv_length
from rnncalc.calc.weights import WeightSpec
from rnncalc.config.inputs import Shape, shape_text
from rnncalc.errors import RnncalcError
from rnncalc.i18n import _

Size = Annotated[int, Field(ge=1)]
DataFormat = Literal["channels_last", "channels_first"] | None


def _sizes(value: Any, rank: int) -> Any:
    """One size per spatial axis: Keras takes `3` for `(3, 3)`."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * rank
    if isinstance(value, list | tuple):
        if len(value) != rank:
            raise ValueError(
                _("expected {rank} sizes, one per spatial axis, got {count}").format(
                    rank=rank, count=len(value)
                )
            )
        return tuple(value)
    return value


def per_axis(cls: Any, value: Any) -> Any:
    """The validator of every per-axis size: an int, or one per spatial axis."""
    return value if value is None else _sizes(value, cls.rank)


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

    _per_axis = field_validator("kernel_size", "strides", "dilation_rate", mode="before")(
        classmethod(per_axis)
    )

    def outputs(self, shapes: list[Shape]) -> Shape:
        batch, axes, _channels = self.split(shapes[0])
        ones = (1,) * self.rank
        if self.padding == "causal" and self.rank != 1:
            raise RnncalcError(
                _("{layer} has no padding='causal'").format(layer=self.label),
                _("use 'valid' or 'same'"),
            )
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
                _(
                    "{layer}'s kernel {kernel} is larger than the input {shape} with "
                    "padding='valid'"
                ).format(layer=self.label, kernel=self.kernel_size, shape=shape_text(shapes[0])),
                _("use padding='same', a smaller kernel_size, or a larger input"),
            )
        return self.join(batch, lengths, self.filters)

    def channels(self, shape: Shape) -> int:
        _batch, _axes, channels = self.split(shape)
        if channels is None:
            raise RnncalcError(
                _("{layer} needs the channels of its input, got {shape}").format(
                    layer=self.label, shape=shape_text(shape)
                ),
                _("give the channel axis a size"),
            )
        if channels % self.groups or self.filters % self.groups:
            raise RnncalcError(
                _(
                    "{layer} groups={groups} must divide the input channels ({channels}) and "
                    "filters ({filters})"
                ).format(
                    layer=self.label, groups=self.groups, channels=channels, filters=self.filters
                ),
                _("choose groups that divides both"),
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

    _per_axis = field_validator("pool_size", "strides", mode="before")(classmethod(per_axis))

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
    """ZeroPadding: each spatial axis grows by a number of zeros before and after."""

    padding: Any = 1
    sign: ClassVar[int] = 1  # Cropping takes away

    def given(self) -> Any:
        return self.padding

    def amounts(self) -> list[tuple[int, int]]:
        given = self.given()
        if isinstance(given, int):
            given = [(given, given)] * self.rank
        elif self.rank == 1 and isinstance(given, list | tuple) and len(given) == 2:
            given = [given]
        pairs = []
        for item in given if isinstance(given, list | tuple) else []:
            pair = (item, item) if isinstance(item, int) else item
            if not (
                isinstance(pair, list | tuple)
                and len(pair) == 2
                and all(type(a) is int and a >= 0 for a in pair)
            ):
                break
            pairs.append((pair[0], pair[1]))
        if len(pairs) != self.rank:
            raise RnncalcError(
                _(
                    "{layer}: {given!r} is not an amount of 0 or more before and after each of "
                    "its {rank} spatial axes"
                ).format(layer=self.label, given=given, rank=self.rank),
                _("give one int, or a pair of ints per axis"),
            )
        return pairs

    def outputs(self, shapes: list[Shape]) -> Shape:
        batch, axes, channels = self.split(shapes[0])
        grown = []
        for size, (before, after) in zip(axes, self.amounts(), strict=True):
            length = None if size is None else size + self.sign * (before + after)
            if length is not None and length < 0:
                raise RnncalcError(
                    _("{layer} crops more than the input {shape} has").format(
                        layer=self.label, shape=shape_text(shapes[0])
                    ),
                    _("crop less"),
                )
            grown.append(length)
        return self.join(batch, grown, channels)


class CroppingConfig(PaddingConfig):
    """Cropping: each spatial axis shrinks; Keras's defaults crop one from each end in 1-D and
    3-D, none in 2-D."""

    sign = -1
    cropping: Any = None

    def given(self) -> Any:
        if self.cropping is None:
            return 0 if self.rank == 2 else 1
        return self.cropping


class UpSamplingConfig(Spatial):
    """UpSampling: each spatial axis repeated `size` times."""

    size: tuple[Size, ...] = ()

    _per_axis = field_validator("size", mode="before")(classmethod(per_axis))

    def outputs(self, shapes: list[Shape]) -> Shape:
        batch, axes, channels = self.split(shapes[0])
        size = self.size or (2,) * self.rank
        grown = [None if a is None else a * s for a, s in zip(axes, size, strict=True)]
        return self.join(batch, grown, channels)


class Ranked(Mapping[str, type[PlainConfig]]):
    """Conv1D to UpSampling3D by name: each the class of its kind over its rank, made when a
    model first holds one (making all 18 would cost every start a few milliseconds)."""

    KINDS: ClassVar[dict[str, type[Spatial]]] = {
        "Conv": ConvConfig,
        "MaxPooling": PoolingConfig,
        "AveragePooling": PoolingConfig,
        "GlobalMaxPooling": GlobalPoolingConfig,
        "GlobalAveragePooling": GlobalPoolingConfig,
        "ZeroPadding": PaddingConfig,
        "Cropping": CroppingConfig,
        "UpSampling": UpSamplingConfig,
    }

    def __init__(self) -> None:
        self.names = [f"{kind}{rank}D" for rank in (1, 2, 3) for kind in self.KINDS]
        self.made: dict[str, type[PlainConfig]] = {}

    def __getitem__(self, name: str) -> type[PlainConfig]:
        if name not in self.made:
            if name not in self.names:
                raise KeyError(name)
            kind, rank = name[:-2], int(name[-2])
            attributes = {"rank": rank, "__module__": __name__}
            self.made[name] = type(f"{name}Config", (self.KINDS[kind],), attributes)
        return self.made[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


SPATIAL = Ranked()
