"""The one error rnncalc raises for input it cannot accept: what is wrong, and how to fix it."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple, ParamSpec, TypeVar

from rnncalc.i18n import _

if TYPE_CHECKING:
    from pydantic import ValidationError

P = ParamSpec("P")
R = TypeVar("R")


class RnncalcError(ValueError):
    """Bad input, described for the person who typed it.

    Args:
        message: what is wrong, naming the argument or value at fault.
        hint: how to fix it, ideally as the corrected call.

    Example:
        >>> str(RnncalcError("units must be positive, got 0", "use units=1 or more"))
        'units must be positive, got 0. Fix: use units=1 or more'
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if not self.hint:
            return self.message
        if self.message.endswith((".", "?", "!", "。", "？", "！")):
            return _("{message} Fix: {hint}").format(message=self.message, hint=self.hint)
        return _("{message}. Fix: {hint}").format(message=self.message, hint=self.hint)


def closest(name: str, known: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The known name `name` most likely meant, for a "did you mean" (None: none is close).

    Example:
        >>> closest("LSMT", ["LSTM", "GRU"])
        'LSTM'
    """
    from difflib import get_close_matches

    found = get_close_matches(name, list(known), n=1, cutoff=cutoff)
    return found[0] if found else None


class Invalid(NamedTuple):
    """The first problem pydantic found with a value, in the words an error needs."""

    name: str  # the argument at fault (empty: a check across arguments)
    loc: tuple[Any, ...]  # where it is: ("units",), ("cells", 0, "units")
    message: str  # pydantic's, or the validator's own words
    value: Any  # the value given
    limit: RnncalcError | None  # one of rnncalc's limits, with its own fix

    @property
    def path(self) -> str:
        """`cells.0.units`"""
        return ".".join(str(p) for p in self.loc)


def invalid(exc: ValidationError) -> Invalid:
    """What a pydantic ValidationError says, for the one-line error that reports it."""
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    cause = err.get("ctx", {}).get("error")
    return Invalid(
        name=loc[0] if loc else "",
        loc=tuple(err["loc"]),
        message=str(err["msg"]).removeprefix("Value error, "),
        value=err.get("input"),
        limit=cause if isinstance(cause, RnncalcError) else None,
    )


def as_error(exc: BaseException) -> RnncalcError:
    """What a failure deep inside means to the person who gave the input: one line and a fix.

    The one boundary (the CLI, and each public function) turns every exception into this:
    an input too deep, too large or in another encoding than Python can handle, a file the
    system cannot read, or a layout nothing in rnncalc expected.

    Example:
        >>> str(as_error(RecursionError("maximum recursion depth exceeded")))
        'the input nests too deeply for rnncalc to read. Fix: flatten it; Keras writes no model \
nested that deep'
    """
    if isinstance(exc, RnncalcError):
        return exc
    if isinstance(exc, RecursionError):
        return RnncalcError(
            _("the input nests too deeply for rnncalc to read"),
            _("flatten it; Keras writes no model nested that deep"),
        )
    if isinstance(exc, MemoryError):
        return RnncalcError(
            _("the input needs more memory than this machine has"), _("give a smaller input")
        )
    if isinstance(exc, UnicodeError):
        return RnncalcError(
            _("text that is not valid UTF-8 ({reason})").format(reason=getattr(exc, "reason", exc)),
            _("give text and paths in UTF-8"),
        )
    if isinstance(exc, OverflowError):
        return RnncalcError(
            _("a number is too large to compute with ({reason})").format(reason=exc),
            _("give sizes that fit"),
        )
    if isinstance(exc, OSError):
        reason = exc.strerror or exc
        return RnncalcError(
            _("{path}: cannot read or write ({reason})").format(path=exc.filename, reason=reason)
            if exc.filename
            else _("cannot read or write ({reason})").format(reason=reason),
            _("give a path rnncalc can use"),
        )
    if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
        return RnncalcError(
            _("a number has more digits than Python reads (4,300)"), _("give sizes that fit")
        )
    return RnncalcError(
        _("rnncalc could not handle this input ({reason})").format(
            reason=f"{type(exc).__name__}: {exc}"
        )[:300],
        _("check the input; if Keras or PyTorch accepts it, report it as a bug in rnncalc"),
    )


def guarded(function: Callable[P, R]) -> Callable[P, R]:
    """A public function whose every failure is an `RnncalcError` (see `as_error`)."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except RnncalcError:
            raise
        except Exception as exc:
            raise as_error(exc) from None

    return wrapper
