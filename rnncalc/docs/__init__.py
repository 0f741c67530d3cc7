"""The reference site's pages, generated from the calculator's models (`rnncalc docs build`)."""

from __future__ import annotations

from pathlib import Path

from rnncalc.docs.pages import pages
from rnncalc.errors import RnncalcError

MANIFEST = ".rnncalc-generated"  # the files a build wrote: the only ones it may overwrite


def build(out: str = "docs/reference") -> list[Path]:
    """Write every reference page into `out`, byte-identical on every run.

    Writes only inside `out`; never deletes anything, and never overwrites a file it did not
    generate (the manifest in `out` lists the files it wrote).

    Returns:
        The files written.
    """
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise RnncalcError(f"{out} is a file", "give a folder for the pages")
    manifest = folder / MANIFEST
    ours = set(manifest.read_text().split()) if manifest.is_file() else set()
    generated = pages()
    for name in generated:
        target = folder / name
        if target.exists() and name not in ours:
            raise RnncalcError(
                f"{target} exists and was not written by rnncalc docs build",
                "move it away, or build into another folder",
            )
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sorted(generated.items()):
        target = folder / name
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
        written.append(target)
    manifest.write_text("".join(f"{name}\n" for name in sorted(ours | set(generated))))
    return written


__all__ = ["MANIFEST", "build", "pages"]
