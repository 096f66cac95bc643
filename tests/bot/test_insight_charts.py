"""The chart pictures: sizes LINE accepts, round axes, Thai laid out by raqm."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageFont, features

from handlers import insight_views as views
from handlers.views.fonts import LAYOUT
from handlers.views.insight_charts import bar_chart, draw_chart, heat_map, nice_ceiling
from storage.insight_series import Cohort, MonthRow

ROWS = [
    MonthRow(f"2026-{m:02d}", members=100 * m, new=30, buyers=40 * m, issued=900, redeemed=300)
    for m in range(1, 13)
]


def size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


@pytest.mark.parametrize(
    ("top", "expected"),
    [(0, (4, 1)), (3, (3, 1)), (17, (20, 5)), (505, (600, 200)), (2397, (3000, 1000))],
)
def test_axes_end_on_round_numbers(top: float, expected: tuple[float, float]) -> None:
    assert nice_ceiling(top) == expected


def test_thai_is_laid_out_by_raqm() -> None:
    assert features.check("raqm") and LAYOUT == ImageFont.Layout.RAQM


@pytest.mark.parametrize("lang", ["th", "en"])
def test_each_chart_is_a_png_line_can_show(lang: str) -> None:
    cohorts = [Cohort(f"2026-{m:02d}", [10, 5, 2][: 13 - m]) for m in range(1, 13)]
    for spec in (
        views.members_chart(lang, "Kafe Dee", ROWS),
        views.points_chart(lang, "Kafe Dee", ROWS),
        views.cohort_chart(lang, "Kafe Dee", cohorts),
    ):
        png = draw_chart(spec, "#06C755")
        assert png.startswith(b"\x89PNG") and len(png) < 1_000_000
        assert size(png)[0] == 1200


def test_an_empty_shop_still_draws() -> None:
    empty = [MonthRow("2026-10", 0, 0, 0, 0, 0)]
    assert size(bar_chart(views.members_chart("th", "Kafe Dee", empty)))[0] == 1200
    assert size(heat_map(views.cohort_chart("th", "Kafe Dee", [Cohort("2026-10", [0])])))


def test_month_labels_carry_the_year_where_it_changes() -> None:
    spec = views.members_chart("th", "Kafe Dee", ROWS)
    assert spec["labels_lines"][0] == ["ม.ค.", "2569"] and spec["labels_lines"][1] == ["ก.พ."]
    assert views.month_name("en", "2026-10", short_year=True) == "Oct 26"
