"""Every rich-menu button says what the catalogs say and runs the route it names."""

from __future__ import annotations

import pytest

from handlers import routes  # noqa: F401  (registers them)
from handlers.i18n import CATALOGS, LANGUAGES
from handlers.router import normalise, router
from handlers.views.messages import parse_postback
from richmenus.layouts import MENUS, Area, Postback, Say, SwitchTo

AREAS = [(m.key, i, a) for m in MENUS for i, a in enumerate(m.areas)]
IDS = [f"{key}-{i}" for key, i, _ in AREAS]


@pytest.mark.parametrize(("menu", "index", "area"), AREAS, ids=IDS)
def test_each_action_resolves_to_a_route(menu: str, index: int, area: Area) -> None:
    action = area.button.action
    if isinstance(action, Say):
        found = router.match(normalise(action.text))
        assert found is not None and found[0].key == action.command, f"{menu}[{index}]"
        assert found[1] == [], f"{menu}[{index}] sends words after its command"
    else:
        assert isinstance(action, Postback | SwitchTo)
        assert parse_postback(action.data).get("action", "") in router.postbacks


@pytest.mark.parametrize(("menu", "index", "area"), AREAS, ids=IDS)
def test_each_label_comes_from_both_catalogs(menu: str, index: int, area: Area) -> None:
    key = area.button.label
    assert all(key in CATALOGS[lang] for lang in LANGUAGES), f"{menu}[{index}]: {key}"
    assert (area.button.th, area.button.en) == (CATALOGS["th"][key], CATALOGS["en"][key])


def test_the_chat_bar_texts_come_from_the_catalog() -> None:
    assert {m.chat_bar for m in MENUS} == {
        CATALOGS["th"][f"menu_bar_{role}"] for role in ("customer", "staff", "owner")
    }
