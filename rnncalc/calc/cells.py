"""PyTorch's cells (`nn.RNNCell`, `nn.GRUCell`, `nn.LSTMCell`): one step of their layer, so
their shapes, parameters and cost are the one-layer module's on a one-step sequence, with the
cell's names and checks."""

from __future__ import annotations

from rnncalc.calc import analysis
from rnncalc.config.enums import DType, KerasVersion, Optimizer
from rnncalc.config.families import TORCH_FAMILIES
from rnncalc.config.inputs import ResolvedInput, Shape, shape_text
from rnncalc.config.torch import TorchCellConfig
from rnncalc.errors import RnncalcError
from rnncalc.i18n import _
from rnncalc.report import LayerReport


def cell_summary(
    cell: TorchCellConfig,
    shape: Shape | None,
    initial_state: list[Shape] | None,
    dtype: DType,
    optimizer: Optimizer,
) -> LayerReport:
    """The report of one cell step on an input `(N, input_size)` or unbatched `(input_size,)`,
    its `hx` (and `cx`) checked as the cell's forward checks them.

    Example:
        >>> from rnncalc.config.torch import TorchLSTMCellConfig
        >>> r = cell_summary(TorchLSTMCellConfig(input_size=10, hidden_size=20), (3, 10), None,
        ...                  DType.FLOAT32, Optimizer.ADAM)
        >>> r.output_names, r.output_shapes, r.params
        (['h_1', 'c_1'], [(3, 20), (3, 20)], 2560)
    """
    name = cell.class_name()
    if shape is None:
        raise RnncalcError(
            _("no input shape: nn.{layer}'s outputs depend on the input tensor").format(layer=name),
            _("give --batch-input-shape N,input_size (or input_size alone, unbatched)"),
        )
    check_step(name, cell.input_size, cell.hidden_size, shape, list(initial_state or []))
    batched, count = len(shape) == 2, len(TORCH_FAMILIES[cell.layer.class_name()].states)
    x = shape if batched else (1, *shape)
    layer = cell.as_layer()
    step = (1, *shape)  # one step of the layer: (L=1, N, H_in), or (1, H_in) unbatched
    resolved = ResolvedInput(shape=step, given=("--batch-input-shape",))
    report = analysis.analyze(layer, resolved, KerasVersion.V2, [], dtype, optimizer)
    size = (x[0], cell.hidden_size) if batched else (cell.hidden_size,)
    weights = [w.model_copy(update={"name": w.name.removesuffix("_l0")}) for w in report.weights]
    return report.model_copy(
        update={
            "layer": name,
            "arguments": cell.model_dump(mode="json"),
            "input_shape": shape,
            "input_source": "--batch-input-shape",
            "input_axes": ["batch", "features"] if batched else ["features"],
            "output_names": ["h_1", "c_1"][:count],
            "output_shapes": [size] * count,
            "initial_state_names": ["h_0", "c_0"][:count],
            "initial_state_shapes": [size] * count,
            "weights": weights,
        }
    )


def check_step(
    name: str, input_size: int, hidden_size: int, shape: Shape, states: list[Shape]
) -> None:
    """A cell's input and states checked as its forward checks them (the ranks first, in
    Python; then the sizes, in torch's C++), in its words.

    Raises:
        RnncalcError: where torch would refuse them.
    """
    if len(shape) not in (1, 2):
        raise RnncalcError(
            _("{layer}: Expected input to be 1D or 2D, got {rank}D instead").format(
                layer=name, rank=len(shape)
            ),
            _("give (N, input_size) or (input_size,)"),
        )
    lstm = len(TORCH_FAMILIES[name.removesuffix("Cell")].states) == 2  # takes (h_0, c_0)
    for index, state in enumerate(states):
        if len(state) not in (1, 2):
            what = f"hx[{index}]" if lstm else "hidden"
            raise RnncalcError(
                _("{layer}: Expected {state} to be 1D or 2D, got {rank}D instead").format(
                    layer=name, state=what, rank=len(state)
                ),
                _("give (N, hidden_size) or (hidden_size,)"),
            )
    batched = len(shape) == 2
    x = shape if batched else (1, *shape)
    if x[1] != input_size:
        raise RnncalcError(
            _("input has inconsistent input_size: got {found} expected {input_size}").format(
                found=x[1], input_size=input_size
            ),
            _("give {input_size} features").format(input_size=input_size),
        )
    for index, state in enumerate(states):
        h = state if batched else (1, *state)
        if h[0] != x[0]:
            raise RnncalcError(
                _("Input batch size {batch} doesn't match hidden{index} batch size {found}").format(
                    batch=x[0], index=index, found=h[0]
                ),
                _("give the state {shape}").format(shape=shape_text((x[0], hidden_size))),
            )
        if h[1] != hidden_size:
            raise RnncalcError(
                _(
                    "hidden{index} has inconsistent hidden_size: got {found}, expected "
                    "{hidden_size}"
                ).format(index=index, found=h[1], hidden_size=hidden_size),
                _("give the state {shape}").format(shape=shape_text((x[0], hidden_size))),
            )
    if len(states) not in (0, 2 if lstm else 1):
        raise RnncalcError(
            (
                _("nn.{layer} takes (h_0, c_0), got {count} state(s)")
                if lstm
                else _("nn.{layer} takes hx, got {count} state(s)")
            ).format(layer=name, count=len(states)),
            _("give h_0 and c_0 (--hx and --cx)")
            if lstm
            else _("give h_0 alone: c_0 is LSTMCell's"),
        )
