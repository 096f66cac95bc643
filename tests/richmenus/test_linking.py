"""Role changes in the chat give people their menu at once; tapping the menu works."""

from __future__ import annotations

from typing import Any

import pytest

from bot.demo.fakeline import FakeLine, FakeUser
from bot.demo.fakeline.richmenu_api import tap_area
from bot.services import Services
from bot.web import shell
from richmenus import deploy as deployer
from richmenus import records
from richmenus.layouts import MENUS, Say
from storage import members
from storage.db import transaction
from storage.models import Role
from tests.support.line import Line, alt_texts, postbacks, texts


def deploy(app: Any) -> dict[str, str]:
    with app.app_context():
        services: Services = shell.services()
    deployer.deploy(services.line, services.look, services.engine)
    with transaction(services.engine) as session:
        return {k: r.rich_menu_id for k, r in records.deployed(session).items()}


def recruit(line: Line, owner: FakeUser, name: str = "Bee") -> FakeUser:
    """The owner invites, the recruit sends `join <code>`."""
    join = texts(line.say(owner, "staff invite"))[-1]
    person = line.user(name)
    line.say(person, join)
    with transaction(line.engine) as session:
        account = members.get_line_user(session, person.user_id)
        assert account is not None and account.role == Role.STAFF
    return person


def remove(line: Line, owner: Any, name: str) -> None:
    """The owner taps the person's remove button on the staff card, then yes."""
    ask = postbacks(line.say(owner, "staff list"))[f"เอา {name} ออก"]
    line.tap(owner, postbacks(line.tap(owner, ask))["ใช่ เอาออก"])


def link_calls(fake: FakeLine) -> list[str]:
    return [f"{c.method} {c.path}" for c in fake.calls("/v2/bot/user/") if "/richmenu" in c.path]


def test_staff_joining_and_leaving_changes_their_menu(line: Line, app: Any) -> None:
    ids = deploy(app)
    owner = line.user("Dang", role=Role.OWNER)
    bee = recruit(line, owner)
    assert line.fake.richmenus.links[bee.user_id] == ids["staff-counter"]
    remove(line, owner, "Bee")
    assert bee.user_id not in line.fake.richmenus.links
    assert line.fake.richmenus.showing(bee.user_id).rich_menu_id == ids["customer"]  # type: ignore[union-attr]


def test_before_menus_are_deployed_role_changes_call_nothing(line: Line) -> None:
    owner = line.user("Dang", role=Role.OWNER)
    recruit(line, owner)
    remove(line, owner, "Bee")
    assert "Bee" not in alt_texts(line.say(owner, "staff list"))[0]
    assert link_calls(line.fake) == []


def test_staff_switch_tabs_and_use_their_own_card(line: Line, app: Any) -> None:
    ids = deploy(app)
    owner = line.user("Dang", role=Role.OWNER)
    bee = recruit(line, owner)
    counter = line.fake.richmenus.showing(bee.user_id)
    assert counter is not None and counter.rich_menu_id == ids["staff-counter"]
    my_card_tab = next(
        i for i, a in enumerate(counter.body["areas"]) if "บัตรของฉัน" == a["action"]["label"]
    )
    before = len(line.fake.calls("/v2/bot/message/reply"))
    tap_area(line.fake, bee, my_card_tab)
    assert line.last_status == 200
    assert len(line.fake.calls("/v2/bot/message/reply")) == before, "a tab switch needs no answer"
    mine = line.fake.richmenus.showing(bee.user_id)
    assert mine is not None and mine.rich_menu_id == ids["staff-me"]
    points = next(i for i, a in enumerate(mine.body["areas"]) if a["action"].get("text") == "แต้ม")
    answer = line._after(bee, lambda: tap_area(line.fake, bee, points))
    assert answer and line.last_status == 200


@pytest.mark.parametrize("shown", MENUS, ids=lambda m: m.key)
def test_every_button_gets_an_answer(line: Line, app: Any, shown: Any) -> None:
    """Tapping each area as someone of the menu's role: a reply (or a silent tab switch)."""
    deploy(app)
    person = line.user("Tester")
    if shown.role != Role.CUSTOMER:
        line.make(person, shown.role)
    line.register(person)
    for index, area in enumerate(shown.areas):
        line.fake.richmenus.shown[person.user_id] = deploy_id(app, shown.key)
        answer = line._after(person, lambda i=index: tap_area(line.fake, person, i))
        assert line.last_status == 200
        if isinstance(area.button.action, Say):
            assert answer, f"{shown.key}[{index}] {area.button.action.text} got no answer"


def deploy_id(app: Any, key: str) -> str:
    with app.app_context():
        services: Services = shell.services()
    with transaction(services.engine) as session:
        return records.deployed(session)[key].rich_menu_id


def test_a_refused_link_leaves_the_new_cashier_staff(
    line: Line, app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    deploy(app)
    owner = line.user("Dang", role=Role.OWNER)
    line.fake.fail_next("/v2/bot/user/", 400)
    bee = recruit(line, owner)
    assert bee.user_id not in line.fake.richmenus.links
    assert "rich menu of" in caplog.text and "not changed" in caplog.text
