"""Every tensor a recurrent layer returns, with its shape: the output(s), then the states."""

from __future__ import annotations

from rnncalc.calc.plan import Direction, Plan, plan
from rnncalc.config.enums import KerasVersion, MergeMode
from rnncalc.config.inputs import Shape
from rnncalc.config.layers import AnyLayer

Named = list[tuple[str, Shape]]


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
    return returned(plan(layer, shape, keras), keras)


def returned(p: Plan, keras: KerasVersion) -> Named:
    """What the planned layer returns: PyTorch's `output, h_n(, c_n)`; Keras's output(s), then
    each direction's and cell's states."""
    if p.torch:
        return _torch(p)
    if len(p.directions) == 1:
        return _direction(p, p.directions[0])
    forward, backward = (_direction(p, d) for d in p.directions)
    if keras is KerasVersion.V3:  # Keras 3 reports both directions with the forward's shapes
        backward = forward
    (_, out_f), (_, out_b) = forward[0], backward[0]
    states = [(f"forward_{n}", s) for n, s in forward[1:]]
    states += [(f"backward_{n}", s) for n, s in backward[1:]]
    mode = p.merge_mode
    if mode is None:
        return [("forward_output", out_f), ("backward_output", out_b), *states]
    if mode is MergeMode.CONCAT:
        last = None if out_f[-1] is None or out_b[-1] is None else out_f[-1] + out_b[-1]
        return [("output", (*out_f[:-1], last)), *states]
    return [("output", out_f), *states]


def _sequence(p: Plan, direction: Direction, features: Shape) -> Shape:
    if not direction.sequences:
        return (p.batch, *features)
    if direction.time_major:  # sequences stay time-major; states never are
        return (p.time, p.batch, *features)
    return (p.batch, p.time, *features)


def _direction(p: Plan, direction: Direction) -> Named:
    states = [
        (cell.name + name, (p.batch, *size))
        for cell in direction.cells
        for name, size in cell.states
    ]
    if getattr(direction.config, "reversed_states", False):  # StackedRNNCells(reverse_...)
        states = [
            (cell.name + name, (p.batch, *size))
            for cell in direction.cells[::-1]
            for name, size in cell.states
        ]
    output = _sequence(p, direction, direction.outputs)
    if direction.states:
        return [("output", output), *states]
    if getattr(direction.config, "return_runtime", False):  # tf-keras: which kernel ran
        return [("output", output), ("runtime", ())]
    return [("output", output)]


def _torch(p: Plan) -> Named:
    last = p.stages[-1]
    width = sum(d.outputs[-1] or 0 for d in last)  # the directions, concatenated
    first = last[0]
    output = _sequence(p, first, (width,))
    if not p.batched:
        output = output[:1] + output[2:]  # unbatched: (L, D·H_out)
    cells = p.cells
    lead = (len(cells), p.batch) if p.batched else (len(cells),)
    return [("output", output)] + [(name, (*lead, *size)) for name, size in cells[0].states]
