"""Delivery of a broadcast: chunks of 500, retry keys kept, retries, 409, skips, report."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from bot.demo.fakeline import FakeLine
from bot.jobs import broadcast
from bot.jobs.queue import Jobs
from bot.jobs.schedule import make_jobs
from bot.services import Services
from storage import (
    audiences,
    campaign_leases,
    campaign_report,
    campaigns,
    clock,
    purchase_summary,
)
from storage.db import transaction
from storage.models import Campaign, CampaignChunk, CampaignRecipient, LineUser, Purchase
from tests.bot.broadcast_helpers import make_audience, make_owner

HELLO = [{"type": "text", "text": "Double points this weekend!"}]


def new_campaign(engine: Any, owner: str, holdout: int = 10, **kw: Any) -> int:
    with transaction(engine) as session:
        campaign = campaigns.create_campaign(
            session,
            created_by=owner,
            audience=[audiences.EVERYONE],
            messages=HELLO,
            holdout_percent=holdout,
            **kw,
        )
        return campaign.id  # type: ignore[return-value]


def deliveries(fake: FakeLine) -> Counter[str]:
    got: Counter[str] = Counter()
    for user_id, lines in list(fake.chats.items()):
        if n := sum(1 for line in lines if line.via == "multicast"):
            got[user_id] = n
    return got


def recipients(engine: Any, campaign_id: int) -> list[CampaignRecipient]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign_id)
            )
        )


def chunks(engine: Any, campaign_id: int) -> list[CampaignChunk]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(CampaignChunk)
                .where(CampaignChunk.campaign_id == campaign_id)
                .order_by(CampaignChunk.seq)
            )
        )


def owner_texts(fake: FakeLine, owner: str) -> list[str]:
    return [m["text"] for m in fake.bot_messages(owner) if m["type"] == "text"]


def test_chunks_of_500_each_once_and_the_hold_out_gets_nothing(
    jobs: Jobs, app: Any, engine: Any, fake: FakeLine
) -> None:
    people = make_audience(engine, 1234)
    owner = make_owner(engine)
    campaign_id = new_campaign(engine, owner)
    assert broadcast.send_campaign(jobs, campaign_id) == "done"
    calls = fake.calls("/v2/bot/message/multicast", status=200)
    sent = {c.headers["X-Line-Retry-Key"]: len(c.body["to"]) for c in calls}  # in any order
    assert len(calls) == 3 and sorted(sent.values()) == [611 - 500, 500, 500]
    assert sent == {c.retry_key: c.size for c in chunks(engine, campaign_id)}
    got = deliveries(fake)
    held = {r.line_user_id for r in recipients(engine, campaign_id) if r.held_out}
    assert len(held) == 123
    assert all(got[user] == (0 if user in held else 1) for user, _ in people)
    summary = owner_texts(fake, owner)[-1]
    assert f"#{campaign_id} finished. Sent: 1,111" in summary
    assert "Held out on purpose: 123 (10%)" in summary
    with Session(engine) as session:
        assert session.get(Campaign, campaign_id).status == "done"  # type: ignore[union-attr]


def test_server_errors_and_429_are_retried_with_the_same_key(
    jobs: Jobs, app: Any, engine: Any, fake: FakeLine
) -> None:
    make_audience(engine, 700)
    campaign_id = new_campaign(engine, make_owner(engine), holdout=0)
    fake.fail_next("/v2/bot/message/multicast", 500)
    fake.fail_next("/v2/bot/message/multicast", 429, retry_after=7)
    waits: list[float] = []
    assert broadcast.send_campaign(jobs, campaign_id, sleep=waits.append) == "done"
    assert waits == [2, 7]  # the first step of storage.retry_policy, then Retry-After
    calls = fake.calls("/v2/bot/message/multicast")
    assert [c.status for c in calls] == [500, 429, 200, 200]
    first = chunks(engine, campaign_id)[0]
    assert {c.headers["X-Line-Retry-Key"] for c in calls[:3]} == {first.retry_key}
    assert first.attempts == 3 and first.status == "sent"
    got = deliveries(fake)
    assert set(got.values()) == {1} and len(got) == 700


def test_a_chunk_resent_after_a_lost_answer_is_not_delivered_twice(
    jobs: Jobs, app: Any, engine: Any, fake: FakeLine
) -> None:
    make_audience(engine, 600)
    campaign_id = new_campaign(engine, make_owner(engine), holdout=0)
    broadcast.send_campaign(jobs, campaign_id)
    with transaction(engine) as session:  # as if the worker died before recording "sent"
        chunk = session.exec(select(CampaignChunk).where(CampaignChunk.seq == 1)).one()
        chunk.status = "pending"
        campaign = session.get(Campaign, campaign_id)
        campaign.status = "sending"  # type: ignore[union-attr]
        for row in session.exec(select(CampaignRecipient).where(CampaignRecipient.chunk == 1)):
            row.status = "sending"
    assert broadcast.send_campaign(jobs, campaign_id) == "done"
    assert fake.calls("/v2/bot/message/multicast", status=409)
    got = deliveries(fake)
    assert set(got.values()) == {1} and len(got) == 600
    assert all(r.status == "sent" for r in recipients(engine, campaign_id))


def test_who_left_after_confirming_is_skipped_with_the_reason(
    jobs: Jobs, app: Any, engine: Any, fake: FakeLine
) -> None:
    people = make_audience(engine, 10)
    owner = make_owner(engine)
    campaign_id = new_campaign(engine, owner, holdout=0)
    with transaction(engine) as session:
        campaigns.prepare(session, campaign_id)
        session.get(LineUser, people[0][0]).following = False  # type: ignore[union-attr]
        session.get(LineUser, people[1][0]).marketing_consent = False  # type: ignore[union-attr]
    broadcast.send_campaign(jobs, campaign_id)
    got = deliveries(fake)
    assert got[people[0][0]] == got[people[1][0]] == 0 and sum(got.values()) == 8
    summary = owner_texts(fake, owner)[-1]
    assert "Sent: 8" in summary and "Skipped: 2 (stopped offers 1, unfollowed 1)" in summary


def test_monthly_quota_used_up_fails_the_rest_and_says_why(
    jobs: Jobs, app: Any, engine: Any, fake: FakeLine
) -> None:
    make_audience(engine, 1000)
    owner = make_owner(engine)
    fake.quota = 600
    campaign_id = new_campaign(engine, owner, holdout=0)
    assert broadcast.send_campaign(jobs, campaign_id, sleep=lambda s: None) == "done"
    with Session(engine) as session:
        result = campaign_report.outcome(session, campaign_id)
    assert result.sent == 500 and result.failed == {"quota": 500}
    assert "Failed: 500 (monthly quota used up 500)" in owner_texts(fake, owner)[-1]


def test_a_second_job_does_not_send_a_campaign_another_job_holds(
    jobs: Jobs, app: Any, engine: Any, fake: FakeLine
) -> None:
    make_audience(engine, 5)
    campaign_id = new_campaign(engine, make_owner(engine))
    with transaction(engine) as session:
        assert campaign_leases.take_lease(session, campaign_id, "other-worker", 60)
    assert broadcast.send_campaign(jobs, campaign_id) == "busy"
    with transaction(engine) as session:
        assert campaign_leases.resumable(session) == []
    clock.advance(timedelta(seconds=61))
    with transaction(engine) as session:
        assert campaign_leases.resumable(session) == [campaign_id]
    assert broadcast.resume_broadcasts(jobs) == [campaign_id]
    assert sum(deliveries(fake).values()) == 5 - 0  # 10% of 5 rounds down to 0


def test_report_compares_who_bought_again_with_the_hold_out(
    jobs: Jobs, services: Services, app: Any, engine: Any, fake: FakeLine
) -> None:
    make_audience(engine, 100)
    campaign_id = new_campaign(engine, make_owner(engine), holdout=20)
    broadcast.send_campaign(jobs, campaign_id)
    rows = recipients(engine, campaign_id)
    sent = [r.member_id for r in rows if not r.held_out]
    held = [r.member_id for r in rows if r.held_out]
    soon = clock.now() + timedelta(days=3)
    late = clock.now() + timedelta(days=20)
    with transaction(engine) as session:
        for member_id in sent[:40] + held[:5]:
            session.add(Purchase(member_id=member_id, amount_satang=100, occurred_at=soon))
        for member_id in sent[40:50]:
            session.add(Purchase(member_id=member_id, amount_satang=100, occurred_at=late))
        purchase_summary.recount(session)
    clock.advance(timedelta(days=15))
    with Session(engine) as session:
        report = campaign_report.report(
            session, session.get(Campaign, campaign_id), services.coupons
        )  # type: ignore[arg-type]
    assert (report.recipients.members, report.recipients.bought) == (80, 40)
    assert (report.hold_out.members, report.hold_out.bought) == (20, 5)
    assert report.window_over and report.coupons_used is None


class FakeCoupons:
    """Stands in for the coupons feature (`Services.coupons`)."""

    def __init__(self) -> None:
        self.issued: list[list[int]] = []

    def rewards(self, session: Any, lang: str) -> list[tuple[int, str]]:
        return [(7, "Free coffee")]

    def messages(self, session: Any, reward_id: int, lang: str) -> list[dict[str, Any]]:
        return [{"type": "text", "text": "A coupon for a free coffee is in your coupons."}]

    def issue(self, session: Any, *, campaign: Campaign, member_ids: list[int]) -> None:
        self.issued.append(sorted(member_ids))

    def used(self, session: Any, campaign: Campaign) -> int:
        return 3


def test_coupon_hook_issues_once_per_chunk_even_when_a_chunk_is_retried(
    services: Services, app: Any, engine: Any, fake: FakeLine, monkeypatch: Any
) -> None:
    hook = FakeCoupons()
    jobs = make_jobs(replace(services, coupons=hook), immediate=True)
    make_audience(engine, 600)
    campaign_id = new_campaign(engine, make_owner(engine), holdout=0, reward_id=7)
    fake.fail_next("/v2/bot/message/multicast", 503)
    broadcast.send_campaign(jobs, campaign_id, sleep=lambda s: None)
    assert [len(ids) for ids in hook.issued] == [500, 100]
    everyone = sorted(r.member_id for r in recipients(engine, campaign_id))
    assert sorted(sum(hook.issued, [])) == everyone
    with Session(engine) as session:
        report = campaign_report.report(session, session.get(Campaign, campaign_id), hook)  # type: ignore[arg-type]
    assert report.coupons_used == 3
