"""The customer's conversation: follow, consent, register by phone, points, card, help."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from linebot.v3.messaging import Message

from handlers.i18n import LANGUAGES, language_for, means, t
from handlers.router import Context, router
from handlers.views.messages import Choice, QrCard, member_card, postback_data, text
from storage import clock, dialogs, ledger, members, phones, privacy, tiers, verification
from storage.models import EntryKind, LineUser, Member, Role, id_of

NOTICE_VERSION = "1"
NAMES = {"th": "ไทย", "en": "English"}  # each language in its own words


def menu(ctx: Context) -> list[Choice]:
    """The quick replies that say what a customer can do next."""
    if ctx.member is None:
        return [
            Choice(ctx.t("qr_register"), ctx.t("cmd_register")),
            Choice(ctx.t("qr_help"), ctx.t("cmd_help")),
        ]
    return [
        Choice(ctx.t("qr_points"), ctx.t("cmd_points")),
        Choice(ctx.t("qr_card"), ctx.t("cmd_card")),
        Choice(ctx.t("qr_rewards"), ctx.t("cmd_rewards")),
        Choice(ctx.t("qr_coupons"), ctx.t("cmd_coupons")),
        Choice(ctx.t("qr_help"), ctx.t("cmd_help")),
    ]


def _consent_choices(ctx: Context) -> list[Choice]:
    return [
        Choice(ctx.t("consent_all"), data=postback_data("consent", choice="all")),
        Choice(ctx.t("consent_service"), data=postback_data("consent", choice="service")),
        Choice(ctx.t("consent_no"), data=postback_data("consent", choice="no")),
    ]


def privacy_notice(ctx: Context) -> Message:
    return text(ctx.t("privacy_notice", shop=ctx.shop.name), _consent_choices(ctx))


def _ask_phone(ctx: Context) -> Message:
    dialogs.start_dialog(ctx.session, ctx.user.line_user_id, "register", "phone")
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
    if ctx.user.service_consent_version == NOTICE_VERSION:
        return [greeting, _ask_phone(ctx)]
    return [greeting, privacy_notice(ctx)]


@router.on("unfollow")
def goodbye(ctx: Context) -> list[Message]:
    """Blocked or unfollowed: no reply is possible, and no more pushes go out."""
    ctx.user.following = False
    dialogs.end_dialog(ctx.session, ctx.user.line_user_id)
    return []


@router.postback("consent")
def record_consent(ctx: Context) -> list[Message]:
    """The customer answered the privacy notice."""
    choice = ctx.data.get("choice")
    if choice not in ("all", "service"):
        privacy.record_consent(ctx.session, ctx.user, version=NOTICE_VERSION, service=False)
        if ctx.member is not None:
            return [text(ctx.t("consent_declined_member"), menu(ctx))]
        return [
            text(ctx.t("consent_declined"), [Choice(ctx.t("qr_register"), ctx.t("cmd_register"))])
        ]
    privacy.record_consent(
        ctx.session, ctx.user, version=NOTICE_VERSION, service=True, marketing=choice == "all"
    )
    if ctx.member is not None:
        return [text(ctx.t("consent_saved"), menu(ctx))]
    return [text(ctx.t("consent_thanks")), _ask_phone(ctx)]


@router.command("register")
def register(ctx: Context) -> list[Message]:
    """Start registration: the notice first if not yet accepted, then the phone number."""
    if ctx.member is not None:
        return [text(ctx.t("already_member", code=ctx.member.code), menu(ctx))]
    if ctx.user.service_consent_version != NOTICE_VERSION:
        return [privacy_notice(ctx)]
    return [_ask_phone(ctx)]


@router.step("register", "phone", min_role=Role.CUSTOMER)
def take_phone(ctx: Context) -> list[Message] | None:
    """The customer typed their phone number (anything else goes to the commands)."""
    if not phones.looks_like_phone(ctx.text, min_digits=3):
        return None
    return register_phone(ctx, ctx.text)


def register_phone(ctx: Context, typed: str) -> list[Message]:
    """Link the customer to the member holding `typed`, creating it if new."""
    if ctx.member is not None:
        dialogs.end_dialog(ctx.session, ctx.user.line_user_id)
        return [text(ctx.t("already_member", code=ctx.member.code), menu(ctx))]
    if ctx.user.service_consent_version != NOTICE_VERSION:
        return [privacy_notice(ctx)]
    phone = phones.to_e164(typed)
    if phone is None:
        dialogs.start_dialog(ctx.session, ctx.user.line_user_id, "register", "phone")
        return [text(ctx.t("bad_phone"), [Choice(ctx.t("qr_cancel"), ctx.t("cmd_cancel"))])]
    member = members.find_member_by_phone(ctx.session, phone)
    if member is None:
        return _linked(ctx, members.create_member(ctx.session, phone=phone), new=True)
    if members.line_user_of(ctx.session, member) is not None:
        dialogs.end_dialog(ctx.session, ctx.user.line_user_id)
        return [text(ctx.t("phone_taken"))]
    if not members.has_history(ctx.session, member):
        return _linked(ctx, member, new=True)
    return _send_code(ctx, phone)


def _send_code(ctx: Context, phone: str) -> list[Message]:
    code = verification.issue_code(ctx.session, line_user_id=ctx.user.line_user_id, phone=phone)
    if code is None:
        dialogs.end_dialog(ctx.session, ctx.user.line_user_id)
        return [text(ctx.t("otp_too_many"))]
    ctx.send_sms(phone, ctx.t("otp_sms", code=code, shop=ctx.shop.name))
    dialogs.start_dialog(ctx.session, ctx.user.line_user_id, "register", "code", {"phone": phone})
    choices = [
        Choice(ctx.t("qr_resend"), ctx.t("word_resend")),
        Choice(ctx.t("qr_cancel"), ctx.t("cmd_cancel")),
    ]
    return [text(ctx.t("otp_sent", phone=phones.masked(phone)), choices)]


@router.step("register", "code", min_role=Role.CUSTOMER)
def take_code(ctx: Context) -> list[Message] | None:
    """The customer typed the SMS code (or asked for another)."""
    assert ctx.dialog is not None
    phone = ctx.dialog.data["phone"]
    if means(ctx.text, "resend"):
        return _send_code(ctx, phone)
    code = ctx.text.replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    result = verification.check_code(
        ctx.session, line_user_id=ctx.user.line_user_id, phone=phone, code=code
    )
    if result == verification.Check.WRONG:
        return [text(ctx.t("otp_wrong"), [Choice(ctx.t("qr_resend"), ctx.t("word_resend"))])]
    if result != verification.Check.OK:
        dialogs.end_dialog(ctx.session, ctx.user.line_user_id)
        return [text(ctx.t(f"otp_{result.value}"))]
    member = members.find_member_by_phone(ctx.session, phone)
    if member is None or members.line_user_of(ctx.session, member) is not None:
        dialogs.end_dialog(ctx.session, ctx.user.line_user_id)
        return [text(ctx.t("phone_taken"))]
    return _linked(ctx, member, new=False)


# What else happens when someone registers (welcome gift, invite, birthday question):
# each returns messages added to the reply. Features append to it; this module knows none.
AFTER_REGISTRATION: list[Callable[[Context, Member], list[Message]]] = []


def _linked(ctx: Context, member: Member, *, new: bool) -> list[Message]:
    members.link(ctx.session, ctx.user, member)
    dialogs.end_dialog(ctx.session, ctx.user.line_user_id)
    key = "registered" if member.points == 0 else "registered_with_points"
    extra = [message for hook in AFTER_REGISTRATION for message in hook(ctx, member)][:3]
    return [
        text(ctx.t(key, code=member.code, points=member.points, shop=ctx.shop.name), menu(ctx)),
        card_message(ctx, member),
        *extra,
    ]


@router.command("points")
def show_points(ctx: Context) -> list[Message]:
    """Balance, points earned this month and the last five changes."""
    member = ctx.member
    if member is None:
        return [text(ctx.t("not_member"), menu(ctx))]
    month_start = _month_start(ctx)
    lines = [
        ctx.t("points_balance", points=member.points),
        ctx.t("points_month", points=ledger.earned_since(ctx.session, member, month_start)),
    ]
    entries = ledger.recent_entries(ctx.session, member, 5)
    if entries:
        lines.append(ctx.t("points_recent"))
        for entry in entries:
            when = entry.created_at.astimezone(ctx.shop.tz).strftime("%d/%m %H:%M")
            kind = ctx.t(f"kind_{EntryKind(entry.kind).value}")
            lines.append(f"{when}  {kind}  {entry.points:+d}")
    return [text("\n".join(lines), menu(ctx))]


def _month_start(ctx: Context) -> datetime:
    local = clock.now().astimezone(ctx.shop.tz)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def card_url(ctx: Context, member: Member) -> str:
    return f"{ctx.shop.base_url}/media/card/{member.card_token}.png"


def card_message(ctx: Context, member: Member) -> Message:
    """The member card with the QR that opens the award command for a cashier."""
    rows = [(ctx.t("card_points"), f"{member.points:,}")]
    rows += _tier_rows(ctx, member)
    if member.phone:
        rows.append((ctx.t("card_phone"), phones.masked(member.phone)))
    card = QrCard(
        shop_name=ctx.shop.name,
        title=ctx.t("card_title"),
        qr_url=card_url(ctx, member),
        headline=[member.code],
        rows=rows,
        hint=ctx.t("card_hint"),
    )
    alt = ctx.t("card_alt", shop=ctx.shop.name, points=member.points)
    return member_card(alt, card, ctx.shop.colors)


def _short_date(ctx: Context, day: date) -> str:
    month = ctx.t("months").split()[day.month - 1]
    return f"{day.day} {month} {day.year + int(ctx.t('year_offset'))}"


def _tier_rows(ctx: Context, member: Member) -> list[tuple[str, str]]:
    """The tier, what the next one needs, and until when the tier holds (while tiers are on)."""
    standing = tiers.standing(ctx.session, id_of(member))
    if standing is None:
        return []
    rows = [(ctx.t("card_tier"), ctx.t(f"tier_{standing.tier}"))]
    if standing.next_tier is not None:
        needed = f"{-(-standing.needed_satang // 100):,}"
        label = ctx.t("card_next_tier", tier=ctx.t(f"tier_{standing.next_tier}"))
        rows.append((label, ctx.t("card_next_needs", baht=needed)))
    if standing.review_on is not None:
        rows.append((ctx.t("card_tier_until"), _short_date(ctx, standing.review_on)))
    return rows


@router.command("card")
def show_card(ctx: Context) -> list[Message]:
    """The member card (Flex) with its QR."""
    if ctx.member is None:
        return [text(ctx.t("not_member"), menu(ctx))]
    return [card_message(ctx, ctx.member)]


@router.command("help")
def show_help(ctx: Context) -> list[Message]:
    """What this person can do here, by role."""
    parts = [ctx.t("help_customer"), ctx.t("help_customer_privacy")]
    if ctx.role.rank >= Role.STAFF.rank:
        parts.append(ctx.t("help_staff"))
    if ctx.role == Role.OWNER:
        parts += [ctx.t("help_owner"), ctx.t("help_owner_insights")]
    return [text("\n\n".join(parts), menu(ctx))]


@router.command("language")
def set_language(ctx: Context) -> list[Message]:
    """Switch between Thai and English."""
    wanted = (ctx.args or [""])[0]
    wanted = next((lang for lang in LANGUAGES if means(wanted, f"lang_{lang}")), wanted)
    if wanted not in LANGUAGES:
        choices = [Choice(name, f"{ctx.t('cmd_language')} {lang}") for lang, name in NAMES.items()]
        return [text(ctx.t("language_which"), choices)]
    ctx.user.language = wanted
    return [text(ctx.t("language_set"), menu(ctx))]


@router.command("stop")
def stop_marketing(ctx: Context) -> list[Message]:
    """Opt out of offers and news; points and notices about them keep working."""
    version = ctx.user.service_consent_version or NOTICE_VERSION
    privacy.record_consent(ctx.session, ctx.user, version=version, marketing=False)
    return [text(ctx.t("marketing_stopped"), menu(ctx))]


@router.command("start")
def start_marketing(ctx: Context) -> list[Message]:
    """Opt back in to offers and news."""
    if ctx.user.service_consent_version != NOTICE_VERSION:
        return [privacy_notice(ctx)]
    privacy.record_consent(ctx.session, ctx.user, version=NOTICE_VERSION, marketing=True)
    return [text(ctx.t("marketing_started"), menu(ctx))]


@router.cancel("cancel")
def cancel(ctx: Context) -> list[Message]:
    """Leave whatever dialog is open."""
    closed = dialogs.end_dialog(ctx.session, ctx.user.line_user_id)
    return [text(ctx.t("cancelled" if closed else "nothing_to_cancel"), menu(ctx))]


def picture_received(ctx: Context) -> list[Message]:
    """A customer's photo outside any dialog: say what photos are for here, never stay silent."""
    return [text(ctx.t("picture_unused"), menu(ctx))]


@router.fallback
def not_understood(ctx: Context) -> list[Message]:
    """Unknown text: a phone number from a newcomer registers; anything else gets a pointer."""
    if ctx.event.kind == "text" and ctx.member is None and phones.looks_like_phone(ctx.text):
        return register_phone(ctx, ctx.text)
    return [text(ctx.t("unknown"), menu(ctx))]


def notify(ctx: Context, user: LineUser | None, key: str, **values: object) -> None:
    """Push a short notice to a linked, following customer in their own language."""
    if user is None or not user.following:
        return
    ctx.push(user, [text(t(user.language, key, shop=ctx.shop.name, **values))])
