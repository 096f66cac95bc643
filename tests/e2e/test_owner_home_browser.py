"""The owner's home card in the simulator: the owner menu's first button opens it, and its
buttons lead on. Saves test-artifacts/home-card.png (the README's screenshot).

Needs Debian's chromium (/usr/bin/chromium) and the `e2e` extra (playwright); skips without.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.demo import runner as demo_module
from handlers.i18n import CATALOGS
from storage import clock, coupon_use, ledger, members, phones, reward_costs
from storage.db import transaction
from tests.e2e.browser import last_bot_text, menu_area, require_browser, rich_menu, shot
from tests.support import factories

TH = CATALOGS["th"]

if TYPE_CHECKING:
    from playwright.sync_api import Page

sync_api = require_browser()


def a_few_sales(running: demo_module.Demo) -> None:
    """Two regulars from last week back today, one newcomer, a coffee coupon used."""
    now = clock.now()
    with transaction(running.services.engine) as session:
        people = [
            members.create_member(session, phone=phones.to_e164(f"08123456{n:02d}"))
            for n in range(3)
        ]
        for regular in people[:2]:
            regular.created_at = now - timedelta(days=7)
        sales = [(0, 7, 420), (1, 7, 180), (0, 0, 350), (1, 0, 95), (2, 0, 1200)]
        for n, (who, days_ago, baht) in enumerate(sales):
            ledger.award_purchase(
                session,
                member=people[who],
                amount_satang=baht * 100,
                baht_per_point=running.services.settings.baht_per_point,
                staff_user_id=None,
                idempotency_key=f"home-card:{n}",
                tz=running.services.settings.tz,
                occurred_at=now - timedelta(days=days_ago),
            )
        coffee = factories.reward(session, name_th="กาแฟเย็น", points_cost=20)
        reward_costs.set_reward_cost(session, coffee, 4500)
        code = factories.coupon(session, member=people[2], reward=coffee).code
        coupon_use.use_coupon(session, code=code, staff_user_id=running.personas[1].user.user_id)


def test_owner_menu_opens_the_home_card_and_its_buttons_act(
    running: demo_module.Demo, page: Page
) -> None:
    expect = sync_api.expect
    a_few_sales(running)
    page.click("[data-persona='Owner Dang']")
    rich_menu(page)
    menu_area(page, TH["menu_home"]).click()
    card = page.locator("#chat .fx-bubble").last
    expect(card).to_contain_text(TH["home_today"], timeout=15_000)
    expect(card).to_contain_text("฿1,645")
    page.click("#menubar-toggle")
    card.scroll_into_view_if_needed()
    shot(page, "home-card.png")
    card.locator(".fx-button", has_text=TH["menu_stats"]).click()
    expect(last_bot_text(page)).to_contain_text("📊", timeout=15_000)
