"""The rich menus of each role, as data: where each button is, what it says and does.

A customer sees one menu (the channel's default). Staff and owners get menus with a tab
row along the top: the shop's tools in one tab, their own member card in another. Tabs
switch with LINE's rich menu aliases (`richmenuswitch` actions), so switching is instant
and needs no answer from the bot. The pictures are drawn from these layouts (`draw.py`),
the deployer sends them to LINE (`deploy.py`), and the simulator renders them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.i18n import button_text, t
from handlers.staff import TAB_POSTBACK
from handlers.views.messages import postback_data
from storage.models import Role

WIDTH, HEIGHT = 2500, 1686
COMPACT_HEIGHT = 843
TOP_BAND = 300
ALIAS_PREFIX = "loyalty-"


@dataclass(frozen=True)
class Say:
    """Tapping sends the command's first word in `lang` as the user's message, as if typed."""

    command: str  # a key of the catalogs' COMMANDS
    lang: str = "th"

    @property
    def text(self) -> str:
        return button_text(self.lang, self.command)

    def to_json(self, label: str) -> dict[str, Any]:
        return {"type": "message", "label": label, "text": self.text}


@dataclass(frozen=True)
class Postback:
    """Tapping sends a postback (`handlers.views.messages.postback_data`), showing its text."""

    data: str
    display_text: str | None = None

    def to_json(self, label: str) -> dict[str, Any]:
        action: dict[str, Any] = {"type": "postback", "label": label, "data": self.data}
        if self.display_text:
            action["displayText"] = self.display_text
        return action


@dataclass(frozen=True)
class SwitchTo:
    """Tapping shows the menu behind `alias` (LINE switches it; the bot gets `data`)."""

    alias: str
    data: str

    def to_json(self, label: str) -> dict[str, Any]:
        return {
            "type": "richmenuswitch",
            "label": label,
            "richMenuAliasId": self.alias,
            "data": self.data,
        }


Action = Say | Postback | SwitchTo


@dataclass(frozen=True)
class Bounds:
    x: int
    y: int
    width: int
    height: int

    def to_json(self) -> dict[str, int]:
        return {"x": self.x, "y": self.y, "width": self.width, "height": self.height}


@dataclass(frozen=True)
class Button:
    """One thing a menu offers: an icon, a label (Thai, English below it) and an action."""

    icon: str
    label: str  # a catalog key
    action: Action
    primary: bool = False

    @property
    def th(self) -> str:
        return t("th", self.label)

    @property
    def en(self) -> str:
        return t("en", self.label)


@dataclass(frozen=True)
class Area:
    """A tappable part of a menu. `kind` is `tile`, `tab` or `header` (how it is drawn)."""

    bounds: Bounds
    button: Button
    kind: str = "tile"
    selected: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"bounds": self.bounds.to_json(), "action": self.button.action.to_json(self.label)}

    @property
    def label(self) -> str:
        """The action's label (LINE reads it aloud for accessibility; at most 20 characters)."""
        return self.button.th[:20]


@dataclass(frozen=True)
class Menu:
    """One rich menu: its key, who gets it, the chat bar text and the tappable areas."""

    key: str
    role: Role
    chat_bar: str
    areas: tuple[Area, ...]
    alias: str | None = None
    brand: Bounds | None = None
    width: int = WIDTH
    height: int = HEIGHT

    def request(self, name: str) -> dict[str, Any]:
        """The body of LINE's create-rich-menu call."""
        return {
            "size": {"width": self.width, "height": self.height},
            "selected": True,
            "name": name,
            "chatBarText": self.chat_bar,
            "areas": [area.to_json() for area in self.areas],
        }


CARD_BUTTON = Button("card", "menu_card", Say("card"))
CUSTOMER_BUTTONS = (
    CARD_BUTTON,
    Button("points", "menu_points", Say("points")),
    Button("gift", "menu_rewards", Say("rewards")),
    Button("ticket", "menu_coupons", Say("coupons")),
    Button("invite", "menu_invite", Say("invite")),
    Button("help", "menu_help", Say("help")),
)
COUNTER_BUTTONS = (
    Button("award", "menu_award", Say("award"), primary=True),
    Button("redeem", "menu_redeem", Say("redeem")),
    Button("search", "menu_member", Say("member")),
    Button("help", "menu_staff_help", Say("help")),
)
MANAGE_BUTTONS = (  # the first opens the owner's home card, which reaches every area
    Button("store", "menu_home", Say("owner"), primary=True),
    Button("segments", "menu_segments", Say("segments")),
    Button("broadcast", "menu_broadcast", Say("broadcast", "en")),
    Button("stats", "menu_stats", Say("stats")),
    Button("gift", "menu_reward_list", Say("reward list")),
    Button("automations", "menu_automations", Say("automations", "en")),
)
PANELS: dict[str, tuple[Button, ...]] = {
    "manage": MANAGE_BUTTONS,
    "counter": COUNTER_BUTTONS,
    "me": CUSTOMER_BUTTONS,
}
TAB_ICONS = {"manage": "store", "counter": "award", "me": "card"}  # label: menu_tab_<tab>
ROLE_TABS: dict[Role, tuple[str, ...]] = {
    Role.STAFF: ("counter", "me"),
    Role.OWNER: ("manage", "counter", "me"),
}
CHAT_BAR = {role: t("th", f"menu_bar_{role.value}") for role in Role}
BRAND_WIDTH = 760


def grid(buttons: tuple[Button, ...], top: int, width: int, height: int) -> tuple[Area, ...]:
    """Buttons in rows of three (or two when there are four), filling the space below `top`."""
    columns = 2 if len(buttons) == 4 else 3
    rows = -(-len(buttons) // columns)
    areas = []
    for i, button in enumerate(buttons):
        row, column = divmod(i, columns)
        x0, x1 = round(column * width / columns), round((column + 1) * width / columns)
        y0 = top + round(row * (height - top) / rows)
        y1 = top + round((row + 1) * (height - top) / rows)
        areas.append(Area(Bounds(x0, y0, x1 - x0, y1 - y0), button))
    return tuple(areas)


def alias_of(role: Role, tab: str) -> str:
    return f"{ALIAS_PREFIX}{role.value}-{tab}"


def tab_row(role: Role, selected: str) -> tuple[Area, ...]:
    """The tabs right of the shop's name; each switches to its menu through an alias."""
    tabs = ROLE_TABS[role]
    span = (WIDTH - BRAND_WIDTH) / len(tabs)
    areas = []
    for i, tab in enumerate(tabs):
        x0, x1 = BRAND_WIDTH + round(i * span), BRAND_WIDTH + round((i + 1) * span)
        data = postback_data(TAB_POSTBACK, tab=f"{role.value}-{tab}")
        switch = SwitchTo(alias_of(role, tab), data)
        button = Button(TAB_ICONS[tab], f"menu_tab_{tab}", switch)
        areas.append(Area(Bounds(x0, 0, x1 - x0, TOP_BAND), button, "tab", tab == selected))
    return tuple(areas)


def customer_menu() -> Menu:
    header = Area(
        Bounds(0, 0, WIDTH, TOP_BAND),
        CARD_BUTTON,
        kind="header",
    )
    return Menu(
        key="customer",
        role=Role.CUSTOMER,
        chat_bar=CHAT_BAR[Role.CUSTOMER],
        areas=(header, *grid(CUSTOMER_BUTTONS, TOP_BAND, WIDTH, HEIGHT)),
        brand=Bounds(0, 0, WIDTH, TOP_BAND),
    )


def tab_menu(role: Role, tab: str) -> Menu:
    return Menu(
        key=f"{role.value}-{tab}",
        role=role,
        chat_bar=CHAT_BAR[role],
        areas=(*tab_row(role, tab), *grid(PANELS[tab], TOP_BAND, WIDTH, HEIGHT)),
        alias=alias_of(role, tab),
        brand=Bounds(0, 0, BRAND_WIDTH, TOP_BAND),
    )


def all_menus() -> tuple[Menu, ...]:
    """Every menu a deployment has: the customers' default and each role's tabs."""
    tabbed = [tab_menu(role, tab) for role, tabs in ROLE_TABS.items() for tab in tabs]
    return (customer_menu(), *tabbed)


MENUS = all_menus()
DEFAULT_MENU = "customer"
ENTRY_MENU: dict[Role, str] = {role: f"{role.value}-{tabs[0]}" for role, tabs in ROLE_TABS.items()}


def menu(key: str) -> Menu:
    """The menu called `key` (e.g. `customer`, `owner-manage`)."""
    return next(m for m in MENUS if m.key == key)


def menu_for_role(role: Role) -> Menu:
    """What a person of `role` sees first: customers the default, others their first tab."""
    return menu(ENTRY_MENU.get(role, DEFAULT_MENU))


# Commands the menus send that other features are still building; a test insists each is
# unrouted, so an entry must be removed here once its feature lands.
PLANNED_ROUTES: frozenset[str] = frozenset()
