"""What LINE types in when a cashier scans one of our QR codes: `award M…`, `redeem C…`.

Member cards and coupons are printed with these texts, so they never follow the catalogs:
each is its route's key, and a test checks that the key stays one of the route's words.
"""

from __future__ import annotations

AWARD = "award"
REDEEM = "redeem"


def award_text(member_code: str) -> str:
    """What a member card's QR types in: the award command for that member."""
    return f"{AWARD} {member_code}"


def redeem_text(coupon_code: str) -> str:
    """What a coupon's QR types in: the redeem command for that coupon."""
    return f"{REDEEM} {coupon_code}"
