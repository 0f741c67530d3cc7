"""What a recurrent layer costs to run: multiply-accumulates, FLOPs and memory (docs/cost.md).

Counts are of the generic step-by-step implementation (PyTorch's CPU path without oneDNN,
Keras's non-cuDNN one): per timestep, the input and recurrent matrix products, the element-wise
gate arithmetic, and, for training, the values backpropagation through time keeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import prod
from typing import Any, NamedTuple

from rnncalc.calc.plan import Direction, Plan, plan
from rnncalc.calc.shapes import returned
from rnncalc.config.enums import DType, KerasVersion, Optimizer
from rnncalc.config.inputs import Shape
from rnncalc.config.layers import AnyLayer
from rnncalc.config.torch import TorchConfig
from rnncalc.report import MemoryReport


class Cost(NamedTuple):
    """One forward pass of a layer, in elements and operations (never bytes: see `memory`)."""

    macs: int  # multiply-accumulates of the matrix products
    elementwise: int  # FLOPs of the element-wise arithmetic (gates, activations, states)
    inference: int  # values alive in inference: what the layer returns and its live state
    training: int  # values kept for backward, beyond the layer's input

    @property
    def flops(self) -> int:
        """FLOPs of one forward pass: 2 per multiply-accumulate, plus the element-wise ones."""
        return 2 * self.macs + self.elementwise

    @property
    def training_flops(self) -> int:
        """FLOPs of a training step: the forward pass, and a backward pass costing about twice
        as much (it computes two products, for the inputs and the weights, for each one)."""
        return self.flops * (1 + BACKWARD_FACTOR)


def total(costs: Sequence[Cost]) -> Cost:
    """The costs added up, field by field."""
    return Cost(*(sum(values) for values in zip(*costs, strict=True))) if costs else NOTHING


NOTHING = Cost(0, 0, 0, 0)
BACKWARD_FACTOR = 2  # a backward pass costs about twice the forward (two products per one)


def layer_cost(layer: AnyLayer, shape: Shape, keras: KerasVersion) -> Cost | None:
    """The cost of one forward pass on a full input shape; `None` while an axis is unknown.

    Example:
        >>> cost = layer_cost(LSTMConfig(units=32), (16, 10, 64), KerasVersion.V2)
        >>> cost.macs == 16 * 10 * 4 * 32 * (64 + 32)  # batch·steps·gates·units·(in + units)
        True
    """
    return planned_cost(plan(layer, shape, keras), keras)


def planned_cost(p: Plan, keras: KerasVersion) -> Cost | None:
    """The cost of the planned layer; `None` while an axis of its input is unknown."""
    if None in p.shape:
        return None
    output = sum(_size(s) for _, s in returned(p, keras))
    if p.torch:
        return _torch(p)._replace(inference=output)
    both = total([_direction(p, d) for d in p.directions])
    return both._replace(inference=both.inference + output)


def _size(shape: Shape) -> int:
    return prod(d or 0 for d in shape)


def _direction(p: Plan, direction: Direction) -> Cost:
    """A Keras direction: per sample and timestep, each cell's products, its element-wise
    arithmetic, the values training keeps; and once per sample, the live states."""
    assert p.batch is not None and p.time is not None
    steps = p.batch * p.time
    macs = elementwise = live = saved = 0
    for cell in direction.cells:
        units = _size(cell.outputs)  # the values of one state
        macs += cell.macs
        elementwise += cell.elementwise
        live += units * len(cell.family.states)
        saved += units * cell.family.saved
    return Cost(macs * steps, elementwise * steps, live * p.batch, saved * steps)


def _torch(p: Plan) -> Cost:
    """PyTorch's layers and directions; what its CPU path keeps for backward (docs/cost.md)."""
    cells = p.cells
    family, hidden, proj = cells[0].family, cells[0].units, cells[0].projection
    batch = p.batch if p.batched else 1
    assert batch is not None and p.time is not None
    steps = batch * p.time
    macs = steps * sum(cell.macs for cell in cells)
    # Kept per layer and direction: the family's values per step (an LSTM also keeps h before
    # its projection), and its initial state; each upper layer keeps its input, with a
    # dropout mask of the same size in training.
    kept = len(cells) * (
        steps * (family.saved * hidden + proj) + batch * family.saved_initial * hidden
    )
    layer = p.layer
    assert isinstance(layer, TorchConfig)
    for upper in p.stages[1:]:
        kept += steps * (upper[0].inputs[0] or 0) * (2 if layer.dropout > 0 else 1)
    if not p.directions[0].time_major and batch > 1 and p.time > 1:
        kept += len(p.directions) * steps * layer.input_size  # the transposed copy of the input
    return Cost(macs, steps * sum(cell.elementwise for cell in cells), 0, kept)


def memory(
    cost: Cost, params: int, trainable: int, dtype: DType, optimizer: Optimizer
) -> MemoryReport:
    """Bytes of weights, gradients, optimizer state and activations, for inference and training.

    Example:
        >>> m = memory(Cost(0, 0, 100, 1_000), 50, 50, DType.MIXED_FLOAT16, Optimizer.ADAM)
        >>> m.params_bytes, m.optimizer_bytes, m.activations_training_bytes
        (200, 400, 2000)
    """
    variable, compute = dtype.variable_bytes, dtype.compute_bytes
    weights = params * variable
    gradients = trainable * variable
    slots = trainable * optimizer.slots * variable
    inference = cost.inference * compute
    training = cost.training * compute
    return MemoryReport(
        dtype=dtype,
        optimizer=optimizer,
        params_bytes=weights,
        gradients_bytes=gradients,
        optimizer_bytes=slots,
        activations_inference_bytes=inference,
        activations_training_bytes=training,
        total_inference_bytes=weights + inference,
        total_training_bytes=weights + gradients + slots + inference + training,
    )


def size_fields(
    cost: Cost | None, params: int, trainable: int, dtype: DType, optimizer: Optimizer
) -> dict[str, Any]:
    """What every report says of a layer's or a model's size: its parameters, trainable or
    not, and, where every size is known, its MACs, FLOPs (a forward pass, a training step)
    and memory."""
    counts = {
        "params": params,
        "trainable_params": trainable,
        "non_trainable_params": params - trainable,
    }
    if cost is None:
        return counts | dict.fromkeys(("macs", "flops", "training_flops", "memory"))
    return counts | {
        "macs": cost.macs,
        "flops": cost.flops,
        "training_flops": cost.training_flops,
        "memory": memory(cost, params, trainable, dtype, optimizer),
    }
