"""Once-only codes are claimed by one conditional write: however many people use one at the
same moment, it works once. Staff invites, SMS codes (and their attempts), export links."""

from __future__ import annotations

import secrets
import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import members, privacy, staff, verification
from storage.db import transaction
from storage.models import LineUser, PhoneVerification, Role, StaffInvite
from tests.support.threads import run_together

PHONE = "+66812345678"
GUESSER = "U" + "7" * 32


def people(engine: Engine, n: int) -> list[str]:
    ids = [f"U{k:032d}" for k in range(n)]
    with transaction(engine) as session:
        for line_user_id in ids:
            members.upsert_line_user(session, line_user_id=line_user_id)
    return ids


def test_one_invite_sent_by_eight_people_at_once_makes_one_cashier(engine: Engine) -> None:
    recruits = people(engine, 8)
    with transaction(engine) as session:
        code, _ = staff.create_invite(session, created_by="U-owner")

    def join(line_user_id: str) -> bool:
        with transaction(engine) as session:
            user = members.get_line_user(session, line_user_id)
            assert user is not None
            return staff.accept_invite(session, code=code, user=user)

    results = run_together([lambda u=u: join(u) for u in recruits])
    assert sorted(results) == [False] * 7 + [True]
    with Session(engine) as session:
        cashiers = session.exec(select(LineUser).where(LineUser.role == Role.STAFF)).all()
        invite = session.exec(select(StaffInvite)).one()
    assert [c.line_user_id for c in cashiers] == [invite.used_by]


def test_a_used_or_expired_invite_changes_nothing(engine: Engine) -> None:
    first, second = people(engine, 2)
    with transaction(engine) as session:
        code, invite = staff.create_invite(session, created_by="U-owner")
        user = members.get_line_user(session, first)
        assert user is not None and staff.accept_invite(session, code=code.lower(), user=user)
    with transaction(engine) as session:
        other = members.get_line_user(session, second)
        assert other is not None and not staff.accept_invite(session, code=code, user=other)
        assert other.role == Role.CUSTOMER
        fresh, _ = staff.create_invite(session, created_by="U-owner")
        row = session.exec(select(StaffInvite).where(StaffInvite.used_at.is_(None))).one()  # type: ignore[union-attr]
        row.expires_at = row.created_at - timedelta(seconds=1)
        session.add(row)
    with transaction(engine) as session:
        other = members.get_line_user(session, second)
        assert other is not None and not staff.accept_invite(session, code=fresh, user=other)
        assert other.role == Role.CUSTOMER


def send_code(engine: Engine) -> str:
    with transaction(engine) as session:
        members.upsert_line_user(session, line_user_id=GUESSER)
        code = verification.issue_code(session, line_user_id=GUESSER, phone=PHONE)
    assert code is not None
    return code


def check(engine: Engine, code: str) -> verification.Check:
    with transaction(engine) as session:
        return verification.check_code(session, line_user_id=GUESSER, phone=PHONE, code=code)


@pytest.fixture
def comparisons(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every comparison of a typed code with the one sent, counted (from any thread)."""
    counted: list[int] = []
    lock = threading.Lock()
    compare = secrets.compare_digest

    def counting(a: Any, b: Any) -> bool:
        with lock:
            counted.append(1)
        return compare(a, b)

    monkeypatch.setattr(verification.secrets, "compare_digest", counting)
    return counted


def test_twelve_wrong_codes_at_once_compare_at_most_five(
    engine: Engine, comparisons: list[int]
) -> None:
    code = send_code(engine)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    results = run_together([lambda: check(engine, wrong) for _ in range(12)])
    assert len(comparisons) == verification.MAX_ATTEMPTS
    assert sorted(results) == sorted(
        [verification.Check.LOCKED] * 8 + [verification.Check.WRONG] * 4
    )
    with Session(engine) as session:
        assert session.exec(select(PhoneVerification)).one().attempts == verification.MAX_ATTEMPTS
    assert check(engine, code) == verification.Check.LOCKED  # even the right one, now
    assert len(comparisons) == verification.MAX_ATTEMPTS


def test_the_right_code_sent_four_times_at_once_proves_the_phone_once(engine: Engine) -> None:
    code = send_code(engine)
    results = run_together([lambda: check(engine, code) for _ in range(4)])
    assert sorted(results) == sorted([verification.Check.OK] + [verification.Check.EXPIRED] * 3)


def test_eight_requests_for_a_code_at_once_send_at_most_the_daily_five(engine: Engine) -> None:
    with transaction(engine) as session:
        members.upsert_line_user(session, line_user_id=GUESSER)

    def ask() -> str | None:
        with transaction(engine) as session:
            return verification.issue_code(session, line_user_id=GUESSER, phone=PHONE)

    codes = [c for c in run_together([ask for _ in range(8)]) if c is not None]
    assert len(codes) == verification.MAX_CODES_PER_DAY
    with Session(engine) as session:
        assert len(session.exec(select(PhoneVerification)).all()) == len(codes)


def test_wrong_then_right_then_spent(engine: Engine, comparisons: list[int]) -> None:
    code = send_code(engine)
    assert check(engine, "000000" if code != "000000" else "111111") == verification.Check.WRONG
    assert check(engine, code) == verification.Check.OK
    assert check(engine, code) == verification.Check.EXPIRED
    assert len(comparisons) == 2


def test_an_export_link_opened_by_four_at_once_hands_the_data_out_once(engine: Engine) -> None:
    [owner] = people(engine, 1)
    with transaction(engine) as session:
        token = privacy.create_export(session, owner)

    def download() -> bool:
        with transaction(engine) as session:
            return privacy.take_export(session, token) is not None

    assert sorted(run_together([download for _ in range(4)])) == [False, False, False, True]
