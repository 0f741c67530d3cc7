"""What a recurrent layer costs to run: multiply-accumulates, FLOPs and memory (docs/cost.md).

Counts are of the generic step-by-step implementation (PyTorch's CPU path without oneDNN,
Keras's non-cuDNN one): per timestep, the input and recurrent matrix products, the element-wise
gate arithmetic, and, for training, the values backpropagation through time keeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import prod
from typing import NamedTuple

from rnncalc.calc.shapes import StepCell, cells, directions, output_shapes, step
from rnncalc.config.conv import ConvLSTMConfig
from rnncalc.config.enums import DType, KerasVersion, Optimizer
from rnncalc.config.inputs import Shape
from rnncalc.config.layers import AnyLayer
from rnncalc.config.torch import TorchConfig
from rnncalc.config.wrappers import BidirectionalConfig, SequenceLayer
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
    known = tuple(d for d in shape if d is not None)
    if len(known) != len(shape):
        return None
    returned = sum(_size(s) for _, s in output_shapes(layer, known, keras))
    if isinstance(layer, TorchConfig):
        return _torch(layer, known)._replace(inference=returned)
    layers = directions(layer, keras) if isinstance(layer, BidirectionalConfig) else (layer,)
    both = total([_sequence(d, known) for d in layers])
    return both._replace(inference=both.inference + returned)


def _size(shape: Shape) -> int:
    return prod(d or 0 for d in shape)


def _sequence(layer: SequenceLayer, shape: tuple[int, ...]) -> Cost:
    time, batch = (shape[0], shape[1]) if layer.runs_time_major else (shape[1], shape[0])
    features: Shape = shape[2:]
    per_step = []
    for cell in cells(layer):
        out = step(cell, features)
        per_step.append(_step(cell, features, out))
        features = out
    macs, elementwise, live, saved = total(per_step)
    # A step's arithmetic runs for every sample and timestep; the states live once per sample.
    steps = batch * time
    return Cost(macs * steps, elementwise * steps, live * batch, saved * steps)


def _step(cell: StepCell, features: Shape, out: Shape) -> Cost:
    """One timestep of one sample: (macs, element-wise FLOPs, live state, values kept)."""
    family = cell.family
    units = _size(out)  # the values of one state
    if isinstance(cell, ConvLSTMConfig):
        channels = features[0] if cell.channels_first else features[-1]
        assert channels is not None
        positions = units // cell.filters
        macs = (
            positions
            * prod(cell.kernel_size)
            * family.gates
            * cell.filters
            * (channels + cell.filters)
        )
    else:
        inputs = features[-1]
        assert inputs is not None
        macs = family.gates * cell.units * (inputs + cell.units)
    return Cost(macs, units * family.elementwise, units * len(family.states), units * family.saved)


def _torch(layer: TorchConfig, shape: tuple[int, ...]) -> Cost:
    family, hidden, out = layer.family, layer.hidden_size, layer.output_size
    batched = len(shape) == 3
    if not batched:
        time, batch, features = shape[0], 1, shape[1]
    elif layer.batch_first:
        batch, time, features = shape
    else:
        time, batch, features = shape
    d, k, proj = layer.directions, layer.num_layers, layer.proj_size
    steps = batch * time
    macs = sum(
        d * steps * ((features if i == 0 else d * out) + out) * family.gates * hidden
        + d * steps * hidden * proj
        for i in range(k)
    )
    # Kept per layer and direction: the family's values per step (an LSTM also keeps h before
    # its projection), and its initial state; each upper layer keeps its input, with a
    # dropout mask of the same size in training.
    kept = d * k * (steps * (family.saved * hidden + proj) + batch * family.saved_initial * hidden)
    kept += (k - 1) * steps * d * out * (2 if layer.dropout > 0 else 1)
    if layer.batch_first and batched and batch > 1 and time > 1:
        kept += d * steps * features  # the transposed copy of the input
    return Cost(macs, d * k * steps * hidden * family.elementwise, 0, kept)


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
