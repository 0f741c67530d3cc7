"""The initial states a recurrent layer takes, and the checks its framework makes of the ones
it is given: PyTorch's `hx` / `(h_0, c_0)` (`RNNBase.forward` and `check_forward_args`) and
Keras's `initial_state`."""

from __future__ import annotations

from rnncalc.calc.plan import Plan
from rnncalc.calc.shapes import returned
from rnncalc.config.enums import KerasVersion
from rnncalc.config.inputs import Shape, shape_text
from rnncalc.errors import RnncalcError
from rnncalc.i18n import N_, _


def initial_states(p: Plan, keras: KerasVersion) -> list[tuple[str, Shape]]:
    """What the planned layer takes as initial states, in the framework's order.

    PyTorch's `h_0` (and `c_0`) have the shapes of `h_n` (and `c_n`); Keras's are each
    cell's states, forward direction first.

    Example:
        >>> from rnncalc.calc.plan import plan
        >>> from rnncalc.config.torch import TorchLSTMConfig
        >>> lstm = TorchLSTMConfig(input_size=4, hidden_size=6, num_layers=2, proj_size=3)
        >>> initial_states(plan(lstm, (5, 7, 4), KerasVersion.V2), KerasVersion.V2)
        [('h_0', (2, 7, 3)), ('c_0', (2, 7, 6))]
    """
    if p.torch:
        return [(n.replace("_n", "_0"), s) for n, s in returned(p, keras)[1:]]
    return [state for group in _by_direction(p) for state in group]


def _by_direction(p: Plan) -> list[list[tuple[str, Shape]]]:
    """Keras's states, direction by direction (a Bidirectional layer's forward one first)."""
    found = []
    for direction in p.stages[-1]:
        group = []
        for cell in direction.cells:
            for name, size in cell.states:
                prefix = f"{direction.name}_" if direction.name else ""
                within = f"{cell.name.rstrip('/')}/" if len(direction.cells) > 1 else ""
                group.append((prefix + within + name, (p.batch, *size)))
        found.append(group)
    return found


def check_states(p: Plan, given: list[Shape], keras: KerasVersion) -> list[str]:
    """Check the initial states given as the framework checks them; the warnings, where it
    accepts what does not fit.

    Raises:
        RnncalcError: in the framework's words, where it would refuse them.
    """
    if not given:
        return []
    if p.torch:
        _check_torch(p, given, initial_states(p, keras))
        return []
    return _check_keras(p, given, keras)


def _check_torch(p: Plan, given: list[Shape], expected: list[tuple[str, Shape]]) -> None:
    lstm = len(expected) == 2
    name = type(p.layer).__name__.removeprefix("Torch").removesuffix("Config")
    if len(given) != len(expected):
        raise RnncalcError(
            (
                _("nn.{layer} takes (h_0, c_0), got {count} state(s)")
                if lstm
                else _("nn.{layer} takes h_0, got {count} state(s)")
            ).format(layer=name, count=len(given)),
            _("give h_0 and c_0 (--hx and --cx)") if lstm else _("give h_0 alone: c_0 is LSTM's"),
        )
    rank = 3 if p.batched else 2
    wanted = [f"{n} {shape_text(s)}" for n, s in expected]
    if any(len(s) != rank for s in given):
        kind = "batched 3-D" if p.batched else "unbatched 2-D"
        dims = ", ".join(f"{len(s)}-D" for s in given)
        raise RnncalcError(
            (
                _("For {kind} input, hx and cx should also be {rank}-D but got ({dims}) tensors")
                if lstm
                else _("For {kind} input, hx should also be {rank}-D but got {dims} tensor")
            ).format(kind=kind, rank=rank, dims=dims),
            _("give {states}").format(states=_(" and ").join(wanted)),
        )
    for index, (shape, (_name, want)) in enumerate(zip(given, expected, strict=True)):
        ours = shape if p.batched else (shape[0], 1, *shape[1:])
        theirs = want if p.batched else (want[0], 1, *want[1:])
        if ours != theirs:
            label = f"hidden[{index}] size" if lstm else "hidden size"
            raise RnncalcError(
                _("Expected {label} {expected}, got {found}").format(
                    label=label, expected=shape_text(theirs), found=list(ours)
                ),
                _("give {state} as {shape}").format(
                    state=expected[index][0], shape=shape_text(want)
                ),
            )


def _check_keras(p: Plan, given: list[Shape], keras: KerasVersion) -> list[str]:
    """tf-keras checks `initial_state` when the layer is called on it (Bidirectional gives
    each direction its half); Keras 3 does not, and the warning says so."""
    groups = _by_direction(p)
    want = ", ".join(f"{n} {shape_text(s)}" for group in groups for n, s in group)
    fix = _("give {count} initial states: {states}").format(
        count=sum(map(len, groups)), states=want
    )
    halves = [given]
    if len(groups) == 2:
        if len(given) % 2:
            if keras is KerasVersion.V3:
                return [_(_KERAS3).format(want=want)]
            raise RnncalcError(
                _(
                    "When passing `initial_state` to a Bidirectional RNN, the state should be a "
                    "list containing the states of the underlying RNNs. Received: {received}"
                ).format(received=_shapes(given)),
                fix,
            )
        half = len(given) // 2
        halves = [given[:half], given[half:]]
    for part, group in zip(halves, groups, strict=True):
        if _fits(part, [s for _name, s in group]):
            continue
        if keras is KerasVersion.V3:
            return [_(_KERAS3).format(want=want)]
        specs = ", ".join(f"InputSpec(shape={shape_text(g)}, ndim={len(g)})" for g in part)
        sizes = [list(s[1:]) if len(s) > 2 else s[1] for _name, s in group]
        raise RnncalcError(
            _(
                "An `initial_state` was passed that is not compatible with `cell.state_size`. "
                "Received `state_spec`=ListWrapper([{specs}]); however `cell.state_size` is "
                "{sizes}"
            ).format(specs=specs, sizes=sizes),
            fix,
        )
    return []


_KERAS3 = N_(
    "Keras 3 does not check initial_state when the model is built: these do not fit the "
    "layer's states ({want}), and calling the model can fail"
)


def _fits(given: list[Shape], expected: list[Shape]) -> bool:
    return len(given) == len(expected) and all(
        len(g) == len(w)
        and all(a is None or b is None or a == b for a, b in zip(g, w, strict=True))
        for g, w in zip(given, expected, strict=True)
    )


def _shapes(given: list[Shape]) -> str:
    return "[" + ", ".join(shape_text(g) for g in given) + "]"
