"""Appending one ledger entry: the balance moves with one conditional UPDATE, so two staff
acting at once can neither lose a change nor push a balance below zero; the entry's points
become a lot, or are taken from lots."""

from __future__ import annotations

from datetime import tzinfo
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, bindparam, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from storage import lots, purchase_summary
from storage.models import EntryKind, LedgerEntry, Member, Purchase


class NotEnoughPoints(Exception):
    """The change would take the balance below zero; nothing was written."""


class KeyConflict(Exception):
    """The idempotency key was used before for another change; nothing was written.

    Keys are namespaced by where they come from (`award:`, `api:<till>:order:`, `void:` ...),
    so this means a caller repeated a key with different content: refuse, never replay.
    """


class MemberErased(Exception):
    """The member's personal data was erased: they earn no more points (nothing written)."""


def post_entry(
    session: Session,
    *,
    member: Member,
    kind: EntryKind,
    points: int,
    actor: str,
    idempotency_key: str,
    purchase_id: int | None = None,
    voids_entry_id: int | None = None,
    note: str | None = None,
    from_lots: list[int] | None = None,
    restores_entry_id: int | None = None,
    tz: tzinfo | None = None,
) -> LedgerEntry:
    """Append one entry and move the balance; an existing key returns the earlier entry.

    A positive entry becomes a lot of points (or, with `restores_entry_id`, goes back to
    the lots that entry used); a negative one uses lots: the voided award's own lot or
    `from_lots` first, then the oldest. Lots and their uses are written with the entry.
    A positive entry needs the shop's time zone `tz`: its lot ends at the end of a month there.
    """
    existing = entry_with_key(session, idempotency_key)
    if existing is not None:
        if (existing.member_id, existing.kind, existing.points) != (member.id, kind, points):
            raise KeyConflict(idempotency_key)
        return existing
    entry = LedgerEntry(
        member_id=member.id,  # type: ignore[arg-type]
        kind=kind,
        points=points,
        actor=actor,
        idempotency_key=idempotency_key,
        purchase_id=purchase_id,
        voids_entry_id=voids_entry_id,
        note=note,
    )
    return append_entry(session, member, entry, from_lots or [], restores_entry_id, tz)


def append_entry(
    session: Session,
    member: Member,
    entry: LedgerEntry,
    from_lots: list[int],
    restores_entry_id: int | None,
    tz: tzinfo | None,
    purchase: Purchase | None = None,
) -> LedgerEntry:
    """`post_entry` for a caller that has just found the entry's key unused, under the
    member's lock: the balance moves (the member's `points` take the new balance), the
    entry is written and its lots move. A new `purchase` is counted in the member's summary
    (storage/purchase_summary.py) by the same UPDATE."""
    counted = purchase is not None
    values = {"member_id": member.id, "delta": entry.points}
    if purchase is not None:
        values |= purchase_summary.bought(purchase)
    row = session.execute(_balance_update(entry.points > 0, counted), values).first()
    if row is None and (entry.points > 0 or counted):
        raise MemberErased(f"member {member.id} was erased")
    if row is None:
        raise NotEnoughPoints(f"member {member.id} cannot take {entry.points} points")
    names = ("points", *(purchase_summary.FIELDS if counted else ()))
    for name, value in zip(names, row, strict=True):
        set_committed_value(member, name, value)
    session.add(entry)
    session.flush()
    _move_lots(session, entry, from_lots, restores_entry_id, tz)
    session.flush()
    return entry


@lru_cache(maxsize=4)
def _balance_update(positive: bool, counted: bool) -> Any:
    """The balance's conditional UPDATE (with a purchase's mark on the summary when
    `counted`), built once: building it for every entry cost more CPU than running it.
    Nothing in the session needs syncing: the caller sets the member's new values."""
    delta = bindparam("delta", type_=Integer)
    allowed = [col(Member.id) == bindparam("member_id"), col(Member.points) + delta >= 0]
    if positive or counted:
        allowed.append(col(Member.erased_at).is_(None))
    values = {
        "points": col(Member.points) + delta,
        **(purchase_summary.ONE_MORE if counted else {}),
    }
    return (
        update(Member)
        .where(*allowed)
        .values(values)
        .returning(*[col(getattr(Member, name)) for name in values])
        .execution_options(synchronize_session=False)
    )


def entry_with_key(session: Session, idempotency_key: str) -> LedgerEntry | None:
    return session.exec(
        select(LedgerEntry).where(LedgerEntry.idempotency_key == idempotency_key)
    ).first()


def _move_lots(
    session: Session,
    entry: LedgerEntry,
    from_lots: list[int],
    restores_entry_id: int | None,
    tz: tzinfo | None,
) -> None:
    if entry.points > 0:
        if tz is None:
            raise ValueError("a positive entry needs the shop's time zone (tz) for its lot")
        if restores_entry_id is not None:
            lots.restore_lots(session, entry, restores_entry_id, tz)
        else:
            lots.add_lot(session, entry, tz)
    elif entry.points < 0:
        first = list(from_lots)
        if entry.voids_entry_id is not None:
            first += lots.lots_of_entry(session, entry.voids_entry_id)
        lots.use_lots(session, entry, first)
