"""A state machine that works the points ledger the way the chat and the POS API do.

Each rule is one thing a cashier, an owner, a customer, a till or a background job does,
in one transaction, calling the same storage functions with the same arguments as the
handler, job or API route that does it (handlers/staff.py, handlers/rewards.py,
handlers/coupons_staff.py, handlers/privacy.py, handlers/automations_owner.py,
bot/jobs/automations.py, bot/jobs/tasks.py, bot/web/pos_api.py). After every step
`ledger_rules.check_ledger` checks the whole database; the rules also check what each answer said.

Order refs and Idempotency-Keys are drawn from one pool of names (`ref-N`), so a till's
order ref and another request's Idempotency-Key often share a text: each must still be a
sale of its own, with its points recorded (issue 10, item 2.4).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from storage import (
    api_keys,
    automation_runs,
    automation_settings,
    clock,
    coupons,
    ledger,
    lots,
    members,
    pos,
    privacy,
    tiers,
)
from storage import automation_due as due
from storage import rewards as reward_store
from storage.db import transaction
from storage.models import Coupon, EntryKind, LedgerEntry, LineUser, Member, id_of
from tests.storage.ledger_rules import Erased, Expected, check_ledger

BANGKOK = ZoneInfo("Asia/Bangkok")
START = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)  # 11:00 in Bangkok, a Wednesday
BAHT_PER_POINT = 25
PHONES = [f"+6681000{i:04d}" for i in range(6)]
CUSTOMER_REFS = [f"cust-{i}" for i in range(3)]
STAFF = ["Ustaff1", "Ustaff2"]
OWNER = "Uowner"
TILLS = ["till1", "till2"]
indices = st.integers(min_value=0, max_value=1_000)
# satang: round sums that earn points (25 baht a point), and any amount up to 4,000 baht
satang = st.sampled_from([24_99, 25_00, 200_00, 750_50, 1_000_00, 3_000_00]) | st.integers(
    min_value=1, max_value=400_000
)


def clean(engine: Engine) -> None:
    """Empty every table, children first (a fresh database for the next example)."""
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())


@dataclass
class Award:
    entry_id: int
    actor: str
    points: int


@dataclass
class Order:
    till: str
    ref: str
    member_id: int
    amount: int


@dataclass
class Issued:
    code: str
    member_id: int
    expires_at: datetime
    used: bool = False
    cancelled: bool = False


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine
        clean(engine)
        clock.freeze(START)
        self.expected = Expected()
        self.users: dict[int, str] = {}  # member id -> LINE user id (members who use LINE)
        self.members: list[int] = []
        self.awards: list[Award] = []
        self.orders: list[Order] = []
        self.coupons: list[Issued] = []
        self.events = 0
        with transaction(engine) as session:
            specs = [
                reward_store.RewardSpec(name_th="กาแฟ", points_cost=8, valid_days=2),
                reward_store.RewardSpec(name_th="เค้ก", points_cost=30, stock=3, limit_per_member=2),
            ]
            made = [reward_store.create_reward(session, spec=spec) for spec in specs]
            self.rewards = [id_of(r) for r in made]
            self.expected.stock = {id_of(r): r.stock for r in made if r.stock is not None}
        for regular in range(2):  # two regulars who use LINE and have bought before
            self.customer_registers(regular)
            self.cashier_awards(regular, 1_000_00, 0)

    def _event(self) -> str:
        self.events += 1
        return f"ev{self.events}"

    def _live(self) -> list[int]:
        return [m for m in self.members if m not in self.expected.erased]

    def _richest_first(self, member_ids: list[int]) -> list[int]:
        """The members by balance, highest first (so a small `who` can afford a reward)."""
        with Session(self.engine) as session:
            points = {m: session.get(Member, m).points for m in member_ids}  # type: ignore[union-attr]
        return sorted(member_ids, key=lambda m: -points[m])

    # customers and cashiers

    @rule(phone=indices)
    def customer_registers(self, phone: int) -> None:
        """A LINE user registers a phone; a counter member's phone is linked (after OTP)."""
        number = PHONES[phone % len(PHONES)]
        with transaction(self.engine) as session:
            member = members.find_member_by_phone(session, number)
            if member is not None and id_of(member) in self.users:
                return
            member = member or members.create_member(session, phone=number)
            user = members.upsert_line_user(session, line_user_id=f"U{self._event()}")
            members.link(session, user, member)
        self.users[id_of(member)] = user.line_user_id
        if id_of(member) not in self.members:
            self.members.append(id_of(member))

    @precondition(lambda self: self._live())
    @rule(who=indices, amount=satang, cashier=indices)
    def cashier_awards(self, who: int, amount: int, cashier: int) -> None:
        """`award <phone> <amount>`: the purchase, its points, then a tier move (staff.py)."""
        live = self._live()
        live.sort(key=lambda m: m not in self.users)  # members who use LINE first
        member_id = live[who % len(live)]
        actor = STAFF[cashier % len(STAFF)]
        with transaction(self.engine) as session:
            member = session.get(Member, member_id)
            assert member is not None
            before = member.points
            percent = tiers.earn_percent(session, member_id)
            done = ledger.award_purchase(
                session,
                tz=ZoneInfo("Asia/Bangkok"),
                member=member,
                amount_satang=amount,
                baht_per_point=BAHT_PER_POINT,
                staff_user_id=actor,
                idempotency_key=f"award:{self._event()}",
            )
            members.lock_member(session, member_id)
            tiers.move_up(session, member_id, clock.now().astimezone(BANGKOK).date())
        points = ledger.points_for(amount, BAHT_PER_POINT, percent)
        assert done.entry.points == points
        assert done.balance == before + points - done.debt_paid
        self.awards.append(Award(id_of(done.entry), actor, points))

    @precondition(lambda self: self.awards)
    @rule(which=indices, by_owner=st.booleans(), same_cashier=st.booleans())
    def staff_voids(self, which: int, by_owner: bool, same_cashier: bool) -> None:
        """`void <entry>`: the cashier who awarded, another one, or the owner (staff.py)."""
        award = self.awards[which % len(self.awards)]
        actor = OWNER if by_owner else award.actor if same_cashier else "Ustaff9"
        try:
            with transaction(self.engine) as session:
                entry, member = ledger.void_entry(
                    session, entry_id=award.entry_id, actor=actor, may_void_any=by_owner
                )
        except ledger.VoidRefused:
            return
        assert entry.points == -award.points and member.points >= 0

    @precondition(lambda self: any(m in self.users for m in self._live()))
    @rule(who=indices, reward=indices, tap=st.integers(min_value=0, max_value=3))
    def customer_redeems(self, who: int, reward: int, tap: int) -> None:
        """The confirm tap of a redemption; `tap` repeats for a double-tapped button."""
        chat = self._richest_first([m for m in self._live() if m in self.users])
        member_id = chat[who % len(chat)]
        try:
            with transaction(self.engine) as session:
                coupon = coupons.redeem(
                    session,
                    member_id=member_id,
                    reward_id=self.rewards[reward % len(self.rewards)],
                    actor=self.users[member_id],
                    idempotency_key=f"redeem:{member_id}:k{tap}",
                    tz=BANGKOK,
                )
        except coupons.RedeemRefused:
            return
        if all(c.code != coupon.code for c in self.coupons):
            self.coupons.append(Issued(coupon.code, member_id, coupon.expires_at))

    @precondition(lambda self: self.coupons)
    @rule(which=indices, cashier=indices)
    def cashier_uses_coupon(self, which: int, cashier: int) -> None:
        """A scanned or typed coupon code (coupons_staff.py): used once, only while live."""
        issued = self.coupons[which % len(self.coupons)]
        with transaction(self.engine) as session:
            result = coupons.use_coupon(
                session, code=issued.code, staff_user_id=STAFF[cashier % len(STAFF)]
            )
        live = not issued.used and not issued.cancelled and clock.now() < issued.expires_at
        assert (result.outcome == coupons.Use.USED_NOW) == live, (result.outcome, issued)
        if issued.used:
            assert result.outcome == coupons.Use.ALREADY_USED
        issued.used = issued.used or live

    @precondition(lambda self: self.coupons)
    @rule(which=indices, by_owner=st.booleans())
    def staff_cancels_coupon(self, which: int, by_owner: bool) -> None:
        """`coupon cancel <code>`: points back to their lots, the unit back in stock."""
        issued = self.coupons[which % len(self.coupons)]
        with transaction(self.engine) as session:
            result = coupons.cancel_coupon(
                session,
                tz=ZoneInfo("Asia/Bangkok"),
                code=issued.code,
                actor=OWNER if by_owner else STAFF[0],
            )
        if issued.used:
            assert result.outcome == coupons.Use.ALREADY_USED
        else:
            assert result.outcome == coupons.Use.CANCELLED
        issued.cancelled = issued.cancelled or not issued.used

    @precondition(lambda self: any(m in self.users for m in self._live()))
    @rule(who=indices, taps=st.booleans())
    def customer_erases_their_data(self, who: int, taps: bool) -> None:
        """`delete me`, then the tap that confirms it, or the question lapses (privacy.py)."""
        chat = [m for m in self._live() if m in self.users]
        member_id = chat[who % len(chat)]
        if not taps:
            return
        with transaction(self.engine) as session:
            user = session.get(LineUser, self.users[member_id])
            assert user is not None
            privacy.erase(session, user)
            last_entry = session.exec(select(func.max(LedgerEntry.id))).one()
            last_coupon = session.exec(select(func.max(Coupon.id))).one()
        self.expected.erased[member_id] = Erased(last_entry or 0, last_coupon or 0)
        del self.users[member_id]
        for issued in self.coupons:
            if issued.member_id == member_id and not issued.used:
                issued.cancelled = True

    # tills (bot/web/pos_api.py)

    @rule(
        phone=st.none() | indices,
        ref=st.none() | indices,
        amount=satang,
        order=st.none() | st.integers(min_value=0, max_value=5),
        retry=st.none() | st.integers(min_value=0, max_value=5),
        till=indices,
    )
    def till_sells(
        self,
        phone: int | None,
        ref: int | None,
        amount: int,
        order: int | None,
        retry: int | None,
        till: int,
    ) -> None:
        """POST /api/v1/purchases, with an order ref and/or an Idempotency-Key."""
        if phone is None and ref is None:
            return
        body: dict[str, Any] = {"amount": amount / 100}
        if phone is not None:
            body["phone"] = PHONES[phone % len(PHONES)]
        if ref is not None:
            body["customer_ref"] = CUSTOMER_REFS[ref % len(CUSTOMER_REFS)]
        if order is not None:
            body["order_ref"] = f"ref-{order}"
        key_name = TILLS[till % len(TILLS)]
        retry_key = None if retry is None else f"ref-{retry}"
        answer = self._api(
            key_name, retry_key, body, lambda session: _sell(session, key_name, retry_key, body)
        )
        if answer is None or answer.get("replayed"):
            return
        member_id = answer["member_id"]
        if member_id not in self.members:
            self.members.append(member_id)
        if order is not None and not answer["already_recorded"]:
            self.orders.append(Order(key_name, body["order_ref"], member_id, amount))

    def _api(
        self, key_name: str, retry_key: str | None, body: dict[str, Any], operation: Any
    ) -> dict[str, Any] | None:
        """What `bot.web.pos_api._answer` does around an operation: replay, 422 or fresh."""
        fingerprint = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        try:
            with transaction(self.engine) as session:
                if retry_key is not None:
                    earlier = api_keys.earlier_call(session, key_name, retry_key)
                    if earlier is not None:
                        same = earlier.fingerprint == fingerprint
                        return {"replayed": True} if same else None
                payload = operation(session)
                if retry_key is not None:
                    api_keys.keep_call(
                        session,
                        key_name=key_name,
                        idempotency_key=retry_key,
                        fingerprint=fingerprint,
                        status_code=200 if payload["already_recorded"] else 201,
                        response=payload,
                    )
                return dict(payload)
        except (pos.Invalid, ledger.KeyConflict, ledger.MemberErased):
            return None  # a 422 or 409: the transaction was rolled back

    @precondition(lambda self: self.orders)
    @rule(
        which=indices,
        part=st.none() | st.integers(min_value=1, max_value=100),
        refund_ref=st.none() | st.integers(min_value=0, max_value=3),
    )
    def till_refunds(self, which: int, part: int | None, refund_ref: int | None) -> None:
        """POST /api/v1/refunds: all of an order, or a part of it (percent of the order)."""
        order = self.orders[which % len(self.orders)]
        amount = None if part is None else max(1, order.amount * part // 100)
        try:
            with transaction(self.engine) as session:
                before = pos.debt_of(session, order.member_id)
                done = pos.refund_order(
                    session,
                    key_name=order.till,
                    order_ref=order.ref,
                    amount_satang=amount,
                    refund_ref=None if refund_ref is None else f"refund-{refund_ref}",
                )
                debt = pos.debt_of(session, order.member_id)
        except pos.Invalid:
            return
        if not done.already_recorded:
            assert debt == before + done.refund.points_owed
            assert done.member.points >= 0

    # the owner and the background jobs

    @rule(days=st.integers(min_value=0, max_value=400), hours=st.integers(0, 23))
    def time_passes(self, days: int, hours: int) -> None:
        clock.advance(timedelta(days=days, hours=hours))

    @rule()
    def background_jobs_run(self) -> None:
        """The periodic jobs (bot/jobs/automations.py, bot/jobs/tasks.py), each part as there."""
        self._expire_points()
        with transaction(self.engine) as session:
            coupons.mark_expired(session)
        self._review_tiers()

    def _expire_points(self) -> None:
        """Due lots read in one transaction, then each member's group in its own."""
        groups: dict[tuple[int, object], list[int]] = {}
        with transaction(self.engine) as session:
            on = due.enabled(session, "expiry") is not None
            if on:
                for lot in lots.due_to_expire(session):
                    groups.setdefault((lot.member_id, lot.expires_at), []).append(id_of(lot))
        for (member_id, _), lot_ids in groups.items():
            with transaction(self.engine) as session:
                automation_runs.expire_lots(session, member_id, lot_ids)
        if on:
            with transaction(self.engine) as session:
                assert not lots.due_to_expire(session)

    def _review_tiers(self) -> None:
        """Yearly reviews that are due, then moves up from till sales."""
        today = clock.now().astimezone(BANGKOK).date()
        with transaction(self.engine) as session:
            reviews = tiers.reviews_due(session, today)
            ups = tiers.may_move_up(session, clock.now())
        for member_id in reviews:
            with transaction(self.engine) as session:
                tiers.review(session, member_id, today)
        for member_id in ups:
            with transaction(self.engine) as session:
                members.lock_member(session, member_id)
                tiers.move_up(session, member_id, today)

    @rule(
        months=st.sampled_from([0, 1, 3, 12]),
        expiry_on=st.booleans(),
        silver=st.integers(min_value=100, max_value=3_000),
        silver_x=st.sampled_from([100, 125, 200]),
        tiers_on=st.booleans(),
    )
    def owner_changes_settings(
        self, months: int, expiry_on: bool, silver: int, silver_x: int, tiers_on: bool
    ) -> None:
        """`automation expiry months N`, the silver threshold and bonus, and both switches
        (automations_owner.py: switching expiry on gives overdue lots a grace period)."""
        with transaction(self.engine) as session:
            automation_settings.tune(session, "expiry", "months", months, by=OWNER)
            if not automation_settings.switch(session, "expiry", expiry_on, by=OWNER) and expiry_on:
                lots.give_grace(session)
            for key, value in (("gold", 10_000_000), ("silver", silver), ("gold", silver * 3)):
                automation_settings.tune(session, "tiers", key, value, by=OWNER)  # gold > silver
            automation_settings.tune(session, "tiers", "silver_x", silver_x, by=OWNER)
            automation_settings.switch(session, "tiers", tiers_on, by=OWNER)

    @invariant()
    def ledger_rules_hold(self) -> None:
        check_ledger(self.engine, self.expected)


def _sell(
    session: Session, key_name: str, retry_key: str | None, body: dict[str, Any]
) -> dict[str, Any]:
    """The purchase route's storage call; the answer's points are the purchase's own entry."""
    done = pos.record_purchase(
        session,
        tz=ZoneInfo("Asia/Bangkok"),
        key_name=key_name,
        phone=body.get("phone"),
        customer_ref=body.get("customer_ref"),
        amount_satang=round(body["amount"] * 100),
        occurred_at=clock.now(),
        order_ref=body.get("order_ref"),
        retry_key=retry_key,
        baht_per_point=BAHT_PER_POINT,
    )
    earned = session.exec(
        select(func.coalesce(func.sum(LedgerEntry.points), 0)).where(
            col(LedgerEntry.purchase_id) == done.purchase.id,
            col(LedgerEntry.kind) == EntryKind.EARN,
        )
    ).one()
    assert earned == done.points_earned, (earned, done)
    return {
        "member_id": id_of(done.member),
        "points_earned": done.points_earned,
        "already_recorded": done.already_recorded,
    }
