"""Give one person the menu of their role, right after the role changes."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from richmenus import records
from richmenus.api import RichMenuApi, SdkClients
from richmenus.layouts import ENTRY_MENU
from storage import members
from storage.db import transaction
from storage.models import Role


def link_for_role(
    client: SdkClients | RichMenuApi, engine: Engine, line_user_id: str, role: str
) -> str:
    """Link staff and owners to their menu, unlink customers (they get the default).

    The stored role wins over `role` (a job may run after a later change). Returns
    `linked`, `unlinked` or `not deployed` (no menus yet: nothing is called).
    """
    with transaction(engine) as session:
        rows = records.deployed(session)
        user = members.get_line_user(session, line_user_id)
        current = Role(user.role) if user is not None else Role(role)
    if not rows:
        return "not deployed"
    api = RichMenuApi.of(client)
    key = ENTRY_MENU.get(current)
    if key is None or key not in rows:
        api.unlink(line_user_id)
        return "unlinked"
    api.link(line_user_id, rows[key].rich_menu_id)
    return "linked"
