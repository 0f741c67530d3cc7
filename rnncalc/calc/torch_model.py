"""PyTorch models as people have them: the module table of a `print(model)` tree, of the
module's code, or of a saved `state_dict`, as `named_modules()` and `parameters()` report it."""

from __future__ import annotations

from typing import Any

from rnncalc.calc.torch_infer import infer
from rnncalc.calc.torch_modules import CONTAINERS, build, known
from rnncalc.config.inputs import Shape
from rnncalc.errors import RnncalcError
from rnncalc.i18n import N_, _
from rnncalc.parse.keras_files import Loaded
from rnncalc.parse.torch_print import Printed, read_tree
from rnncalc.parse.torch_tree import Module, named_modules, named_parameters, size
from rnncalc.parse.torch_weights import read_weights
from rnncalc.report.torch import (
    TorchConstructorReport,
    TorchModelReport,
    TorchModuleReport,
    TorchParameterReport,
)

TREE = N_(
    "print(model) never shows a class's own nn.Parameter attributes, tied weights, a module "
    "held twice, or requires_grad=False: from a tree they count 0, twice, twice and trainable; "
    "give the module's code for those"
)
UNKNOWN = N_("not a torch.nn class rnncalc knows: {classes}; its own parameters count 0")
ATTENTION = N_(
    "MultiheadAttention prints only its out_proj: counted with kdim = vdim = embed_dim and "
    "without add_bias_kv"
)


def tree_summary(text: str, source: str) -> TorchModelReport:
    """The module table of the text `print(model)` writes.

    Example:
        >>> text = '''Net(
        ...   (lstm): LSTM(20, 64, num_layers=2, batch_first=True)
        ...   (fc): Linear(in_features=64, out_features=5, bias=True)
        ... )'''
        >>> report = tree_summary(text, "-")
        >>> [(m.name, m.params, m.own_params) for m in report.modules]
        [('', 55621, 0), ('lstm', 55296, 55296), ('fc', 325, 325)]
        >>> report.warnings[0][:56]
        "print(model) never shows a class's own nn.Parameter attr"
    """
    unknown: list[str] = []
    root = from_printed(read_tree(text), unknown)
    warnings = [_(TREE)]
    if any(m.class_name == "MultiheadAttention" for _name, m in named_modules(root)):
        warnings.append(_(ATTENTION))
    classes = [c for c in dict.fromkeys(unknown) if c != root.class_name]
    if classes:
        warnings.append(_(UNKNOWN).format(classes=", ".join(classes)))
    return report(root, source, "tree", warnings, parameters=False)


def from_printed(printed: Printed, unknown: list[str]) -> Module:
    """The module a printed line (and its children) shows. A class rnncalc knows is built
    from the arguments its line shows; another (the user's own) is a container whose own
    parameters are unknown, and its name goes into `unknown`."""
    children = {k: from_printed(c, unknown) for k, c in printed.children.items()}
    cls = printed.class_name
    if cls == "MultiheadAttention" and "out_proj" in children:  # prints only its out_proj
        out = children["out_proj"].arguments or {}
        made = build(cls, [out.get("in_features", 1), 1], {"bias": out.get("bias", True)})
    elif cls in CONTAINERS or (known(cls) and children):
        made = Module(cls)  # its parameters are its children's (TransformerEncoderLayer)
    elif known(cls):
        if printed.args is None:
            raise RnncalcError(
                _("line {line}: cannot read {module}'s arguments").format(
                    line=printed.line, module=cls
                ),
                _("give what print(model) wrote"),
            )
        try:
            made = build(cls, printed.args, printed.kwargs)
        except RnncalcError as exc:
            raise RnncalcError(
                _("line {line}: {module}: {reason}").format(
                    line=printed.line, module=cls, reason=exc.message
                ),
                exc.hint,
            ) from None
    else:
        unknown.append(cls)
        made = Module(cls, own_known=False)
    made.children = children
    return made


def report(
    root: Module,
    source: str,
    kind: str,
    warnings: list[str],
    *,
    parameters: bool = True,
    shapes: dict[int, tuple[list[Any], Any]] | None = None,
    output: Any = None,
    constructors: list[TorchConstructorReport] | None = None,
) -> TorchModelReport:
    """The report of a module tree: each module once, as `named_modules()` lists them."""
    modules = []
    for name, module in named_modules(root):
        found = list(named_parameters(module))
        own = list(named_parameters(module, recurse=False))
        called = (shapes or {}).get(id(module))
        modules.append(
            TorchModuleReport(
                name=name,
                class_name=module.class_name,
                params=sum(size(p.shape) for _name, p in found),
                own_params=sum(size(p.shape) for _name, p in own),
                trainable_params=sum(size(p.shape) for _name, p in found if p.trainable),
                input_shapes=called[0] if called else None,
                output_shapes=called[1] if called else None,
            )
        )
    every = list(named_parameters(root))
    names: dict[int, list[str]] = {}
    for prefix, module in named_modules(root):
        for key, parameter in module.parameters.items():
            names.setdefault(id(parameter), []).append(f"{prefix}.{key}" if prefix else key)
    for tied in (n for n in names.values() if len(n) > 1):  # decoder.weight = encoder.weight
        warnings = [
            *warnings,
            _(
                "{names} are one tensor: total_params counts it once, as model.parameters() "
                "does; each module's params count it, as named_modules() does"
            ).format(names=_(" and ").join(tied)),
        ]
    return TorchModelReport(
        source=source,
        format=kind,
        model_class=root.class_name,
        modules=modules,
        parameters=[
            TorchParameterReport(name=n, shape=p.shape, trainable=p.trainable) for n, p in every
        ]
        if parameters
        else [],
        total_params=sum(size(p.shape) for _name, p in every),
        trainable_params=sum(size(p.shape) for _name, p in every if p.trainable),
        output_shapes=output,
        constructors=constructors or [],
        warnings=warnings,
    )


STATE_DICT = N_(
    "a state_dict keeps no classes, no requires_grad and no forward: the classes are inferred "
    "from its names and shapes, every tensor counts as trainable, and BatchNorm's running "
    "statistics (buffers) are left out; a buffer of the user's counts as a parameter"
)


def weights_summary(path: str) -> TorchModelReport:
    """The module table of a saved state_dict (`.pt`, `.pth`, `.safetensors`), each module's
    class inferred from its tensors.

    Raises:
        RnncalcError: for a file that is not one; a hostile pickle is refused before it runs.
    """
    tensors, kind = read_weights(path)
    root, found = infer(tensors)
    root.class_name = "state_dict"
    warnings = [_(STATE_DICT)]
    for f in found:
        if f.alternatives:
            warnings.append(
                _("{module}: {expression}, or {alternatives}: the same parameters").format(
                    module=f.name, expression=f.expression, alternatives=f.alternatives
                )
            )
    if kind == "safetensors":
        warnings.append(_("safetensors keeps its tensors by name: the modules are in that order"))
    unknown = [n for n, m in named_modules(root) if m.class_name == "?" and m.parameters]
    if unknown:
        warnings.append(
            _("no torch.nn class makes the parameters of {modules}").format(
                modules=", ".join(unknown)
            )
        )
    constructors = [TorchConstructorReport(**f._asdict()) for f in found]
    return report(root, path, kind, warnings, constructors=constructors)


def summary(
    loaded: Loaded,
    source: str,
    input_shapes: list[Shape] | None,
    variables: dict[str, Any] | None,
    target: str | None,
) -> TorchModelReport:
    """The module table of a PyTorch model, by what the file holds (`model_summary` reads it).

    Raises:
        RnncalcError: where the file is not a PyTorch model, or PyTorch would refuse it.
    """
    if loaded.kind == "tree":
        found = tree_summary(loaded.code, source)
        if input_shapes:
            note = _("print(model) has no forward: --input-shape gives no shapes for a tree")
            found = found.model_copy(update={"warnings": [*found.warnings, note]})
        return found
    if loaded.kind in ("pt", "safetensors"):
        return weights_summary(source)
    if loaded.kind == "code":
        from rnncalc.calc.torch_code import code_summary

        return code_summary(loaded.code, source, input_shapes, variables, target)
    raise RnncalcError(
        _("{source}: a Keras model ({kind}), not a PyTorch one").format(
            source=source, kind=loaded.kind
        ),
        _("drop --framework torch, or give the module's code, print(model) or its state_dict"),
    )
