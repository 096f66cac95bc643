"""The owners' Monday summary, the daily clean-up, `loyalty report` and `loyalty apikey`."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.cli.apikey import apikey
from bot.cli.report import report
from bot.jobs.queue import Jobs
from bot.jobs.tasks import forget_old_records, keep_figures, send_weekly_summaries
from storage import api_keys, audit, clock, figure_snapshots, ledger, privacy, weekly
from storage.db import transaction
from storage.models import ApiKey, AuditEntry, Member, Role
from tests.support import factories
from tests.support.line import Line

MONDAY_0859 = datetime(2026, 11, 16, 1, 59, tzinfo=UTC)  # 08:59 in Bangkok


def shop_with_sales(line: Line, engine: Engine) -> Any:
    """An owner, and two sales in the week of 9-15 November."""
    owner = line.user("Boss", role=Role.OWNER)
    clock.freeze(datetime(2026, 11, 10, 5, tzinfo=UTC))
    with transaction(engine) as session:
        for n, baht in enumerate((300, 450)):
            member = factories.member(session, phone=f"+6681234567{n}")
            ledger.award_purchase(
                session,
                tz=ZoneInfo("Asia/Bangkok"),
                member=member,
                amount_satang=baht * 100,
                baht_per_point=25,
                staff_user_id=None,
                idempotency_key=f"sale{n}",
            )
    return owner


def test_the_summary_goes_on_monday_from_nine_once(jobs: Jobs, line: Line, engine: Engine) -> None:
    owner = shop_with_sales(line, engine)
    clock.freeze(MONDAY_0859)
    assert send_weekly_summaries(jobs) == 0
    clock.advance(timedelta(minutes=1))
    assert send_weekly_summaries(jobs) == 1
    pushed = line.fake.bot_messages(owner.user_id)[-1]
    assert "สรุปสัปดาห์ที่แล้ว (9 พ.ย. 2569 – 15 พ.ย. 2569)" in pushed["text"]
    assert "ยอดขาย ฿750.00" in pushed["text"] and "2 บิล จากลูกค้า 2 คน" in pushed["text"]
    clock.advance(timedelta(minutes=15))
    assert send_weekly_summaries(jobs) == 0
    clock.advance(timedelta(days=1))
    assert send_weekly_summaries(jobs) == 0  # Tuesday
    clock.reset()


def test_an_owner_who_switched_it_off_gets_none(jobs: Jobs, line: Line, engine: Engine) -> None:
    owner = shop_with_sales(line, engine)
    line.say(owner, "weekly summary off")
    before = len(line.fake.bot_messages(owner.user_id))
    clock.freeze(MONDAY_0859 + timedelta(hours=1))
    assert send_weekly_summaries(jobs) == 0
    assert len(line.fake.bot_messages(owner.user_id)) == before
    with transaction(engine) as session:
        weekly.set_on(session, owner.user_id, True)
    assert send_weekly_summaries(jobs) == 1
    clock.reset()


def sale_of_99_baht(engine: Engine, key: str, occurred_at: datetime | None = None) -> None:
    with transaction(engine) as session:
        ledger.award_purchase(
            session,
            tz=ZoneInfo("Asia/Bangkok"),
            member=session.exec(select(Member)).first(),  # type: ignore[arg-type]
            amount_satang=9_900,
            baht_per_point=25,
            staff_user_id=None,
            idempotency_key=key,
            occurred_at=occurred_at,
        )


def test_the_figures_are_kept_once_a_night_from_three(
    jobs: Jobs, line: Line, engine: Engine
) -> None:
    """The night's tallies, and `stats` from them with a sale since: the same answer as
    counted from every purchase."""
    owner = shop_with_sales(line, engine)
    clock.freeze(datetime(2026, 11, 16, 19, 59, tzinfo=UTC))  # 02:59 on the 17th in Bangkok
    assert keep_figures(jobs) is None
    clock.advance(timedelta(minutes=1))
    with transaction(engine) as session:
        assert figure_snapshots.hold_count(session)  # another worker is counting
    assert keep_figures(jobs) is None
    with transaction(engine) as session:
        figure_snapshots.let_go(session)
    assert keep_figures(jobs) == 5  # 4 periods and the charts' 12 months, cut at 02:00
    assert keep_figures(jobs) is None
    clock.advance(timedelta(hours=1))
    assert keep_figures(jobs) == 5  # moved on to 03:00, an hour ago
    assert keep_figures(jobs) is None
    with transaction(engine) as session:
        assert figure_snapshots.latest_cut(session) == datetime(2026, 11, 16, 20, tzinfo=UTC)
        assert figure_snapshots.latest_count(session) == datetime(2026, 11, 16, 20, tzinfo=UTC)
    sale_of_99_baht(engine, "after the cut")
    kept = line.ask(owner, "stats")
    assert "฿849.00" in kept
    with transaction(engine) as session:
        assert figure_snapshots.forget(session) == 13  # 3 for each period, 1 for the months
    assert line.ask(owner, "stats") == kept
    clock.reset()


def test_figures_dropped_by_a_change_in_the_past_are_counted_again_within_the_hour(
    jobs: Jobs, line: Line, engine: Engine
) -> None:
    shop_with_sales(line, engine)
    clock.freeze(datetime(2026, 11, 16, 20, tzinfo=UTC))  # 03:00 on the 17th in Bangkok
    assert keep_figures(jobs) == 5
    clock.freeze(datetime(2026, 11, 17, 3, 30, tzinfo=UTC))  # 10:30
    assert keep_figures(jobs) == 5  # moved on to 09:00
    sale_of_99_baht(
        engine, "yesterday's sale, typed in today", datetime(2026, 11, 16, 5, tzinfo=UTC)
    )
    with transaction(engine) as session:
        assert figure_snapshots.dropped(session)
    assert keep_figures(jobs) == 5
    with transaction(engine) as session:
        assert not figure_snapshots.dropped(session)
        assert figure_snapshots.latest_cut(session) == datetime(2026, 11, 17, 2, tzinfo=UTC)
    assert keep_figures(jobs) is None
    clock.reset()


def test_daily_clean_up_keeps_a_year_of_audit(jobs: Jobs, app: Any, engine: Engine) -> None:
    clock.freeze(datetime(2025, 1, 1, tzinfo=UTC))
    with transaction(engine) as session:
        audit.record(session, actor="U1", actor_role="owner", action="old")
        privacy.create_export(session, "U1")
    clock.advance(timedelta(days=366))
    with transaction(engine) as session:
        audit.record(session, actor="U1", actor_role="owner", action="new")
    assert forget_old_records(jobs)["audit"] == 0  # a year and a day: still kept
    clock.advance(timedelta(days=40))
    assert forget_old_records(jobs) == {
        "audit": 1,
        "exports": 0,
        "charts": 0,
        "api_calls": 0,
        "jobs": 0,
    }
    with transaction(engine) as session:
        assert [e.action for e in session.exec(select(AuditEntry))] == ["new"]
    clock.reset()


def test_report_as_csv_for_accounting(line: Line, engine: Engine) -> None:
    shop_with_sales(line, engine)
    clock.reset()
    result = CliRunner().invoke(
        report,
        ["--from", "2026-11-09", "--to", "2026-11-15", "--csv"],
        obj={"engine": engine, "timezone": "Asia/Bangkok"},
    )
    assert result.exit_code == 0, result.output
    rows = dict(csv.reader(io.StringIO(result.output)))
    assert rows["figure"] == "value"
    assert (rows["from"], rows["to"]) == ("2026-11-09", "2026-11-15")
    assert (rows["members_total"], rows["buyers"], rows["purchases"]) == ("2", "2", "2")
    assert rows["sales_baht"] == "750.00" and rows["average_order_value_baht"] == "375.00"
    assert rows["points_issued"] == "30" and rows["customer_retention_rate"] == ""
    assert rows["sales_baht:counter"] == "750.00"


def test_report_as_text_and_its_mistakes(engine: Engine) -> None:
    run = CliRunner().invoke
    obj = {"engine": engine, "timezone": "Asia/Bangkok"}
    shown = run(report, ["--from", "2026-11-01", "--to", "2026-11-30"], obj=obj)
    assert shown.exit_code == 0 and "members_total" in shown.output
    backwards = run(report, ["--from", "2026-11-30", "--to", "2026-11-01"], obj=obj)
    assert backwards.exit_code == 2 and "before --from" in backwards.output
    wrong = run(report, ["--from", "30/11/2026", "--to", "2026-11-01"], obj=obj)
    assert wrong.exit_code == 2


def test_apikey_create_list_revoke(engine: Engine) -> None:
    run = CliRunner().invoke
    made = run(apikey, ["create", "till-1"], obj={"engine": engine})
    assert made.exit_code == 0, made.output
    key = made.output.splitlines()[1]
    assert key.startswith("lk_")
    with transaction(engine) as session:
        stored = session.exec(select(ApiKey)).one()
        assert stored.key_hash != key and key not in stored.key_hash
        assert api_keys.authenticate(session, key) is not None
    again = run(apikey, ["create", "till-1"], obj={"engine": engine})
    assert again.exit_code == 2 and "revoke it first" in again.output
    assert run(apikey, ["create", "Till 1!"], obj={"engine": engine}).exit_code == 2
    listed = run(apikey, ["list"], obj={"engine": engine})
    assert "till-1" in listed.output and key not in listed.output
    assert run(apikey, ["revoke", "till-1"], obj={"engine": engine}).exit_code == 0
    assert "(revoked)" in run(apikey, ["list"], obj={"engine": engine}).output
    assert run(apikey, ["revoke", "till-1"], obj={"engine": engine}).exit_code == 2
    with transaction(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEntry))]
        assert actions == ["apikey create", "apikey revoke"]
        assert session.exec(select(Member)).all() == []
