"""Python read, never run: a bounded interpreter of the subset of Python that model code uses.

Every statement and expression is interpreted here from its `ast` node. There is no `eval`,
`exec`, `compile` or import. Literals, arithmetic, containers, f-strings, `if`, `for` and
`while`, comprehensions and the file's own functions are evaluated. Steps, call depth, the
items of what the code builds (counted with every repeat of a shared value, before `str()`,
`==` or a hash walks it), string results and numbers are bounded (`rnncalc.limits`); format
fields that would read an attribute of a Python object are refused. A call of anything else, such as
`os.system`, `open`, `np.load` or `model.fit`, is skipped and listed, and its result is
`Unknown`: an error names where it came from if the model needs it. What the names of a
library do when called is a subclass's business (`parse.keras_code`).
"""

from __future__ import annotations

import ast
import builtins
import operator
import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from rnncalc.errors import RnncalcError
from rnncalc.i18n import N_, _
from rnncalc.limits import CODE_DEPTH, CODE_ITEMS, CODE_STEPS, SIZE, check_size
from rnncalc.parse.arrays import FUNCTIONS, Array, index, numpy_function

Scope = dict[str, Any]

OPERATORS: dict[type[ast.AST], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
COMPARISONS: dict[type[ast.AST], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
UNARY: dict[type[ast.AST], Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Invert: operator.invert,
}
BUILTINS: dict[str, Callable[..., Any]] = {
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "abs": abs,
    "round": round,
    "min": min,
    "max": max,
    "sum": sum,
    "dict": dict,
    "sorted": sorted,
    "enumerate": lambda *a: list(enumerate(*a)),
    "zip": lambda *a: list(zip(*a)),  # noqa: B905 (Python's own zip, as the code asked)
    "reversed": lambda a: list(reversed(a)),
}
# Builtins that take one iterable: its items are listed (and bounded) first.
OVER_ITEMS = frozenset({"list", "tuple", "set", "sorted", "reversed", "sum", "min", "max"})
COMPUTED = frozenset({*BUILTINS, *OVER_ITEMS, "len", "range", "isinstance"})
# Every other builtin (print, open, eval, exec, __import__, getattr, input) is skipped.
PYTHON_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))
PYTHON_BUILTINS |= {"__import__", "__build_class__"}
STRING_METHODS = frozenset(
    "format join upper lower replace strip split startswith endswith".split()
)
BITS = 10_000  # the largest integer computed, in bits: far above any size, far below slow


@dataclass(frozen=True)
class Items:
    """A free name given as a collection of n items: only `len()` is known."""

    size: int


@dataclass
class Namespace:
    """A free name given as an object: attributes and subscripts both answer."""

    values: dict[str, Any]


@dataclass
class Unknown:
    """A value rnncalc does not compute: what a skipped call returned, or a name of a module
    it does not model. Using it where the model needs a value is an error naming its origin
    (in the language spoken when it was made)."""

    origin: str
    made: str = ""  # "class": a class built on a library's; "instance": an instance of one


@dataclass
class Module:
    """A module the code imported, or a dotted name in it: `numpy`, `os.path`."""

    path: str


@dataclass
class Builtin:
    name: str


@dataclass
class Function:
    """A function the file defines, with the scope it was defined in."""

    node: ast.FunctionDef | ast.AsyncFunctionDef
    scope: Scope


@dataclass
class Method:
    owner: Any
    name: str


@dataclass(eq=False)
class PyClass:
    """A plain class the file defines (no library base class): its methods and attributes."""

    name: str
    bases: list[PyClass]
    members: dict[str, Any]

    def lookup(self, name: str) -> Any:
        for cls in [self, *self.bases]:
            found = cls.members.get(name, _MISSING) if cls is self else cls.lookup(name)
            if found is not _MISSING:
                return found
        return _MISSING


@dataclass(eq=False)
class Instance:
    cls: PyClass
    attributes: dict[str, Any]


@dataclass
class Bound:
    """A method of an instance (or of its class, for a classmethod), with what it binds."""

    function: Function
    owner: Any


@dataclass
class Super:
    """What `super()` gives in a method: where to look next, and the instance to bind."""

    classes: list[PyClass]
    owner: Any


_MISSING = object()


class Free(RnncalcError):
    """A name the code uses but never defines, and that no `--set` or `--vars` gives."""

    def __init__(self, name: str, example: str = "") -> None:
        super().__init__(
            _("`{name}` is used but never defined in the code").format(name=name),
            _("give it: --set {example} (or in --vars)").format(example=example or name + "=VALUE"),
        )
        self.name = name


class CodeError(RnncalcError):
    """An error on a line of the code: the innermost call or statement where it happened."""

    def __init__(self, message: str, hint: str, line: int) -> None:
        super().__init__(_("line {line}: {message}").format(line=line, message=message), hint)
        self.line = line


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


FLOW = (_Return, _Break, _Continue, CodeError)
PYTHON_ERRORS = (
    ValueError,
    TypeError,
    ZeroDivisionError,
    OverflowError,
    IndexError,
    KeyError,
    AttributeError,
)
CONVERSIONS: dict[int, Callable[[Any], str]] = {115: str, 114: repr, 97: ascii}  # !s !r !a
PYTHON_FIX = N_("fix the line; if Python runs it, report it as a bug in rnncalc")


class Interpreter:
    """One reading of a file's code, statement by statement, as Python would run it.

    Subclasses give meaning to the names of a library through the hooks: `module_attribute`,
    `imported` and `star_name` (names), `library_class` (classes built on the library's),
    `other_attribute`, `other_subscript`, `set_attribute`, `set_item`
    and `truthy` (their values), `skipped_call`, `call_other` and `other_method` (calls), and
    `operand` (what arithmetic refuses).
    """

    def __init__(self, variables: dict[str, Any]) -> None:
        self.variables = variables
        self.steps = 0
        self.depth = 0
        self.line = 0
        self.skipped: list[str] = []
        self.star: list[str] = []  # modules imported with `*`
        self.globals: Scope = {}
        self.within: list[Bound] = []  # the methods being run, innermost last

    # -- hooks

    def module_attribute(self, path: str) -> Any:
        """What a dotted name in an imported module is."""
        if path == "collections.OrderedDict":  # a dict, as far as building a model goes
            return Builtin("dict")
        return Module(path)

    def other_attribute(self, owner: Any, name: str) -> Any:
        return Unknown(f"`.{name}`")

    def star_name(self, path: str, name: str) -> Any:
        """A name found through `from path import *`, or None."""
        return None

    def skipped_call(self, function: Any) -> bool:
        """Whether a call is skipped, its arguments never evaluated."""
        if isinstance(function, Module):  # np.reshape and the like give shapes
            return numpy_function(function.path) is None
        if function == Builtin("super") and self.within:
            return False
        return isinstance(function, Unknown) or (
            isinstance(function, Builtin) and function.name not in COMPUTED
        )

    def call_other(self, function: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        raise RnncalcError(
            _("{kind} is not something rnncalc can call").format(kind=_kind(function)),
            _("call a layer, a model or a function of the file"),
        )

    def set_attribute(self, owner: Any, name: str, value: Any) -> None:
        if isinstance(owner, Namespace):
            owner.values[name] = value
        elif isinstance(owner, Instance):
            owner.attributes[name] = value
            _bounded(len(owner.attributes), N_("an object's attributes"), N_("use fewer"))

    def set_item(self, owner: Any, key: Any, value: Any) -> None:
        """`owner[key] = value` on a value that is not a list or dict: nothing rnncalc follows."""

    def other_method(self, owner: Any, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return NotImplemented

    def truthy(self, value: Any) -> bool:
        return bool(value)

    def length(self, value: Any) -> int | None:
        """`len()` of a library's value, or None where it is unknown."""
        return None

    # -- statements

    def run(self, body: list[ast.stmt], scope: Scope) -> None:
        for node in body:
            self.statement(node, scope)

    def tick(self, node: ast.AST) -> None:
        self.steps += 1
        if self.steps > CODE_STEPS.value:
            raise CodeError(
                _(
                    "the code takes more than {steps:,} steps to build the model (a loop without "
                    "end?)"
                ).format(steps=CODE_STEPS.value),
                _("give the code that builds the model, with bounded loops"),
                getattr(node, "lineno", self.line),
            )

    def weigh(self, *values: Any) -> None:
        """Charge a walk over values (what str(), ==, hash() and a layer's config do to them)
        to the step bound, and refuse one that visits more than CODE_ITEMS: shared lists
        (`a = [a, a]`) double what a walk visits at every step."""
        for value in values:
            seen = expanded(value, CODE_ITEMS.value)
            self.steps += seen
            _bounded(seen, N_("a value in the code (counted with every repeat)"), N_("use less"))
        if self.steps > CODE_STEPS.value:
            self.tick(ast.Pass(lineno=self.line))

    def statement(self, node: ast.stmt, scope: Scope) -> None:
        self.tick(node)
        self.line = node.lineno
        try:
            self._statement(node, scope)
        except FLOW:
            raise
        except RnncalcError as exc:
            raise CodeError(exc.message, exc.hint, node.lineno) from None
        except RecursionError:
            raise CodeError(
                _("the code nests too deeply to read"),
                _("write it with less nesting"),
                node.lineno,
            ) from None
        except PYTHON_ERRORS as exc:  # what Python itself would raise on this line
            raise CodeError(
                f"{type(exc).__name__}: {exc}"[:300], _(PYTHON_FIX), node.lineno
            ) from None

    def _statement(self, node: ast.stmt, scope: Scope) -> None:
        if isinstance(node, ast.Expr):
            self.expr(node.value, scope)
        elif isinstance(node, ast.Assign):
            value = self.expr(node.value, scope)
            for target in node.targets:
                self.assign(target, value, scope)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.assign(node.target, self.expr(node.value, scope), scope)
        elif isinstance(node, ast.AugAssign):
            current = self.expr(_loaded(node.target), scope)
            value = self.expr(node.value, scope)
            if isinstance(current, list) and isinstance(node.op, ast.Add):  # in place, as Python
                current.extend(self.iterate(value, node.value))
                _bounded(len(current), N_("a list in the code"), N_("use fewer items"))
            else:
                self.assign(node.target, self.binary(node.op, current, value), scope)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    scope[alias.asname] = self.module_attribute(alias.name)
                else:
                    top = alias.name.split(".")[0]
                    scope[top] = self.module_attribute(top)
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    self.star.append(node.module or "")
                else:
                    value = self.imported(node.module or "", alias.name)
                    scope[alias.asname or alias.name] = value
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            scope[node.name] = Function(node, scope)
        elif isinstance(node, ast.ClassDef):
            scope[node.name] = self.define_class(node, scope)
        elif isinstance(node, ast.If):
            self.run(node.body if self.truth(node.test, scope) else node.orelse, scope)
        elif isinstance(node, ast.For | ast.AsyncFor):
            self.loop(node, self.iterate(self.expr(node.iter, scope), node.iter), scope)
        elif isinstance(node, ast.While):
            self.loop(node, None, scope)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:  # `with tf.device(...)`, `strategy.scope()`: the body runs
                self.skip(item.context_expr)
            self.run(node.body, scope)
        elif isinstance(node, ast.Try):
            self.run(node.body, scope)
            self.run(node.orelse, scope)
            self.run(node.finalbody, scope)
        elif isinstance(node, ast.Return):
            raise _Return(None if node.value is None else self.expr(node.value, scope))
        elif isinstance(node, ast.Break):
            raise _Break
        elif isinstance(node, ast.Continue):
            raise _Continue
        elif isinstance(node, ast.Raise):
            raise RnncalcError(
                _("the code raises an exception: {statement}").format(
                    statement=ast.unparse(node)[:80]
                ),
                _("give values for which the code builds the model"),
            )
        elif not isinstance(node, ast.Pass | ast.Assert | ast.Global | ast.Nonlocal | ast.Delete):
            self.skip(node)

    def define_class(self, node: ast.ClassDef, scope: Scope) -> Any:
        """A plain class, whose methods rnncalc can follow; a class built on a library's (a
        custom Keras layer or model) stays unknown: its code is what the library runs."""
        bases = [self.expr(base, scope) for base in node.bases]
        kind = self.library_class(bases)
        if node.keywords or (
            kind is None
            and not all(isinstance(b, PyClass) or b == Builtin("object") for b in bases)
        ):
            origin = _("the class {name} (line {line})").format(name=node.name, line=node.lineno)
            return Unknown(origin, made="class")
        members: dict[str, Any] = {}
        for item in node.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                members[item.name] = Function(item, scope)  # methods see the module, not the class
            elif isinstance(item, ast.Assign | ast.AnnAssign):
                value = item.value
                targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                found = None if value is None else self.expr(value, scope)
                for target in targets:
                    if isinstance(target, ast.Name):
                        members[target.id] = found
        return (kind or PyClass)(node.name, [b for b in bases if isinstance(b, PyClass)], members)

    def library_class(self, bases: list[Any]) -> type[PyClass] | None:
        """The kind of class built on a library's base class whose methods rnncalc follows
        (PyTorch's `nn.Module`), or None: such a class stays unknown."""
        return None

    def imported(self, path: str, name: str) -> Any:
        return self.module_attribute(f"{path}.{name}" if path else name)

    def skip(self, node: ast.AST) -> None:
        text = f"{_text(node.func, 60)}(...)" if isinstance(node, ast.Call) else type(node).__name__
        line = getattr(node, "lineno", self.line)
        found = _("line {line}: {statement}").format(line=line, statement=text)
        if self.skipped and found.startswith(self.skipped[-1].removesuffix("(...)")):  # f(x).g()
            self.skipped[-1] = found
        else:
            self.skipped.append(found)

    def loop(
        self, node: ast.For | ast.AsyncFor | ast.While, items: list[Any] | None, scope: Scope
    ) -> None:
        """A `for` over its items, or a `while` (items None), within the step bound."""
        index = 0
        while True:
            if items is None:
                if not self.truth(node.test, scope):  # type: ignore[union-attr]
                    break
            else:
                if index == len(items):
                    break
                self.assign(node.target, items[index], scope)  # type: ignore[union-attr]
                index += 1
            self.tick(node)
            try:
                self.run(node.body, scope)
            except _Break:
                return
            except _Continue:
                continue
        self.run(node.orelse, scope)

    def iterate(self, value: Any, node: ast.AST) -> list[Any]:
        """The items of an iterable value, bounded."""
        if isinstance(value, Array) and value.shape:
            size = value.shape[0]
            if not isinstance(size, int):
                raise RnncalcError(
                    _("`{value}` has no known length").format(value=_text(node)),
                    _("give its shape"),
                )
            CODE_ITEMS.check(size, f"`{_text(node)}`", _("loop over fewer items"))
            return [Array(value.shape[1:])] * size
        if isinstance(value, range):
            CODE_ITEMS.check(len(value), f"`{_text(node)}`", _("loop over fewer items"))
        if isinstance(value, range | list | tuple | str | dict | set):
            return list(value)
        if isinstance(value, Unknown):
            raise self.unknown(value, node)
        raise RnncalcError(
            _("cannot loop over `{value}` ({kind})").format(value=_text(node), kind=_kind(value)),
            _("loop over range(), a list or a tuple"),
        )

    def assign(self, target: ast.expr, value: Any, scope: Scope) -> None:
        if isinstance(target, ast.Name):
            scope[target.id] = value
        elif isinstance(target, ast.Tuple | ast.List):
            items = (
                [value] * len(target.elts)
                if isinstance(value, Unknown)
                else self.iterate(value, target)
            )
            if len(items) != len(target.elts):
                raise RnncalcError(
                    _("cannot unpack {values} values into {names} names").format(
                        values=len(items), names=len(target.elts)
                    ),
                    _(
                        "unpack as many names as there are values (a layer with "
                        "return_state=True returns the output, then each state)"
                    ),
                )
            for elt, item in zip(target.elts, items, strict=True):
                self.assign(elt, item, scope)
        elif isinstance(target, ast.Subscript):
            owner = self.expr(target.value, scope)
            if isinstance(owner, dict | list):
                key = self.expr(target.slice, scope)
                if isinstance(owner, dict):
                    key = self.hashable(key, target.slice)
                try:
                    owner[key] = value
                except (IndexError, TypeError, ValueError) as exc:
                    raise RnncalcError(f"`{_text(target)}`: {exc}", _("fix the index")) from None
                _bounded(len(owner), N_("a collection in the code"), N_("use fewer items"))
            else:
                self.set_item(owner, self.expr(target.slice, scope), value)
        elif isinstance(target, ast.Attribute):
            self.set_attribute(self.expr(target.value, scope), target.attr, value)

    def truth(self, node: ast.expr, scope: Scope) -> bool:
        value = self.expr(node, scope)
        if isinstance(value, Unknown):
            raise self.unknown(value, node, decide=True)
        return self.truthy(value)

    def unknown(self, value: Unknown, node: ast.AST, decide: bool = False) -> RnncalcError:
        """The error for using an unknown value (`decide`: to choose a branch)."""
        problem = (
            _("cannot decide `{value}`: it comes from {origin}, which rnncalc does not run")
            if decide
            else _("cannot use `{value}`: it comes from {origin}, which rnncalc does not run")
        )
        return RnncalcError(
            problem.format(value=_text(node), origin=value.origin),
            _("give the value: --set {name}=VALUE").format(name=_settable(node)),
        )

    # -- expressions

    def expr(self, node: ast.expr, scope: Scope) -> Any:
        self.tick(node)
        method = getattr(self, f"e_{type(node).__name__}", None)
        if method is None:
            raise RnncalcError(
                _("rnncalc cannot read `{code}` ({syntax})").format(
                    code=_text(node), syntax=type(node).__name__
                ),
                _("write the model with plain calls, numbers and names"),
            )
        return method(node, scope)

    def e_Constant(self, node: ast.Constant, scope: Scope) -> Any:
        if type(node.value) is int and abs(node.value) > SIZE.value:  # words only if refused
            check_size(node.value, _("a number in the code"))
        return node.value

    def e_Name(self, node: ast.Name, scope: Scope) -> Any:
        name = node.id
        for found in (scope, self.globals):
            if name in found:
                return found[name]
        for path in self.star:
            value = self.star_name(path, name)
            if value is not None:
                return value
        if name in self.variables:
            return self.variables[name]
        if name in COMPUTED or name in PYTHON_BUILTINS:
            return Builtin(name)
        if name == "__name__":
            return "__main__"
        raise Free(name)

    def e_Attribute(self, node: ast.Attribute, scope: Scope) -> Any:
        try:
            owner = self.expr(node.value, scope)
        except Free as free:
            if isinstance(node.value, ast.Name) and node.attr in ("shape", "ndim"):
                example = _("{name}.shape=SIZES (e.g. 1000,10,64)").format(name=free.name)
                raise Free(free.name, example) from None
            raise
        return self.attribute(owner, node.attr)

    def attribute(self, owner: Any, name: str) -> Any:
        if isinstance(owner, Module):
            return self.module_attribute(f"{owner.path}.{name}")
        if isinstance(owner, Array):
            if name in ("shape", "ndim", "T"):
                shape = tuple(owner.shape)
                return {"shape": shape, "ndim": len(shape), "T": Array(shape[::-1])}[name]
            return Method(owner, name)
        if isinstance(owner, Namespace):
            if name in owner.values:
                return owner.values[name]
            raise RnncalcError(
                _("the object given has no attribute `{name}`").format(name=name),
                _('add it to the object in --vars: {{..., "{name}": VALUE}}').format(name=name),
            )
        if isinstance(owner, list | dict | str):
            return Method(owner, name)
        if isinstance(owner, Unknown):
            return owner
        if isinstance(owner, Instance | PyClass):
            return self.member(owner, name)
        if isinstance(owner, Super):
            for base in owner.classes:
                found = base.lookup(name)
                if isinstance(found, Function):
                    return Bound(found, owner.owner)
                if found is not _MISSING:
                    return found
            return Unknown(f"`super().{name}`")  # object's own: nothing to follow
        return self.other_attribute(owner, name)

    def parent(self, bound: Bound) -> Super:
        """`super()` in a method: the bases of the class that defines it, bound to the same
        instance."""
        owner = bound.owner
        cls = owner.cls if isinstance(owner, Instance) else owner
        lineage, seen = [cls], []
        while lineage:
            current = lineage.pop(0)
            if any(m is bound.function for m in current.members.values()):
                return Super(current.bases, owner)
            seen.append(current)
            lineage += [b for b in current.bases if b not in seen]
        return Super(cls.bases, owner)

    def member(self, owner: Instance | PyClass, name: str) -> Any:
        """An attribute of an instance or a class the file defines, as Python finds it."""
        if isinstance(owner, Instance) and name in owner.attributes:
            return owner.attributes[name]
        cls = owner.cls if isinstance(owner, Instance) else owner
        found = cls.lookup(name)
        if found is _MISSING:
            raise RnncalcError(
                _("'{cls}' object has no attribute '{name}'").format(cls=cls.name, name=name),
                _("define {name} in the class").format(name=name),
            )
        if not isinstance(found, Function):
            return found
        kind = _decorator(found.node)
        if kind == "staticmethod" or (kind is None and isinstance(owner, PyClass)):
            return found
        bound = Bound(found, cls if kind == "classmethod" else owner)
        return self.call(bound, [], {}) if kind == "property" else bound

    def e_Subscript(self, node: ast.Subscript, scope: Scope) -> Any:
        owner = self.expr(node.value, scope)
        key = self.expr(node.slice, scope)
        if isinstance(owner, Unknown) or isinstance(key, Unknown):
            return owner if isinstance(owner, Unknown) else key
        if isinstance(owner, Namespace):
            if isinstance(key, str) and key in owner.values:
                return owner.values[key]
            raise RnncalcError(
                _("the object given has no key {key!r}").format(key=key), _("add it in --vars")
            )
        if isinstance(owner, Array):
            found = index(owner.shape, key)
            return (
                Unknown(_("`{value}`, an array indexed by an array").format(value=_text(node)))
                if found is None
                else found
            )
        if not isinstance(owner, list | tuple | dict | str | range):
            return self.other_subscript(owner, key, node)
        try:
            return owner[key]
        except (IndexError, KeyError, TypeError, ValueError) as exc:
            raise RnncalcError(
                f"`{_text(node)}`: {type(exc).__name__}: {exc}", _("fix the index")
            ) from None

    def other_subscript(self, owner: Any, key: Any, node: ast.Subscript) -> Any:
        raise RnncalcError(
            _("`{value}`: {kind} cannot be indexed").format(value=_text(node), kind=_kind(owner)),
            _("fix the index"),
        )

    def e_Slice(self, node: ast.Slice, scope: Scope) -> Any:
        return slice(
            *(
                None if p is None else self.expr(p, scope)
                for p in (node.lower, node.upper, node.step)
            )
        )

    def e_Tuple(self, node: ast.Tuple, scope: Scope) -> Any:
        return tuple(self.elements(node.elts, scope))

    def e_List(self, node: ast.List, scope: Scope) -> Any:
        return self.elements(node.elts, scope)

    def e_Set(self, node: ast.Set, scope: Scope) -> Any:
        return {self.hashable(v, node) for v in self.elements(node.elts, scope)}

    def elements(self, elts: list[ast.expr], scope: Scope) -> list[Any]:
        found: list[Any] = []
        for elt in elts:
            if isinstance(elt, ast.Starred):
                found.extend(self.iterate(self.expr(elt.value, scope), elt.value))
            else:
                found.append(self.expr(elt, scope))
            _bounded(len(found), N_("a list in the code"), N_("use fewer items"))
        return found

    def e_Dict(self, node: ast.Dict, scope: Scope) -> Any:
        found: dict[Any, Any] = {}
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:  # {**other}
                merged = self.expr(value, scope)
                if isinstance(merged, dict):
                    found.update(merged)
            else:
                found[self.hashable(self.expr(key, scope), key)] = self.expr(value, scope)
            _bounded(len(found), N_("a dict in the code"), N_("use fewer items"))
        return found

    def hashable(self, value: Any, node: ast.AST) -> Any:
        self.weigh(value)
        try:
            hash(value)
        except TypeError:
            raise RnncalcError(
                _("`{value}` cannot be a dict key").format(value=_text(node)),
                _("use a string or a number"),
            ) from None
        return value

    def e_JoinedStr(self, node: ast.JoinedStr, scope: Scope) -> Any:
        parts = []
        for value in node.values:
            if not isinstance(value, ast.FormattedValue):
                parts.append(self.expr(value, scope))
                continue
            found = self.expr(value.value, scope)
            if isinstance(found, Unknown):
                return found
            self.weigh(found)
            spec = self.expr(value.format_spec, scope) if value.format_spec else ""
            _check_spec(str(spec))
            if value.conversion in CONVERSIONS:
                found = CONVERSIONS[value.conversion](found)
            try:
                parts.append(format(found, spec))
            except (ValueError, TypeError):
                parts.append(str(found))
            _bounded(sum(map(len, parts)), N_("a string in the code"), N_("use a shorter one"))
        return "".join(parts)

    def e_BinOp(self, node: ast.BinOp, scope: Scope) -> Any:
        return self.binary(node.op, self.expr(node.left, scope), self.expr(node.right, scope))

    def binary(self, op: ast.operator, left: Any, right: Any) -> Any:
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            return left if isinstance(left, Unknown) else right
        for value in (left, right):
            self.operand(value)
        function = OPERATORS.get(type(op))
        if function is None:
            raise RnncalcError(
                _("rnncalc does not compute `{operator}`").format(operator=type(op).__name__),
                _("use + - * / // % **"),
            )
        _check_arithmetic(op, left, right)
        if isinstance(op, ast.Mod) and isinstance(left, str):
            _check_percent(left)
        if isinstance(left, list | tuple | str | dict | set) or isinstance(
            right, list | tuple | str | dict | set
        ):
            self.weigh(left, right)
        try:
            found = function(left, right)
        except (TypeError, ZeroDivisionError, ValueError, OverflowError) as exc:
            raise RnncalcError(f"{type(exc).__name__}: {exc}", _("fix the arithmetic")) from None
        if isinstance(found, int) and found.bit_length() > BITS:
            raise RnncalcError(
                _("a number in the code grows past any size"), _("give smaller numbers")
            )
        if isinstance(found, str | list | tuple):
            _bounded(len(found), N_("a sequence in the code"), N_("use a shorter one"))
        return found

    def operand(self, value: Any) -> None:
        """Refuse what arithmetic cannot take (a subclass's tensors)."""

    def e_UnaryOp(self, node: ast.UnaryOp, scope: Scope) -> Any:
        if isinstance(node.op, ast.Not):
            return not self.truth(node.operand, scope)
        value = self.expr(node.operand, scope)
        if isinstance(value, Unknown):
            return value
        self.operand(value)
        try:
            return UNARY[type(node.op)](value)
        except TypeError as exc:
            raise RnncalcError(f"TypeError: {exc}", _("fix the arithmetic")) from None

    def e_BoolOp(self, node: ast.BoolOp, scope: Scope) -> Any:
        value: Any = None
        for item in node.values:
            value = self.expr(item, scope)
            if isinstance(value, Unknown):
                raise self.unknown(value, item, decide=True)
            if self.truthy(value) == isinstance(node.op, ast.Or):
                return value
        return value

    def e_Compare(self, node: ast.Compare, scope: Scope) -> Any:
        left = self.expr(node.left, scope)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.expr(right_node, scope)
            if isinstance(left, Unknown) or isinstance(right, Unknown):
                return left if isinstance(left, Unknown) else right
            self.weigh(left, right)
            try:
                if not COMPARISONS[type(op)](left, right):
                    return False
            except TypeError as exc:
                raise RnncalcError(f"TypeError: {exc}", _("fix the comparison")) from None
            left = right
        return True

    def e_IfExp(self, node: ast.IfExp, scope: Scope) -> Any:
        return self.expr(node.body if self.truth(node.test, scope) else node.orelse, scope)

    def e_NamedExpr(self, node: ast.NamedExpr, scope: Scope) -> Any:
        value = self.expr(node.value, scope)
        self.assign(node.target, value, scope)
        return value

    def e_Lambda(self, node: ast.Lambda, scope: Scope) -> Any:
        return Unknown(_("the lambda on line {line}").format(line=node.lineno))

    def comprehension(self, generators: list[ast.comprehension], scope: Scope) -> Iterator[Scope]:
        inner = dict(scope)

        def loops(index: int) -> Iterator[Scope]:
            if index == len(generators):
                yield inner
                return
            gen = generators[index]
            for item in self.iterate(self.expr(gen.iter, inner), gen.iter):
                self.tick(gen.iter)
                self.assign(gen.target, item, inner)
                if all(self.truth(test, inner) for test in gen.ifs):
                    yield from loops(index + 1)

        yield from loops(0)

    def e_ListComp(self, node: ast.ListComp | ast.GeneratorExp | ast.SetComp, scope: Scope) -> Any:
        found = []
        for inner in self.comprehension(node.generators, scope):
            found.append(self.expr(node.elt, inner))
            _bounded(len(found), N_("a list in the code"), N_("use fewer items"))
        return found

    e_GeneratorExp = e_ListComp

    def e_SetComp(self, node: ast.SetComp, scope: Scope) -> Any:
        return {self.hashable(v, node) for v in self.e_ListComp(node, scope)}

    def e_DictComp(self, node: ast.DictComp, scope: Scope) -> Any:
        found = {}
        for inner in self.comprehension(node.generators, scope):
            found[self.hashable(self.expr(node.key, inner), node.key)] = self.expr(
                node.value, inner
            )
            _bounded(len(found), N_("a dict in the code"), N_("use fewer items"))
        return found

    # -- calls

    def e_Call(self, node: ast.Call, scope: Scope) -> Any:
        function = self.expr(node.func, scope)
        if self.skipped_call(function):
            self.skip(node)
            if isinstance(function, Unknown) and function.made == "class":
                origin = _("an instance of {origin}, whose code rnncalc does not run")
                return Unknown(origin.format(origin=function.origin), made="instance")
            return _unknown_call(f"{_text(node.func, 40)}(...)", node.lineno)
        args: list[Any] = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                args.extend(self.iterate(self.expr(arg.value, scope), arg.value))
            else:
                args.append(self.expr(arg, scope))
        kwargs: dict[str, Any] = {}
        for kw in node.keywords:
            value = self.expr(kw.value, scope)
            if kw.arg is None:  # **kwargs
                if isinstance(value, Unknown):
                    raise self.unknown(value, kw.value)
                if not isinstance(value, dict):
                    raise RnncalcError(
                        _("`**{value}` is not a dict").format(value=_text(kw.value)),
                        _("pass a dict"),
                    )
                given = list(value.items())
            else:
                given = [(kw.arg, value)]
            for name, item in given:
                if name in kwargs:
                    raise RnncalcError(
                        _("{function}() got multiple values for keyword argument '{name}'").format(
                            function=_text(node.func, 40), name=name
                        ),
                        _("give it once"),
                    )
                kwargs[name] = item
        line, self.line = self.line, node.lineno
        try:
            return self.call(function, args, kwargs)
        except FLOW:
            raise
        except RnncalcError as exc:
            raise CodeError(exc.message, exc.hint, node.lineno) from None
        finally:
            self.line = line

    def call(self, function: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if isinstance(function, Function):
            return self.call_function(function, args, kwargs)
        if isinstance(function, Bound):
            self.within.append(function)  # for a super() in it
            try:
                return self.call_function(function.function, [function.owner, *args], kwargs)
            finally:
                self.within.pop()
        if function == Builtin("super") and not args and self.within:
            return self.parent(self.within[-1])
        if function == Builtin("super") and len(args) == 2 and isinstance(args[0], PyClass):
            return Super(args[0].bases, args[1])  # super(Net, self): the bases of Net
        if isinstance(function, PyClass):
            made = Instance(function, {})
            init = function.lookup("__init__")
            if isinstance(init, Function):
                self.call(Bound(init, made), args, kwargs)
            elif args or kwargs:
                raise RnncalcError(
                    _("{cls}() takes no arguments").format(cls=function.name),
                    _("define __init__"),
                )
            return made
        if isinstance(function, Builtin):
            return self.builtin(function.name, args, kwargs)
        if isinstance(function, Method):
            found = self.other_method(function.owner, function.name, args, kwargs)
            if found is NotImplemented:
                found = self.method(function.owner, function.name, args, kwargs)
            return found
        if isinstance(function, Module):
            return self.array(numpy_function(function.path), args, kwargs, function.path)
        return self.call_other(function, args, kwargs)

    def array(self, rule: Any, args: list[Any], kwargs: dict[str, Any], what: str) -> Any:
        """An array's shape after a NumPy function or method, or unknown."""
        found = rule(args, kwargs) if rule is not None else None
        if found is None:
            call = f"{what}(...)"
            self.skipped.append(
                _("line {line}: {statement}").format(line=self.line, statement=call)
            )
            return _unknown_call(call, self.line)
        return found

    def call_function(self, function: Function, args: list[Any], kwargs: dict[str, Any]) -> Any:
        self.depth += 1
        if self.depth > CODE_DEPTH.value:
            CODE_DEPTH.check(
                self.depth, _("the code's function calls"), _("call functions less deeply")
            )
        try:
            bound = self.bind(function, args, kwargs)
            # A function of the top level sees the globals; a nested one also its enclosing
            # function's names, as they were when it was defined.
            local = bound if function.scope is self.globals else {**function.scope, **bound}
            try:
                self.run(function.node.body, local)
            except _Return as result:
                return result.value
            return None
        finally:
            self.depth -= 1

    def bind(self, function: Function, args: list[Any], kwargs: dict[str, Any]) -> Scope:
        """The function's parameters given the call's arguments, as Python binds them."""
        spec, name = function.node.args, function.node.name
        positional = [*spec.posonlyargs, *spec.args]
        if len(args) > len(positional) and spec.vararg is None:
            raise RnncalcError(
                _("{function}() takes {count} positional arguments but {given} were given").format(
                    function=name, count=len(positional), given=len(args)
                ),
                _("give it as many arguments as it takes"),
            )
        bound: Scope = {p.arg: v for p, v in zip(positional, args, strict=False)}
        if spec.vararg is not None:
            bound[spec.vararg.arg] = tuple(args[len(positional) :])
        names = {p.arg for p in [*positional, *spec.kwonlyargs]}
        extra: dict[str, Any] = {}
        for key, value in kwargs.items():
            if key in bound:
                raise RnncalcError(
                    _("{function}() got multiple values for argument '{name}'").format(
                        function=name, name=key
                    ),
                    _("give it once"),
                )
            if key in names:
                bound[key] = value
            elif spec.kwarg is not None:
                extra[key] = value
            else:
                raise RnncalcError(
                    _("{function}() got an unexpected keyword argument '{name}'").format(
                        function=name, name=key
                    ),
                    _("see its definition"),
                )
        defaults = [None] * (len(positional) - len(spec.defaults)) + list(spec.defaults)
        pairs = [
            *zip(positional, defaults, strict=True),
            *zip(spec.kwonlyargs, spec.kw_defaults, strict=True),
        ]
        for param, default in pairs:
            if param.arg not in bound:
                if default is None:
                    raise RnncalcError(
                        _("{function}() missing required argument: '{name}'").format(
                            function=name, name=param.arg
                        ),
                        _("give it: {function}(..., {name}=...)").format(
                            function=name, name=param.arg
                        ),
                    )
                bound[param.arg] = self.expr(default, function.scope)
        if spec.kwarg is not None:
            bound[spec.kwarg.arg] = extra
        return bound

    def builtin(self, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        for value in [*args, *kwargs.values()]:
            if isinstance(value, Unknown):
                return value
        self.weigh(*args, *kwargs.values())
        if name == "isinstance":
            return _isinstance(args)
        if name == "round" and len(args) == 2 and isinstance(args[1], int) and abs(args[1]) > 400:
            raise RnncalcError(_("round() to more than 400 digits"), _("round to fewer digits"))
        if name == "len" and len(args) == 1:
            value = args[0]
            if isinstance(value, Array):
                return value.shape[0] if value.shape else 0
            if isinstance(value, Items):
                return value.size
            if isinstance(value, Namespace):
                return len(value.values)
            if isinstance(value, list | tuple | dict | str | range | set):
                return len(value)
            found = self.length(value)
            return Unknown("len()") if found is None else found
        if name == "range":
            found = _call(range, args, kwargs, name)
            _bounded(len(found), N_("a range in the code"), N_("loop over fewer items"))
            return found
        if name in OVER_ITEMS and len(args) == 1:
            items = self.iterate(args[0], ast.Name(id=name))
            if name == "set":
                return {self.hashable(v, ast.Name(id=name)) for v in items}
            if name == "list":
                return items
            if name == "tuple":
                return tuple(items)
            args = [items]
        if name not in BUILTINS:
            raise RnncalcError(
                _("{function}() takes one iterable here").format(function=name),
                _("give {function}() a list").format(function=name),
            )
        found = _call(BUILTINS[name], args, kwargs, name)
        if isinstance(found, str | list):
            _bounded(len(found), N_("a value in the code"), N_("use a shorter one"))
        return found

    def method(self, owner: Any, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """A method of a list, dict, str or array; any other is skipped."""
        if isinstance(owner, Array):
            return self.array(FUNCTIONS.get(name), [owner, *args], kwargs, f".{name}")
        if isinstance(owner, list | dict | str):
            self.weigh(owner, *args, *kwargs.values())
        if isinstance(owner, list) and name in ("append", "extend", "insert", "index", "pop"):
            items = (
                self.iterate(args[0], ast.Name(id="items")) if name == "extend" and args else None
            )
            found = _call(
                getattr(owner, name), [items] if items is not None else args, kwargs, name
            )
            _bounded(len(owner), N_("a list in the code"), N_("use fewer items"))
            return found
        if isinstance(owner, dict) and name in (
            "get",
            "keys",
            "values",
            "items",
            "update",
            "pop",
            "setdefault",
        ):
            found = _call(getattr(owner, name), args, kwargs, name)
            _bounded(len(owner), N_("a dict in the code"), N_("use fewer items"))
            return list(found) if name in ("keys", "values", "items") else found
        if isinstance(owner, str) and name in STRING_METHODS:
            if name == "format":
                _check_template(owner)
            _check_result(owner, name, args)
            found = _call(getattr(owner, name), args, kwargs, name)
            if isinstance(found, str | list):
                _bounded(len(found), N_("a string in the code"), N_("use a shorter string"))
            return found
        call = f".{name}(...)"
        self.skipped.append(_("line {line}: {statement}").format(line=self.line, statement=call))
        return _unknown_call(call, self.line)


def _unknown_call(call: str, line: int) -> Unknown:
    """What a skipped call returns: `f(...)` of line 3."""
    return Unknown(_("`{call}` (line {line})").format(call=call, line=line))


def _bounded(found: int, what: str, fix: str) -> None:
    """`CODE_ITEMS.check` where it runs at every step of a loop: `what` and `fix` (marked with
    `N_`) are translated only when it refuses."""
    if found > CODE_ITEMS.value:
        CODE_ITEMS.check(found, _(what), _(fix))


def _decorator(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """`staticmethod`, `classmethod` or `property`, where a method is one."""
    for item in node.decorator_list:
        if isinstance(item, ast.Name) and item.id in ("staticmethod", "classmethod", "property"):
            return item.id
    return None


def _call(function: Callable[..., Any], args: list[Any], kwargs: dict[str, Any], name: str) -> Any:
    try:
        return function(*args, **kwargs)
    except (TypeError, ValueError, KeyError, IndexError, OverflowError) as exc:
        raise RnncalcError(
            f"{name}(): {type(exc).__name__}: {exc}", _("give it values it takes")
        ) from None


def _check_arithmetic(op: ast.operator, left: Any, right: Any) -> None:
    """Refuse arithmetic whose result alone would be too large: `2 ** 10 ** 9`, `[0] * 10**9`."""
    power = isinstance(op, ast.Pow) and isinstance(left, int) and isinstance(right, int)
    if power and abs(left) > 1 and right > 0 and right * abs(left).bit_length() > BITS:
        raise RnncalcError(
            _("{base} ** {exponent} grows past any size").format(base=left, exponent=right),
            _("give smaller numbers"),
        )
    if isinstance(op, ast.Mult):
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(times, int):
                _bounded(len(seq) * max(times, 0), N_("a repeated sequence"), N_("repeat less"))


def _check_spec(spec: str) -> None:
    """Refuse a format spec that pads to a huge width (`f"{x:>999999999}"`) before it
    allocates, or that nests another field."""
    if "{" in spec:
        raise RnncalcError(_("a format spec in the code nests a field"), _("write the width out"))
    for digits in re.findall(r"\d+", spec):
        if len(digits) > 5:
            raise RnncalcError(
                _("a format in the code pads too wide"), _("use a width under 100,000")
            )


def _check_template(text: str) -> None:
    """`"...".format(...)`: positional or named fields only. A field that reads an attribute
    or an item (`{0.__class__}`, `{0[key]}`) would reach into Python's objects."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise RnncalcError(f"str.format(): {exc}", _("fix the format string")) from None
    for _text_part, field, spec, _conversion in fields:
        if field is not None and not (field == "" or field.isdigit() or field.isidentifier()):
            raise RnncalcError(
                _(
                    "the format field {{{field}}} reads an attribute or an item, which rnncalc "
                    "does not evaluate"
                ).format(field=field),
                _('format plain values: "{}".format(x)'),
            )
        _check_spec(spec or "")


def _check_percent(text: str) -> None:
    """`"%5d" % x`: no `*` widths, and no width beyond 100,000."""
    for spec in re.findall(r"%[^a-zA-Z%]*", text):
        if "*" in spec or any(len(d) > 5 for d in re.findall(r"\d+", spec)):
            raise RnncalcError(
                _("a printf-style format (%) in the code pads too wide"),
                _("use a width under 100,000"),
            )


def _check_result(text: str, name: str, args: list[Any]) -> None:
    """Refuse a str.join or str.replace whose result alone would be too long."""
    size = 0
    if name == "join" and args and isinstance(args[0], list | tuple):
        size = sum(len(str(s)) for s in args[0][: CODE_ITEMS.value]) + len(text) * len(args[0])
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str):
        count = len(text) + 1 if not args[0] else text.count(args[0])
        size = len(text) + count * len(str(args[1]))
    if size > CODE_ITEMS.value:
        what = _("the string str.{method}() makes").format(method=name)
        CODE_ITEMS.check(size, what, _("make a shorter string"))


def _isinstance(args: list[Any]) -> Any:
    """`isinstance(x, int)` for the builtin types; unknown for any other class."""
    if len(args) != 2:
        raise RnncalcError(_("isinstance() takes 2 arguments"), "isinstance(x, int)")
    kinds = args[1] if isinstance(args[1], tuple) else (args[1],)
    types = {
        "int": int,
        "float": float,
        "str": str,
        "bool": bool,
        "list": list,
        "tuple": tuple,
        "dict": dict,
        "set": set,
    }
    if not all(isinstance(k, Builtin) and k.name in types for k in kinds):
        return Unknown(_("isinstance() of a class rnncalc does not model"))
    return isinstance(args[0], tuple(types[k.name] for k in kinds))


def expanded(value: Any, limit: int) -> int:
    """How many values a walk over `value` visits, repeats included, counting up to limit + 1;
    a string weighs a value per 64 characters."""
    count, stack = 0, [value]
    while stack and count <= limit:
        item = stack.pop()
        count += 1
        if isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, str):
            count += len(item) // 64
    return count


def _loaded(node: ast.expr) -> ast.expr:
    """The target of `x += 1` read as a value."""
    return ast.parse(ast.unparse(node), mode="eval").body


def _text(node: ast.AST, length: int = 60) -> str:
    return ast.unparse(node)[:length]


def _settable(node: ast.AST) -> str:
    """What `--set` names for a value: `X_train.shape` when the code reads its shape."""
    if isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith(".shape"):
        return ast.unparse(node.value)
    return ast.unparse(node)[:60]


def _kind(value: Any) -> str:
    if isinstance(value, Unknown):
        return _("a value from {origin}").format(origin=value.origin)
    return _("a {type}").format(type=type(value).__name__)
