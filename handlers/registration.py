"""Becoming a member: follow, the privacy notice, then a phone number (and an SMS code when
that phone already holds points from the counter).

The `register` dialog: `phone` (waits for a phone number) -> `code` (waits for the SMS
code, or `resend`) -> linked. A phone typed by a newcomer outside the dialog registers too.
"""

from __future__ import annotations

from collections.abc import Callable

from handlers import customer
from handlers.customer import card_message, greeting, menu, privacy_notice
from handlers.dialog import END, NOT_MINE, Dialog, End, Next, Outcome, Reply
from handlers.i18n import language_for, means
from handlers.router import Context, StepContext, router
from handlers.views.messages import Choice, Message, text
from storage import members, phones, privacy, verification
from storage.models import Member, Role

PHONE, CODE = "phone", "code"
REGISTER = router.dialog(
    Dialog(
        "register",
        role=Role.CUSTOMER,
        starts={PHONE, CODE},
        moves={PHONE: {PHONE, CODE, END}, CODE: {PHONE, CODE, END}},
    )
)

# What else happens when someone registers (welcome gift, invite, birthday question):
# each returns messages added to the reply. Features append to it; this module knows none.
AFTER_REGISTRATION: list[Callable[[Context, Member], list[Message]]] = []


def _ask_phone(ctx: Context) -> Message:
    REGISTER.start(ctx, PHONE)
    return text(ctx.t("ask_phone"), [Choice(ctx.t("qr_cancel"), ctx.t("cmd_cancel"))])


@router.on("follow")
def welcome(ctx: Context) -> list[Message]:
    """A new friend: greet, show the privacy notice, then ask for a phone number."""
    if ctx.event.profile_language:
        ctx.user.language = language_for(ctx.event.profile_language)
    if ctx.member is not None:
        return [
            text(ctx.t("welcome_back", shop=ctx.shop.name, points=ctx.member.points), menu(ctx))
        ]
    greeting = text(ctx.t("welcome", shop=ctx.shop.name))
    if ctx.user.service_consent_version == customer.NOTICE_VERSION:
        return [greeting, _ask_phone(ctx)]
    return [greeting, privacy_notice(ctx)]


@router.postback("consent")
def record_consent(ctx: Context) -> list[Message]:
    """The customer answered the privacy notice."""
    choice = ctx.data.get("choice")
    version = customer.NOTICE_VERSION
    if choice not in ("all", "service"):
        privacy.record_consent(ctx.session, ctx.user, version=version, service=False)
        if ctx.member is not None:
            return [text(ctx.t("consent_declined_member"), menu(ctx))]
        return [
            text(ctx.t("consent_declined"), [Choice(ctx.t("qr_register"), ctx.t("cmd_register"))])
        ]
    privacy.record_consent(
        ctx.session, ctx.user, version=version, service=True, marketing=choice == "all"
    )
    if ctx.member is not None:
        return [text(ctx.t("consent_saved"), menu(ctx))]
    return [text(ctx.t("consent_thanks")), _ask_phone(ctx)]


@router.command("register")
def register(ctx: Context) -> list[Message]:
    """Start registration: the notice first if not yet accepted, then the phone number."""
    if ctx.member is not None:
        return [text(ctx.t("already_member", code=ctx.member.code), menu(ctx))]
    if ctx.user.service_consent_version != customer.NOTICE_VERSION:
        return [privacy_notice(ctx)]
    return [_ask_phone(ctx)]


@REGISTER.step(PHONE)
def take_phone(ctx: StepContext) -> Outcome:
    """The customer typed their phone number (anything else goes to the commands)."""
    if not phones.looks_like_phone(ctx.text, min_digits=3):
        return NOT_MINE
    return register_phone(ctx, ctx.text)


def register_phone(ctx: Context, typed: str) -> Next | Reply | End:
    """Link the customer to the member holding `typed`, creating it if new."""
    if ctx.member is not None:
        return End([text(ctx.t("already_member", code=ctx.member.code), menu(ctx))])
    if ctx.user.service_consent_version != customer.NOTICE_VERSION:
        return Reply([privacy_notice(ctx)])
    phone = phones.to_e164(typed)
    if phone is None:
        cancel = Choice(ctx.t("qr_cancel"), ctx.t("cmd_cancel"))
        return Next(PHONE, [text(ctx.t("bad_phone"), [cancel])])
    member = members.find_member_by_phone(ctx.session, phone)
    if member is None:
        return _linked(ctx, members.create_member(ctx.session, phone=phone))
    if members.line_user_of(ctx.session, member) is not None:
        return End([text(ctx.t("phone_taken"))])
    if not members.has_history(ctx.session, member):
        return _linked(ctx, member)
    return _send_code(ctx, phone)


def _send_code(ctx: Context, phone: str) -> Next | End:
    code = verification.issue_code(ctx.session, line_user_id=ctx.user.line_user_id, phone=phone)
    if code is None:
        return End([text(ctx.t("otp_too_many"))])
    ctx.send_sms(phone, ctx.t("otp_sms", code=code, shop=ctx.shop.name))
    choices = [
        Choice(ctx.t("qr_resend"), ctx.t("word_resend")),
        Choice(ctx.t("qr_cancel"), ctx.t("cmd_cancel")),
    ]
    sent = text(ctx.t("otp_sent", phone=phones.masked(phone)), choices)
    return Next(CODE, [sent], {"phone": phone})


@REGISTER.step(CODE)
def take_code(ctx: StepContext) -> Outcome:
    """The customer typed the SMS code (or asked for another)."""
    phone = ctx.dialog.data["phone"]
    if means(ctx.text, "resend"):
        return _send_code(ctx, phone)
    code = ctx.text.replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return NOT_MINE
    result = verification.check_code(
        ctx.session, line_user_id=ctx.user.line_user_id, phone=phone, code=code
    )
    if result == verification.Check.WRONG:
        resend = Choice(ctx.t("qr_resend"), ctx.t("word_resend"))
        return Reply([text(ctx.t("otp_wrong"), [resend])])
    if result != verification.Check.OK:
        return End([text(ctx.t(f"otp_{result.value}"))])
    member = members.find_member_by_phone(ctx.session, phone)
    if member is None or members.line_user_of(ctx.session, member) is not None:
        return End([text(ctx.t("phone_taken"))])
    return _linked(ctx, member)


def _linked(ctx: Context, member: Member) -> End:
    """The registration is done: the card, then what features add (a birthday question may
    open its own dialog, which stays open)."""
    members.link(ctx.session, ctx.user, member)
    key = "registered" if member.points == 0 else "registered_with_points"
    extra = [message for hook in AFTER_REGISTRATION for message in hook(ctx, member)][:3]
    return End(
        [
            text(ctx.t(key, code=member.code, points=member.points, shop=ctx.shop.name), menu(ctx)),
            card_message(ctx, member),
            *extra,
        ]
    )


@router.fallback
def not_understood(ctx: Context) -> list[Message]:
    """Unknown text: a phone number from a newcomer registers (not from staff, who type
    customers' phones; they register by asking to); anything else gets a pointer."""
    newcomer = ctx.member is None and ctx.role == Role.CUSTOMER
    if ctx.event.kind == "text" and newcomer and phones.looks_like_phone(ctx.text):
        return REGISTER.follow(ctx, register_phone(ctx, ctx.text))
    if ctx.event.kind == "text" and means(ctx.text, "hello"):
        return greeting(ctx)
    return [text(ctx.t("unknown"), menu(ctx))]
