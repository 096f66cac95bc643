"""What was deployed: one row per menu key (its LINE id, alias and content hash)."""

from __future__ import annotations

from sqlmodel import Session, select

from storage import clock
from storage.models import RichMenuDeployment


def deployed(session: Session) -> dict[str, RichMenuDeployment]:
    """The menus of the last deployment by key; empty if menus were never deployed."""
    rows = session.exec(select(RichMenuDeployment)).all()
    return {row.key: row for row in rows}


def record(
    session: Session, *, key: str, rich_menu_id: str, alias_id: str | None, content_hash: str
) -> None:
    """Remember that `key` is now shown by `rich_menu_id` (insert or replace)."""
    row = session.get(RichMenuDeployment, key)
    if row is None:
        row = RichMenuDeployment(key=key, rich_menu_id=rich_menu_id, content_hash=content_hash)
    elif (row.rich_menu_id, row.content_hash) != (rich_menu_id, content_hash):
        row.rich_menu_id, row.content_hash, row.deployed_at = (
            rich_menu_id,
            content_hash,
            clock.now(),
        )
    row.alias_id = alias_id
    session.add(row)
    session.flush()


def forget_others(session: Session, keep: set[str]) -> None:
    """Drop rows of menus that are no longer part of the layouts."""
    for row in session.exec(select(RichMenuDeployment)).all():
        if row.key not in keep:
            session.delete(row)
    session.flush()
