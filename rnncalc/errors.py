"""The one error rnncalc raises for input it cannot accept: what is wrong, and how to fix it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

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
        stop = "" if self.message.endswith((".", "?", "!")) else "."
        return f"{self.message}{stop} Fix: {self.hint}"


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
            "the input nests too deeply for rnncalc to read",
            "flatten it; Keras writes no model nested that deep",
        )
    if isinstance(exc, MemoryError):
        return RnncalcError(
            "the input needs more memory than this machine has", "give a smaller input"
        )
    if isinstance(exc, UnicodeError):
        return RnncalcError(
            f"text that is not valid UTF-8 ({getattr(exc, 'reason', exc)})",
            "give text and paths in UTF-8",
        )
    if isinstance(exc, OverflowError):
        return RnncalcError(f"a number is too large to compute with ({exc})", "give sizes that fit")
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return RnncalcError(
            f"{where}cannot read or write ({exc.strerror or exc})", "give a path rnncalc can use"
        )
    if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
        return RnncalcError(
            "a number has more digits than Python reads (4,300)", "give sizes that fit"
        )
    return RnncalcError(
        f"rnncalc could not handle this input ({type(exc).__name__}: {exc})"[:300],
        "check the input; if Keras or PyTorch accepts it, report it as a bug in rnncalc",
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
