"""A role is checked on every step of a dialog, not only when it opens.

Roles change outside the dialog (`loyalty owner remove`, `staff remove <n>`): the next
thing the person sends closes the dialog politely, in their language, and nothing of it
runs.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select

from handlers import dialog
from handlers.router import Router
from handlers.router import router as shared
from storage.models import AuditEntry, Campaign, Dialog, LedgerEntry, Member, Reward, Role
from tests.handlers.reward_helpers import add_reward, send_image
from tests.handlers.test_rewards_owner import photo
from tests.handlers.test_segments_broadcast import shop
from tests.support.line import Line, postbacks, texts


def open_dialog(line: Line, user: Any) -> Dialog | None:
    with Session(line.engine) as session:
        return session.get(Dialog, user.user_id)


def test_owner_removed_mid_broadcast_cannot_send(line: Line, engine: Any) -> None:
    owner, people = shop(line, engine, customers=2)
    line.say(owner, "broadcast")
    line.say(owner, "12")
    assert "Will receive it: 2" in line.ask(owner, "Free cake today!")
    line.make(owner, Role.CUSTOMER)  # what `loyalty owner remove` does
    answer = line.ask(owner, "send")
    assert "can no longer do this" in answer and "nothing was done" in answer
    assert open_dialog(line, owner) is None
    assert "did not understand" in line.ask(owner, "send")
    with Session(engine) as session:
        assert session.exec(select(Campaign)).all() == []
        actions = session.exec(select(AuditEntry.action, AuditEntry.actor_role)).all()
    assert ("broadcast.confirm", "customer") not in actions
    assert all(role != "customer" for _, role in actions)
    assert not line.fake.calls("/v2/bot/message/multicast")
    for customer in people:
        assert "Free cake today!" not in texts(line.fake.bot_messages(customer.user_id))


def test_a_photo_for_the_broadcast_after_removal_is_not_kept(line: Line, engine: Any) -> None:
    owner, _ = shop(line, engine, customers=1)
    line.say(owner, "broadcast")
    line.say(owner, "12")
    line.make(owner, Role.STAFF)
    answer = texts(send_image(line, owner, photo()))
    assert answer == [
        "Sorry, you can no longer do this: your role in the shop has changed. "
        "I closed it and nothing was done."
    ]
    assert open_dialog(line, owner) is None


def test_owner_demoted_before_saving_a_reward_saves_nothing(line: Line) -> None:
    owner = line.user("Owner", role=Role.OWNER)
    line.say(owner, "reward add")
    for answer in ("เค้กส้ม", "skip", "200", "ไม่จำกัด", "30", "1"):
        line.say(owner, answer)
    assert "บันทึก" in line.ask(owner, "skip")  # the summary, waiting for `save`
    line.make(owner, Role.STAFF)
    answer = line.ask(owner, "บันทึก")
    assert "ไม่มีสิทธิ์ทำรายการนี้แล้ว" in answer
    assert open_dialog(line, owner) is None
    with Session(line.engine) as session:
        assert session.exec(select(Reward)).all() == []


def test_owner_demoted_while_editing_a_reward_changes_nothing(line: Line) -> None:
    reward_id = add_reward(line)
    owner = line.user("Owner 2", role=Role.OWNER)
    line.say(owner, f"reward edit {reward_id}")
    line.make(owner, Role.CUSTOMER)
    assert "ไม่มีสิทธิ์ทำรายการนี้แล้ว" in texts(line.tap(owner, "action=reward_field&field=stock"))[0]
    assert open_dialog(line, owner) is None
    with Session(line.engine) as session:
        reward = session.get(Reward, reward_id)
        assert reward is not None and reward.stock is None


def test_staff_removed_before_typing_the_amount_awards_nothing(line: Line, engine: Any) -> None:
    owner = line.user("Dang", role=Role.OWNER)
    cashier = line.user("Bee", "en", role=Role.STAFF)
    customer = line.user("Nok")
    line.register(customer, "0812345678")
    with Session(engine) as session:
        member_code = session.exec(select(Member.code)).one()
    assert "How much did they spend" in line.ask(cashier, f"award {member_code}")
    confirm = postbacks(line.say(owner, "staff remove 2"))
    assert "เอา Bee ออกจากพนักงานแล้ว" in "\n".join(texts(line.tap(owner, confirm["ใช่ เอาออก"])))
    answer = line.ask(cashier, "350")
    assert "can no longer do this" in answer
    assert open_dialog(line, cashier) is None
    with Session(engine) as session:
        assert session.exec(select(LedgerEntry)).all() == []


def test_a_customer_dialog_is_not_closed_by_the_check(line: Line) -> None:
    customer = line.user("Nok", "en")
    line.tap(customer, "action=consent&choice=all")
    assert "You are now a member" in line.ask(customer, "0812345678")


def test_a_dialog_is_declared_once_with_its_role() -> None:
    router = Router()
    one = {"one": {dialog.END}}
    router.dialog(dialog.Dialog("d", role=Role.OWNER, starts={"one"}, moves=one))
    with pytest.raises(ValueError, match="already declared"):
        router.dialog(dialog.Dialog("d", role=Role.STAFF, starts={"one"}, moves=one))


def test_every_dialog_declares_its_role() -> None:
    assert {d.name: d.role for d in shared.dialogs.values()} == {
        "award": Role.STAFF,
        "birthday": Role.CUSTOMER,
        "broadcast": Role.OWNER,
        "erase": Role.CUSTOMER,
        "register": Role.CUSTOMER,
        "reward_add": Role.OWNER,
        "reward_edit": Role.OWNER,
    }
