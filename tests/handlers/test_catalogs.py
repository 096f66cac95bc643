"""The catalogs hold the bot's vocabulary: the same keys and placeholders in every language,
a route for every command, and the words of printed QR codes kept as they were printed."""

from __future__ import annotations

import pytest

from handlers import routes  # noqa: F401  (registers them)
from handlers.i18n import CATALOGS, LANGUAGES, means, on_or_off, placeholders, plural, t
from handlers.locales import en, th
from handlers.router import normalise, router
from handlers.scan_texts import award_text, redeem_text

PARTS = ("TEXT", "COMMANDS", "WORDS")


@pytest.mark.parametrize("part", PARTS)
def test_both_catalogs_have_the_same_keys(part: str) -> None:
    thai, english = getattr(th, part).keys(), getattr(en, part).keys()
    assert not thai - english, f"only in Thai: {sorted(thai - english)}"
    assert not english - thai, f"only in English: {sorted(english - thai)}"


def test_each_text_has_the_same_placeholders_in_every_language() -> None:
    differ = {
        key: (placeholders(text), placeholders(en.TEXT[key]))
        for key, text in th.TEXT.items()
        if placeholders(text) != placeholders(en.TEXT[key])
    }
    assert not differ


def test_every_command_and_word_has_words_in_every_language() -> None:
    for catalog in (th.COMMANDS, th.WORDS, en.COMMANDS, en.WORDS):
        assert all(said and all(w.strip() for w in said) for said in catalog.values())


def test_every_route_key_is_a_command_of_both_catalogs_and_every_command_a_route() -> None:
    routed = {command.key for command in router.commands}
    assert routed <= th.COMMANDS.keys() and routed <= en.COMMANDS.keys()
    assert th.COMMANDS.keys() - routed == {"cancel"}  # the router's own: it always wins
    assert set(router.cancel_aliases) == {"cancel", "ยกเลิก"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_command_word_starts_its_own_route_in_any_language(lang: str) -> None:
    commands = th.COMMANDS if lang == "th" else en.COMMANDS
    for key, said in commands.items():
        if key == "cancel":
            continue
        for word in said:
            found = router.match(normalise(word))
            assert found is not None and found[0].key == key, f"{word!r} is not {key}"
            found = router.match(normalise(f"{word} 0812345678"))
            assert found is not None and found[0].key == key and found[1] == ["0812345678"]


def test_a_button_sends_the_first_word_of_its_command_or_answer() -> None:
    assert (t("th", "cmd_points"), t("en", "cmd_points")) == ("แต้ม", "points")
    assert t("en", "cmd_coupons_history") == "coupons history"
    assert (t("th", "word_skip"), t("en", "word_bc_test")) == ("ข้าม", "broadcast test")
    for lang in LANGUAGES:
        assert CATALOGS[lang]["cmd_cancel"] in router.cancel_aliases


def test_answers_are_understood_in_either_language() -> None:
    assert means("ข้าม", "skip") and means("  SKIP ", "skip") and not means("skipped", "skip")
    assert [on_or_off(w) for w in ("on", "เปิด", "OFF", "ปิด", "maybe")] == [
        True,
        True,
        False,
        False,
        None,
    ]
    assert all(means(w, "none") for w in ("none", "ไม่มี", "ปิด", "off", "-", "0"))


def test_printed_qr_texts_run_award_and_redeem_as_they_always_did() -> None:
    assert award_text("M7K3QX9") == "award M7K3QX9"
    assert redeem_text("C-7K3QX9ABC") == "redeem C-7K3QX9ABC"
    for said, key in ((award_text("M7K3QX9"), "award"), (redeem_text("C-7K3QX9ABC"), "redeem")):
        found = router.match(normalise(said))
        assert found is not None and found[0].key == key and len(found[1]) == 1


def test_english_counts_take_the_singular_for_one() -> None:
    assert t("en", "points_balance", points=1) == "You have 1 point."
    assert t("en", "points_balance", points=2) == "You have 2 points."
    assert t("en", "points_balance", points=0) == "You have 0 points."
    assert t("en", "auto_activity", sent=3, used=1, points="1,250") == (
        "30 days: 3 sent · 1 coupon used · 1,250 points given"
    )
    assert t("en", "coupons_intro", count=1) == "You have 1 coupon ready to use."
    assert t("en", "seg_chart_subtitle", date="2 Dec", total=1234) == "As of 2 Dec · 1,234 members"
    assert t("en", "seg_chart_subtitle", date="2 Dec", total=1) == "As of 2 Dec · 1 member"
    assert "1 purchase ฿350" in t("en", "stats_staff_line", who="Bee", purchases=1, sales="350")
    assert t("th", "points_balance", points=1) == "คุณมี 1 แต้ม"


def test_plural_reads_counts_as_shown() -> None:
    assert plural(1, "point/points") == "1 point"
    assert plural("1,001", "point/points") == "1,001 points"
    assert plural("1.5", "purchase/purchases") == "1.5 purchases"
