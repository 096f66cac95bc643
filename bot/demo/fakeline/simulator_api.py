"""JSON endpoints the chat simulator page uses to act as LINE users on the fake platform.

`simulator_routes.install()` adds them as `/_sim/...` routes to a FakeLine's app.
They play the part of the LINE app on a phone: type, tap, add friend, block, send a photo,
read the phone's SMS, and scan a QR code the way LINE's QR reader does.
"""

from __future__ import annotations

import base64
import binascii
import io
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.error import URLError
from urllib.parse import unquote, urlsplit

import zxingcpp
from flask import Response, jsonify, request
from PIL import Image, UnidentifiedImageError

from bot.demo.fakeline.records import ChatLine, FakeUser
from bot.demo.fakeline.rules import MAX_POSTBACK_DATA, MAX_TEXT
from bot.demo.fakeline.server import FakeLine

MAX_IMAGE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Persona:
    """A LINE user the simulator can act as; `role` is only shown on the persona's tab."""

    user: FakeUser
    label: str
    role: str


class SimulatorError(Exception):
    """A request the simulator cannot carry out; answered as JSON with `status`."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def oa_message_text(content: str, basic_id: str) -> str | None:
    """The text LINE types in when it opens `https://line.me/R/oaMessage/<basic id>/?<text>`."""
    parts = urlsplit(content)
    segments = parts.path.strip("/").split("/")
    if parts.scheme != "https" or parts.netloc != "line.me" or len(segments) != 3:
        return None
    if segments[:2] != ["R", "oaMessage"] or unquote(segments[2]) != basic_id:
        return None
    return unquote(parts.query) or None


def read_qr(image_bytes: bytes) -> str | None:
    """The content of the first QR code in an image, or None."""
    try:
        picture = Image.open(io.BytesIO(image_bytes))
        picture.load()
    except (UnidentifiedImageError, OSError):
        return None
    found = zxingcpp.read_barcodes(picture.convert("RGB"))
    return found[0].text if found else None


def line_json(index: int, line: ChatLine) -> dict[str, Any]:
    return {
        "index": index,
        "sender": line.sender,
        "via": line.via,
        "message": line.message,
        "at": line.at,
    }


class SimulatorApi:
    """The routes, bound to one fake platform and its personas."""

    def __init__(
        self,
        fake: FakeLine,
        personas: list[Persona],
        *,
        basic_id: str,
        image_origins: dict[str, str],
    ) -> None:
        self.fake = fake
        self.personas = {p.user.user_id: p for p in personas}
        self.basic_id = basic_id
        self.image_origins = image_origins

    # -- helpers ---------------------------------------------------------------------
    def persona(self, user_id: object) -> Persona:
        found = self.personas.get(str(user_id))
        if found is None:
            raise SimulatorError("no such persona", 404)
        return found

    def persona_json(self, persona: Persona) -> dict[str, Any]:
        user = persona.user
        return {
            "id": user.user_id,
            "name": user.display_name,
            "label": persona.label,
            "role": persona.role,
            "language": user.language,
            "following": user.following,
            "richmenu": self.menu_id(user.user_id),
        }

    def menu_id(self, user_id: str) -> str | None:
        """The rich menu the user's LINE app shows, once it has its picture, or None."""
        with self.fake.lock:
            menu = self.fake.richmenus.showing(user_id)
        return menu.rich_menu_id if menu is not None and menu.image is not None else None

    def local_url(self, url: str) -> str:
        """Where this process can fetch an image LINE would fetch from the shop's BASE_URL."""
        for public, local in self.image_origins.items():
            if url.startswith(public.rstrip("/") + "/"):
                return local.rstrip("/") + url[len(public.rstrip("/")) :]
        raise SimulatorError("that image is not from this shop")

    def fetch_image(self, body: dict[str, Any]) -> bytes:
        """Image bytes named by `url` (a message's image URL) or `content_id` (a user's photo)."""
        if body.get("content_id"):
            with self.fake.lock:
                found = self.fake.contents.get(str(body["content_id"]))
            if found is None:
                raise SimulatorError("no such photo", 404)
            return found[0]
        if body.get("data"):
            try:
                return base64.b64decode(str(body["data"]), validate=True)
            except (binascii.Error, ValueError):
                raise SimulatorError("data is not base64") from None
        url = self.local_url(str(body.get("url") or ""))
        try:
            with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310
                return bytes(response.read(MAX_IMAGE_BYTES + 1))
        except (URLError, OSError) as error:
            raise SimulatorError(f"could not load the image: {error}", 502) from None

    def deliver(self, action: Any) -> Response:
        """Run a webhook-sending action; the bot has answered when this returns."""
        try:
            action()
        except (URLError, OSError) as error:
            raise SimulatorError(f"the bot did not answer: {error}", 502) from None
        return jsonify(ok=True)

    # -- the routes ------------------------------------------------------------------
    def personas_view(self) -> Response:
        return jsonify(personas=[self.persona_json(p) for p in self.personas.values()])

    def poll(self) -> Response:
        """New chat lines per persona since the given indexes, and new SMS."""
        since: dict[str, int] = {}
        for part in request.args.get("since", "").split(","):
            user_id, _, index = part.partition(":")
            if user_id and index.isdigit():
                since[user_id] = int(index)
        sms_from = request.args.get("sms", "0")
        sms_start = int(sms_from) if sms_from.isdigit() else 0
        with self.fake.lock:
            chats = {
                user_id: [
                    line_json(i, line)
                    for i, line in enumerate(self.fake.chats[user_id])
                    if i >= since.get(user_id, 0)
                ]
                for user_id in self.personas
            }
            sms = list(enumerate(self.fake.sms))[sms_start:]
        return jsonify(
            personas=[self.persona_json(p) for p in self.personas.values()],
            chats=chats,
            sms=[{"index": i, **item} for i, item in sms],
        )

    def say(self) -> Response:
        body = request.get_json(silent=True) or {}
        persona = self.persona(body.get("user"))
        text = str(body.get("text") or "").strip()
        if not text or len(text) > MAX_TEXT:
            raise SimulatorError(f"text must be 1 to {MAX_TEXT} characters")
        self.require_friend(persona)
        return self.deliver(lambda: self.fake.say(persona.user, text))

    def tap(self) -> Response:
        body = request.get_json(silent=True) or {}
        persona = self.persona(body.get("user"))
        data = str(body.get("data") or "")
        if not data or len(data) > MAX_POSTBACK_DATA:
            raise SimulatorError(f"postback data must be 1 to {MAX_POSTBACK_DATA} characters")
        self.require_friend(persona)
        display = body.get("displayText")
        return self.deliver(
            lambda: self.fake.tap(persona.user, data, str(display) if display else None)
        )

    def follow(self) -> Response:
        persona = self.persona((request.get_json(silent=True) or {}).get("user"))
        return self.deliver(lambda: self.fake.follow(persona.user))

    def unfollow(self) -> Response:
        persona = self.persona((request.get_json(silent=True) or {}).get("user"))
        return self.deliver(lambda: self.fake.unfollow(persona.user))

    def image(self) -> Response:
        """The persona sends a photo: uploaded bytes, or an image seen in a chat."""
        body = request.get_json(silent=True) or {}
        persona = self.persona(body.get("user"))
        self.require_friend(persona)
        content = self.fetch_image(body)
        kind = read_kind(content)
        if kind is None or len(content) > MAX_IMAGE_BYTES:
            raise SimulatorError("send a PNG or JPEG photo of at most 10 MB")
        return self.deliver(lambda: self.fake.send_image(persona.user, content, kind))

    def content(self, message_id: str) -> Response:
        with self.fake.lock:
            found = self.fake.contents.get(message_id)
        if found is None:
            raise SimulatorError("no such photo", 404)
        return Response(found[0], 200, mimetype=found[1])

    def sms(self) -> Response:
        with self.fake.lock:
            items = [{"index": i, **item} for i, item in enumerate(self.fake.sms)]
        return jsonify(sms=items)

    def scan(self) -> Response:
        """Read a QR as LINE's QR reader would: a shop chat link becomes text to send."""
        content = read_qr(self.fetch_image(request.get_json(silent=True) or {}))
        if content is None:
            return jsonify(found=False, content=None, text=None)
        return jsonify(found=True, content=content, text=oa_message_text(content, self.basic_id))

    def require_friend(self, persona: Persona) -> None:
        if not persona.user.following:
            raise SimulatorError(f"{persona.label} has not added the shop as a friend yet", 409)


def read_kind(content: bytes) -> str | None:
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None
