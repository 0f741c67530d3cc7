"""Each weight of a recurrent layer with its shape and the formula behind it, and their total."""

from __future__ import annotations

import re
from math import prod
from typing import NamedTuple

from rnncalc.calc.plan import CellPlan, Direction, Plan, StepCell, plan
from rnncalc.config.conv import ConvLSTMConfig
from rnncalc.config.enums import KerasVersion
from rnncalc.config.inputs import Shape
from rnncalc.config.keras import CuDNNConfig
from rnncalc.config.layers import AnyLayer


class WeightSpec(NamedTuple):
    name: str
    shape: tuple[int, ...]
    formula: str  # the shape in symbols: "(input_dim, 4·units)"
    trainable: bool = True  # False in a cell or direction built with trainable=False


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
    return planned(plan(layer, shape, keras), keras)


def planned(p: Plan, keras: KerasVersion) -> list[WeightSpec]:
    """The planned layer's weights: each direction's cells in order, named by direction and
    cell (Keras), or by layer and direction (PyTorch). tf-keras lists a layer's trainable
    weights before the others (a cell built with trainable=False comes last); Keras 3 keeps
    the order they were made in."""
    found = []
    for stage in p.stages:
        for direction in stage:
            prefix = f"{direction.name}/" if direction.name and not p.torch else ""
            for cell in direction.cells:
                if p.torch:
                    found += _torch(cell, len(stage))
                else:
                    specs = cell_weights(cell.config, cell.inputs)  # type: ignore[arg-type]
                    trainable = all(
                        getattr(c, "trainable", True) for c in (direction.config, cell.config)
                    )
                    found += [
                        w._replace(name=prefix + cell.name + w.name, trainable=trainable)
                        for w in specs
                    ]
    if keras is KerasVersion.V2:
        found.sort(key=lambda w: not w.trainable)
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


def _torch(cell: CellPlan, directions: int) -> list[WeightSpec]:
    """PyTorch's parameters of one layer and direction, as `named_parameters()` lists them."""
    gates, hidden, out, tag = cell.family.gates, cell.units, cell.recurrent, cell.name
    rows = _times(gates, "hidden_size")
    h = "proj_size" if cell.projection else "hidden_size"
    inputs_text = "input_size" if cell.depth == 0 else _times(directions, h)
    (inputs,) = cell.inputs
    assert inputs is not None
    found = [
        WeightSpec(f"weight_ih_{tag}", (gates * hidden, inputs), f"({rows}, {inputs_text})"),
        WeightSpec(f"weight_hh_{tag}", (gates * hidden, out), f"({rows}, {h})"),
    ]
    if cell.bias:
        found += [
            WeightSpec(f"bias_ih_{tag}", (gates * hidden,), f"({rows},)"),
            WeightSpec(f"bias_hh_{tag}", (gates * hidden,), f"({rows},)"),
        ]
    if cell.projection:
        found.append(WeightSpec(f"weight_hr_{tag}", (out, hidden), "(proj_size, hidden_size)"))
    return found


def formula(layer: AnyLayer, shape: Shape, keras: KerasVersion) -> Formula:
    """The parameter count in symbols, e.g. `4·units·(input_dim + units + 1)` for an LSTM.

    A layer of several cells or of two different directions gets numbers instead of symbols.

    Example:
        >>> formula(GRUConfig(units=5, reset_after=False), (None, 10, 4), KerasVersion.V2).text
        '3·units·(input_dim + units + 1)'
    """
    return planned_formula(plan(layer, shape, keras))


def planned_formula(p: Plan) -> Formula:
    """The planned layer's parameter count in symbols (see `formula`)."""
    if p.torch:
        return _torch_formula(p)
    if len(p.directions) == 2:
        forward, backward = (_direction_formula(d) for d in p.directions)
        if forward == backward:
            return Formula(f"2·({forward.text})", forward.values)
        return Formula(f"{_numbers(forward)} + {_numbers(backward)}", {})
    return _direction_formula(p.directions[0])


def _direction_formula(direction: Direction) -> Formula:
    parts = [_cell_formula(cell.config, cell.inputs) for cell in direction.cells]  # type: ignore[arg-type]
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


def _torch_formula(p: Plan) -> Formula:
    cell, d, layers = p.cells[0], len(p.directions), len(p.stages)
    gates = cell.family.gates
    h = "proj_size" if cell.projection else "hidden_size"
    bias = " + 2" if cell.bias else ""
    proj = " + proj_size·hidden_size" if cell.projection else ""
    first = f"{_times(gates, 'hidden_size')}·(input_size + {h}{bias}){proj}"
    text = f"{d}·({first})" if d > 1 else first
    if layers > 1:
        later = f"{_times(gates, 'hidden_size')}·({_times(d, h)} + {h}{bias}){proj}"
        count = d * (layers - 1)
        text += f" + {later}" if count == 1 else f" + {count}·({later})"
    (inputs,) = cell.inputs
    assert inputs is not None
    values = {"input_size": inputs, "hidden_size": cell.units}
    if cell.projection:
        values["proj_size"] = cell.projection
    return Formula(text, values)


def _numbers(f: Formula) -> str:
    """The formula with each symbol replaced by its value: `4·units·(…)` → `4·8·(…)`."""
    return re.sub(r"[a-z_]+", lambda m: str(f.values.get(m.group(), m.group())), f.text)
