"""Each member's live (not voided) purchases in four numbers kept on the member's row: the
first and the last, how many, how much.

Every write of a purchase moves them in its own transaction, with the member's row locked:
an award in the same UPDATE that moves the balance (`ONE_MORE`), an import batch in its
balances' UPDATE (`STAGED`), a void by counting the member's purchases again (`recount`).
Refunds and erasure leave purchases as they are, and so the summary. RFM scores, the
win-back automation and the home card read it instead of every purchase; `drifted` compares
it with the purchases (the tests hold the two equal after every test).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import BigInteger, bindparam, case, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from storage.models import Member, Purchase, UTCDateTime

FIELDS = ("first_purchase_at", "last_purchase_at", "purchases", "spent_satang")


def _one_more() -> dict[str, Any]:
    at = bindparam("bought_at", type_=UTCDateTime)
    first, last = col(Member.first_purchase_at), col(Member.last_purchase_at)
    return {
        "first_purchase_at": case((first.is_(None) | (first > at), at), else_=first),
        "last_purchase_at": case((last.is_(None) | (last < at), at), else_=last),
        "purchases": col(Member.purchases) + 1,
        "spent_satang": col(Member.spent_satang) + bindparam("bought_satang", type_=BigInteger),
    }


ONE_MORE = _one_more()
"""Values for the member's UPDATE that count one more live purchase (`bought` binds it)."""


def bought(purchase: Purchase) -> dict[str, Any]:
    return {"bought_at": purchase.occurred_at, "bought_satang": purchase.amount_satang}


STAGED = """UPDATE member SET points = member.points + t.added,
    first_purchase_at = CASE WHEN member.first_purchase_at IS NULL
        OR member.first_purchase_at > t.first THEN t.first ELSE member.first_purchase_at END,
    last_purchase_at = CASE WHEN member.last_purchase_at IS NULL
        OR member.last_purchase_at < t.last THEN t.last ELSE member.last_purchase_at END,
    purchases = member.purchases + t.n, spent_satang = member.spent_satang + t.spent
FROM (SELECT member_id, sum(points) AS added, min(occurred_at) AS first,
             max(occurred_at) AS last, count(*) AS n, sum(amount_satang) AS spent
      FROM {stage} GROUP BY member_id) AS t
WHERE member.id = t.member_id"""
"""An import batch's balances and summaries from its staging table (storage/purchase_stage.py)."""


def _live_by_member() -> Any:
    at, amount = col(Purchase.occurred_at), col(Purchase.amount_satang)
    return (
        sa_select(
            col(Purchase.member_id).label("member_id"),
            func.min(at).label("first"),
            func.max(at).label("last"),
            func.count().label("n"),
            func.sum(amount).label("spent"),
        )
        .where(col(Purchase.voided_at).is_(None))
        .group_by(col(Purchase.member_id))
        .subquery()
    )


def recount(session: Session, members: Collection[int] | None = None) -> None:
    """These `members`' summaries (or every member's) counted again from the purchases,
    set-based: after a void, and for rows written around the write paths (a bulk load of
    generated data, a test's own purchases)."""
    session.flush()
    chosen = [] if members is None else [col(Member.id).in_(sorted(members))]
    empty = dict(zip(FIELDS, (None, None, 0, 0), strict=True))
    session.execute(update(Member).where(*chosen).values(empty))
    live = _live_by_member()
    session.execute(  # the session's members that changed are refreshed (ORM "fetch")
        update(Member)
        .where(col(Member.id) == live.c.member_id, *chosen)
        .values(
            first_purchase_at=live.c.first,
            last_purchase_at=live.c.last,
            purchases=live.c.n,
            spent_satang=live.c.spent,
        )
    )


def drifted(session: Session) -> list[int]:
    """Members whose kept summary is not what their purchases say (none, ever)."""
    live = _live_by_member()
    kept = [col(getattr(Member, name)) for name in FIELDS]
    found = [live.c.first, live.c.last, func.coalesce(live.c.n, 0), func.coalesce(live.c.spent, 0)]
    differs = [k.is_distinct_from(f) for k, f in zip(kept, found, strict=True)]
    query = (
        sa_select(col(Member.id))
        .select_from(Member)
        .outerjoin(live, live.c.member_id == col(Member.id))
        .where(or_(*differs))
        .order_by(col(Member.id))
    )
    return [int(member_id) for (member_id,) in session.execute(query).all()]
