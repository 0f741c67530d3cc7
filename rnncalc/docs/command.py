"""`rnncalc docs build`, added to the calculator's program."""

from __future__ import annotations

from typing import Annotated

import typer

from rnncalc.cli import app, handle

docs_app = typer.Typer(help="The reference site's pages.", no_args_is_help=True)
app.add_typer(docs_app, name="docs")


@docs_app.command("build")
def docs_build(
    out: Annotated[
        str, typer.Argument(help="The folder to write the pages into.")
    ] = "docs/reference",
) -> None:
    """Generate the reference pages (one per layer, English and Chinese) from rnncalc's models.

    Byte-identical on every run; writes only inside OUT and never overwrites a file it did not
    generate.
    """
    from rnncalc.docs.site import build

    handle(lambda: build(out), lambda written: f"wrote {len(written)} pages to {out}")
