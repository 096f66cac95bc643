"""The one clock the service reads. Tests pin it; a demo or a test process may run it from
another instant."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta


def wall_clock() -> datetime:
    """The machine's time, timezone-aware UTC."""
    return datetime.now(UTC)


_source: Callable[[], datetime] = wall_clock
_offset = timedelta(0)
_frozen: datetime | None = None


def now() -> datetime:
    """Current time, timezone-aware UTC."""
    if _frozen is not None:
        return _frozen
    return _source() + _offset


def freeze(at: datetime | None) -> None:
    """Stop the clock at `at` (aware); None lets it run again."""
    global _frozen
    _frozen = at.astimezone(UTC) if at is not None else None


def advance(delta: timedelta) -> None:
    """Move the clock forward (frozen or running)."""
    global _frozen, _offset
    if _frozen is not None:
        _frozen += delta
    else:
        _offset += delta


def reset() -> None:
    """Undo freeze and advance: the clock runs on its source again."""
    global _frozen, _offset
    _frozen, _offset = None, timedelta(0)


def use_source(source: Callable[[], datetime]) -> None:
    """Read time from `source` (aware UTC) when not frozen, instead of the wall clock."""
    global _source
    _source = source
