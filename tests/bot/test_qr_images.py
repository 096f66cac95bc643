"""Every QR picture the bot serves decodes (zxing-cpp) to exactly what it should say."""

from __future__ import annotations

import io

from PIL import Image, ImageFont

from handlers.views import coupon_image, fonts
from handlers.views.coupon_image import CouponFace, coupon_pictures
from storage.db import transaction
from tests.handlers.reward_helpers import decode_qr
from tests.support import factories
from tests.support.line import Line

OA = "https://line.me/R/oaMessage/@loyaltytest/?"


def _member_and_coupon(line: Line) -> tuple[str, str, str, str]:
    """(member code, card token, coupon code, coupon image token)."""
    with transaction(line.engine) as session:
        member = factories.member(session, phone="0812345678", points=500)
        reward = factories.reward(
            session, name_th="ข้าวเหนียวมะม่วง", name_en="Mango sticky rice", points_cost=200
        )
        coupon = factories.coupon(session, member=member, reward=reward)
        return member.code, member.card_token, coupon.code, coupon.image_token


def _get(line: Line, path: str) -> bytes:
    response = line.client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "image/png"
    return response.data


def test_member_card_qr_opens_the_award_command(line: Line) -> None:
    member_code, card_token, _, _ = _member_and_coupon(line)
    assert decode_qr(_get(line, f"/media/card/{card_token}.png")) == f"{OA}award%20{member_code}"


def test_coupon_pictures_open_the_redeem_command(line: Line) -> None:
    _, _, code, token = _member_and_coupon(line)
    expected = f"{OA}redeem%20{code}"
    for path in (f"/media/coupon/{token}.png", f"/media/coupon/{token}/preview.png"):
        assert decode_qr(_get(line, path)) == expected
    assert decode_qr(_get(line, f"/media/coupon/{token}/qr.png")) == expected


def test_coupon_picture_has_its_size_and_stays_small(line: Line) -> None:
    _, _, _, token = _member_and_coupon(line)
    full = _get(line, f"/media/coupon/{token}.png")
    preview = _get(line, f"/media/coupon/{token}/preview.png")
    assert Image.open(io.BytesIO(full)).size == coupon_image.SIZE == (1080, 1720)
    assert Image.open(io.BytesIO(preview)).width == coupon_image.PREVIEW_WIDTH
    assert len(full) < 200_000 and len(preview) < 100_000


def test_unknown_tokens_are_404(line: Line) -> None:
    for path in ("/media/coupon/nope.png", "/media/coupon/nope/qr.png", "/media/picture/nope.jpg"):
        assert line.client.get(path).status_code == 404


def test_long_thai_names_still_leave_a_readable_qr() -> None:
    face = CouponFace(
        shop_name="ร้านกาแฟบ้านสวนริมน้ำเชียงใหม่ สาขาประตูท่าแพ",
        title="คูปองแลกของรางวัล · REWARD COUPON",
        reward_name="ข้าวเหนียวมะม่วงน้ำกะทิสูตรคุณยายพิเศษกุ้งแม่น้ำเผาซีฟู้ดรวมมิตรทะเล",
        reward_subtitle="Grandma's mango sticky rice with coconut cream and grilled river prawns",
        code="C-7K3QX9ABC",
        qr_content=f"{OA}redeem%20C-7K3QX9ABC",
        valid_lines=("ใช้ได้ถึง 17 มี.ค. 2568", "Valid until 17 Mar 2025"),
        hint="แสดง QR นี้ให้พนักงานที่เคาน์เตอร์ · Show this QR at the counter",
        points_text="ใช้ 1,200 แต้ม · 1,200 points",
    )
    png = coupon_pictures(face).full
    assert Image.open(io.BytesIO(png)).size == coupon_image.SIZE
    assert decode_qr(png) == f"{OA}redeem%20C-7K3QX9ABC"


def test_thai_is_laid_out_with_raqm() -> None:
    from PIL import features

    assert features.check("raqm")
    assert fonts.LAYOUT == ImageFont.Layout.RAQM
    font = fonts.font(60, 700)
    # With raqm the tone mark sits on the consonant: the pair is no wider than the consonant.
    assert font.getlength("น้") <= font.getlength("น") + 1
