"""The shop's figures kept between answers: a tally over the live purchases before a moment
(the cut), counted at night and moved on each hour (`bot.jobs.tasks.keep_figures`); `stats`
adds what happened since the cut, so that a shop with ten million purchases is not read
whole every time its owner asks.

A kept tally holds while no write has changed purchases that were already in the past:
every such write (an import, a void, an award dated back by more than `BACKDATED`) counts
one more change in `figure_state`, in its own transaction, and a tally kept with an older
count is not used. Erasing a member drops every tally instead, and counts a change so that
one being counted meanwhile is kept without its figures (`forget`, `keep`): a tally of sales
by staff may name their LINE id. A purchase written as it happens is dated within
`BACKDATED` of its writing, and a cut lies at least `SETTLED` before the count or the move
that sets it, so such a purchase is either in the tally or after the cut, unless its
transaction stays open for the 50 minutes between the two. Anything else that changes past
purchases (a data migration, a repair by hand in SQL) must call `history_changed` too, or
empty `figure_snapshot`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, text, update
from sqlmodel import Session, col, select

from storage import clock
from storage.models import FigureSnapshot, FigureState

BACKDATED = timedelta(minutes=10)
SETTLED = timedelta(hours=1)

COUNTING = timedelta(hours=1)  # a worker's hold on the count, should it die while counting

_CHANGED = text(
    "INSERT INTO figure_state (id, changes) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET changes = figure_state.changes + 1"
)
_STATE = text("INSERT INTO figure_state (id, changes) VALUES (1, 0) ON CONFLICT (id) DO NOTHING")


def history_changed(session: Session) -> None:
    """Count a write that changed purchases already in the past (kept tallies are stale)."""
    session.execute(_CHANGED)


def dated_back(occurred_at: datetime | None) -> bool:
    """True for a purchase that happened longer than `BACKDATED` before now."""
    return occurred_at is not None and occurred_at < clock.now() - BACKDATED


def changes(session: Session) -> int:
    found = session.exec(select(FigureState.changes).where(col(FigureState.id) == 1))
    return int(found.first() or 0)


@dataclass(frozen=True)
class Kept:
    cut: datetime
    value: dict[str, Any]


def counted(
    session: Session, key: str, cut: datetime, count: Callable[[], dict[str, Any]]
) -> FigureSnapshot:
    """What `count` counts over the live purchases before `cut`, as the tally to keep under
    `key` (`keep` writes it; the count may run in a `storage.db.reading` transaction).

    The changes are read before counting: a change committed while it counts (which the
    count may not see) leaves the tally stale, never wrong."""
    seen = changes(session)
    return FigureSnapshot(key=key, cut=cut, changes=seen, value=count())


def keep(session: Session, tallies: Iterable[FigureSnapshot]) -> None:
    """Keep `tallies` (from `counted`), each instead of what was kept under its key.

    A tally counted before a change that has committed since (an erasure among them) is
    kept without its figures: it may name an erased member's LINE id, and its row only
    says that a count is due (`dropped`). The change count is read locked, so an erasure
    committing meanwhile waits, and then drops what this keeps (`forget`)."""
    session.execute(_STATE)
    now_seen = session.exec(
        select(FigureState.changes).where(col(FigureState.id) == 1).with_for_update()
    ).one()
    for tally in tallies:
        if tally.changes != now_seen:
            tally.value = {}
        session.exec(delete(FigureSnapshot).where(col(FigureSnapshot.key) == tally.key))  # type: ignore[call-overload]
        session.add(tally)
    session.flush()


def added_up(rows: Iterable[Sequence[Any]], keys: int) -> list[tuple[Any, ...]]:
    """Rows with the same first `keys` values made one, the rest of their values summed: a
    kept sum and the same sum since its cut (points by kind, sales by staff)."""
    sums: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        key, values = tuple(row[:keys]), [int(value) for value in row[keys:]]
        before = sums.setdefault(key, [0] * len(values))
        sums[key] = [a + b for a, b in zip(before, values, strict=True)]
    return [(*key, *values) for key, values in sums.items()]


def kept(session: Session, key: str) -> Kept | None:
    """The tally kept under `key`, if no purchase in the past has changed since."""
    row = session.exec(select(FigureSnapshot).where(col(FigureSnapshot.key) == key)).first()
    if row is None or row.changes != changes(session) or row.cut > clock.now():
        return None
    return Kept(row.cut, row.value)


def dropped(session: Session) -> bool:
    """True when some kept tally no longer holds (a purchase in the past changed)."""
    stale = select(FigureSnapshot.key).where(col(FigureSnapshot.changes) != changes(session))
    return session.exec(stale.limit(1)).first() is not None


def settled_hour(now: datetime) -> datetime:
    """The latest whole hour (UTC) at least `SETTLED` before `now`: a cut for a count made
    during the day."""
    return (now - SETTLED).replace(minute=0, second=0, microsecond=0)


def advance(
    session: Session, key: str, to: datetime, step: Callable[[Kept], dict[str, Any]]
) -> bool:
    """Move the tally kept under `key` on to the cut `to`: `step` adds to it what happened
    from its cut to `to`. It keeps the changes it was counted with, so a change made
    meanwhile leaves it stale. False when there is no tally that holds to move."""
    row = session.exec(select(FigureSnapshot).where(col(FigureSnapshot.key) == key)).first()
    if row is None or row.changes != changes(session) or row.cut >= to:
        return False
    row.value = step(Kept(row.cut, row.value))
    row.cut = to
    session.add(row)
    session.flush()
    return True


def hold_count(session: Session) -> bool:
    """Claim the counting for this worker until it lets go (or `COUNTING` has passed): True
    for one of several workers asking at once, in one conditional UPDATE."""
    session.execute(_STATE)
    now = clock.now()
    free = col(FigureState.counting_until).is_(None) | (col(FigureState.counting_until) < now)
    won = session.exec(  # type: ignore[call-overload]
        update(FigureState)
        .where(col(FigureState.id) == 1, free)
        .values(counting_until=now + COUNTING)
    )
    return int(won.rowcount) == 1


def let_go(session: Session) -> None:
    session.exec(update(FigureState).values(counting_until=None))  # type: ignore[call-overload]


def latest_count(session: Session) -> datetime | None:
    """When the newest tally was counted (moving a tally on is not counting it)."""
    return session.exec(select(func.max(FigureSnapshot.computed_at))).first()


def latest_cut(session: Session) -> datetime | None:
    """The cut of the newest tally kept, whether it still holds or not."""
    return session.exec(select(func.max(FigureSnapshot.cut))).first()


def forget(session: Session) -> int:
    """Drop every kept tally (the night's count replaces them; an erasure drops what may
    name the member). It counts a change first, so a tally being counted meanwhile is not
    kept with its figures (`keep`), and on PostgreSQL it waits for one being kept."""
    history_changed(session)
    done = session.exec(delete(FigureSnapshot))  # type: ignore[call-overload]
    return int(done.rowcount)
