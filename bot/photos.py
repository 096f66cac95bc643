"""Photos sent in the chat by staff or the owner: fetched before the event is handled.

The conversation gets the picture as `event.photo` (a JPEG of at most 1024 px a side),
so handlers never call LINE themselves.
"""

from __future__ import annotations

import io
import logging
from dataclasses import replace

from PIL import Image, ImageOps, UnidentifiedImageError

from bot.line import LineError
from bot.services import Services
from handlers.router import Event
from storage import members
from storage.db import transaction
from storage.models import Role

log = logging.getLogger(__name__)

MAX_SIDE = 1024
MAX_PIXELS = 40_000_000


def normalise_picture(data: bytes) -> bytes | None:
    """A JPEG of at most 1024 px a side (what LINE shows well), or None if not a picture."""
    try:
        picture = Image.open(io.BytesIO(data))
        if picture.width * picture.height > MAX_PIXELS:
            return None
        picture.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    picture = ImageOps.exif_transpose(picture).convert("RGB")
    picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def _is_staff(services: Services, user_id: str) -> bool:
    with transaction(services.engine) as session:
        user = members.get_line_user(session, user_id)
        return user is not None and Role(user.role).rank >= Role.STAFF.rank


def with_photo(services: Services, event: Event) -> Event:
    """For a photo from staff or the owner: fetch it (typing dots showing meanwhile)."""
    if event.kind != "image" or not event.message_id or not event.user_id:
        return event
    if not _is_staff(services, event.user_id):
        return event
    services.line.show_loading(event.user_id)
    try:
        data = services.line.content(event.message_id)
    except LineError as error:
        log.warning("photo %s could not be fetched: %s", event.message_id, error)
        return event
    return replace(event, photo=normalise_picture(data))
