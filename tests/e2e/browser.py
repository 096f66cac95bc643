"""What the browser tests share: where Chromium is, screenshots, and acting on the phone."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

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


def require_browser() -> ModuleType:
    """Playwright's sync API, or skip: needs the `e2e` extra and Debian's chromium."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (./dev test installs it)"
    )
    if not Path(CHROMIUM).exists():
        pytest.skip(
            "Debian's chromium is not installed (apt-get install chromium)",
            allow_module_level=True,
        )
    return sync_api


def shot(page: Page, name: str) -> None:
    """Save a screenshot once every picture in the chat and the menu has loaded."""
    page.wait_for_function(
        "[...document.querySelectorAll('#chat img, #menu-img')]"
        ".every(i => !i.offsetParent || (i.complete && i.naturalWidth))"
    )
    page.mouse.move(0, 0)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def keyboard(page: Page) -> None:
    """Put the rich menu away and show the text box, as the keyboard button in LINE does."""
    page.wait_for_selector("body:not([data-menu='loading'])", state="attached")
    if page.locator("#keyboard-btn").is_visible():
        page.click("#keyboard-btn")


def rich_menu(page: Page) -> None:
    """Bring the rich menu back and open it, as the menu button and the chat bar do in LINE."""
    page.wait_for_selector("body:not([data-menu='loading'])", state="attached")
    if page.locator("#menu-mode-btn").is_visible():
        page.click("#menu-mode-btn")
    if page.get_attribute("#menubar-toggle", "aria-expanded") == "false":
        page.click("#menubar-toggle")


def send(page: Page, text: str) -> None:
    keyboard(page)
    page.fill("#text", text)
    page.press("#text", "Enter")


def open_scanner(page: Page) -> None:
    keyboard(page)
    page.click("#scan-btn")


def menu_area(page: Page, label: str) -> Locator:
    """The part of the persona's rich menu labelled `label` (the tile, if a header says it too)."""
    return page.locator(f"#menu-areas .menu-area[aria-label='{label}']").last


def last_bot_text(page: Page) -> Locator:
    return page.locator(".row.bot .bubble.text:not(.dots)").last
