"""The `rnncalc` program: the calculator's commands (`cli`) and the site's (`docs`)."""

from __future__ import annotations

import gc

# While the program's own modules load (no input is read yet), the cycle collector would scan
# their thousands of new objects again and again; it runs again once they are loaded, and never
# scans them again (docs/speed.md).
_collecting = gc.isenabled()
gc.disable()

from rnncalc.cli import app  # noqa: E402
from rnncalc.docs import command  # noqa: E402

gc.freeze()
if _collecting:
    gc.enable()

__all__ = ["app", "command", "main"]


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    finally:
        # The process ends here: its last garbage collection need not scan every object that
        # lived to the end.
        gc.freeze()
