"""The reference site: pages generated from the calculator's models, and `rnncalc docs`.

Importing the package adds the `docs` commands to the program (`rnncalc.cli.app`); the pages
themselves load only when built.
"""

from __future__ import annotations

from typing import Any

from rnncalc.docs import command as command


def __getattr__(name: str) -> Any:
    if name in __all__:
        from rnncalc.docs import site

        return getattr(site, name)
    raise AttributeError(name)


__all__ = ["MANIFEST", "build", "pages"]
