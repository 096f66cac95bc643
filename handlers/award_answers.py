"""The taps that answer an award's question: the cashier's yes or cancel, and the owner's
approve or decline of an award over a cashier's daily ceiling."""

from __future__ import annotations

from handlers import award_approval as approval
from handlers import award_guard as guard
from handlers.dialog import End
from handlers.i18n import t
from handlers.numbers import whole_number
from handlers.router import Context, router
from handlers.staff import AWARD, make_award
from handlers.views.messages import Choice, Message, text
from storage import award_limits, ledger, members
from storage.models import AwardRequest, LedgerEntry, Member, Role, id_of


@router.postback(guard.YES, min_role=Role.STAFF)
def confirm_award(ctx: Context) -> list[Message]:
    """Yes to the award's question: the next question, or the award itself."""
    inside = AWARD.open_in(ctx)
    if inside is None or not guard.asked(inside.dialog, ctx.data.get("key")):
        return [text(ctx.t("award_question_gone"))]
    pending = guard.Pending.from_data(inside.dialog.data)
    outcome = guard.check(ctx, pending, make_award, f"award:{pending.key}")
    return AWARD.follow(inside, guard.answered(ctx, outcome))


@router.postback(guard.NO, min_role=Role.STAFF)
def decline_award(ctx: Context) -> list[Message]:
    """Cancel on the award's question: nothing is awarded."""
    inside = AWARD.open_in(ctx)
    if inside is not None and guard.asked(inside.dialog, ctx.data.get("key")):
        AWARD.follow(inside, End([]))
    return [text(ctx.t("award_not_made"))]


def _request(ctx: Context) -> AwardRequest | None:
    number = whole_number(ctx.data.get("request", ""))
    return award_limits.get_request(ctx.session, number) if number is not None else None


def _decided_before(ctx: Context, request: AwardRequest) -> list[Message]:
    by = approval.cashier_name(ctx.session, request.decided_by or "")
    return [text(ctx.t(f"approval_already_{request.status}", by=by))]


def _cashier_gone(ctx: Context, request: AwardRequest) -> bool:
    """The cashier left the staff (`staff remove`, `loyalty owner remove`, ...) since asking."""
    cashier = members.get_line_user(ctx.session, request.staff_user_id)
    return cashier is None or Role(cashier.role).rank < Role.STAFF.rank


def _answer(ctx: Context, *, approve: bool) -> list[Message]:
    """The owner's approve or decline: decided once (a second tap says who decided), and an
    approval for a cashier no longer on the staff cancels the request instead."""
    request = _request(ctx)
    if request is None:
        return [text(ctx.t("approval_unknown"))]
    by = ctx.user.line_user_id
    if approve and request.status == award_limits.WAITING and _cashier_gone(ctx, request):
        if award_limits.cancel_request(ctx.session, id_of(request), by=by):
            name = approval.cashier_name(ctx.session, request.staff_user_id)
            return [text(ctx.t("approval_cashier_gone", cashier=name))]
    decided = award_limits.decide(ctx.session, id_of(request), approve=approve, by=by)
    if decided is None:
        ctx.session.refresh(request)
        return _decided_before(ctx, request)
    return _approved(ctx, decided) if approve else _declined(ctx, decided)


@router.postback(approval.APPROVE, min_role=Role.OWNER)
def approve_award(ctx: Context) -> list[Message]:
    """The owner approves an award over the ceiling: it is made once, the cashier is told."""
    return _answer(ctx, approve=True)


@router.postback(approval.DECLINE, min_role=Role.OWNER)
def decline_request(ctx: Context) -> list[Message]:
    """The owner declines an award over the ceiling: nothing is awarded, the cashier is told."""
    return _answer(ctx, approve=False)


def _approved(ctx: Context, decided: AwardRequest) -> list[Message]:
    member = ctx.session.get(Member, decided.member_id)
    assert member is not None
    key = f"award:request:{decided.id}"
    reply = make_award(ctx, member, decided.amount_satang, key, by=decided.staff_user_id)
    entry = ledger.entry_with_key(ctx.session, key)
    _tell_cashier(ctx, decided, "approval_approved_notice", entry)
    return reply


def _declined(ctx: Context, decided: AwardRequest) -> list[Message]:
    _tell_cashier(ctx, decided, "approval_declined_notice", None)
    member = ctx.session.get(Member, decided.member_id)
    shown = approval.who(member) if member is not None else "-"
    amount = approval.baht(decided.amount_satang)
    return [text(ctx.t("approval_declined", amount=amount, who=shown))]


def _tell_cashier(ctx: Context, request: AwardRequest, key: str, entry: LedgerEntry | None) -> None:
    cashier = members.get_line_user(ctx.session, request.staff_user_id)
    member = ctx.session.get(Member, request.member_id)
    if cashier is None or member is None:
        return
    lang = cashier.language
    said = t(
        lang,
        key,
        amount=approval.baht(request.amount_satang),
        who=approval.who(member),
        points=entry.points if entry is not None else 0,
        entry=entry.id if entry is not None else 0,
    )
    choices = []
    if entry is not None:
        void = f"{t(lang, 'cmd_void')} {entry.id}"
        choices = [Choice(t(lang, "qr_void", entry=entry.id), void)]
    ctx.push(cashier, [text(said, choices)], "award_approval")
