"""The non-recurrent Keras layers found around recurrent ones: configs, output shapes, weights."""

from __future__ import annotations

from math import prod
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from rnncalc.calc.cost import Cost
from rnncalc.calc.weights import WeightSpec
from rnncalc.config.inputs import Shape, shape_text
from rnncalc.errors import RnncalcError
from rnncalc.i18n import _


class PlainConfig(BaseModel):
    """A serialized Keras layer config: only what decides shapes and weights is read."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    inputs: ClassVar[int | None] = 1  # how many input tensors the layer takes (None: 2 or more)

    name: str | None = None
    trainable: bool = True

    def outputs(self, shapes: list[Shape]) -> Shape:
        """The output shape from the input shapes; identity unless a layer says otherwise."""
        return shapes[0]

    def weights(self, shapes: list[Shape]) -> list[WeightSpec]:
        return []

    def non_trainable(self) -> frozenset[str]:
        """Weights that training never updates (BatchNormalization's moving statistics)."""
        return frozenset()

    def macs(self, shapes: list[Shape], out: tuple[int, ...]) -> int:
        """Multiply-accumulates of one forward pass, for known shapes (0: none worth counting)."""
        return 0

    kept: ClassVar[bool] = False  # whether training keeps a value per output (a dropout mask)

    def cost(self, shapes: list[Shape], out: Shape) -> Cost | None:
        """What one forward pass costs; the layer's input is counted where it is produced."""
        sized = tuple(d for d in out if d is not None)
        if len(sized) != len(out) or any(None in s for s in shapes):
            return None
        size = prod(sized)
        return Cost(self.macs(shapes, sized), 0, size, size if self.kept else 0)


def _last(shape: Shape, layer: str) -> int:
    size = shape[-1] if shape else None
    if size is None:
        raise RnncalcError(
            _("{layer} needs to know the last axis of its input, got {shape}").format(
                layer=layer, shape=shape_text(shape)
            ),
            _("give that axis a size in the input shape"),
        )
    return size


def _at_least(rank: int, shape: Shape, layer: str) -> None:
    if len(shape) < rank:
        raise RnncalcError(
            _("{layer} expects an input of at least {rank} axes, got {shape}").format(
                layer=layer, rank=rank, shape=shape_text(shape)
            ),
            _("check the layer before it"),
        )


def _exactly(rank: int, shape: Shape, layer: str) -> None:
    if len(shape) != rank:
        raise RnncalcError(
            _(
                "{layer} expects a {rank}-D input, got {found}-D {shape} (Keras: expected "
                "ndim={rank}, found ndim={found})"
            ).format(layer=layer, rank=rank, found=len(shape), shape=shape_text(shape)),
            _("check the layer before it; Flatten, Reshape or RepeatVector change the rank"),
        )


class Identity(PlainConfig):
    """Activation, Masking and friends: the output is the input."""


class DropoutConfig(Identity):
    """Dropout and its noisy friends: training keeps a mask of the output's size."""

    kept = True


class SpatialDropout1DConfig(DropoutConfig):
    def outputs(self, shapes: list[Shape]) -> Shape:
        _exactly(3, shapes[0], "SpatialDropout1D")
        return shapes[0]


class DenseConfig(PlainConfig):
    units: int
    use_bias: bool = True

    @field_validator("units")
    @classmethod
    def _units(cls, units: int, info: ValidationInfo) -> int:
        # tf-keras builds Dense(0) (an empty output); Keras 3 refuses it.
        least = 0 if (info.context or {}).get("keras") == "2" else 1
        if units < least:
            raise ValueError(
                _("expected an integer of {least} or more, got {value}").format(
                    least=least, value=units
                )
            )
        return units

    def outputs(self, shapes: list[Shape]) -> Shape:
        _at_least(2, shapes[0], "Dense")
        return (*shapes[0][:-1], self.units)

    def macs(self, shapes: list[Shape], out: tuple[int, ...]) -> int:
        return prod(out) * _last(shapes[0], "Dense")

    def weights(self, shapes: list[Shape]) -> list[WeightSpec]:
        features = _last(shapes[0], "Dense")
        found = [WeightSpec("kernel", (features, self.units), "(input_dim, units)")]
        return found + ([WeightSpec("bias", (self.units,), "(units,)")] if self.use_bias else [])


class EmbeddingConfig(PlainConfig):
    input_dim: int = Field(gt=0)
    output_dim: int = Field(gt=0)

    def outputs(self, shapes: list[Shape]) -> Shape:
        return (*shapes[0], self.output_dim)

    def weights(self, shapes: list[Shape]) -> list[WeightSpec]:
        return [
            WeightSpec("embeddings", (self.input_dim, self.output_dim), "(input_dim, output_dim)")
        ]


class FlattenConfig(PlainConfig):
    def outputs(self, shapes: list[Shape]) -> Shape:
        rest = shapes[0][1:]
        size = None if None in rest else prod(d for d in rest if d is not None)
        return (shapes[0][0], size)


class ReshapeConfig(PlainConfig):
    target_shape: tuple[int, ...]

    def outputs(self, shapes: list[Shape]) -> Shape:
        shape = shapes[0]
        target = self.target_shape
        if target.count(-1) > 1 or any(d < -1 or d == 0 for d in target):
            raise RnncalcError(
                _(
                    "Reshape target {target} is not a shape: at most one -1, other sizes positive"
                ).format(target=target),
                _("give sizes such as (5, 4) or (-1, 2)"),
            )
        known = None if None in shape[1:] else prod(d for d in shape[1:] if d is not None)
        fixed = prod(d for d in target if d != -1)
        if known is not None and (known % fixed if -1 in target else known != fixed):
            raise _reshape_error(shape, target)
        free = None if known is None else known // fixed  # the size -1 stands for
        return (shape[0], *(free if d == -1 else d for d in target))


def _reshape_error(shape: Shape, target: tuple[int, ...]) -> RnncalcError:
    return RnncalcError(
        _(
            "Reshape cannot turn {shape} into {target}: the total size of the new array must be "
            "unchanged"
        ).format(shape=shape_text(shape), target=shape_text((shape[0], *target))),
        _("make the target's sizes multiply to the input's (use -1 for one axis)"),
    )


class RepeatVectorConfig(PlainConfig):
    n: int = Field(gt=0)

    def outputs(self, shapes: list[Shape]) -> Shape:
        _exactly(2, shapes[0], "RepeatVector")
        return (shapes[0][0], self.n, shapes[0][1])


class PermuteConfig(PlainConfig):
    dims: tuple[int, ...]

    def outputs(self, shapes: list[Shape]) -> Shape:
        shape = shapes[0]
        if sorted(self.dims) != list(range(1, len(shape))):
            raise RnncalcError(
                _(
                    "Permute dims {dims} must be a permutation of 1..{last} for the input {shape}"
                ).format(dims=self.dims, last=len(shape) - 1, shape=shape_text(shape)),
                _("e.g. dims={dims}").format(dims=tuple(range(len(shape) - 1, 0, -1))),
            )
        return (shape[0], *(shape[d] for d in self.dims))


class PReLUConfig(PlainConfig):
    """PReLU: a learned slope per input value, shared along `shared_axes`."""

    shared_axes: list[int] | int | None = None

    def weights(self, shapes: list[Shape]) -> list[WeightSpec]:
        shape = list(shapes[0][1:])
        shared = [self.shared_axes] if isinstance(self.shared_axes, int) else self.shared_axes
        for axis in shared or []:
            if not 1 <= axis <= len(shape):
                raise RnncalcError(
                    _("PReLU shared_axes {axes} are not axes of the input {shape}").format(
                        axes=self.shared_axes, shape=shape_text(shapes[0])
                    ),
                    _("give axes from 1 to {last}").format(last=len(shape)),
                )
            shape[axis - 1] = 1
        if None in shape:
            raise RnncalcError(
                _("PReLU needs every axis of its input but the batch, got {shape}").format(
                    shape=shape_text(shapes[0])
                ),
                _("give those axes a size, or share the unknown ones: shared_axes=[1]"),
            )
        found = tuple(d for d in shape if d is not None)
        return [WeightSpec("alpha", found, "input_shape[1:], 1 along shared_axes")]


class NormalizationConfig(PlainConfig):
    """BatchNormalization and LayerNormalization: a scale and an offset per normalized feature."""

    axis: int | list[int] = -1
    center: bool = True
    scale: bool = True
    moving: ClassVar[bool] = False  # BatchNormalization also keeps running statistics

    def features(self, shape: Shape) -> tuple[int, ...]:
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        if not all(-len(shape) < a < len(shape) for a in axes):
            raise RnncalcError(
                _("axis {axis} is not an axis of the input {shape}").format(
                    axis=self.axis, shape=shape_text(shape)
                ),
                _("give an axis of the input, e.g. -1 for the features"),
            )
        sizes = [shape[a] for a in axes]
        if None in sizes:
            raise RnncalcError(
                _("{layer} needs the size of axis {axis} of its input, got {shape}").format(
                    layer=type(self).__name__.removesuffix("Config"),
                    axis=self.axis,
                    shape=shape_text(shape),
                ),
                _("give that axis a size"),
            )
        return tuple(s for s in sizes if s is not None)

    def weights(self, shapes: list[Shape]) -> list[WeightSpec]:
        size = self.features(shapes[0])
        found = [WeightSpec("gamma", size, "(features,)")] if self.scale else []
        found += [WeightSpec("beta", size, "(features,)")] if self.center else []
        if self.moving:
            found += [
                WeightSpec(n, size, "(features,)") for n in ("moving_mean", "moving_variance")
            ]
        return found

    def non_trainable(self) -> frozenset[str]:
        return frozenset(("moving_mean", "moving_variance")) if self.moving else frozenset()


class BatchNormalizationConfig(NormalizationConfig):
    moving = True


class MergeConfig(PlainConfig):
    """Add, Multiply, Average, Maximum, Minimum: element-wise, broadcasting 1s."""

    inputs = None

    def outputs(self, shapes: list[Shape]) -> Shape:
        _several(shapes, _("the merge layer"))
        if len({len(s) for s in shapes}) != 1:
            raise _incompatible(shapes, _("they have different ranks"))
        result: list[int | None] = list(shapes[0])
        for shape in shapes[1:]:
            for i, (a, b) in enumerate(zip(result, shape, strict=True)):
                if a is None or b is None:
                    result[i] = None
                elif a == 1 or b == 1 or a == b:
                    result[i] = max(a, b) if 1 in (a, b) else a
                else:
                    raise _incompatible(shapes, _("they differ on axis {axis}").format(axis=i))
        return tuple(result)


class SubtractConfig(MergeConfig):
    def outputs(self, shapes: list[Shape]) -> Shape:
        if len(shapes) != 2:
            raise RnncalcError(
                _("Subtract takes exactly 2 inputs, got {count}").format(count=len(shapes)),
                _("give it [a, b]: a - b"),
            )
        return super().outputs(shapes)


class ConcatenateConfig(PlainConfig):
    inputs = None

    axis: int = -1

    def outputs(self, shapes: list[Shape]) -> Shape:
        _several(shapes, "Concatenate")
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes):
            raise _incompatible(shapes, _("they have different ranks"))
        if not -rank <= self.axis < rank:
            raise RnncalcError(
                _("Concatenate's axis={axis} is not an axis of {rank}-D inputs").format(
                    axis=self.axis, rank=rank
                ),
                _("give an axis from {first} to {last}").format(first=-rank, last=rank - 1),
            )
        axis = self.axis % rank
        for i in range(rank):
            sizes = {s[i] for s in shapes} - {None}
            if i != axis and len(sizes) > 1:
                raise _incompatible(
                    shapes,
                    _("they differ on axis {axis}, not the concatenation axis").format(axis=i),
                )
        along = [s[axis] for s in shapes]
        total = None if None in along else sum(d for d in along if d is not None)
        first = list(shapes[0])
        first[axis] = total
        return tuple(first)


def _several(shapes: list[Shape], layer: str) -> None:
    if len(shapes) < 2:
        raise RnncalcError(
            _("{layer} merges at least 2 inputs, got {count}").format(
                layer=layer, count=len(shapes)
            ),
            _("give it a list of inputs"),
        )


def _incompatible(shapes: list[Shape], why: str) -> RnncalcError:
    """`why`: a whole clause, translated ("they have different ranks")."""
    return RnncalcError(
        _("cannot merge inputs of shapes {shapes}: {why}").format(
            shapes=", ".join(shape_text(s) for s in shapes), why=why
        ),
        _("make the inputs' shapes agree, e.g. with Dense or Reshape before the merge"),
    )


class LambdaConfig(PlainConfig):
    """Lambda: its output is whatever its function returns, which rnncalc does not run; where
    the layer declares `output_shape` (without the batch axis), that is its output."""

    output_shape: Any = None
    output_shape_type: str = "raw"

    def outputs(self, shapes: list[Shape]) -> Shape:
        given = self.output_shape
        declared = isinstance(given, list | tuple) and all(
            d is None or (type(d) is int and d >= 0) for d in given
        )
        if self.output_shape_type != "raw" or not declared:
            raise RnncalcError(
                _(
                    "a Lambda layer's output is whatever its Python function returns, and "
                    "rnncalc runs no Python: its shape cannot be known"
                ),
                _(
                    "give the Lambda its output_shape=(...), use a layer that does the same "
                    "(Reshape, Permute, Cropping1D, a merge layer), or ask about the model up to "
                    "it"
                ),
            )
        return (shapes[0][0], *given)
