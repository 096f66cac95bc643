"""The cashier's conversation: join, award points, void a mistake, look a member up."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from handlers import award_guard as guard
from handlers import lifecycle_messages
from handlers.customer import notify
from handlers.dialog import END, NOT_MINE, Dialog, End, Outcome, Reply
from handlers.jobs import DeliverPush, LinkRichMenu
from handlers.numbers import whole_number
from handlers.router import Context, StepContext, router
from handlers.scan_texts import award_text
from handlers.views.messages import Choice, Message, text
from storage import codes, ledger, members, phones, staff
from storage.members import MEMBER_CODE_PREFIX
from storage.models import Member, Role, id_of

TAB_POSTBACK = "menu_tab"  # a rich menu tab: the menu of that tab is linked to its tapper
MAX_AWARD_SATANG = 1_000_000 * 100
_MEMBER_CODE = re.compile(rf"^{MEMBER_CODE_PREFIX}[{codes.ALPHABET}]{{6}}$", re.IGNORECASE)
AMOUNT = "amount"  # a scanned member card waits for what they spent
AWARD = router.dialog(
    Dialog(
        "award",
        role=Role.STAFF,
        starts={AMOUNT, guard.CONFIRM},
        moves={AMOUNT: {END, guard.CONFIRM}, guard.CONFIRM: {guard.CONFIRM, END}},
    )
)


def _decimal(typed: str) -> Decimal | None:
    cleaned = typed.replace(",", "").replace("฿", "").replace("บาท", "").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        return None
    return amount


def to_satang(typed: str) -> int | None:
    """`350`, `1,250.50`, `฿99` -> satang; None for anything else or over two decimals."""
    amount = _decimal(typed)
    if amount is None or not 0 < amount <= Decimal(MAX_AWARD_SATANG).scaleb(-2):
        return None  # compared before any arithmetic: 1e999999
    return int(amount * 100)


def amount_refused(ctx: Context, typed: str) -> str | None:
    """Why `typed` is no amount to award (not an amount, or more than one award may be)."""
    amount = _decimal(typed)
    if amount is not None and amount > Decimal(MAX_AWARD_SATANG).scaleb(-2):
        return ctx.t("award_too_much", amount=typed, most=baht(MAX_AWARD_SATANG))
    return None if to_satang(typed) is not None else ctx.t("award_bad_amount", amount=typed)


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
    refused = amount_refused(ctx, amount_text)
    if refused is not None:
        return [text(refused)]
    satang = to_satang(amount_text)
    assert satang is not None
    pending = _pending(ctx, target, satang)
    if isinstance(pending, str):
        return [text(pending)]
    outcome = guard.check(ctx, pending, make_award, f"award:{ctx.event.event_id}")
    return guard.start_or_answer(ctx, AWARD, outcome)


def _pending(ctx: Context, target: str, satang: int) -> guard.Pending | str:
    """The award to check, or why `target` is neither a member code nor a phone."""
    if is_member_code(target):
        member = find_member(ctx, target, create=False)
        if member is None:
            return ctx.t("award_no_member", target=target)
        return guard.Pending(satang, member_id=member.id)
    phone = phones.to_e164(target)
    if phone is None:
        if phones.looks_like_phone(target, min_digits=1):
            return ctx.t("award_bad_phone", phone=target)
        return ctx.t("award_no_member", target=target)
    return guard.Pending(satang, phone=phone)


def _ask_amount(ctx: Context, target: str) -> list[Message]:
    """A scanned member card: `award M7K3QX9` with no amount yet."""
    member = find_member(ctx, target, create=False)
    if member is None:
        if not is_member_code(target) and phones.looks_like_phone(target, min_digits=1):
            if phones.to_e164(target) is None:
                return [text(ctx.t("award_bad_phone", phone=target))]
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
            return Reply([text(amount_refused(ctx, ctx.text) or "")])
        return NOT_MINE
    member = ctx.session.get(Member, ctx.dialog.data["member_id"])
    if member is None:
        return End([text(ctx.t("award_no_member", target=ctx.dialog.data["member_id"]))])
    pending = guard.Pending(satang, member_id=member.id)
    outcome = guard.check(ctx, pending, make_award, f"award:{ctx.event.event_id}")
    return guard.answered(ctx, outcome)


@AWARD.step(guard.CONFIRM)
def typed_while_asked(ctx: StepContext) -> Outcome:
    """A question waits for a tap: what is typed meanwhile goes to the commands."""
    return NOT_MINE


def make_award(
    ctx: Context, member: Member, satang: int, key: str, by: str | None = None
) -> list[Message]:
    """Award the purchase (for the cashier `by`, else the person acting): the reply, with
    its void button; the customer is told."""
    ctx.audit_subject = member
    try:
        result = ledger.award_purchase(
            ctx.session,
            member=member,
            amount_satang=satang,
            baht_per_point=ctx.shop.baht_per_point,
            staff_user_id=by or ctx.user.line_user_id,
            idempotency_key=key,
            tz=ctx.shop.tz,
        )
    except ledger.MemberErased:
        return [text(ctx.t("award_member_erased"))]
    except ledger.KeyConflict:
        return [text(ctx.t("award_question_gone"))]
    entry = id_of(result.entry)
    void_button = [Choice(ctx.t("qr_void", entry=entry), f"{ctx.t('cmd_void')} {entry}")]
    if result.again:
        return [text(ctx.t("award_already_made", entry=entry), void_button)]
    points = result.entry.points
    customer = members.line_user_of(ctx.session, member)
    if points > 0:
        notify(ctx, customer, "award_notice", points=points, balance=result.balance)
    congratulation = lifecycle_messages.move_up(ctx.session, ctx.shop, id_of(member))
    if congratulation is not None:
        ctx.jobs.append(DeliverPush(outbox_id=congratulation))
    reply = ctx.t(
        "award_done" if customer is not None else "award_done_counter",
        points=points,
        amount=baht(satang),
        who=_who(member),
        balance=result.balance,
        entry=entry,
    )
    if result.debt_paid:
        reply += "\n" + ctx.t("award_debt_note", paid=result.debt_paid)
    return [text(reply, void_button)]


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
