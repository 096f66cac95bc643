"""The coupon as a picture: a paper-style ticket with the QR a cashier scans (Pillow).

Thai is set in Noto Sans Thai (variable font, `fontpkg-noto-sans-thai`) through Pillow's
raqm layout, which is what stacks tone marks and vowels over and under their consonants;
emoji in Noto Emoji (`mixed_text`); long names break between words (`text_fit`).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw

from handlers.views.colors import RGB, Palette
from handlers.views.fonts import font
from handlers.views.mixed_text import draw_text
from handlers.views.qr import modules_image, qr_modules, qr_png
from handlers.views.text_fit import fit_line, wrap_two_lines

log = logging.getLogger(__name__)

SIZE = (1080, 1720)
PREVIEW_WIDTH = 480
INK = (34, 34, 34)
GREY = (120, 120, 120)
PAPER = (255, 255, 255)
LINE_GREY = (200, 200, 200)
MARGIN = 60
RADIUS = 36
NOTCH = 34
HEADER_HEIGHT = 250
TEAR_Y = 730
BADGE_HEIGHT = 58
QR_BOX = 540


@dataclass(frozen=True)
class CouponFace:
    """What the coupon says; every label already in the words the shop wants printed."""

    shop_name: str
    title: str
    reward_name: str
    reward_subtitle: str | None
    code: str
    qr_content: str
    valid_lines: tuple[str, ...]
    hint: str
    points_text: str
    palette: Palette = Palette()


@dataclass(frozen=True)
class Inks:
    """The shop's colours on the coupon (`handlers.views.colors`, as on its menus and cards)."""

    band: RGB
    on_band: RGB
    accent: RGB
    backdrop: RGB

    @classmethod
    def of(cls, palette: Palette) -> Inks:
        return cls(palette.strong, palette.on_strong, palette.on_wash, palette.wash)


@dataclass(frozen=True)
class CouponPictures:
    """A coupon's three PNGs: the ticket, its preview for the chat, and the QR alone."""

    full: bytes
    preview: bytes
    qr: bytes


def coupon_pictures(face: CouponFace) -> CouponPictures:
    """All three pictures from one drawing of the ticket."""
    image, inks = _drawn(face), Inks.of(face.palette)
    preview = _png(_shrink(image, PREVIEW_WIDTH), inks)
    return CouponPictures(full=_png(image, inks), preview=preview, qr=qr_png(face.qr_content))


def _drawn(face: CouponFace) -> Image.Image:
    """The full-size ticket: the shop's part from `_ground`, then this coupon's own."""
    inks = Inks.of(face.palette)
    image = _ground(inks, face.shop_name, face.title, face.hint).copy()
    draw = ImageDraw.Draw(image)
    _reward(draw, face, inks)
    _qr(image, face.qr_content)
    _code_and_validity(draw, face)
    return image


@lru_cache(maxsize=4)
def _ground(inks: Inks, shop_name: str, title: str, hint: str) -> Image.Image:
    """What every coupon of a shop shares: ticket, header, tear line and hint.

    None of these overlaps what `_drawn` adds, so drawing them first changes no pixel.
    """
    image = Image.new("RGB", SIZE, inks.backdrop)
    draw = ImageDraw.Draw(image)
    _ticket(draw, inks)
    _header(draw, shop_name, title, inks)
    _tear_line(draw, inks)
    _hint(draw, hint)
    return image


def _shrink(image: Image.Image, width: int) -> Image.Image:
    """Halve by averaging first (cheap), then Lanczos for the last step (sharp text)."""
    factor = image.width // width
    if factor >= 2:
        image = image.reduce(factor)
    height = round(SIZE[1] * width / SIZE[0])
    return image.resize((width, height), Image.Resampling.LANCZOS)


@lru_cache(maxsize=8)
def _blends(inks: Inks) -> Image.Image:
    """The palette: each ink faded into the ground it is drawn on, in 10 steps.

    Everything on the coupon is one of these inks, its anti-aliased edge, or a mix of two
    grounds, so mapping onto this palette loses nothing visible and is twice as fast as
    choosing a palette per picture.
    """
    pairs = [
        (INK, PAPER),
        (GREY, PAPER),
        (LINE_GREY, PAPER),
        ((0, 0, 0), PAPER),
        (inks.on_band, inks.band),
        (inks.accent, inks.backdrop),
        (inks.backdrop, PAPER),
        (inks.band, inks.backdrop),
    ]
    colours: list[int] = []
    for ink, ground in pairs:
        for step in range(10):
            mix = step / 9
            colours += [round(i * mix + g * (1 - mix)) for i, g in zip(ink, ground, strict=True)]
    palette = Image.new("P", (1, 1))
    palette.putpalette(colours)
    return palette


def _png(image: Image.Image, inks: Inks) -> bytes:
    """A palette PNG of the coupon's own colours: a third of the bytes of RGB.

    zlib level 3: a quarter more bytes than the default 6, in half the time.
    """
    out = io.BytesIO()
    mapped = image.quantize(palette=_blends(inks), dither=Image.Dither.NONE)
    mapped.save(out, format="PNG", compress_level=3)
    return out.getvalue()


def _ticket(draw: ImageDraw.ImageDraw, inks: Inks) -> None:
    left, top, right, bottom = MARGIN, MARGIN, SIZE[0] - MARGIN, SIZE[1] - MARGIN
    draw.rounded_rectangle((left, top, right, bottom), RADIUS, fill=PAPER)
    draw.rounded_rectangle(
        (left, top, right, top + HEADER_HEIGHT),
        RADIUS,
        fill=inks.band,
        corners=(True, True, False, False),
    )


def _header(draw: ImageDraw.ImageDraw, shop_name: str, title: str, inks: Inks) -> None:
    center = SIZE[0] // 2
    name, size = fit_line(shop_name, 60, 36, SIZE[0] - 2 * MARGIN - 80, weight=700)
    at = (center, MARGIN + 95)
    draw_text(draw, at, name, size=size, weight=700, fill=inks.on_band, anchor="mm")
    title, size = fit_line(title, 34, 26, SIZE[0] - 2 * MARGIN - 80, weight=500)
    draw_text(
        draw, (center, MARGIN + 180), title, size=size, weight=500, fill=inks.on_band, anchor="mm"
    )


def _reward(draw: ImageDraw.ImageDraw, face: CouponFace, inks: Inks) -> None:
    """Reward name (one or two lines), English name, points badge: centred above the tear."""
    center = SIZE[0] // 2
    width = SIZE[0] - 2 * MARGIN - 100
    lines, size = wrap_two_lines(face.reward_name, width, sizes=(68, 62, 56, 50, 44), weight=700)
    step = round(size * 1.45)
    sub, sub_size = fit_line(face.reward_subtitle or "", 36, 26, width, weight=400)
    height = step * len(lines) + (58 if face.reward_subtitle else 0) + 30 + BADGE_HEIGHT
    y = MARGIN + HEADER_HEIGHT + (TEAR_Y - MARGIN - HEADER_HEIGHT - height) // 2
    for line in lines:
        draw_text(draw, (center, y + step // 2), line, size=size, weight=700, fill=INK, anchor="mm")
        y += step
    if face.reward_subtitle:
        draw_text(draw, (center, y + 26), sub, size=sub_size, fill=GREY, anchor="mm")
        y += 58
    _badge(draw, face.points_text, (center, y + 30), inks)


def _badge(draw: ImageDraw.ImageDraw, label: str, at: tuple[int, int], inks: Inks) -> None:
    center, top = at
    small = font(30, 600)
    left, _, right, _ = draw.textbbox((0, 0), label, font=small)
    half = (right - left) // 2 + 32
    bottom = top + BADGE_HEIGHT
    draw.rounded_rectangle(
        (center - half, top, center + half, bottom), BADGE_HEIGHT // 2, fill=inks.backdrop
    )
    middle = (center, top + BADGE_HEIGHT // 2)
    draw.text(middle, label, font=small, fill=inks.accent, anchor="mm")


def _tear_line(draw: ImageDraw.ImageDraw, inks: Inks) -> None:
    """Dashes between two half-circle notches: the part the cashier keeps an eye on."""
    left, right = MARGIN, SIZE[0] - MARGIN
    for cx in (left, right):
        draw.ellipse((cx - NOTCH, TEAR_Y - NOTCH, cx + NOTCH, TEAR_Y + NOTCH), fill=inks.backdrop)
    x = left + NOTCH + 18
    while x < right - NOTCH - 18:
        draw.line((x, TEAR_Y, min(x + 18, right - NOTCH - 18), TEAR_Y), fill=LINE_GREY, width=4)
        x += 32


def _qr(image: Image.Image, content: str) -> None:
    """The QR, drawn on whole pixels per module so every phone camera reads it."""
    modules = qr_modules(content)
    side = len(modules)
    scale = max(1, QR_BOX // side)
    picture = modules_image(modules, scale=scale)
    offset = (QR_BOX - side * scale) // 2
    image.paste(picture, ((SIZE[0] - side * scale) // 2, TEAR_Y + 60 + offset))


def _code_and_validity(draw: ImageDraw.ImageDraw, face: CouponFace) -> None:
    center = SIZE[0] // 2
    y = TEAR_Y + 60 + QR_BOX + 40
    draw.text((center, y), _spaced(face.code), font=font(58, 700), fill=INK, anchor="mt")
    y += 100
    for n, line in enumerate(face.valid_lines):
        style = font(34, 600) if n == 0 else font(28, 400)
        draw.text((center, y), line, font=style, fill=INK if n == 0 else GREY, anchor="mt")
        y += 52 if n == 0 else 44


def _hint(draw: ImageDraw.ImageDraw, hint: str) -> None:
    hint, size = fit_line(hint, 26, 20, SIZE[0] - 2 * MARGIN - 60, weight=400)
    draw_text(draw, (SIZE[0] // 2, SIZE[1] - MARGIN - 40), hint, size=size, fill=GREY, anchor="mm")


def _spaced(code: str) -> str:
    """`C-7K3QX9ABC` -> `C-7K3 QX9 ABC`: easier to read aloud and type."""
    prefix, _, body = code.partition("-")
    groups = [body[i : i + 3] for i in range(0, len(body), 3)]
    return f"{prefix}-" + " ".join(groups) if body else code
