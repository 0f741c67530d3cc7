"""Keras models from the code that builds them, read with `ast` and never run.

`read_code` interprets the file (`parse.python`, with Keras's classes from `parse.keras_code`)
and returns the model it builds as Keras would serialize it, which `rnncalc model` walks as it
walks any saved model. This module also reads the values given for the names the code uses but
never defines: `--set NAME=VALUE` and `--vars JSON`.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any, NamedTuple

from rnncalc.config.enums import KerasVersion
from rnncalc.errors import RnncalcError
from rnncalc.i18n import _
from rnncalc.limits import CODE_BYTES, check_size
from rnncalc.parse.arrays import Array
from rnncalc.parse.expressions import syntax_reason
from rnncalc.parse.keras_code import KerasReader, Shapes, _what
from rnncalc.parse.keras_objects import Functional, Sequential
from rnncalc.parse.python import FLOW, CodeError, Free, Interpreter, Items, Namespace


class CodeModel(NamedTuple):
    """A model read from code: its config as Keras would serialize it, and what was skipped."""

    config: dict[str, Any]
    built: bool  # False: a Sequential model that never got an input shape
    skipped: list[str]  # "line 13: model.compile(optimizer='adam')"
    warnings: list[str]


def read_code(
    code: str,
    keras: KerasVersion,
    shapes: Shapes,
    variables: dict[str, Any] | None = None,
    target: str | None = None,
) -> CodeModel:
    """The model a file's code builds, read without running it.

    Args:
        code: the Python source.
        keras: whose rules: names, defaults, what is refused.
        shapes: the calculator's output shapes of one layer call.
        variables: values of the names the code uses but never defines (see `variable`).
        target: which model: None for the last one the top level creates, `@N` for the N-th,
            or an expression (`build_model((60, 1))`) evaluated after the file.

    Raises:
        RnncalcError: with the line of the failing statement.
    """
    reader = KerasReader(keras, {k: variable(v) for k, v in (variables or {}).items()}, shapes)
    tree = interpret(reader, code, _("give Python code that builds a Keras model"))
    model = _target(reader, tree, target)
    built = not (isinstance(model, Sequential) and model.outputs is None)
    return CodeModel(model.entry(), built, reader.skipped, reader.warnings)


def interpret(reader: Interpreter, code: str, fix: str) -> ast.Module:
    """Run a file's top level through a reader (bounded, never executed); its syntax tree.

    Raises:
        RnncalcError: for code too large or not Python (`fix` says what to give instead),
            and with the line of the failing statement.
    """
    CODE_BYTES.check(len(code.encode("utf-8", "surrogatepass")), _("the code"), _("give one file"))
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        raise RnncalcError(
            _("line {line}: cannot read the code: {reason}").format(
                line=exc.lineno, reason=syntax_reason(exc)
            ),
            fix,
        ) from None
    except (MemoryError, RecursionError, ValueError):
        raise RnncalcError(
            _("the code nests too deeply to read"), _("write it with less nesting")
        ) from None
    try:
        reader.run(tree.body, reader.globals)
    except CodeError:
        raise
    except FLOW:
        raise RnncalcError(
            _("`return`, `break` or `continue` outside a function or a loop"), _("remove it")
        ) from None
    return tree


def _target(reader: KerasReader, tree: ast.Module, target: str | None) -> Sequential | Functional:
    functions = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    fix = (
        _(
            'name one with --target, e.g. --target "{function}(...)" (the code defines {functions})'
        ).format(function=functions[0], functions=", ".join(functions))
        if functions
        else _("build the model at the top level: model = Sequential([...])")
    )
    models = list(reader.models)
    if target is None or target.strip() == "":
        if not models:
            raise RnncalcError(_("the code's top level creates no model"), fix)
        return models[-1]
    target = target.strip()
    if target.startswith("@"):
        number = target[1:]
        if not (number.isdigit() and 1 <= int(number) <= len(models)):
            raise RnncalcError(
                _("--target {target}: the top level creates {count} model(s)").format(
                    target=target, count=len(models)
                ),
                _("give @1 to @{count}").format(count=len(models)) if models else fix,
            )
        return models[int(number) - 1]
    value = evaluated(reader, target, "model")
    if not isinstance(value, Sequential | Functional):
        raise RnncalcError(
            _("--target {target} gives {what}, not a model").format(
                target=target, what=_what(value)
            ),
            fix,
        )
    return value


def evaluated(reader: Interpreter, target: str, example: str) -> Any:
    """The value of `--target`'s expression, evaluated after the file ran."""
    try:
        node = ast.parse(target, mode="eval").body
    except SyntaxError as exc:
        raise RnncalcError(
            _("--target {target!r} is not a Python expression ({reason})").format(
                target=target, reason=syntax_reason(exc)
            ),
            _(
                'give a name or a call, e.g. --target {example} or --target "build_model((60, 1))"'
            ).format(example=example),
        ) from None
    reader.line = 0
    try:
        return reader.expr(node, reader.globals)
    except CodeError:
        raise
    except Free as free:
        raise RnncalcError(
            _("--target {target}: {message}").format(target=target, message=free.message),
            free.hint,
        ) from None
    except RnncalcError as exc:
        raise RnncalcError(
            _("--target {target}: {message}").format(target=target, message=exc.message),
            exc.hint,
        ) from None


def variable(value: Any) -> Any:
    """A value given for a free name, from JSON: `{"shape": [...]}` is an array, `{"len": n}` a
    collection of n items, any other object a namespace (attributes and subscripts); the
    snippets' manifest forms (`{"__array__": [...]}`, `__tuple__`, `__list_len__`,
    `__dict_len__`, `__object__`) are read too.

    Example:
        >>> variable({"shape": [1000, 60, 1]})
        Array(shape=(1000, 60, 1))
    """
    if isinstance(value, list):
        return [variable(v) for v in value]
    if isinstance(value, tuple):
        return tuple(variable(v) for v in value)
    if not isinstance(value, dict):
        if type(value) is int:
            check_size(value, _("a value given"))
        return value
    if len(value) == 1:
        ((key, inner),) = value.items()
        if key in ("shape", "__array__") and _is_shape(inner):
            return Array(tuple(inner))
        if key in ("len", "__list_len__", "__dict_len__") and type(inner) is int and inner >= 0:
            check_size(inner, _("a length given"))
            return Items(inner)
        if key == "__tuple__" and isinstance(inner, list):
            return tuple(variable(v) for v in inner)
        if key == "__object__" and isinstance(inner, dict):
            return Namespace({k: variable(v) for k, v in inner.items()})
    return Namespace({k: variable(v) for k, v in value.items()})


def _is_shape(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(
        v is None or (type(v) is int and 0 <= v <= 2**63 - 1) for v in value
    )


def parse_set(text: str) -> tuple[str, Any]:
    """`--set NAME=VALUE`: VALUE a Python literal; `--set X.shape=1000,10,64` an array.

    Example:
        >>> parse_set("X_train.shape=1000,10,64")
        ('X_train', {'shape': [1000, 10, 64]})
        >>> parse_set("units=64")
        ('units', 64)
    """
    name, sep, raw = text.partition("=")
    name = name.strip()
    path = name.split(".")
    if not sep or not all(p.isidentifier() for p in path):
        raise RnncalcError(
            _("--set {text!r}: expected NAME=VALUE").format(text=text),
            _("e.g. --set units=64 or --set X.shape=100,10,3"),
        )
    if path[-1] == "shape" and len(path) > 1:
        dims = [d.strip() for d in raw.strip().strip("()[]").split(",") if d.strip()]
        try:
            shape = [None if d == "None" else int(d) for d in dims]
        except ValueError:
            raise RnncalcError(
                _("--set {text!r}: a shape is whole numbers separated by commas").format(text=text),
                _("e.g. --set {name}=1000,10,64").format(name=name),
            ) from None
        value: Any = {"shape": shape}
        path = path[:-1]
    else:
        try:
            value = ast.literal_eval(raw.strip())
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            raise RnncalcError(
                _("--set {text!r}: {value!r} is not a Python literal").format(
                    text=text, value=raw.strip()[:40]
                ),
                _("write a number, a tuple, or text in quotes: --set {name}='{value}'").format(
                    name=name, value=raw.strip()[:20]
                ),
            ) from None
        if isinstance(value, tuple):
            value = list(value)
    for key in reversed(path[1:]):
        value = {key: value}
    return path[0], value


def given_variables(sets: list[str], text: str | None) -> dict[str, Any]:
    """The free names given on the command line: `--vars` (JSON text, or a `.json` file's
    path) first, then each `--set NAME=VALUE`, which wins.

    Example:
        >>> given = ["config.max_len=11", "X.shape=100,10,3"]
        >>> given_variables(given, '{"config": {"buckets": 20}}')
        {'config': {'buckets': 20, 'max_len': 11}, 'X': {'shape': [100, 10, 3]}}
    """
    found: dict[str, Any] = {}
    if text is not None:
        found = _vars_json(text)
    for item in sets:
        name, value = parse_set(item)
        merge_variables(found, name, value)
    return found


def _vars_json(text: str) -> dict[str, Any]:
    source = "--vars"
    if not text.lstrip().startswith("{"):
        path = Path(text)
        if not path.is_file():
            raise RnncalcError(
                _("--vars {text!r} is neither a JSON object nor a file").format(text=text[:60]),
                _("give JSON text, e.g. --vars '{\"max_len\": 100}', or a .json file"),
            )
        if path.stat().st_size > CODE_BYTES.value:
            raise RnncalcError(
                _("--vars {text}: the file is too large").format(text=text),
                _("give a small JSON file"),
            )
        source = f"--vars {text}"
        text = path.read_text(encoding="utf-8", errors="replace")
    try:
        found = json.loads(text)
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        raise RnncalcError(
            _("{source}: not valid JSON ({reason})").format(source=source, reason=exc)[:200],
            _("give a JSON object"),
        ) from None
    if not isinstance(found, dict):
        raise RnncalcError(
            _("{source}: the JSON is not an object").format(source=source),
            _('e.g. {"max_len": 100}'),
        )
    return found


def merge_variables(found: dict[str, Any], name: str, value: Any) -> None:
    """Add one `--set` to the variables: `a.b=1` and `a.c=2` make one object."""
    old = found.get(name)
    if isinstance(old, dict) and isinstance(value, dict) and "shape" not in value:
        for key, inner in value.items():
            merge_variables(old, key, inner)
    else:
        found[name] = value
