"""The customer's conversation: points, card, help, language, offers on or off, cancel.

Becoming a member (follow, consent, phone) is in handlers/registration.py."""

from __future__ import annotations

from datetime import date, datetime

from handlers.dates import show_date, show_time
from handlers.i18n import LANGUAGES, means, t
from handlers.router import Context, router
from handlers.views.messages import Choice, Message, QrCard, member_card, postback_data, text
from storage import clock, dialogs, ledger, phones, privacy, tiers
from storage.models import EntryKind, LineUser, Member, Role, id_of

NOTICE_VERSION = "1"
NAMES = {"th": "ไทย", "en": "English"}  # each language in its own words


def join_menu(ctx: Context) -> list[Choice]:
    """Register and help: for someone not a member yet (staff too, once they ask)."""
    return [
        Choice(ctx.t("qr_register"), ctx.t("cmd_register")),
        Choice(ctx.t("qr_help"), ctx.t("cmd_help")),
    ]


def work_menu(ctx: Context) -> list[Choice]:
    """Staff and owners' own main buttons: the counter's, and the owner's home."""
    choices = [
        Choice(ctx.t("menu_award"), ctx.t("cmd_award")),
        Choice(ctx.t("menu_redeem"), ctx.t("cmd_redeem")),
        Choice(ctx.t("menu_member"), ctx.t("cmd_member")),
        Choice(ctx.t("qr_help"), ctx.t("cmd_help")),
    ]
    if ctx.role == Role.OWNER:
        choices.insert(0, Choice(ctx.t("menu_home"), ctx.t("cmd_owner")))
    return choices


def menu(ctx: Context) -> list[Choice]:
    """The quick replies that say what this person can do next. Staff and owners who are
    not members are not offered to register as customers: they get their own buttons."""
    if ctx.member is None:
        return work_menu(ctx) if ctx.role.rank >= Role.STAFF.rank else join_menu(ctx)
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


@router.on("unfollow")
def goodbye(ctx: Context) -> list[Message]:
    """Blocked or unfollowed: no reply is possible, and no more pushes go out."""
    ctx.user.following = False
    dialogs.end_dialog(ctx.session, ctx.user.line_user_id)
    return []


@router.command("points")
def show_points(ctx: Context) -> list[Message]:
    """Balance, points earned this month and the last five changes."""
    member = ctx.member
    if member is None:
        return [text(ctx.t("not_member"), join_menu(ctx))]
    earned, entries = ledger.points_history(ctx.session, member, _month_start(ctx), 5)
    lines = [
        ctx.t("points_balance", points=member.points),
        ctx.t("points_month", points=earned),
    ]
    if entries:
        lines.append(ctx.t("points_recent"))
        for entry in entries:
            when = show_time(ctx.lang, entry.created_at, ctx.shop.tz)
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
    return show_date(ctx.lang, day)


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
        return [text(ctx.t("not_member"), join_menu(ctx))]
    return [card_message(ctx, ctx.member)]


def greeting(ctx: Context) -> list[Message]:
    """A hello gets one back, with the buttons of what this person can do."""
    name = f" {ctx.user.display_name}" if ctx.user.display_name else ""
    return [text(ctx.t("greeting", name=name, shop=ctx.shop.name), menu(ctx))]


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


def notify(ctx: Context, user: LineUser | None, key: str, **values: object) -> None:
    """Push a short notice to a linked, following customer in their own language."""
    if user is None or not user.following:
        return
    ctx.push(user, [text(t(user.language, key, shop=ctx.shop.name, **values))])
