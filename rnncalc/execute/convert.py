"""Weights between PyTorch's layout and Keras's: transposes, gate order, the two biases."""

from __future__ import annotations

import numpy as np

from rnncalc.config.families import Family
from rnncalc.errors import RnncalcError
from rnncalc.execute.activations import Array
from rnncalc.execute.steps import CellWeights
from rnncalc.i18n import _


def _order(family: Family) -> list[int]:
    """Where each of Keras's gate blocks sits among PyTorch's (GRU: z, r, h ← r, z, n)."""
    return [family.torch_order.index(g) for g in family.gate_names]


def _blocks(matrix: Array, family: Family, axis: int) -> Array:
    """PyTorch's gate blocks along `axis`, put in Keras's order."""
    parts = np.split(matrix, family.gates, axis=axis)
    return np.concatenate([parts[i] for i in _order(family)], axis=axis)


def _unblocks(matrix: Array, family: Family, axis: int) -> Array:
    """Keras's gate blocks along `axis`, put in PyTorch's order."""
    parts = np.split(matrix, family.gates, axis=axis)
    order = _order(family)
    return np.concatenate([parts[order.index(i)] for i in range(family.gates)], axis=axis)


def torch_to_keras(
    family: Family, params: dict[str, Array], suffix: str, reset_after: bool = True
) -> CellWeights:
    """One PyTorch layer and direction (`suffix` such as `l0` or `l1_reverse`) as Keras weights.

    Keras keeps one bias where PyTorch keeps `bias_ih + bias_hh`; a GRU keeps both, as the two
    rows of `reset_after=True`'s bias.

    Example:
        >>> p = {"weight_ih_l0": np.ones((8, 3)), "weight_hh_l0": np.ones((8, 2)),
        ...      "bias_ih_l0": np.ones(8), "bias_hh_l0": np.ones(8)}
        >>> w = torch_to_keras(FAMILIES["LSTM"], p, "l0")
        >>> w.kernel.shape, w.recurrent.shape, float(w.bias[0])
        ((3, 8), (2, 8), 2.0)
    """
    get = params.get
    kernel = _blocks(np.asarray(params[f"weight_ih_{suffix}"]).T, family, axis=1)
    recurrent = _blocks(np.asarray(params[f"weight_hh_{suffix}"]).T, family, axis=1)
    b_ih, b_hh = get(f"bias_ih_{suffix}"), get(f"bias_hh_{suffix}")
    bias = None
    if b_ih is not None and b_hh is not None:
        b_ih, b_hh = (_blocks(np.asarray(b), family, axis=0) for b in (b_ih, b_hh))
        two = family.keeps_two_biases and reset_after
        bias = np.stack([b_ih, b_hh]) if two else b_ih + b_hh
    projection = get(f"weight_hr_{suffix}")
    return CellWeights(kernel, recurrent, bias, None if projection is None else projection.T)


def keras_to_torch(family: Family, weights: list[Array], suffix: str) -> dict[str, Array]:
    """Keras's `[kernel, recurrent_kernel, bias]` as PyTorch parameters of one layer/direction.

    A single Keras bias goes to `bias_ih` and `bias_hh` is zero: their sum is all that counts.
    """
    if len(weights) not in (2, 3):
        raise RnncalcError(
            _(
                "expected Keras's [kernel, recurrent_kernel, bias] of a {layer}, got {count} arrays"
            ).format(layer=family.name, count=len(weights)),
            _("give the arrays of layer.get_weights(), in order"),
        )
    kernel, recurrent = weights[0], weights[1]
    found = {
        f"weight_ih_{suffix}": _unblocks(kernel, family, axis=1).T,
        f"weight_hh_{suffix}": _unblocks(recurrent, family, axis=1).T,
    }
    if len(weights) == 3:
        bias = weights[2]
        rows = (bias[0], bias[1]) if bias.ndim == 2 else (bias, np.zeros_like(bias))
        found[f"bias_ih_{suffix}"], found[f"bias_hh_{suffix}"] = (
            _unblocks(b, family, axis=0) for b in rows
        )
    return found
