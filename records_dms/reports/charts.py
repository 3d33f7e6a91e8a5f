"""Charts drawn on the server as SVG: no script, no CDN, and testable by reading the markup.

A chart is data (categories and series) turned into one ``<svg>`` element. Bars are
``<rect class="bar">`` and lines ``<polyline class="line">`` with ``<circle class="point">``,
each carrying its series, category and value as data attributes and a ``<title>`` tooltip.
Text uses the CJK fonts the admin's users are likely to have, then the browser's default.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
HEIGHT = 280
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 44, 36
PALETTE = ["#2e6ca4", "#e07b39", "#3c9d5d", "#b5443d", "#7b5ea7", "#8c6d31", "#4aa3b5", "#d4a017"]
FONT = "'Noto Sans CJK SC','WenQuanYi Zen Hei','Microsoft YaHei','PingFang SC',sans-serif"


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    values: Sequence[float | int | None]
    color: str = ""  # a fixed colour (e.g. one per record type); else the palette's by position


def series_color(item: Series, index: int) -> str:
    return item.color or PALETTE[index % len(PALETTE)]


def nice_max(value: float) -> float:
    """A round upper bound for the axis: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def axis_top(value: float, *, integer: bool = False) -> float:
    """The top of an axis with four equal, round steps (whole steps for counts)."""
    step = nice_max(value / 4)
    if integer:
        step = max(1.0, math.ceil(step))
    return step * 4


def _number(value: float) -> str:
    return f"{value:g}"


def _open(title: str, kind: str) -> list[str]:
    label = escape(title)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dms-chart dms-chart-{kind}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-label="{label}" '
        f'style="max-width:{WIDTH}px;font-family:{FONT}">',
        f"<title>{label}</title>",
    ]


def _axes(categories: Sequence[str], top: float) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    parts = []
    for i in range(5):
        value = top * i / 4
        y = HEIGHT - BOTTOM - plot_h * i / 4
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#ddd" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#555">{_number(round(value, 1))}</text>'
        )
    step = plot_w / max(len(categories), 1)
    for i, category in enumerate(categories):
        x = LEFT + step * (i + 0.5)
        parts.append(
            f'<text class="category" x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="middle" font-size="11" fill="#333">{escape(category)}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM}" '
        f'stroke="#888" stroke-width="1"/>'
    )
    return parts


def _legend(series: Sequence[Series]) -> list[str]:
    parts = ['<g class="legend">']
    x, y = LEFT, 14
    for index, item in enumerate(series):
        width = 22 + 13 * len(item.label)
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, y = LEFT, y + 16
        color = series_color(item, index)
        parts.append(
            f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{color}"/>'
            f'<text x="{x + 14}" y="{y}" font-size="12" fill="#333">{escape(item.label)}</text>'
        )
        x += width
    parts.append("</g>")
    return parts


def bar_chart(
    title: str, categories: Sequence[str], series: Sequence[Series], *, unit: str = ""
) -> SafeString:
    """Stacked bars: one column per category, one coloured segment per series."""
    totals = [sum((s.values[i] or 0) for s in series) for i in range(len(categories))]
    top = axis_top(max(totals, default=0), integer=True)
    plot_h = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT - RIGHT) / max(len(categories), 1)
    bar_w = step * 0.6
    parts = _open(title, "bar") + _axes(categories, top) + _legend(series)
    for i, category in enumerate(categories):
        base = 0.0
        x = LEFT + step * i + (step - bar_w) / 2
        for index, item in enumerate(series):
            value = item.values[i] or 0
            if not value:
                continue
            height = plot_h * value / top
            y = HEIGHT - BOTTOM - plot_h * base / top - height
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                f'height="{height:.1f}" fill="{series_color(item, index)}" '
                f'data-series="{escape(item.key)}" data-category="{escape(category)}" '
                f'data-value="{_number(value)}"><title>{escape(category)} · '
                f"{escape(item.label)}: {_number(value)}{escape(unit)}</title></rect>"
            )
            base += value
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text is escaped above)


def line_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "",
    target: float | None = None,
    target_label: str = "",
) -> SafeString:
    """One line per series; gaps (None) break a line. ``target`` draws a dashed threshold."""
    values = [v for s in series for v in s.values if v is not None]
    top = axis_top(max([*values, target or 0], default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT - RIGHT) / max(len(categories), 1)
    parts = _open(title, "line") + _axes(categories, top) + _legend(series)
    if target is not None:
        y = HEIGHT - BOTTOM - plot_h * target / top
        parts.append(
            f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#b5443d" stroke-dasharray="6 4" stroke-width="1.5">'
            f"<title>{escape(target_label)}: {_number(target)}{escape(unit)}</title></line>"
        )
    for index, item in enumerate(series):
        color = series_color(item, index)
        runs: list[list[str]] = [[]]
        points = []
        for i, value in enumerate(item.values):
            if value is None:
                runs.append([])
                continue
            x = LEFT + step * (i + 0.5)
            y = HEIGHT - BOTTOM - plot_h * float(value) / top
            runs[-1].append(f"{x:.1f},{y:.1f}")
            points.append(
                f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}" '
                f'data-series="{escape(item.key)}" data-category="{escape(categories[i])}" '
                f'data-value="{_number(float(value))}"><title>{escape(categories[i])} · '
                f"{escape(item.label)}: {_number(float(value))}{escape(unit)}</title></circle>"
            )
        for run in runs:
            if len(run) > 1:
                parts.append(
                    f'<polyline class="line" data-series="{escape(item.key)}" fill="none" '
                    f'stroke="{color}" stroke-width="2" points="{" ".join(run)}"/>'
                )
        parts.extend(points)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text is escaped above)
