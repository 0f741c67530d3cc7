"""The `rnncalc` program: the calculator's commands (`cli`) and the site's (`docs`)."""

from __future__ import annotations

from rnncalc.cli import app
from rnncalc.docs import command

__all__ = ["app", "command", "main"]


def main() -> None:
    """Console-script entry point."""
    app()
