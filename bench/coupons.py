"""Coupons issued per second, with and without drawing the coupon picture, and its bytes.

"Issue + all three pictures, kept" is what the server does for a new coupon up to the
first fetch of its picture: one drawing gives the three PNGs, kept in the database for
every later fetch. The drawing is also timed without the issue, and the QR alone.

    python bench/coupons.py [--coupons 100] [--database-url URL]

Makes its own data (members with points, a catalogue of Thai-named rewards) in a fresh
SQLite file in a temporary folder unless --database-url is given, and prints a table.
Each coupon is one transaction: lock the member, ledger entry, stock, coupon row.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from handlers.campaign_coupons import RewardCoupons  # noqa: E402
from handlers.coupon_views import coupon_face  # noqa: E402
from handlers.router import Shop  # noqa: E402
from handlers.views.coupon_image import CouponFace, coupon_pictures  # noqa: E402
from handlers.views.qr import qr_png  # noqa: E402
from storage import coupons, ledger, media_files, members, rewards  # noqa: E402
from storage.db import make_engine, transaction  # noqa: E402
from storage.models import Coupon, EntryKind, Reward  # noqa: E402

TZ = ZoneInfo("Asia/Bangkok")
SHOP = Shop(
    name="กาแฟดี Kafe Dee",
    basic_id="@kafedee",
    base_url="https://loyalty.example.com",
    baht_per_point=25,
    tz=TZ,
    coupons=RewardCoupons(TZ),
)
DRINKS = ["ลาเต้เย็น", "ชาไทยเย็น", "มัทฉะลาเต้", "โกโก้ปั่น", "อเมริกาโน่", "น้ำผึ้งมะนาว"]
EXTRAS = ["ฟรี 1 แก้ว", "ลด 50 บาท", "แก้วใหญ่", "ใส่วิปครีม", "เพิ่มช็อต", ""]


def make_data(engine: Engine, n_members: int, n_rewards: int) -> tuple[list[int], list[int]]:
    """Members with plenty of points and a catalogue of rewards with unlimited stock."""
    rng = random.Random(7)
    with transaction(engine) as session:
        reward_ids = []
        for n in range(n_rewards):
            name = f"{rng.choice(DRINKS)} {rng.choice(EXTRAS)}".strip() + f" #{n}"
            spec = rewards.RewardSpec(
                name_th=name, name_en=f"Reward {n}", points_cost=rng.randint(50, 300)
            )
            reward_ids.append(rewards.create_reward(session, spec=spec).id)
        member_ids = []
        for n in range(n_members):
            member = members.create_member(session, phone=f"+668{n:08d}")
            ledger.post_entry(
                session,
                tz=ZoneInfo("Asia/Bangkok"),
                member=member,
                kind=EntryKind.ADJUST,
                points=1_000_000,
                actor="bench",
                idempotency_key=f"seed:{n}",
            )
            member_ids.append(member.id)
    return member_ids, reward_ids  # type: ignore[return-value]


def issue(engine: Engine, member_id: int, reward_id: int, key: str) -> tuple[Coupon, Reward]:
    with transaction(engine) as session:
        coupon = coupons.redeem(
            session,
            member_id=member_id,
            reward_id=reward_id,
            actor="bench",
            idempotency_key=key,
            tz=TZ,
        )
        reward = session.get(Reward, reward_id)
        assert reward is not None
        return coupon, reward


def timed(count: int, step: Callable[[int], None]) -> tuple[float, float]:
    """Per second over `count` calls of `step(i)`, and the CPU milliseconds of each (this
    process's: other programs on the machine slow the first, not the second)."""
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(count):
        step(i)
    cpu_each = 1000 * (time.process_time() - cpu) / count
    return count / (time.perf_counter() - started), cpu_each


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coupons", type=int, default=100)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-coupons-") as folder:
        measure(args, folder)


def measure(args: argparse.Namespace, folder: str) -> None:
    engine = make_engine(args.database_url or f"sqlite:///{folder}/bench.db")
    SQLModel.metadata.create_all(engine)
    member_ids, reward_ids = make_data(engine, 200, 40)
    rng = random.Random(11)
    pairs = [(rng.choice(member_ids), rng.choice(reward_ids)) for _ in range(args.coupons + 1)]
    drawn: list[tuple[str, Callable[[CouponFace], object]]] = [
        ("all three pictures", coupon_pictures),
        ("QR picture alone", lambda face: qr_png(face.qr_content)),
    ]
    sizes: dict[str, list[int]] = {name: [] for name in ("full", "preview", "qr")}
    faces: list[CouponFace] = []

    def issue_only(i: int) -> None:
        faces.append(coupon_face(SHOP, *issue(engine, *pairs[i], key=f"a{i}")))

    def each_face(draw: Callable[[CouponFace], object]) -> Callable[[int], None]:
        def step(i: int) -> None:
            draw(faces[i])

        return step

    def issue_and_draw(i: int) -> None:
        """What the first fetch of a new coupon's picture costs: one drawing gives all three."""
        coupon, reward = issue(engine, *pairs[i], key=f"b{i}")
        pictures = coupon_pictures(coupon_face(SHOP, coupon, reward))
        parts = {"full": pictures.full, "preview": pictures.preview, "qr": pictures.qr}
        for name, data in parts.items():
            sizes[name].append(len(data))
        with transaction(engine) as session:
            media_files.keep_coupon_pictures(session, coupon.image_token, parts)

    issue_and_draw(args.coupons)  # warm up: fonts load once
    for values in sizes.values():
        values.clear()
    rates = [("issue (one DB transaction)", timed(args.coupons, issue_only))]
    for name, draw in drawn:
        rates.append((f"draw {name}", timed(len(faces), each_face(draw))))
    rates.append(("issue + all three pictures, kept", timed(args.coupons, issue_and_draw)))
    print(f"{args.coupons} coupons, {engine.dialect.name}, Python {sys.version.split()[0]}")
    print(f"{'what':<32} {'per second':>10} {'ms each':>8} {'CPU ms':>8}")
    for label, (rate, cpu_each) in rates:
        print(f"{label:<32} {rate:>10.1f} {1000 / rate:>8.1f} {cpu_each:>8.1f}")
    print(f"{'picture':<32} {'mean bytes':>10} {'max':>8}")
    for name, values in sizes.items():
        print(f"{name + ' PNG':<32} {statistics.mean(values):>10,.0f} {max(values):>8,}")
    engine.dispose()


if __name__ == "__main__":
    main()
