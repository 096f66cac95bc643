"""Whose purchase each imported row is: members found by customer_ref or phone, new
customers created as counter-only members in one bulk insert."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session

from storage import clock, codes, members
from storage.models import Member
from storage.purchase_rows import Report, Row
from storage.purchase_stage import bulk_insert, matching

MEMBER = Member.__table__  # type: ignore[attr-defined]


def _lookup(session: Session, column: str, values: Iterable[str]) -> dict[str, tuple[int, Any]]:
    """value -> (member id, customer_ref) for members whose `column` is one of `values`."""
    query = f"SELECT {column}, id, customer_ref FROM member WHERE {column} {{in_values}}"
    found = matching(session, query, list(set(values)))
    return {value: (int(member_id or 0), ref) for value, member_id, ref in found}


def members_for(session: Session, rows: list[Row], report: Report) -> dict[int, int]:
    """line -> member id; unknown customers are created, conflicting rows refused."""
    by_ref, by_phone = _lookups(session, rows)
    unknown = [r for r in rows if not _known(r, by_ref, by_phone)]
    missing = _first_sightings(unknown)
    if missing:
        report.new_members += len(missing)
        _create_members(session, missing)
        created_by_ref, created_by_phone = _lookups(session, unknown)
        by_ref |= created_by_ref
        by_phone |= created_by_phone
    owners: dict[int, int] = {}
    linked: dict[int, str] = {}
    for row in rows:
        if row.customer_ref in by_ref:
            owners[row.line] = by_ref[row.customer_ref][0]
            continue
        member_id, their_ref = by_phone[row.phone]  # type: ignore[index]
        if row.customer_ref:
            their_ref = their_ref or linked.setdefault(member_id, row.customer_ref)
            if their_ref != row.customer_ref:
                report.refuse(row.line, f"phone belongs to customer_ref {their_ref!r}")
                continue
        owners[row.line] = member_id
    _set_customer_refs(session, linked)
    return owners


def _lookups(session: Session, rows: list[Row]) -> tuple[dict[str, Any], dict[str, Any]]:
    refs = [r.customer_ref for r in rows if r.customer_ref]
    return (
        _lookup(session, "customer_ref", refs),
        _lookup(session, "phone", [r.phone for r in rows if r.phone]),
    )


def _first_sightings(rows: list[Row]) -> list[Row]:
    """One row per new customer: no two share a customer_ref or a phone."""
    seen: set[str] = set()
    first = []
    for row in rows:
        keys = {f"ref:{row.customer_ref}" if row.customer_ref else "", f"phone:{row.phone}"}
        keys -= {"", "phone:None"}
        if keys & seen:
            continue
        seen |= keys
        first.append(row)
    return first


def _known(row: Row, by_ref: dict[str, Any], by_phone: dict[str, Any]) -> bool:
    return (row.customer_ref in by_ref) or (row.phone in by_phone)


def _set_customer_refs(session: Session, linked: dict[int, str]) -> None:
    """A member found by phone learns the customer_ref the shop's system knows them by."""
    if not linked:
        return
    session.execute(
        update(MEMBER)
        .where(MEMBER.c.id == bindparam("member_id"), MEMBER.c.customer_ref.is_(None))
        .values(customer_ref=bindparam("ref")),
        [{"member_id": m, "ref": ref} for m, ref in linked.items()],
    )


def _free_codes(session: Session, count: int) -> list[str]:
    """`count` member codes that no member has yet."""
    chosen: set[str] = set()
    while len(chosen) < count:
        draw = {members.new_member_code() for _ in range(count - len(chosen))} - chosen
        query = "SELECT code FROM member WHERE code {in_values}"
        taken = {code for (code,) in matching(session, query, list(draw))}
        chosen |= draw - taken
    return list(chosen)


def _create_members(session: Session, rows: list[Row]) -> None:
    """Counter-only members (no LINE account yet) for customers seen for the first time."""
    now = clock.now()
    bulk_insert(
        session,
        "member",
        "code, phone, customer_ref, points, card_token, created_at",
        (
            (code, row.phone, row.customer_ref, 0, codes.token(), now)
            for code, row in zip(_free_codes(session, len(rows)), rows, strict=True)
        ),
    )
