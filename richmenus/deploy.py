"""Put the layouts into LINE: create what changed, keep what did not, remove what is unused.

A menu is identified by a hash of its layout JSON and its picture. A menu whose hash is
already deployed (recorded in `rich_menu_deployment`, and still listed by LINE) is kept
as it is, so deploying twice creates nothing the second time. A changed menu is created
anew (LINE cannot replace a menu's picture), the aliases and the default are pointed at
it, staff and owners are linked to their new menus, and only then is the old one deleted.
Menus this tool made carry names starting with `line-loyalty/`; others are left alone.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from richmenus import records
from richmenus.api import RichMenuApi, RichMenuError, SdkClients
from richmenus.draw import picture
from richmenus.layouts import ALIAS_PREFIX, DEFAULT_MENU, ENTRY_MENU, MENUS, Menu
from richmenus.look import Look
from storage import members
from storage.db import transaction
from storage.models import Role

log = logging.getLogger(__name__)

NAME_PREFIX = "line-loyalty/"


@dataclass(frozen=True)
class Built:
    """A menu ready to send: the create request, its picture and its content hash."""

    menu: Menu
    body: dict[str, Any]
    image: bytes
    content_type: str
    digest: str

    @property
    def key(self) -> str:
        return self.menu.key


@dataclass
class Report:
    """What a deployment did."""

    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    default_set: bool = False
    linked: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.deleted or self.aliases or self.default_set)


def build(look: Look) -> list[Built]:
    """Every menu with its picture drawn for this shop."""
    built = []
    for menu in MENUS:
        image, content_type = picture(menu, look)
        layout = json.dumps(menu.request(""), sort_keys=True, ensure_ascii=False).encode()
        digest = hashlib.sha256(layout + b"\0" + image).hexdigest()
        body = menu.request(f"{NAME_PREFIX}{menu.key}/{digest[:16]}")
        built.append(Built(menu, body, image, content_type, digest))
    return built


def deploy(client: SdkClients | RichMenuApi, look: Look, engine: Engine) -> Report:
    """Make LINE show the current layouts; safe to run again and again."""
    api = RichMenuApi.of(client)
    wanted = build(look)
    report = Report()
    with transaction(engine) as session:
        known = {k: (r.rich_menu_id, r.content_hash) for k, r in records.deployed(session).items()}
    listed = {m["richMenuId"]: m["name"] for m in api.menus()}
    ids = {b.key: _create_or_keep(api, b, known.get(b.key), listed, report) for b in wanted}
    if api.default() != ids[DEFAULT_MENU]:
        api.set_default(ids[DEFAULT_MENU])
        report.default_set = True
    _sync_aliases(api, wanted, ids, report)
    with transaction(engine) as session:
        for b in wanted:
            records.record(
                session,
                key=b.key,
                rich_menu_id=ids[b.key],
                alias_id=b.menu.alias,
                content_hash=b.digest,
            )
        records.forget_others(session, set(ids))
    report.linked = _relink(api, engine, ids, set(report.created))
    for menu_id, name in listed.items():
        if name.startswith(NAME_PREFIX) and menu_id not in ids.values():
            api.delete(menu_id)
            report.deleted.append(menu_id)
    return report


def _create_or_keep(
    api: RichMenuApi,
    built: Built,
    known: tuple[str, str] | None,
    listed: dict[str, str],
    report: Report,
) -> str:
    if known is not None and known[1] == built.digest and known[0] in listed:
        report.kept.append(built.key)
        return known[0]
    menu_id = api.create(built.body)
    api.upload(menu_id, built.image, built.content_type)
    report.created.append(built.key)
    log.info("rich menu %s created as %s", built.key, menu_id)
    return menu_id


def _sync_aliases(
    api: RichMenuApi, wanted: list[Built], ids: dict[str, str], report: Report
) -> None:
    """Point each tab's alias at its menu; remove this tool's aliases nothing uses."""
    current = api.aliases()
    targets = {b.menu.alias: ids[b.key] for b in wanted if b.menu.alias}
    for alias, menu_id in targets.items():
        if alias not in current:
            api.create_alias(alias, menu_id)
        elif current[alias] != menu_id:
            api.update_alias(alias, menu_id)
        else:
            continue
        report.aliases.append(alias)
    for alias in current:
        if alias.startswith(ALIAS_PREFIX) and alias not in targets:
            api.delete_alias(alias)
            report.aliases.append(alias)


def _relink(api: RichMenuApi, engine: Engine, ids: dict[str, str], created: set[str]) -> int:
    """Link staff and owners to their role's menu when that menu is new; returns how many."""
    with transaction(engine) as session:
        people = [(u.line_user_id, Role(u.role)) for u in members.list_staff(session)]
    linked = 0
    for user_id, role in people:
        key = ENTRY_MENU.get(role)
        if key is None or key not in created:
            continue
        try:
            api.link(user_id, ids[key])
            linked += 1
        except RichMenuError as error:
            log.warning("could not link the %s menu to %s: %s", role.value, user_id, error)
    return linked
