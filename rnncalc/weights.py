"""Each weight of a recurrent layer with its shape and the formula behind it, and their total."""

from __future__ import annotations

from typing import NamedTuple

from rnncalc.layers import RecurrentConfig


class WeightSpec(NamedTuple):
    name: str
    shape: tuple[int, ...]
    formula: str  # the shape in symbols: "(input_dim, 4·units)"


def _times(gates: int, what: str) -> str:
    return what if gates == 1 else f"{gates}·{what}"


def weights(config: RecurrentConfig, features: int) -> list[WeightSpec]:
    """The layer's weights in Keras's order: kernel, recurrent_kernel, bias.

    Args:
        config: the layer.
        features: the size of the input's last axis (`input_dim`).

    Returns:
        One entry per weight; `bias` is left out with `use_bias=False`.

    Example:
        >>> [w.shape for w in weights(GRUConfig(units=5), 4)]
        [(4, 15), (5, 15), (2, 15)]
    """
    gates, units = config.family.gates, config.units
    columns = _times(gates, "units")
    found = [
        WeightSpec("kernel", (features, gates * units), f"(input_dim, {columns})"),
        WeightSpec("recurrent_kernel", (units, gates * units), f"(units, {columns})"),
    ]
    if config.use_bias:
        copies = config.bias_copies
        if copies == 1:
            found.append(WeightSpec("bias", (gates * units,), f"({columns},)"))
        else:
            found.append(WeightSpec("bias", (copies, gates * units), f"({copies}, {columns})"))
    return found


def params_formula(config: RecurrentConfig) -> str:
    """The parameter count in symbols, e.g. `4·units·(input_dim + units + 1)` for an LSTM.

    Example:
        >>> params_formula(GRUConfig(units=5, reset_after=False))
        '3·units·(input_dim + units + 1)'
    """
    bias = f" + {config.bias_copies}" if config.use_bias else ""
    return f"{_times(config.family.gates, 'units')}·(input_dim + units{bias})"
