"""A member's own data (PDPA): everything kept about them, downloaded once through a link."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import LargeBinary, Table, delete
from sqlmodel import Session, SQLModel, col, select

from storage import clock, codes
from storage.models import DataExport, LineUser, Member

EXPORT_VALID = timedelta(hours=24)

# Tables and columns that are never part of an export: the shop's own security records,
# secrets, and the identities of staff (every `..._by` column names whoever acted).
NOT_EXPORTED_TABLES = {"audit_entry", "data_export", "rate_limit_window", "api_call"}
NOT_EXPORTED_COLUMNS = {"staff_user_id", "actor", "used_by", "cancelled_by", "created_by"}


def create_export(session: Session, line_user_id: str) -> str:
    """A one-time download of the user's data; returns the token for the link."""
    token = codes.token()
    session.add(
        DataExport(
            token_hash=codes.digest(token),
            line_user_id=line_user_id,
            expires_at=clock.now() + EXPORT_VALID,
        )
    )
    session.flush()
    return token


def find_export(session: Session, token: str) -> DataExport | None:
    """The export behind `token` if it is still unused and unexpired (row locked)."""
    row = session.exec(
        select(DataExport).where(DataExport.token_hash == codes.digest(token)).with_for_update()
    ).first()
    if row is None or row.downloaded_at is not None or row.expires_at <= clock.now():
        return None
    return row


def take_export(session: Session, token: str) -> dict[str, Any] | None:
    """The user's data, once: the link stops working as it is handed out."""
    row = find_export(session, token)
    if row is None:
        return None
    row.downloaded_at = clock.now()
    session.add(row)
    session.flush()
    user = session.get(LineUser, row.line_user_id)
    return member_data(session, user) if user is not None else None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _exported(table: Table, row: Any) -> dict[str, Any]:
    return {
        column.name: _plain(getattr(row, column.name))
        for column in table.columns
        if column.name not in NOT_EXPORTED_COLUMNS
        and not column.name.endswith(("token", "_hash", "retry_key", "_by"))
        and not isinstance(column.type, LargeBinary)
    }


def member_data(session: Session, user: LineUser) -> dict[str, Any]:
    """Everything kept about the user: their LINE record, their member record, and the rows
    of every table that refer to either (as JSON-ready dicts)."""
    tables = SQLModel.metadata.tables
    data: dict[str, Any] = {
        "exported_at": clock.now().isoformat(),
        "line_user": _exported(tables["line_user"], user),
    }
    member = session.get(Member, user.member_id) if user.member_id is not None else None
    if member is not None:
        data["member"] = _exported(tables["member"], member)
    for table in SQLModel.metadata.sorted_tables:
        if table.name in NOT_EXPORTED_TABLES or table.name in ("line_user", "member"):
            continue
        rows = _rows_about(session, table, user, member)
        if rows:
            data[table.name] = [_exported(table, row) for row in rows]
    return data


def _rows_about(session: Session, table: Table, user: LineUser, member: Member | None) -> list[Any]:
    if "member_id" in table.c and member is not None:
        where = table.c.member_id == member.id
    elif "line_user_id" in table.c:
        where = table.c.line_user_id == user.line_user_id
    elif table.name == "outbox_message":
        where = table.c.to == user.line_user_id
    else:
        return []
    return list(session.execute(table.select().where(where)).all())


def purge_exports(session: Session) -> int:
    """Forget export requests a day after they expired."""
    done = session.exec(  # type: ignore[call-overload]
        delete(DataExport).where(col(DataExport.expires_at) < clock.now() - timedelta(days=1))
    )
    return int(done.rowcount)
