"""The demo running for real, and a headless Chromium showing its simulator page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.demo import runner as demo_module
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, require_browser

if TYPE_CHECKING:
    from playwright.sync_api import Page


@pytest.fixture
def running(tmp_path: Path) -> Iterator[demo_module.Demo]:
    """A fresh demo whose rich menus are in place before the page opens."""
    demo = demo_module.start(port=0, fresh=True, instance_dir=tmp_path)
    assert demo.menus_ready(), "the demo's rich menus were not deployed in time"
    yield demo
    demo.stop()


@pytest.fixture
def page(running: demo_module.Demo) -> Iterator[Page]:
    sync_api = require_browser()
    sync_api.expect.set_options(timeout=15_000)  # a loaded CI machine answers slowly
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
