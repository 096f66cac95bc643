"""The dialog machinery: declared graphs, steps that decline text, states nobody declared."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session

from bot.demo.fakeline import FakeUser
from handlers import routes  # noqa: F401  (declares every dialog)
from handlers.dialog import END, NOT_MINE, Dialog, Next, Outcome, Reply
from handlers.i18n import t
from handlers.router import StepContext, router
from handlers.views.messages import text
from storage import dialogs
from storage.db import transaction
from storage.models import Dialog as DialogRow
from storage.models import Role
from tests.support.line import Line, texts

HELP = t("en", "help_customer")[:20]
LOST = "Sorry, something went wrong with what we were doing, so I closed it. Please start again."


def open_dialog(line: Line, user: FakeUser) -> tuple[str, str] | None:
    with Session(line.engine) as session:
        row = session.get(DialogRow, user.user_id)
        return (row.name, row.step) if row is not None else None


def put_dialog(line: Line, user: FakeUser, name: str, step: str) -> None:
    """A row as an older (or newer) deploy may have left it."""
    with transaction(line.engine) as session:
        dialogs.start_dialog(session, user.user_id, name, step)


def reachable(dialog: Dialog) -> set[str]:
    seen, todo = set(dialog.starts), list(dialog.starts)
    while todo:
        for target in dialog.moves[todo.pop()] - {END}:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_the_state_graph_of_every_dialog_is_declared() -> None:
    assert sorted(router.dialogs) == [
        "award",
        "birthday",
        "broadcast",
        "erase",
        "register",
        "reward_add",
        "reward_edit",
    ]
    for dialog in router.dialogs.values():
        assert set(dialog.handlers) == set(dialog.steps), dialog.name  # every step is answered
        assert reachable(dialog) == set(dialog.steps), dialog.name  # every step can be reached
        assert any(END in targets for targets in dialog.moves.values()), dialog.name


def test_the_stored_step_names_keep_their_values() -> None:
    """Rows written before a deploy go on after it: the table holds these strings."""
    steps = {name: set(d.steps) for name, d in router.dialogs.items()}
    assert steps["broadcast"] == {"audience", "message", "confirm"}
    assert steps["register"] == {"phone", "code"}
    assert steps["award"] == {"amount", "confirm"}
    assert steps["birthday"] == {"date"}
    assert steps["erase"] == {"confirm"}
    fields = {"name_th", "name_en", "points_cost", "stock", "valid_days", "limit_per_member"}
    assert steps["reward_add"] == {*fields, "picture_token", "confirm"}
    assert steps["reward_edit"] == {*fields, "picture_token", "field"}


@pytest.mark.allow_errors
def test_an_unknown_step_is_logged_closed_and_answered(
    line: Line, caplog: pytest.LogCaptureFixture
) -> None:
    owner = line.user("Owner", role=Role.OWNER)
    line.say(owner, "language en")
    put_dialog(line, owner, "broadcast", "colour")
    with caplog.at_level(logging.ERROR):
        assert line.ask(owner, "red") == LOST
    assert open_dialog(line, owner) is None
    assert any("broadcast has no step 'colour'" in r.getMessage() for r in caplog.records)
    assert "did not understand" in line.ask(owner, "red")  # nothing is open any more


@pytest.mark.allow_errors
def test_an_unknown_dialog_is_logged_closed_and_answered_in_thai(
    line: Line, caplog: pytest.LogCaptureFixture
) -> None:
    customer = line.user("Nok")
    put_dialog(line, customer, "survey", "q1")
    with caplog.at_level(logging.ERROR):
        assert "เกิดข้อผิดพลาด" in line.ask(customer, "5")
    assert open_dialog(line, customer) is None
    assert any("no dialog 'survey'" in r.getMessage() for r in caplog.records)


def test_a_step_can_decline_text_and_the_command_answers(line: Line) -> None:
    customer = line.user("Nok", "en")
    line.tap(customer, "action=consent&choice=all")
    assert open_dialog(line, customer) == ("register", "phone")
    assert line.ask(customer, "help").startswith(HELP)
    assert open_dialog(line, customer) == ("register", "phone")  # declined, still waiting
    assert "You are now a member" in line.ask(customer, "0812345678")
    assert open_dialog(line, customer) == ("birthday", "date")  # opened by registering, kept


@pytest.fixture
def test_dialog() -> Iterator[Dialog]:
    """A dialog that tries a move its declaration does not list."""
    dialog = router.dialog(
        Dialog(
            "test_stray", role=Role.CUSTOMER, starts={"one"}, moves={"one": {"two"}, "two": {END}}
        )
    )

    @dialog.step("one")
    def one(ctx: StepContext) -> Outcome:
        if ctx.text == "stray":
            return Next("one", [text("moved")])  # "one" -> "one" is not declared
        if ctx.text == "fine":
            return Next("two", [text("at two")])
        return NOT_MINE

    @dialog.step("two")
    def two(ctx: StepContext) -> Outcome:
        return Reply([text(f"still at {ctx.dialog.step}")])

    yield dialog
    del router.dialogs[dialog.name]


@pytest.mark.allow_errors
def test_an_undeclared_move_is_logged_and_closes(
    line: Line, test_dialog: Any, caplog: pytest.LogCaptureFixture
) -> None:
    customer = line.user("Nok", "en")
    put_dialog(line, customer, "test_stray", "one")
    assert line.ask(customer, "fine") == "at two"
    assert line.ask(customer, "anything") == "still at two"
    put_dialog(line, customer, "test_stray", "one")
    with caplog.at_level(logging.ERROR):
        assert texts(line.say(customer, "stray")) == [LOST]
    assert open_dialog(line, customer) is None
    assert any("may not go from 'one' to 'one'" in r.getMessage() for r in caplog.records)


def test_a_declaration_refuses_moves_to_undeclared_steps() -> None:
    with pytest.raises(ValueError, match="undeclared steps"):
        Dialog("d", role=Role.OWNER, starts={"one"}, moves={"one": {"two"}})
    with pytest.raises(ValueError, match="must be steps"):
        Dialog("d", role=Role.OWNER, starts={"zero"}, moves={"one": {END}})
    dialog = Dialog("d", role=Role.OWNER, starts={"one"}, moves={"one": {END}})
    with pytest.raises(ValueError, match="has no step"):
        dialog.step("two")(lambda ctx: NOT_MINE)
