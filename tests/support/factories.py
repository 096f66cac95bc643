"""One line each for the people and things a test needs, made the way the service makes
them: members through `members`, points through ledger entries, rewards through
`rewards.create_reward`, coupons through `coupons.redeem` (or a gift). Each takes the
session and flushes; the caller's transaction commits.

    member = factories.member(session, phone="0812345678", points=120)
    factories.staff(session, "U" + "1" * 32)
    latte = factories.reward(session, points_cost=100)
    factories.coupon(session, member=member, reward=latte)
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import coupons, ledger, members, phones, rewards
from storage.db import transaction
from storage.models import Coupon, EntryKind, LedgerEntry, LineUser, Member, Reward, Role

BANGKOK = ZoneInfo("Asia/Bangkok")


def member(
    session: Session,
    *,
    phone: str | None = None,
    points: int = 0,
    line_user_id: str | None = None,
) -> Member:
    """A member (phone as typed, "0812345678", or E.164), with `points` from one ADJUST entry
    and, given `line_user_id`, linked to that LINE user."""
    e164 = phone if phone is None or phone.startswith("+") else phones.to_e164(phone)
    assert phone is None or e164, f"not a phone number: {phone}"
    made = members.create_member(session, phone=e164)
    if line_user_id is not None:
        members.link(session, members.upsert_line_user(session, line_user_id=line_user_id), made)
    if points:
        give_points(session, made, points)
    return made


def give_points(
    session: Session, member: Member, points: int, *, key: str | None = None
) -> LedgerEntry:
    """`points` for `member` as an owner's ADJUST entry (the one way tests seed a balance)."""
    return ledger.post_entry(
        session,
        member=member,
        kind=EntryKind.ADJUST,
        points=points,
        actor="test",
        idempotency_key=key or f"seed:{member.id}:{uuid.uuid4().hex[:8]}",
        tz=BANGKOK,
    )


def person(session: Session, line_user_id: str, role: Role = Role.CUSTOMER) -> LineUser:
    """The LINE user `line_user_id`, with `role`."""
    user = members.upsert_line_user(session, line_user_id=line_user_id)
    members.set_role(session, user, role)
    return user


def staff(session: Session, line_user_id: str) -> LineUser:
    return person(session, line_user_id, Role.STAFF)


def owner(session: Session, line_user_id: str) -> LineUser:
    return person(session, line_user_id, Role.OWNER)


def reward(session: Session, **values: Any) -> Reward:
    """A reward in the catalogue: an iced latte for 100 points unless told otherwise."""
    spec = rewards.RewardSpec(**{"name_th": "ลาเต้เย็น", "points_cost": 100, **values})
    return rewards.create_reward(session, spec=spec)


def coupon(
    session: Session, *, member: Member, reward: Reward, key: str | None = None, gift: bool = False
) -> Coupon:
    """`member`'s coupon for `reward`: redeemed with their points, or given (`gift=True`)."""
    assert member.id is not None and reward.id is not None
    given = dict(
        member_id=member.id,
        reward_id=reward.id,
        actor="test",
        idempotency_key=key or f"coupon:{uuid.uuid4().hex[:12]}",
        tz=BANGKOK,
    )
    if not gift:
        return coupons.redeem(session, **given)  # type: ignore[arg-type]
    granted = coupons.grant_coupon(session, **given)  # type: ignore[arg-type]
    assert granted is not None, "the reward is sold out"
    return granted


def sale(engine: Engine, member_id: int, satang: int, key: str, at: datetime) -> int:
    """A cashier's award of `satang` dated `at`, in its own transaction; the entry's id."""
    with transaction(engine) as session:
        member = members.lock_existing_member(session, member_id)
        done = ledger.award_purchase(
            session,
            member=member,
            amount_satang=satang,
            baht_per_point=25,
            staff_user_id="Ustaff",
            idempotency_key=key,
            tz=BANGKOK,
            occurred_at=at,
        )
        return ledger.id_of(done.entry)
