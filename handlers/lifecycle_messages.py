"""What automations say to a member, in the member's language, and how it is queued.

The push is written to the outbox in the transaction that gave the points and the coupon,
so it carries one fixed retry key from the start: the same mechanism every other push uses.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers import coupon_views as views
from handlers.i18n import t
from handlers.router import Shop
from handlers.views.messages import Message, QrCard, carousel, qr_bubble, text
from storage import clock, members, outbox, tiers
from storage.automation_runs import AUTO_PURPOSE, Given, Plan, attach_push, carry_out
from storage.models import Coupon, Reward


def tier_name(lang: str, tier: str) -> str:
    return t(lang, f"tier_{tier}")


def _opening(shop: Shop, lang: str, given: Given) -> str:
    plan, facts = given.plan, given.plan.facts
    values: dict[str, object] = {"shop": shop.name, "balance": f"{given.member.points:,}"}
    key = f"auto_{plan.automation}"
    if plan.automation == "expiry":
        ends = datetime.fromisoformat(facts["date"])
        values.update(points=f"{facts['points']:,}", date=views.show_date(lang, ends, shop.tz))
    elif plan.automation == "referral":
        key, values["points"] = f"auto_referral_{facts['role']}", f"{plan.points:,}"
    elif plan.automation == "tiers":
        values.update(tier=tier_name(lang, facts["tier"]), times=f"{facts['percent'] / 100:g}")
    else:
        values.update({k: f"{v:,}" if isinstance(v, int) else v for k, v in facts.items()})
    return t(lang, key, **values)


def gift_lines(
    shop: Shop, lang: str, points: int, coupon: Coupon | None, reward: Reward | None
) -> list[str]:
    lines = []
    if points:
        lines.append(t(lang, "auto_gift_points", points=f"{points:,}"))
    if coupon is not None and reward is not None:
        until = views.show_date(lang, coupon.expires_at, shop.tz)
        lines.append(
            t(lang, "auto_gift_coupon", reward=views.reward_name(reward, lang), date=until)
        )
    return lines


def coupon_card(shop: Shop, lang: str, coupon: Coupon, reward: Reward) -> Message:
    """A gift coupon as a Flex card: the QR a cashier scans, the code, the last day."""
    until = views.show_date(lang, coupon.expires_at, shop.tz)
    card = QrCard(
        shop_name=shop.name,
        title=t(lang, "coupon_title"),
        qr_url=views.coupon_url(shop, coupon, "qr"),
        headline=[views.reward_name(reward, lang), coupon.code],
        rows=[(t(lang, "coupon_valid_until_label"), until)],
        hint=t(lang, "coupon_hint"),
    )
    alt = t(lang, "coupon_alt", reward=views.reward_name(reward, lang), code=coupon.code)
    return carousel(alt, [qr_bubble(card, shop.colors)])


def compose(shop: Shop, given: Given) -> list[Message]:
    """The push for what `given` did: a text (and the gift coupon's card)."""
    lang = given.reader.language if given.reader else "th"
    points = given.record.points if given.plan.automation not in ("referral",) else 0
    lines = [_opening(shop, lang, given)]
    lines += gift_lines(shop, lang, points, given.coupon, given.reward)
    if given.plan.marketing:
        lines.append(t(lang, "auto_stop_hint"))
    messages: list[Message] = [text("\n".join(lines))]
    if given.coupon is not None and given.reward is not None:
        messages.append(coupon_card(shop, lang, given.coupon, given.reward))
    return messages


def queue(session: Session, shop: Shop, given: Given) -> int | None:
    """Write the push for `given` to the outbox (if the member reads LINE); its id."""
    if given.reader is None:
        return None
    row = outbox.queue_push(
        session,
        to=given.reader.line_user_id,
        messages=compose(shop, given),
        purpose=AUTO_PURPOSE + given.plan.automation,
    )
    attach_push(session, given, row)
    return row.id


def move_up(session: Session, shop: Shop, member_id: int) -> int | None:
    """Raise the member's tier if their spend reached a higher one, and congratulate them.

    Returns the outbox id of the congratulation (None if nothing moved or nobody reads it).
    """
    today = clock.now().astimezone(shop.tz).date()
    members.lock_member(session, member_id)  # member before lifecycle, as every change does
    new = tiers.move_up(session, member_id, today)
    if new is None:
        return None
    percent = tiers.earn_percent(session, member_id)
    plan = Plan(
        "tiers",
        member_id,
        f"{new}:{today.isoformat()}",
        marketing=False,
        facts={"tier": new, "percent": percent},
    )
    given = carry_out(session, plan, tz=shop.tz)
    return queue(session, shop, given) if given else None
