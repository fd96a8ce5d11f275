"""The server-drawn SVG charts of the statistics page: accessible, well-formed, and drawn to scale."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from jangter.web.charts import Plotted, Style, compact_won, nice_step, render

NS = {"svg": "http://www.w3.org/2000/svg"}


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars(root: ET.Element) -> list[ET.Element]:
    return root.findall("svg:rect[@class='bar']", NS)


def chart(style: Style, *series: Plotted, labels: tuple[str, ...] = ("11/2", "11/9", "11/16")) -> ET.Element:
    return parsed(
        render(ident="c1", title="입찰 <건수>", description="합계 & 설명", labels=labels, series=series, style=style)
    )


def test_the_chart_is_an_image_labelled_by_its_own_title_and_description() -> None:
    root = chart(Style.GROUPED, Plotted("공고", (1, 2, 3)))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find("svg:title", NS) is not None
    assert root.find("svg:title", NS).get("id") == "c1-title"  # type: ignore[union-attr]
    assert root.find("svg:title", NS).text == "입찰 <건수>"  # type: ignore[union-attr]  # escaped, then parsed back
    assert root.find("svg:desc", NS).text == "합계 & 설명"  # type: ignore[union-attr]


def test_grouped_bars_are_as_tall_as_their_values_and_zeros_draw_nothing() -> None:
    root = chart(Style.GROUPED, Plotted("공고", (4, 0, 2)), Plotted("개찰", (1, 3, 0)))
    drawn = bars(root)
    assert sorted((int(b.get("data-series", "")), int(b.get("data-value", ""))) for b in drawn) == [
        (0, 2),
        (0, 4),
        (1, 1),
        (1, 3),
    ]
    heights = {int(b.get("data-value", "")): float(b.get("height", "")) for b in drawn}
    assert heights[4] == pytest.approx(4 * heights[1], rel=0.01)
    assert heights[2] == pytest.approx(2 * heights[1], rel=0.01)
    # side by side: the two bars of the first bucket do not overlap
    first = sorted(
        (float(b.get("x", "")), float(b.get("width", ""))) for b in drawn if b.get("data-value", "") in ("4", "1")
    )
    assert first[0][0] + first[0][1] <= first[1][0]
    assert all(b.find("svg:title", NS) is not None for b in drawn)
    assert "11/2 · 공고: 4" in [b.find("svg:title", NS).text for b in drawn]  # type: ignore[union-attr]


def test_stacked_bars_sit_on_each_other_and_the_scale_covers_their_sum() -> None:
    root = chart(Style.STACKED, Plotted("원도급", (300, 0, 0)), Plotted("하도급", (100, 0, 0)))
    lower, upper = sorted(bars(root), key=lambda b: int(b.get("data-series", "")))
    assert float(upper.get("y", "")) + float(upper.get("height", "")) == pytest.approx(float(lower.get("y", "")))
    assert lower.get("x") == upper.get("x")
    grid = [t.text for t in root.findall("svg:text", NS) if t.get("text-anchor") == "end"]
    assert grid == ["0", "100", "200", "300", "400"]  # 300 + 100 = 400 fits exactly


def test_a_line_chart_has_one_point_per_bucket() -> None:
    root = chart(Style.LINE, Plotted("계약 금액", (5_000_000, 0, 12_000_000)))
    points = root.findall("svg:circle", NS)
    assert [p.get("data-value") for p in points] == ["5000000", "0", "12000000"]
    assert len(root.findall("svg:polyline", NS)) == 1
    ys = [float(p.get("cy", "")) for p in points]
    assert ys[2] < ys[0] < ys[1]  # higher values are drawn higher up


def test_an_empty_chart_still_draws_its_axis() -> None:
    root = chart(Style.GROUPED, Plotted("공고", (0, 0, 0)))
    assert bars(root) == []
    assert [t.text for t in root.findall("svg:text", NS) if t.get("text-anchor") == "end"] == ["0", "1", "2", "3", "4"]


def test_many_buckets_show_at_most_twelve_names() -> None:
    labels = tuple(f"d{i}" for i in range(31))
    root = chart(Style.GROUPED, Plotted("공고", (1,) * 31), labels=labels)
    names = [t.text for t in root.findall("svg:text", NS) if t.get("text-anchor") == "middle"]
    assert 1 < len(names) <= 12
    assert names[0] == "d0"


def test_a_series_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="one value per label"):
        render(ident="x", title="t", description="d", labels=["a"], series=[Plotted("s", (1, 2))], style=Style.LINE)


@pytest.mark.parametrize(
    ("largest", "step"),
    [(0, 1), (3, 1), (4, 1), (5, 2), (9, 5), (40, 10), (41, 20), (1_380_000_000_000, 500_000_000_000)],
)
def test_the_grid_step_is_one_two_or_five_times_a_power_of_ten(largest: int, step: int) -> None:
    assert nice_step(largest) == step
    assert nice_step(largest) * 4 >= largest


def test_axis_amounts_are_short_in_korean_and_english() -> None:
    assert compact_won(1_380_000_000_000, "ko") == "1.4조"
    assert compact_won(250_000_000, "ko") == "2.5억"
    assert compact_won(30_000_000, "ko") == "3,000만"
    assert compact_won(0, "ko") == "0"
    assert compact_won(2_180_000_000_000, "en") == "₩2.2tn"
    assert compact_won(140_000_000, "en") == "₩140M"
    assert compact_won(500, "en") == "₩500"
