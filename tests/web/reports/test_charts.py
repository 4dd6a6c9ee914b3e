"""Charts drawn for the reader (issue 14, item 8): bars in their own colours (a task's light, as the web
shows it), each bar's value written beside it, a legend of the colours, the minus sign in ticks."""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.test import SimpleTestCase
from PIL import Image

from chiso.docgen import Chart, render_png
from chiso.docgen.charts import LIGHT_COLORS, _vn, height_for

PROGRAM_CSS = Path(__file__).resolve().parents[3] / "src" / "chiso" / "program" / "static" / "program" / "program.css"


def web_light_colours() -> dict[str, str]:
    """The lights' colours as the web draws them (``.light.green { background: #…; }``)."""
    css = PROGRAM_CSS.read_text(encoding="utf-8")
    return dict(re.findall(r"\.light\.(green|amber|red|grey) \{ background: (#[0-9a-fA-F]{6}); \}", css))


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def colours(png: bytes) -> dict[tuple[int, int, int], int]:
    """How many pixels of each colour a PNG has."""
    with Image.open(io.BytesIO(png)) as im:
        return {c[:3]: n for n, c in im.convert("RGB").getcolors(maxcolors=1 << 22)}


class ChartsTestCase(SimpleTestCase):
    def test_the_lights_are_the_webs_colours(self):
        web = web_light_colours()
        self.assertEqual(set(web), {"green", "amber", "red", "grey"})
        self.assertEqual({k: v.lower() for k, v in web.items()}, LIGHT_COLORS)

    def test_each_bar_is_drawn_in_its_own_colour_with_a_legend_of_the_colours(self):
        bars = Chart(
            "t", "Nhiệm vụ", "hbar", ["Nhiệm vụ 1", "Nhiệm vụ 2", "Nhiệm vụ 3"], [("Hoàn thành (%)", [80, 30, None])],
            colors=[LIGHT_COLORS["green"], LIGHT_COLORS["red"], LIGHT_COLORS["grey"]],
            legend=[("Đúng tiến độ (1)", LIGHT_COLORS["green"]), ("Chậm / không đạt (1)", LIGHT_COLORS["red"]),
                    ("Cần chú ý (0)", LIGHT_COLORS["amber"])],
            bar_labels=["80%", "30%", "chưa báo cáo"], value_range=(0, 100),
        )
        got = colours(render_png(bars))
        # a bar of 80% of a 16 cm wide chart is thousands of pixels; the legend's patch alone a few dozen
        self.assertGreater(got.get(rgb(LIGHT_COLORS["green"]), 0), 2000)
        self.assertGreater(got.get(rgb(LIGHT_COLORS["red"]), 0), 700)
        self.assertGreater(got.get(rgb(LIGHT_COLORS["amber"]), 0), 10)  # the legend's entry of no bar
        self.assertGreater(got.get(rgb(LIGHT_COLORS["grey"]), 0), 10)  # the square of a task without a report
        # one colour for all (as before): no light's colour at all
        plain = colours(render_png(Chart("t", "Nhiệm vụ", "hbar", ["A", "B"], [("Hoàn thành (%)", [80, 30])])))
        for light in ("green", "red", "amber"):
            self.assertNotIn(rgb(LIGHT_COLORS[light]), plain)

    def test_a_long_horizontal_chart_is_taller(self):
        many = Chart("r", "Tỷ lệ", "hbar", [f"Cơ quan {i}" for i in range(23)], [("Tỷ lệ", [95.0] * 23)])
        self.assertGreater(height_for(many), 12)
        with Image.open(io.BytesIO(render_png(many))) as im:
            self.assertGreater(im.height / im.width, 0.7)
        self.assertEqual(height_for(Chart("c", "Hồ sơ", "bar", ["A"], [("x", [1])])), 7.5)

    def test_ticks_write_the_minus_sign(self):
        self.assertEqual(_vn(-0.5), "\u22120,50")
        self.assertEqual(_vn(-1234.0, 0), "\u22121.234")
        self.assertEqual(_vn(-0.001), "0,00")  # no "−0,00"
        self.assertEqual(_vn(12.5, 1), "12,5")
