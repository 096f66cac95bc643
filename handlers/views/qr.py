"""QR codes as PNG bytes (qrcode + Pillow)."""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def qr_image(content: str, *, box_size: int = 12, border: int = 4):  # type: ignore[no-untyped-def]
    """A black-on-white Pillow image of `content`."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(content)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")


def qr_png(content: str, *, size: int = 600) -> bytes:
    """A square PNG of about `size` pixels encoding `content`."""
    image = qr_image(content)
    image = image.resize((size, size), resample=0)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
