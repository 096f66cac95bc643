"""`loyalty richmenu deploy` against the fake platform: create once, change only what changed."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.cli.richmenu import richmenu
from bot.demo.fakeline import FakeLine
from bot.services import Services, build
from bot.settings import Settings
from handlers.views.colors import rgb
from richmenus import deploy as deployer
from richmenus.api import RichMenuError
from richmenus.layouts import MENUS, menu
from storage.db import transaction
from storage.models import RichMenuDeployment, Role
from tests.support import factories

CREATES = ("/v2/bot/richmenu", "/v2/bot/richmenu/alias", "/v2/bot/user/")


@pytest.fixture
def services(settings: Settings, engine: Engine) -> Iterator[Services]:
    made = build(settings, engine)
    yield made
    made.line.close()


def rows(engine: Engine) -> dict[str, RichMenuDeployment]:
    with transaction(engine) as session:
        return {r.key: r for r in session.exec(select(RichMenuDeployment)).all()}


def changes(fake: FakeLine, since: int) -> list[str]:
    """Calls after the first `since` that change something in LINE."""
    return [f"{c.method} {c.path}" for c in fake.calls()[since:] if c.method != "GET"]


def test_the_first_deploy_creates_every_menu_with_its_image(
    fake: FakeLine, services: Services, engine: Engine
) -> None:
    report = deployer.deploy(services.line, services.look, engine)
    assert sorted(report.created) == sorted(m.key for m in MENUS) and report.default_set
    state = fake.richmenus
    assert len(state.menus) == len(MENUS)
    uploads = [c for c in fake.calls("/v2/bot/richmenu/") if c.path.endswith("/content")]
    assert len(uploads) == len(MENUS)
    assert all(c.headers["Content-Type"] == "image/png" for c in uploads)
    assert all(m.image is not None and len(m.image) < 1024 * 1024 for m in state.menus.values())
    deployed = rows(engine)
    assert state.default == deployed["customer"].rich_menu_id
    assert state.aliases == {
        m.alias: deployed[m.key].rich_menu_id for m in MENUS if m.alias is not None
    }
    for key, row in deployed.items():
        stored = state.menus[row.rich_menu_id]
        assert stored.body["areas"] == menu(key).request("x")["areas"]
        assert stored.body["name"] == f"line-loyalty/{key}/{row.content_hash[:16]}"


def test_a_second_deploy_changes_nothing(
    fake: FakeLine, services: Services, engine: Engine
) -> None:
    deployer.deploy(services.line, services.look, engine)
    before, menus = len(fake.calls()), dict(fake.richmenus.menus)
    report = deployer.deploy(services.line, services.look, engine)
    assert not report.changed and len(report.kept) == len(MENUS)
    assert changes(fake, before) == []
    assert fake.richmenus.menus == menus


def test_a_new_shop_colour_replaces_every_menu_and_deletes_the_old(
    fake: FakeLine, services: Services, engine: Engine
) -> None:
    deployer.deploy(services.line, services.look, engine)
    old = {r.rich_menu_id for r in rows(engine).values()}
    brown = dataclasses.replace(services.look, color=rgb("#8B4513"))
    report = deployer.deploy(services.line, brown, engine)
    assert len(report.created) == len(MENUS) and sorted(report.deleted) == sorted(old)
    new = rows(engine)
    assert set(fake.richmenus.menus) == {r.rich_menu_id for r in new.values()}
    assert fake.richmenus.default == new["customer"].rich_menu_id
    assert fake.richmenus.aliases["loyalty-owner-me"] == new["owner-me"].rich_menu_id


def test_a_changed_layout_replaces_only_that_menu(
    fake: FakeLine, services: Services, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    deployer.deploy(services.line, services.look, engine)
    before = rows(engine)
    changed = dataclasses.replace(menu("staff-me"), chat_bar="บัตรของฉัน")
    monkeypatch.setattr(deployer, "MENUS", [changed if m.key == "staff-me" else m for m in MENUS])
    since = len(fake.calls())
    report = deployer.deploy(services.line, services.look, engine)
    after = rows(engine)
    assert report.created == ["staff-me"]
    assert report.deleted == [before["staff-me"].rich_menu_id]
    assert report.aliases == ["loyalty-staff-me"] and not report.default_set
    assert {k for k in after if after[k].rich_menu_id != before[k].rich_menu_id} == {"staff-me"}
    assert sorted(changes(fake, since)) == sorted(
        [
            "POST /v2/bot/richmenu",
            f"POST /v2/bot/richmenu/{after['staff-me'].rich_menu_id}/content",
            "POST /v2/bot/richmenu/alias/loyalty-staff-me",
            f"DELETE /v2/bot/richmenu/{before['staff-me'].rich_menu_id}",
        ]
    )


def test_menus_made_by_hand_are_left_alone_and_lost_ones_come_back(
    fake: FakeLine, services: Services, engine: Engine
) -> None:
    api = deployer.RichMenuApi.of(services.line)
    campaign = api.create({**menu("customer").request("Songkran campaign"), "areas": []})
    deployer.deploy(services.line, services.look, engine)
    lost = rows(engine)["owner-counter"].rich_menu_id
    api.delete_alias("loyalty-owner-counter")
    api.delete(lost)
    report = deployer.deploy(services.line, services.look, engine)
    assert report.created == ["owner-counter"] and "loyalty-owner-counter" in report.aliases
    assert campaign in fake.richmenus.menus


@pytest.mark.allow_errors
def test_a_deploy_cut_short_is_finished_by_the_next(
    fake: FakeLine, services: Services, engine: Engine
) -> None:
    deployer.deploy(services.line, services.look, engine)
    brown = dataclasses.replace(services.look, color=rgb("#8B4513"))
    fake.fail_next("/v2/bot/richmenu/richmenu-", 400, times=1)  # the first image upload
    with pytest.raises(RichMenuError):
        deployer.deploy(services.line, brown, engine)
    assert len(fake.richmenus.menus) == len(MENUS) + 1
    deployer.deploy(services.line, brown, engine)
    assert len(fake.richmenus.menus) == len(MENUS)
    assert all(m.image is not None for m in fake.richmenus.menus.values())


def test_staff_and_owners_get_their_new_menus(
    fake: FakeLine, services: Services, engine: Engine
) -> None:
    cashier, boss, customer = ("U" + c * 32 for c in "bcd")
    with transaction(engine) as session:
        for user_id, role in ((cashier, Role.STAFF), (boss, Role.OWNER)):
            factories.person(session, user_id, role)
        factories.person(session, customer)
    report = deployer.deploy(services.line, services.look, engine)
    deployed = rows(engine)
    assert report.linked == 2
    assert fake.richmenus.links == {
        cashier: deployed["staff-counter"].rich_menu_id,
        boss: deployed["owner-manage"].rich_menu_id,
    }


def test_the_cli_deploys_and_shows(
    fake: FakeLine, services: Services, engine: Engine, tmp_path: Path
) -> None:
    runner = CliRunner()
    shown = runner.invoke(richmenu, ["show"], obj=services)
    assert shown.exit_code == 0 and "no rich menus deployed" in shown.output
    first = runner.invoke(richmenu, ["deploy"], obj=services)
    assert first.exit_code == 0, first.output
    assert "created customer" in first.output and "set the customer menu" in first.output
    again = runner.invoke(richmenu, ["deploy"], obj=services)
    assert "already up to date" in again.output
    shown = runner.invoke(richmenu, ["show"], obj=services)
    assert all(f"{m.key} " in shown.output for m in MENUS)
    assert "loyalty-owner-manage" in shown.output and "(default for customers)" in shown.output
    out = tmp_path / "shots"
    preview = runner.invoke(richmenu, ["preview", "--roles", "--out", str(out)], obj=services)
    assert preview.exit_code == 0, preview.output
    assert sorted(p.name for p in out.iterdir()) == [
        "richmenu-customer.png",
        "richmenu-owner.png",
        "richmenu-staff.png",
    ]


@pytest.mark.allow_errors
def test_the_cli_says_in_one_line_when_line_refuses(fake: FakeLine, services: Services) -> None:
    fake.fail_next("/v2/bot/richmenu", 401, times=5)
    result = CliRunner().invoke(richmenu, ["deploy"], obj=services)
    assert result.exit_code == 1
    assert (
        result.output.startswith("Error: LINE refused the rich menus")
        and result.output.count("\n") == 1
    )


def test_the_cli_asks_for_migrations_when_the_table_is_missing(
    fake: FakeLine, services: Services, engine: Engine
) -> None:
    RichMenuDeployment.__table__.drop(engine)  # type: ignore[attr-defined]
    for command in ("show", "deploy"):
        result = CliRunner().invoke(richmenu, [command], obj=services)
        assert result.exit_code == 1, result.output
        assert "run `loyalty db upgrade` first" in result.output
        assert result.output.count("\n") == 1
