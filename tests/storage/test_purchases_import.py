"""`loyalty import purchases`: good rows in, bad rows reported, a second import changes nothing."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from sqlmodel import Session, func, select

from bot.cli.segments import import_group, rfm
from bot.settings import Settings
from storage import clock, coupons, lots, members, purchases_import
from storage.db import transaction
from storage.ledger import ledger_sum
from storage.models import LedgerEntry, Member, MemberScore, PointLot, Purchase
from tests.support import factories

GOOD = """phone,customer_ref,occurred_at,amount,ref
081-234-5678,,2024-06-01,350.00,A-1
0812345678,,2024-06-02T18:30:00,100,A-2
,POS-77,2024-06-03T10:00:00+00:00,"1,250.50",A-3
,POS-77,2024-06-04,99.99,
"""

BAD = """phone,customer_ref,occurred_at,amount,ref
081-234-5678,,2024-06-01,350.00,B-1
12,,2024-06-01,10,B-2
,,2024-06-01,10,B-3
0812345678,,yesterday,10,B-4
0812345678,,2024-06-01,-5,B-5
0812345678,,2024-06-01,1.005,B-6
0812345678,,2999-01-01,10,B-7
0812345678,,2024-06-01,10,B-1
0812345678,,2024-06-01
"""


def run(settings: Settings, engine: Any, *args: str) -> Any:
    result = CliRunner().invoke(
        import_group, ["purchases", *args], obj={"engine": engine, "settings": settings}
    )
    return result


def write(tmp_path: Path, body: str, name: str = "sales.csv") -> str:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return str(path)


def counts(engine: Any) -> tuple[int, int]:
    with Session(engine) as session:
        return (
            session.exec(select(func.count()).select_from(Purchase)).one(),
            session.exec(select(func.count()).select_from(Member)).one(),
        )


def test_import_creates_counter_members_and_twice_changes_nothing(
    settings: Settings, engine: Any, tmp_path: Path
) -> None:
    path = write(tmp_path, GOOD)
    result = run(settings, engine, path)
    assert result.exit_code == 0, result.output
    assert "purchases imported: 4" in result.output
    assert "new counter-only members: 2" in result.output
    with Session(engine) as session:
        by_phone = session.exec(select(Member).where(Member.phone == "+66812345678")).one()
        by_ref = session.exec(select(Member).where(Member.customer_ref == "POS-77")).one()
        sales = session.exec(select(Purchase).order_by(Purchase.id)).all()
        assert session.exec(select(LedgerEntry)).all() == []
    assert [p.amount_satang for p in sales] == [35000, 10000, 125050, 9999]
    assert [p.member_id for p in sales] == [by_phone.id, by_phone.id, by_ref.id, by_ref.id]
    # dates are shop-local midnight; naive times are shop-local; offsets are kept
    assert sales[0].occurred_at.isoformat() == "2024-05-31T17:00:00+00:00"
    assert sales[1].occurred_at.isoformat() == "2024-06-02T11:30:00+00:00"
    assert sales[2].occurred_at.isoformat() == "2024-06-03T10:00:00+00:00"
    assert by_phone.points == 0 and sales[0].channel == "import"
    again = run(settings, engine, path)
    assert "purchases imported: 0" in again.output
    assert "already imported (skipped): 4" in again.output
    assert counts(engine) == (4, 2)


def test_bad_rows_are_reported_by_line_and_good_rows_still_import(
    settings: Settings, engine: Any, tmp_path: Path
) -> None:
    result = run(settings, engine, write(tmp_path, BAD))
    assert result.exit_code == 0, result.output
    assert "purchases imported: 1" in result.output
    assert "bad rows (skipped): 7" in result.output
    for expected in (
        "line 3: phone '12' is not a valid phone number",
        "line 4: no phone and no customer_ref",
        "line 5: occurred_at 'yesterday' is not a date or time",
        "line 6: amount '-5' must be more than 0",
        "line 7: amount '1.005' has more than 2 decimals",
        "line 8: occurred_at '2999-01-01' is in the future",
        "line 10: wrong number of columns",
    ):
        assert expected in result.output
    assert "already imported (skipped): 1" in result.output  # B-1 twice in one file
    assert counts(engine) == (1, 1)


def test_dry_run_reports_and_changes_nothing(
    settings: Settings, engine: Any, tmp_path: Path
) -> None:
    result = run(settings, engine, write(tmp_path, GOOD), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "purchases would be imported: 4" in result.output
    assert "new counter-only members (would be created): 2" in result.output
    assert counts(engine) == (0, 0)


def test_award_points_earns_once_per_purchase(
    settings: Settings, engine: Any, tmp_path: Path
) -> None:
    path = write(tmp_path, GOOD)
    run(settings, engine, path, "--award-points")
    run(settings, engine, path, "--award-points")
    with Session(engine) as session:
        member = session.exec(select(Member).where(Member.phone == "+66812345678")).one()
        keys = session.exec(select(LedgerEntry.idempotency_key)).all()
        assert member.points == 14 + 4 == ledger_sum(session, member.id)
        assert lots.remaining_total(session, member.id) == member.points  # type: ignore[arg-type]
        expiring = session.exec(select(PointLot.expires_at).where(PointLot.member_id == member.id))
        assert all(when is not None for when in expiring)  # 12 months, as the counter's
    assert "import:A-1" in keys and len(keys) == 4
    with transaction(engine) as session:
        member = session.exec(select(Member).where(Member.phone == "+66812345678")).one()
        reward = factories.reward(session, name_th="กาแฟ", points_cost=10)
        coupons.redeem(
            session,
            member_id=member.id,  # type: ignore[arg-type]
            reward_id=reward.id,  # type: ignore[arg-type]
            actor="test",
            idempotency_key="after-import",
            tz=ZoneInfo("Asia/Bangkok"),
        )
    with Session(engine) as session:
        member = session.exec(select(Member).where(Member.phone == "+66812345678")).one()
        assert lots.remaining_total(session, member.id) == member.points == 8  # type: ignore[arg-type]


def test_known_phone_is_used_and_learns_its_customer_ref(
    settings: Settings, engine: Any, tmp_path: Path
) -> None:
    with transaction(engine) as session:
        known = members.create_member(session, phone="+66812345678").id
    body = "phone,customer_ref,occurred_at,amount\n0812345678,WEB-1,2024-06-01,10\n"
    body += "0812345678,WEB-2,2024-06-01,10\n"
    result = run(settings, engine, write(tmp_path, body))
    assert "line 3: phone belongs to customer_ref 'WEB-1'" in result.output
    with Session(engine) as session:
        member = session.get(Member, known)
        assert member.customer_ref == "WEB-1"
    assert counts(engine) == (1, 1)


def test_a_new_customer_ref_goes_to_the_member_created_for_it_in_the_same_batch(
    engine: Any,
) -> None:
    """A row with a known phone and an unknown customer_ref, beside a new customer with that
    ref: the member made for the new customer is found for both rows by its ref (new members
    are looked up again by the new rows' keys only)."""
    with transaction(engine) as session:
        known = members.create_member(session, phone="+66812345678").id
    body = "phone,customer_ref,occurred_at,amount,ref\n"
    body += "0812345678,R-9,2024-06-01,10,X-1\n0899999999,R-9,2024-06-01,20,X-2\n"
    body += "0812345678,,2024-06-01,30,X-3\n"
    options = purchases_import.Options(tz=ZoneInfo("Asia/Bangkok"), file_key="f")
    report = purchases_import.import_purchases(engine, io.StringIO(body), options)
    assert (report.imported, report.new_members, report.bad_count) == (3, 1, 0)
    with Session(engine) as session:
        new = session.exec(select(Member).where(Member.customer_ref == "R-9")).one()
        owners = session.exec(select(Purchase.ref, Purchase.member_id).order_by(Purchase.ref))
        assert new.phone == "+66899999999" and session.get(Member, known).customer_ref is None
        assert owners.all() == [("X-1", new.id), ("X-2", new.id), ("X-3", known)]


def test_missing_column_stops_before_anything(
    settings: Settings, engine: Any, tmp_path: Path
) -> None:
    result = run(settings, engine, write(tmp_path, "phone,amount\n0812345678,10\n"))
    assert result.exit_code != 0 and "occurred_at" in result.output


def test_batches_of_two_give_the_same_result(engine: Any) -> None:
    """A customer first seen in one batch is found, not created again, in the next."""
    options = purchases_import.Options(tz=ZoneInfo("Asia/Bangkok"), file_key="f", batch_size=2)
    body = GOOD + ",POS-77,2024-06-05,5,A-5\n081-234-5678,,2024-06-05,5,A-6\n"
    report = purchases_import.import_purchases(engine, io.StringIO(body), options)
    assert (report.imported, report.new_members, report.bad_count) == (6, 2, 0)
    assert counts(engine) == (6, 2)


def test_small_batches_keep_bad_rows_in_order_and_times_comparable(engine: Any) -> None:
    """Batches are read one ahead and written through the driver: the bad rows are still
    listed by line, and stored times compare equal to times bound through SQLAlchemy."""
    options = purchases_import.Options(
        tz=ZoneInfo("Asia/Bangkok"), file_key="f", batch_size=2, award_points=True
    )
    report = purchases_import.import_purchases(engine, io.StringIO(BAD), options)
    assert [line for line, _ in report.bad] == [3, 4, 5, 6, 7, 8, 10]
    assert (report.rows, report.imported, report.already_imported) == (9, 1, 1)
    now = clock.now()
    with Session(engine) as session:
        member = session.exec(select(Member).where(Member.created_at == now)).one()
        sale = session.exec(
            select(Purchase).where(Purchase.occurred_at == datetime(2024, 5, 31, 17, tzinfo=UTC))
        ).one()
        lot = session.exec(select(PointLot).where(PointLot.earned_at == now)).one()
    assert sale.member_id == member.id == lot.member_id and lot.remaining == member.points == 14


def test_rfm_command_scores_and_writes_the_csv(
    settings: Settings, engine: Any, tmp_path: Path
) -> None:
    run(settings, engine, write(tmp_path, GOOD))
    out = tmp_path / "out.csv"
    obj = {"engine": engine, "settings": settings}
    result = CliRunner().invoke(rfm, ["--as-of", "2024-06-30", "--csv", str(out)], obj=obj)
    assert result.exit_code == 0, result.output
    assert "scored 2 members as of 2024-06-30" in result.output
    assert "rule: small-shop thresholds (fewer than 100 scored members)" in result.output
    assert "R days <= 30/60/90/180, F purchases >= 10/6/3/2, M x median >= 4/2/1/0.5" in (
        result.output
    )
    lines = out.read_text().splitlines()
    assert lines[0] == "customer_ref,phone,R,F,M,segment,R_score,F_score,M_score"
    # median spend (45,000 + 135,049) / 2 = 90,024.5: 45,000 is just under 0.5× → 1, 1.5× → 3
    assert sorted(lines[1:]) == sorted(
        [
            ",+66812345678,28,2,45000,potential_loyalist,5,2,1",
            "POS-77,,26,2,135049,potential_loyalist,5,2,3",
        ]
    )
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(MemberScore)).one() == 2
    bad = CliRunner().invoke(rfm, ["--as-of", "30/06/2024"], obj=obj)
    assert bad.exit_code == 2 and "not a date" in bad.output
