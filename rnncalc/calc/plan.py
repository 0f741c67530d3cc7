"""One plan per layer: the cells each timestep runs, in which direction, on which inputs.

A Keras layer, its stacked cells, Bidirectional's two directions, PyTorch's `num_layers ×
directions` and ConvLSTM are all the same thing here: stages of directions of cells. A stage's
directions read the same input; a direction's cells run one after another within a timestep;
the next stage reads the previous one's outputs, concatenated. Shapes, weights, formulas, cost,
the counterpart mapping and the executor read the plan: none of them asks which class a layer
is.
"""

from __future__ import annotations

from math import prod
from typing import NamedTuple

from rnncalc.config.conv import ConvLSTMConfig
from rnncalc.config.enums import KerasVersion, MergeMode
from rnncalc.config.families import Family
from rnncalc.config.inputs import Dim, Shape
from rnncalc.config.keras import CellArgs, CuDNNConfig, snake_case
from rnncalc.config.layers import AnyLayer
from rnncalc.config.torch import TorchConfig
from rnncalc.config.wrappers import BidirectionalConfig, RNNConfig, SequenceLayer

StepCell = CellArgs | CuDNNConfig | ConvLSTMConfig  # what one timestep of a Keras layer runs
SPATIAL = {1: ("steps",), 2: ("rows", "cols"), 3: ("dim1", "dim2", "dim3")}


class CellPlan(NamedTuple):
    """One cell of one direction: what it computes at each timestep, for one sample."""

    config: StepCell | TorchConfig  # where its arguments come from
    family: Family
    name: str  # tells its weights apart: Keras's `lstm_cell_1/` in a stack, PyTorch's `l1_reverse`
    depth: int  # its stage: 0 reads the layer's input
    inputs: Shape  # its input at one timestep: `(features,)`, or ConvLSTM's axes and channels
    outputs: Shape  # its output at one timestep (`h`)
    states: tuple[tuple[str, Shape], ...]  # each state it returns, with its shape
    units: int  # the width of each gate block: Keras's units or filters, PyTorch's hidden_size
    bias: int  # bias vectors of gates·units it keeps: 0, 1, or 2 (PyTorch, cuDNN, GRU reset_after)
    projection: int  # PyTorch LSTM's proj_size: 0 for none
    positions: int  # the spatial positions each gate is computed at (1 but for ConvLSTM)
    window: int  # the inputs each position's products read per channel (ConvLSTM's kernel)

    @property
    def channels(self) -> int:
        """The input's features (ConvLSTM: channels) each product reads."""
        config = self.config
        axis = 0 if isinstance(config, ConvLSTMConfig) and config.channels_first else -1
        size = self.inputs[axis]
        assert size is not None  # the rules refuse an unknown feature or channel axis
        return size

    @property
    def recurrent(self) -> int:
        """The size of the state fed back into the products: `h`'s width."""
        return self.projection or self.units

    @property
    def elementwise(self) -> int:
        """FLOPs besides the products, of one timestep of one sample: the family's per value
        of a gate block, at every position."""
        return self.positions * self.units * self.family.elementwise

    @property
    def macs(self) -> int:
        """Multiply-accumulates of one timestep of one sample: the input and recurrent products
        of every gate at every position, and PyTorch's projection of `h`."""
        gates = self.family.gates
        products = self.positions * self.window * gates * self.units
        return products * (self.channels + self.recurrent) + self.units * self.projection


class Direction(NamedTuple):
    """One pass over time: its cells, first to last within a timestep, and what it returns."""

    name: str  # Bidirectional's `forward_lstm` / `backward_lstm`; empty for a single layer
    config: SequenceLayer | TorchConfig  # the layer run this way (Keras: with its go_backwards)
    backwards: bool
    inputs: Shape  # one sample's input at one timestep
    cells: tuple[CellPlan, ...]
    sequences: bool  # returns every timestep's output, not only the last
    states: bool  # returns the final states after the output(s)
    time_major: bool  # its input and output sequences are (timesteps, batch, ...)

    @property
    def outputs(self) -> Shape:
        """One sample's output at one timestep (an RNN without cells: its input)."""
        return self.cells[-1].outputs if self.cells else self.inputs


class Plan(NamedTuple):
    """A layer on one input: its stages of directions, and where time and batch are."""

    layer: AnyLayer
    shape: Shape  # the full input it is planned on
    torch: bool  # PyTorch's layout and names
    time: Dim
    batch: Dim  # None where unknown; PyTorch's unbatched input has none (`batched` False)
    batched: bool
    stages: tuple[tuple[Direction, ...], ...]
    merge_mode: MergeMode | None  # how two directions' outputs combine (PyTorch: concat)

    @property
    def directions(self) -> tuple[Direction, ...]:
        """The directions of the first stage: Keras's layer, or Bidirectional's two."""
        return self.stages[0]

    @property
    def cells(self) -> list[CellPlan]:
        """Every cell, in the order the framework lists their weights."""
        return [cell for stage in self.stages for d in stage for cell in d.cells]


def axes(layer: AnyLayer, rank: int = 3) -> tuple[str, ...]:
    """The meaning of each input axis: `time_major` swaps batch and time, as PyTorch's default.

    Example:
        >>> axes(ConvLSTM1DConfig(filters=2, kernel_size=3))
        ('batch', 'timesteps', 'steps', 'channels')
    """
    if isinstance(layer, TorchConfig):
        if rank == 2:
            return ("timesteps", "features")
        return (
            ("batch", "timesteps", "features")
            if layer.batch_first
            else ("timesteps", "batch", "features")
        )
    if isinstance(layer, BidirectionalConfig):
        return axes(layer.layer)
    lead = ("timesteps", "batch") if layer.runs_time_major else ("batch", "timesteps")
    if not isinstance(layer, ConvLSTMConfig):
        return (*lead, "features")
    spatial = SPATIAL[layer.rank]
    return (*lead, *(("channels", *spatial) if layer.channels_first else (*spatial, "channels")))


def plan(layer: AnyLayer, shape: Shape, keras: KerasVersion) -> Plan:
    """The layer's plan on a full input shape.

    Example:
        >>> p = plan(TorchLSTMConfig(input_size=3, hidden_size=4, num_layers=2,
        ...                          bidirectional=True), (5, 2, 3), KerasVersion.V2)
        >>> [(c.name, c.inputs) for c in p.cells]
        [('l0', (3,)), ('l0_reverse', (3,)), ('l1', (8,)), ('l1_reverse', (8,))]
    """
    if isinstance(layer, TorchConfig):
        return _torch(layer, shape)
    layers = directions(layer, keras) if isinstance(layer, BidirectionalConfig) else (layer,)
    major = layers[0].runs_time_major
    time, batch = (shape[0], shape[1]) if major else (shape[1], shape[0])
    named = isinstance(layer, BidirectionalConfig)
    stage = tuple(
        Direction(
            name=(d.name or "") if named else "",
            config=d,
            backwards=d.go_backwards,
            inputs=shape[2:],
            cells=_keras_cells(d, shape[2:]),
            sequences=d.return_sequences,
            states=d.return_state,
            time_major=d.runs_time_major,
        )
        for d in layers
    )
    merge = layer.merge_mode if isinstance(layer, BidirectionalConfig) else MergeMode.CONCAT
    return Plan(layer, shape, False, time, batch, True, (stage,), merge)


def cell_runs(layer: AnyLayer, keras: KerasVersion) -> int:
    """How many cells one timestep of `layer` runs (PyTorch's num_layers × directions, a Keras
    layer's cells × directions): each is a layer's worth of analysis, and a round of NumPy
    calls per step when run.

    Example:
        >>> cell_runs(TorchLSTMConfig(input_size=3, hidden_size=4, num_layers=3,
        ...                         bidirectional=True), KerasVersion.V2)
        6
    """
    if isinstance(layer, TorchConfig):
        return layer.num_layers * layer.directions
    if isinstance(layer, BidirectionalConfig):
        return sum(cell_runs(d, keras) for d in directions(layer, keras))
    return len(cells(layer))


def cells(layer: SequenceLayer) -> tuple[StepCell, ...]:
    """The cells one timestep of a Keras layer runs through, first to last."""
    return layer.cells if isinstance(layer, RNNConfig) else (layer,)


def _keras_cells(layer: SequenceLayer, features: Shape) -> tuple[CellPlan, ...]:
    found = []
    for name, cell in zip(cell_names(layer), cells(layer), strict=True):
        out = step(cell, features)
        if isinstance(cell, ConvLSTMConfig):
            spatial = out[1:] if cell.channels_first else out[:-1]
            positions = prod(d or 0 for d in spatial)  # 0 while an axis is unknown
            units, window = cell.filters, prod(cell.kernel_size)
        else:
            units, window, positions = cell.units, 1, 1
        found.append(
            CellPlan(
                config=cell,
                family=cell.family,
                name=name,
                depth=0,
                inputs=features,
                outputs=out,
                states=tuple((state, out) for state in cell.family.states),
                units=units,
                bias=cell.bias_copies if cell.use_bias else 0,
                projection=0,
                positions=positions,
                window=window,
            )
        )
        features = out
    return tuple(found)


def _torch(layer: TorchConfig, shape: Shape) -> Plan:
    batched = len(shape) == 3
    if not batched:  # unbatched: (L, H_in); batch_first does not apply
        time, batch = shape[0], None
    else:
        time, batch = (shape[1], shape[0]) if layer.batch_first else (shape[0], shape[1])
    family, out = layer.family, layer.output_size
    stages = []
    for k in range(layer.num_layers):
        inputs = (layer.input_size,) if k == 0 else (layer.directions * out,)
        stage = []
        for suffix in ("", "_reverse")[: layer.directions]:
            states = {"h_n": (out,), "c_n": (layer.hidden_size,)}
            cell = CellPlan(
                config=layer,
                family=family,
                name=f"l{k}{suffix}",
                depth=k,
                inputs=inputs,
                outputs=(out,),
                states=tuple(zip(("h_n", "c_n"), states.values(), strict=True))[
                    : len(family.states)
                ],
                units=layer.hidden_size,
                bias=2 if layer.bias else 0,
                projection=layer.proj_size,
                positions=1,
                window=1,
            )
            stage.append(
                Direction(
                    name=suffix.lstrip("_"),
                    config=layer,
                    backwards=bool(suffix),
                    inputs=inputs,
                    cells=(cell,),
                    sequences=True,
                    states=True,
                    time_major=not (batched and layer.batch_first),
                )
            )
        stages.append(tuple(stage))
    return Plan(layer, shape, True, time, batch, batched, tuple(stages), MergeMode.CONCAT)


def step(cell: StepCell, features: Shape) -> Shape:
    """What one timestep of `cell` outputs for one sample, from one sample's step input.

    Example:
        >>> step(ConvLSTM2DConfig(filters=4, kernel_size=3), (32, 32, 3))
        (30, 30, 4)
    """
    if not isinstance(cell, ConvLSTMConfig):
        return (cell.units,)
    spatial = features[1:] if cell.channels_first else features[:-1]
    out = tuple(
        conv_length(size, kernel, stride, dilation, cell.padding)
        for size, kernel, stride, dilation in zip(
            spatial, cell.kernel_size, cell.strides, cell.dilation_rate, strict=True
        )
    )
    return (cell.filters, *out) if cell.channels_first else (*out, cell.filters)


def conv_length(
    size: int | None, kernel: int, stride: int, dilation: int, padding: str
) -> int | None:
    """Output length of one axis of a convolution or pooling, as Keras computes it.

    `padding` is `valid` (no padding), or `same` / `causal` (the output keeps the input's
    length before striding); an unknown (`None`) size stays unknown.

    Example:
        >>> conv_length(8, kernel=2, stride=1, dilation=2, padding="valid")
        6
    """
    if size is None:
        return None
    span = (kernel - 1) * dilation + 1
    length = size - span + 1 if padding == "valid" else size
    return (length + stride - 1) // stride


def cell_names(layer: SequenceLayer) -> list[str]:
    """Prefixes that tell a stacked layer's cells apart, as Keras names them (`lstm_cell_1/`)."""
    if not isinstance(layer, RNNConfig) or not layer.stacked:
        return [""]
    names: list[str] = []
    seen: dict[str, int] = {}
    for cell in layer.cells:
        base = cell.name or snake_case(cell.class_name())
        count = seen[base] = seen.get(base, -1) + 1
        names.append(f"{base}_{count}/" if count else f"{base}/")
    return names


def directions(layer: BidirectionalConfig, keras: KerasVersion) -> tuple[SequenceLayer, ...]:
    """The forward and backward layers Bidirectional builds, named as Keras names them.

    Keras 2 flips the copy's `go_backwards` and prefixes both names; Keras 3 sets the copy's
    `go_backwards` to True, strips a prefix before adding it, and keeps a given backward
    layer's name.
    """
    v3 = keras is KerasVersion.V3
    forward = layer.layer
    name = forward.name or snake_case(forward.class_name())
    backward = layer.backward_layer
    if backward is None:
        backward = forward.model_copy(
            update={
                "go_backwards": True if v3 else not forward.go_backwards,
                "name": "backward_" + (name.removeprefix("backward_") if v3 else name),
            }
        )
    else:
        own = backward.name or snake_case(backward.class_name())
        if backward.name is None and forward.name is None and own == name:
            own += "_1"  # Keras numbers a second unnamed layer of a class: lstm, lstm_1
        backward = backward.model_copy(update={"name": own if v3 else f"backward_{own}"})
    forward_name = "forward_" + (name.removeprefix("forward_") if v3 else name)
    return forward.model_copy(update={"name": forward_name}), backward
