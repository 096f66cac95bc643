"""QR codes as PNG bytes (qrcode + Pillow)."""

from __future__ import annotations

import io
from functools import lru_cache

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

Modules = tuple[tuple[bool, ...], ...]


@lru_cache(maxsize=64)
def qr_modules(content: str) -> Modules:
    """The QR's modules (True is dark), without a border, at level M.

    Cached: choosing the mask is most of a QR's cost, and a coupon's three pictures all
    carry the same QR.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(content)
    code.make(fit=True)
    return tuple(tuple(bool(dark) for dark in row) for row in code.get_matrix())


def modules_image(modules: Modules, *, scale: int = 1, border: int = 0) -> Image.Image:
    """Black modules on white ("L"), `scale` pixels a module, `border` white modules round."""
    side = len(modules) + 2 * border
    blank = b"\xff" * side
    edge = b"\xff" * border
    rows = [blank] * border
    rows += [edge + bytes(0 if dark else 255 for dark in row) + edge for row in modules]
    rows += [blank] * border
    picture = Image.frombytes("L", (side, side), b"".join(rows))
    if scale == 1:
        return picture
    return picture.resize((side * scale, side * scale), Image.Resampling.NEAREST)


def qr_png(content: str, *, size: int = 600) -> bytes:
    """A square PNG of about `size` pixels encoding `content`, one bit a pixel."""
    image = modules_image(qr_modules(content), scale=12, border=4)
    image = image.resize((size, size), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.convert("1", dither=Image.Dither.NONE).save(out, format="PNG", optimize=True)
    return out.getvalue()
