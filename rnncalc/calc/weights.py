"""Each weight of a recurrent layer with its shape and the formula behind it, and their total."""

from __future__ import annotations

import re
from math import prod
from typing import NamedTuple

from rnncalc.calc.shapes import StepCell, cell_names, cells, directions, step
from rnncalc.config.conv import ConvLSTMConfig
from rnncalc.config.enums import KerasVersion
from rnncalc.config.inputs import Shape
from rnncalc.config.keras import CuDNNConfig
from rnncalc.config.layers import AnyLayer
from rnncalc.config.torch import TorchConfig
from rnncalc.config.wrappers import BidirectionalConfig, SequenceLayer


class WeightSpec(NamedTuple):
    name: str
    shape: tuple[int, ...]
    formula: str  # the shape in symbols: "(input_dim, 4·units)"


class Formula(NamedTuple):
    """The parameter count in symbols, and the value of each symbol."""

    text: str
    values: dict[str, int]


def _times(n: int, what: str) -> str:
    return what if n == 1 else f"{n}·{what}"


def weights(layer: AnyLayer, shape: Shape, keras: KerasVersion) -> list[WeightSpec]:
    """The layer's weights in the framework's order, for a checked input shape.

    Args:
        layer: the layer.
        shape: the full input shape.
        keras: the Keras version (it names Bidirectional's backward layer).

    Returns:
        One entry per weight: Keras's `kernel`, `recurrent_kernel`, `bias` (prefixed by the
        direction or cell they belong to), or PyTorch's `named_parameters()`.

    Example:
        >>> [w.shape for w in weights(GRUConfig(units=5), (None, 10, 4), KerasVersion.V2)]
        [(4, 15), (5, 15), (2, 15)]
    """
    if isinstance(layer, TorchConfig):
        return _torch(layer)
    if isinstance(layer, BidirectionalConfig):
        return [
            w._replace(name=f"{d.name}/{w.name}")
            for d in directions(layer, keras)
            for w in _sequence(d, shape)
        ]
    return _sequence(layer, shape)


def _sequence(layer: SequenceLayer, shape: Shape) -> list[WeightSpec]:
    found: list[WeightSpec] = []
    features = shape[2:]
    for prefix, cell in zip(cell_names(layer), cells(layer), strict=True):
        found += [w._replace(name=prefix + w.name) for w in cell_weights(cell, features)]
        features = step(cell, features)
    return found


def cell_weights(cell: StepCell, features: Shape) -> list[WeightSpec]:
    """kernel, recurrent_kernel and bias of one cell, from one sample's step input.

    Example:
        >>> [w.shape for w in cell_weights(LSTMCellConfig(units=2), (3,))]
        [(3, 8), (2, 8), (8,)]
    """
    gates = cell.family.gates
    if isinstance(cell, ConvLSTMConfig):
        channels = features[0] if cell.channels_first else features[-1]
        assert channels is not None  # checks refuse an unknown channel axis
        k, f = cell.kernel_size, cell.filters
        found = [
            WeightSpec("kernel", (*k, channels, gates * f), "(*kernel_size, channels, 4·filters)"),
            WeightSpec(
                "recurrent_kernel", (*k, f, gates * f), "(*kernel_size, filters, 4·filters)"
            ),
        ]
        return found + ([WeightSpec("bias", (gates * f,), "(4·filters,)")] if cell.use_bias else [])
    units, input_dim = cell.units, features[-1]
    assert input_dim is not None  # checks refuse an unknown feature axis
    columns = _times(gates, "units")
    found = [
        WeightSpec("kernel", (input_dim, gates * units), f"(input_dim, {columns})"),
        WeightSpec("recurrent_kernel", (units, gates * units), f"(units, {columns})"),
    ]
    copies = cell.bias_copies
    if not cell.use_bias:
        return found
    if copies == 1:
        return [*found, WeightSpec("bias", (gates * units,), f"({columns},)")]
    if isinstance(cell, CuDNNConfig):  # one flat vector: input biases, then recurrent ones
        return [*found, WeightSpec("bias", (copies * gates * units,), f"({copies}·{columns},)")]
    return [*found, WeightSpec("bias", (copies, gates * units), f"({copies}, {columns})")]


def _torch(layer: TorchConfig) -> list[WeightSpec]:
    gates, hidden, out = layer.family.gates, layer.hidden_size, layer.output_size
    rows = _times(gates, "hidden_size")
    h = "proj_size" if layer.proj_size else "hidden_size"
    found = []
    for k in range(layer.num_layers):
        inputs = layer.input_size if k == 0 else layer.directions * out
        inputs_text = "input_size" if k == 0 else _times(layer.directions, h)
        for suffix in ("", "_reverse")[: layer.directions]:
            tag = f"l{k}{suffix}"
            found += [
                WeightSpec(
                    f"weight_ih_{tag}", (gates * hidden, inputs), f"({rows}, {inputs_text})"
                ),
                WeightSpec(f"weight_hh_{tag}", (gates * hidden, out), f"({rows}, {h})"),
            ]
            if layer.bias:
                found += [
                    WeightSpec(f"bias_ih_{tag}", (gates * hidden,), f"({rows},)"),
                    WeightSpec(f"bias_hh_{tag}", (gates * hidden,), f"({rows},)"),
                ]
            if layer.proj_size:
                found.append(
                    WeightSpec(f"weight_hr_{tag}", (out, hidden), "(proj_size, hidden_size)")
                )
    return found


def formula(layer: AnyLayer, shape: Shape, keras: KerasVersion) -> Formula:
    """The parameter count in symbols, e.g. `4·units·(input_dim + units + 1)` for an LSTM.

    A layer of several cells or of two different directions gets numbers instead of symbols.

    Example:
        >>> formula(GRUConfig(units=5, reset_after=False), (None, 10, 4), KerasVersion.V2).text
        '3·units·(input_dim + units + 1)'
    """
    if isinstance(layer, TorchConfig):
        return _torch_formula(layer)
    if isinstance(layer, BidirectionalConfig):
        forward, backward = (_sequence_formula(d, shape) for d in directions(layer, keras))
        if forward == backward:
            return Formula(f"2·({forward.text})", forward.values)
        return Formula(f"{_numbers(forward)} + {_numbers(backward)}", {})
    return _sequence_formula(layer, shape)


def _sequence_formula(layer: SequenceLayer, shape: Shape) -> Formula:
    parts, features = [], shape[2:]
    for cell in cells(layer):
        parts.append(_cell_formula(cell, features))
        features = step(cell, features)
    if not parts:
        return Formula("0", {})  # tf-keras's RNN([]): no cells, no weights
    if len(parts) == 1:
        return parts[0]
    return Formula(" + ".join(_numbers(p) for p in parts), {})


def _cell_formula(cell: StepCell, features: Shape) -> Formula:
    gates = cell.family.gates
    bias = f" + {cell.bias_copies}" if cell.use_bias else ""
    if isinstance(cell, ConvLSTMConfig):
        channels = features[0] if cell.channels_first else features[-1]
        assert channels is not None
        values = {"filters": cell.filters, "kernel": prod(cell.kernel_size), "channels": channels}
        bias = " + 1" if cell.use_bias else ""
        return Formula(f"{gates}·filters·(kernel·(channels + filters){bias})", values)
    input_dim = features[-1]
    assert input_dim is not None
    values = {"units": cell.units, "input_dim": input_dim}
    return Formula(f"{_times(gates, 'units')}·(input_dim + units{bias})", values)


def _torch_formula(layer: TorchConfig) -> Formula:
    gates, d = layer.family.gates, layer.directions
    h = "proj_size" if layer.proj_size else "hidden_size"
    bias = " + 2" if layer.bias else ""
    proj = " + proj_size·hidden_size" if layer.proj_size else ""
    first = f"{_times(gates, 'hidden_size')}·(input_size + {h}{bias}){proj}"
    text = f"{d}·({first})" if d > 1 else first
    if layer.num_layers > 1:
        later = f"{_times(gates, 'hidden_size')}·({_times(d, h)} + {h}{bias}){proj}"
        count = d * (layer.num_layers - 1)
        text += f" + {later}" if count == 1 else f" + {count}·({later})"
    values = {"input_size": layer.input_size, "hidden_size": layer.hidden_size}
    if layer.proj_size:
        values["proj_size"] = layer.proj_size
    return Formula(text, values)


def _numbers(f: Formula) -> str:
    """The formula with each symbol replaced by its value: `4·units·(…)` → `4·8·(…)`."""
    return re.sub(r"[a-z_]+", lambda m: str(f.values.get(m.group(), m.group())), f.text)
