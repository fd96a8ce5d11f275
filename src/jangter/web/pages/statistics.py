"""The public statistics page (issue #9 point 6): a filter form (GET, no JavaScript needed), the totals of the
period, and one server-drawn SVG chart per group of series with the same figures in a table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from jangter.kernel.calendar import seoul_date
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.kernel.procurement import Category, Jurisdiction
from jangter.opendata import statistics
from jangter.opendata.domain.periods import GRANULARITY_LABELS, Granularity
from jangter.opendata.domain.request import parse_request
from jangter.web import charts
from jangter.web.http import Ctx
from jangter.web.i18n import choose_lang
from jangter.web.pages.forms import errors_by_field
from jangter.web.rendering import render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class DrawnChart:
    ident: str
    title: str
    svg: str
    series: list[statistics.Series]
    names: list[str]


def _draw(stats: statistics.Statistics, lang: str) -> list[DrawnChart]:
    labels = [b.short for b in stats.buckets]
    drawn = []
    for chart, members in stats.charts():
        title = chart.title_en if lang == "en" else chart.title_ko
        money = chart.unit is statistics.Unit.WON
        names = [s.spec.label_en if lang == "en" else s.spec.label_ko for s in members]
        totals = ", ".join(
            f"{name} {_shown(s.total, chart.unit, lang)}" for name, s in zip(names, members, strict=True)
        )
        period = f"{stats.request.first.isoformat()} – {stats.request.last.isoformat()}"
        description = (
            f"{period}, {len(labels)} {'buckets' if lang == 'en' else '구간'}. "
            f"{'Totals' if lang == 'en' else '합계'}: {totals}."
        )
        svg = charts.render(
            ident=f"chart-{chart.key}",
            title=title,
            description=description,
            labels=labels,
            series=[charts.Plotted(name, s.values) for name, s in zip(names, members, strict=True)],
            style=charts.Style(chart.style.value),
            axis=(lambda v: charts.compact_won(v, lang)) if money else charts.format_count,
            value=(lambda v: _shown(v, statistics.Unit.WON, lang)) if money else charts.format_count,
        )
        drawn.append(DrawnChart(f"chart-{chart.key}", title, svg, members, names))
    return drawn


def _shown(value: int, unit: statistics.Unit, lang: str) -> str:
    if unit is statistics.Unit.WON:
        return f"₩{value:,}" if lang == "en" else f"{value:,}원"
    return f"{value:,}"


@router.get("/statistics", response_class=HTMLResponse)
def statistics_page(request: Request, ctx: Ctx) -> HTMLResponse:
    lang = choose_lang(request)
    raw = {name: request.query_params.get(name) for name in ("from", "to", "granularity", "agency_type", "category")}
    values = {k: (v or "").strip() for k, v in raw.items()}
    context: dict[str, Any] = {
        "f": values,
        "granularities": [(g.value, GRANULARITY_LABELS[g]) for g in Granularity],
        "agency_types": list(Jurisdiction),
        "categories": list(Category),
        "errors": {},
        "stats": None,
    }
    try:
        wanted = parse_request(raw, seoul_date(ctx.clock.now()))
    except (DomainError, ValidationProblems) as exc:
        context["errors"] = errors_by_field(exc, lang)
        return render(request, "statistics.html", context, status=422)
    stats = statistics.compute(ctx, wanted)
    query = urlencode(wanted.as_query())
    context.update(
        f=wanted.as_query() | {"from": wanted.first.isoformat(), "to": wanted.last.isoformat()},
        stats=stats,
        charts=_draw(stats, lang),
        totals={s.spec.key: s.total for s in stats.series},
        json_url=f"/api/v1/statistics?{query}",
        csv_url=f"/api/v1/statistics.csv?{query}",
    )
    return render(request, "statistics.html", context)
