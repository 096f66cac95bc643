"""Every owner task of the README's owner table, done in the simulator by taps alone.

The owner opens the home card from the rich menu and reaches each area by its buttons and
quick replies: stats and another period, groups and their scoring rules, a broadcast with
a ready text (tested on herself, then sent), the campaign's report, rewards (added with
an example name and tapped numbers, edited, paused, resumed), a coupon cancelled,
automations (a setting changed, one switched off), staff (invited, one removed after a
confirm), award limits, and settings. Nothing is typed: the phone's keyboard is never
opened. Saves the README's automations and stats screenshots to test-artifacts/.

Needs Debian's chromium (/usr/bin/chromium) and the `e2e` extra (playwright); skips without.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.demo import runner as demo_module
from handlers.i18n import CATALOGS
from storage import clock, members, phones, rewards
from storage.db import transaction
from tests.e2e.browser import last_bot_text, menu_area, require_browser, rich_menu, shot
from tests.e2e.test_owner_home_browser import a_few_sales
from tests.support import factories

TH = CATALOGS["th"]

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

sync_api = require_browser()


class Owner:
    """Owner Dang's phone in the simulator: taps on cards, quick replies and the menu."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def home(self) -> Locator:
        """The rich menu's first tile: the home card. A new minute: an owner taps fewer than
        20 times a minute (the chat's rate limit)."""
        clock.advance(timedelta(minutes=1))
        cards = self.page.locator("#chat .fx-bubble", has_text=TH["home_today"])
        before = cards.count()
        rich_menu(self.page)
        menu_area(self.page, TH["menu_home"]).click()
        sync_api.expect(cards).to_have_count(before + 1)  # the new card, not the last one
        card = cards.last
        self.page.click("#menubar-toggle")
        return card

    def area(self, label: str) -> None:
        self.home().locator(".fx-button", has_text=label).click()

    def button(self, label: str) -> None:
        """The last Flex button labelled `label` in the chat."""
        self.page.locator("#chat .fx-button", has_text=label).last.click()

    def quick(self, label: str) -> None:
        pill = self.page.locator("#quick-replies .pill", has_text=label).first
        sync_api.expect(pill).to_be_visible()
        pill.click()

    def said(self, words: str) -> None:
        """The bot's last text says `words`."""
        sync_api.expect(last_bot_text(self.page)).to_contain_text(words)

    def shows(self, words: str) -> Locator:
        """The last Flex bubble that says `words`."""
        bubble = self.page.locator("#chat .fx-bubble", has_text=words).last
        sync_api.expect(bubble).to_be_visible()
        return bubble


def a_shop(running: demo_module.Demo) -> str:
    """A few sales today and last week, members enough for groups to broadcast to, and a
    coupon waiting to be used; returns its code."""
    a_few_sales(running)
    with transaction(running.services.engine) as session:
        for n in range(3, 6):
            members.create_member(session, phone=phones.to_e164(f"08123456{n:02d}"))
        regular = members.find_member_by_phone(session, phones.to_e164("0812345600"))
        coffee = rewards.find_by_name(session, "กาแฟเย็น")
        assert regular is not None and coffee is not None
        return factories.coupon(session, member=regular, reward=coffee).code


def stats_and_groups(owner: Owner) -> None:
    owner.area(TH["menu_stats"])
    owner.said("📊")
    sync_api.expect(owner.page.locator("#quick-replies .pill").first).to_be_visible()
    shot(owner.page, "stats.png")
    owner.quick(TH["qr_stats_last_month"])
    owner.said("📊")
    owner.area(TH["menu_segments"])
    owner.shows(TH["seg_chart_title"])
    owner.quick(TH["qr_seg_rules"])
    owner.said(TH["seg_rules_title"])
    owner.quick(TH["qr_seg_rules_often"])
    owner.said(TH["seg_rules_saved"])


def broadcast_and_its_report(owner: Owner) -> None:
    owner.area(TH["menu_broadcast"])
    owner.quick(TH["seg_everyone"])
    owner.quick(TH["qr_bc_ready_miss_you"])
    owner.quick(TH["qr_bc_test"])
    owner.quick(TH["qr_bc_send"])
    finished = TH["bc_finished"].split("}")[1].split("{")[0].strip()
    owner.said(finished)  # pushed when sent: wait for it, or it comes after the next card
    owner.home()
    owner.quick(TH["qr_campaigns"])
    owner.quick(TH["qr_campaign_report"].format(id=1))
    owner.said("#1")


def reward_catalogue(owner: Owner) -> None:
    owner.area(TH["menu_reward_list"])
    owner.quick(TH["qr_reward_add"])
    owner.quick(TH["reward_idea_snack"])
    owner.quick(TH["word_skip"])  # no English name
    owner.quick("50")  # points
    owner.quick("20")  # stock
    owner.quick("30")  # days valid
    owner.quick(TH["word_unlimited"])  # per member
    owner.quick(TH["word_skip"])  # no picture
    owner.quick(TH["word_save"])
    owner.shows(TH["reward_idea_snack"])
    owner.area(TH["menu_reward_list"])
    card = owner.shows(TH["reward_idea_snack"])
    card.locator(".fx-button", has_text=TH["reward_edit_button"]).click()
    owner.quick(TH["field_stock"])
    owner.quick("100")
    owner.area(TH["menu_reward_list"])
    owner.shows(TH["reward_idea_snack"]).locator(
        ".fx-button", has_text=TH["reward_pause_button"]
    ).click()
    owner.said("พักรางวัล")
    owner.area(TH["menu_reward_list"])
    owner.shows(TH["reward_idea_snack"]).locator(
        ".fx-button", has_text=TH["reward_resume_button"]
    ).click()


def a_coupon_cancelled(owner: Owner, code: str) -> None:
    owner.area(TH["menu_reward_list"])
    owner.quick(TH["qr_coupon_cancel"])
    owner.quick(code)
    owner.said(code)


def automations(owner: Owner) -> None:
    owner.area(TH["menu_automations"])
    winback = owner.shows(TH["auto_title_winback"])
    winback.locator(".fx-button", has_text=TH["knob_days"]).click()
    owner.quick("60")
    owner.said(TH["auto_tuned"])
    owner.shows(f"{TH['knob_days']}: 60").locator(
        ".fx-button", has_text=TH["auto_turn_off"]
    ).click()
    owner.said(TH["auto_switched_off"])
    owner.area(TH["menu_automations"])
    owner.shows(TH["auto_title_winback"])
    sync_api.expect(owner.page.locator("#quick-replies .pill").first).to_be_visible()
    owner.page.evaluate(SHOW_WINBACK)
    shot(owner.page, "automations.png")


SHOW_WINBACK = """() => {
  const all = document.querySelectorAll('#chat .fx-carousel');
  const row = all[all.length - 1];
  row.scrollLeft = row.children[2].offsetLeft - row.children[0].offsetLeft;
}"""


def staff_limits_and_settings(owner: Owner) -> None:
    owner.area(TH["menu_staff"])
    owner.button(TH["qr_invite"])
    owner.said("join ")
    owner.area(TH["menu_staff"])
    owner.button(TH["staff_remove_button"].format(name="Bee"))
    owner.quick(TH["staff_remove_yes"])
    owner.said(TH["staff_removed"].format(name="Bee"))
    owner.area(TH["menu_settings"])
    owner.quick(TH["qr_award_limits"])
    owner.quick(TH["qr_limits_confirm"])
    owner.quick("฿10,000")
    owner.said("10,000")


def test_every_owner_task_by_taps(running: demo_module.Demo, page: Page) -> None:
    code = a_shop(running)
    page.click("[data-persona='Owner Dang']")
    owner = Owner(page)
    stats_and_groups(owner)
    broadcast_and_its_report(owner)
    reward_catalogue(owner)
    a_coupon_cancelled(owner, code)
    automations(owner)
    staff_limits_and_settings(owner)
