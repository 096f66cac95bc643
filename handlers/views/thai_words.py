"""Where a line of Thai may break: between words (nlpO3's newmm segmenter with PyThaiNLP's
word list, views/data/words_th.txt, CC0), never inside a letter cluster.

A cluster is what must stay whole on screen: a Thai consonant with its vowels and tone
marks (a leading vowel เ แ โ ใ ไ with the consonant after it; ะ า ำ ๅ with the one
before), or an emoji sequence (ZWJ, skin tone, flag pair, variation selector, keycap).
bench/thai_segmenters.py compares the segmenters this was chosen from.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import nlpo3

WORDS = Path(__file__).with_name("data") / "words_th.txt"
LEADING_VOWELS = "เแโใไ"
FOLLOWING_VOWELS = "ะาำๅ"
ZWJ = "\u200d"
ELLIPSIS = "…"
_loaded = threading.Lock()
_dict_name: list[str] = []


def _joins_previous(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or char in FOLLOWING_VOWELS
        or char == ZWJ
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
    )


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def clusters(text: str) -> list[str]:
    """`text` cut into the pieces a break or an ellipsis may fall between."""
    out: list[str] = []
    for char in text:
        if out and (
            _joins_previous(char)
            or out[-1][-1] in LEADING_VOWELS
            or out[-1][-1] == ZWJ
            or (_regional(char) and len(out[-1]) == 1 and _regional(out[-1]))
        ):
            out[-1] += char
        else:
            out.append(char)
    return out


def _segmenter() -> str:
    with _loaded:
        if not _dict_name:
            nlpo3.load_dict(str(WORDS), "loyalty-th")
            _dict_name.append("loyalty-th")
    return _dict_name[0]


@lru_cache(maxsize=2048)
def words(text: str) -> tuple[str, ...]:
    """`text` as pieces a line may break after; joined they give `text` back exactly.

    A piece ends at a word boundary the segmenter finds, or after a space; a boundary
    inside a cluster is dropped (the segmenter knows Thai, not emoji sequences).
    """
    if not text:
        return ()
    edges = {0, *_after_spaces(text)}
    allowed = _cluster_edges(text)
    at = 0
    for token in nlpo3.segment(text, _segmenter(), safe=True):
        at += len(token)
        edges.add(at)
    cuts = sorted(edge for edge in edges if edge in allowed)
    pieces = [text[a:b] for a, b in zip(cuts, [*cuts[1:], len(text)], strict=True)]
    return tuple(_glue_spaces(pieces))


def _after_spaces(text: str) -> list[int]:
    """The positions just after each run of spaces."""
    return [n + 1 for n, char in enumerate(text) if char == " " and text[n + 1 : n + 2] != " "]


def _cluster_edges(text: str) -> set[int]:
    edges, at = {0}, 0
    for cluster in clusters(text):
        at += len(cluster)
        edges.add(at)
    return edges


def _glue_spaces(pieces: list[str]) -> list[str]:
    """A piece of spaces only joins the piece before it: a line never starts with a space."""
    out: list[str] = []
    for piece in pieces:
        if out and not piece.strip():
            out[-1] += piece
        else:
            out.append(piece)
    return out


def shortened(text: str, fits: Callable[[str], bool]) -> str:
    """`text`, or its longest start that `fits` with `…` after it: cut between words when
    that keeps most of what fits, else between clusters (never inside one)."""
    if fits(text):
        return text
    by_cluster = _longest_start(clusters(text.rstrip()), fits)
    by_word = _longest_start(list(words(text.rstrip())), fits)
    if len(by_word) >= 0.6 * len(by_cluster):
        return by_word + ELLIPSIS
    return by_cluster + ELLIPSIS


def _longest_start(pieces: list[str], fits: Callable[[str], bool]) -> str:
    """The most pieces (found by halving: a longer start is never narrower) that fit."""
    low, high = 0, len(pieces)
    while low < high:
        middle = (low + high + 1) // 2
        if fits("".join(pieces[:middle]).rstrip() + ELLIPSIS):
            low = middle
        else:
            high = middle - 1
    return "".join(pieces[:low]).rstrip()
