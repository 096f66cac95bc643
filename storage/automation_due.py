"""Who is due what: one function per automation, each returning plans for `carry_out`.

They only read. A plan found twice (two runs, two workers) is harmless: `carry_out` claims
the once-only record first. Plans already carried out are left out here only to keep
runs cheap.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, tzinfo

from sqlmodel import Session, col, select

from storage import automation_settings, lifecycle, lots, referrals
from storage.automation_runs import Plan
from storage.automation_settings import Config
from storage.models import EntryKind, LedgerEntry, LineUser, Member, MemberLifecycle, Purchase


def _undone(session: Session, automation: str, plans: list[Plan]) -> list[Plan]:
    """Leave out plans already carried out, and those for members nobody could send them to."""
    if not plans:
        return []
    done = lifecycle.done_periods(session, automation, {p.period for p in plans})
    readers = dict(
        session.exec(
            select(LineUser.member_id, LineUser.marketing_consent).where(
                col(LineUser.member_id).is_not(None), col(LineUser.following).is_(True)
            )
        ).all()
    )
    return [
        p
        for p in plans
        if (lifecycle.member_subject(p.member_id), p.period) not in done
        and (not p.needs_reader or p.member_id in readers)
        and (not p.marketing or readers.get(p.member_id))
    ]


def thankyou(session: Session, config: Config, now: datetime, tz: tzinfo) -> list[Plan]:
    """Members who bought `hours` ago (up to a day late): one thank-you per member per day."""
    end = now - timedelta(hours=config["hours"])
    rows = session.exec(
        select(Purchase.member_id, Purchase.occurred_at, LedgerEntry.points)
        .outerjoin(
            LedgerEntry,
            (col(LedgerEntry.purchase_id) == col(Purchase.id))
            & (col(LedgerEntry.kind) == EntryKind.EARN),
        )
        .where(
            col(Purchase.voided_at).is_(None),
            col(Purchase.occurred_at) > end - timedelta(days=1),
            col(Purchase.occurred_at) <= end,
        )
    ).all()
    earned: dict[tuple[int, str], int] = defaultdict(int)
    for member_id, occurred_at, points in rows:
        earned[(member_id, occurred_at.astimezone(tz).date().isoformat())] += points or 0
    plans = [
        Plan(
            "thankyou",
            member_id,
            day,
            marketing=True,
            reward_id=config["coupon"],
            coupon_days=config["coupon_days"],
            facts={"points": points},
        )
        for (member_id, day), points in sorted(earned.items())
    ]
    return _undone(session, "thankyou", plans)


def winback(session: Session, config: Config, now: datetime, tz: tzinfo) -> list[Plan]:
    """Away longer than `days` and than twice their usual gap; not again within `again` days."""
    floor = timedelta(days=config["days"])
    last_bought = col(Member.last_purchase_at)
    rows = session.exec(
        select(Member.id, Member.first_purchase_at, last_bought, Member.purchases).where(
            last_bought.is_not(None), last_bought < now - floor
        )
    ).all()
    recent = lifecycle.acted_since(session, "winback", now - timedelta(days=config["again"]))
    plans = []
    for member_id, first, last, count in rows:
        assert member_id is not None and first is not None and last is not None
        away = now - last
        usual = (last - first) / (count - 1) if count > 1 else timedelta(0)
        if member_id in recent or away <= 2 * usual:
            continue
        plans.append(
            Plan(
                "winback",
                member_id,
                last.astimezone(tz).date().isoformat(),
                marketing=True,
                reward_id=config["coupon"],
                facts={"days": away.days},
            )
        )
    return _undone(session, "winback", plans)


def _last_birthday(day: int, month: int, today: date) -> date:
    """The member's most recent birthday up to `today` (29 February is the 28th in common years)."""
    for year in (today.year, today.year - 1):
        try:
            when = date(year, month, day)
        except ValueError:
            when = date(year, 2, 28)
        if when <= today:
            return when
    raise AssertionError("a birthday within the last year always exists")


def birthday(session: Session, config: Config, now: datetime, tz: tzinfo) -> list[Plan]:
    """Members in their birthday month (or within a week from the day), once a year."""
    today = now.astimezone(tz).date()
    rows = session.exec(
        select(MemberLifecycle.member_id, MemberLifecycle.birth_day, MemberLifecycle.birth_month)
        .where(col(MemberLifecycle.birth_month).is_not(None))
        .where(col(MemberLifecycle.birth_month).in_({today.month, (today - timedelta(6)).month}))
    ).all()
    plans = []
    for member_id, day, month in rows:
        if day is None or month is None:
            continue
        when = _last_birthday(day, month, today)
        if config["when"] == "month":
            due, year = month == today.month, today.year
        else:
            due, year = (today - when).days < 7, when.year
        if due:
            plans.append(
                Plan(
                    "birthday",
                    member_id,
                    str(year),
                    marketing=True,
                    points=config["points"],
                    kind=EntryKind.BIRTHDAY,
                    reward_id=config["coupon"],
                )
            )
    return _undone(session, "birthday", plans)


def expiry_reminders(session: Session, config: Config, now: datetime, tz: tzinfo) -> list[Plan]:
    """One reminder per member and expiry date, `remind` days before: the number and date."""
    last_day = now.astimezone(tz).date() + timedelta(days=config["remind"])
    rows = lots.expiring_between(session, now, datetime.combine(last_day, time.max, tzinfo=tz))
    plans = [
        Plan(
            "expiry",
            member_id,
            ends.astimezone(tz).date().isoformat(),
            marketing=False,
            facts={"points": points, "date": ends.isoformat()},
        )
        for member_id, ends, points in rows
    ]
    return _undone(session, "expiry", plans)


def referral_bonuses(session: Session, config: Config) -> list[tuple[int, list[Plan]]]:
    """For each invite whose friend has bought: the bonus of the friend and of the inviter."""
    due = []
    for referral in referrals.bonuses_due(session):
        assert referral.id is not None and referral.friend_member_id is not None
        pair = [
            Plan(
                "referral",
                member_id,
                f"{role}{referral.id}",
                marketing=False,
                points=config["points"],
                kind=EntryKind.REFERRAL,
                needs_reader=False,
                facts={"role": role},
            )
            for member_id, role in (
                (referral.friend_member_id, "friend"),
                (referral.referrer_id, "inviter"),
            )
        ]
        due.append((referral.id, pair))
    return due


def days_away(session: Session, member_id: int, now: datetime) -> int:
    """Whole days since the member's last purchase that stands (0 if none)."""
    last = session.exec(select(Member.last_purchase_at).where(Member.id == member_id)).one()
    return (now - last).days if last is not None else 0


def enabled(session: Session, name: str) -> Config | None:
    config = automation_settings.config(session, name)
    return config if config.enabled else None
