"""Hypothesis profiles for the property and fuzz tests; conftest loads one at start.

`ci` (the default) keeps every property test bounded, so `./dev test` stays quick on two
shared cores. `HYPOTHESIS_PROFILE=soak ./dev test -k "properties or fuzz"` runs the long
soak: many more examples and longer runs of steps, for a night on a spare machine.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci",
    max_examples=20,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=_SLOW_IS_FINE,
    print_blob=True,
)
settings.register_profile(
    "soak",
    max_examples=3000,
    stateful_step_count=80,
    deadline=None,
    suppress_health_check=_SLOW_IS_FINE,
    print_blob=True,
)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)

# The fuzz tests build a whole shop per test and call the webhook or the API once an
# example: cheaper per example than a run of ledger steps, so they take more examples.
FUZZ = settings(
    max_examples=100 if PROFILE == "ci" else 2000,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
