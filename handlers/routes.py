"""Every route of the conversation: importing this module registers them all on `router`."""

from handlers import (  # noqa: F401  (registers routes)
    automations_customer,
    automations_owner,
    award_answers,
    award_limits,
    broadcast,
    campaign_reports,
    coupons_staff,
    customer,
    insights,
    owner,
    owner_home,
    photo_qr,
    privacy,
    registration,
    rewards,
    rewards_owner,
    segment_alert_owner,
    segments,
    staff,
    unusual_activity_owner,
)
