"""The simulator in a real headless Chromium: a customer registers, the cashier scans her
member card and awards points, she sees them. Screenshots go to test-artifacts/.

Needs Debian's chromium (/usr/bin/chromium) and the `e2e` extra (playwright); skips without.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.demo import runner as demo_module
from handlers.i18n import CATALOGS
from handlers.views.qr import qr_png
from tests.e2e.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    open_scanner,
    require_browser,
    send,
    shot,
)

TH = CATALOGS["th"]  # what the bot says, and what its buttons send, in Thai

if TYPE_CHECKING:
    from playwright.sync_api import Page

sync_api = require_browser()


def test_customer_registers_cashier_scans_card_customer_sees_points(page: Page) -> None:
    expect = sync_api.expect
    chat = page.locator("#chat")

    page.click("[data-persona='Nok']")
    page.click("#add-friend")
    page.locator(".pill", has_text=TH["consent_all"]).click()
    expect(chat).to_contain_text(TH["ask_phone"].split(" ")[0])
    send(page, "081-234-5678")
    expect(page.locator("#chat .fx-bubble")).to_have_count(1)
    expect(page.locator("#chat .fx-hero img")).to_have_js_property("complete", True)
    shot(page, "simulator-1-nok-registered.png")

    page.click("[data-persona='Bee (cashier)']")
    open_scanner(page)
    item = page.locator(".scan-item[data-owner='Nok']").first
    expect(item).to_be_visible()
    shot(page, "simulator-2-bee-qr-reader.png")
    item.locator(".scan-go").click()
    expect(page.locator("#text")).to_have_value(re.compile(r"^award M[0-9A-Z]{6}$"))
    page.click("#send")
    expect(page.locator(".row.bot .bubble.text:not(.dots)").last).to_contain_text("กี่บาท")
    send(page, "350")
    expect(page.locator(".row.bot .bubble.text:not(.dots)").last).to_contain_text("ให้ 14 แต้ม")
    shot(page, "simulator-3-bee-awarded.png")

    page.click("[data-persona='Nok']")
    expect(chat).to_contain_text("คุณได้รับ 14 แต้ม", timeout=15_000)
    send(page, "แต้ม")
    expect(page.locator(".row.bot .bubble.text:not(.dots)").last).to_contain_text("คุณมี 14 แต้ม")
    shot(page, "simulator-4-nok-points.png")


def gallery(image_url: str) -> dict[str, Any]:
    """A carousel using every Flex component the simulator draws."""
    hero = {"type": "image", "url": image_url, "size": "full", "aspectRatio": "20:13"}
    row = {
        "type": "box",
        "layout": "baseline",
        "spacing": "sm",
        "contents": [
            {"type": "icon", "url": image_url, "size": "sm"},
            {"type": "text", "text": "ที่ตั้ง", "color": "#aaaaaa", "size": "sm", "flex": 1},
            {"type": "text", "text": "สยามสแควร์ ซอย 3", "wrap": True, "size": "sm", "flex": 4},
        ],
    }
    reward = {
        "type": "bubble",
        "size": "kilo",
        "hero": {**hero, "aspectMode": "cover", "action": {"type": "uri", "uri": image_url}},
        "body": {
            "type": "box",
            "layout": "vertical",
            "contents": [
                {"type": "text", "text": "ลาเต้เย็น ฟรี 1 แก้ว", "weight": "bold", "size": "xl"},
                {"type": "separator", "margin": "md"},
                {"type": "box", "layout": "vertical", "margin": "lg", "contents": [row]},
            ],
        },
        "footer": {
            "type": "box",
            "layout": "vertical",
            "spacing": "sm",
            "contents": [
                {
                    "type": "button",
                    "style": "primary",
                    "action": {
                        "type": "postback",
                        "label": "แลก 100 แต้ม",
                        "data": "action=redeem&reward=1",
                        "displayText": "แลก ลาเต้เย็น",
                    },
                },
                {
                    "type": "button",
                    "style": "link",
                    "height": "sm",
                    "action": {"type": "uri", "label": "Call the shop", "uri": "tel:021234567"},
                },
            ],
        },
        "styles": {"footer": {"separator": True}},
    }
    summary = {
        "type": "bubble",
        "size": "kilo",
        "header": {
            "type": "box",
            "layout": "vertical",
            "backgroundColor": "#06C755",
            "contents": [
                {"type": "text", "text": "Segments", "color": "#FFFFFF", "weight": "bold"}
            ],
        },
        "body": {
            "type": "box",
            "layout": "vertical",
            "spacing": "md",
            "contents": [
                {
                    "type": "box",
                    "layout": "horizontal",
                    "contents": [
                        {"type": "text", "text": "Champions", "size": "sm"},
                        {"type": "separator"},
                        {"type": "text", "text": "12", "align": "end", "weight": "bold"},
                    ],
                },
                {"type": "spacer", "size": "sm"},
                {
                    "type": "text",
                    "text": "ลูกค้าที่ซื้อบ่อยและใช้จ่ายมากที่สุด " * 4,
                    "wrap": True,
                    "maxLines": 2,
                    "size": "xs",
                    "color": "#888888",
                },
                {"type": "filler"},
            ],
        },
        "footer": {
            "type": "box",
            "layout": "vertical",
            "contents": [
                {
                    "type": "button",
                    "style": "secondary",
                    "action": {"type": "message", "label": "help", "text": "help"},
                }
            ],
        },
    }
    return {"type": "carousel", "contents": [reward, summary]}


def push(running: demo_module.Demo, user_id: str, message: dict[str, Any]) -> None:
    """Push as the shop would, straight to the fake platform's Messaging API."""
    request = urllib.request.Request(
        f"{running.fake.url}/v2/bot/message/push",
        data=json.dumps({"to": user_id, "messages": [message]}).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {running.fake.access_token}",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def test_flex_carousel_renders_and_its_buttons_act(running: demo_module.Demo, page: Page) -> None:
    expect = sync_api.expect
    nok, owner = running.personas[0].user, running.personas[3].user
    running.fake.follow(nok)
    running.fake.tap(nok, "action=consent&choice=all")
    running.fake.say(nok, "0812345678")
    card = next(m for m in running.fake.bot_messages(nok.user_id) if m["type"] == "flex")
    push(
        running,
        owner.user_id,
        {
            "type": "flex",
            "altText": "gallery",
            "contents": gallery(card["contents"]["hero"]["url"]),
        },
    )

    page.click("[data-persona='Owner Dang']")
    expect(page.locator("#chat .fx-bubble")).to_have_count(2)
    expect(page.locator("#chat .fx-button")).to_have_count(3)
    expect(page.locator("#chat .fx-separator")).to_have_count(2)
    expect(page.locator("#chat .fx-block-separator")).to_have_count(1)
    expect(page.locator("#chat .fx-icon")).to_have_count(1)
    shot(page, "simulator-5-flex-carousel.png")
    page.locator("#chat .fx-carousel").evaluate("node => { node.scrollLeft = node.scrollWidth; }")
    shot(page, "simulator-6-flex-carousel-end.png")
    page.locator(".fx-button", has_text="แลก 100 แต้ม").click()
    expect(page.locator(".row.me .bubble.text").last).to_have_text("แลก ลาเต้เย็น")
    page.locator(".fx-button", has_text="help").click()
    expect(page.locator(".row.me .bubble.text").last).to_have_text("help")


def test_a_photo_of_a_qr_is_sent_and_scanned_from_another_phone(page: Page, tmp_path: Path) -> None:
    expect = sync_api.expect
    photo = tmp_path / "qr.png"
    photo.write_bytes(qr_png(f"https://line.me/R/oaMessage/{demo_module.BASIC_ID}/?help"))
    page.click("[data-persona='Owner Dang']")
    page.set_input_files("#photo-file", str(photo))
    expect(page.locator(".row.me img.picture")).to_have_count(1)

    page.click("[data-persona='Bee (cashier)']")
    open_scanner(page)
    page.locator(".scan-item[data-owner='Owner Dang'] .scan-go").click()
    expect(page.locator("#text")).to_have_value("help")


def test_counter_points_are_claimed_with_the_sms_code(page: Page) -> None:
    expect = sync_api.expect
    page.click("[data-persona='Bee (cashier)']")
    send(page, "award 0898765432 500")
    page.locator(".fx-button", has_text="ใช่ สมัครและให้แต้ม").last.click()  # new counter member?
    expect(page.locator(".row.bot .bubble.text:not(.dots)").last).to_contain_text("ให้ 20 แต้ม")

    page.click("[data-persona='Anna']")
    page.click("#add-friend")
    page.locator(".pill", has_text="Agree, send offers").click()
    expect(page.locator(".row.bot .bubble.text:not(.dots)").last).to_contain_text("phone number")
    send(page, "089-876-5432")
    banner = page.locator("#sms-banner")
    expect(banner).to_contain_text("089-876-5432")
    expect(page.locator("#sms .sms.mine")).to_contain_text("Anna's phone")
    shot(page, "simulator-7-anna-sms.png")
    code = re.search(r"\b\d{6}\b", banner.inner_text()).group(0)  # type: ignore[union-attr]
    send(page, code)
    # the welcome text, then the birthday question
    welcome = page.locator(".row.bot .bubble.text:not(.dots)", has_text="20 points")
    expect(welcome).to_have_count(1)
    expect(page.locator("#chat .fx-bubble")).to_have_count(1)
    banner.click()
    shot(page, "simulator-8-anna-member.png")


def test_the_phone_clock_shows_shop_time_in_any_browser_time_zone(
    running: demo_module.Demo,
) -> None:
    """A browser in New York still shows Bangkok time (SHOP_TIMEZONE) on the phone's clock."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(timezone_id="America/New_York")
        page = context.new_page()
        page.goto(running.simulator_url)
        sync_api.expect(page.locator("#clock")).not_to_have_text("9:41")
        shown, bangkok, local = page.evaluate(
            """() => {
              const hm = (zone) => new Date().toLocaleTimeString("en-GB",
                { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone });
              return [document.getElementById("clock").textContent,
                      hm("Asia/Bangkok"), hm("America/New_York")];
            }"""
        )
        browser.close()
    assert shown == bangkok and shown != local
