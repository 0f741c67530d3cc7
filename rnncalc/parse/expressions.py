"""Layer expressions as people write them in code, parsed as Python syntax with literals only."""

from __future__ import annotations

import ast
import re
from typing import Any, NamedTuple

from rnncalc.errors import RnncalcError
from rnncalc.i18n import N_, Language, _, language
from rnncalc.limits import EXPRESSION_DEPTH, EXPRESSION_LENGTH, check_size

NESTING = N_("write one layer call with literal arguments")  # the fix for nesting too deep

# Python's reasons for refusing syntax (Python 3.10 and later), so that they can be translated
# (English shows Python's own words; a reason not here stays Python's).
SYNTAX_REASONS = tuple(
    (re.compile(pattern), template)
    for pattern, template in (
        (r"'(?P<bracket>.)' was never closed", N_("'{bracket}' was never closed")),
        (r"unmatched '(?P<bracket>.)'", N_("unmatched '{bracket}'")),
        (
            r"closing parenthesis '(?P<closing>.)' does not match opening parenthesis "
            r"'(?P<opening>.)'",
            N_("closing parenthesis '{closing}' does not match opening parenthesis '{opening}'"),
        ),
        (
            r"closing parenthesis '(?P<closing>.)' does not match opening parenthesis "
            r"'(?P<opening>.)' on line (?P<line>\d+)",
            N_(
                "closing parenthesis '{closing}' does not match opening parenthesis "
                "'{opening}' on line {line}"
            ),
        ),
        (r"invalid syntax", N_("invalid syntax")),
        (
            r"invalid syntax\. Perhaps you forgot a comma\?",
            N_("invalid syntax. Perhaps you forgot a comma?"),
        ),
        (
            r"positional argument follows keyword argument",
            N_("positional argument follows keyword argument"),
        ),
        (
            r"unterminated string literal \(detected at line (?P<line>\d+)\)",
            N_("unterminated string literal (detected at line {line})"),
        ),
        (
            r"unterminated triple-quoted string literal \(detected at line (?P<line>\d+)\)",
            N_("unterminated triple-quoted string literal (detected at line {line})"),
        ),
        (r"invalid decimal literal", N_("invalid decimal literal")),
        (
            r'expression cannot contain assignment, perhaps you meant "=="\?',
            N_('expression cannot contain assignment, perhaps you meant "=="?'),
        ),
        (
            r"leading zeros in decimal integer literals are not permitted; use an 0o prefix "
            r"for octal integers",
            N_(
                "leading zeros in decimal integer literals are not permitted; use an 0o prefix "
                "for octal integers"
            ),
        ),
        (
            r"invalid character '(?P<character>.)' \((?P<code>U\+[0-9A-F]+)\)",
            N_("invalid character '{character}' ({code})"),
        ),
        (
            r"Generator expression must be parenthesized",
            N_("Generator expression must be parenthesized"),
        ),
        (
            r"source code string cannot contain null bytes",
            N_("source code string cannot contain null bytes"),
        ),
        (r"expected ':'", N_("expected ':'")),
        (r"unexpected indent", N_("unexpected indent")),
        (
            r"unindent does not match any outer indentation level",
            N_("unindent does not match any outer indentation level"),
        ),
        (
            r"expected an indented block after '(?P<statement>\w+)' statement on line "
            r"(?P<line>\d+)",
            N_("expected an indented block after '{statement}' statement on line {line}"),
        ),
        (
            r"expected an indented block after function definition on line (?P<line>\d+)",
            N_("expected an indented block after function definition on line {line}"),
        ),
    )
)


def syntax_reason(exc: SyntaxError) -> str:
    """Why Python refused the syntax, in the language spoken (in English, Python's words).

    Example:
        >>> try:
        ...     ast.parse("LSTM(4")
        ... except SyntaxError as exc:
        ...     syntax_reason(exc)
        "'(' was never closed"
    """
    reason = str(exc.msg)
    if language() is Language.EN:
        return reason
    for pattern, template in SYNTAX_REASONS:
        found = pattern.fullmatch(reason)
        if found:
            return _(template).format(**found.groupdict())
    return reason


class LayerCall(NamedTuple):
    """`keras.layers.LSTM(32, return_sequences=True)` as data: the call's name and arguments."""

    name: str  # the class name: "LSTM"
    module: str  # what stood before it: "keras.layers", or "" for a bare name
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    # `LSTM(4)(keras.Input(shape=(10, 3)))`: the arguments of the Input the layer is called on
    input: dict[str, Any] | None = None


def parse(text: str) -> LayerCall:
    """Parse one layer call; evaluate nothing but literals.

    Nested calls in argument values (`kernel_regularizer=l2(0.01)`) become Keras's serialized
    form, `{"class_name": "l2", "config": {...}}`; positional arguments of a nested call go to
    `"args"`.

    Args:
        text: the expression, e.g. `"tf.keras.layers.LSTM(4, return_state=True)"`.

    Returns:
        The call's class name, module path and literal arguments.

    Example:
        >>> call = parse("tf.keras.layers.LSTM(32, input_shape=(10, 64))")
        >>> call.name, call.module, call.args, call.kwargs
        ('LSTM', 'tf.keras.layers', (32,), {'input_shape': (10, 64)})
    """
    text = text.strip()
    if not text:
        raise RnncalcError(
            _("the layer expression is empty"), _('write a layer call, e.g. "LSTM(32)"')
        )
    EXPRESSION_LENGTH.check(len(text), _("the layer expression"), _("write one layer call"))
    if not text.isascii() and any("\ud800" <= ch <= "\udfff" for ch in text):
        raise RnncalcError(
            _("the layer expression is not valid UTF-8 text"),
            _("type it again, or save it as UTF-8"),
        )
    EXPRESSION_DEPTH.check(_depth(text), _("the layer expression"), _(NESTING))
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        problem = (
            _("cannot read the layer expression at column {column}: {reason}")
            if exc.offset
            else _("cannot read the layer expression: {reason}")
        )
        raise RnncalcError(
            problem.format(column=exc.offset, reason=syntax_reason(exc)),
            _('write it as Python, e.g. "LSTM(32, input_shape=(10, 64))"'),
        ) from None
    except (MemoryError, RecursionError):  # Python's parser gives up on deep unary chains
        raise RnncalcError(_("the layer expression nests too deeply to read"), _(NESTING)) from None
    _check_tree(tree)
    node = tree.body
    given = None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Call):  # layer(...)(Input(...))
        given = _keras_input(node)
        node = node.func
    if not isinstance(node, ast.Call):
        raise RnncalcError(
            _("the layer expression is not a call"),
            _('write the layer with its arguments, e.g. "LSTM(32)" rather than "LSTM"'),
        )
    module, name = _dotted(node.func)
    return LayerCall(
        name=name,
        module=module,
        args=tuple(_value(a) for a in node.args),
        kwargs=_keywords(node),
        input=given,
    )


INPUT_POSITIONAL = ("shape", "batch_size")


def _keras_input(node: ast.Call) -> dict[str, Any]:
    """The arguments of `keras.Input(...)` in `LSTM(4)(keras.Input(shape=(10, 3)))`."""
    fix = _('call the layer on keras.Input, e.g. "LSTM(4)(keras.Input(shape=(10, 3)))"')
    inner = node.args[0] if len(node.args) == 1 and not node.keywords else None
    if not isinstance(inner, ast.Call) or _dotted(inner.func)[1] != "Input":
        raise RnncalcError(_("a layer in an expression can be called on keras.Input only"), fix)
    if len(inner.args) > len(INPUT_POSITIONAL):
        raise RnncalcError(_("keras.Input takes shape and batch_size by position"), fix)
    given = dict(zip(INPUT_POSITIONAL, (_value(a) for a in inner.args), strict=False))
    for name, value in _keywords(inner).items():
        if name in given:
            raise RnncalcError(
                _("keras.Input got two values for `{argument}`").format(argument=name),
                _("give it once"),
            )
        given[name] = value
    return given


def _keywords(node: ast.Call) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for kw in node.keywords:
        if kw.arg is None:
            raise RnncalcError(_("`**kwargs` cannot be read here"), _("write each argument out"))
        if kw.arg in kwargs:
            raise RnncalcError(
                _("argument `{argument}` is given twice").format(argument=kw.arg),
                _("keep one of them"),
            )
        kwargs[kw.arg] = _value(kw.value)
    return kwargs


def _dotted(node: ast.expr) -> tuple[str, str]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise RnncalcError(
            _("the layer expression must call a layer by name"),
            _('e.g. "LSTM(32)" or "keras.layers.LSTM(32)"'),
        )
    parts.append(node.id)
    parts.reverse()
    return ".".join(parts[:-1]), parts[-1]


def _value(node: ast.expr) -> Any:
    if isinstance(node, ast.Call):
        module, name = _dotted(node.func)
        config = _keywords(node)
        nested: dict[str, Any] = {"class_name": name, "config": config}
        if module:
            nested["module"] = module  # as Keras 3 serializes it: tf.compat.v1 has other defaults
        if node.args:
            nested["args"] = [_value(a) for a in node.args]
        return nested
    if isinstance(node, ast.List | ast.Tuple) and any(isinstance(e, ast.Call) for e in node.elts):
        items = [_value(e) for e in node.elts]  # a list of cells: RNN([GRUCell(8), LSTMCell(4)])
        return items if isinstance(node, ast.List) else tuple(items)
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        source = ast.unparse(node)
        raise RnncalcError(
            _("`{source}` is not a literal value").format(source=source[:60]),
            _(
                "write numbers, strings, True/False/None, tuples or lists; variables and "
                "arithmetic cannot be evaluated"
            ),
        ) from None


def _depth(text: str) -> int:
    """How deep brackets nest: checked before parsing, which recurses on them."""
    depth = deepest = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
    return deepest


def _check_tree(tree: ast.AST) -> None:
    """Refuse what brackets do not show: syntax nested deeper than a layer call needs (`not`,
    unary `-`, `lambda:`, attribute chains), and integers no tensor size can be."""
    levels = [(tree, 0)]
    what, fix = _("the layer expression"), _(NESTING)
    while levels:
        node, level = levels.pop()
        # ast.Expression -> ast.Call -> keyword -> value: four levels per call or bracket
        EXPRESSION_DEPTH.check(level // 4, what, fix)
        if isinstance(node, ast.Constant) and type(node.value) is int:
            check_size(node.value, _("a number in the layer expression"))
        levels += [(child, level + 1) for child in ast.iter_child_nodes(node)]


def parse_shape(text: str, option: str = "shape") -> tuple[int | None, ...]:
    """A shape typed on the command line: `10,64`, `(None, 10, 64)` or `32x10x64`.

    Example:
        >>> parse_shape("None,10,64")
        (None, 10, 64)
    """
    body = text.strip().strip("()[]").replace("x", ",").replace(" ", "")
    dims: list[int | None] = []
    for part in filter(None, body.split(",")):
        if part.lower() in ("none", "?"):
            dims.append(None)
        elif part.isascii() and part.isdigit() and len(part) <= 19:  # not "²", nor 10^4000
            dims.append(int(part))
        else:
            raise RnncalcError(
                _("{option} {text!r}: {part!r} is not an axis size").format(
                    option=option, text=text, part=part
                ),
                _(
                    "write whole numbers of 0 or more, or None, separated by commas: {option} 10,64"
                ).format(option=option),
            )
    if not dims:
        raise RnncalcError(
            _("{option} is empty").format(option=option),
            _("e.g. {option} 10,64").format(option=option),
        )
    return tuple(dims)
