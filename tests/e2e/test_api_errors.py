"""Every refused request says why: RFC 9457 problem+json with a stable code (issue #3 "Bad input")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jangter.identity.orm import Organisation
from jangter.identity.security_log import SecurityEvent
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from tests.e2e.conftest import token
from tests.support import DEADLINE, OPENING, PASSWORD, World, brn, firm_body, make_world

PROBLEM = "application/problem+json"


def notice_json(**changes: Any) -> dict[str, Any]:
    body = {
        "title": "사무용 복합기 구매",
        "category": "goods",
        "region": "11",
        "base_amount": 100_000_000,
        "estimated_price": 90_909_090,
        "bid_start_at": "2026-11-02T09:00:00+09:00",
        "deadline_at": DEADLINE.isoformat(),
        "opening_at": OPENING.isoformat(),
    }
    return body | changes


def plan_via_api(client: TestClient, officer: dict[str, str], category: str = "goods") -> str:
    """The agency publishes an order-plan item over the API (koneps-rules §2.1: notices are published against one)."""
    body = {"year": 2026, "quarter": 4, "title": "청사 물품 구매 계획", "category": category, "amount": 110_000_000}
    created = client.post("/api/v1/order-plans", json=body, headers=officer)
    assert created.status_code == 201, created.text
    return str(created.json()["number"])


def closed_spec_via_api(
    client: TestClient, officer: dict[str, str], clock: OffsetClock, category: str, estimated_price: int
) -> str:
    """The agency published the pre-specification ten days ago over the API (koneps-rules §2.2): its period is over."""
    back = clock.now()
    clock.set(back - timedelta(days=10))
    try:
        body = {"title": "사전규격", "category": category, "estimated_price": estimated_price, "description": "규격서"}
        created = client.post("/api/v1/pre-specifications", json=body, headers=officer)
    finally:
        clock.set(back)
    assert created.status_code == 201, created.text
    return str(created.json()["number"])


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert body["status"] == status and body["type"] == f"/problems/{code}" and body["detail"]
    return body


@pytest.fixture
def world(ctx: AppContext) -> World:
    return make_world(ctx, firms=2)


def test_a_wrong_business_registration_number_is_refused(client: TestClient, ctx: AppContext) -> None:
    body: dict[str, Any] = firm_body("새업체", "124-81-00997", "new@firm.kr")
    refused = problem(client.post("/api/v1/firms", json=body), 422, "business_number_check_digit")
    assert refused["errors"][0]["field"] == "business_number"
    assert "검증번호" in refused["detail"]
    english = client.post("/api/v1/firms", json=body, headers={"Accept-Language": "en"}).json()
    assert "check digit" in english["detail"]
    accepted = client.post("/api/v1/firms", json=body | {"business_number": brn("124810099")})
    assert accepted.status_code == 201
    duplicate = client.post(
        "/api/v1/firms",
        json=body | {"business_number": brn("124810099"), "admin": body["admin"] | {"email": "x@firm.kr"}},
    )
    problem(duplicate, 409, "business_number_taken")
    # issue #6 "bad input": each refusal is in the security log, and nothing was half-registered
    with ctx.db.reading() as session:
        logged = session.scalars(select(SecurityEvent).where(SecurityEvent.kind == "registration")).all()
        firms = session.scalar(select(func.count()).select_from(Organisation).where(Organisation.kind == "supplier"))
    assert [e.detail["codes"] for e in logged] == [
        ["business_number_check_digit"],
        ["business_number_check_digit"],
        ["business_number_taken"],
    ]
    assert firms == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        (
            {"deadline_at": "2026-11-11T10:30:00+09:00", "opening_at": "2026-11-11T11:30:00+09:00"},
            "deadline_not_on_the_hour",
        ),
        (
            {"deadline_at": "2026-11-06T10:00:00+09:00", "opening_at": "2026-11-06T11:00:00+09:00"},
            "announcement_period_too_short",
        ),
    ],
)
def test_publication_rule_breaches_are_refused(
    client: TestClient, world: World, changes: dict[str, str], code: str
) -> None:
    officer = token(client, "officer@gov.kr", PASSWORD)
    plan = plan_via_api(client, officer)
    number = client.post("/api/v1/notices", json=notice_json(order_plan=plan, **changes), headers=officer).json()[
        "number"
    ]
    refused = problem(client.post(f"/api/v1/notices/{number}/publish", headers=officer), 422, code)
    assert refused["errors"][0]["field"] == "deadline_at"
    assert client.get(f"/api/v1/notices/{number}", headers=officer).json()["status"] == "draft"


def test_times_without_an_offset_are_refused(client: TestClient, world: World) -> None:
    officer = token(client, "officer@gov.kr", PASSWORD)
    response = client.post("/api/v1/notices", json=notice_json(deadline_at="2026-11-11T10:00:00"), headers=officer)
    assert problem(response, 422, "invalid_timezone_aware")["errors"][0]["field"] == "deadline_at"


@pytest.mark.parametrize("body", [{"amount": 87_650_000, "picks": [1, 2]}, {"amount": 1.5}, {}])
def test_a_bid_in_the_clear_is_refused_only_sealed_envelopes_are_accepted(
    client: TestClient, world: World, body: dict[str, object]
) -> None:
    # The server must never receive an amount: a plaintext bid is not even a valid request (AT-14: no client
    # values other than the envelope are accepted).
    number = world.publish()
    bidder = token(client, "bid0@firm.kr", PASSWORD)
    refused = client.post(f"/api/v1/notices/{number}/bids", json=body, headers=bidder)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith(PROBLEM)
    assert "ciphertext" in {e["field"] for e in refused.json()["errors"]}  # what a sealed bid must carry


def test_a_bid_with_client_supplied_reserve_values_is_refused(client: TestClient, world: World) -> None:
    number = world.publish()
    bidder = token(client, "bid0@firm.kr", PASSWORD)
    envelope = world.seal(number, 0, 90_000_000, (1, 2)) | {"reserve_price": 1, "preliminary_prices": [1] * 15}
    refused = client.post(f"/api/v1/notices/{number}/bids", json=envelope, headers=bidder)
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"reserve_price", "preliminary_prices"}


def test_a_malformed_envelope_is_refused_with_an_actionable_problem(client: TestClient, world: World) -> None:
    number = world.publish()
    bidder = token(client, "bid0@firm.kr", PASSWORD)
    envelope = world.seal(number, 0, 90_000_000, (1, 2))
    body = problem(
        client.post(f"/api/v1/notices/{number}/bids", json=envelope | {"suite": "rsa"}, headers=bidder),
        422,
        "envelope_suite",
    )
    assert body["errors"][0]["field"] == "envelope"
    english = client.post(
        f"/api/v1/notices/{number}/bids", json=envelope | {"order": 3}, headers=bidder | {"Accept-Language": "en"}
    ).json()
    assert english["code"] == "envelope_stale_order" and "seal the bid again" in english["detail"]


def test_a_second_bid_and_a_late_bid_are_refused(client: TestClient, world: World, clock: OffsetClock) -> None:
    number = world.publish()
    first = token(client, "bid0@firm.kr", PASSWORD)
    assert (
        client.post(
            f"/api/v1/notices/{number}/bids", json=world.seal(number, 0, 90_000_000, (1, 2)), headers=first
        ).status_code
        == 201
    )
    problem(
        client.post(f"/api/v1/notices/{number}/bids", json=world.seal(number, 0, 89_000_000, (1, 2)), headers=first),
        409,
        "bid_already_submitted",
    )
    late_envelope = world.seal(number, 1, 89_000_000, (1, 2))
    clock.set(DEADLINE + timedelta(milliseconds=1))
    second = token(client, "bid1@firm.kr", PASSWORD)
    late = problem(
        client.post(f"/api/v1/notices/{number}/bids", json=late_envelope, headers=second), 409, "bid_deadline_passed"
    )
    assert "마감" in late["detail"]


def test_an_opening_before_the_opening_time_is_refused(client: TestClient, world: World, clock: OffsetClock) -> None:
    number = world.publish()
    clock.set(DEADLINE + timedelta(minutes=5))
    official = token(client, "official@gov.kr", PASSWORD)
    problem(client.post(f"/api/v1/notices/{number}/open", headers=official), 409, "opening_too_early")


def test_missing_and_bad_credentials(client: TestClient, world: World) -> None:
    anonymous = client.post("/api/v1/notices", json=notice_json())
    problem(anonymous, 401, "login_required")
    assert anonymous.headers["www-authenticate"] == "Bearer"
    problem(client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"}), 401, "token_invalid")
    problem(
        client.post("/api/v1/auth/token", data={"username": "officer@gov.kr", "password": "wrong"}),
        401,
        "invalid_credentials",
    )
    bidder = token(client, "bid0@firm.kr", PASSWORD)
    problem(client.post("/api/v1/notices", json=notice_json(), headers=bidder), 403, "role_required")


def test_unknown_things_are_404_problems(client: TestClient) -> None:
    problem(client.get("/api/v1/notices/R26BK99999999"), 404, "notice_not_found")
    problem(client.get("/api/v1/notices/not-a-number"), 404, "invalid_notice_number")
    problem(client.get("/api/v1/nothing-here"), 404, "not_found")


def test_repeated_failed_sign_ins_lock_the_account(client: TestClient, world: World) -> None:
    for _ in range(5):
        problem(
            client.post("/api/v1/auth/token", data={"username": "bid0@firm.kr", "password": "nope"}),
            401,
            "invalid_credentials",
        )
    problem(
        client.post("/api/v1/auth/token", data={"username": "bid0@firm.kr", "password": PASSWORD}),
        429,
        "account_locked",
    )


def test_creating_posts_honour_the_idempotency_key(client: TestClient, world: World) -> None:
    operator = token(client, "operator@pps.go.kr", PASSWORD)
    agency = {"name": "국토교통부", "agency_code": "1613000", "jurisdiction": "national", "region": "36"}
    first = client.post("/api/v1/agencies", json=agency, headers=operator | {"Idempotency-Key": "ag-1"})
    again = client.post("/api/v1/agencies", json=agency, headers=operator | {"Idempotency-Key": "ag-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    problem(
        client.post(
            "/api/v1/agencies", json=agency | {"name": "다른 기관"}, headers=operator | {"Idempotency-Key": "ag-1"}
        ),
        422,
        "idempotency_key_reused",
    )
    member = {"email": "new@molit.go.kr", "name": "새 담당자", "password": PASSWORD, "roles": ["procurement_officer"]}
    path = f"/api/v1/organisations/{first.json()['id']}/members"
    assert (
        client.post(path, json=member, headers=operator | {"Idempotency-Key": "m-1"}).json()
        == client.post(path, json=member, headers=operator | {"Idempotency-Key": "m-1"}).json()
    )
    firm = firm_body("(주)재시도", brn("555810123"), "retry@firm.kr")
    once = client.post("/api/v1/firms", json=firm, headers={"Idempotency-Key": "reg-1"})
    twice = client.post("/api/v1/firms", json=firm, headers={"Idempotency-Key": "reg-1"})
    assert once.status_code == twice.status_code == 201
    assert once.json()["id"] == twice.json()["id"]


def test_an_api_token_can_be_limited_to_scopes(client: TestClient, world: World) -> None:
    """Issue #6 point 2: machine clients get tokens with scopes; a call outside them is refused with 403."""
    number = world.publish()
    form = {"username": "bid0@firm.kr", "password": PASSWORD}
    unknown = client.post("/api/v1/auth/token", data=form | {"scope": "read everything"})
    problem(unknown, 400, "invalid_scope")
    issued = client.post("/api/v1/auth/token", data=form | {"scope": "read"}).json()
    assert issued["scope"] == "read"
    reader = {"Authorization": f"Bearer {issued['access_token']}"}
    assert client.get("/api/v1/me/bids", headers=reader).status_code == 200
    envelope = world.seal(number, 0, 90_000_000, (1, 2))
    problem(client.post(f"/api/v1/notices/{number}/bids", json=envelope, headers=reader), 403, "insufficient_scope")
    bidding = client.post("/api/v1/auth/token", data=form | {"scope": "bid read"}).json()
    bidder = {"Authorization": f"Bearer {bidding['access_token']}"}
    assert client.post(f"/api/v1/notices/{number}/bids", json=envelope, headers=bidder).status_code == 201
    full = client.post("/api/v1/auth/token", data=form).json()
    assert full["scope"] == "account bid contract manage read"
