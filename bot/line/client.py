"""The one LINE Messaging API client of a process (line-bot-sdk v3), and its errors."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    MessagingApiBlob,
    ShowLoadingAnimationRequest,
)

from richmenus.api import RichMenuError

log = logging.getLogger(__name__)


class LineError(RichMenuError):
    """LINE refused or failed a call. `retryable` says whether trying again may help."""


@dataclass(frozen=True)
class Quota:
    """This month's message quota: `limit` None means no limit."""

    limit: int | None
    used: int


@dataclass(frozen=True)
class Profile:
    display_name: str | None
    language: str | None


def _error(exc: ApiException) -> LineError:
    headers = exc.headers or {}
    retry_after = headers.get("Retry-After") or headers.get("retry-after")
    try:
        delay = float(retry_after) if retry_after else None
    except ValueError:
        delay = None
    return LineError(exc.status or 0, str(exc.body or exc.reason or ""), delay)


class LineClient:
    """Reply, push, profile and content calls over two reused SDK API clients."""

    def __init__(self, *, access_token: str, endpoint: str, data_endpoint: str) -> None:
        self._api_client = ApiClient(Configuration(host=endpoint, access_token=access_token))
        self._data_client = ApiClient(Configuration(host=data_endpoint, access_token=access_token))
        self.api = MessagingApi(self._api_client)
        self.blob = MessagingApiBlob(self._data_client)

    def reply(self, reply_token: str, messages: list[dict[str, Any]]) -> None:
        """Answer with the reply token (free). Raises LineError."""
        try:
            self._send("reply", {"replyToken": reply_token, "messages": messages})
        except ApiException as exc:
            raise _error(exc) from None

    def push(self, to: str, messages: list[dict[str, Any]], retry_key: str) -> bool:
        """Push (uses quota). True if sent now, False if LINE had already accepted this key."""
        return self._send_once("push", {"to": to, "messages": messages}, retry_key)

    def multicast(self, to: list[str], messages: list[dict[str, Any]], retry_key: str) -> bool:
        """The same messages to up to 500 users (uses quota); False if LINE had already
        accepted this key. Safe to call from several threads."""
        return self._send_once("multicast", {"to": to, "messages": messages}, retry_key)

    def _send_once(self, kind: str, body: dict[str, Any], retry_key: str) -> bool:
        try:
            self._send(kind, body, retry_key)
        except ApiException as exc:
            if exc.status == 409:
                return False
            raise _error(exc) from None
        return True

    def _send(self, kind: str, body: dict[str, Any], retry_key: str | None = None) -> None:
        """POST messages (the Messaging API's JSON, as handlers.views.messages builds them)
        through the reused SDK client, without building SDK models only to serialise them."""
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        if retry_key is not None:
            headers["X-Line-Retry-Key"] = retry_key
        self._api_client.call_api(
            f"/v2/bot/message/{kind}",
            "POST",
            header_params=headers,
            body=body,
            response_types_map={"200": "object"},
            auth_settings=["Bearer"],
            _host=self.api.line_base_path,
        )

    def quota(self) -> Quota:
        """The monthly message quota and how much of it is used. Raises LineError."""
        try:
            quota = self.api.get_message_quota()
            used = self.api.get_message_quota_consumption()
        except ApiException as exc:
            raise _error(exc) from None
        limit = quota.value if quota.type == "limited" else None
        return Quota(limit=limit, used=used.total_usage or 0)

    def profile(self, user_id: str) -> Profile | None:
        """The user's display name and app language; None if LINE will not say."""
        try:
            found = self.api.get_profile(user_id)
        except ApiException as exc:
            log.warning("profile of %s unavailable: %s", user_id, exc.status)
            return None
        return Profile(display_name=found.display_name, language=found.language)

    def content(self, message_id: str) -> bytes:
        """The bytes of an image (or other file) a user sent."""
        try:
            return bytes(self.blob.get_message_content(message_id))
        except ApiException as exc:
            raise _error(exc) from None

    def show_loading(self, user_id: str, seconds: int = 5) -> None:
        """The typing dots in the user's chat while a slow answer is prepared.

        Only where an answer takes more than a moment: fetching a staff member's photo and
        reading its QR (`bot.web.photos.with_photo`: the download, then about half a second for
        a 9-megapixel photo); pictures drawn before the reply (charts) should call it too.
        Replies built from the database (cards, points, rewards) take milliseconds, and
        their images (member card and coupon QR) are drawn when LINE fetches them, after
        the reply: no dots for those.
        """
        try:
            self.api.show_loading_animation(
                ShowLoadingAnimationRequest(chatId=user_id, loadingSeconds=seconds)
            )
        except ApiException as exc:
            log.info("loading animation refused: %s", exc.status)

    def close(self) -> None:
        self._api_client.close()
        self._data_client.close()
