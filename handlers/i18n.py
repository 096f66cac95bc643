"""User-facing text: one catalog per language, Thai first."""

from __future__ import annotations

from typing import Any

from handlers.locales import en, th

CATALOGS: dict[str, dict[str, str]] = {"th": th.TEXT, "en": en.TEXT}
LANGUAGES = tuple(CATALOGS)
DEFAULT = "th"


def language_for(profile_language: str | None) -> str:
    """The language to use for someone whose LINE app is set to `profile_language`."""
    if profile_language and profile_language.lower().startswith("en"):
        return "en"
    return DEFAULT


def t(lang: str, key: str, **values: Any) -> str:
    """The text `key` in `lang`, filled with `values`."""
    catalog = CATALOGS.get(lang, CATALOGS[DEFAULT])
    return catalog[key].format(**values)
