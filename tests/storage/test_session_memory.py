"""What a session remembers having read (`get_once`) is forgotten when a savepoint rolls
back: a dialog or setting row written inside it and undone is not seen again."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from storage import dialogs
from storage.db import transaction
from tests.support import factories

NOK = "U" + "1" * 32


def test_a_dialog_started_in_a_rolled_back_savepoint_is_gone(engine: Engine) -> None:
    with transaction(engine) as session:
        factories.person(session, NOK)
        assert dialogs.current_dialog(session, NOK) is None
        savepoint = session.begin_nested()
        dialogs.start_dialog(session, NOK, "register", "phone")
        savepoint.rollback()
        assert dialogs.current_dialog(session, NOK) is None


def test_a_dialog_ended_in_a_rolled_back_savepoint_is_still_open(engine: Engine) -> None:
    with transaction(engine) as session:
        factories.person(session, NOK)
        dialogs.start_dialog(session, NOK, "register", "phone")
    with transaction(engine) as session:
        assert dialogs.current_dialog(session, NOK) is not None
        savepoint = session.begin_nested()
        assert dialogs.end_dialog(session, NOK)
        savepoint.rollback()
        found = dialogs.current_dialog(session, NOK)
        assert found is not None and found.step == "phone"
