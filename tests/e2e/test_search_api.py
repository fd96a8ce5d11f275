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


def test_saved_searches_and_recommendations_through_the_pages_and_the_api(client: TestClient, ctx: AppContext) -> None:
    from tests.e2e.conftest import token
    from tests.e2e.test_pages import csrf_of, sign_in
    from tests.support import PASSWORD

    world = make_world(ctx, firms=1)
    number = world.publish(title="서울 한강공원 수목 관리 용역", category=Category.SERVICES)
    sign_in(client, "bid0@firm.kr")
    listing = client.get("/notices", params={"q": "수목", "category": "services"})
    assert 'action="/my/searches"' in listing.text and 'name="q" value="수목"' in listing.text
    saved_page = client.post(
        "/my/searches",
        data={"csrf": csrf_of(listing.text), "name": "수목 관리", "alert": "on", "q": "수목", "category": "services"},
    )
    assert (
        saved_page.status_code == 200
        and "수목 관리" in saved_page.text
        and "검색 조건을 저장했습니다" in saved_page.text
    )
    assert "/notices?q=%EC%88%98%EB%AA%A9&amp;category=services" in saved_page.text  # runs the search again
    empty_name = client.post("/my/searches", data={"csrf": csrf_of(listing.text), "name": "", "q": "수목"})
    assert empty_name.status_code == 422 and "이름" in empty_name.text

    headers = token(client, "bid0@firm.kr", PASSWORD)
    [mine] = client.get("/api/v1/me/searches", headers=headers).json()
    assert mine["query"]["text"] == "수목" and mine["query"]["category"] == "services" and mine["alert"] is True
    made = client.post(
        "/api/v1/me/searches",
        json={"name": "큰 공사", "query": {"category": "works", "amount_min": 1_000_000_000}, "alert": False},
        headers=headers,
    )
    assert made.status_code == 201 and made.headers["location"].endswith(f"/{made.json()['id']}")
    switched = client.post(f"/api/v1/me/searches/{mine['id']}/alert", json={"alert": False}, headers=headers)
    assert switched.json()["alert"] is False
    assert client.delete(f"/api/v1/me/searches/{made.json()['id']}", headers=headers).status_code == 204
    assert [s["name"] for s in client.get("/api/v1/me/searches", headers=headers).json()] == ["수목 관리"]
    bad = client.post("/api/v1/me/searches", json={"name": "x", "query": {"amount_min": -5}}, headers=headers)
    assert bad.status_code == 422

    suggestions = client.get("/api/v1/me/recommendations", headers=headers).json()
    assert [s["notice"]["number"] for s in suggestions] == [number] and suggestions[0]["reasons"]
    page = client.get("/my/recommendations")
    assert page.status_code == 200 and "서울 한강공원 수목 관리 용역" in page.text


def test_similar_notices_have_their_own_page_and_route(client: TestClient, ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    one = world.publish(title="본관 냉난방기 교체")
    two = world.publish(title="별관 냉난방기 점검")
    world.publish(title="사무용 의자 구매")
    notice_page = client.get(f"/notices/{one}")
    assert f'href="/notices/{one}/similar"' in notice_page.text
    page = client.get(f"/notices/{one}/similar")
    assert page.status_code == 200 and f'href="/notices/{two}"' in page.text and "<mark>냉난방기</mark>" in page.text
    body = client.get(f"/api/v1/notices/{one}/similar").json()
    assert [i["number"] for i in body["items"]] == [two] and body["search"]["mode"] == "engine"
    assert client.get("/api/v1/notices/R26BK99999999/similar").status_code == 404
