"""The shop's reward catalogue and the pictures that go with it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage import clock, codes
from storage.models import Reward, StoredImage

MAX_NAME = 80
MAX_COST = 1_000_000
MAX_STOCK = 1_000_000
MAX_VALID_DAYS = 3650
MAX_LIMIT = 1000


class BadReward(ValueError):
    """A reward field is out of range; `field` names it."""

    def __init__(self, field: str) -> None:
        super().__init__(f"bad value for {field}")
        self.field = field


@dataclass(frozen=True)
class RewardSpec:
    """Everything the owner says about a reward (add, edit or CSV import)."""

    name_th: str
    points_cost: int
    name_en: str | None = None
    stock: int | None = None
    valid_days: int = 30
    limit_per_member: int | None = None
    picture_token: str | None = None


def _name(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) <= MAX_NAME


def _whole(low: int, high: int) -> Callable[[Any], bool]:
    return lambda value: type(value) is int and low <= value <= high


def _optional(rule: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda value: value is None or rule(value)


RULES: dict[str, Callable[[Any], bool]] = {
    "name_th": _name,
    "name_en": _optional(_name),
    "points_cost": _whole(1, MAX_COST),
    "stock": _optional(_whole(0, MAX_STOCK)),
    "valid_days": _whole(1, MAX_VALID_DAYS),
    "limit_per_member": _optional(_whole(1, MAX_LIMIT)),
    "picture_token": _optional(lambda value: isinstance(value, str) and len(value) <= 64),
}


def check(field: str, value: Any) -> None:
    """Raise BadReward unless `value` is acceptable for `field`."""
    rule = RULES.get(field)
    if rule is None or not rule(value):
        raise BadReward(field)


def create_reward(session: Session, *, spec: RewardSpec) -> Reward:
    """A new, active reward. Raises BadReward before writing anything."""
    values = spec.__dict__
    for field, value in values.items():
        check(field, value)
    reward = Reward(**values)
    session.add(reward)
    session.flush()
    return reward


def update_reward(session: Session, reward: Reward, **changes: Any) -> Reward:
    """Change some fields of `reward`. Raises BadReward before writing anything."""
    for field, value in changes.items():
        check(field, value)
    for field, value in changes.items():
        setattr(reward, field, value)
    reward.updated_at = clock.now()
    session.add(reward)
    session.flush()
    return reward


def set_active(session: Session, reward: Reward, active: bool) -> None:
    """Pause (False) or resume (True) a reward; paused rewards are not shown or redeemable."""
    reward.active = active
    reward.updated_at = clock.now()
    session.add(reward)
    session.flush()


def get_reward(session: Session, reward_id: int) -> Reward | None:
    return session.get(Reward, reward_id)


def find_by_name(session: Session, name_th: str) -> Reward | None:
    return session.exec(select(Reward).where(Reward.name_th == name_th.strip())).first()


def list_rewards(
    session: Session, *, active_only: bool, offset: int = 0, limit: int | None = None
) -> list[Reward]:
    """Rewards cheapest first (then oldest), optionally only the active ones."""
    query = select(Reward).order_by(col(Reward.points_cost), col(Reward.id))
    if active_only:
        query = query.where(col(Reward.active).is_(True))
    return list(session.exec(query.offset(offset).limit(limit)).all())


def count_rewards(session: Session, *, active_only: bool) -> int:
    query = select(func.count()).select_from(Reward)
    if active_only:
        query = query.where(col(Reward.active).is_(True))
    return int(session.exec(query).one())


def store_picture(session: Session, data: bytes, content_type: str = "image/jpeg") -> str:
    """Keep a picture; returns the token its URL carries."""
    image = StoredImage(token=codes.token(), content_type=content_type, data=data)
    session.add(image)
    session.flush()
    return image.token


def find_picture(session: Session, token: str) -> StoredImage | None:
    return session.exec(select(StoredImage).where(StoredImage.token == token)).first()
