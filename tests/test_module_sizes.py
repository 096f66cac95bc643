"""No module of the service is over 300 lines, except the language catalogs and migrations."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("bot", "handlers", "richmenus", "storage")
MAX_LINES = 300
EXEMPT = ("handlers/locales/", "storage/migrations/versions/")


def module_lengths() -> dict[str, int]:
    lengths = {}
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if not name.startswith(EXEMPT):
                lengths[name] = len(path.read_text(encoding="utf-8").splitlines())
    return lengths


def test_no_module_is_over_300_lines() -> None:
    over = {name: n for name, n in module_lengths().items() if n > MAX_LINES}
    assert over == {}
