"""One recurrent cell run over time in NumPy: the only place where the families differ in code."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from rnncalc.config.families import Family
from rnncalc.execute.activations import ALONG_LAST_AXIS, Activation, Array

# (projected input of one step, states) -> (output, new states)
Step = Callable[[Array, list[Array]], tuple[Array, list[Array]]]
# The gate columns in the order a step wants them (an index array), and the step itself.
Prepared = tuple[Array, Step]


class CellWeights(NamedTuple):
    """A cell's weights in Keras's layout; PyTorch's are converted to it (convert.py)."""

    kernel: Array  # (input_dim, gates·units), blocks in Keras's gate order
    recurrent: Array  # (units or proj_size, gates·units)
    bias: Array | None  # (gates·units,), or (2, gates·units): GRU reset_after's two biases
    projection: Array | None = None  # (units, proj_size): PyTorch LSTM's weight_hr, transposed


class Cell(NamedTuple):
    family: Family
    weights: CellWeights
    activation: Activation
    recurrent_activation: Activation
    reset_after: bool = True

    @property
    def units(self) -> int:
        return int(self.weights.recurrent.shape[1]) // self.family.gates

    def zero_states(self, batch: int, dtype: np.dtype) -> list[Array]:
        out = self.weights.recurrent.shape[0]  # the size of h: units, or proj_size
        h = np.zeros((out, batch), dtype)  # feature-major, as run() works
        # An LSTM's second state, c, is as wide as its units (h may be projected).
        return [h, *(np.zeros((self.units, batch), dtype) for _ in self.family.states[1:])]


def run(
    cell: Cell,
    inputs: Array,
    states: list[Array] | None = None,
    mask: Array | None = None,
    zero_output_for_mask: bool = False,
) -> tuple[Array, list[Array]]:
    """Run a cell over time-major inputs `(timesteps, batch, features)`.

    The input projection of all timesteps is one matrix product; only time is looped over.
    Where `mask` (timesteps, batch) is False, the previous output and states carry forward
    (or the output is zero, with `zero_output_for_mask`), as Keras does.

    Inside, every array is feature-major, `(size, batch)`: the step's product is then
    `recurrentᵀ · h`, which OpenBLAS runs up to 1.7 times as fast as `h · recurrent` at small
    batches (docs/execute.md).

    Returns:
        The outputs `(timesteps, batch, units)` and the final states `(batch, size)`.
    """
    time, batch, features = inputs.shape
    order, step = STEPS[cell.family.name](cell)
    w = cell.weights
    projected = w.kernel[:, order].T @ inputs.reshape(time * batch, features).T
    if w.bias is not None:
        projected += (w.bias[0] if w.bias.ndim == 2 else w.bias)[order, None]
    projected = projected.reshape(-1, time, batch)
    states = [s.T for s in states] if states is not None else cell.zero_states(batch, inputs.dtype)
    outputs = np.zeros((time, states[0].shape[0], batch), np.result_type(inputs, w.kernel))
    previous = np.zeros_like(states[0])
    for t in range(time):
        output, new = step(projected[:, t], states)
        if mask is not None:
            keep = mask[t]
            new = [np.where(keep, n, s) for n, s in zip(new, states, strict=True)]
            output = np.where(keep, output, 0 if zero_output_for_mask else previous)
        outputs[t] = output
        states, previous = new, output
    return outputs.transpose(0, 2, 1), [s.T for s in states]


def _units_first(act: Activation) -> Activation:
    """`act` where units come second-last: softmax works along Keras's last axis, units."""
    if act not in ALONG_LAST_AXIS:
        return act
    return lambda z: np.swapaxes(act(np.swapaxes(z, -1, -2)), -1, -2)


def _simple(cell: Cell) -> Prepared:
    recurrent, act = cell.weights.recurrent.T.copy(), _units_first(cell.activation)

    def step(x: Array, states: list[Array]) -> tuple[Array, list[Array]]:
        z = recurrent @ states[0]
        z += x
        h = act(z)
        return h, [h]

    return np.arange(len(recurrent)), step


def _gru(cell: Cell) -> Prepared:
    w, u = cell.weights, cell.units
    act, gate = _units_first(cell.activation), _units_first(cell.recurrent_activation)
    inner_bias = w.bias[1, :, None] if w.bias is not None and w.bias.ndim == 2 else 0.0
    recurrent = w.recurrent.T.copy()  # blocks z, r, h
    u_zr, u_h = recurrent[: 2 * u], recurrent[2 * u :]

    def step(x: Array, states: list[Array]) -> tuple[Array, list[Array]]:
        h = states[0]
        if cell.reset_after:  # the reset gate scales the recurrent product, bias included
            inner = recurrent @ h + inner_bias
            z = gate(x[:u] + inner[:u])
            r = gate(x[u : 2 * u] + inner[u : 2 * u])
            candidate = act(x[2 * u :] + r * inner[2 * u :])
        else:  # the reset gate scales the state before the product
            inner = u_zr @ h
            z = gate(x[:u] + inner[:u])
            r = gate(x[u : 2 * u] + inner[u:])
            candidate = act(x[2 * u :] + u_h @ (r * h))
        h = z * h + (1 - z) * candidate
        return h, [h]

    return np.arange(3 * u), step


def _lstm(cell: Cell) -> Prepared:
    w, u = cell.weights, cell.units
    act, gate = _units_first(cell.activation), _units_first(cell.recurrent_activation)
    # Keras's blocks i, f, c, o as i, f, o, c: one activation call for the three gates.
    order = np.r_[0 : 2 * u, 3 * u : 4 * u, 2 * u : 3 * u]
    recurrent = w.recurrent[:, order].T.copy()
    projection = None if w.projection is None else w.projection.T.copy()

    def step(x: Array, states: list[Array]) -> tuple[Array, list[Array]]:
        h, c = states
        z = recurrent @ h
        z += x
        i, f, o = gate(z[: 3 * u].reshape(3, u, -1))  # each gate on its own (softmax)
        c = f * c
        c += i * act(z[3 * u :])
        h = o * act(c)
        if projection is not None:
            h = projection @ h
        return h, [h, c]

    return order, step


STEPS: dict[str, Callable[[Cell], Prepared]] = {"SimpleRNN": _simple, "GRU": _gru, "LSTM": _lstm}
