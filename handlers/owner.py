"""The owner's conversation: invite, list and remove staff."""

from __future__ import annotations

from linebot.v3.messaging import Message

from handlers.jobs import LinkRichMenu
from handlers.numbers import whole_number
from handlers.router import Context, router
from handlers.views.messages import Choice, text
from storage import members, staff
from storage.models import Role


@router.command("staff invite", min_role=Role.OWNER)
def invite_staff(ctx: Context) -> list[Message]:
    """A one-time code, valid 24 hours, for a new cashier to send as `join <code>`."""
    code, _ = staff.create_invite(ctx.session, created_by=ctx.user.line_user_id)
    return [text(ctx.t("invite_created", code=code)), text(f"join {code}")]


@router.command("staff list", min_role=Role.OWNER)
def list_staff(ctx: Context) -> list[Message]:
    """Everyone who can award points, numbered for `staff remove <n>`."""
    people = members.list_staff(ctx.session)
    lines = [ctx.t("staff_list_title")]
    for n, person in enumerate(people, start=1):
        name = person.display_name or person.line_user_id[-6:]
        lines.append(f"{n}. {name} · {ctx.t('role_' + person.role)}")
    choices = [Choice(ctx.t("qr_invite"), "staff invite")]
    return [text("\n".join(lines), choices)]


@router.command("staff remove", min_role=Role.OWNER)
def remove_staff(ctx: Context) -> list[Message]:
    """`staff remove <n>`: the n-th person of `staff list` goes back to being a customer."""
    people = members.list_staff(ctx.session)
    number = whole_number(ctx.args[0]) if len(ctx.args) == 1 else None
    if number is None or not 1 <= number <= len(people):
        return [text(ctx.t("staff_remove_usage"))]
    person = people[number - 1]
    if person.role == Role.OWNER:
        return [text(ctx.t("staff_remove_owner"))]
    members.set_role(ctx.session, person, Role.CUSTOMER)
    ctx.jobs.append(LinkRichMenu(line_user_id=person.line_user_id, role="customer"))
    return [text(ctx.t("staff_removed", name=person.display_name or person.line_user_id[-6:]))]
