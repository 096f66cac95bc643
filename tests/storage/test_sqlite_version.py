"""A SQLite too old for the project's statements is refused at start, by name."""

from __future__ import annotations

import sqlite3

import pytest

from storage.db import SQLITE_NEEDED, require_sqlite


def test_an_older_sqlite_is_refused_with_both_versions_named() -> None:
    with pytest.raises(RuntimeError, match=r"SQLite 3\.39 or newer .* SQLite 3\.38\.5"):
        require_sqlite((3, 38, 5))


def test_the_needed_version_and_this_python_s_are_accepted() -> None:
    require_sqlite((3, 39, 0))
    require_sqlite(sqlite3.sqlite_version_info)
    assert SQLITE_NEEDED == (3, 39)
