"""The programme and briefing API (issue #9 point 3): problem+json with stable codes, the Idempotency-Key on
creating POSTs, and the live Q&A's ``answers?after=`` cursor."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from tests.e2e.conftest import token
from tests.e2e.test_api_errors import plan_via_api, problem
from tests.support import PASSWORD, make_world


def test_programmes_and_briefings_over_the_api(client: TestClient, ctx: AppContext, clock: OffsetClock) -> None:
    make_world(ctx, firms=1)
    officer = token(client, "officer@gov.kr", PASSWORD)
    firm = token(client, "bid0@firm.kr", PASSWORD)
    body = {"name": "2027년 전자정부지원사업", "year": 2027, "budget": 69_400_000_000}
    problem(client.post("/api/v1/programmes", json=body, headers=firm), 403, "role_required")
    bad = problem(
        client.post("/api/v1/programmes", json=body | {"budget": -5, "year": 1990}, headers=officer),
        422,
        "invalid_input",
    )
    assert {p["field"] for p in bad["errors"]} == {"budget", "year"}
    key = {"Idempotency-Key": "egov-2027"}
    made = client.post("/api/v1/programmes", json=body, headers=officer | key)
    again = client.post("/api/v1/programmes", json=body, headers=officer | key)
    assert made.status_code == again.status_code == 201 and made.json()["id"] == again.json()["id"]
    problem(
        client.post("/api/v1/programmes", json=body | {"budget": 1}, headers=officer | key),
        422,
        "idempotency_key_reused",
    )
    programme = made.json()["id"]
    assert made.headers["Location"] == f"/api/v1/programmes/{programme}"
    assert [p["id"] for p in client.get("/api/v1/programmes").json()] == [programme]

    plan = plan_via_api(client, officer, "services")
    project = {
        "title": "범정부 클라우드 전환",
        "agency": "행정안전부",
        "budget": 9_000_000_000,
        "service_type": "administrative",
        "stage": 3,
        "continuing": True,
        "multi_year": True,
        "technologies": ["cloud"],
        "plan_items": [plan],
    }
    unknown = client.post(
        f"/api/v1/programmes/{programme}/projects", json=project | {"plan_items": ["R26DD99999999"]}, headers=officer
    )
    problem(unknown, 422, "order_plan_not_found")
    problem(
        client.post("/api/v1/programmes/999999/projects", json=project, headers=officer), 404, "programme_not_found"
    )
    added = client.post(f"/api/v1/programmes/{programme}/projects", json=project, headers=officer)
    assert added.status_code == 201 and added.json()["projects"][0]["plan_items"] == [plan]
    assert added.json()["projects"][0]["progress"] == {
        "budget": 9_000_000_000,
        "ordered": 0,
        "contracted": 0,
        "notices": 0,
        "contracts": 0,
    }

    start = clock.now() + timedelta(days=1)
    briefing_body = {
        "title": "설명회",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "projects": [1],
    }
    naive = client.post(
        f"/api/v1/programmes/{programme}/briefings",
        json=briefing_body | {"starts_at": "2026-12-01T10:00:00"},
        headers=officer,
    )
    assert naive.status_code == 422
    scheduled = client.post(f"/api/v1/programmes/{programme}/briefings", json=briefing_body, headers=officer)
    assert scheduled.status_code == 201 and scheduled.json()["phase"] == "advance"
    briefing = scheduled.json()["id"]

    ask = {"question": "DB 이관이 포함됩니까?", "project": 1}
    first = client.post(f"/api/v1/briefings/{briefing}/questions", json=ask, headers=firm | {"Idempotency-Key": "q1"})
    retry = client.post(f"/api/v1/briefings/{briefing}/questions", json=ask, headers=firm | {"Idempotency-Key": "q1"})
    assert first.status_code == retry.status_code == 201 and first.json()["number"] == retry.json()["number"] == 1
    problem(
        client.post(f"/api/v1/briefings/{briefing}/questions", json={"question": "x", "project": 7}, headers=firm),
        422,
        "project_unknown",
    )
    problem(
        client.post(f"/api/v1/briefings/{briefing}/questions/1/answer", json={"answer": "네"}, headers=firm),
        403,
        "role_required",
    )
    answered = client.post(
        f"/api/v1/briefings/{briefing}/questions/1/answer", json={"answer": "포함됩니다."}, headers=officer
    )
    assert answered.status_code == 200 and answered.json()["answer_order"] == 1
    problem(
        client.post(f"/api/v1/briefings/{briefing}/questions/1/answer", json={"answer": "다시"}, headers=officer),
        409,
        "question_answered",
    )
    live = client.get(f"/api/v1/briefings/{briefing}/answers", params={"after": 0}).json()
    assert [q["answer"] for q in live["answered"]] == ["포함됩니다."] and live["waiting_count"] == 0

    clock.set(start + timedelta(hours=3))
    firm = token(client, "bid0@firm.kr", PASSWORD)  # a day later: the first token has expired
    problem(
        client.post(f"/api/v1/briefings/{briefing}/questions", json={"question": "늦은 질의"}, headers=firm),
        409,
        "briefing_ended",
    )
    assert client.get(f"/api/v1/briefings/{briefing}").json()["phase"] == "ended"
