"""Pictures that speak Thai: lines break between words, never inside a letter cluster;
emoji are drawn from Noto Emoji (never the empty box); long names end in an ellipsis."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw

from handlers.views import fonts, mixed_text
from handlers.views.coupon_image import CouponFace, coupon_pictures
from handlers.views.insight_charts import draw_chart
from handlers.views.text_fit import ELLIPSIS, fit_line, text_width, wrap_two_lines
from handlers.views.thai_words import clusters, words
from richmenus.draw import render
from richmenus.layouts import customer_menu
from richmenus.look import Look
from tests.handlers.reward_helpers import decode_qr
from tests.support.line import Line

TEA = "ชาไทยเย็น 🧋 หวานน้อย ใส่ไข่มุกบราวน์ชูก้าร์ ท็อปปิ้งครีมชีส แก้วใหญ่พิเศษ"
NAMES = [
    TEA,
    "กาแฟเย็นนมสดคาราเมลมัคคิอาโต้ไซส์ใหญ่",
    "ทำสีผมออร์แกนิกพร้อมทรีตเมนต์บำรุงเส้นผม 💇‍♀️",
    "เสื้อยืดคอกลมผ้าฝ้ายลายช้างไซส์ XL 🇹🇭 Limited Edition",
    "ข้าวเหนียวมะม่วงน้ำกะทิสูตรคุณยายพิเศษกุ้งแม่น้ำเผาซีฟู้ดรวมมิตรทะเลข้าวเหนียวมะม่วง",
    "Iced Americano อเมริกาโน่เย็น 🥤 ส้มยูซุ ❤️",
]
OA = "https://line.me/R/oaMessage/@loyaltytest/?redeem%20C-7K3QX9ABC"


def _cmap(path: object) -> set[int]:
    with TTFont(str(path)) as face:
        return set(face.getBestCmap())


THAI_CMAP = _cmap(fonts.font_path())
EMOJI_CMAP = _cmap(fonts.emoji_font_path())
INVISIBLE = {0x20, 0x200D, 0xFE0F, 0xFE0E}


def _face(name: str) -> CouponFace:
    return CouponFace(
        shop_name="ร้านชาบ้านสวน ☕ สาขาท่าแพ",
        title="คูปองแลกของรางวัล · REWARD COUPON",
        reward_name=name,
        reward_subtitle="Thai iced tea 🧋 less sweet, brown sugar pearls, cream cheese, XL cup",
        code="C-7K3QX9ABC",
        qr_content=OA,
        valid_lines=("ใช้ได้ถึง 17 มี.ค. 2568", "Valid until 17 Mar 2025"),
        hint="แสดง QR นี้ให้พนักงานที่เคาน์เตอร์ · Show this QR at the counter",
        points_text="ใช้ 1,200 แต้ม · 1,200 points",
    )


def _drawn_by_its_font(text: str) -> None:
    """Every letter drawn is in the cmap of the font that draws it: no .notdef box."""
    for part, is_emoji in mixed_text.runs(text):
        cmap = EMOJI_CMAP if is_emoji else THAI_CMAP
        missing = {hex(ord(c)) for c in part if ord(c) not in cmap and ord(c) not in INVISIBLE}
        assert not missing, (part, missing)


def _no_cluster_cut(line: str, original: str) -> None:
    """`line` (an ellipsis aside) ends on a cluster edge of the text it came from."""
    body = line.removesuffix(ELLIPSIS).strip()
    assert body, line
    assert not unicodedata.category(body[0]).startswith("M"), line
    joined = "".join(clusters(original))
    start = joined.find(body)
    assert start >= 0, (body, original)
    edges = {0}
    for cluster in clusters(original):
        edges.add(max(edges) + len(cluster))
    assert start in edges and start + len(body) in edges, line


def test_the_tea_breaks_between_words_and_keeps_its_emoji() -> None:
    lines, _ = wrap_two_lines(TEA, 880, sizes=(68, 62, 56, 50, 44), weight=700)
    assert lines == ["ชาไทยเย็น 🧋 หวานน้อย ใส่ไข่มุกบราวน์ชูก้าร์", "ท็อปปิ้งครีมชีส แก้วใหญ่พิเศษ"]
    for line in lines:
        _drawn_by_its_font(line)
    assert "🧋" in {part for part, is_emoji in mixed_text.runs(lines[0]) if is_emoji}


@pytest.mark.parametrize("name", NAMES)
def test_every_break_is_a_word_boundary_and_never_inside_a_cluster(name: str) -> None:
    pieces = words(name)
    assert "".join(pieces) == name
    for width in (300, 420, 600, 880):
        lines, size = wrap_two_lines(name, width, sizes=(56, 44, 36), weight=700)
        boundaries = {len("".join(pieces[:n]).rstrip()) for n in range(len(pieces) + 1)}
        first = lines[0].removesuffix(ELLIPSIS)
        if len(lines) == 2 and not lines[0].endswith(ELLIPSIS):
            assert len(first) in boundaries, (name, lines)
        for line in lines:
            _no_cluster_cut(line, name)
            _drawn_by_its_font(line)
            assert text_width(line, size, 700) <= width, (line, width)


@pytest.mark.parametrize("name", NAMES)
def test_a_long_name_is_shortened_with_an_ellipsis_at_a_cluster_edge(name: str) -> None:
    for width in (120, 200, 333):
        line, size = fit_line(name, 40, 28, width, weight=500)
        assert text_width(line, size, 500) <= width
        assert line.endswith(ELLIPSIS)
        _no_cluster_cut(line, name)


def test_clusters_keep_thai_marks_and_emoji_sequences_whole() -> None:
    assert clusters("เย็น") == ["เย็", "น"]
    assert clusters("น้ำ") == ["น้ำ"]
    assert clusters("💇\u200d♀️🇹🇭❤️1\ufe0f\u20e3") == ["💇\u200d♀️", "🇹🇭", "❤️", "1\ufe0f\u20e3"]
    assert all(not unicodedata.category(c[0]).startswith("M") for c in clusters(TEA))


def test_a_letter_no_font_has_is_left_out_not_boxed() -> None:
    assert mixed_text.drawable("ชา \U0010fffd\U000e0001 เย็น") == "ชา เย็น"


def _ink_columns(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    crop = image.convert("L").crop(box)
    return sum(
        1
        for x in range(crop.width)
        if min(crop.getpixel((x, y)) for y in range(0, crop.height, 2)) < 128
    )  # type: ignore[misc, operator]


def test_the_emoji_is_drawn_not_left_as_a_gap_or_a_box() -> None:
    image = Image.new("RGB", (600, 120), "white")
    draw = ImageDraw.Draw(image)
    mixed_text.draw_text(
        draw, (20, 60), "ชา 🧋 เย็น", size=60, weight=700, fill="black", anchor="lm"
    )
    image.save("/tmp/thai_pictures_emoji.png")
    emoji = mixed_text.text_length("ชา ", 60, 700) + 20
    assert _ink_columns(image, (round(emoji) + 4, 20, round(emoji) + 50, 100)) > 20
    box = Image.new("RGB", (600, 120), "white")
    ImageDraw.Draw(box).text(
        (20, 60), "ชา 🧋 เย็น", font=fonts.font(60, 700), fill="black", anchor="lm"
    )
    assert image.tobytes() != box.tobytes()


@pytest.mark.parametrize("name", NAMES)
def test_the_coupon_draws_any_name_and_its_qr_still_reads(name: str) -> None:
    png = coupon_pictures(_face(name)).full
    Image.open(io.BytesIO(png)).save(f"/tmp/thai_coupon_{NAMES.index(name)}.png")
    assert decode_qr(png) == OA


def test_charts_and_menus_draw_emoji_and_long_thai_names() -> None:
    spec = {
        "kind": "cohorts",
        "title": "กลุ่มลูกค้า ร้านชาบ้านสวน ☕ " + "สาขาประตูท่าแพเชียงใหม่" * 3,
        "subtitle": "เดือนแรกที่ซื้อ 🧋",
        "columns_caption": "เดือนหลังซื้อครั้งแรก",
        "columns": ["0", "1"],
        "rows": [{"label": "ม.ค. 2569 ลูกค้าใหม่มากมาย 💇‍♀️", "size": "10", "shares": [1.0, 0.5]}],
        "footer": "ข้อมูล " + "ยาวมาก" * 40,
    }
    Image.open(io.BytesIO(draw_chart(spec, "#06C755"))).save("/tmp/thai_chart.png")
    menu = customer_menu()
    picture = render(menu, Look(shop_name="ร้านชาบ้านสวน 🧋 ริมน้ำเชียงใหม่"))
    picture.save("/tmp/thai_menu.png")
    assert picture.size == (menu.width, menu.height)


def test_the_my_data_page_brings_its_thai_font(line: Line) -> None:
    font = line.client.get("/privacy/font/noto-sans-thai.ttf")
    assert font.status_code == 200 and font.mimetype == "font/ttf"
    assert font.data == fonts.font_path().read_bytes()
    font.close()
    page = line.client.get("/privacy/export/nope-nope-nope-nope")
    assert re.search(
        rb'@font-face\{font-family:"Noto Sans Thai";src:url\("/privacy/font/', page.data
    )
