"""The language rnncalc speaks: English, or Simplified Chinese from its gettext catalogue.

Every message a person reads goes through `_()`: in English it is the message itself, in
Chinese its translation from `rnncalc/locale/zh/LC_MESSAGES/rnncalc.mo`, loaded on the first
Chinese message (English loads nothing). The language is, in order: `set_language` (the CLI's
`--lang`), the environment variable `RNNCALC_LANG` (`en` or `zh`), a `zh_*` locale in
`LC_ALL`, `LC_MESSAGES` or `LANG` (the first of them that is set); otherwise English.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gettext import NullTranslations

DOMAIN = "rnncalc"
LOCALE_DIR = Path(__file__).parent / "locale"


class Language(str, Enum):
    """The languages rnncalc speaks."""

    EN = "en"
    ZH = "zh"


_chosen: Language | None = None  # set_language's choice; None: the environment's
_found: Language | None = None  # the environment's, read once (see `set_language`)
_catalogue: NullTranslations | None = None


def from_environment(environ: Mapping[str, str] = os.environ) -> Language:
    """The language the environment asks for: `RNNCALC_LANG`, then the locale.

    Example:
        >>> from_environment({"LANG": "zh_CN.UTF-8"}), from_environment({"LANG": "de_DE"})
        (<Language.ZH: 'zh'>, <Language.EN: 'en'>)
        >>> from_environment({"RNNCALC_LANG": "en", "LC_ALL": "zh_TW.UTF-8"})
        <Language.EN: 'en'>
    """
    asked = _language_part(environ.get("RNNCALC_LANG", ""))
    if asked in ("en", "zh"):
        return Language(asked)
    # POSIX: the first of these that is set (and not empty) names the messages' locale.
    locale = next((environ[n] for n in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(n)), "")
    return Language.ZH if _language_part(locale) == "zh" else Language.EN


def _language_part(name: str) -> str:
    """`zh` of `zh_CN.UTF-8`, `zh-Hans` or `zh`; the language of a locale's name."""
    for separator in "_-.@":
        name = name.partition(separator)[0]
    return name.strip().lower()


def language() -> Language:
    """The language messages are written in now."""
    global _found
    if _chosen is not None:
        return _chosen
    if _found is None:
        _found = from_environment()
    return _found


def chosen() -> Language | None:
    """The language `set_language` chose (None: none, the environment's applies)."""
    return _chosen


def set_language(lang: Language | str | None) -> None:
    """Speak `lang` ("en" or "zh") from now on; None follows the environment again (read
    anew, so a changed `RNNCALC_LANG` or `LANG` applies).

    Example:
        >>> set_language("zh"); language()
        <Language.ZH: 'zh'>
        >>> set_language(None)
    """
    global _chosen, _found
    _chosen = None if lang is None else _parse(lang)
    _found = None


@contextlib.contextmanager
def speaking(lang: Language | str | None) -> Iterator[None]:
    """Speak `lang` inside the block (None: the environment's), and as before after it.

    Example:
        >>> with speaking("en"):
        ...     _("params")
        'params'
    """
    global _chosen, _found
    before = _chosen, _found
    set_language(lang)
    try:
        yield
    finally:
        _chosen, _found = before


def _parse(lang: Language | str) -> Language:
    try:
        return Language(lang)
    except ValueError:
        # No RnncalcError here: errors.py builds its messages with this module.
        raise ValueError(f"unknown language {lang!r}: rnncalc speaks en and zh") from None


def _(message: str) -> str:
    """`message` in the language spoken now (itself in English).

    Placeholders are named, and filled after translation, so that a translator sees the whole
    sentence: `_("{layer} needs `{name}`").format(layer=layer, name=name)`.
    """
    if language() is Language.EN:
        return message
    return _translations().gettext(message)


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it: for module constants, which
    are translated with `_()` where they are used (the language is not known at import)."""
    return message


def _translations() -> NullTranslations:
    global _catalogue
    if _catalogue is None:
        import gettext

        _catalogue = gettext.translation(
            DOMAIN, localedir=LOCALE_DIR, languages=[Language.ZH.value], fallback=True
        )
    return _catalogue


__all__ = [
    "N_",
    "Language",
    "_",
    "chosen",
    "from_environment",
    "language",
    "set_language",
    "speaking",
]
