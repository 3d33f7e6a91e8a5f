"""The SVG charts: geometry proportional to the data, text escaped, gaps break lines."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from records_dms.reports.charts import Series, axis_top, bar_chart, line_chart, nice_max

SVG = "{http://www.w3.org/2000/svg}"


def test_axis_tops_are_round():
    assert [nice_max(v) for v in (0, 0.3, 3, 7, 12, 260)] == [1, 0.5, 5, 10, 20, 500]
    assert axis_top(5, integer=True) == 8  # ticks 0, 2, 4, 6, 8
    assert axis_top(1, integer=True) == 4
    assert axis_top(100) == 100
    assert axis_top(37) == 40


def test_stacked_bars_are_as_tall_as_their_values():
    svg = bar_chart(
        "投诉 <按渠道>",
        ["一月", "二月"],
        [Series("a", "电话", [2, 0]), Series("b", "来访&网上", [2, 1])],
    )
    root = ET.fromstring(str(svg))  # noqa: S314 (our own markup)  # well-formed XML
    bars = [e for e in root.iter(f"{SVG}rect") if e.get("class") == "bar"]
    assert [(b.get("data-series"), b.get("data-category"), b.get("data-value")) for b in bars] == [
        ("a", "一月", "2"),
        ("b", "一月", "2"),
        ("b", "二月", "1"),
    ]
    heights = [float(b.get("height", 0)) for b in bars]
    assert abs(heights[0] - heights[1]) < 0.2 and abs(heights[0] - 2 * heights[2]) < 0.2
    # The second segment sits on top of the first.
    assert abs(float(bars[1].get("y", 0)) + heights[1] - float(bars[0].get("y", 0))) < 0.2
    assert "投诉 &lt;按渠道&gt;" in svg and "来访&amp;网上" in svg


def test_a_missing_value_breaks_the_line():
    svg = line_chart(
        "满意度",
        ["2022", "2023", "2024", "2025"],
        [Series("m", "平均", [80, None, 90, 88])],
        target=85,
        target_label="目标",
    )
    ET.fromstring(str(svg))  # noqa: S314 (our own markup)
    assert svg.count('class="point"') == 3
    assert len(re.findall(r'<polyline class="line"', svg)) == 1  # 2024–2025; 2022 stands alone
    assert 'class="target"' in svg
