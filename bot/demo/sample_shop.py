"""A sample shop with a year behind it, for a new demo database (`sample_plan` decides it).

Everything is written through the shop's own storage functions, in the order it happened,
with the clock moved to each moment: members join and consent, cashier Bee records every
purchase (`ledger.award_purchase`, so points are ledger entries and lots; a customer whose
spend reaches a tier is moved up and congratulated, as at the counter), customers
redeem rewards and Bee scans the coupons, and Owner Dang's broadcasts choose their
recipients and hold-outs from the RFM groups of their day. The clock is put back after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.demo import sample_history
from bot.demo.sample_plan import (
    CAMPAIGNS,
    REWARDS,
    CampaignPlan,
    Customer,
    Join,
    Plan,
    Visit,
    chance,
    make_plan,
    sample_user_id,
)
from bot.services import Services
from handlers import lifecycle_messages
from handlers.customer import NOTICE_VERSION
from handlers.views.messages import text
from storage import (
    campaigns,
    clock,
    coupon_use,
    coupons,
    ledger,
    members,
    outbox,
    phones,
    privacy,
    reward_costs,
    segments,
)
from storage import rewards as reward_store
from storage.db import transaction
from storage.models import Coupon, Member, id_of

ACTOR_PREFIX = "sample"
BATCH = 200  # events per transaction: a small session stays fast


@dataclass(frozen=True)
class Built:
    """What the sample shop holds once built."""

    members: int
    purchases: int
    coupons: int
    campaigns: int


@contextmanager
def moving_clock() -> Iterator[Callable[[datetime], None]]:
    """A function that sets the clock to an instant; the clock is put back on leaving."""
    moved = timedelta(0)

    def to(at: datetime) -> None:
        nonlocal moved
        step = at - clock.now()
        clock.advance(step)
        moved += step

    try:
        yield to
    finally:
        clock.advance(-moved)


@dataclass
class _Shop:
    services: Services
    session: Session
    cashier: str
    owner: str
    rewards: list[tuple[int, int]]  # (reward id, points cost)
    members: dict[int, int] = field(default_factory=dict)  # customer index -> member id
    open_coupons: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # (code, why)
    visits: int = 0

    @property
    def tz(self) -> ZoneInfo:
        return self.services.tz


def build_sample(services: Services, *, cashier: str, owner: str) -> Built:
    """Write the sample shop into the demo database; returns its size."""
    tz = services.tz
    now = clock.now()
    plan = make_plan(now, tz)
    events: list[tuple[datetime, Visit | Join | CampaignPlan]] = [(v.at, v) for v in plan.visits]
    events += [(j.at, j) for j in plan.joins]
    events += [(_morning(now, c.days_ago, tz), c) for c in CAMPAIGNS]
    events.sort(key=lambda event: (event[0], isinstance(event[1], Visit)))
    with moving_clock() as move:
        move(plan.start)
        with transaction(services.engine) as session:
            shop = _Shop(services, session, cashier, owner, _add_rewards(session))
        sample_history.import_history(services, plan)
        with transaction(services.engine) as session:
            shop.members = sample_history.imported_members(session, plan)
        for first in range(0, len(events), BATCH):
            with transaction(services.engine) as session:
                shop.session = session
                for at, event in events[first : first + BATCH]:
                    move(at)
                    _happen(shop, plan, event)
        move(now)
        with transaction(services.engine) as session:
            _unfollowed(session, plan.customers)
            segments.refresh_scores(session, as_of=now.astimezone(tz).date(), tz=tz)
            issued = len(session.exec(select(Coupon.id)).all())
    return Built(len(shop.members), len(plan.history) + len(plan.visits), issued, len(CAMPAIGNS))


def _happen(shop: _Shop, plan: Plan, event: Visit | Join | CampaignPlan) -> None:
    if isinstance(event, Visit):
        _visit(shop, plan.customers[event.customer], event)
    elif isinstance(event, Join):
        member = shop.session.get(Member, shop.members[event.customer])
        assert member is not None
        _add_line(shop, plan.customers[event.customer], member)
    else:
        _broadcast(shop, event)


def _morning(now: datetime, days_ago: int, tz: ZoneInfo) -> datetime:
    """10:00 shop time `days_ago` days before `now`: when the owner sends a broadcast."""
    day = (now.astimezone(tz) - timedelta(days=days_ago)).date()
    return datetime.combine(day, time(10), tz).astimezone(now.tzinfo)


def _add_rewards(session: Session) -> list[tuple[int, int]]:
    made = [
        reward_store.create_reward(
            session,
            spec=reward_store.RewardSpec(
                name_th=r.name_th,
                name_en=r.name_en,
                points_cost=r.points_cost,
                stock=r.stock,
                valid_days=r.valid_days,
            ),
        )
        for r in REWARDS
    ]
    for reward, planned in zip(made, REWARDS, strict=True):
        reward_costs.set_reward_cost(session, reward, planned.cost_satang)
    return [(id_of(r), r.points_cost) for r in made]


def _join(shop: _Shop, customer: Customer) -> Member:
    """A new member at their first visit: a counter-only card, or a LINE member."""
    member = members.create_member(shop.session, phone=phones.to_e164(customer.phone))
    if customer.line:
        _add_line(shop, customer, member)
    return member


def _add_line(shop: _Shop, customer: Customer, member: Member) -> None:
    """The customer adds the shop, agrees to the privacy notice (and to offers, or not) and
    registers their phone: the member card is now theirs in LINE."""
    user = members.upsert_line_user(
        shop.session,
        line_user_id=sample_user_id(customer.index),
        display_name=customer.name,
        language=customer.language,
        following=True,
    )
    privacy.record_consent(
        shop.session, user, version=NOTICE_VERSION, service=True, marketing=customer.marketing
    )
    members.link(shop.session, user, member)


def _visit(shop: _Shop, customer: Customer, visit: Visit) -> None:
    """A purchase at the counter: coupons shown are scanned, points awarded, maybe a reward."""
    known = shop.members.get(customer.index)
    member = _join(shop, customer) if known is None else shop.session.get(Member, known)
    assert member is not None
    shop.members[customer.index] = id_of(member)
    shop.visits += 1
    _use_coupons(shop, member, visit)
    ledger.award_purchase(
        shop.session,
        member=member,
        amount_satang=visit.amount_satang,
        baht_per_point=shop.services.settings.baht_per_point,
        staff_user_id=shop.cashier,
        idempotency_key=f"{ACTOR_PREFIX}:award:{shop.visits}",
        tz=shop.tz,
        occurred_at=visit.at,
    )
    congratulation = lifecycle_messages.move_up(shop.session, shop.services.shop, id_of(member))
    if congratulation is not None:
        row = outbox.claim_for_delivery(shop.session, congratulation)
        if row is not None:
            outbox.mark_sent(shop.session, row)
    if customer.line and chance("redeem", shop.visits) < 0.35:
        _redeem(shop, member, customer)


def _use_coupons(shop: _Shop, member: Member, visit: Visit) -> None:
    """Bee scans the coupons the customer brings (most, not all; expired ones are refused)."""
    kept = []
    for code, why in shop.open_coupons.get(id_of(member), []):
        if chance("use", why, member.id, visit.at.isoformat()) < 0.6:
            coupon_use.use_coupon(shop.session, code=code, staff_user_id=shop.cashier)
        else:
            kept.append((code, why))
    shop.open_coupons[id_of(member)] = kept


def _redeem(shop: _Shop, member: Member, customer: Customer) -> None:
    affordable = [reward_id for reward_id, cost in shop.rewards if cost <= member.points]
    if not affordable:
        return
    reward_id = affordable[int(chance("reward", shop.visits) * len(affordable))]
    try:
        coupon = coupons.redeem(
            shop.session,
            member_id=id_of(member),
            reward_id=reward_id,
            actor=sample_user_id(customer.index),
            idempotency_key=f"{ACTOR_PREFIX}:redeem:{shop.visits}",
            tz=shop.tz,
        )
    except coupons.RedeemRefused:
        return
    shop.session.refresh(member)
    shop.open_coupons.setdefault(id_of(member), []).append((coupon.code, f"r{shop.visits}"))


def _broadcast(shop: _Shop, plan: CampaignPlan) -> None:
    """Owner Dang's broadcast of the day: recipients from that day's RFM groups, a hold-out,
    every chunk sent (and, with a reward, a coupon for each recipient)."""
    session, tz = shop.session, shop.tz
    segments.refresh_scores(session, as_of=clock.now().astimezone(tz).date(), tz=tz)
    reward_id = shop.rewards[plan.reward][0] if plan.reward is not None else None
    messages = [text(plan.text_th)]
    if reward_id is not None:
        messages += shop.services.coupons.messages(session, reward_id, "th")
    campaign = campaigns.create_campaign(
        session,
        created_by=shop.owner,
        audience=list(plan.audience),
        messages=messages,
        holdout_percent=plan.holdout_percent,
        reward_id=reward_id,
    )
    campaign_id = id_of(campaign)
    campaigns.prepare(session, campaign_id)
    attachment = shop.services.coupons
    while (chunk := campaigns.claim_next_chunk(session, campaign, attachment)) is not None:
        campaigns.mark_chunk_sent(session, chunk)
    campaigns.finish(session, campaign_id)
    given = session.exec(
        select(Coupon.member_id, Coupon.code).where(
            col(Coupon.gift_key).startswith(f"campaign:{campaign_id}:")
        )
    ).all()
    for member_id, code in sorted(given, key=lambda row: row[0]):
        shop.open_coupons.setdefault(member_id, []).append((code, f"c{campaign_id}"))


def _unfollowed(session: Session, customers: list[Customer]) -> None:
    """Some LINE members have blocked the shop since."""
    for customer in customers:
        if customer.line and not customer.following:
            members.upsert_line_user(
                session, line_user_id=sample_user_id(customer.index), following=False
            )
