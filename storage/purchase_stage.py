"""Writing one batch of imported purchases set-based: the rows go into a temporary staging
table in one bulk load (PostgreSQL `COPY`, SQLite `executemany` on the raw connection), then
purchases, earn entries, their lots and the members' balances are each one
`INSERT … SELECT` or `UPDATE` from it.

Loading through the driver skips SQLAlchemy's per-row parameter processing, which was most
of the import's time; the few set-based statements go through SQLAlchemy as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session

from storage.models.columns import UTCDateTime

STAGE = "import_stage"
_COLUMNS = "line, ref, member_id, amount_satang, occurred_at, points"
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"

_CREATE = {
    "postgresql": f"""CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} (
        line integer, ref varchar(120), member_id integer, amount_satang bigint,
        occurred_at timestamptz, points integer)""",
    "sqlite": f"""CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} (
        line INTEGER, ref VARCHAR(120), member_id INTEGER, amount_satang INTEGER,
        occurred_at DATETIME, points INTEGER)""",
}

StagedRow = tuple[int, str, int, int, datetime, int]
"""line, ref, member id, amount in satang, occurred at (aware), points (0 without points)."""


def _times(name: str) -> dict[str, Any]:
    return {name: bindparam(name, type_=UTCDateTime)}


_PURCHASES = text(
    f"""INSERT INTO purchase (member_id, amount_satang, occurred_at, channel, ref, created_at)
    SELECT member_id, amount_satang, occurred_at, 'import', ref, :now FROM {STAGE}
    ORDER BY line"""
).bindparams(**_times("now"))

_ENTRIES = text(
    f"""INSERT INTO ledger_entry
        (member_id, kind, points, purchase_id, actor, idempotency_key, created_at)
    SELECT s.member_id, :kind, s.points, p.id, 'import', substr('import:' || s.ref, 1, 160), :now
    FROM {STAGE} s JOIN purchase p ON p.ref = s.ref ORDER BY s.line"""
).bindparams(**_times("now"))

_LOTS = text(
    f"""INSERT INTO point_lot (member_id, entry_id, points, remaining, earned_at, expires_at)
    SELECT e.member_id, e.id, e.points, e.points, e.created_at, :expires
    FROM {STAGE} s JOIN ledger_entry e ON e.idempotency_key = substr('import:' || s.ref, 1, 160)
    WHERE s.points > 0 ORDER BY s.line"""
).bindparams(**_times("expires"))

_BALANCES = text(
    f"""UPDATE member SET points = member.points + t.added
    FROM (SELECT member_id, sum(points) AS added FROM {STAGE} GROUP BY member_id) AS t
    WHERE member.id = t.member_id AND t.added <> 0"""
)


def _sqlite_time() -> Callable[[datetime], str]:
    """The text SQLAlchemy stores for an aware time on SQLite (naive UTC, microseconds)."""
    seen: dict[datetime, str] = {}

    def stored(moment: datetime) -> str:
        found = seen.get(moment)
        if found is None:
            found = seen[moment] = moment.astimezone(UTC).strftime(_SQLITE_TIME)
        return found

    return stored


def load(session: Session, rows: Sequence[StagedRow]) -> None:
    """Empty the staging table (made on first use in this connection) and fill it."""
    dialect = session.get_bind().dialect.name
    session.execute(text(_CREATE[dialect]))
    driver = session.connection().connection.driver_connection
    if dialect == "postgresql":
        session.execute(text(f"TRUNCATE {STAGE}"))
        with driver.cursor() as cursor:  # type: ignore[union-attr]
            with cursor.copy(f"COPY {STAGE} ({_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    session.execute(text(f"DELETE FROM {STAGE}"))
    stored = _sqlite_time()
    driver.executemany(  # type: ignore[union-attr]
        f"INSERT INTO {STAGE} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
        [(line, ref, m, amount, stored(at), points) for line, ref, m, amount, at, points in rows],
    )


def insert_purchases(session: Session, now: datetime) -> None:
    session.execute(_PURCHASES, {"now": now})


def award(session: Session, now: datetime, kind: str, expires: datetime | None) -> None:
    """An earn entry per staged purchase, a lot per entry with points, balances raised."""
    session.execute(_ENTRIES, {"now": now, "kind": kind})
    session.execute(_LOTS, {"expires": expires})
    session.execute(_BALANCES)
