"""Writing the reference pages: `build`, and the manifest of what it wrote."""

from __future__ import annotations

from pathlib import Path

from rnncalc.docs.reference import pages
from rnncalc.errors import guarded
from rnncalc.writing import write_folder

MANIFEST = ".rnncalc-generated"  # the files a build wrote: the only ones it may overwrite


@guarded
def build(out: str = "docs/reference") -> list[Path]:
    """Write every reference page into `out`, byte-identical on every run.

    Writes only inside `out`; never deletes anything, never writes through a link, and never
    overwrites a file it did not generate (the manifest in `out` lists the files it wrote).

    Returns:
        The files written.
    """
    return write_folder(out, pages(), MANIFEST)


__all__ = ["MANIFEST", "build", "pages"]
