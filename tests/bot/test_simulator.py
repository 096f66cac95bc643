"""The demo, running for real in this process (fake LINE platform, app over HTTP, job
consumer), driven through the simulator's JSON API as the page drives it."""

from __future__ import annotations

import base64
import io
import json
import re
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.error import HTTPError

import pytest
import zxingcpp
from PIL import Image

from bot.demo import runner as demo_module
from bot.demo.runner import BASE_URL, BASIC_ID


class Sim:
    """The simulator page's view of the demo: personas, chats, SMS, through /simulator/api."""

    def __init__(self, demo: demo_module.Demo) -> None:
        self.demo = demo
        self.ids = {p.label: p.user.user_id for p in demo.personas}

    def call(self, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.demo.url}/simulator/api/{path}",
            data=data,
            headers={"Content-Type": "application/json"},
            method="POST" if body is not None else "GET",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def chat(self, who: str, sender: str = "bot") -> list[dict[str, Any]]:
        """What `who` sees in their chat from `sender` ("bot" or "user"), oldest first."""
        status, data = self.call(f"poll?since={self.ids[who]}:0")
        assert status == 200
        return [
            line["message"] for line in data["chats"][self.ids[who]] if line["sender"] == sender
        ]

    def bot_texts(self, who: str) -> list[str]:
        return [m["text"] for m in self.chat(who) if m["type"] == "text"]

    def act(self, who: str, path: str, **body: Any) -> list[dict[str, Any]]:
        """Do something as `who`; returns the messages the bot showed them in answer."""
        before = len(self.chat(who))
        status, answer = self.call(path, {"user": self.ids[who], **body})
        assert status == 200, answer
        return self.chat(who)[before:]

    def say(self, who: str, text: str) -> list[dict[str, Any]]:
        return self.act(who, "say", text=text)

    def wait_for_text(self, who: str, pattern: str, seconds: float = 10.0) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for text in self.bot_texts(who):
                if re.search(pattern, text):
                    return text
            time.sleep(0.1)
        raise AssertionError(f"{who} never saw {pattern!r}: {self.bot_texts(who)}")

    def register(self, who: str, phone: str) -> list[dict[str, Any]]:
        shown = self.act(who, "follow")
        consent = shown[-1]["quickReply"]["items"][0]["action"]
        answer = self.act(who, "tap", data=consent["data"], displayText=consent["displayText"])
        assert answer, "no answer to the consent"
        return self.say(who, phone)


@pytest.fixture
def running(tmp_path: Path) -> Iterator[demo_module.Demo]:
    demo = demo_module.start(port=0, fresh=True, instance_dir=tmp_path)
    yield demo
    demo.stop()


@pytest.fixture
def sim(running: demo_module.Demo) -> Sim:
    return Sim(running)


def fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers["Content-Type"]
    except HTTPError as error:
        return error.code, error.read(), error.headers["Content-Type"]


def hero_url(card: dict[str, Any]) -> str:
    return card["contents"]["hero"]["url"]


def test_the_cast_starts_with_strangers_and_staff(sim: Sim) -> None:
    status, data = sim.call("personas")
    assert status == 200
    cast = {p["label"]: p for p in data["personas"]}
    assert list(cast) == ["Nok", "Anna", "Bee (cashier)", "Owner Dang"]
    assert (cast["Nok"]["language"], cast["Anna"]["language"]) == ("th", "en")
    assert not cast["Nok"]["following"] and not cast["Anna"]["following"]
    assert (cast["Bee (cashier)"]["role"], cast["Owner Dang"]["role"]) == ("staff", "owner")
    assert "เชิญพนักงาน" in sim.say("Owner Dang", "help")[0]["text"]


def test_register_award_points_card_and_scan(sim: Sim) -> None:
    registered = sim.register("Nok", "081-234-5678")
    assert "Kafe Dee (demo)" in sim.bot_texts("Nok")[0]
    card = next(m for m in registered if m["type"] == "flex")
    code = re.search(r"M[0-9A-Z]{6}", registered[0]["text"]).group(0)  # type: ignore[union-attr]

    awarded = sim.say("Bee (cashier)", "award 0812345678 350")
    assert "14" in awarded[0]["text"]
    sim.wait_for_text("Nok", "คุณได้รับ 14 แต้ม")
    assert "คุณมี 14 แต้ม" in sim.say("Nok", "แต้ม")[0]["text"]

    url = hero_url(card)
    assert url.startswith(f"{BASE_URL}/media/card/")
    status, png, kind = fetch(sim.demo.url + url[len(BASE_URL) :])
    assert (status, kind) == (200, "image/png")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert found[0].text == f"https://line.me/R/oaMessage/{BASIC_ID}/?award%20{code}"

    status, scanned = sim.call("scan", {"url": url})
    assert status == 200
    assert scanned["text"] == f"award {code}"
    asked = sim.say("Bee (cashier)", scanned["text"])
    assert code in asked[0]["text"]
    assert "ให้ 4 แต้ม" in sim.say("Bee (cashier)", "100")[0]["text"]


def test_counter_points_are_claimed_with_an_sms_code(sim: Sim) -> None:
    asked = sim.say("Bee (cashier)", "award 0898765432 500")
    assert "089-876-5432" in asked[0]["altText"]
    yes = asked[0]["contents"]["footer"]["contents"][0]["action"]
    sim.act("Bee (cashier)", "tap", data=yes["data"], displayText=yes["displayText"])
    answer = sim.register("Anna", "089 876 5432")
    assert "SMS" in answer[0]["text"]
    deadline = time.monotonic() + 10
    messages: list[dict[str, str]] = []
    while not messages and time.monotonic() < deadline:
        messages = sim.call("sms")[1]["sms"]
        time.sleep(0.1)
    assert messages and messages[-1]["to"] == "+66898765432"
    code = re.search(r"\b(\d{6})\b", messages[-1]["text"]).group(1)  # type: ignore[union-attr]
    claimed = sim.say("Anna", code)
    assert "20 points" in claimed[0]["text"]


def test_bad_requests_are_refused_and_change_nothing(sim: Sim) -> None:
    assert sim.call("say", {"user": "U" + "0" * 32, "text": "hi"})[0] == 404
    assert sim.call("say", {"user": sim.ids["Bee (cashier)"], "text": "  "})[0] == 400
    assert sim.call("say", {"user": sim.ids["Nok"], "text": "hello"})[0] == 409
    assert sim.call("scan", {"url": "https://example.com/qr.png"})[0] == 400
    assert sim.call("tap", {"user": sim.ids["Bee (cashier)"], "data": "x" * 301})[0] == 400
    assert sim.call("nothing/../../v2/bot/message/quota")[0] == 404
    assert sim.chat("Nok") == [] and sim.chat("Nok", "user") == []


def test_a_photo_without_a_qr_scans_to_nothing(sim: Sim) -> None:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(out, format="PNG")
    sim.act("Bee (cashier)", "image", data=base64.b64encode(out.getvalue()).decode())
    photo = next(m for m in sim.chat("Bee (cashier)", "user") if m["type"] == "image")
    status, scanned = sim.call("scan", {"content_id": photo["id"]})
    assert (status, scanned["found"]) == (200, False)


def test_the_page_is_served_in_demo_mode(running: demo_module.Demo) -> None:
    status, html, kind = fetch(running.simulator_url)
    assert status == 200 and kind.startswith("text/html")
    assert b"Kafe Dee (demo)" in html and b"simulator.js" in html
    for asset in ("static/simulator.js", "static/flex.js", "static/simulator.css"):
        assert fetch(f"{running.simulator_url}/{asset}")[0] == 200
    status, font, kind = fetch(f"{running.simulator_url}/font/noto-sans-thai.ttf")
    assert status == 200 and len(font) > 100_000
    status, font, kind = fetch(f"{running.simulator_url}/font/noto-emoji.ttf")
    assert status == 200 and kind == "font/ttf" and font[:4] == b"\x00\x01\x00\x00"
    assert fetch(running.url + "/")[1] == html


def test_the_page_is_not_served_outside_demo_mode(client: Any) -> None:
    assert client.get("/simulator").status_code == 404
    assert client.get("/simulator/api/personas").status_code == 404
    assert client.get("/").status_code == 404


def test_a_kept_demo_remembers_who_followed(tmp_path: Path) -> None:
    first = demo_module.start(port=0, fresh=True, instance_dir=tmp_path)
    try:
        Sim(first).register("Nok", "0812345678")
    finally:
        first.stop()
    again = demo_module.start(port=0, instance_dir=tmp_path)
    try:
        sim = Sim(again)
        cast = {p["label"]: p for p in sim.call("personas")[1]["personas"]}
        assert cast["Nok"]["following"] and not cast["Anna"]["following"]
        assert "คุณมี 0 แต้ม" in sim.say("Nok", "แต้ม")[0]["text"]
    finally:
        again.stop()


def menu_of(sim: Sim, who: str) -> dict[str, Any]:
    """The rich menu `who`'s LINE app shows, as the simulator page gets it."""
    status, data = sim.call(f"richmenu?user={sim.ids[who]}")
    assert status == 200 and data["menu"] is not None, data
    return data["menu"]


def area_of(menu: dict[str, Any], label: str) -> int:
    return next(i for i, a in enumerate(menu["areas"]) if a["action"]["label"] == label)


def tap_menu(sim: Sim, who: str, label: str) -> list[dict[str, Any]]:
    menu = menu_of(sim, who)
    return sim.act(who, "richmenu/tap", menu=menu["id"], area=area_of(menu, label))


def test_each_persona_sees_the_menu_of_their_role(sim: Sim) -> None:
    assert sim.demo.menus_ready()
    bars = {who: menu_of(sim, who)["chatBarText"] for who in sim.ids}
    assert bars == {
        "Nok": "เมนูสมาชิก",
        "Anna": "เมนูสมาชิก",
        "Bee (cashier)": "เมนูพนักงาน",
        "Owner Dang": "เมนูเจ้าของ",
    }
    menu = menu_of(sim, "Nok")
    status, png, kind = fetch(f"{sim.demo.simulator_url}/api/{menu['image']}")
    assert (status, kind) == (200, "image/png")
    assert Image.open(io.BytesIO(png)).size == (menu["size"]["width"], menu["size"]["height"])
    cast = {p["label"]: p["richmenu"] for p in sim.call("personas")[1]["personas"]}
    assert cast["Nok"] == cast["Anna"] == menu["id"] != cast["Bee (cashier)"]


def test_tapping_the_menu_sends_what_line_sends(sim: Sim) -> None:
    assert sim.demo.menus_ready()
    sim.register("Nok", "0812345678")
    shown = tap_menu(sim, "Nok", "บัตรสมาชิก")
    assert sim.chat("Nok", "user")[-1] == {"type": "text", "text": "บัตร"}
    assert shown[0]["type"] == "flex"

    owner = menu_of(sim, "Owner Dang")
    counter = owner["areas"][area_of(owner, "หน้าร้าน")]["switchesTo"]
    assert tap_menu(sim, "Owner Dang", "หน้าร้าน") == []
    assert menu_of(sim, "Owner Dang")["id"] == counter
    assert sim.chat("Owner Dang", "user") == []
    answer = tap_menu(sim, "Owner Dang", "ให้แต้ม")
    assert sim.chat("Owner Dang", "user")[-1]["text"] == "ให้แต้ม"
    assert "ให้แต้ม 0812345678 350" in answer[0]["text"]


def test_menu_taps_that_cannot_happen_are_refused(sim: Sim) -> None:
    assert sim.demo.menus_ready()
    nok, bee = menu_of(sim, "Nok"), menu_of(sim, "Bee (cashier)")
    refused = [
        sim.call("richmenu/tap", {"user": sim.ids["Nok"], "menu": nok["id"], "area": 1}),
        sim.call("richmenu/tap", {"user": sim.ids["Bee (cashier)"], "menu": nok["id"], "area": 1}),
        sim.call("richmenu/tap", {"user": sim.ids["Bee (cashier)"], "menu": bee["id"], "area": 99}),
        sim.call("richmenu/nothing-here/image"),
    ]
    assert [status for status, _ in refused] == [409, 409, 400, 404]
    assert sim.chat("Nok", "user") == [] and sim.chat("Bee (cashier)", "user") == []


def test_a_new_cashier_gets_the_staff_menu_at_once(sim: Sim) -> None:
    assert sim.demo.menus_ready()
    sim.register("Anna", "0898765432")
    invite = sim.say("Owner Dang", "staff invite")[-1]["text"]
    sim.say("Anna", invite)
    staff_menu = menu_of(sim, "Bee (cashier)")["id"]
    deadline = time.monotonic() + 10
    while menu_of(sim, "Anna")["id"] != staff_menu and time.monotonic() < deadline:
        time.sleep(0.05)
    assert menu_of(sim, "Anna")["chatBarText"] == "เมนูพนักงาน"


def test_the_readme_screenshot_is_small() -> None:
    screenshot = Path(__file__).resolve().parents[2] / "assets" / "screenshots" / "simulator.png"
    assert screenshot.stat().st_size < 300 * 1024
