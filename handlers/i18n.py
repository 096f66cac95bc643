"""User-facing words: one catalog per language, Thai first.

A catalog (`handlers/locales/<lang>.py`) has three parts:
- `COMMANDS`: the words that start each route, by the route's key (`@router.command("points")`);
- `WORDS`: answers typed after a command or inside a dialog (`skip`, `on`, `none`, ...);
- `TEXT`: everything the bot says, and the labels of buttons and rich menus.

A command or word is matched in every language (a Thai user may type `points`). Its first
entry is what a button sends in that language: `t(lang, "cmd_points")` is the first word
of the `points` command and `t(lang, "word_skip")` the first word for skip.

English counts take the noun's two forms after a slash: `{points:point/points}` gives
`1 point` and `2 points` (`{n:,member/members}` also groups thousands).
"""

from __future__ import annotations

import re
import string
import unicodedata
from typing import Any

from handlers.locales import en, th

Words = dict[str, tuple[str, ...]]

COMMANDS: dict[str, Words] = {"th": th.COMMANDS, "en": en.COMMANDS}
WORDS: dict[str, Words] = {"th": th.WORDS, "en": en.WORDS}
LANGUAGES = tuple(COMMANDS)
DEFAULT = "th"


def normalise(text: str) -> str:
    """NFKC, trimmed, case-folded, inner spaces collapsed: how every command is matched."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def button_text(lang: str, command: str) -> str:
    """What a button that runs `command` sends in `lang`: the command's first word."""
    return COMMANDS[lang][command][0]


def _button_texts(commands: Words, words: Words) -> dict[str, str]:
    sent = {f"cmd_{key.replace(' ', '_')}": said[0] for key, said in commands.items()}
    return sent | {f"word_{key}": said[0] for key, said in words.items()}


def _catalog(text: dict[str, str], commands: Words, words: Words) -> dict[str, str]:
    sent = _button_texts(commands, words)
    clash = sorted(sent.keys() & text.keys())
    if clash:
        raise ValueError(f"TEXT keys taken by commands or words: {clash}")
    return text | sent


CATALOGS: dict[str, dict[str, str]] = {
    "th": _catalog(th.TEXT, th.COMMANDS, th.WORDS),
    "en": _catalog(en.TEXT, en.COMMANDS, en.WORDS),
}


def command_words(key: str) -> tuple[str, ...]:
    """Every way to type the command `key`, in every language, normalised."""
    said = (normalise(w) for lang in LANGUAGES for w in COMMANDS[lang][key])
    return tuple(dict.fromkeys(said))


def _said(word: str) -> set[str]:
    return {normalise(w) for lang in LANGUAGES for w in WORDS[lang][word]}


def means(typed: str, word: str) -> bool:
    """Whether `typed` is the word `word` (a `WORDS` key) in any language."""
    return normalise(typed) in _said(word)


def any_of(word: str) -> str:
    """A regular expression matching the word `word` in any language (already normalised)."""
    said = _said(word)
    return "(?:" + "|".join(re.escape(w) for w in sorted(said, key=len, reverse=True)) + ")"


def on_or_off(typed: str) -> bool | None:
    """True for `on` (`เปิด`), False for `off` (`ปิด`), None for anything else."""
    if means(typed, "on"):
        return True
    return False if means(typed, "off") else None


def language_for(profile_language: str | None) -> str:
    """The language to use for someone whose LINE app is set to `profile_language`."""
    if profile_language and profile_language.lower().startswith("en"):
        return "en"
    return DEFAULT


def plural(count: object, forms: str) -> str:
    """`count` and the noun of `forms` (`point/points`) that fits it: `1 point`, `2 points`."""
    one, other = forms.split("/", 1)
    try:
        single = int(str(count).replace(",", "")) == 1
    except ValueError:
        single = False
    return f"{count} {one if single else other}"


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if "/" not in format_spec:
            return str(super().format_field(value, format_spec))
        grouped = format_spec.startswith(",")
        shown = f"{value:,}" if grouped and isinstance(value, int) else value
        return plural(shown, format_spec.removeprefix(","))


_FORMATTER = _Formatter()


def _counted(catalog: dict[str, str]) -> frozenset[str]:
    """Keys of texts with a count (`{points:point/points}`): the rest need only `str.format`,
    which fills them the same way, in C (every answer fills a dozen texts)."""
    return frozenset(
        key
        for key, text in catalog.items()
        if any(spec and "/" in spec for _, _, spec, _ in string.Formatter().parse(text))
    )


_COUNTED = {lang: _counted(catalog) for lang, catalog in CATALOGS.items()}


def t(lang: str, key: str, **values: Any) -> str:
    """The text `key` in `lang`, filled with `values`."""
    if lang not in CATALOGS:
        lang = DEFAULT
    text = CATALOGS[lang][key]
    if key in _COUNTED[lang]:
        return _FORMATTER.format(text, **values)
    return text.format(**values)


def placeholders(text: str) -> set[str]:
    """The names a catalog text is filled with (`{points:point/points}` is `points`)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
