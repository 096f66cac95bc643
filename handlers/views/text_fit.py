"""Fitting a line of text to a width: the font size it fits at, or the most even two lines,
cut between words or, for a long Thai word, between letter clusters (never stranding a mark)."""

from __future__ import annotations

import unicodedata

from PIL import ImageFont

from handlers.views.fonts import font


def text_width(text: str, size: int, weight: int) -> int:
    left, _, right, _ = font(size, weight).getbbox(text)
    return int(right - left)


def fitting_font(
    text: str, largest: int, smallest: int, width: int, *, weight: int
) -> ImageFont.FreeTypeFont:
    """The largest size from `largest` down to `smallest` at which `text` fits `width`."""
    size = largest
    while size > smallest and text_width(text, size, weight) > width:
        size -= 2
    return font(size, weight)


def wrap_two_lines(
    text: str, width: int, *, sizes: tuple[int, ...], weight: int
) -> tuple[list[str], int]:
    """One line if it fits at some size, else the most even two lines; shrink as needed."""
    for size in sizes:
        if text_width(text, size, weight) <= width:
            return [text], size
    pieces = _pieces(text)
    for size in sizes:
        best = _best_split(pieces, size, weight)
        if best is not None and max(text_width(line, size, weight) for line in best) <= width:
            return best, size
    lines = _best_split(pieces, sizes[-1], weight) or [text]
    return lines, sizes[-1]


def _best_split(pieces: list[str], size: int, weight: int) -> list[str] | None:
    """Two lines cut between pieces so the wider line is as narrow as it can be."""
    best: list[str] | None = None
    widest = 0
    for cut in range(1, len(pieces)):
        lines = ["".join(pieces[:cut]).strip(), "".join(pieces[cut:]).strip()]
        wider = max(text_width(line, size, weight) for line in lines)
        if best is None or wider < widest:
            best, widest = lines, wider
    return best


def _pieces(text: str) -> list[str]:
    """Words (with their leading space); a word too long is cut into letter clusters.

    A cluster is a base letter with the marks above and below it, and a Thai leading
    vowel (เ แ โ ใ ไ) stays with the consonant after it, so a cut never strands a mark.
    """
    words = text.replace("\n", " ").split(" ")
    pieces: list[str] = []
    for n, word in enumerate(words):
        lead = " " if n else ""
        if len(word) <= 12:
            pieces.append(lead + word)
            continue
        clusters = _clusters(word)
        pieces.append(lead + clusters[0])
        pieces.extend(clusters[1:])
    return pieces


def _clusters(word: str) -> list[str]:
    clusters: list[str] = []
    for char in word:
        joins = unicodedata.category(char) in ("Mn", "Mc") or char in "ะาำๅ"
        if clusters and (joins or clusters[-1][-1] in "เแโใไ"):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters
