"""The module tree that `print(model)` writes, read back: `(name): Class(args)` lines nested by
indentation, with `ModuleList`'s `(0-2): 3 x Class(...)` runs."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

from rnncalc.errors import RnncalcError
from rnncalc.i18n import N_, _
from rnncalc.limits import CODE_DEPTH, CODE_ITEMS


@dataclass
class Printed:
    """One module as print(model) shows it: its class, the arguments its line shows (None
    where the line shows none that read as arguments), its children, its extra_repr lines."""

    class_name: str
    args: list[Any] | None
    kwargs: dict[str, Any]
    children: dict[str, Printed] = field(default_factory=dict)
    extra: list[str] = field(default_factory=list)
    line: int = 0


_HEAD = re.compile(
    r"(?:\((?P<name>[\w.-]+)\): (?:(?P<count>\d+) x )?)?(?P<cls>[A-Za-z_]\w*)\((?P<rest>.*)$"
)
_FIX = N_("give the text print(model) writes, e.g. Net(\\n  (lstm): LSTM(10, 20)\\n)")


def looks_like_tree(text: str) -> bool:
    """Whether text is a `print(model)` tree: `Class(` then `  (name): ...` lines.

    Example:
        >>> looks_like_tree("Net(\\n  (fc): Linear(in_features=4, out_features=2, bias=True)\\n)")
        True
    """
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if not lines or not re.fullmatch(r"[A-Za-z_]\w*\(.*", lines[0]):
        return False
    return len(lines) == 1 or bool(re.match(r"\s+\([\w.-]+\): ", lines[1]))


def read_tree(text: str) -> Printed:
    """The root module of a `print(model)` text.

    Raises:
        RnncalcError: naming the line that is not part of such a tree.
    """
    lines = [line.rstrip() for line in text.strip("\n").splitlines() if line.strip()]
    CODE_ITEMS.check(len(lines), _("the lines of the module tree"), _("give one model's tree"))
    reader = _Reader(lines)
    root = reader.module(0, 0)
    if reader.at < len(lines):
        raise _error(reader.at, lines[reader.at], _("text after the model's closing `)`"))
    return root


class _Reader:
    def __init__(self, lines: list[str]) -> None:
        self.lines, self.at = lines, 0

    def module(self, indent: int, depth: int) -> Printed:
        """The module whose head is the current line (after its `(name): `)."""
        CODE_DEPTH.check(depth, _("the module tree's nesting"), _("give a shallower tree"))
        number, line = self.at, self.lines[self.at]
        head = _HEAD.match(line.strip())
        if head is None:
            raise _error(number, line, _("not a `(name): Class(...)` line"))
        cls, rest = head["cls"], head["rest"]
        self.at += 1
        if rest.endswith(")") and _balanced(rest[:-1]):  # all on one line: Class(args)
            return Printed(cls, *_arguments(rest[:-1]), line=number + 1)
        if rest:
            raise _error(number, line, _("a line that opens a module ends with `(`"))
        made = Printed(cls, [], {}, line=number + 1)
        children, extra = made.children, made.extra
        while self.at < len(self.lines):
            current = self.lines[self.at]
            width = len(current) - len(current.lstrip())
            if current.strip() == ")" and width == indent:
                self.at += 1
                return made
            if width != indent + 2:
                raise _error(
                    self.at,
                    current,
                    _("indented {found}, expected {expected}").format(
                        found=width, expected=indent + 2
                    ),
                )
            child = _HEAD.match(current.strip())
            if child is None or child["name"] is None:
                if children:  # torch writes a module's own extra_repr() lines first
                    raise _error(self.at, current, _("not a `(name): Class(...)` line"))
                extra.append(current.strip())
                self.at += 1
                continue
            name, count = child["name"], child["count"]
            child_module = self.module(indent + 2, depth + 1)
            if count is None:
                children[name] = child_module
                continue
            first, _sep, last = name.partition("-")  # ModuleList's run of identical modules
            if not (
                first.isdigit() and last.isdigit() and int(last) - int(first) + 1 == int(count)
            ):
                raise _error(
                    number,
                    current,
                    _("a run ({name}) that is not {count} long").format(name=name, count=count),
                )
            CODE_ITEMS.check(int(count), _("a run of modules"), _("give fewer"))
            children[first] = child_module
            for key in range(int(first) + 1, int(last) + 1):
                children[str(key)] = child_module
        raise _error(number, line, _("a module whose `(` never closes"))


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _arguments(text: str) -> tuple[list[Any] | None, dict[str, Any]]:
    """A module line's arguments as values: `10, 20, nonlinearity=relu` (extra_repr writes some
    strings without quotes); None where the line is not an argument list (a class's own
    extra_repr)."""
    try:
        call = ast.parse(f"f({text})", mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None, {}
    if not isinstance(call, ast.Call):
        return None, {}
    names = [k.arg for k in call.keywords]
    if None in names or len(set(names)) < len(names):  # **kwargs, or a name twice
        return None, {}
    try:
        args = [_value(a) for a in call.args]
        return args, {k.arg: _value(k.value) for k in call.keywords if k.arg is not None}
    except ValueError:
        return None, {}


def _value(node: ast.expr) -> Any:
    if isinstance(node, ast.Name):
        return {"True": True, "False": False, "None": None}.get(node.id, node.id)
    if isinstance(node, ast.Tuple | ast.List):
        return tuple(_value(e) for e in node.elts)
    return ast.literal_eval(node)


def _error(number: int, line: str, what: str) -> RnncalcError:
    return RnncalcError(
        _("line {number} of the module tree: {what}: {line!r}").format(
            number=number + 1, what=what, line=line.strip()[:80]
        ),
        _(_FIX),
    )
