"""The conversation. Importing this package registers every route on `router`."""

from handlers import (  # noqa: F401  (registers routes)
    coupons_staff,
    customer,
    insights,
    owner,
    privacy,
    rewards,
    rewards_owner,
    staff,
)
