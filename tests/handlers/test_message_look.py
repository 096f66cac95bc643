"""Messages that look right: the shop's colour on every Flex card, and notification texts
(altText) that say what the card is, in the member's own language."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from PIL import Image

from bot.demo.fakeline import FakeUser
from bot.settings import Settings
from handlers.views.colors import INK, WHITE, Palette, contrast, hex_of, rgb
from handlers.views.messages import FlexColors
from storage.models import Role
from tests.handlers.reward_helpers import (
    add_reward,
    buttons,
    customer_with_points,
    fetch,
    quick_data,
    redeem_first,
)
from tests.support.line import Line

BROWN = "#8B4513"
THAI = re.compile("[\u0e00-\u0e7f]")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"shop_color": BROWN})


def flexes(line: Line, user: FakeUser) -> list[dict[str, Any]]:
    return [m for m in line.fake.bot_messages(user.user_id) if m["type"] == "flex"]


def customer_story(line: Line, language: str) -> tuple[FakeUser, str]:
    """Register, card, rewards, redeem, coupons; the cashier uses the coupon."""
    phone = "0812345678" if language == "th" else "0898765432"
    user = customer_with_points(line, f"Customer {language}", phone, 500, language=language)
    line.say(user, "card")
    catalogue = line.say(user, "rewards")[1]
    redeem = next(a for a in buttons(catalogue) if a["type"] == "postback")
    question = line.tap(user, redeem["data"])
    answer = line.tap(user, quick_data(question[0])[0])
    code = answer[1]["contents"]["body"]["contents"][1]["text"]
    line.say(user, "coupons")
    cashier = line.user(f"Cashier {language}", role=Role.STAFF)
    line.say(cashier, f"redeem {code}")
    return user, code


def owner_story(line: Line, language: str) -> FakeUser:
    """The owner adds a reward through the chat and sees it as customers will."""
    owner = line.user(f"Owner {language}", language, role=Role.OWNER)
    for answer in ("reward add", "ชาไทย", "Thai tea", "80", "-", "30", "-", "skip", "save"):
        line.say(owner, answer)
    return owner


@pytest.mark.parametrize("language", ["th", "en"])
def test_every_card_has_a_short_alt_text_in_the_members_language(line: Line, language: str) -> None:
    add_reward(line, name_en="Iced latte", points_cost=100)
    (customer, code), owner = customer_story(line, language), owner_story(line, language)
    shown = flexes(line, customer) + flexes(line, owner)
    assert len(shown) >= 5  # card at registration, card, catalogue, coupon, coupons, preview
    for message in shown:
        alt = message["altText"]
        assert alt.strip() and len(alt) <= 400, alt
        assert bool(THAI.search(alt)) == (language == "th"), alt
    notice = line.fake.bot_messages(customer.user_id)[-1]
    assert code in notice["text"] and bool(THAI.search(notice["text"])) == (language == "th")


def test_cards_wear_the_shops_colour(line: Line) -> None:
    add_reward(line, points_cost=100)
    user = customer_with_points(line, "Nok", "0812345678", 500)
    colors = FlexColors.of(BROWN)
    card = line.say(user, "บัตร")[0]["contents"]
    assert card["header"]["backgroundColor"] == colors.band == BROWN
    assert {t["color"] for t in card["header"]["contents"]} == {colors.on_band}
    reward = line.say(user, "รางวัล")[1]["contents"]
    assert reward["body"]["contents"][1]["color"] == colors.accent
    button = reward["footer"]["contents"][0]
    assert (button["style"], button["color"]) == ("primary", BROWN)
    coupon, picture = redeem_first(line, user)[1:]
    assert coupon["contents"]["header"]["backgroundColor"] == BROWN
    drawn = Image.open(io.BytesIO(fetch(line, picture["originalContentUrl"]))).convert("RGB")
    assert drawn.getpixel((drawn.width // 2, 90)) == rgb(BROWN)


@pytest.mark.parametrize("color", ["#06C755", "#FFC107", "#8B4513", "#FFFFFF", "#000000"])
def test_text_on_the_shops_colour_stays_readable(color: str) -> None:
    colors = FlexColors.of(color)
    assert contrast(rgb(colors.band), rgb(colors.on_band)) >= 4.5
    assert contrast(rgb(colors.accent), WHITE) >= 4.5
    label = WHITE if colors.button_style == "primary" else INK
    assert contrast(rgb(colors.band), label) >= 4.5


def test_flex_and_rich_menus_share_one_palette() -> None:
    palette = Palette.of("#1E88E5")
    assert FlexColors.of("#1E88E5").band == hex_of(palette.strong) != "#1E88E5"


def test_slow_answers_show_loading_dots_first(line: Line) -> None:
    from storage.models import Role

    owner = line.user("Dang", role=Role.OWNER)
    line.say(owner, "help")
    assert not line.fake.calls("/v2/bot/chat/loading/start")
    line.say(owner, "stats")
    paths = [c.path for c in line.fake.calls() if c.path.startswith("/v2/bot/")]
    loading = paths.index("/v2/bot/chat/loading/start")
    assert loading < len(paths) - 1 and paths[loading + 1] == "/v2/bot/message/reply"
