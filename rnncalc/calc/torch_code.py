"""PyTorch models from the code of their module: `__init__` read for the module table, and
`forward` followed for the shapes, never run (`parse.torch_code`)."""

from __future__ import annotations

import ast
from typing import Any

from rnncalc.calc.torch_forward import FUNCTIONS, run
from rnncalc.calc.torch_model import report
from rnncalc.calc.torch_modules import build
from rnncalc.config.inputs import Shape
from rnncalc.errors import RnncalcError
from rnncalc.i18n import _
from rnncalc.parse.code import evaluated, interpret, variable
from rnncalc.parse.python import CodeError
from rnncalc.parse.torch_code import ModuleClass, ModuleInstance, TorchReader
from rnncalc.parse.torch_tree import Module, Tensor, shapes_of
from rnncalc.report.torch import TorchModelReport

# torch's functions forward may call (its tensor methods are named Tensor.NAME there)
_FUNCTION_NAMES = frozenset(n for n in FUNCTIONS if not n.startswith("Tensor.")) | {"Variable"}


def code_summary(
    code: str,
    source: str,
    input_shapes: list[Shape] | None = None,
    variables: dict[str, Any] | None = None,
    target: str | None = None,
) -> TorchModelReport:
    """The module table of the model a module's code builds, and with `input_shapes`, the
    shapes `forward` gives each call.

    Example:
        >>> code = '''import torch.nn as nn
        ... class Net(nn.Module):
        ...     def __init__(self, n, hidden=64):
        ...         super().__init__()
        ...         self.lstm = nn.LSTM(n, hidden, batch_first=True)
        ...         self.fc = nn.Linear(hidden, 1)
        ...     def forward(self, x):
        ...         out, _ = self.lstm(x)
        ...         return self.fc(out[:, -1])
        ... '''
        >>> r = code_summary(code, "net.py", [(4, 30, 20)], target="Net(20)")
        >>> r.total_params, r.output_shapes, r.modules[1].output_shapes
        (22081, [4, 1], [[4, 30, 64], [[1, 4, 64], [1, 4, 64]]])
    """
    given = {k: variable(v) for k, v in (variables or {}).items()}
    reader = TorchReader(given, build, run, _FUNCTION_NAMES)
    tree = interpret(reader, code, _("give Python code that defines the module"))
    model = _target(reader, tree, target)
    root = model.module if isinstance(model, ModuleInstance) else model
    assert root is not None
    warnings = [_("skipped: {statement}").format(statement=s) for s in reader.skipped]
    output = None
    if input_shapes:
        try:
            result = reader.call_module(model, [Tensor(_sizes(s)) for s in input_shapes], {})
            output = shapes_of(result)
        except CodeError as exc:
            warnings.append(
                _(
                    "forward not followed past line {line}: {reason} (the parameter table is "
                    "complete)"
                ).format(line=exc.line, reason=exc.message)
            )
        except RnncalcError as exc:
            warnings.append(
                _("forward not followed: {reason} (the parameter table is complete)").format(
                    reason=exc.message
                )
            )
    return report(root, source, "code", warnings, shapes=reader.calls, output=output)


def _sizes(shape: Shape) -> tuple[int, ...]:
    if any(d is None for d in shape):
        raise RnncalcError(
            _("--input-shape {shape}: PyTorch's tensors have every size").format(shape=shape),
            _("give each axis a size"),
        )
    return tuple(d for d in shape if d is not None)


def _target(reader: TorchReader, tree: ast.Module, target: str | None) -> ModuleInstance | Module:
    classes = [n for n, v in reader.globals.items() if isinstance(v, ModuleClass)]
    fix = (
        _(
            'name one with --target, e.g. --target "{last}(...)" (the code defines {classes})'
        ).format(last=classes[-1], classes=", ".join(classes))
        if classes
        else _("define a class built on nn.Module, or build the model at the top level")
    )
    if target is None or not target.strip():
        if reader.models:
            return reader.models[-1]
        raise RnncalcError(_("the code's top level creates no module"), fix)
    value = evaluated(reader, target.strip(), '"Net(vocab=5000)"')
    if not isinstance(value, ModuleInstance | Module):
        raise RnncalcError(_("--target {target} is not a module").format(target=target), fix)
    return value
