"""RFM exactly as the issue defines it, pinned on small hand-computed data sets."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from storage import members, purchase_summary, segment_names, segment_rules, segments
from storage.db import transaction
from storage.models import MemberScore, Purchase, ScoreRun

BANGKOK = ZoneInfo("Asia/Bangkok")
AS_OF = date(2024, 6, 30)
RANKS = segment_rules.ALWAYS_RANKS


def local(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BANGKOK)


def add_member(
    session: Session, name: str, purchases: list[tuple[datetime, int]], **kw: Any
) -> int:
    member = members.create_member(session, phone=None)
    member.customer_ref = name
    session.add(member)
    for at, satang in purchases:
        session.add(Purchase(member_id=member.id, amount_satang=satang, occurred_at=at, **kw))
    purchase_summary.recount(session)
    return member.id  # type: ignore[return-value]


def days_ago(n: int, hour: int = 12) -> datetime:
    return local(AS_OF - timedelta(days=n), hour)


def spread(last_days_ago: int, count: int, total: int) -> list[tuple[datetime, int]]:
    """`count` purchases, the latest `last_days_ago` days before as-of, summing to `total`."""
    amounts = [total // count] * count
    amounts[0] += total - sum(amounts)
    return [(days_ago(last_days_ago + 30 * i), a) for i, a in enumerate(amounts)]


def recency(session: Session, row: MemberScore) -> int | None:
    """Days from the row's last purchase to the latest run's as-of date."""
    run = segments.latest_run(session)
    assert run is not None
    return None if row.last_purchase_on is None else (run.as_of - row.last_purchase_on).days


def scores(engine: Any) -> dict[str, tuple[Any, ...]]:
    with Session(engine) as session:
        rows = session.exec(select(MemberScore)).all()
        refs = {m.id: m.customer_ref for m in session.exec(select(members.Member)).all()}
        days = {r.member_id: recency(session, r) for r in rows}
    return {
        refs[r.member_id]: (
            days[r.member_id],
            r.frequency,
            r.monetary_satang,
            r.r_score,
            r.f_score,
            r.m_score,
            r.segment,
        )
        for r in rows
    }


def test_seven_members_with_ties(engine: Any) -> None:
    """N = 7. Ties at the top share rank 6, so the best R score here is 4, not 5."""
    with transaction(engine) as session:
        add_member(session, "A", spread(0, 5, 50000))
        add_member(session, "B", [(local(AS_OF, 23, 30), 20000)])
        add_member(session, "C", spread(3, 3, 30000))
        add_member(session, "D", spread(10, 3, 30000))
        add_member(session, "E", spread(40, 2, 99999))
        add_member(session, "F", spread(40, 1, 500))
        add_member(session, "G", spread(200, 4, 150000))
        add_member(session, "nobody", [])
        assert segments.refresh_scores(session, as_of=AS_OF, tz=BANGKOK, rule=RANKS) == 7
    assert scores(engine) == {
        #      R    F  M       Rs Fs Ms
        "A": (0, 5, 50000, 4, 5, 3, "loyal"),
        "B": (0, 1, 20000, 4, 1, 1, "promising"),
        "C": (3, 3, 30000, 3, 3, 2, "need_attention"),
        "D": (10, 3, 30000, 3, 3, 2, "need_attention"),
        "E": (40, 2, 99999, 1, 2, 4, "hibernating"),
        "F": (40, 1, 500, 1, 1, 1, "hibernating"),
        "G": (200, 4, 150000, 1, 4, 5, "at_risk"),
        "nobody": (None, None, None, None, None, None, "no_purchase"),
    }


def test_the_kept_summaries_score_as_the_purchases_do(engine: Any) -> None:
    """Scores come from the members' kept summaries unless a live purchase lies after the
    as-of date; then they are counted from the purchases, and come out the same (a
    shop-local day boundary, a voided purchase and an erased member included)."""
    with transaction(engine) as session:
        add_member(session, "A", spread(0, 5, 50000))
        add_member(session, "B", [(local(AS_OF, 23, 30), 20000), (local(AS_OF, 0, 5), 1)])
        add_member(session, "C", spread(40, 2, 99999))
        add_member(session, "voided", [(days_ago(1), 9999)], voided_at=days_ago(0))
        gone = add_member(session, "erased", [(days_ago(1), 100)])
        session.get_one(members.Member, gone).erased_at = days_ago(0)
        segments.refresh_scores(session, as_of=AS_OF, tz=BANGKOK, rule=RANKS)
    from_summaries = scores(engine)
    with transaction(engine) as session:
        add_member(session, "later", [(local(AS_OF + timedelta(days=1), 0, 30), 100)])
        segments.refresh_scores(session, as_of=AS_OF, tz=BANGKOK, rule=RANKS)
    from_purchases = scores(engine)
    assert from_purchases.pop("later")[-1] == "no_purchase"
    assert from_purchases == from_summaries
    assert from_summaries["B"][:3] == (0, 2, 20001)


def test_a_refresh_reads_the_kept_summaries_not_every_purchase(engine: Any) -> None:
    with transaction(engine) as session:
        member_id = add_member(session, "A", spread(0, 2, 500))
        session.get_one(members.Member, member_id).purchases = 9  # as if the summary said so
        segments.refresh_scores(session, as_of=AS_OF, tz=BANGKOK)
        purchase_summary.recount(session)
    assert scores(engine)["A"][1] == 9


def test_five_distinct_members_score_their_rank_and_boundaries_count(engine: Any) -> None:
    """N = 5 with distinct values: score = rank. Also: what counts as a purchase."""
    with transaction(engine) as session:
        add_member(session, "champ", spread(1, 4, 40000))
        add_member(session, "potential", spread(2, 2, 20000))
        add_member(session, "sleepy", spread(5, 1, 10000))
        add_member(session, "cantlose", spread(9, 5, 50000))
        add_member(session, "atrisk", spread(30, 3, 30000))
        # none of these count: voided, after the as-of day (local midnight), or erased
        add_member(session, "voided", [(days_ago(1), 9999)], voided_at=days_ago(0))
        add_member(session, "tomorrow", [(local(AS_OF + timedelta(days=1), 0, 30), 100)])
        gone = add_member(session, "erased", [(days_ago(1), 100)])
        session.get(members.Member, gone).erased_at = days_ago(0)  # type: ignore[union-attr]
        # a purchase after as-of does not change what an earlier member scores
        champ = session.exec(select(members.Member).where(members.Member.customer_ref == "champ"))
        session.add(
            Purchase(member_id=champ.one().id, amount_satang=7, occurred_at=local(date(2024, 7, 2)))
        )
        purchase_summary.recount(session)
        assert segments.refresh_scores(session, as_of=AS_OF, tz=BANGKOK, rule=RANKS) == 5
    got = scores(engine)
    assert got["champ"] == (1, 4, 40000, 5, 4, 4, "champions")
    assert got["potential"] == (2, 2, 20000, 4, 2, 2, "potential_loyalist")
    assert got["sleepy"] == (5, 1, 10000, 3, 1, 1, "about_to_sleep")
    assert got["cantlose"] == (9, 5, 50000, 2, 5, 5, "cant_lose")
    assert got["atrisk"] == (30, 3, 30000, 1, 3, 3, "at_risk")
    assert got["voided"][-1] == got["tomorrow"][-1] == "no_purchase"
    assert "erased" not in got


def test_recency_counts_shop_local_days(engine: Any) -> None:
    """23:59 Bangkok on the day before as-of is 1 day; 00:01 on as-of day is 0 (UTC 17:01)."""
    with transaction(engine) as session:
        add_member(session, "late", [(local(AS_OF - timedelta(days=1), 23, 59), 100)])
        add_member(session, "early", [(local(AS_OF, 0, 1), 100)])
        segments.refresh_scores(session, as_of=AS_OF, tz=BANGKOK)
    got = scores(engine)
    assert got["late"][0] == 1 and got["early"][0] == 0


def test_refresh_replaces_the_previous_scores(engine: Any) -> None:
    with transaction(engine) as session:
        add_member(session, "A", spread(0, 1, 100))
        segments.refresh_scores(session, as_of=AS_OF, tz=BANGKOK)
        segments.refresh_scores(session, as_of=AS_OF + timedelta(days=10), tz=BANGKOK)
        rows = session.exec(select(MemberScore)).all()
        run = segments.latest_run(session)
        assert len(rows) == 1 and recency(session, rows[0]) == 10
        assert len(session.exec(select(ScoreRun)).all()) == 1
    assert run is not None and run.as_of == AS_OF + timedelta(days=10)


def test_the_next_night_rewrites_only_the_rows_that_changed(
    engine: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """By the thresholds (R 5 up to 30 days, 4 up to 60) only C's score moves a day later."""
    with transaction(engine) as session:
        add_member(session, "A", spread(0, 1, 100))
        add_member(session, "B", spread(40, 3, 9000))
        add_member(session, "C", spread(30, 2, 5000))
        add_member(session, "nobody", [])
        segments.refresh_scores(session, as_of=AS_OF, tz=BANGKOK)
        with caplog.at_level(logging.INFO, logger="storage.segments"):
            segments.refresh_scores(session, as_of=AS_OF, tz=BANGKOK)
            segments.refresh_scores(session, as_of=AS_OF + timedelta(days=1), tz=BANGKOK)
    assert caplog.messages == [
        f"scores as of {AS_OF}: 0 rows changed, 0 added, 0 removed",
        f"scores as of {AS_OF + timedelta(days=1)}: 1 rows changed, 0 added, 0 removed",
    ]
    got = scores(engine)
    assert {name: got[name][:4] for name in "ABC"} == {
        "A": (1, 1, 100, 5),
        "B": (41, 3, 9000, 4),
        "C": (31, 2, 5000, 4),
    }


@pytest.mark.parametrize("r", [1, 2, 3, 4, 5])
def test_segment_table_matches_the_issue_in_python_and_sql(engine: Any, r: int) -> None:
    issue = {
        (1, 1): "hibernating", (1, 2): "hibernating", (1, 3): "at_risk", (1, 4): "at_risk",
        (1, 5): "cant_lose", (3, 1): "about_to_sleep", (3, 2): "about_to_sleep",
        (3, 3): "need_attention", (3, 4): "loyal", (3, 5): "loyal", (4, 1): "promising",
        (4, 2): "potential_loyalist", (4, 3): "potential_loyalist", (4, 4): "loyal",
        (4, 5): "loyal", (5, 1): "new", (5, 2): "potential_loyalist",
        (5, 3): "potential_loyalist", (5, 4): "champions", (5, 5): "champions",
    }  # fmt: skip
    for f in range(1, 6):
        expected = issue.get((r, f)) or issue[(1, f)]  # R 1-2 behave alike
        assert segment_names.segment_for(r, f) == expected
        with engine.connect() as connection:
            sql = text(f"SELECT {segment_names.segment_sql(':r', ':f')}")
            assert connection.execute(sql, {"r": r, "f": f}).scalar() == expected


def test_sizes_list_every_segment(engine: Any) -> None:
    with transaction(engine) as session:
        add_member(session, "A", spread(0, 1, 12345))
        add_member(session, "B", [])
        segments.refresh_scores(session, as_of=AS_OF, tz=BANGKOK)
        sizes = {s.segment: s for s in segments.segment_sizes(session)}
    assert list(sizes) == list(segment_names.ALL_SEGMENTS)
    assert sizes["no_purchase"].members == 1
    assert sum(s.members for s in sizes.values()) == 2
    assert sum(s.spend_satang for s in sizes.values()) == 12345
