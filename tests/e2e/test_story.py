"""The whole story in a real browser, as the shop's people live it in LINE.

Nok registers; Bee, the cashier, scans her member card and awards points; the owner adds
a reward through the chat; Nok opens the rewards from her rich menu and redeems; Bee
scans the coupon and it is used; Nok is told. Screenshots go to test-artifacts/story-*.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.demo import runner as demo_module
from handlers.i18n import CATALOGS
from tests.e2e.browser import (
    last_bot_text,
    menu_area,
    open_scanner,
    require_browser,
    rich_menu,
    send,
    shot,
)

TH = CATALOGS["th"]  # what the bot says, and what its buttons send, in Thai

if TYPE_CHECKING:
    from playwright.sync_api import Page

sync_api = require_browser()


def be(page: Page, label: str) -> None:
    page.click(f"[data-persona='{label}']")


def pill(page: Page, label: str) -> None:
    page.locator(".pill", has_text=label).click()


def customer_registers(page: Page) -> None:
    expect = sync_api.expect
    be(page, "Nok")
    page.click("#add-friend")
    expect(menu_area(page, "บัตรสมาชิก")).to_be_visible()
    pill(page, TH["consent_all"])
    send(page, "081-234-5678")
    expect(page.locator("#chat .fx-bubble")).to_have_count(1)
    page.click("#menu-mode-btn")
    shot(page, "story-1-nok-registered.png")


def cashier_scans_the_card_and_awards(page: Page) -> None:
    expect = sync_api.expect
    be(page, "Bee (cashier)")
    expect(page.locator("#chatbar-text")).to_have_text("เมนูพนักงาน")
    shot(page, "story-2-bee-menu.png")
    open_scanner(page)
    page.locator(".scan-item[data-owner='Nok'] .scan-go").first.click()
    expect(page.locator("#text")).to_have_value(re.compile(r"^award M[0-9A-Z]{6}$"))
    page.click("#send")
    expect(last_bot_text(page)).to_contain_text("กี่บาท")
    send(page, "350")
    expect(last_bot_text(page)).to_contain_text("ให้ 14 แต้ม")
    shot(page, "story-3-bee-awarded.png")


def owner_adds_a_reward(page: Page) -> None:
    """From the owner's menu (Manage tab, Rewards), then one question at a time."""
    expect = sync_api.expect
    be(page, "Owner Dang")
    menu_area(page, "ของรางวัล").click()
    expect(last_bot_text(page)).to_contain_text(TH["reward_list_empty"])
    pill(page, TH["qr_reward_add"])
    for answer in ("ลาเต้เย็น", "Iced latte", "10"):
        send(page, answer)
    pill(page, TH["word_unlimited"])
    expect(last_bot_text(page)).to_contain_text(TH["ask_valid_days"])  # answer what is asked
    send(page, "30")
    expect(last_bot_text(page)).to_contain_text(TH["ask_limit_per_member"])
    for word in ("word_unlimited", "word_skip", "word_save"):
        expect(page.locator(".pill", has_text=TH[word])).to_be_visible()
        pill(page, TH[word])
    expect(page.locator("#chat .fx-bubble")).to_contain_text("ลาเต้เย็น")
    shot(page, "story-4-owner-added-reward.png")


def customer_redeems_from_the_menu(page: Page) -> str:
    expect = sync_api.expect
    be(page, "Nok")
    expect(page.locator("#chat")).to_contain_text("คุณได้รับ 14 แต้ม", timeout=15_000)
    menu_area(page, "แลกของรางวัล").click()
    expect(page.locator("#chat .fx-bubble").last).to_contain_text("ลาเต้เย็น")
    shot(page, "story-5-nok-rewards.png")
    page.locator("#chat .fx-button", has_text=TH["reward_redeem"]).last.click()
    pill(page, TH["qr_confirm_redeem"])
    coupon = page.locator("#chat .fx-bubble").last
    expect(coupon).to_contain_text("C-")
    code = re.search(r"C-[0-9A-Z]+", coupon.inner_text())
    assert code is not None
    expect(page.locator("#chat img.picture")).to_have_count(1)
    shot(page, "story-6-nok-coupon.png")
    return code.group(0)


def cashier_uses_the_coupon(page: Page, code: str) -> None:
    expect = sync_api.expect
    be(page, "Bee (cashier)")
    open_scanner(page)
    page.locator(".scan-item[data-owner='Nok']", has_text=code).first.locator(".scan-go").click()
    expect(page.locator("#text")).to_have_value(f"redeem {code}")
    page.click("#send")
    expect(last_bot_text(page)).to_contain_text("ใช้คูปองแล้ว")
    shot(page, "story-7-bee-coupon-used.png")


def test_register_award_add_reward_redeem_from_the_menu_use_coupon(
    running: demo_module.Demo, page: Page
) -> None:
    expect = sync_api.expect
    customer_registers(page)
    cashier_scans_the_card_and_awards(page)
    owner_adds_a_reward(page)
    code = customer_redeems_from_the_menu(page)
    cashier_uses_the_coupon(page, code)

    be(page, "Nok")
    notice = page.locator(".row.bot .bubble.text:not(.dots)", has_text=code)
    expect(notice.last).to_contain_text("เรียบร้อยแล้ว", timeout=15_000)
    page.click("#menubar-toggle")
    shot(page, "story-8-nok-coupon-used-notice.png")

    owner_views_the_segments(page)


def owner_views_the_segments(page: Page) -> None:
    """Manage tab, Segments: a small shop is scored at once, so chart and summary come back."""
    expect = sync_api.expect
    be(page, "Owner Dang")
    rich_menu(page)
    menu_area(page, "กลุ่มลูกค้า").click()
    expect(page.locator(".row.bot img").last).to_be_visible(timeout=15_000)
    expect(page.get_by_text(TH["seg_chart_title"]).last).to_be_visible(timeout=15_000)
    page.click("#menubar-toggle")
    shot(page, "story-9-owner-segments.png")
