"""Photos sent in the chat: fetched for staff only, a QR read from them, a copy kept small."""

from __future__ import annotations

import io
import logging
from dataclasses import replace

import zxingcpp
from PIL import Image, ImageOps, UnidentifiedImageError

from bot.line.client import LineError
from bot.services import Services
from handlers.router import Event
from storage import members
from storage.db import transaction
from storage.models import Role

log = logging.getLogger(__name__)

MAX_SIDE = 1024
QR_READ_SIDE = 2000
MAX_PIXELS = 40_000_000


def _open(data: bytes) -> Image.Image | None:
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            return None
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return ImageOps.exif_transpose(image)


def read_qr(data: bytes) -> str | None:
    """The text of the first QR code in the image, or None."""
    image = _open(data)
    if image is None:
        return None
    image = image.convert("L")
    image.thumbnail((QR_READ_SIDE, QR_READ_SIDE))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)  # type: ignore[arg-type]
    return found[0].text if found else None


def normalise_picture(data: bytes) -> bytes | None:
    """A JPEG of at most 1024 px a side (what LINE shows well), or None if not a picture."""
    image = _open(data)
    if image is None:
        return None
    image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def _is_staff(services: Services, user_id: str) -> bool:
    with transaction(services.engine) as session:
        user = members.get_line_user(session, user_id)
        return user is not None and Role(user.role).rank >= Role.STAFF.rank


def with_photo(services: Services, event: Event) -> Event:
    """For a photo from staff: fetch it (typing dots showing meanwhile) and read its QR."""
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
    return replace(event, photo=normalise_picture(data), decoded_text=read_qr(data))
