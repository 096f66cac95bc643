"""Writing one batch of imported purchases set-based: the rows go into a temporary staging
table in one bulk load (PostgreSQL `COPY`, SQLite `executemany` on the raw connection), then
purchases, earn entries, their lots and the members' balances are each one
`INSERT … SELECT` or `UPDATE` from it.

Loading through the driver skips SQLAlchemy's per-row parameter processing, which was most
of the import's time; the few set-based statements go through SQLAlchemy as usual.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import TextClause, bindparam, text
from sqlmodel import Session

from storage import figure_snapshots, purchase_summary
from storage.models.columns import UTCDateTime

STAGE = "import_stage"
_COLUMNS = "line, ref, member_id, amount_satang, occurred_at, points"

_CREATE = {
    "postgresql": f"""CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} (
        line integer, ref varchar(120), member_id integer, amount_satang bigint,
        occurred_at timestamptz, points integer) ON COMMIT DELETE ROWS""",
    "sqlite": f"""CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} (
        line INTEGER, ref VARCHAR(120), member_id INTEGER, amount_satang INTEGER,
        occurred_at DATETIME, points INTEGER)""",
}

StagedRow = tuple[int, str, int, int, datetime, int]
"""line, ref, member id, amount in satang, occurred at (aware), points (0 without points)."""


_PURCHASES = f"""INSERT INTO purchase
        (member_id, amount_satang, occurred_at, channel, ref, created_at)
    SELECT member_id, amount_satang, occurred_at, 'import', ref, :now FROM {STAGE}
    ORDER BY line"""
_ENTRIES = (
    """INSERT INTO ledger_entry
        (member_id, kind, points, purchase_id, actor, idempotency_key, created_at)
    SELECT s.member_id, :kind, s.points, p.id, 'import', substr('import:' || s.ref, 1, 160), :now
    FROM {purchases} p JOIN """
    + STAGE
    + """ s ON s.ref = p.ref ORDER BY s.line"""
)
_LOTS = """INSERT INTO point_lot (member_id, entry_id, points, remaining, earned_at, expires_at)
    SELECT e.member_id, e.id, e.points, e.points, e.created_at, :expires FROM {entries}
    WHERE e.points > 0 ORDER BY e.id"""


def _sql(statement: str) -> TextClause:
    """`statement` with its times bound as the UTC column type stores them."""
    times = [bindparam(name, type_=UTCDateTime) for name in ("now", "expires")]
    return text(statement).bindparams(*[t for t in times if f":{t.key}" in statement])


_PURCHASES_ONLY = _sql(_PURCHASES)
_SQLITE_AWARD = [
    _PURCHASES_ONLY,
    _sql(_ENTRIES.format(purchases="purchase")),
    _sql(
        _LOTS.format(
            entries=f"{STAGE} s JOIN ledger_entry e"
            " ON e.idempotency_key = substr('import:' || s.ref, 1, 160)"
        )
    ),
]
_POSTGRESQL_AWARD = [
    _sql(
        f"""WITH p AS ({_PURCHASES} RETURNING id, ref),
        e AS ({_ENTRIES.format(purchases="p")} RETURNING id, member_id, points, created_at)
        {_LOTS.format(entries="e")}"""
    )
]

_MEMBERS = text(purchase_summary.STAGED.format(stage=STAGE))


def _sqlite_time() -> Callable[[Any], Any]:
    """Aware times as the text SQLAlchemy stores on SQLite (naive UTC, microseconds)."""
    seen: dict[datetime, str] = {}

    def stored(value: Any) -> Any:
        if not isinstance(value, datetime):
            return value
        found = seen.get(value)
        if found is None:
            naive = value.astimezone(UTC).replace(tzinfo=None)
            found = seen[value] = naive.isoformat(" ", "microseconds")
        return found

    return stored


def bulk_insert(session: Session, table: str, columns: str, rows: Iterable[Sequence[Any]]) -> None:
    """`rows` into `table` straight through the driver in the session's transaction:
    PostgreSQL `COPY`, SQLite `executemany` (aware times stored as SQLAlchemy would)."""
    driver: Any = session.connection().connection.driver_connection
    if session.get_bind().dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    stored = _sqlite_time()
    marks = ", ".join("?" * len(columns.split(",")))
    driver.executemany(
        f"INSERT INTO {table} ({columns}) VALUES ({marks})",
        ([stored(value) for value in row] for row in rows),
    )


def load(session: Session, rows: Sequence[StagedRow]) -> None:
    """Empty the staging table (made on first use in this connection) and fill it."""
    dialect = session.get_bind().dialect.name
    session.execute(text(_CREATE[dialect]))
    session.execute(text(f"{'TRUNCATE' if dialect == 'postgresql' else 'DELETE FROM'} {STAGE}"))
    bulk_insert(session, STAGE, _COLUMNS, rows)


def write(session: Session, now: datetime, award: tuple[str, datetime | None] | None) -> None:
    """The staged rows as purchases, counted in their members' summaries; with `award`
    (entry kind, lots' expiry) also an earn entry each, a lot per entry with points, and
    the members' balances raised."""
    if award is None:
        session.execute(_PURCHASES_ONLY, {"now": now})
    else:
        kind, expires = award
        postgresql = session.get_bind().dialect.name == "postgresql"
        for statement in _POSTGRESQL_AWARD if postgresql else _SQLITE_AWARD:
            session.execute(statement, {"now": now, "kind": kind, "expires": expires})
    session.execute(_MEMBERS)
    figure_snapshots.history_changed(session)


def matching(session: Session, query: str, values: Sequence[str]) -> list[Any]:
    """Rows of `query`, whose `{in_values}` stands for `IN values`, the list sent as one
    parameter (a PostgreSQL array, a SQLite JSON array) rather than one per value."""
    if not values:
        return []
    parameter: Any = list(values)
    if session.get_bind().dialect.name == "postgresql":
        sql = query.format(in_values="= ANY(CAST(:values AS text[]))")
    else:
        sql = query.format(in_values="IN (SELECT value FROM json_each(:values))")
        parameter = json.dumps(parameter)
    return list(session.execute(text(sql), {"values": parameter}).all())
