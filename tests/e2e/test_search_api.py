"""Search through the API and the page (issue #7 point 1): words, filters, sorts, highlights, pages; bad input gets
a clear answer next to the field."""

from __future__ import annotations

from fastapi.testclient import TestClient

from jangter.kernel.context import AppContext
from jangter.kernel.procurement import Category
from tests.e2e.test_pages import error_next_to
from tests.support import make_world


def test_the_api_searches_filters_sorts_and_marks_the_words(client: TestClient, ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    led = world.publish(title="청사 LED 조명 교체 구매", base_amount=86_900_000, estimated_price=79_000_000)
    road = world.publish(title="도로 포장 공사", category=Category.WORKS, base_amount=500_000_000, a_value=0)
    body = client.get("/api/v1/notices", params={"q": "led 조명"}).json()
    assert body["search"]["mode"] == "engine" and body["search"]["engine"] in ("sqlite-fts5", "postgresql-tsvector")
    [item] = body["items"]
    assert item["number"] == led
    assert [p["text"] for p in item["title_marked"] if p["match"]] == ["LED", "조명"]
    assert [i["number"] for i in client.get("/api/v1/notices", params={"sort": "amount"}).json()["items"]] == [
        road,
        led,
    ]
    only_works = client.get("/api/v1/notices", params={"category": "works", "amount_min": 100_000_000}).json()
    assert [i["number"] for i in only_works["items"]] == [road] and only_works["search"]["mode"] == "list"
    assert client.get("/api/v1/notices", params={"q": road}).json()["search"]["mode"] == "number"
    refused = client.get("/api/v1/notices", params={"amount_min": -1})
    assert refused.status_code == 422 and refused.headers["content-type"].startswith("application/problem+json")
    bad_cursor = client.get("/api/v1/notices", params={"cursor": "not-a-cursor"})
    assert bad_cursor.status_code == 400 and bad_cursor.json()["code"] == "cursor_invalid"
    first = client.get("/api/v1/notices", params={"limit": 1, "sort": "newest"}).json()
    second = client.get("/api/v1/notices", params={"limit": 1, "sort": "newest", "cursor": first["next_cursor"]}).json()
    assert {first["items"][0]["number"], second["items"][0]["number"]} == {led, road}
    assert second["next_cursor"] is None


def test_the_page_searches_without_javascript_and_says_what_is_wrong(client: TestClient, ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    world.publish(title="서울 한강공원 수목 관리 용역", category=Category.SERVICES)
    page = client.get("/notices", params={"q": "수목", "sort": "deadline"})
    assert page.status_code == 200 and "<mark>수목</mark>" in page.text
    assert 'option value="deadline" selected' in page.text
    wrong = client.get("/notices", params={"amount_min": "백만", "deadline_to": "2026-13-01"})
    assert wrong.status_code == 200
    assert "숫자" in error_next_to(wrong.text, "amount_min")
    assert "YYYY-MM-DD" in error_next_to(wrong.text, "deadline_to")
    assert '<details class="more-filters" open>' in wrong.text
    english = client.get("/notices", params={"amount_min": "x", "lang": "en"})
    assert "digits only" in english.text
