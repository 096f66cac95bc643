"""The conversation. Importing this package registers every route on `router`."""

from handlers import (  # noqa: F401  (registers routes)
    broadcast,
    coupons_staff,
    customer,
    owner,
    rewards,
    rewards_owner,
    segments,
    staff,
)
