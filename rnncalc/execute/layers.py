"""Keras and PyTorch recurrent layers run in NumPy, returning what the frameworks return."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from rnncalc.calc.cost import Cost, planned_cost
from rnncalc.calc.plan import Direction, Plan, axes, cell_runs, plan
from rnncalc.calc.shapes import returned
from rnncalc.calc.weights import planned as planned_weights
from rnncalc.calc.weights import weights as weight_specs
from rnncalc.config.enums import KerasVersion, MergeMode
from rnncalc.config.keras import CellArgs
from rnncalc.config.layers import AnyLayer
from rnncalc.config.torch import TorchConfig
from rnncalc.errors import RnncalcError, guarded
from rnncalc.execute.activations import Array, activation
from rnncalc.execute.convert import torch_to_keras
from rnncalc.execute.steps import Cell, CellWeights, run
from rnncalc.i18n import _
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
    planned = plan(layer, inputs.shape, keras)
    if planned.torch:
        named = _named(params)
        check_weights(layer, named, inputs.shape, keras)
        check_run(layer, inputs.shape, keras, work, _dtypes(inputs, *named.values()))
        return _torch(planned, named, inputs, initial_state)
    arrays = _listed(params)
    check_weights(layer, arrays, inputs.shape, keras)
    check_run(layer, inputs.shape, keras, work, _dtypes(inputs, *arrays))
    return _keras(planned, arrays, inputs, keras, initial_state, mask)


def check_weights(
    layer: AnyLayer,
    params: list[Array] | dict[str, Array],
    shape: tuple[int | None, ...],
    keras: KerasVersion,
) -> None:
    """Refuse weights that are not the layer's on inputs of `shape`: Keras's list in order, or
    PyTorch's state_dict by name."""
    specs = weight_specs(layer, shape, keras)
    if isinstance(params, dict):
        expected: object = {w.name: w.shape for w in specs}
        found: object = {k: np.shape(v) for k, v in params.items()}
        hint = _("give module.state_dict() of the same layer")
    else:
        expected, found = [w.shape for w in specs], [np.shape(a) for a in params]
        hint = _("give layer.get_weights() of the same layer and input")
    if found != expected:
        raise RnncalcError(
            _("{layer} expects weights of shapes {expected}, got {found}").format(
                layer=layer.class_name(), expected=expected, found=found
            ),
            hint,
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
    what = _("running {layer} on {shape}").format(layer=layer.class_name(), shape=shape)
    fix = _("run a smaller layer or input")
    if 0 in shape:
        raise RnncalcError(
            _("{what}: an axis of size 0 leaves nothing to run").format(what=what),
            _("give every axis a size of 1 or more; rnncalc summary computes the shapes"),
        )
    work = work or Work()
    names = axes(layer, len(shape))
    if "timesteps" in names:
        work.steps += shape[names.index("timesteps")] * cell_runs(layer, keras)
        RUN_STEPS.check(work.steps, what, fix)
    planned = plan(layer, shape, keras)  # after the steps are bounded: they bound its size
    cost = planned_cost(planned, keras) or Cost(0, 0, 0, 0)
    slow = any(d not in (np.float32, np.float64) for d in dtypes)
    work.macs += cost.macs * (16 if slow else 1)
    RUN_MACS.check(work.macs, what, fix)
    outputs = [s for _name, s in returned(planned, keras)]
    held = sum(math.prod(d or 1 for d in s) for s in [shape, *outputs]) + sum(
        math.prod(w.shape) for w in planned_weights(planned, keras)
    )
    # What training would keep of every step bounds what one forward pass holds at once.
    width = max((d.itemsize for d in dtypes), default=4)
    RUN_VALUES.check((held + cost.training) * max(width, 4) // 4, what, fix)


def _dtypes(*arrays: Array) -> tuple[np.dtype[Any], ...]:
    return tuple({np.asarray(a).dtype for a in arrays})


def _named(params: list[Array] | dict[str, Array]) -> dict[str, Array]:
    if not isinstance(params, dict):
        raise RnncalcError(_("PyTorch weights go by name"), _("give the state_dict() mapping"))
    return {k: np.asarray(v) for k, v in params.items()}


def _listed(params: list[Array] | dict[str, Array]) -> list[Array]:
    if isinstance(params, dict):
        raise RnncalcError(_("Keras weights go in order"), _("give layer.get_weights(), a list"))
    return [np.asarray(p) for p in params]


def _keras_cells(direction: Direction, arrays: list[Array], keras: KerasVersion) -> list[Cell]:
    """A Keras direction's cells with their weights, `[kernel, recurrent_kernel(, bias)]`
    each, taken from the front of `arrays`."""
    found = []
    for planned in direction.cells:
        cell = planned.config
        if not isinstance(cell, CellArgs):
            raise RnncalcError(
                _("the executor runs SimpleRNN, GRU and LSTM cells, not {cell}").format(
                    cell=cell.class_name()
                ),
                _("run a SimpleRNN, GRU, LSTM, RNN over their cells, or Bidirectional of them"),
            )
        count = 3 if planned.bias else 2
        (kernel, recurrent, *bias), arrays[:count] = arrays[:count], []
        found.append(
            Cell(
                planned.family,
                CellWeights(kernel, recurrent, bias[0] if bias else None),
                activation(cell.activation, keras),
                activation(getattr(cell, "recurrent_activation", None), keras),
                getattr(cell, "reset_after", True),
            )
        )
    return found


def _keras(
    planned: Plan,
    arrays: list[Array],
    inputs: Array,
    keras: KerasVersion,
    initial_state: list[Array] | None,
    mask: Array | None,
) -> list[Array]:
    """A Keras layer: its direction, or Bidirectional's two merged; then the states."""
    rest, given = list(arrays), list(initial_state or [])
    half = len(given) // 2 if len(planned.directions) == 2 else len(given)
    outs = []
    two = len(planned.directions) == 2
    for index, direction in enumerate(planned.directions):
        start = given[:half] if index == 0 else given[half:]
        outs.append(_direction(direction, rest, inputs, keras, start, mask, two))
    if len(outs) == 1:
        (output, states), first = outs[0], planned.directions[0]
        return [output, *states] if first.states else [output]
    (y, states_f), (y_rev, states_b) = outs
    forward, backward = planned.directions
    if backward.sequences:
        time_axis = 0 if backward.time_major else 1
        y_rev = np.flip(y_rev, axis=time_axis)  # back in input order
    mode = planned.merge_mode
    if mode not in (None, MergeMode.CONCAT) and y.shape != y_rev.shape:
        raise RnncalcError(
            _(
                "Bidirectional merge_mode={mode!r} adds up directions of different widths "
                "({forward} and {backward}); Keras fails on it when run"
            ).format(mode=mode.value, forward=y.shape[-1], backward=y_rev.shape[-1]),
            _("give the backward layer the forward one's units, or use merge_mode='concat'"),
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
    return [*merged, *states_f, *states_b] if forward.states else merged


def _direction(
    direction: Direction,
    arrays: list[Array],
    inputs: Array,
    keras: KerasVersion,
    initial_state: list[Array],
    mask: Array | None,
    bidirectional: bool,
) -> tuple[Array, list[Array]]:
    """One Keras direction's output (sequence or last step) and its final states; its weights
    are taken from the front of `arrays`."""
    x = inputs if direction.time_major else np.swapaxes(inputs, 0, 1)  # time-major inside
    steps = None if mask is None else np.swapaxes(np.asarray(mask, bool), 0, 1)
    if direction.backwards:
        x = x[::-1]
        steps = None if steps is None else steps[::-1]
    # Keras's Bidirectional writes zeros at masked steps when it returns sequences.
    layer = direction.config
    assert not isinstance(layer, TorchConfig)
    zero = direction.sequences if bidirectional else layer.zero_output_for_mask
    given, finals = list(initial_state), []
    for cell in _keras_cells(direction, arrays, keras):
        count = len(cell.family.states)
        start, given = (given[:count] or None), given[count:]
        x, states = run(cell, x, start, steps, zero)
        finals += states
    if not direction.sequences:
        output = x[-1] if len(x) else np.zeros((x.shape[1], x.shape[2]), x.dtype)
    else:
        output = x if direction.time_major else np.swapaxes(x, 0, 1)
    return output, finals


def _torch(
    planned: Plan, params: dict[str, Array], inputs: Array, initial: list[Array] | None
) -> list[Array]:
    """PyTorch's layers, each direction reading the one below's outputs, concatenated."""
    batched = planned.batched
    x = inputs if batched else inputs[:, None]
    if not planned.directions[0].time_major:
        x = np.swapaxes(x, 0, 1)  # (L, N, H_in) inside
    layer = planned.layer
    gate = activation("sigmoid", KerasVersion.V3)
    act = activation(getattr(layer, "nonlinearity", "tanh"), KerasVersion.V3)
    given = [s if batched else s[:, None] for s in initial or []]
    finals: list[list[Array]] = []
    index = 0
    for stage in planned.stages:
        outputs = []
        for direction in stage:
            (planned_cell,) = direction.cells
            family = planned_cell.family
            cell = Cell(family, torch_to_keras(family, params, planned_cell.name), act, gate)
            start = [s[index] for s in given][: len(family.states)] or None
            if start is not None and len(start) < len(family.states):
                raise RnncalcError(_("an LSTM's initial state is (h_0, c_0)"), _("give both"))
            source = x[::-1] if direction.backwards else x
            y, states = run(cell, source, start)
            outputs.append(y[::-1] if direction.backwards else y)
            finals.append(states)
            index += 1
        x = np.concatenate(outputs, axis=-1)
    output = x if planned.directions[0].time_major else np.swapaxes(x, 0, 1)
    found = [output, *(np.stack(states) for states in zip(*finals, strict=True))]
    return found if batched else [found[0][:, 0], *(s[:, 0] for s in found[1:])]


@guarded
def random_weights(
    layer: AnyLayer, shape: tuple[int, ...], keras: KerasVersion, seed: int = 0
) -> list[Array] | dict[str, Array]:
    """Weights of the right shapes, uniform in [-0.5, 0.5]: PyTorch's by name, Keras's in order."""
    generator = np.random.default_rng(seed)
    specs = weight_specs(layer, shape, keras)
    RUN_VALUES.check(
        sum(math.prod(w.shape) for w in specs),
        _("a random {layer}").format(layer=layer.class_name()),
        _("run a smaller layer; rnncalc summary computes its shapes without running it"),
    )
    arrays = [generator.uniform(-0.5, 0.5, w.shape).astype(np.float32) for w in specs]
    if plan(layer, shape, keras).torch:
        return {w.name: a for w, a in zip(specs, arrays, strict=True)}
    return arrays
