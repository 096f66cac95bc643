"""The menus as data and as pictures: every button leads somewhere, LINE's limits hold."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from bot.demo.fakeline.richmenu_rules import check_menu
from handlers import routes  # noqa: F401  (registers them)
from handlers.router import normalise, router
from handlers.views.messages import parse_postback
from richmenus.draw import MAX_BYTES, picture, render
from richmenus.layouts import (
    ENTRY_MENU,
    MENUS,
    PLANNED_ROUTES,
    ROLE_TABS,
    Menu,
    Postback,
    Say,
    SwitchTo,
    menu,
    menu_for_role,
)
from richmenus.look import INK, WHITE, Look, contrast, font, rgb
from storage.models import Role

SCREENSHOTS = Path(__file__).resolve().parents[2] / "assets" / "screenshots"
LOOK = Look("Kafe Dee")
ALL_AREAS = [(m, i, a) for m in MENUS for i, a in enumerate(m.areas)]


def routed_role(action: Say | Postback | SwitchTo) -> Role | None:
    """The least role the route behind `action` needs; None if the bot has no such route."""
    if isinstance(action, Say):
        found = router.match(normalise(action.text))
        return found[0].min_role if found else None
    data = action.data
    route = router.postbacks.get(parse_postback(data).get("action", ""))
    return route[1] if route else None


@pytest.mark.parametrize(
    ("owner", "index", "area"), ALL_AREAS, ids=[f"{m.key}-{i}" for m, i, _ in ALL_AREAS]
)
def test_every_area_leads_to_a_route_its_menu_may_use(owner: Menu, index: int, area) -> None:  # type: ignore[no-untyped-def]
    action = area.button.action
    needed = routed_role(action)
    if needed is None:
        planned = normalise(action.text) if isinstance(action, Say) else action.data
        assert planned in PLANNED_ROUTES, f"{owner.key}[{index}] {action} goes nowhere"
    else:
        assert needed.rank <= owner.role.rank, f"{owner.key}[{index}] needs {needed}"
    if isinstance(action, SwitchTo):
        assert action.alias in {m.alias for m in MENUS if m.role == owner.role}


def test_planned_routes_are_only_those_nobody_has_built_yet() -> None:
    built = [p for p in PLANNED_ROUTES if router.match(normalise(p)) or p in router.postbacks]
    assert not built, f"these routes exist now: remove them from PLANNED_ROUTES: {built}"
    sent = {
        normalise(a.button.action.text) for _, _, a in ALL_AREAS if isinstance(a.button.action, Say)
    }
    assert PLANNED_ROUTES <= sent, "PLANNED_ROUTES lists commands no menu sends"


@pytest.mark.parametrize("shown", MENUS, ids=lambda m: m.key)
def test_each_menu_keeps_lines_rules(shown: Menu) -> None:
    assert check_menu(shown.request(f"line-loyalty/{shown.key}/0123")) == []
    assert (shown.width, shown.height) in ((2500, 1686), (2500, 843))
    boxes = [a.bounds for a in shown.areas]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = (
                a.x + a.width <= b.x
                or b.x + b.width <= a.x
                or a.y + a.height <= b.y
                or b.y + b.height <= a.y
            )
            assert apart, f"{shown.key}: areas {a} and {b} overlap"
    covered = sum(b.width * b.height for b in boxes)
    assert covered == shown.width * shown.height or shown.key != "customer"


def test_tabs_switch_between_the_menus_of_one_role() -> None:
    for role, tabs in ROLE_TABS.items():
        aliases = {m.alias for m in MENUS if m.role == role}
        for tab in tabs:
            shown = menu(f"{role.value}-{tab}")
            row = [a for a in shown.areas if a.kind == "tab"]
            assert [a.selected for a in row].count(True) == 1
            assert {a.button.action.alias for a in row} == aliases  # type: ignore[union-attr]
            chosen = next(a for a in row if a.selected)
            assert chosen.button.action.alias == shown.alias  # type: ignore[union-attr]


def test_each_role_starts_on_its_own_menu() -> None:
    assert menu_for_role(Role.CUSTOMER).key == "customer"
    assert menu_for_role(Role.STAFF).key == ENTRY_MENU[Role.STAFF] == "staff-counter"
    assert menu_for_role(Role.OWNER).key == ENTRY_MENU[Role.OWNER] == "owner-manage"
    labels = {a.button.en for a in menu("owner-manage").areas if a.kind == "tile"}
    assert labels == {"Shop home", "Segments", "Broadcast", "Shop stats", "Rewards", "Automations"}
    first = next(a for a in menu("owner-manage").areas if a.kind == "tile")
    assert first.button.en == "Shop home" and first.button.action == Say("owner")
    labels = {a.button.en for a in menu("customer").areas if a.kind == "tile"}
    assert labels == {
        "Member card",
        "My points",
        "Rewards",
        "My coupons",
        "Invite a friend",
        "Help",
    }


@pytest.mark.parametrize("shown", MENUS, ids=lambda m: m.key)
def test_pictures_have_the_layout_size_and_stay_under_1_mb(shown: Menu) -> None:
    data, content_type = picture(shown, LOOK)
    assert content_type == "image/png"
    assert len(data) < MAX_BYTES
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == ("PNG", (shown.width, shown.height))


def test_thai_tone_marks_stack_instead_of_taking_room() -> None:
    """With raqm a tone mark sits above its consonant: no extra width, more height."""
    bold = font(110, 700)
    base, marked = bold.getbbox("ต"), bold.getbbox("ต้")
    assert marked[2] - marked[0] == pytest.approx(base[2] - base[0], abs=2)
    assert marked[1] < base[1] - 10
    assert bold.getbbox("ที่")[2] == pytest.approx(bold.getbbox("ท")[2], abs=2)


def test_the_shop_colour_and_logo_appear(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 300), (200, 30, 40)).save(logo)
    brown = Look("Sweet Crumbs", rgb("#8B4513"), logo)
    image = render(menu("customer"), brown)
    assert image.size == (2500, 1686)
    assert image.getpixel((2400, 40)) == brown.strong
    assert image.getpixel((60 + 96, 150)) == (200, 30, 40)


@pytest.mark.parametrize(
    "color", ["#06C755", "#FFC107", "#8B4513", "#1E88E5", "#FFFFFF", "#000000"]
)
def test_text_on_the_shop_colour_stays_readable(color: str) -> None:
    look = Look("Shop", rgb(color))
    assert contrast(look.strong, look.on_strong) >= 4.5
    assert contrast(look.on_wash, look.wash) >= 3.5
    assert look.on_strong in (WHITE, INK)


@pytest.mark.parametrize("key", ["customer", "staff-counter", "owner-manage"])
def test_readme_screenshots_are_small(key: str) -> None:
    path = SCREENSHOTS / f"richmenu-{key.split('-')[0]}.png"
    assert path.exists(), f"run: loyalty richmenu preview (see the README) to make {path.name}"
    assert path.stat().st_size < 300 * 1024
