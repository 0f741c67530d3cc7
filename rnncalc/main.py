"""The `rnncalc` program: the calculator's commands (`cli`) and the site's (`docs`)."""

from __future__ import annotations

import gc

from rnncalc.cli import app
from rnncalc.docs import command

__all__ = ["app", "command", "main"]


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    finally:
        # The process ends here: its last garbage collection need not scan every object that
        # lived to the end (the configs' and reports' classes), a third of a cold start.
        gc.freeze()
