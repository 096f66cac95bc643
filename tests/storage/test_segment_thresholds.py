"""Small shops score against fixed thresholds; from 100 scored members up, ranks."""

from __future__ import annotations

from typing import Any

import pytest

from storage import segment_rules, segments
from storage.db import transaction
from tests.storage.test_segments import AS_OF, BANGKOK, add_member, days_ago, scores, spread


def test_one_customer_who_bought_minutes_ago_is_new_not_hibernating(engine: Any) -> None:
    """R 0 days → 5, F 1 → 1, M = the median's 1× → 3: (5, 1) is new."""
    with transaction(engine) as session:
        add_member(session, "Nok", [(days_ago(0, hour=11), 12000)])
        assert segments.refresh_scores(session, as_of=AS_OF, tz=BANGKOK) == 1
        run = segments.latest_run(session)
    assert scores(engine)["Nok"] == (0, 1, 12000, 5, 1, 3, "new")
    assert run is not None and run.scored == 1 and not run.by_ranks


def test_thresholds_scored_by_hand_at_every_boundary(engine: Any) -> None:
    """Six members; median spend = (100,000 + 100,000) / 2 = 100,000 satang."""
    with transaction(engine) as session:
        add_member(session, "A", spread(0, 10, 400_000))  # 4× the median
        add_member(session, "B", spread(31, 6, 200_000))  # 2×
        add_member(session, "C", spread(61, 3, 100_000))  # 1×
        add_member(session, "D", spread(91, 2, 100_000))
        add_member(session, "E", spread(181, 1, 49_000))  # 0.49×
        add_member(session, "F", spread(30, 9, 50_000))  # 0.5×
        segments.refresh_scores(session, as_of=AS_OF, tz=BANGKOK)
    assert scores(engine) == {
        #      R    F   M        Rs Fs Ms
        "A": (0, 10, 400_000, 5, 5, 5, "champions"),
        "B": (31, 6, 200_000, 4, 4, 4, "loyal"),
        "C": (61, 3, 100_000, 3, 3, 3, "need_attention"),
        "D": (91, 2, 100_000, 2, 2, 3, "hibernating"),
        "E": (181, 1, 49_000, 1, 1, 1, "hibernating"),
        "F": (30, 9, 50_000, 5, 4, 2, "champions"),
    }


def test_spend_against_the_median_of_an_odd_number_of_members(engine: Any) -> None:
    """Spends 100, 300, 1,200 satang: the median is 300, so 1/3× → 1, 1× → 3, 4× → 5."""
    with transaction(engine) as session:
        add_member(session, "low", [(days_ago(180), 100)])
        add_member(session, "mid", [(days_ago(90), 300)])
        add_member(session, "top", [(days_ago(60), 1200)])
        segments.refresh_scores(session, as_of=AS_OF, tz=BANGKOK)
    got = scores(engine)
    assert got["low"][3:] == (2, 1, 1, "hibernating")
    assert got["mid"][3:] == (3, 1, 3, "about_to_sleep")
    assert got["top"][3:] == (4, 1, 5, "promising")


@pytest.mark.parametrize(
    ("members", "expected", "by_ranks"),
    [
        (99, (5, 1, 3, "new"), False),  # thresholds: 0 days, 1 purchase, the median's spend
        (100, (1, 1, 1, "hibernating"), True),  # ranks: all tie at rank 1 → 1 + 0 = 1
    ],
)
def test_all_ties_below_and_from_one_hundred_members(
    engine: Any, members: int, expected: tuple[Any, ...], by_ranks: bool
) -> None:
    with transaction(engine) as session:
        for n in range(members):
            add_member(session, f"m{n}", [(days_ago(0), 5000)])
        assert segments.refresh_scores(session, as_of=AS_OF, tz=BANGKOK) == members
        run = segments.latest_run(session)
    got = scores(engine)
    assert {row[3:] for row in got.values()} == {expected}
    assert run is not None and run.by_ranks is by_ranks


def test_the_owner_tunes_the_thresholds(engine: Any) -> None:
    """A coffee shop counts a week as recent: 10 days is R 4 with (7, 14, 30, 60)."""
    with transaction(engine) as session:
        add_member(session, "A", [(days_ago(10), 100)])
        chosen = segment_rules.set_thresholds(session, "recency_days", (7, 14, 30, 60), by="U1")
        assert chosen.recency_days == (7, 14, 30, 60)
        assert chosen.purchases == segment_rules.DEFAULT.purchases
        segments.refresh_scores(session, as_of=AS_OF, tz=BANGKOK)
    assert scores(engine)["A"][3] == 4
    with transaction(engine) as session:
        segment_rules.set_thresholds(session, "purchases", (5, 4, 3, 2), by="U1")
        assert segment_rules.thresholds(session).recency_days == (7, 14, 30, 60)
        assert segment_rules.reset_thresholds(session) == segment_rules.DEFAULT
        assert segment_rules.thresholds(session) == segment_rules.DEFAULT


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("recency_days", (60, 30, 90, 180)),  # R bounds must rise
        ("purchases", (2, 3, 6, 10)),  # F bounds must fall
        ("spend_percent", (400, 200, 100, 0)),  # zero is not a bound
        ("purchases", (10, 6, 3)),
        ("colour", (4, 3, 2, 1)),
    ],
)
def test_bad_thresholds_are_refused_and_change_nothing(engine: Any, kind: str, values: Any) -> None:
    with transaction(engine) as session:
        with pytest.raises(segment_rules.BadThresholds):
            segment_rules.set_thresholds(session, kind, values, by="U1")
        assert segment_rules.thresholds(session) == segment_rules.DEFAULT
