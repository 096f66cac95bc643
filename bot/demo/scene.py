"""What the demo's shop holds at start-up, read from its database for the banner."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.demo.fakeline.simulator_api import Persona
from storage import members
from storage.db import transaction
from storage.models import LineUser, Member, Purchase, Role


@dataclass(frozen=True)
class Scene:
    strangers: list[str]  # customers of the cast who have not added the shop
    friends: list[str]  # customers of the cast who have (in a kept database)
    members: int  # members besides the cast
    purchases: int


def read_scene(engine: Engine, personas: list[Persona]) -> Scene:
    """The cast's customers as the database knows them, and the size of the rest of the shop."""
    customers = [p for p in personas if p.role == Role.CUSTOMER.value]
    cast_ids = [p.user.user_id for p in personas]
    with transaction(engine) as session:
        following = {}
        for persona in customers:
            user = members.get_line_user(session, persona.user.user_id)
            following[persona.label] = user is not None and user.following
        cast_members = select(LineUser.member_id).where(col(LineUser.line_user_id).in_(cast_ids))
        others = session.exec(
            select(func.count()).select_from(Member).where(
                col(Member.id).not_in(cast_members.where(col(LineUser.member_id).is_not(None)))
            )
        ).one()
        purchases = session.exec(select(func.count()).select_from(Purchase)).one()
    return Scene(
        strangers=[name for name, yes in following.items() if not yes],
        friends=[name for name, yes in following.items() if yes],
        members=int(others),
        purchases=int(purchases),
    )
