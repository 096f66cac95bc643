"""Fitting a line of text to a width: the font size it fits at, or the most even two lines,
broken between words (`thai_words`: a Thai segmenter, never inside a letter cluster), and
an ellipsis when even the smallest size is too wide. Emoji are measured in their own font."""

from __future__ import annotations

from handlers.views.mixed_text import drawable, text_width
from handlers.views.thai_words import ELLIPSIS, shortened, words

__all__ = ["ELLIPSIS", "fit_line", "fitting_size", "text_width", "wrap_two_lines"]


def fitting_size(text: str, largest: int, smallest: int, width: int, *, weight: int) -> int:
    """The largest size from `largest` down to `smallest` (in steps of 2) where `text` fits."""
    size = largest
    while size > smallest and text_width(text, size, weight) > width:
        size -= 2
    return max(size, smallest)


def fit_line(text: str, largest: int, smallest: int, width: int, *, weight: int) -> tuple[str, int]:
    """`text` on one line at the largest size that fits; shortened with `…` if none does."""
    text = drawable(text)
    size = fitting_size(text, largest, smallest, width, weight=weight)
    return shortened(text, lambda line: text_width(line, size, weight) <= width), size


def wrap_two_lines(
    text: str, width: int, *, sizes: tuple[int, ...], weight: int
) -> tuple[list[str], int]:
    """One line if it fits at some size, else the most even two lines; shrink as needed.

    A break after a space is tried at every size before a break between two words with no
    space between them (a segmenter sometimes cuts a borrowed word, บรา|วน์). If nothing
    fits at the smallest size, the second line ends in `…`.
    """
    text = drawable(text)
    for size in sizes:
        if text_width(text, size, weight) <= width:
            return [text], size
    pieces = list(words(text))
    for at_spaces in (True, False):
        for size in sizes:
            best = _best_split(pieces, size, weight, at_spaces=at_spaces)
            if best is not None and max(text_width(line, size, weight) for line in best) <= width:
                return best, size
    size = sizes[-1]
    lines = _first_line_that_fits(pieces, size, weight, width)
    return lines, size


def _best_split(pieces: list[str], size: int, weight: int, *, at_spaces: bool) -> list[str] | None:
    """Two lines cut between pieces so the wider line is as narrow as it can be."""
    best: list[str] | None = None
    widest = 0
    for cut in range(1, len(pieces)):
        if at_spaces and not pieces[cut - 1].endswith(" "):
            continue
        lines = ["".join(pieces[:cut]).strip(), "".join(pieces[cut:]).strip()]
        wider = max(text_width(line, size, weight) for line in lines)
        if best is None or wider < widest:
            best, widest = lines, wider
    return best


def _first_line_that_fits(pieces: list[str], size: int, weight: int, width: int) -> list[str]:
    """As many pieces as fit on the first line; the rest on the second, shortened with `…`."""

    def fits(line: str) -> bool:
        return text_width(line, size, weight) <= width

    cut = 1
    while cut < len(pieces) and fits("".join(pieces[: cut + 1]).strip()):
        cut += 1
    first = "".join(pieces[:cut]).strip()
    rest = "".join(pieces[cut:]).strip()
    if not fits(first):
        first = shortened(first, fits)
    return [first, shortened(rest, fits)] if rest else [first]
