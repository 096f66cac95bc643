"""Guard rails on an award: a new counter member and a large amount are confirmed first.

Whatever way the award came (a typed phone, a typed or scanned member code, a photo of a
card), it passes here before anything is written. An award over the cashier's daily ceiling
then waits for the owner (handlers/award_approval.py). A question opens the award dialog at
`confirm`, remembering the award; its yes button (a postback with the question's key)
carries nothing else, so a tap can only confirm what was asked. Once the award is made
the dialog is closed: a second tap on the same button finds no question and changes
nothing; two taps at the same instant share one idempotency key and award once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from handlers import award_approval as approval
from handlers.dialog import Dialog, End, Next
from handlers.router import Context
from handlers.views.messages import Button, Message, flex, flex_box, flex_text, postback_data, text
from storage import award_limits, codes, ledger, members, phones, tiers
from storage.models import Dialog as DialogRow
from storage.models import Member

CONFIRM = "confirm"
NEW, BIG = "new", "big"  # the questions: a member to create, an amount to confirm
YES, NO = "award_yes", "award_no"  # postback actions of the question's buttons


@dataclass(frozen=True)
class Pending:
    """An award not made yet: to whom (a member, or a phone with no member), how much."""

    satang: int
    member_id: int | None = None
    phone: str | None = None
    agreed: tuple[str, ...] = ()  # the questions the cashier said yes to
    key: str = field(default_factory=lambda: codes.short_code(12))

    def as_data(self, asking: str) -> dict[str, Any]:
        return {
            "satang": self.satang,
            "member_id": self.member_id,
            "phone": self.phone,
            "agreed": list(self.agreed),
            "key": self.key,
            "asking": asking,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Pending:
        agreed = (*data.get("agreed", ()), data.get("asking", ""))
        return cls(
            satang=int(data["satang"]),
            member_id=data.get("member_id"),
            phone=data.get("phone"),
            agreed=tuple(a for a in agreed if a),
            key=str(data["key"]),
        )


@dataclass(frozen=True)
class Asked:
    """The award waits for the cashier's yes: the question and what the dialog remembers."""

    messages: list[Message]
    data: dict[str, Any]


Award = Callable[[Context, Member, int, str], list[Message]]  # handlers.staff.make_award


def asked(dialog: DialogRow, key: str | None) -> bool:
    """Whether `dialog` waits for the answer to the question with `key`."""
    return dialog.step == CONFIRM and bool(key) and dialog.data.get("key") == key


def local_phone(e164: str) -> str:
    """`+66899999999` -> `089-999-9999`, as the cashier typed it."""
    return phones.display(e164).replace(" ", "-")


def check(ctx: Context, pending: Pending, award: Award, key: str) -> list[Message] | Asked:
    """Make the award, or ask first (a phone with no member, an amount above the owner's)."""
    member = _member(ctx, pending)
    if member is None and pending.phone is None:
        return [text(ctx.t("award_no_member", target=pending.member_id))]
    if member is None and NEW not in pending.agreed:
        assert pending.phone is not None
        question = ctx.t("award_ask_new_member", phone=local_phone(pending.phone))
        yes = ctx.t("award_yes_new_member")
        return Asked(_question(ctx, question, yes, pending.key), pending.as_data(NEW))
    above = award_limits.confirm_above(ctx.session)
    if above is not None and pending.satang > above and BIG not in pending.agreed:
        return _ask_big(ctx, pending, member)
    if member is None:
        assert pending.phone is not None
        member = members.find_member_by_phone(ctx.session, pending.phone)
        member = member or members.create_member(ctx.session, phone=pending.phone)
    over = approval.over_ceiling(ctx, pending.satang)
    if over is not None:
        ctx.audit_subject = member
        return approval.ask_owner(ctx, member, pending.satang, key, *over)
    return award(ctx, member, pending.satang, key)


def _member(ctx: Context, pending: Pending) -> Member | None:
    if pending.member_id is not None:
        return ctx.session.get(Member, pending.member_id)
    assert pending.phone is not None
    return members.find_member_by_phone(ctx.session, pending.phone)


def _ask_big(ctx: Context, pending: Pending, member: Member | None) -> Asked:
    percent = tiers.earn_percent(ctx.session, member.id) if member and member.id else 100
    points = ledger.points_for(pending.satang, ctx.shop.baht_per_point, percent)
    amount = f"{pending.satang / 100:,.2f}".removesuffix(".00")
    question = ctx.t("award_ask_big", amount=amount)
    yes = ctx.t("award_yes_big", amount=amount, points=points)
    return Asked(_question(ctx, question, yes, pending.key), pending.as_data(BIG))


def _question(ctx: Context, question: str, yes: str, key: str) -> list[Message]:
    """The question with its two buttons: yes (the award's key) and cancel."""
    buttons = [
        Button(yes, data=postback_data(YES, key=key)),
        Button(ctx.t("award_no_button"), data=postback_data(NO, key=key), primary=False),
    ]
    colors = ctx.shop.colors
    bubble = {
        "type": "bubble",
        "size": "kilo",
        "body": flex_box([flex_text(question, weight="bold")]),
        "footer": flex_box([b.as_flex(colors) for b in buttons], spacing="sm"),
    }
    return [flex(question, bubble)]


def answered(ctx: Context, outcome: list[Message] | Asked) -> Next | End:
    """What the award dialog does with `check`'s answer: wait at `confirm`, or close."""
    if isinstance(outcome, Asked):
        return Next(CONFIRM, outcome.messages, outcome.data)
    return End(outcome)


def start_or_answer(ctx: Context, dialog: Dialog, outcome: list[Message] | Asked) -> list[Message]:
    """Outside a dialog: a question opens the award dialog at `confirm`."""
    if isinstance(outcome, Asked):
        dialog.start(ctx, CONFIRM, **outcome.data)
        return outcome.messages
    return outcome
