"""Every tensor a recurrent layer returns, with its shape: the output(s), then the states."""

from __future__ import annotations

import re

from rnncalc.config.conv import ConvLSTMConfig, conv_length
from rnncalc.config.enums import KerasVersion, MergeMode
from rnncalc.config.inputs import Shape
from rnncalc.config.keras import CellArgs, CuDNNConfig
from rnncalc.config.layers import AnyLayer
from rnncalc.config.torch import TorchConfig
from rnncalc.config.wrappers import BidirectionalConfig, RNNConfig, SequenceLayer

Named = list[tuple[str, Shape]]
StepCell = CellArgs | CuDNNConfig | ConvLSTMConfig  # what one timestep of a layer runs


def cells(layer: SequenceLayer) -> tuple[StepCell, ...]:
    """The cells one timestep of `layer` runs through, first to last."""
    return layer.cells if isinstance(layer, RNNConfig) else (layer,)


def cell_runs(layer: AnyLayer, keras: KerasVersion) -> int:
    """How many cells one timestep of `layer` runs: PyTorch's num_layers × directions, a Keras
    layer's cells × directions. Each is a layer's worth of analysis, and a round of NumPy calls
    per step when run.

    Example:
        >>> cell_runs(TorchLSTMConfig(input_size=3, hidden_size=4, num_layers=3,
        ...                         bidirectional=True), KerasVersion.V2)
        6
    """
    if isinstance(layer, TorchConfig):
        return layer.num_layers * (2 if layer.bidirectional else 1)
    if isinstance(layer, BidirectionalConfig):
        return sum(cell_runs(d, keras) for d in directions(layer, keras))
    return len(cells(layer))


def cell_names(layer: SequenceLayer) -> list[str]:
    """Prefixes that tell a stacked layer's cells apart, as Keras names them (`lstm_cell_1`)."""
    if not isinstance(layer, RNNConfig) or not layer.stacked:
        return [""]
    names: list[str] = []
    seen: dict[str, int] = {}
    for cell in layer.cells:
        base = cell.name or snake_case(cell.class_name())
        count = seen[base] = seen.get(base, -1) + 1
        names.append(f"{base}_{count}/" if count else f"{base}/")
    return names


def snake_case(name: str) -> str:
    """A Keras class name as Keras names its instances: `SimpleRNN` → `simple_rnn`."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


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


def output_shapes(layer: AnyLayer, shape: Shape, keras: KerasVersion) -> Named:
    """The tensors the layer returns, in the framework's order, for a checked input.

    Args:
        layer: the layer.
        shape: the full input shape: `(batch, timesteps, ...)`, or `(timesteps, batch, ...)`
            with Keras 2's `time_major=True` or PyTorch's default.
        keras: the Keras version (Bidirectional builds its backward layer differently).

    Returns:
        `(name, shape)` for the output(s) and then, with `return_state`, each state.

    Example:
        >>> lstm = LSTMConfig(units=4, return_sequences=True, return_state=True)
        >>> output_shapes(lstm, (32, 10, 8), KerasVersion.V2)
        [('output', (32, 10, 4)), ('state_h', (32, 4)), ('state_c', (32, 4))]
    """
    if isinstance(layer, TorchConfig):
        return _torch(layer, shape)
    if isinstance(layer, BidirectionalConfig):
        return _bidirectional(layer, shape, keras)
    return _sequence(layer, shape)


def _sequence(layer: SequenceLayer, shape: Shape) -> Named:
    major = layer.runs_time_major
    time, batch = (shape[0], shape[1]) if major else (shape[1], shape[0])
    features = shape[2:]
    states: Named = []
    for prefix, cell in zip(cell_names(layer), cells(layer), strict=True):
        features = step(cell, features)
        state_shape = (batch, *features)
        states += [(prefix + name, state_shape) for name in cell.family.states]
    if not layer.return_sequences:
        output: Shape = (batch, *features)
    elif major:
        output = (time, batch, *features)  # sequences stay time-major; states never are
    else:
        output = (batch, time, *features)
    return [("output", output), *(states if layer.return_state else [])]


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


def _bidirectional(layer: BidirectionalConfig, shape: Shape, keras: KerasVersion) -> Named:
    forward, backward = (_sequence(d, shape) for d in directions(layer, keras))
    if keras is KerasVersion.V3:  # Keras 3 reports both directions with the forward's shapes
        backward = forward
    (_, out_f), (_, out_b) = forward[0], backward[0]
    states = [(f"forward_{n}", s) for n, s in forward[1:]]
    states += [(f"backward_{n}", s) for n, s in backward[1:]]
    mode = layer.merge_mode
    if mode is None:
        return [("forward_output", out_f), ("backward_output", out_b), *states]
    if mode is MergeMode.CONCAT:
        last = None if out_f[-1] is None or out_b[-1] is None else out_f[-1] + out_b[-1]
        return [("output", (*out_f[:-1], last)), *states]
    return [("output", out_f), *states]


def _torch(layer: TorchConfig, shape: Shape) -> Named:
    h_out = layer.output_size
    layers = layer.directions * layer.num_layers
    if len(shape) == 2:  # unbatched: (L, H_in); batch_first does not apply
        length, batch = shape[0], None
        output: Shape = (length, layer.directions * h_out)
    else:
        length, batch = (shape[1], shape[0]) if layer.batch_first else (shape[0], shape[1])
        seq = (batch, length) if layer.batch_first else (length, batch)
        output = (*seq, layer.directions * h_out)
    lead = (layers,) if len(shape) == 2 else (layers, batch)
    returned = [("output", output), ("h_n", (*lead, h_out))]
    if layer.family_name == "LSTM":
        returned.append(("c_n", (*lead, layer.hidden_size)))
    return returned
