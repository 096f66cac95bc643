"""Button labels fit LINE's limits without cutting a Thai letter in half."""

from __future__ import annotations

from handlers.views.messages import MAX_QUICK_LABEL, Button, Choice, FlexColors, cut_label
from handlers.views.thai_words import clusters

LONG_NAME = "🎁 ชาไทยเย็น หวานน้อย ใส่ไข่มุกบราวน์ชูก้าร์"


def test_a_short_label_is_kept_whole() -> None:
    assert cut_label("ส่งเลย", MAX_QUICK_LABEL) == "ส่งเลย"


def test_a_long_thai_label_is_cut_between_clusters_with_an_ellipsis() -> None:
    label = cut_label(LONG_NAME, MAX_QUICK_LABEL)
    assert len(label) <= MAX_QUICK_LABEL
    assert label.endswith("…")
    kept = label.removesuffix("…")
    assert "".join(clusters(LONG_NAME)).startswith(kept)
    assert kept == "".join(clusters(LONG_NAME)[: len(clusters(kept))])


def test_quick_replies_and_flex_buttons_use_the_cut() -> None:
    assert len(Choice(LONG_NAME, "coupon 1").action()["label"]) <= MAX_QUICK_LABEL
    colors = FlexColors(band="#06C755", on_band="#FFFFFF", accent="#06C755", button_style="primary")
    flex = Button(LONG_NAME * 2, data="a=b").as_flex(colors)
    assert len(flex["action"]["label"]) <= 40
    assert flex["action"]["label"].endswith("…")
