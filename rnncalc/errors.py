"""The one error rnncalc raises for input it cannot accept: what is wrong, and how to fix it."""

from __future__ import annotations

import errno
import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple, ParamSpec, TypeVar

from rnncalc.i18n import N_, Language, _, language

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
        message=_pydantic_message(err["type"], str(err["msg"]), err.get("ctx", {})),
        value=err.get("input"),
        limit=cause if isinstance(cause, RnncalcError) else None,
    )


# pydantic's messages for the values a layer's arguments are given, by error type, so that they
# can be translated (English shows pydantic's own words; a type not here stays pydantic's).
PYDANTIC_MESSAGES = {
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_type": N_("Input should be a valid integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "float_type": N_("Input should be a valid number"),
    "finite_number": N_("Input should be a finite number"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "bool_type": N_("Input should be a valid boolean"),
    "string_type": N_("Input should be a valid string"),
    "literal_error": N_("Input should be {expected}"),
    "enum": N_("Input should be {expected}"),
    "greater_than": N_("Input should be greater than {gt}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than": N_("Input should be less than {lt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "tuple_type": N_("Input should be a valid tuple"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid dictionary"),
    "none_required": N_("Input should be None"),
    "too_short": N_("{field_type} should have at least {min_length} items, not {actual_length}"),
    "too_long": N_("{field_type} should have at most {max_length} items, not {actual_length}"),
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
}


def _pydantic_message(kind: str, message: str, context: dict[str, Any]) -> str:
    """pydantic's `message` (of error type `kind`, with its `context`), in the language spoken."""
    template = PYDANTIC_MESSAGES.get(kind)
    if template is None or language() is Language.EN:
        return message.removeprefix("Value error, ")
    if "expected" in context:  # "'concat', 'sum', 'mul' or 'ave'"
        context = context | {"expected": str(context["expected"]).replace(" or ", _(" or "))}
    return _(template).format(**context)


# The system's reasons a file cannot be read or written, by errno, so that they can be
# translated (English shows the system's own words, as `strerror` has them).
SYSTEM_REASONS = {
    errno.ENOENT: N_("No such file or directory"),
    errno.EACCES: N_("Permission denied"),
    errno.EPERM: N_("Operation not permitted"),
    errno.EISDIR: N_("Is a directory"),
    errno.ENOTDIR: N_("Not a directory"),
    errno.EEXIST: N_("File exists"),
    errno.ENOSPC: N_("No space left on device"),
    errno.EROFS: N_("Read-only file system"),
    errno.ELOOP: N_("Too many levels of symbolic links"),
    errno.ENAMETOOLONG: N_("File name too long"),
    errno.ENXIO: N_("No such device or address"),
    errno.EINVAL: N_("Invalid argument"),
    errno.EIO: N_("Input/output error"),
}


def system_reason(exc: OSError) -> str:
    """Why the system refused, in the language spoken: `No such file or directory`."""
    reason = exc.strerror or str(exc)
    if language() is Language.EN or exc.errno not in SYSTEM_REASONS:
        return reason
    return _(SYSTEM_REASONS[exc.errno])


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
        reason = system_reason(exc)
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
