"""Programme and briefing pages (issue #9 point 3): the officer defines a programme and its projects and schedules a
briefing (errors next to the field), a firm asks, the moderator answers; anyone reads the programme, its progress
and the transcript without JavaScript, and the API gives the same."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from jangter.kernel.calendar import SEOUL
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.procurement import Category
from tests.e2e.test_pages import csrf_of, error_next_to, sign_in
from tests.support import make_world


def test_a_programme_and_its_briefing_through_the_pages(
    client: TestClient, ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=1)
    plan = world.plan(Category.SERVICES)
    sign_in(client, "officer@gov.kr")
    form = client.get("/programmes/new")
    csrf = csrf_of(form.text)
    bad = client.post(
        "/programmes/new", data={"csrf": csrf, "name": "2027년 전자정부지원사업", "year": "20x7", "budget": "0"}
    )
    assert bad.status_code == 422 and "정수로" in error_next_to(bad.text, "year")
    assert error_next_to(bad.text, "budget") and 'value="2027년 전자정부지원사업"' in bad.text
    made = client.post(
        "/programmes/new",
        data={"csrf": csrf, "name": "2027년 전자정부지원사업", "year": "2027", "budget": "69,400,000,000"},
    )
    assert "사업을 등록했습니다" in made.text and "69,400,000,000" in made.text
    path = urlpath(made)

    over = client.post(
        f"{path}/projects",
        data={
            "csrf": csrf,
            "title": "범정부 클라우드 전환",
            "agency": "행정안전부",
            "budget": "70,000,000,000",
            "service_type": "administrative",
            "stage": "3",
            "plan_items": plan,
        },
    )
    assert over.status_code == 422 and "남은 예산은 69,400,000,000원" in error_next_to(over.text, "project_budget")
    assert "계속사업입니다" in error_next_to(over.text, "project_continuing")
    added = client.post(
        f"{path}/projects",
        data={
            "csrf": csrf,
            "title": "범정부 클라우드 전환",
            "agency": "행정안전부",
            "budget": "9,000,000,000",
            "service_type": "administrative",
            "stage": "3",
            "continuing": "yes",
            "multi_year": "yes",
            "technologies": ["cloud", "ai"],
            "plan_items": plan.lower(),
        },
    )
    assert "과제를 추가했습니다" in added.text and plan in added.text and "장기계속계약" in added.text
    assert "클라우드" in added.text and "인공지능" in added.text

    start = (clock.now() + timedelta(days=3)).astimezone(SEOUL).replace(hour=14, minute=0, second=0, microsecond=0)
    briefing_form = {
        "csrf": csrf,
        "title": "2027년 전자정부지원사업 설명회",
        "stream_url": "https://stream.example/egov",
        "place": "정부세종청사",
        "projects": ["1"],
    }
    wrong = client.post(
        f"{path}/briefings",
        data=briefing_form
        | {"starts_at": start.strftime("%Y-%m-%dT%H:%M"), "ends_at": start.strftime("%Y-%m-%dT%H:%M")},
    )
    assert wrong.status_code == 422 and "시작보다 늦어야" in error_next_to(wrong.text, "briefing_ends_at")
    scheduled = client.post(
        f"{path}/briefings",
        data=briefing_form
        | {
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert "사업설명회를 공지했습니다" in scheduled.text and "사전 질의 접수 중" in scheduled.text
    briefing = urlpath(scheduled)

    client.cookies.clear()
    sign_in(client, "bid0@firm.kr")
    page = client.get(briefing)
    empty = client.post(f"{briefing}/questions", data={"csrf": csrf_of(page.text), "question": ""})
    assert empty.status_code == 422 and "질의 내용을 입력하십시오" in error_next_to(empty.text, "question")
    asked = client.post(
        f"{briefing}/questions",
        data={"csrf": csrf_of(page.text), "question": "기존 시스템 DB 이관이 범위에 포함됩니까?", "project": "1"},
    )
    assert "질의를 등록했습니다" in asked.text and "기존 시스템 DB 이관" in asked.text  # the asker sees its own

    client.cookies.clear()
    anonymous = client.get(briefing)
    assert "기존 시스템 DB 이관" not in anonymous.text and "답변 대기 중인 질의 1건" in anonymous.text
    sign_in(client, "officer@gov.kr")
    page = client.get(briefing)
    blank = client.post(f"{briefing}/questions/1/answer", data={"csrf": csrf_of(page.text), "answer": " "})
    assert blank.status_code == 422 and "답변을 입력하십시오" in error_next_to(blank.text, "answer_1")
    answered = client.post(
        f"{briefing}/questions/1/answer", data={"csrf": csrf_of(page.text), "answer": "포함됩니다 (약 2TB)."}
    )
    assert "답변을 게시했습니다" in answered.text

    client.cookies.clear()
    programme = client.get(path)
    assert "포함됩니다 (약 2TB)." in programme.text and "기존 시스템 DB 이관" in programme.text  # the transcript
    assert "1개 과제: 대국민 서비스 0 · 행정 서비스 1; 신규 0 · 계속 1; 장기계속계약 1" in programme.text
    assert "2027년 전자정부지원사업" in client.get("/programmes", params={"year": "2027"}).text
    english = client.get(path, params={"lang": "en"})
    assert "Administrative service" in english.text and "Questions and answers" in english.text
    api = client.get(f"/api/v1{briefing}/answers", params={"after": 0}).json()
    assert [(q["number"], q["answer"], q["live"]) for q in api["answered"]] == [(1, "포함됩니다 (약 2TB).", False)]
    assert api["last_answer"] == 1 and api["waiting"] == [] and api["phase"] == "advance"
    assert client.get(f"/api/v1{briefing}/answers", params={"after": 1}).json()["answered"] == []


def urlpath(response: object) -> str:
    url = str(response.url)  # type: ignore[attr-defined]
    found = re.search(r"/(programmes|briefings)/\d+", url)
    assert found, url
    return found.group(0)
