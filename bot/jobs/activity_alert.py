"""The owners' daily alert about unusual awards at the counter (handlers.unusual_activity_owner).

From 08:00 shop time, yesterday is looked at once: the first run claims the day (a
once-only record, so a re-run, a restart or a second worker sends nothing twice) and,
when something was unusual, queues one push per owner in the owner's language. A day
with nothing unusual sends nothing.
"""

from __future__ import annotations

from bot.jobs.queue import Jobs
from handlers.jobs import DeliverPush
from handlers.unusual_activity_owner import alert_messages, owners_to_tell
from storage import clock, outbox, unusual_activity
from storage.db import transaction

PURPOSE = "unusual_activity"


def send_daily_alert(jobs: Jobs) -> int:
    """Tell the owners what was unusual yesterday (once per shop day); returns the findings."""
    shop = jobs.services.shop
    day = unusual_activity.day_to_report(clock.now(), shop.tz)
    if day is None:
        return 0
    pushes: list[int] = []
    with transaction(jobs.services.engine) as session:
        record = unusual_activity.take_day(session, day)
        if record is None:
            return 0
        when = unusual_activity.day_of(day)
        assert when is not None
        findings = unusual_activity.find(session, when, shop.tz)
        for owner in owners_to_tell(session) if findings else []:
            messages = alert_messages(session, shop, owner.language, day, findings)
            row = outbox.queue_push(
                session, to=owner.line_user_id, messages=messages, purpose=PURPOSE
            )
            assert row.id is not None
            pushes.append(row.id)
        record.outbox_id = pushes[0] if pushes else None
        session.add(record)
    for outbox_id in pushes:
        jobs.send(DeliverPush(outbox_id))
    return len(findings)
