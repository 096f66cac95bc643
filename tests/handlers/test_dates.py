"""One date style per language: the Buddhist year in Thai, the Gregorian year in English."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from handlers.dates import show_date, show_month, show_time
from storage.models import Role
from tests.handlers.reward_helpers import customer_with_points
from tests.handlers.test_segment_rules import header_texts, one_customer
from tests.support.line import Line

BANGKOK = ZoneInfo("Asia/Bangkok")
HANDLERS = Path(__file__).parents[2] / "handlers"


def test_thai_uses_the_buddhist_year_english_the_gregorian() -> None:
    assert show_date("th", date(2026, 12, 2)) == "2 ธ.ค. 2569"
    assert show_date("en", date(2026, 12, 2)) == "2 Dec 2026"
    assert show_month("th", 2026, 1) == "ม.ค. 2569" and show_month("en", 2026, 1) == "Jan 2026"


def test_a_moment_is_shown_on_the_shops_day_and_clock() -> None:
    late = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 00:30 on 1 January in Bangkok
    assert show_date("th", late, BANGKOK) == "1 ม.ค. 2570"
    assert show_time("en", late, BANGKOK) == "1 Jan 2027 00:30"


def test_no_handler_formats_a_date_itself() -> None:
    """Dates go through handlers/dates.py; strftime of a day or month would bypass it."""
    for path in HANDLERS.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for pattern in ("%d/", "%m/", "/%Y", "%b", "%Y-%m-%d"):
            assert pattern not in source, f"{path.name} formats a date with {pattern}"


def test_the_group_card_shows_the_buddhist_year(line: Line, engine: Any) -> None:
    owner = one_customer(line, engine, lang="th")
    line.say(owner, "กลุ่มลูกค้า")
    shown = line.say(owner, "กลุ่มลูกค้า")
    assert header_texts(shown)[1].startswith("ข้อมูล ณ 10 มิ.ย. 2569")  # the pinned clock
    english = line.user("Dang 2", "en")
    line.make(english, Role.OWNER)
    assert header_texts(line.say(english, "segments"))[1].startswith("As of 10 Jun 2026")


def test_points_history_shows_the_buddhist_year(line: Line) -> None:
    nok = customer_with_points(line, "Nok", "0812345678", 40)
    assert "10 มิ.ย. 2569" in line.ask(nok, "แต้ม")
