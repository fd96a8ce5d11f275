"""Charts as inline SVG, drawn on the server: bars (side by side or stacked) and lines, with no JavaScript.

Accessible: the ``<svg>`` is an image labelled by its own ``<title>`` and ``<desc>``; every bar and point has a
``<title>`` with its bucket, series and value; the page puts the same figures in a table. Pure: values in, markup out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from html import escape

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 76, 12, 34, 44
#: Colours with enough contrast on white, told apart by more than hue alone (the legend names them, the table too).
PALETTE = ("#1f5fa8", "#d9822b", "#b8322a", "#2e8540", "#6b4c9a", "#5f6b7a")
TICKS = 4
MAX_X_LABELS = 12


class Style(StrEnum):
    GROUPED = "grouped"
    STACKED = "stacked"
    LINE = "line"


@dataclass(frozen=True)
class Plotted:
    """One series as the chart draws it."""

    name: str
    values: tuple[int, ...]


def nice_step(largest: int, ticks: int = TICKS) -> int:
    """The grid step: the smallest 1, 2 or 5 × 10ⁿ (n ≥ 0) such that ``ticks`` steps reach ``largest``."""
    if largest <= 0:
        return 1
    raw = largest / ticks
    power = int(10 ** max(0, math.floor(math.log10(raw))))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def compact_won(amount: int, lang: str) -> str:
    """Short amounts for an axis: 1.4억 · 3,000만 (Korean), ₩140M · ₩1.4bn (English)."""
    if lang == "en":
        for size, suffix in ((10**12, "tn"), (10**9, "bn"), (10**6, "M"), (10**3, "K")):
            if abs(amount) >= size:
                return f"₩{_short(amount / size)}{suffix}"
        return f"₩{amount:,}"
    for size, suffix in ((10**12, "조"), (10**8, "억"), (10**4, "만")):
        if abs(amount) >= size:
            return f"{_short(amount / size)}{suffix}"
    return f"{amount:,}"


def _short(value: float) -> str:
    text = f"{value:,.1f}"
    return text[:-2] if text.endswith(".0") else text


def format_count(value: int) -> str:
    return f"{value:,}"


def render(
    *,
    ident: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Plotted],
    style: Style,
    axis: Callable[[int], str] = format_count,
    value: Callable[[int], str] = format_count,
) -> str:
    """The chart as an ``<svg>`` element. ``ident`` makes the ids of its title and description unique on the page;
    ``axis`` formats the grid values and ``value`` the values in the tooltips."""
    n = len(labels)
    if any(len(s.values) != n for s in series):
        raise ValueError("every series needs one value per label")
    if style is Style.STACKED:
        largest = max((sum(column) for column in zip(*(s.values for s in series), strict=True)), default=0)
    else:
        largest = max((v for s in series for v in s.values), default=0)
    step = nice_step(largest)
    top = step * TICKS
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(n, 1)

    def y(v: float) -> float:
        return TOP + plot_h - plot_h * v / top

    ident = escape(ident)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{style.value}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="{ident}-title {ident}-desc" data-chart="{ident}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    # the grid and its values
    for i in range(TICKS + 1):
        gy = y(step * i)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{gy:.1f}" y2="{gy:.1f}" stroke="#d8dde3"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{gy + 4:.1f}" text-anchor="end" font-size="11" fill="#3d4650">'
            f"{escape(axis(step * i))}</text>"
        )
    # the buckets' names, thinned out when there are many
    every = math.ceil(n / MAX_X_LABELS) if n else 1
    for i, name in enumerate(labels):
        if i % every == 0:
            cx = LEFT + slot * (i + 0.5)
            parts.append(
                f'<text x="{cx:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11" fill="#3d4650">'
                f"{escape(name)}</text>"
            )
    # the legend
    lx = LEFT
    for k, s in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        parts.append(f'<rect x="{lx}" y="8" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 16}" y="18" font-size="12" fill="#1b1f24">{escape(s.name)}</text>')
        lx += 28 + 8 * len(s.name) + (6 * sum(1 for c in s.name if ord(c) > 0x2E80))  # wide Hangul glyphs
    # the data
    if style is Style.LINE:
        parts.extend(_lines(labels, series, slot, y, value))
    else:
        parts.extend(_bars(labels, series, slot, y, value, stacked=style is Style.STACKED))
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#3d4650"/>')
    parts.append("</svg>")
    return "\n".join(parts)


def _tip(label: str, name: str, shown: str) -> str:
    return f"<title>{escape(label)} · {escape(name)}: {escape(shown)}</title>"


def _bars(
    labels: Sequence[str],
    series: Sequence[Plotted],
    slot: float,
    y: Callable[[float], float],
    value: Callable[[int], str],
    *,
    stacked: bool,
) -> list[str]:
    parts = []
    inner = slot * 0.72
    width = inner if stacked else inner / max(len(series), 1)
    for i, label in enumerate(labels):
        x0 = LEFT + slot * i + (slot - inner) / 2
        base = 0
        for k, s in enumerate(series):
            v = s.values[i]
            x = x0 if stacked else x0 + width * k
            bottom = base if stacked else 0
            if v > 0:
                parts.append(
                    f'<rect class="bar" x="{x:.1f}" y="{y(bottom + v):.1f}" width="{max(width - 1, 1):.1f}" '
                    f'height="{y(bottom) - y(bottom + v):.1f}" fill="{PALETTE[k % len(PALETTE)]}" '
                    f'data-series="{k}" data-value="{v}">{_tip(label, s.name, value(v))}</rect>'
                )
            if stacked:
                base += v
    return parts


def _lines(
    labels: Sequence[str],
    series: Sequence[Plotted],
    slot: float,
    y: Callable[[float], float],
    value: Callable[[int], str],
) -> list[str]:
    parts = []
    for k, s in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        points = [(LEFT + slot * (i + 0.5), y(v)) for i, v in enumerate(s.values)]
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts.append(f'<polyline class="line" points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for (px, py), label, v in zip(points, labels, s.values, strict=True):
            parts.append(
                f'<circle class="point" cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}" data-series="{k}" '
                f'data-value="{v}">{_tip(label, s.name, value(v))}</circle>'
            )
    return parts
