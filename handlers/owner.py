"""The owner's conversation: invite, list and remove staff.

Removing someone always asks first, naming the person; the yes is keyed by their LINE id
(never a place in the list, which shifts when someone joins) and checks again, when
tapped, that the one tapping is an owner and that the person is still staff.
"""

from __future__ import annotations

from handlers.dates import show_time
from handlers.i18n import normalise
from handlers.jobs import LinkRichMenu
from handlers.numbers import whole_number
from handlers.router import Context, router
from handlers.views.messages import Button, Choice, Message, flex, postback_data, text
from handlers.views.staff_card import StaffCard, StaffRow, staff_bubble
from storage import members, staff
from storage.models import LineUser, Role

ASK, REMOVE, KEEP = "staff_remove_ask", "staff_remove", "staff_keep"


def name_of(person: LineUser) -> str:
    return person.display_name or person.line_user_id[-6:]


@router.command("staff invite", min_role=Role.OWNER)
def invite_staff(ctx: Context) -> list[Message]:
    """A one-time code, valid 24 hours, for a new cashier to send as `join <code>`."""
    code, _ = staff.create_invite(ctx.session, created_by=ctx.user.line_user_id)
    return [text(ctx.t("invite_created", code=code)), text(f"join {code}")]


def _invite_lines(ctx: Context) -> list[str]:
    found = staff.invites(ctx.session)
    tz = ctx.shop.tz
    lines = [
        ctx.t("staff_invite_open", when=show_time(ctx.lang, until, tz))
        for until in found.open_until
    ]
    for used in found.used:
        name = name_of(used.who) if used.who is not None else used.used_by[-6:]
        lines.append(
            ctx.t("staff_invite_used", name=name, when=show_time(ctx.lang, used.used_at, tz))
        )
    return lines or [ctx.t("staff_invites_none")]


@router.command("staff list", min_role=Role.OWNER)
def list_staff(ctx: Context) -> list[Message]:
    """Everyone who can award points, by name, each cashier with a remove button; invites."""
    people = members.list_staff(ctx.session)
    rows = [
        StaffRow(
            name=name_of(person),
            role=ctx.t("role_" + person.role),
            remove=None
            if person.role == Role.OWNER
            else Button(
                ctx.t("staff_remove_button", name=name_of(person)),
                data=postback_data(ASK, user=person.line_user_id),
                primary=False,
            ),
        )
        for person in people
    ]
    card = StaffCard(
        shop_name=ctx.shop.name,
        title=ctx.t("staff_card_title"),
        rows=rows,
        invites_title=ctx.t("staff_invites_title"),
        invites=_invite_lines(ctx),
        invite=Button(ctx.t("qr_invite"), text=ctx.t("cmd_staff_invite")),
    )
    names = ", ".join(name_of(p) for p in people)
    alt = ctx.t("staff_list_alt", shop=ctx.shop.name, names=names)
    return [flex(alt, staff_bubble(card, ctx.shop.colors))]


def _ask(ctx: Context, person: LineUser) -> list[Message]:
    """Remove this person? Yes and no carry their LINE id."""
    if person.role == Role.OWNER:
        return [text(ctx.t("staff_remove_owner"))]
    if person.role != Role.STAFF:
        return [text(ctx.t("staff_not_staff", name=name_of(person)))]
    choices = [
        Choice(ctx.t("staff_remove_yes"), data=postback_data(REMOVE, user=person.line_user_id)),
        Choice(ctx.t("staff_remove_no"), data=postback_data(KEEP, user=person.line_user_id)),
    ]
    return [text(ctx.t("staff_remove_ask", name=name_of(person)), choices)]


def _known(people: list[LineUser]) -> str:
    return ", ".join(name_of(p) for p in people if p.role == Role.STAFF) or "-"


@router.command("staff remove", min_role=Role.OWNER)
def remove_staff(ctx: Context) -> list[Message]:
    """`staff remove <n>` (the n-th of `staff list`) or `staff remove <name>`: asks first."""
    if not ctx.args:
        return [text(ctx.t("staff_remove_usage"))]
    people = members.list_staff(ctx.session)
    typed = " ".join(ctx.args)
    number = whole_number(typed)
    if number is not None:
        found = [people[number - 1]] if 1 <= number <= len(people) else []
    else:
        found = [p for p in people if normalise(name_of(p)) == normalise(typed)]
    if len(found) > 1:
        return [text(ctx.t("staff_name_twice", who=typed))]
    if not found:
        return [text(ctx.t("staff_not_found", who=typed, known=_known(people)))]
    return _ask(ctx, found[0])


def _tapped(ctx: Context) -> LineUser | None:
    user_id = ctx.data.get("user", "")
    return members.get_line_user(ctx.session, user_id) if user_id else None


def _gone(ctx: Context) -> list[Message]:
    """The tapped person is not in the shop any more (or the tap was forged)."""
    known = _known(members.list_staff(ctx.session))
    return [text(ctx.t("staff_not_found", who="-", known=known))]


@router.postback(ASK, min_role=Role.OWNER)
def ask_to_remove(ctx: Context) -> list[Message]:
    """The remove button on the staff card: asks to confirm, naming the person."""
    person = _tapped(ctx)
    if person is None:
        return _gone(ctx)
    return _ask(ctx, person)


@router.postback(REMOVE, min_role=Role.OWNER)
def confirm_removal(ctx: Context) -> list[Message]:
    """Yes: the person goes back to being a customer; their awards awaiting approval end."""
    person = _tapped(ctx)
    if person is None:
        return _gone(ctx)
    if person.role != Role.STAFF:
        return _ask(ctx, person)
    cancelled = staff.remove_from_staff(ctx.session, person, by=ctx.user.line_user_id)
    ctx.jobs.append(LinkRichMenu(line_user_id=person.line_user_id, role="customer"))
    said = [ctx.t("staff_removed", name=name_of(person))]
    if cancelled:
        said.append(ctx.t("staff_removed_waiting", count=cancelled, name=name_of(person)))
    return [text("\n".join(said), _after_removal(ctx))]


def _after_removal(ctx: Context) -> list[Choice]:
    return [
        Choice(ctx.t("menu_staff"), ctx.t("cmd_staff_list")),
        Choice(ctx.t("qr_home"), ctx.t("cmd_owner")),
    ]


@router.postback(KEEP, min_role=Role.OWNER)
def keep_staff(ctx: Context) -> list[Message]:
    """No: nothing changes."""
    person = _tapped(ctx)
    kept = ctx.t("staff_remove_kept", name=name_of(person) if person else "-")
    return [text(kept, _after_removal(ctx))]
