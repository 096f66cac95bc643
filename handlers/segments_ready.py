"""What the score job pushes to the owner who asked, once a bigger shop's groups are scored:
the chart, or the broadcast's group picker (handlers/segment_scores.py says when)."""

from __future__ import annotations

from sqlmodel import Session

from handlers.broadcast import AUDIENCE, BROADCAST, ask_audience
from handlers.context import Context, Event, Shop
from handlers.segment_scores import PICKER
from handlers.segments import chart_messages
from handlers.views.messages import Message
from storage import dialogs, segments
from storage.models import LineUser, Role


def groups_ready(session: Session, shop: Shop, owner: LineUser, show: str) -> list[Message]:
    """The answer the owner waits for; nothing when they are no longer an owner, when no
    scores came out, or (picker) when they have left the broadcast's group question."""
    run = segments.latest_run(session)
    if Role(owner.role) != Role.OWNER or not owner.following or run is None:
        return []
    event = Event(kind="other", event_id="", user_id=owner.line_user_id)
    ctx = Context(session=session, event=event, shop=shop, user=owner)
    if show != PICKER:
        return chart_messages(ctx, run)
    ctx.dialog = dialogs.current_dialog(session, owner.line_user_id)
    inside = BROADCAST.open_in(ctx)
    if inside is None or inside.dialog.step != AUDIENCE:
        return []
    return ask_audience(ctx, run)
