"""Erasure leaves an anonymous member whose accounts still add up; the export holds every
row about the person and no secrets."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from storage import coupons, ledger, media_files, members, privacy, queued_jobs
from storage.db import transaction
from storage.models import (
    Coupon,
    CouponStatus,
    EntryKind,
    LedgerEntry,
    LineUser,
    MediaFile,
    Member,
    QueuedJob,
)
from tests.support import factories

USER = "U" + "a" * 32

BKK = ZoneInfo("Asia/Bangkok")


def member_who_redeemed(engine: Engine) -> int:
    """A LINE member with 150 points who spent 100 on a coupon (the ledger names them)."""
    with transaction(engine) as session:
        user = members.upsert_line_user(session, line_user_id=USER, display_name="Nok")
        member = members.create_member(session, phone="+66812345678")
        members.link(session, user, member)
        privacy.record_consent(session, user, version="1", service=True, marketing=True)
        ledger.post_entry(session, tz=BKK, member=member, kind=EntryKind.EARN, points=150,
                          actor="staff",
                          idempotency_key="earn")  # fmt: skip
        reward = factories.reward(session, name_th="ชา", points_cost=100)
        coupons.redeem(session, member_id=member.id, reward_id=reward.id, actor=USER,  # type: ignore[arg-type]
                       idempotency_key="r", tz=BKK)  # fmt: skip
        return member.id  # type: ignore[return-value]


def test_erasure_keeps_the_accounts_and_nothing_personal(engine: Engine) -> None:
    member_id = member_who_redeemed(engine)
    with transaction(engine) as session:
        user = session.get(LineUser, USER)
        assert user is not None
        privacy.erase(session, user)
    with transaction(engine) as session:
        member = session.get(Member, member_id)
        assert member is not None and member.erased_at is not None
        assert (member.phone, member.customer_ref, member.points) == (None, None, 0)
        entries = session.exec(select(LedgerEntry).where(LedgerEntry.member_id == member_id)).all()
        assert [(e.kind, e.points) for e in entries] == [
            ("earn", 150),
            ("redeem", -100),
            ("adjust", -50),
        ]
        assert USER not in {e.actor for e in entries}
        assert session.exec(select(Coupon)).one().status == CouponStatus.CANCELLED
        assert members.find_member_by_phone(session, "+66812345678") is None
        user = session.get(LineUser, USER)
        assert user is not None and user.member_id is None and user.display_name is None
        assert privacy.consent_history(session, USER) == []


def test_erasure_drops_the_kept_coupon_pictures(engine: Engine) -> None:
    member_who_redeemed(engine)
    with transaction(engine) as session:
        token = session.exec(select(Coupon)).one().image_token
        pictures = {"full": b"ticket", "preview": b"small", "qr": b"qr"}
        media_files.keep_coupon_pictures(session, token, pictures)
        user = session.get(LineUser, USER)
        assert user is not None
        privacy.erase(session, user)
    with transaction(engine) as session:
        assert media_files.find_coupon_picture(session, token, "full") is None
        assert session.exec(select(MediaFile)).all() == []


def test_an_sms_not_sent_yet_is_cancelled_and_forgets_the_phone(engine: Engine) -> None:
    member_id = member_who_redeemed(engine)
    with transaction(engine) as session:
        sms = queued_jobs.record(session, "send_sms", {"phone": "+66812345678", "body": "123456"})
        other = queued_jobs.record(session, "send_sms", {"phone": "+66899999999", "body": "1"})
    with transaction(engine) as session:
        user = session.get(LineUser, USER)
        assert user is not None and user.member_id == member_id
        privacy.erase(session, user)
    with transaction(engine) as session:
        erased, kept = session.get(QueuedJob, sms), session.get(QueuedJob, other)
        assert erased is not None and (erased.status, erased.args) == ("cancelled", {})
        assert kept is not None and kept.status == "pending" and kept.args["phone"]
        assert queued_jobs.claim(session, sms) is None


def test_the_export_has_every_row_about_the_person_and_no_secrets(engine: Engine) -> None:
    member_who_redeemed(engine)
    with transaction(engine) as session:
        user = session.get(LineUser, USER)
        assert user is not None
        data = privacy.member_data(session, user)
    assert data["line_user"]["display_name"] == "Nok"
    assert data["member"]["phone"] == "+66812345678" and "card_token" not in data["member"]
    assert len(data["ledger_entry"]) == 2 and len(data["consent_record"]) == 2
    assert "image_token" not in data["coupon"][0] and data["coupon"][0]["points"] == 100
    assert all("actor" not in e for e in data["ledger_entry"])


def test_staff_are_not_erased_from_the_chat(engine: Engine) -> None:
    with transaction(engine) as session:
        user = factories.staff(session, USER)
        with pytest.raises(privacy.ErasureRefused):
            privacy.erase(session, user)
