"""A coupon's three pictures are drawn once, on the first fetch of any of them, and kept:
later fetches (LINE's, a phone's again) are served as they were drawn. Once the coupon has
ended (used, cancelled, expired), the daily coupon job drops them."""

from __future__ import annotations

from typing import Any

import pytest

from bot.jobs.queue import Jobs
from bot.jobs.tasks import mark_expired_coupons
from bot.web import media
from handlers.views.coupon_image import CouponFace, CouponPictures, coupon_pictures
from storage import coupons, media_files
from storage.db import transaction
from tests.support import factories
from tests.support.line import Line


def _coupon(line: Line, phone: str = "0812345678") -> tuple[str, str]:
    """(code, image token) of a new coupon."""
    with transaction(line.engine) as session:
        member = factories.member(session, phone=phone, points=500)
        reward = factories.reward(session, name_th="ชาไทยเย็น 🧋", points_cost=200)
        coupon = factories.coupon(session, member=member, reward=reward)
        return coupon.code, coupon.image_token


def _coupon_token(line: Line, phone: str = "0812345678") -> str:
    return _coupon(line, phone)[1]


@pytest.fixture
def draws(monkeypatch: pytest.MonkeyPatch) -> list[CouponFace]:
    """The faces drawn through the media routes, one per drawing."""
    drawn: list[CouponFace] = []

    def counted(face: CouponFace) -> CouponPictures:
        drawn.append(face)
        return coupon_pictures(face)

    monkeypatch.setattr(media, "coupon_pictures", counted)
    return drawn


def _get(line: Line, path: str) -> bytes:
    response = line.client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "image/png"
    return bytes(response.data)


def test_the_three_pictures_are_drawn_once(line: Line, draws: list[CouponFace]) -> None:
    token = _coupon_token(line)
    paths = {
        "qr": f"/media/coupon/{token}/qr.png",
        "full": f"/media/coupon/{token}.png",
        "preview": f"/media/coupon/{token}/preview.png",
    }
    first = {part: _get(line, path) for part, path in paths.items()}
    again = {part: _get(line, path) for part, path in paths.items()}
    assert len(draws) == 1
    assert again == first
    drawn = coupon_pictures(draws[0])
    assert first == {"full": drawn.full, "preview": drawn.preview, "qr": drawn.qr}


def test_each_coupon_has_its_own_pictures(line: Line, draws: list[CouponFace]) -> None:
    tokens = [_coupon_token(line, "0812345678"), _coupon_token(line, "0898765432")]
    pictures = [_get(line, f"/media/coupon/{token}.png") for token in tokens]
    assert len(draws) == 2 and pictures[0] != pictures[1]


def test_pictures_kept_twice_keep_the_first(line: Line) -> None:
    """Two requests drawing the same new coupon at once: the second keeps nothing, fails not."""
    token = _coupon_token(line)
    with transaction(line.engine) as session:
        media_files.keep_coupon_pictures(session, token, {"full": b"first"})
    with transaction(line.engine) as session:
        media_files.keep_coupon_pictures(session, token, {"full": b"second"})
        assert media_files.find_coupon_picture(session, token, "full") == b"first"


def test_an_unknown_coupon_is_404_and_draws_nothing(
    line: Line, client: Any, draws: list[CouponFace]
) -> None:
    assert client.get("/media/coupon/nope/preview.png").status_code == 404
    assert draws == []


def test_pictures_of_a_used_coupon_go_with_the_daily_job(line: Line, jobs: Jobs) -> None:
    used_code, used = _coupon(line, "0812345678")
    live = _coupon_token(line, "0898765432")
    for token in (used, live):
        _get(line, f"/media/coupon/{token}.png")
    with transaction(line.engine) as session:
        coupons.use_coupon(session, code=used_code, staff_user_id="U-cashier")
    mark_expired_coupons(jobs)
    with transaction(line.engine) as session:
        kept = [media_files.find_coupon_picture(session, used, p) for p in media_files.COUPON_PARTS]
        assert kept == [None, None, None]
        assert media_files.find_coupon_picture(session, live, "preview") is not None
