"""The Messaging API calls for rich menus (line-bot-sdk v3), with errors as `RichMenuError`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from linebot.v3.messaging import (
    ApiException,
    CreateRichMenuAliasRequest,
    MessagingApi,
    MessagingApiBlob,
    RichMenuRequest,
    UpdateRichMenuAliasRequest,
)

T = TypeVar("T")


class SdkClients(Protocol):
    """What a LINE client hands over: line-bot-sdk's API objects for the two hosts."""

    api: MessagingApi
    blob: MessagingApiBlob


class RichMenuError(Exception):
    """LINE refused or failed a rich menu call. `retryable` says whether trying again may help."""

    def __init__(self, status: int, body: str, retry_after: float | None = None) -> None:
        super().__init__(f"LINE answered {status}: {body[:200]}")
        self.status = status
        self.body = body
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.status == 429 or self.status >= 500 or self.status == 0


def _call(call: Callable[[], T]) -> T:
    try:
        return call()
    except ApiException as exc:
        raise RichMenuError(exc.status or 0, str(exc.body or exc.reason or "")) from None


class RichMenuApi:
    """Create, upload, list, delete, default, link and alias calls; nothing else."""

    def __init__(self, api: MessagingApi, blob: MessagingApiBlob) -> None:
        self.api = api
        self.blob = blob

    @classmethod
    def of(cls, client: SdkClients | RichMenuApi) -> RichMenuApi:
        """Accept the process's LINE client or an already made RichMenuApi."""
        if isinstance(client, RichMenuApi):
            return client
        return cls(client.api, client.blob)

    def menus(self) -> list[dict[str, Any]]:
        """Every rich menu of the channel (id, name, size, areas...)."""
        found = _call(self.api.get_rich_menu_list)
        return [menu.to_dict() for menu in found.richmenus]

    def create(self, body: dict[str, Any]) -> str:
        request = RichMenuRequest.from_dict(body)
        return _call(lambda: self.api.create_rich_menu(request)).rich_menu_id

    def upload(self, menu_id: str, image: bytes, content_type: str) -> None:
        """The menu's picture, sent to the data endpoint (`api-data.line.me`)."""
        headers = {"Content-Type": content_type}
        _call(lambda: self.blob.set_rich_menu_image(menu_id, image, _headers=headers))

    def delete(self, menu_id: str) -> None:
        _call(lambda: self.api.delete_rich_menu(menu_id))

    def default(self) -> str | None:
        try:
            return _call(self.api.get_default_rich_menu_id).rich_menu_id
        except RichMenuError as error:
            if error.status == 404:
                return None
            raise

    def set_default(self, menu_id: str) -> None:
        _call(lambda: self.api.set_default_rich_menu(menu_id))

    def aliases(self) -> dict[str, str]:
        """Alias id -> rich menu id."""
        found = _call(self.api.get_rich_menu_alias_list)
        return {a.rich_menu_alias_id: a.rich_menu_id for a in found.aliases}

    def create_alias(self, alias_id: str, menu_id: str) -> None:
        request = CreateRichMenuAliasRequest(richMenuAliasId=alias_id, richMenuId=menu_id)
        _call(lambda: self.api.create_rich_menu_alias(request))

    def update_alias(self, alias_id: str, menu_id: str) -> None:
        request = UpdateRichMenuAliasRequest(richMenuId=menu_id)
        _call(lambda: self.api.update_rich_menu_alias(alias_id, request))

    def delete_alias(self, alias_id: str) -> None:
        _call(lambda: self.api.delete_rich_menu_alias(alias_id))

    def link(self, user_id: str, menu_id: str) -> None:
        _call(lambda: self.api.link_rich_menu_id_to_user(user_id, menu_id))

    def unlink(self, user_id: str) -> None:
        _call(lambda: self.api.unlink_rich_menu_id_from_user(user_id))
