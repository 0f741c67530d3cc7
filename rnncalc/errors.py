"""The one error rnncalc raises for input it cannot accept: what is wrong, and how to fix it."""

from __future__ import annotations


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
