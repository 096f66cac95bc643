"""How long a chat request takes to score a shop's members before it answers the owner:
what `handlers/segment_scores.py`'s SCORE_IN_REQUEST_UP_TO is chosen from.

    .venv/bin/python bench/segments_request.py [--members 1000 2000 5000 10000]
                                               [--database sqlite|postgresql] [--repeat 5]

For each shop size (ten purchases per member, made by bench/rfm.py's generator and kept
between runs) it times, in one transaction as the request runs it: the member count, the
refresh of every score, the run, the group sizes and the reachable count of every
broadcast audience. Prints the median and the slowest of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from rfm import AS_OF, BANGKOK, database  # noqa: E402

from handlers.broadcast_choices import audience_choices  # noqa: E402
from storage import audiences, segments  # noqa: E402
from storage.db import transaction  # noqa: E402


def one_request(engine: object) -> float:
    started = time.perf_counter()
    with transaction(engine) as session:  # type: ignore[arg-type]
        segments.member_count(session)
        segments.refresh_scores(session, as_of=AS_OF, tz=BANGKOK)
        segments.latest_run(session)
        segments.segment_sizes(session)
        audiences.reachable_by_audience(session, audience_choices())
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, nargs="+", default=[1000, 2000, 5000, 10000])
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(
        f"{args.database}, {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, median and slowest of {args.repeat}"
    )
    for members in args.members:
        engine = database(args.database, members, members * 10, fresh=False)
        one_request(engine)  # warm the cache, as a live database is
        took = [one_request(engine) for _ in range(args.repeat)]
        print(
            f"  {members:>7,} members, {members * 10:>8,} purchases: "
            f"{statistics.median(took) * 1000:6.0f} ms (slowest {max(took) * 1000:.0f} ms)"
        )
        engine.dispose()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
