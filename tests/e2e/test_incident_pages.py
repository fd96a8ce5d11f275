"""Incident pages and API (issue #9 point 5; koneps-rules §2.6): the operator declares an outage (errors next to the
field), previews, must confirm, runs; the notice says why its dates moved; the public status page lists the
incident; a signed-in person watches a notice; the API answers problem+json with stable codes."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from jangter.kernel.calendar import to_seoul
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from tests.e2e.conftest import token
from tests.e2e.test_api_errors import problem
from tests.e2e.test_pages import csrf_of, error_next_to, sign_in
from tests.support import DEADLINE, PASSWORD, make_world


def local(value: object) -> str:
    return to_seoul(value).strftime("%Y-%m-%dT%H:%M")  # type: ignore[arg-type]


def test_an_operator_postpones_through_the_pages_and_the_notice_says_why(
    client: TestClient, ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish(title="청사 LED 조명 교체 구매")
    sign_in(client, "bid0@firm.kr")
    page = client.get(f"/notices/{number}")
    assert "관심공고 등록" in page.text
    watched = client.post(f"/notices/{number}/watch", data={"csrf": csrf_of(page.text), "watch": "yes"})
    assert "관심공고 해제" in watched.text

    clock.set(DEADLINE + timedelta(minutes=50))  # bidding was down from 09:30 to 10:20
    client.cookies.clear()
    sign_in(client, "operator@pps.go.kr")
    form = client.get("/operator/incidents")
    csrf = csrf_of(form.text)
    bad = client.post(
        "/operator/incidents",
        data={"csrf": csrf, "title": "", "started_at": local(DEADLINE - timedelta(minutes=30)), "ended_at": "x"},
    )
    assert bad.status_code == 422 and "장애 제목을 입력하십시오" in error_next_to(bad.text, "title")
    assert error_next_to(bad.text, "ended_at") and "장애가 난 기능을 고르십시오" in error_next_to(bad.text, "functions")
    declared = client.post(
        "/operator/incidents",
        data={
            "csrf": csrf,
            "title": "입찰서 제출 장애",
            "started_at": local(DEADLINE - timedelta(minutes=30)),
            "ended_at": local(DEADLINE + timedelta(minutes=20)),
            "functions": ["bidding"],
        },
    )
    assert "장애를 등록했습니다" in declared.text and "연기 대상 공고 1건, 알림 대상 1명" in declared.text
    path = str(declared.url).split("?")[0].removeprefix("http://testserver")
    unconfirmed = client.post(f"{path}/postpone", data={"csrf": csrf, "expected": "1"})
    assert unconfirmed.status_code == 422 and "확인했다고 표시" in error_next_to(unconfirmed.text, "confirm")
    done = client.post(f"{path}/postpone", data={"csrf": csrf, "expected": "1", "confirm": "yes"})
    assert "입찰 마감을 연기하고 알림을 보냈습니다" in done.text and number in done.text
    again = client.post(f"{path}/postpone", data={"csrf": csrf, "expected": "0", "confirm": "yes"})
    assert again.status_code == 409 and "연기할 공고가 없습니다" in again.text

    client.cookies.clear()
    notice = client.get(f"/notices/{number}")
    assert (
        "시스템 장애(입찰서 제출 장애)로 입찰 일정이 연기되었습니다." in notice.text
        and "koneps-rules §2.6" in notice.text
    )
    assert "마감 후 재개" not in notice.text  # it was still published (the worker had not closed it)
    status = client.get("/status")
    assert "입찰서 제출 장애" in status.text and "현재 진행 중인 장애가 없습니다" in status.text
    incident = client.get(path.replace("/operator/incidents", "/status"))
    assert number in incident.text and "연기된 공고 (1)" in incident.text
    assert "Dates moved after a system incident" in client.get(f"/notices/{number}", params={"lang": "en"}).text


def test_incidents_over_the_api(client: TestClient, ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    operator = token(client, "operator@pps.go.kr", PASSWORD)
    firm = token(client, "bid0@firm.kr", PASSWORD)
    assert client.put(f"/api/v1/notices/{number}/watch", headers=firm).status_code == 204
    assert client.put(f"/api/v1/notices/{number}/watch", headers=firm).status_code == 204  # twice is once
    problem(client.put("/api/v1/notices/R26BK99999999/watch", headers=firm), 404, "notice_not_found")
    problem(client.put(f"/api/v1/notices/{number}/watch"), 401, "login_required")

    clock.set(DEADLINE - timedelta(hours=1))
    operator = token(client, "operator@pps.go.kr", PASSWORD)
    firm = token(client, "bid0@firm.kr", PASSWORD)
    body = {"title": "전면 장애", "started_at": clock.now().isoformat(), "functions": ["whole"]}
    problem(client.post("/api/v1/incidents", json=body, headers=firm), 403, "role_required")
    problem(client.post("/api/v1/incidents", json=body | {"functions": []}, headers=operator), 422, "invalid_too_short")
    key = {"Idempotency-Key": "fire-1"}
    made = client.post("/api/v1/incidents", json=body, headers=operator | key)
    same = client.post("/api/v1/incidents", json=body, headers=operator | key)
    assert made.status_code == same.status_code == 201 and made.json()["id"] == same.json()["id"]
    incident = made.json()["id"]
    assert made.json()["ongoing"] and client.get("/api/v1/incidents").json()[0]["id"] == incident

    problem(client.get(f"/api/v1/incidents/{incident}/preview", headers=firm), 403, "role_required")
    preview = client.get(f"/api/v1/incidents/{incident}/preview", headers=operator).json()
    assert preview["provisional"] and preview["count"] == 1 and preview["moves"][0]["notice"] == number
    assert preview["moves"][0]["people"] == 1  # the watcher
    stale = client.post(f"/api/v1/incidents/{incident}/postponements", json={"expected": 5}, headers=operator)
    problem(stale, 409, "preview_outdated")
    run = client.post(f"/api/v1/incidents/{incident}/postponements", json={"expected": 1}, headers=operator)
    assert run.status_code == 201 and run.json() == {"run": 1, "moved": 1, "reopened": 0, "notified": 1}
    early = client.post(
        f"/api/v1/incidents/{incident}/recovery",
        json={"ended_at": (clock.now() + timedelta(hours=1)).isoformat()},
        headers=operator,
    )
    assert problem(early, 422, "invalid_input")["errors"][0]["code"] == "recovery_in_future"
    recovered = client.post(
        f"/api/v1/incidents/{incident}/recovery", json={"ended_at": clock.now().isoformat()}, headers=operator
    )
    assert recovered.status_code == 200 and not recovered.json()["ongoing"]
    shown = client.get(f"/api/v1/incidents/{incident}").json()
    assert [p["notice"] for p in shown["postponements"]] == [number] and shown["postponed"] == 1
    assert shown["postponements"][0]["new_deadline"] > shown["postponements"][0]["old_deadline"]
    assert client.delete(f"/api/v1/notices/{number}/watch", headers=firm).status_code == 204
