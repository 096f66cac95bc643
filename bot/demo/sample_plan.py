"""The sample shop's year, decided before anything is written: who the customers are, when
they came and what they spent, the rewards and the past broadcasts.

Everything comes from one seeded `random.Random`, and every time is counted back from the
demo's `now`, so two builds at the same instant are the same shop. Customers follow one of
a few habits (a regular who comes every week, one who stopped a few months ago, a first
visit last week, ...), so every RFM group has people in it.

The shop's story: it joined line-loyalty `PROGRAMME_DAYS` days ago and imported its till's
history of the year before (purchases by phone, no points); since then cashier Bee records
every purchase with points, customers add the shop in LINE and redeem rewards, and the
owner has sent a few broadcasts.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage import phones

SEED = 20261203
MEMBERS = 300
YEAR_DAYS = 365
PROGRAMME_DAYS = 120


@dataclass(frozen=True)
class Habit:
    """How a kind of customer shops: first and last visit (days ago) and the usual gap."""

    name: str
    share: int  # of 300 members
    first: tuple[int, int]
    last: tuple[int, int]
    gap: tuple[int, int]


HABITS = (
    Habit("regular", 40, (250, 364), (0, 10), (5, 11)),
    Habit("slowing", 30, (200, 364), (35, 80), (9, 16)),
    Habit("gone_regular", 22, (300, 364), (150, 260), (4, 8)),
    Habit("drifting", 30, (250, 364), (110, 240), (15, 30)),
    Habit("warming", 35, (40, 150), (0, 40), (20, 40)),
    Habit("first_visit", 28, (0, 21), (0, 21), (1, 1)),
    Habit("tried_once", 35, (30, 110), (30, 100), (20, 40)),
    Habit("occasional", 30, (120, 300), (50, 90), (25, 40)),
    Habit("long_gone", 50, (150, 364), (150, 364), (30, 60)),
)

FIRST_NAMES = (
    "พลอย", "มิ้นท์", "ต้น", "แพรว", "บอส", "ฝน", "เจ", "กิ๊ฟ", "ปอนด์", "น้ำ", "เบียร์", "ออม",
    "แบงค์", "ปุ้ย", "จูน", "ตาล", "เอิร์ธ", "ฟ้า", "นุ่น", "เก่ง", "Mark", "Emma", "Ken", "Lisa",
)
FAMILY_INITIALS = "กขคจชดตทนบปพมยรลวสห"


@dataclass(frozen=True)
class RewardPlan:
    name_th: str
    name_en: str
    points_cost: int
    stock: int | None
    valid_days: int
    cost_satang: int  # what one costs the shop


REWARDS = (
    RewardPlan("ส่วนลด 20 บาท", "20 baht off", 15, None, 30, 2000),
    RewardPlan("อเมริกาโน่เย็นฟรี 1 แก้ว", "Free iced Americano", 30, None, 30, 2500),
    RewardPlan("เค้กช็อกโกแลต 1 ชิ้น", "A slice of chocolate cake", 45, None, 30, 3500),
    RewardPlan("กระเป๋าผ้า Kafe Dee", "Kafe Dee tote bag", 120, 25, 60, 9000),
)


@dataclass(frozen=True)
class CampaignPlan:
    days_ago: int
    audience: tuple[str, ...]
    holdout_percent: int
    reward: int | None  # index in REWARDS
    text_th: str


CAMPAIGNS = (
    CampaignPlan(
        80, ("at_risk", "cant_lose"), 10, 1, "คิดถึงนะคะ กลับมาดื่มกาแฟกันเถอะ รับอเมริกาโน่ฟรี 1 แก้ว"
    ),
    CampaignPlan(45, ("champions", "loyal"), 10, 2, "ขอบคุณลูกค้าคนพิเศษ รับเค้กฟรี 1 ชิ้นค่ะ"),
    CampaignPlan(14, ("everyone",), 20, None, "เมนูใหม่! ลาเต้มะพร้าว ลองได้แล้ววันนี้ที่ร้าน"),
)


@dataclass(frozen=True)
class Customer:
    index: int
    name: str
    phone: str  # typed form, e.g. 0912345678
    habit: str
    line: bool  # has the shop in LINE (the rest are counter-only members)
    following: bool
    marketing: bool
    language: str


@dataclass(frozen=True)
class Visit:
    at: datetime
    customer: int
    amount_satang: int


@dataclass(frozen=True)
class Join:
    """A customer with till history adds the shop in LINE and registers their phone."""

    at: datetime
    customer: int


@dataclass(frozen=True)
class Plan:
    now: datetime
    start: datetime  # when the shop began with line-loyalty
    customers: list[Customer]
    history: list[Visit]  # before `start`, imported; oldest first
    visits: list[Visit]  # from `start` on, at the counter; oldest first
    joins: list[Join]


def sample_user_id(index: int) -> str:
    """The LINE user id of sample customer `index`: the same on every build."""
    return "U" + hashlib.sha256(f"line-loyalty sample {index}".encode()).hexdigest()[:32]


def chance(*key: object) -> float:
    """A number in [0, 1) fixed by `key`: a decision that does not depend on what came before."""
    digest = hashlib.sha256(":".join(map(str, (SEED, *key))).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _phones(rng: random.Random, count: int) -> list[str]:
    """Distinct mobile numbers, none of the README's examples (they start 08)."""
    chosen: set[str] = set()
    while len(chosen) < count:
        typed = f"0{rng.choice('69')}{rng.randrange(10**8):08d}"
        if phones.to_e164(typed) is not None:
            chosen.add(typed)
    ordered = sorted(chosen)
    rng.shuffle(ordered)
    return ordered


def _amount(rng: random.Random) -> int:
    """A café bill in satang: mostly a drink, sometimes with cake, now and then a group."""
    baht = rng.choice((55, 60, 65, 70, 75, 85, 95))
    if rng.random() < 0.45:
        baht += rng.choice((65, 75, 85, 110))
    if rng.random() < 0.12:
        baht += rng.randrange(150, 600, 5)
    return baht * 100


def _moment(rng: random.Random, now: datetime, days_ago: int, tz: ZoneInfo) -> datetime:
    """A time in opening hours (07:00-20:00 shop time) `days_ago` days before `now`."""
    day = (now.astimezone(tz) - timedelta(days=days_ago)).date()
    hour = rng.choice((7, 8, 8, 9, 10, 11, 12, 12, 13, 14, 15, 16, 17, 18, 19))
    at = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tz)
    if at >= now:
        at = now - timedelta(minutes=rng.randrange(5, 120))
    return at.astimezone(now.tzinfo)


def _days(rng: random.Random, habit: Habit) -> list[int]:
    """The days (ago) this customer came, oldest first."""
    first = rng.randint(*habit.first)
    last = min(first, rng.randint(*habit.last))
    if habit.name == "first_visit":
        return [first]
    if habit.name == "tried_once" and rng.random() < 0.5:
        return [last]
    days = [first]
    while True:
        step = max(1, round(rng.expovariate(1 / rng.randint(*habit.gap))))
        if days[-1] - step <= last:
            break
        days.append(days[-1] - step)
    if days[-1] != last:
        days.append(last)
    return days


def make_plan(now: datetime, tz: ZoneInfo, seed: int = SEED) -> Plan:
    """The sample shop's year up to `now`."""
    rng = random.Random(seed)
    habits = [h for h in HABITS for _ in range(h.share)]
    rng.shuffle(habits)
    phones = _phones(rng, len(habits))
    customers: list[Customer] = []
    visits: list[Visit] = []
    for index, (habit, phone) in enumerate(zip(habits, phones, strict=True)):
        line = rng.random() < 0.75
        customers.append(
            Customer(
                index=index,
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(FAMILY_INITIALS)}.",
                phone=phone,
                habit=habit.name,
                line=line,
                following=line and rng.random() < 0.92,
                marketing=line and rng.random() < 0.8,
                language="en" if rng.random() < 0.12 else "th",
            )
        )
        for days_ago in _days(rng, habit):
            visits.append(Visit(_moment(rng, now, days_ago, tz), index, _amount(rng)))
    visits.sort(key=lambda v: (v.at, v.customer))
    start = now - timedelta(days=PROGRAMME_DAYS)
    history = [v for v in visits if v.at < start]
    known = sorted({v.customer for v in history})
    joins = [
        Join(start + timedelta(days=rng.uniform(0, 21)), index)
        for index in known
        if customers[index].line
    ]
    return Plan(
        now=now,
        start=start,
        customers=customers,
        history=history,
        visits=[v for v in visits if v.at >= start],
        joins=sorted(joins, key=lambda j: (j.at, j.customer)),
    )
