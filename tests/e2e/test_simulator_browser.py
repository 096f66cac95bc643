"""The simulator in a real headless Chromium: a customer registers, the cashier scans her
member card and awards points, she sees them. Screenshots go to test-artifacts/.

Needs Debian's chromium (/usr/bin/chromium) and the `e2e` extra (playwright); skips without.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.simulator import demo as demo_module
from handlers.locales.th import TEXT as TH

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[e2e]')"
)
if not Path(CHROMIUM).exists():
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True
    )


@pytest.fixture
def running(tmp_path: Path) -> Iterator[demo_module.Demo]:
    demo = demo_module.start(port=0, fresh=True, instance_dir=tmp_path)
    yield demo
    demo.stop()


@pytest.fixture
def page(running: demo_module.Demo) -> Iterator[Page]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.set_default_timeout(10_000)
        page.goto(running.simulator_url)
        yield page
        browser.close()
        assert not errors, errors


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def last_bot_text(page: Page) -> str:
    return page.locator(".row.bot .bubble.text").last.inner_text()


def send(page: Page, text: str) -> None:
    page.fill("#text", text)
    page.press("#text", "Enter")


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
    page.click("#scan-btn")
    item = page.locator(".scan-item[data-owner='Nok']").first
    expect(item).to_be_visible()
    shot(page, "simulator-2-bee-qr-reader.png")
    item.locator(".scan-go").click()
    expect(page.locator("#text")).to_have_value(re.compile(r"^award M[0-9A-Z]{6}$"))
    page.click("#send")
    expect(page.locator(".row.bot .bubble.text").last).to_contain_text("กี่บาท")
    send(page, "350")
    expect(page.locator(".row.bot .bubble.text").last).to_contain_text("ให้ 14 แต้ม")
    shot(page, "simulator-3-bee-awarded.png")

    page.click("[data-persona='Nok']")
    expect(chat).to_contain_text("คุณได้รับ 14 แต้ม", timeout=15_000)
    send(page, "แต้ม")
    expect(page.locator(".row.bot .bubble.text").last).to_contain_text("คุณมี 14 แต้ม")
    shot(page, "simulator-4-nok-points.png")
