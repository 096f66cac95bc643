"""Fitting a line of text to a width: the font size it fits at, or the most even two lines,
broken between words (`thai_words`: a Thai segmenter, never inside a letter cluster), and
an ellipsis when even the smallest size is too wide. Emoji are measured in their own font."""

from __future__ import annotations

from handlers.views.mixed_text import drawable, text_width
from handlers.views.thai_words import ELLIPSIS, clusters, shortened, words

LONGEST = 240  # more letters than any picture's two lines hold

__all__ = ["ELLIPSIS", "fit_line", "fitting_size", "text_width", "wrap_two_lines"]


def fitting_size(text: str, largest: int, smallest: int, width: int, *, weight: int) -> int:
    """The largest size from `largest` down to `smallest` (in steps of 2) where `text` fits."""
    size = largest
    while size > smallest and text_width(text, size, weight) > width:
        size -= 2
    return max(size, smallest)


def fit_line(text: str, largest: int, smallest: int, width: int, *, weight: int) -> tuple[str, int]:
    """`text` on one line at the largest size that fits; shortened with `…` if none does."""
    text = _capped(text)
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
    text = _capped(text)
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


def _capped(text: str) -> str:
    """`text` without what could never be shown (whole clusters kept), and what no font has."""
    if len(text) > LONGEST:
        text = "".join(clusters(text[: LONGEST + 8])[:-1])
    return drawable(text)


def _best_split(pieces: list[str], size: int, weight: int, *, at_spaces: bool) -> list[str] | None:
    """Two lines cut between pieces so the wider line is as narrow as it can be.

    The first line widens as the cut moves right and the second narrows, so the best cut
    is where they cross: found by halving, not by measuring every cut.
    """
    cuts = [n for n in range(1, len(pieces)) if not at_spaces or pieces[n - 1].endswith(" ")]
    if not cuts:
        return None

    def lines(cut: int) -> list[str]:
        return ["".join(pieces[:cut]).strip(), "".join(pieces[cut:]).strip()]

    def widths(cut: int) -> tuple[int, int]:
        first, second = lines(cut)
        return text_width(first, size, weight), text_width(second, size, weight)

    low, high = 0, len(cuts) - 1
    while low < high:
        middle = (low + high) // 2
        first, second = widths(cuts[middle])
        if first >= second:
            high = middle
        else:
            low = middle + 1
    near = {cuts[low], cuts[max(low - 1, 0)]}
    return lines(min(near, key=lambda cut: (max(widths(cut)), cut)))


def _first_line_that_fits(pieces: list[str], size: int, weight: int, width: int) -> list[str]:
    """As many pieces as fit on the first line; the rest on the second, shortened with `…`."""

    def fits(line: str) -> bool:
        return text_width(line, size, weight) <= width

    low, high = 1, len(pieces)
    while low < high:
        middle = (low + high + 1) // 2
        if fits("".join(pieces[:middle]).strip()):
            low = middle
        else:
            high = middle - 1
    cut = low
    first = "".join(pieces[:cut]).strip()
    rest = "".join(pieces[cut:]).strip()
    if not fits(first):
        first = shortened(first, fits)
    return [first, shortened(rest, fits)] if rest else [first]
