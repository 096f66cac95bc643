"""The coupon's three pictures are pinned: any speed-up must draw the same pixels, and the
same bytes while the PNG encoder's settings are unchanged (the pixels are the design; the
bytes also change with zlib's level).

If a change of design is meant, print the new digests with
`.venv/bin/python -m tests.bot.test_picture_bytes` and paste them here.
"""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from handlers.views.colors import Palette
from handlers.views.coupon_image import CouponFace, coupon_pictures

OA = "https://line.me/R/oaMessage/@loyaltytest/?redeem%20C-7K3QX9ABC"

FACES = {
    "long thai with emoji": CouponFace(
        shop_name="ร้านชาบ้านสวน ☕ สาขาท่าแพ",
        title="คูปองแลกของรางวัล · REWARD COUPON",
        reward_name="ชาไทยเย็น 🧋 หวานน้อย ใส่ไข่มุกบราวน์ชูก้าร์ ท็อปปิ้งครีมชีส แก้วใหญ่พิเศษ",
        reward_subtitle="Thai iced tea 🧋 less sweet, brown sugar pearls, cream cheese, XL cup",
        code="C-7K3QX9ABC",
        qr_content=OA,
        valid_lines=("ใช้ได้ถึง 17 มี.ค. 2568", "Valid until 17 Mar 2025"),
        hint="แสดง QR นี้ให้พนักงานที่เคาน์เตอร์ · Show this QR at the counter",
        points_text="ใช้ 1,200 แต้ม · 1,200 points",
    ),
    "short english": CouponFace(
        shop_name="Kafe Dee",
        title="REWARD COUPON",
        reward_name="Latte",
        reward_subtitle=None,
        code="C-ABCDEFGHJ",
        qr_content="https://line.me/R/oaMessage/@kafedee/?redeem%20C-ABCDEFGHJ",
        valid_lines=("Valid until 2 Dec 2026",),
        hint="Show this QR at the counter",
        points_text="50 points",
        palette=Palette.of("#1E88E5"),
    ),
    "mixed": CouponFace(
        shop_name="กาแฟดี Kafe Dee",
        title="คูปองของขวัญ · GIFT COUPON",
        reward_name="Iced Americano อเมริกาโน่เย็น 🥤 ส้มยูซุ ❤️",
        reward_subtitle="Iced Americano yuzu",
        code="C-XYZ234567",
        qr_content="https://line.me/R/oaMessage/@kafedee/?redeem%20C-XYZ234567",
        valid_lines=("ใช้ได้ถึง 1 ม.ค. 2570", "Valid until 1 Jan 2027"),
        hint="แสดง QR นี้ให้พนักงานที่เคาน์เตอร์ · Show this QR at the counter",
        points_text="ของขวัญ · Gift",
        palette=Palette.of("#FFD54F"),
    ),
}

# (bytes, pixels) per picture. The pixels are those drawn on 2026-12-03 before the
# speed-up; the bytes changed once since, with the PNG settings (zlib level 3 for the
# ticket, one bit a pixel for the QR), the pixels did not.
PINNED: dict[tuple[str, str], tuple[str, str]] = {
    ("long thai with emoji", "full"): ("18b5860ffe6187e2", "9f160d462812aa7b"),
    ("long thai with emoji", "preview"): ("02e984261e01591f", "60a1d5f5a466d252"),
    ("long thai with emoji", "qr"): ("390ffc94a717d992", "7996dde7e8b86d44"),
    ("short english", "full"): ("9d5480cf837fd2ee", "fbaca94eb5f0e2ae"),
    ("short english", "preview"): ("852291f6f9b6f8f6", "a68b388b53fac09a"),
    ("short english", "qr"): ("a1811f702df79013", "b449d048dc48ce37"),
    ("mixed", "full"): ("032b3b57088ebd57", "0c1a73e3d07c1c65"),
    ("mixed", "preview"): ("77a7fb40f989fcb4", "6f78474942d69adb"),
    ("mixed", "qr"): ("e35b3600995ff018", "cdd8ca5d7fcf6fef"),
}


def drawings(face: CouponFace) -> dict[str, bytes]:
    pictures = coupon_pictures(face)
    return {"full": pictures.full, "preview": pictures.preview, "qr": pictures.qr}


def digests(png: bytes) -> tuple[str, str]:
    """The PNG's bytes and its decoded pixels (as RGB), each as a short digest."""
    with Image.open(io.BytesIO(png)) as image:
        pixels = image.convert("RGB").tobytes()
    return hashlib.sha256(png).hexdigest()[:16], hashlib.sha256(pixels).hexdigest()[:16]


@pytest.mark.parametrize("name", FACES)
def test_pictures_are_drawn_as_pinned(name: str) -> None:
    for kind, png in drawings(FACES[name]).items():
        data, pixels = digests(png)
        want_data, want_pixels = PINNED[(name, kind)]
        assert pixels == want_pixels, f"{name} {kind}: other pixels"
        assert data == want_data, f"{name} {kind}: same pixels, other bytes"


if __name__ == "__main__":
    for name, face in FACES.items():
        for kind, png in drawings(face).items():
            print(f"    ({name!r}, {kind!r}): {digests(png)!r},")
