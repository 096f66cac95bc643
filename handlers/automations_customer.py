"""The customer's side of the automations: welcome gift, birthday, invite a friend.

The welcome gift and the birthday question come with the registration reply (a reply is
free and the customer is reading); both happen once per member.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from handlers import lifecycle_messages as say
from handlers.customer import join_menu, menu
from handlers.dialog import END, NOT_MINE, Dialog, End, Outcome, Reply
from handlers.i18n import CATALOGS, means
from handlers.registration import AFTER_REGISTRATION
from handlers.router import Context, StepContext, normalise, router
from handlers.views.lifecycle_cards import invite_card
from handlers.views.messages import Choice, Message, text
from storage import automation_settings, lifecycle, referrals
from storage.automation_runs import Plan, carry_out
from storage.models import Member, MemberLifecycle, Role, id_of

DATE = "date"  # the question is asked: a day and month, or skip
BIRTHDAY = router.dialog(Dialog("birthday", role=Role.CUSTOMER, starts={DATE}, moves={DATE: {END}}))
_NUMERIC_DATE = re.compile(r"^(\d{1,2})\s*[/\-. ]\s*(\d{1,2})(?:\s*[/\-. ]\s*\d{2,4})?$")
_NAMED_DATE = re.compile(r"^(\d{1,2})\s*(\D+?)\.?(?:\s+\d{2,4})?$")


def _enabled(ctx: Context, name: str) -> automation_settings.Config | None:
    config = automation_settings.config(ctx.session, name)
    return config if config.enabled else None


def welcome_gift(ctx: Context, member: Member) -> list[Message]:
    """The owner's welcome points and coupon, given once per member on registration."""
    config = _enabled(ctx, "welcome")
    if config is None or (not config["points"] and config["coupon"] is None):
        return []
    plan = Plan(
        "welcome",
        id_of(member),
        "once",
        marketing=False,
        points=config["points"],
        reward_id=config["coupon"],
        needs_reader=False,
    )
    given = carry_out(ctx.session, plan, tz=ctx.shop.tz)
    if given is None:
        return []
    lines = [ctx.t("welcome_gift", shop=ctx.shop.name)]
    lines += say.gift_lines(ctx.shop, ctx.lang, given.record.points, given.coupon, given.reward)
    messages: list[Message] = [text("\n".join(lines))]
    if given.coupon is not None and given.reward is not None:
        messages.append(say.coupon_card(ctx.shop, ctx.lang, given.coupon, given.reward))
    return messages


def note_invite(ctx: Context, member: Member) -> list[Message]:
    """A friend who came with an invite code now waits for their first purchase."""
    referrals.on_registered(ctx.session, ctx.user, member)
    return []


def ask_birthday(ctx: Context, member: Member) -> list[Message]:
    """Once, right after registration: the birthday (day and month), or skip."""
    if _enabled(ctx, "birthday") is None or lifecycle.birthday_asked(ctx.session, id_of(member)):
        return []
    lifecycle.mark_birthday_asked(ctx.session, id_of(member))
    BIRTHDAY.start(ctx, DATE)
    return [_birthday_question(ctx)]


AFTER_REGISTRATION.extend([welcome_gift, note_invite, ask_birthday])


def _birthday_question(ctx: Context) -> Message:
    return text(ctx.t("ask_birthday"), [Choice(ctx.t("word_skip"), ctx.t("word_skip"))])


def _month_words() -> dict[str, int]:
    words: dict[str, int] = {}
    for catalog in CATALOGS.values():
        for number, name in enumerate(catalog["months"].split(), start=1):
            words[normalise(name).rstrip(".")] = number
    return words


MONTH_WORDS = _month_words()


def read_birthday(typed: str) -> tuple[int, int] | None:
    """`15/3`, `15-03-1990`, `15 มี.ค.`, `15 mar` -> (15, 3); None if not a day and month."""
    found = _NUMERIC_DATE.match(typed)
    if found:
        day, month = int(found.group(1)), int(found.group(2))
    else:
        named = _NAMED_DATE.match(typed)
        word = normalise(named.group(2)).rstrip(".")[:3] if named else ""
        month = next((n for w, n in MONTH_WORDS.items() if w and word == w[:3]), 0)
        day = int(named.group(1)) if named else 0
    return (day, month) if lifecycle.is_birthday(day, month) else None


def _is_skip(ctx: Context) -> bool:
    return means(ctx.text, "skip")


@BIRTHDAY.step(DATE)
def take_birthday(ctx: StepContext) -> Outcome:
    """The customer typed their birthday, or skipped (anything else goes to the commands)."""
    member = ctx.member
    if _is_skip(ctx) or member is None:
        return End([text(ctx.t("birthday_skipped"), menu(ctx))])
    found = read_birthday(ctx.text)
    if found is None:
        if ctx.text[:1].isdigit():
            return Reply([_birthday_bad(ctx)])
        return NOT_MINE
    return _save_birthday(ctx, member, *found)


def _birthday_bad(ctx: Context) -> Message:
    return text(ctx.t("birthday_bad"), [Choice(ctx.t("word_skip"), ctx.t("word_skip"))])


def _save_birthday(ctx: Context, member: Member, day: int, month: int) -> End:
    lifecycle.set_birthday(ctx.session, id_of(member), day, month)
    return End([text(ctx.t("birthday_saved", date=_day_month(ctx, day, month)), menu(ctx))])


def _day_month(ctx: Context, day: int, month: int) -> str:
    return f"{day} {ctx.t('months').split()[month - 1]}"


@router.command("birthday")
def birthday(ctx: Context) -> list[Message]:
    """`birthday 15/3`: give (or correct) the birthday; without a date, say it and ask."""
    member = ctx.member
    if member is None:
        return [text(ctx.t("not_member"), join_menu(ctx))]
    BIRTHDAY.start(ctx, DATE)
    if ctx.args:
        found = read_birthday(" ".join(ctx.args))
        if found is None:
            return [_birthday_bad(ctx)]
        return BIRTHDAY.follow(ctx, _save_birthday(ctx, member, *found))
    known = ctx.session.get(MemberLifecycle, id_of(member))
    if known is not None and known.birth_day and known.birth_month:
        shown = _day_month(ctx, known.birth_day, known.birth_month)
        return [text(ctx.t("birthday_known", date=shown)), _birthday_question(ctx)]
    return [_birthday_question(ctx)]


def add_friend_link(ctx: Context) -> str:
    return f"https://line.me/R/ti/p/{ctx.shop.basic_id}"


def share_link(ctx: Context, member: Member, points: int) -> str:
    """LINE's share sheet with the invite typed in: the shop's add-friend link and the code."""
    message = ctx.t(
        "invite_share",
        shop=ctx.shop.name,
        link=add_friend_link(ctx),
        code=member.code,
        points=points,
    )
    return "https://line.me/R/share?text=" + quote(message, safe="")


@router.command("invite")
def invite(ctx: Context) -> list[Message]:
    """The member's invite: a button that shares the shop's link and their code."""
    member, config = ctx.member, _enabled(ctx, "referral")
    if member is None:
        return [text(ctx.t("not_member"), join_menu(ctx))]
    if config is None:
        return [text(ctx.t("invite_off"), menu(ctx))]
    brought = referrals.invited_by(ctx.session, id_of(member))
    return [
        invite_card(
            alt_text=ctx.t("invite_title"),
            title=ctx.t("invite_title"),
            body=ctx.t("invite_body", points=config["points"], code=member.code, brought=brought),
            button=ctx.t("invite_button"),
            uri=share_link(ctx, member, config["points"]),
            colors=ctx.shop.colors,
            choices=menu(ctx),
        )
    ]


@router.command("friend")
def came_with_invite(ctx: Context) -> list[Message]:
    """`friend <code>`: the friend who was invited sends the inviter's member code."""
    config = _enabled(ctx, "referral")
    if config is None:
        return [text(ctx.t("invite_off"), menu(ctx))]
    if len(ctx.args) != 1:
        return [text(ctx.t("friend_usage"), menu(ctx))]
    try:
        referrals.accept_code(ctx.session, code=ctx.args[0], user=ctx.user)
    except referrals.ReferralRefused as refused:
        return [text(ctx.t(f"friend_{refused.reason.value}"), menu(ctx))]
    key = "friend_noted" if ctx.member is not None else "friend_noted_register"
    return [text(ctx.t(key, points=config["points"], shop=ctx.shop.name), menu(ctx))]
