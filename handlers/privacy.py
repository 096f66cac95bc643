"""Privacy rights in the chat (PDPA): a changed notice is asked again, `my data` gives a
one-time download of everything kept, `delete me` erases after confirmation; the owner
reads the audit log with `audit`."""

from __future__ import annotations

from handlers import customer
from handlers.coupon_views import show_time
from handlers.dialog import END, NOT_MINE, Dialog, End, Outcome
from handlers.router import Context, StepContext, router
from handlers.staff import find_member
from handlers.views.messages import Choice, Message, postback_data, text
from storage import audit, coupons, members, privacy
from storage.models import AuditEntry, Member, Role

CONFIRM = "confirm"  # the erase question is asked; only a tap confirms
ERASE = router.dialog(Dialog("erase", role=Role.CUSTOMER, starts={CONFIRM}, moves={CONFIRM: {END}}))
AUDIT_LINES = 20


@router.after
def ask_new_notice(ctx: Context, messages: list[Message]) -> list[Message]:
    """A member who accepted an older privacy notice is shown the new one until they answer."""
    if ctx.event.kind not in ("text", "postback") or ctx.user.member_id is None:
        return messages
    if ctx.user.service_consent_version == customer.NOTICE_VERSION or len(messages) >= 5:
        return messages
    if ctx.data.get("action") == "consent":
        return messages
    return [*messages, text(ctx.t("notice_updated")), customer.privacy_notice(ctx)][:5]


@router.command("my data")
def my_data(ctx: Context) -> list[Message]:
    """A one-time link, valid 24 hours, to a JSON file of everything kept about this person."""
    token = privacy.create_export(ctx.session, ctx.user.line_user_id)
    link = f"{ctx.shop.base_url}/privacy/export/{token}"
    return [text(ctx.t("my_data_link", link=link), customer.menu(ctx))]


@router.command("delete me")
def delete_me(ctx: Context) -> list[Message]:
    """Ask for confirmation before erasing the person's data (staff must be removed first)."""
    if ctx.role != Role.CUSTOMER:
        return [text(ctx.t("erase_staff"))]
    member = ctx.member
    ERASE.start(ctx, CONFIRM)
    warning = ctx.t("erase_ask_guest")
    if member is not None:
        count = coupons.count_live_coupons(ctx.session, member.id)  # type: ignore[arg-type]
        warning = ctx.t("erase_ask", points=f"{member.points:,}", coupons=count)
    choices = [
        Choice(ctx.t("qr_erase_confirm"), data=postback_data("erase", choice="yes")),
        Choice(ctx.t("qr_erase_keep"), ctx.t("cmd_cancel")),
    ]
    return [text(warning, choices)]


@ERASE.step(CONFIRM)
def erase_waiting(ctx: StepContext) -> Outcome:
    """While the question is open, typed text goes to the commands (a tap confirms)."""
    return NOT_MINE


@router.postback("erase")
def erase_confirmed(ctx: Context) -> list[Message]:
    """The tap on "erase my data": only while the question is open (10 minutes)."""
    asked = ERASE.open_in(ctx)
    if asked is None or asked.dialog.step != CONFIRM:
        return [text(ctx.t("erase_expired"))]
    closed = ERASE.follow(asked, End([]))
    try:
        privacy.erase(ctx.session, ctx.user)
    except privacy.ErasureRefused:
        return [*closed, text(ctx.t("erase_staff"))]
    ctx.dialog = None
    return [*closed, text(ctx.t("erase_done", shop=ctx.shop.name))]


@router.command("audit", min_role=Role.OWNER)
def show_audit(ctx: Context) -> list[Message]:
    """`audit` the last 20 staff and owner actions; `audit <phone | code>` those on a member."""
    member_id = None
    if ctx.args:
        member = find_member(ctx, " ".join(ctx.args), create=False)
        if member is None:
            return [text(ctx.t("award_no_member", target=" ".join(ctx.args)))]
        member_id = member.id
    entries = audit.recent(ctx.session, limit=AUDIT_LINES, member_id=member_id)
    if not entries:
        return [text(ctx.t("audit_empty"))]
    lines = [ctx.t("audit_title", count=len(entries))]
    lines += [_audit_line(ctx, entry) for entry in entries]
    return [text("\n".join(lines))]


def _audit_line(ctx: Context, entry: AuditEntry) -> str:
    person = members.get_line_user(ctx.session, entry.actor)
    who = (person.display_name if person else None) or entry.actor[-6:]
    on = ""
    if entry.member_id is not None:
        member = ctx.session.get(Member, entry.member_id)
        on = f" → {member.code}" if member else ""
    when = show_time(ctx.lang, entry.at, ctx.shop.tz)
    return f"{when} {who}: {(entry.detail or entry.action)[:80]}{on}"
