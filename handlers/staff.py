"""The cashier's conversation: join, award points, void a mistake, look a member up."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from linebot.v3.messaging import Message

from handlers import lifecycle_messages
from handlers.customer import notify
from handlers.dialog import END, NOT_MINE, Dialog, End, Outcome, Reply
from handlers.jobs import DeliverPush, LinkRichMenu
from handlers.numbers import whole_number
from handlers.router import Context, StepContext, router
from handlers.scan_texts import award_text
from handlers.views.messages import Choice, text
from storage import codes, ledger, members, phones, staff
from storage.members import MEMBER_CODE_PREFIX
from storage.models import Member, Role, id_of

TAB_POSTBACK = "menu_tab"  # a rich menu tab: the menu of that tab is linked to its tapper
MAX_AWARD_SATANG = 1_000_000 * 100
_MEMBER_CODE = re.compile(rf"^{MEMBER_CODE_PREFIX}[{codes.ALPHABET}]{{6}}$", re.IGNORECASE)
AMOUNT = "amount"  # a scanned member card waits for what they spent
AWARD = router.dialog(Dialog("award", role=Role.STAFF, starts={AMOUNT}, moves={AMOUNT: {END}}))


def to_satang(typed: str) -> int | None:
    """`350`, `1,250.50`, `฿99` -> satang; None for anything else or over two decimals."""
    cleaned = typed.replace(",", "").replace("฿", "").replace("บาท", "").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        return None
    if not 0 < amount <= Decimal(MAX_AWARD_SATANG).scaleb(-2):  # before any arithmetic: 1e999999
        return None
    return int(amount * 100)


def baht(satang: int) -> str:
    return f"{satang / 100:,.2f}".removesuffix(".00")


def is_member_code(typed: str) -> bool:
    """`M7K3QX9` (any case): the shape of a member code, as on the member card."""
    return bool(_MEMBER_CODE.match(typed))


def find_member(ctx: Context, typed: str, *, create: bool) -> Member | None:
    """A member by code or phone; with `create`, an unknown valid phone becomes a counter member."""
    if is_member_code(typed):
        ctx.audit_subject = members.find_member_by_code(ctx.session, typed)
        return ctx.audit_subject
    phone = phones.to_e164(typed)
    if phone is None:
        return None
    member = members.find_member_by_phone(ctx.session, phone)
    if member is None and create:
        member = members.create_member(ctx.session, phone=phone)
    ctx.audit_subject = member
    return member


def _who(member: Member) -> str:
    return f"{member.code} ({phones.masked(member.phone)})" if member.phone else member.code


@router.command("join")
def join_staff(ctx: Context) -> list[Message]:
    """Someone with an invite code becomes staff."""
    if not ctx.args:
        return [text(ctx.t("join_usage"))]
    if ctx.role.rank >= Role.STAFF.rank:
        return [text(ctx.t("join_already"))]
    if not staff.accept_invite(ctx.session, code=ctx.args[0], user=ctx.user):
        return [text(ctx.t("join_bad_code"))]
    ctx.jobs.append(LinkRichMenu(line_user_id=ctx.user.line_user_id, role="staff"))
    return [text(ctx.t("join_done", shop=ctx.shop.name))]


@router.command("award", min_role=Role.STAFF)
def award(ctx: Context) -> list[Message]:
    """`award <phone | member code> <baht>`: points for a purchase."""
    if not ctx.args:
        return [text(ctx.t("award_usage"))]
    if len(ctx.args) == 1:
        return _ask_amount(ctx, ctx.args[0])
    target, amount_text = " ".join(ctx.args[:-1]), ctx.args[-1]
    satang = to_satang(amount_text)
    if satang is None:
        return [text(ctx.t("award_bad_amount", amount=amount_text))]
    member = find_member(ctx, target, create=True)
    if member is None:
        return [text(ctx.t("award_no_member", target=target))]
    return _award(ctx, member, satang)


def _ask_amount(ctx: Context, target: str) -> list[Message]:
    """A scanned member card: `award M7K3QX9` with no amount yet."""
    member = find_member(ctx, target, create=False)
    if member is None:
        return [text(ctx.t("award_no_member", target=target))]
    AWARD.start(ctx, AMOUNT, member_id=member.id)
    return [
        text(
            ctx.t("award_ask_amount", who=_who(member), points=member.points),
            [Choice(ctx.t("qr_cancel"), ctx.t("cmd_cancel"))],
        )
    ]


@AWARD.step(AMOUNT)
def take_amount(ctx: StepContext) -> Outcome:
    """The cashier typed the amount after scanning a card."""
    satang = to_satang(ctx.text)
    if satang is None:
        if ctx.text[:1].isdigit():
            return Reply([text(ctx.t("award_bad_amount", amount=ctx.text))])
        return NOT_MINE
    member = ctx.session.get(Member, ctx.dialog.data["member_id"])
    if member is None:
        return End([text(ctx.t("award_no_member", target=ctx.dialog.data["member_id"]))])
    return End(_award(ctx, member, satang))


def _award(ctx: Context, member: Member, satang: int) -> list[Message]:
    ctx.audit_subject = member
    try:
        result = ledger.award_purchase(
            ctx.session,
            member=member,
            amount_satang=satang,
            baht_per_point=ctx.shop.baht_per_point,
            staff_user_id=ctx.user.line_user_id,
            idempotency_key=f"award:{ctx.event.event_id}",
            tz=ctx.shop.tz,
        )
    except ledger.MemberErased:
        return [text(ctx.t("award_member_erased"))]
    points = result.entry.points
    customer = members.line_user_of(ctx.session, member)
    if points > 0:
        notify(ctx, customer, "award_notice", points=points, balance=result.balance)
    congratulation = lifecycle_messages.move_up(ctx.session, ctx.shop, id_of(member))
    if congratulation is not None:
        ctx.jobs.append(DeliverPush(outbox_id=congratulation))
    key = "award_done" if customer is not None else "award_done_counter"
    reply = ctx.t(
        key,
        points=points,
        amount=baht(satang),
        who=_who(member),
        balance=result.balance,
        entry=result.entry.id,
    )
    if result.debt_paid:
        reply += "\n" + ctx.t("award_debt_note", paid=result.debt_paid)
    return [text(reply)]


@router.command("void", min_role=Role.STAFF)
def void(ctx: Context) -> list[Message]:
    """`void <entry id>`: cancel a mistaken award with an opposite entry."""
    entry_id = whole_number(ctx.args[0].lstrip("#")) if len(ctx.args) == 1 else None
    if entry_id is None:
        return [text(ctx.t("void_usage"))]
    try:
        entry, member = ledger.void_entry(
            ctx.session,
            entry_id=entry_id,
            actor=ctx.user.line_user_id,
            may_void_any=ctx.role == Role.OWNER,
        )
    except ledger.VoidRefused as refused:
        return [text(ctx.t(f"void_{refused.reason}", entry=entry_id))]
    ctx.audit_subject = member
    notify(
        ctx,
        members.line_user_of(ctx.session, member),
        "void_notice",
        points=-entry.points,
        balance=member.points,
    )
    return [text(ctx.t("void_done", entry=entry_id, points=-entry.points, balance=member.points))]


@router.command("member", min_role=Role.STAFF)
def look_up(ctx: Context) -> list[Message]:
    """`member <phone | code>`: a member's balance and whether they use LINE."""
    if not ctx.args:
        return [text(ctx.t("lookup_usage"))]
    member = find_member(ctx, " ".join(ctx.args), create=False)
    if member is None:
        return [text(ctx.t("award_no_member", target=" ".join(ctx.args)))]
    linked = members.line_user_of(ctx.session, member) is not None
    return [
        text(
            ctx.t(
                "lookup_result",
                who=_who(member),
                points=member.points,
                line=ctx.t("yes" if linked else "no"),
            ),
            [Choice(ctx.t("qr_award"), award_text(member.code))],
        )
    ]


@router.postback(TAB_POSTBACK)
def menu_tab(ctx: Context) -> list[Message]:
    """A rich menu tab was tapped: LINE has already switched the menu, nothing to say."""
    return []
