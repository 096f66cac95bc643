"""Only `storage.clock` reads the time of day, so pinning it pins the whole service."""

from __future__ import annotations

import re
from pathlib import Path

from storage import clock
from tests.support.pinned_clock import PINNED

ROOT = Path(__file__).resolve().parents[1]
READS = re.compile(r"\b(datetime\.now|datetime\.utcnow|datetime\.today|date\.today|time\.time)\(")
# the fake LINE platform stamps events with its own clock, as LINE does
ALLOWED = {ROOT / "storage" / "clock.py", *(ROOT / "bot" / "demo" / "fakeline").glob("*.py")}


def wall_clock_reads(folder: str) -> list[str]:
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        if path in ALLOWED:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if READS.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_the_service_reads_the_time_only_through_its_clock() -> None:
    for folder in ("bot", "handlers", "storage", "richmenus"):
        assert wall_clock_reads(folder) == []


def test_tests_never_read_the_wall_clock_themselves() -> None:
    assert wall_clock_reads("tests") == []


def test_every_test_starts_at_the_pinned_instant() -> None:
    assert clock.now() == PINNED
