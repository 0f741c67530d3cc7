"""Keras and PyTorch recurrent layers run in NumPy, returning what the frameworks return."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from rnncalc.calc.cost import Cost, layer_cost
from rnncalc.calc.rules import axes
from rnncalc.calc.shapes import cell_runs, cells, directions, output_shapes
from rnncalc.calc.weights import weights as weight_specs
from rnncalc.config.enums import KerasVersion, MergeMode
from rnncalc.config.keras import CellArgs
from rnncalc.config.layers import AnyLayer
from rnncalc.config.torch import TorchConfig
from rnncalc.config.wrappers import BidirectionalConfig, SequenceLayer
from rnncalc.errors import RnncalcError, guarded
from rnncalc.execute.activations import Array, activation
from rnncalc.execute.convert import torch_to_keras
from rnncalc.execute.steps import Cell, CellWeights, run
from rnncalc.limits import RUN_MACS, RUN_STEPS, RUN_VALUES


@guarded
def run_layer(
    layer: AnyLayer,
    params: list[Array] | dict[str, Array],
    inputs: Array,
    keras: KerasVersion = KerasVersion.V2,
    initial_state: list[Array] | None = None,
    mask: Array | None = None,
    work: Work | None = None,
) -> list[Array]:
    """Run one layer forward (inference: dropout off), returning the framework's outputs.

    Args:
        layer: the layer's config.
        params: Keras's `layer.get_weights()` list, or PyTorch's `state_dict()` mapping.
        inputs: the input array, laid out as the framework expects.
        keras: whose activations (`hard_sigmoid` differs) and Bidirectional rules.
        initial_state: Keras's `initial_state` (for Bidirectional: forward states, then
            backward), or PyTorch's `(h_0,)` / `(h_0, c_0)`.
        mask: a Keras mask `(batch, timesteps)` of booleans: masked steps carry forward.
        work: what a model run has done so far, for its bounds (see `check_run`).

    Returns:
        Keras: the output(s) then the states; PyTorch: `output, h_n` (and `c_n`).
    """
    if isinstance(layer, TorchConfig):
        named = _named(params)
        check_weights(layer, named, inputs.shape, keras)
        check_run(layer, inputs.shape, keras, work, _dtypes(inputs, *named.values()))
        return _torch(layer, named, inputs, initial_state)
    arrays = _listed(params)
    check_weights(layer, arrays, inputs.shape, keras)
    check_run(layer, inputs.shape, keras, work, _dtypes(inputs, *arrays))
    if isinstance(layer, BidirectionalConfig):
        return _bidirectional(layer, arrays, inputs, keras, initial_state, mask)
    output, states = _sequence(layer, arrays, inputs, keras, initial_state, mask)
    return [output, *states] if layer.return_state else [output]


def check_weights(
    layer: AnyLayer,
    params: list[Array] | dict[str, Array],
    shape: tuple[int | None, ...],
    keras: KerasVersion,
) -> None:
    """Refuse weights that are not the layer's on inputs of `shape`: Keras's list in order, or
    PyTorch's state_dict by name."""
    specs = weight_specs(layer, _batch_free(layer, shape), keras)
    if isinstance(params, dict):
        expected: object = {w.name: w.shape for w in specs}
        found: object = {k: np.shape(v) for k, v in params.items()}
        hint = "give module.state_dict() of the same layer"
    else:
        expected, found = [w.shape for w in specs], [np.shape(a) for a in params]
        hint = "give layer.get_weights() of the same layer and input"
    if found != expected:
        raise RnncalcError(
            f"{layer.class_name()} expects weights of shapes {expected}, got {found}", hint
        )


class LayerRunner:
    """A layer with its weights, called like the framework's; a stateful layer keeps its final
    states as the next call's initial state, until `reset_states()`.

    Example:
        >>> layer = LSTMConfig(units=2, stateful=True)
        >>> runner = LayerRunner(layer, random_weights(layer, (1, 3, 4), KerasVersion.V2))
        >>> x = np.ones((1, 3, 4), np.float32)
        >>> first, second = runner(x)[0], runner(x)[0]  # the second starts where the first ended
        >>> bool(np.allclose(first, second))
        False
    """

    def __init__(
        self,
        layer: AnyLayer,
        params: list[Array] | dict[str, Array],
        keras: KerasVersion = KerasVersion.V2,
    ) -> None:
        self.layer, self.params, self.keras = layer, params, keras
        self.states: list[Array] | None = None

    @guarded
    def __call__(
        self, inputs: Array, initial_state: list[Array] | None = None, mask: Array | None = None
    ) -> list[Array]:
        stateful = getattr(self.layer, "stateful", False)
        if not stateful:
            return run_layer(self.layer, self.params, inputs, self.keras, initial_state, mask)
        keeping = self.layer.model_copy(update={"return_state": True})
        found = run_layer(
            keeping, self.params, inputs, self.keras, initial_state or self.states, mask
        )
        outputs = 2 if getattr(self.layer, "merge_mode", "") is None else 1
        self.states = found[outputs:]
        return found if getattr(self.layer, "return_state", False) else found[:outputs]

    def reset_states(self) -> None:
        self.states = None


class Work:
    """Steps and multiply-accumulates run so far, counted across the layers of one model run
    or the combinations of one `check --all`."""

    def __init__(self) -> None:
        self.steps = self.macs = 0


def check_run(
    layer: AnyLayer,
    shape: tuple[int, ...],
    keras: KerasVersion,
    work: Work | None = None,
    dtypes: tuple[np.dtype[Any], ...] = (),
) -> None:
    """Refuse a run that would take too long or too much memory, before it starts: the
    values it holds (weights, input, outputs), its steps (timesteps × stacked layers or cells
    × directions) and its multiply-accumulates, the last two added to `work` across a model.

    `dtypes` are the arrays' own: values count as float32s of their bytes, and NumPy's
    products of anything but float32 and float64 (which have no BLAS) count 16 times."""
    what, fix = f"running {layer.class_name()} on {shape}", "run a smaller layer or input"
    if 0 in shape:
        raise RnncalcError(
            f"{what}: an axis of size 0 leaves nothing to run",
            "give every axis a size of 1 or more; rnncalc summary computes the shapes",
        )
    work = work or Work()
    names = axes(layer, len(shape))
    if "timesteps" in names:
        work.steps += shape[names.index("timesteps")] * cell_runs(layer, keras)
        RUN_STEPS.check(work.steps, what, fix)
    cost = layer_cost(layer, shape, keras) or Cost(0, 0, 0, 0)
    slow = any(d not in (np.float32, np.float64) for d in dtypes)
    work.macs += cost.macs * (16 if slow else 1)
    RUN_MACS.check(work.macs, what, fix)
    returned = [s for _, s in output_shapes(layer, shape, keras)]
    held = sum(math.prod(d or 1 for d in s) for s in [shape, *returned]) + sum(
        math.prod(w.shape) for w in weight_specs(layer, _batch_free(layer, shape), keras)
    )
    # What training would keep of every step bounds what one forward pass holds at once.
    width = max((d.itemsize for d in dtypes), default=4)
    RUN_VALUES.check((held + cost.training) * max(width, 4) // 4, what, fix)


def _dtypes(*arrays: Array) -> tuple[np.dtype[Any], ...]:
    return tuple({np.asarray(a).dtype for a in arrays})


def _batch_free(layer: AnyLayer, shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
    """The input shape weights are computed on: Keras's without its batch axis."""
    return shape if isinstance(layer, TorchConfig) else (None, *shape[1:])


def _named(params: list[Array] | dict[str, Array]) -> dict[str, Array]:
    if not isinstance(params, dict):
        raise RnncalcError("PyTorch weights go by name", "give the state_dict() mapping")
    return {k: np.asarray(v) for k, v in params.items()}


def _listed(params: list[Array] | dict[str, Array]) -> list[Array]:
    if isinstance(params, dict):
        raise RnncalcError("Keras weights go in order", "give layer.get_weights(), a list")
    return [np.asarray(p) for p in params]


def keras_cells(layer: SequenceLayer, arrays: list[Array], keras: KerasVersion) -> list[Cell]:
    """The layer's cells with their weights, `[kernel, recurrent_kernel(, bias)]` each."""
    found, rest = [], list(arrays)
    for cell in cells(layer):
        if not isinstance(cell, CellArgs):
            raise RnncalcError(
                f"the executor runs SimpleRNN, GRU and LSTM cells, not {cell.class_name()}",
                "run a SimpleRNN, GRU, LSTM, RNN over their cells, or Bidirectional of them",
            )
        kernel, recurrent, *bias = rest[: 3 if cell.use_bias else 2]
        rest = rest[3 if cell.use_bias else 2 :]
        found.append(
            Cell(
                cell.family_name,
                CellWeights(kernel, recurrent, bias[0] if bias else None),
                activation(cell.activation, keras),
                activation(getattr(cell, "recurrent_activation", None), keras),
                getattr(cell, "reset_after", True),
            )
        )
    return found


def _sequence(
    layer: SequenceLayer,
    arrays: list[Array],
    inputs: Array,
    keras: KerasVersion,
    initial_state: list[Array] | None,
    mask: Array | None,
    zero_output_for_mask: bool | None = None,
) -> tuple[Array, list[Array]]:
    """A Keras layer's output (sequence or last step) and its final states."""
    x = inputs if layer.runs_time_major else np.swapaxes(inputs, 0, 1)  # time-major inside
    steps = None if mask is None else np.swapaxes(np.asarray(mask, bool), 0, 1)
    if layer.go_backwards:
        x = x[::-1]
        steps = None if steps is None else steps[::-1]
    zero = layer.zero_output_for_mask if zero_output_for_mask is None else zero_output_for_mask
    given = list(initial_state or [])
    finals: list[Array] = []
    for cell in keras_cells(layer, arrays, keras):
        count = 2 if cell.family == "LSTM" else 1
        start, given = (given[:count] or None), given[count:]
        x, states = run(cell, x, start, steps, zero)
        finals += states
    if not layer.return_sequences:
        output = x[-1] if len(x) else np.zeros((x.shape[1], x.shape[2]), x.dtype)
    else:
        output = x if layer.runs_time_major else np.swapaxes(x, 0, 1)
    return output, finals


def _bidirectional(
    layer: BidirectionalConfig,
    arrays: list[Array],
    inputs: Array,
    keras: KerasVersion,
    initial_state: list[Array] | None,
    mask: Array | None,
) -> list[Array]:
    forward, backward = directions(layer, keras)
    split = len(weight_specs(forward, (None, *inputs.shape[1:]), keras))
    half = len(initial_state or []) // 2
    states = initial_state or []
    outs = []
    for direction, params, start in (
        (forward, arrays[:split], states[:half]),
        (backward, arrays[split:], states[half:]),
    ):
        # Keras's Bidirectional writes zeros at masked steps when it returns sequences.
        outs.append(
            _sequence(
                direction, params, inputs, keras, start or None, mask, direction.return_sequences
            )
        )
    (y, states_f), (y_rev, states_b) = outs
    if backward.return_sequences:
        time_axis = 0 if backward.runs_time_major else 1
        y_rev = np.flip(y_rev, axis=time_axis)  # back in input order
    mode = layer.merge_mode
    if mode not in (None, MergeMode.CONCAT) and y.shape != y_rev.shape:
        raise RnncalcError(
            f"Bidirectional merge_mode={mode.value!r} adds up directions of different widths "
            f"({y.shape[-1]} and {y_rev.shape[-1]}); Keras fails on it when run",
            "give the backward layer the forward one's units, or use merge_mode='concat'",
        )
    merged: list[Array]
    if mode is None:
        merged = [y, y_rev]
    elif mode is MergeMode.CONCAT:
        merged = [np.concatenate([y, y_rev], axis=-1)]
    elif mode is MergeMode.SUM:
        merged = [y + y_rev]
    elif mode is MergeMode.MUL:
        merged = [y * y_rev]
    else:
        merged = [(y + y_rev) / 2]
    return [*merged, *states_f, *states_b] if forward.return_state else merged


def _torch(
    layer: TorchConfig, params: dict[str, Array], inputs: Array, initial: list[Array] | None
) -> list[Array]:
    batched = inputs.ndim == 3
    x = inputs if batched else inputs[:, None]
    if batched and layer.batch_first:
        x = np.swapaxes(x, 0, 1)  # (L, N, H_in) inside
    d, family = layer.directions, layer.family_name
    h0 = c0 = None
    if initial:
        h0 = initial[0] if batched else initial[0][:, None]
        if len(initial) > 1:
            c0 = initial[1] if batched else initial[1][:, None]
    gate = activation("sigmoid", KerasVersion.V3)
    act = activation(getattr(layer, "nonlinearity", "tanh"), KerasVersion.V3)
    h_n, c_n = [], []
    for k in range(layer.num_layers):
        outputs = []
        for j, suffix in enumerate(("", "_reverse")[:d]):
            weights = torch_to_keras(family, params, f"l{k}{suffix}")
            cell = Cell(family, weights, act, gate)
            index = k * d + j
            start = None
            if h0 is not None:
                start = [h0[index]] + ([c0[index]] if c0 is not None else [])
            if family == "LSTM" and start is not None and len(start) == 1:
                raise RnncalcError("an LSTM's initial state is (h_0, c_0)", "give both")
            source = x[::-1] if suffix else x
            y, states = run(cell, source, start)
            outputs.append(y[::-1] if suffix else y)
            h_n.append(states[0])
            if family == "LSTM":
                c_n.append(states[1])
        x = np.concatenate(outputs, axis=-1)
    output = np.swapaxes(x, 0, 1) if batched and layer.batch_first else x
    found = [output, np.stack(h_n)] + ([np.stack(c_n)] if family == "LSTM" else [])
    return found if batched else [found[0][:, 0], *(s[:, 0] for s in found[1:])]


@guarded
def random_weights(
    layer: AnyLayer, shape: tuple[int, ...], keras: KerasVersion, seed: int = 0
) -> list[Array] | dict[str, Array]:
    """Weights of the right shapes, uniform in [-0.5, 0.5]: PyTorch's by name, Keras's in order."""
    generator = np.random.default_rng(seed)
    specs = weight_specs(layer, _batch_free(layer, shape), keras)
    RUN_VALUES.check(
        sum(math.prod(w.shape) for w in specs),
        f"a random {layer.class_name()}",
        "run a smaller layer; rnncalc summary computes its shapes without running it",
    )
    arrays = [generator.uniform(-0.5, 0.5, w.shape).astype(np.float32) for w in specs]
    if isinstance(layer, TorchConfig):
        return {w.name: a for w, a in zip(specs, arrays, strict=True)}
    return arrays
