"""Multi-step conversations, one row per user, forgotten after 10 quiet minutes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session

from storage import clock
from storage.db import get_once, remember
from storage.models import Dialog

TIMEOUT = timedelta(minutes=10)


def current_dialog(session: Session, line_user_id: str) -> Dialog | None:
    """The user's open dialog, or None if there is none or it went quiet too long."""
    return still_open(session, get_once(session, Dialog, line_user_id))


def still_open(session: Session, dialog: Dialog | None) -> Dialog | None:
    """`dialog` unless it went quiet too long (then it is forgotten)."""
    if dialog is None:
        return None
    if clock.now() - dialog.updated_at > TIMEOUT:
        session.delete(dialog)
        session.flush()
        remember(session, Dialog, dialog.line_user_id, None)
        return None
    return dialog


def start_dialog(
    session: Session, line_user_id: str, name: str, step: str, data: dict[str, Any] | None = None
) -> Dialog:
    """Open (or restart) a dialog at `step`."""
    dialog = get_once(session, Dialog, line_user_id)
    if dialog is None:
        dialog = Dialog(line_user_id=line_user_id, name=name, step=step)
    dialog.name, dialog.step, dialog.data = name, step, dict(data or {})
    dialog.updated_at = clock.now()
    session.add(dialog)
    session.flush()
    remember(session, Dialog, line_user_id, dialog)
    return dialog


def move_dialog(session: Session, dialog: Dialog, step: str, **data: Any) -> None:
    """Go to `step`, merging `data` into what the dialog remembers."""
    dialog.step = step
    dialog.data = {**dialog.data, **data}
    dialog.updated_at = clock.now()
    session.add(dialog)
    session.flush()


def end_dialog(session: Session, line_user_id: str) -> bool:
    """Close the user's dialog; True if there was one."""
    dialog = get_once(session, Dialog, line_user_id)
    if dialog is None:
        return False
    session.delete(dialog)
    session.flush()
    remember(session, Dialog, line_user_id, None)
    return True
