"""MkDocs hooks of the site (mkdocs.yml `hooks:`): one search index per language.

mkdocs-static-i18n builds every language into one search index, so each result would show
twice and English pages would answer Chinese queries. After the build, the index is split:
`search/search_index.json` keeps the English pages, `zh/search/search_index.json` the Chinese
ones (their locations relative to `zh/`), and each Chinese page's search reads its own (the
theme's config `base` of a zh page is the zh root; the site uses it for nothing else: no
instant navigation, no versions; its sitemap is copied beside the zh index).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

LANGUAGES = ("zh",)  # the languages besides the default, each under its own folder
CONFIG = re.compile(r'(<script id="__config" type="application/json">\{[^<]*?"base": ")([^"]*)(")')


def on_post_page(output: str, page: Any, config: Any) -> str:
    """A zh page's search reads the zh index: its `base` is its language's root."""
    language = getattr(page.file, "locale_alternate_of", None)  # the language being built
    if language in LANGUAGES:
        return CONFIG.sub(lambda m: f"{m[1]}{m[2]}/{language}/{m[3]}", output, count=1)
    return output


def on_post_build(config: Any) -> None:
    """Split the index static-i18n wrote (this runs after it: see the priority below)."""
    root = Path(config["site_dir"])
    index = root / "search" / "search_index.json"
    if not index.exists():
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    docs = data["docs"]
    for language in LANGUAGES:
        prefix = f"{language}/"
        own = [
            d | {"location": d["location"][len(prefix) :]}
            for d in docs
            if d["location"].startswith(prefix)
        ]
        if not own:
            continue  # a language's own build, before the index holds every language
        target = root / language / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data | {"docs": own}, ensure_ascii=False), encoding="utf-8")
        for sitemap in ("sitemap.xml", "sitemap.xml.gz"):  # the theme reads it beside the index
            if (root / sitemap).exists():
                (root / language / sitemap).write_bytes((root / sitemap).read_bytes())
        docs = [d for d in docs if not d["location"].startswith(prefix)]
    index.write_text(json.dumps(data | {"docs": docs}, ensure_ascii=False), encoding="utf-8")


on_post_build.mkdocs_priority = -100  # type: ignore[attr-defined]  # mkdocs.plugins.event_priority


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Tables in console blocks become Markdown tables (rnncalc/docs/console.py)."""
    from rnncalc.docs.console import page as rendered

    return rendered(markdown)
