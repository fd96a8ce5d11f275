"""The public statistics (issue #9 point 6) over HTTP: the page with its filter form and SVG charts, the same figures
as JSON and CSV, and bad parameters refused with a stable code."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

from fastapi.testclient import TestClient

from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.procurement import Category
from tests.e2e.test_api_errors import problem
from tests.e2e.test_pages import error_next_to
from tests.support import OPENING, make_world

PERIOD = {"from": "2026-11-02", "to": "2026-11-15", "granularity": "week"}


def series(body: dict[str, object]) -> dict[str, list[int]]:
    return {s["key"]: s["values"] for s in body["series"]}  # type: ignore[attr-defined]


def test_the_page_the_json_and_the_csv_show_the_same_figures(
    client: TestClient, ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=2)
    goods = world.publish(title="청사 LED 조명 교체 구매")
    world.publish(title="청사 주차장 포장 공사", category=Category.WORKS)
    world.bid(goods, 0, 89_100_000, (1, 5))
    world.bid(goods, 1, 88_700_000, (2, 6))
    sealed = client.get("/api/v1/statistics.csv", params=PERIOD).text + client.get("/statistics", params=PERIOD).text
    assert "89100000" not in sealed and "89,100,000" not in sealed  # nothing sealed, in any form
    clock.set(OPENING)
    world.open(goods)
    world.award(goods)

    answer = client.get("/api/v1/statistics", params=PERIOD)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["from"], body["to"], body["granularity"], body["timezone"]) == (
        "2026-11-02",
        "2026-11-15",
        "week",
        "Asia/Seoul",
    )
    assert [b["key"] for b in body["buckets"]] == ["2026-W45", "2026-W46"]
    figures = series(body)
    assert figures["notices"] == [2, 0] and figures["openings"] == [0, 1] and figures["awards"] == [0, 1]
    assert figures["failed"] == [0, 0] and figures["contracts"] == [0, 0]
    works = client.get("/api/v1/statistics", params=PERIOD | {"category": "works", "agency_type": "national"}).json()
    assert series(works)["notices"] == [1, 0] and series(works)["awards"] == [0, 0]
    assert series(client.get("/api/v1/statistics", params=PERIOD | {"agency_type": "local"}).json())["notices"] == [
        0,
        0,
    ]

    download = client.get("/api/v1/statistics.csv", params=PERIOD)
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert 'filename="jangter-statistics-2026-11-02-2026-11-15-week.csv"' in download.headers["content-disposition"]
    assert download.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [r["bucket"] for r in rows] == ["2026-W45", "2026-W46"]
    assert {k: [int(r[k]) for r in rows] for k in figures} == figures

    page = client.get("/statistics", params=PERIOD)
    assert page.status_code == 200
    html = page.text
    assert 'aria-current="page"' in html and ">통계<" in html  # in the main menu
    assert html.count('role="img"') == 5  # activity, contracts, contract amounts, payments, helpdesk tickets
    assert len(re.findall(r'<rect class="bar"[^>]*data-value="2"', html)) == 1  # two notices in week 45
    assert 'aria-labelledby="chart-activity-title chart-activity-desc"' in html
    totals = dict(re.findall(r'data-series="(\w+)">([^<]+)<', html))
    assert totals["notices"] == "2건" and totals["awards"] == "1건" and totals["contract_amount"] == "0원"
    links = {unescape(u) for u in re.findall(r'href="(/api/v1/statistics[^"]*)"', html)}
    assert "/api/v1/statistics?from=2026-11-02&to=2026-11-15&granularity=week" in links
    assert "/api/v1/statistics.csv?from=2026-11-02&to=2026-11-15&granularity=week" in links
    assert 'value="2026-11-02"' in html and '<option value="week" selected>' in html
    assert '<th scope="row">2026-W45</th>' in html  # the same figures as a table

    english = client.get("/statistics", params=PERIOD | {"lang": "en"})
    assert "Procurement statistics" in english.text and "Paid to subcontractors" in english.text
    assert "2 notices" not in english.text and "Notices" in english.text


def test_the_page_defaults_to_twelve_weeks_ending_today(client: TestClient, ctx: AppContext) -> None:
    page = client.get("/statistics")
    assert page.status_code == 200
    assert 'value="2026-08-17"' in page.text and 'value="2026-11-02"' in page.text  # Monday 2 Nov 2026 is today
    assert page.text.count('role="img"') == 5
    assert "2026-W45" in page.text


def test_bad_parameters_are_refused_with_a_stable_code(client: TestClient, ctx: AppContext) -> None:
    refused = problem(client.get("/api/v1/statistics", params={"from": "2026-02-30"}), 422, "date_invalid")
    assert refused["errors"][0]["field"] == "from"
    problem(client.get("/api/v1/statistics", params={"from": "2026-11-10", "to": "2026-11-01"}), 422, "period_reversed")
    long = {"from": "2020-01-01", "to": "2026-11-01", "granularity": "day"}
    english = client.get("/api/v1/statistics.csv", params=long, headers={"Accept-Language": "en"})
    assert "too long" in problem(english, 422, "period_too_long")["detail"]
    several = problem(
        client.get("/api/v1/statistics", params={"granularity": "year", "category": "food"}), 422, "invalid_input"
    )
    assert sorted((e["field"], e["code"]) for e in several["errors"]) == [
        ("category", "choice_invalid"),
        ("granularity", "choice_invalid"),
    ]
    page = client.get("/statistics", params={"from": "2026-11-10", "to": "2026-11-01"})
    assert page.status_code == 422
    assert "끝 날짜가 시작 날짜보다 앞섭니다" in error_next_to(page.text, "to")
    assert 'value="2026-11-10"' in page.text  # what was typed stays
    assert 'role="img"' not in page.text
