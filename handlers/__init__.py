"""The conversation. Importing this package registers every route on `router`."""

from handlers import (  # noqa: F401  (registers routes)
    broadcast,
    coupons_staff,
    customer,
    insights,
    owner,
    privacy,
    rewards,
    rewards_owner,
    segments,
    staff,
)
