"""The whole spine through the HTTP API: register → approve → publish → bid (3 firms) → open → award."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from jangter.identity.domain.roles import Role
from jangter.identity.service import (
    NewAgency,
    NewPerson,
    actor_of_person,
    add_member,
    bootstrap_operator,
    create_agency,
)
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.procurement import Jurisdiction
from tests.e2e.conftest import token
from tests.support import DEADLINE, OPENING, PASSWORD, brn

NOTICE = {
    "title": "정부세종청사 냉난방기 교체 공사",
    "category": "works",
    "region": "36",
    "base_amount": 842_000_000,
    "estimated_price": 765_454_545,
    "a_value": 31_500_000,
    "bid_start_at": "2026-11-02T09:00:00+09:00",
    "deadline_at": DEADLINE.isoformat(),
    "opening_at": OPENING.isoformat(),
}


def _agency(ctx: AppContext) -> None:
    operator = actor_of_person(
        ctx,
        bootstrap_operator(
            ctx, "조달청", NewPerson("operator@pps.go.kr", "운영자", PASSWORD, frozenset({Role.OPERATOR}))
        ),
    )
    agency = create_agency(ctx, operator, NewAgency("행정안전부", None, "1741000", Jurisdiction.NATIONAL, "36"))
    add_member(
        ctx,
        operator,
        agency,
        NewPerson("officer@mois.go.kr", "계약관", PASSWORD, frozenset({Role.PROCUREMENT_OFFICER})),
    )
    add_member(
        ctx, operator, agency, NewPerson("official@mois.go.kr", "집행관", PASSWORD, frozenset({Role.BID_OFFICIAL}))
    )


def test_a_notice_goes_from_draft_to_award_through_the_api(
    client: TestClient, ctx: AppContext, clock: OffsetClock
) -> None:
    _agency(ctx)
    operator = token(client, "operator@pps.go.kr", PASSWORD)
    officer = token(client, "officer@mois.go.kr", PASSWORD)
    official = token(client, "official@mois.go.kr", PASSWORD)

    bidders = []
    for i, name in enumerate(["(주)한빛건설", "동해토건(주)", "(주)바른설비"]):
        firm = client.post(
            "/api/v1/firms",
            json={
                "name": name,
                "business_number": brn(f"31081{i:04d}"),
                "representative": f"대표{i}",
                "address": "세종특별자치시 한누리대로 2130",
                "region": "36",
                "admin": {"email": f"bid{i}@firm.kr", "name": f"입찰자{i}", "password": PASSWORD},
            },
        )
        assert firm.status_code == 201, firm.text
        assert firm.json()["registration_status"] == "waiting"
        review = client.post(
            f"/api/v1/firms/{firm.json()['id']}/review", json={"decision": "approved"}, headers=operator
        )
        assert review.json()["registration_status"] == "approved"
        bidders.append(token(client, f"bid{i}@firm.kr", PASSWORD))

    created = client.post("/api/v1/notices", json=NOTICE, headers=officer | {"Idempotency-Key": "draft-1"})
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    assert created.headers["location"] == f"/api/v1/notices/{number}"
    replay = client.post("/api/v1/notices", json=NOTICE, headers=officer | {"Idempotency-Key": "draft-1"})
    assert replay.json()["number"] == number

    published = client.post(f"/api/v1/notices/{number}/publish", headers=officer)
    assert published.status_code == 200, published.text
    body = published.json()
    assert body["status"] == "published" and body["display_number"] == f"{number}-000"
    assert body["award_floor_rate"]["value"] == "89.745"
    assert body["award_floor_rate"]["version"] == "national-2026.01.30"
    assert body["minimum_announcement_days"]["value"] == 7

    listed = client.get("/api/v1/notices", params={"status": "published"}).json()
    assert [n["number"] for n in listed["items"]] == [number]

    amounts = [770_150_000, 768_400_000, 781_900_000]
    receipts = []
    for headers, amount, picks in zip(bidders, amounts, [[2, 9], [9, 14], [2, 5]], strict=True):
        response = client.post(
            f"/api/v1/notices/{number}-000/bids",
            json={"amount": amount, "picks": picks},
            headers=headers | {"Idempotency-Key": f"bid-{amount}"},
        )
        assert response.status_code == 201, response.text
        receipts.append(response.json())
    again = client.post(
        f"/api/v1/notices/{number}/bids",
        json={"amount": amounts[0], "picks": [2, 9]},
        headers=bidders[0] | {"Idempotency-Key": f"bid-{amounts[0]}"},
    )
    assert again.status_code == 201 and again.json() == receipts[0]

    assert client.get(f"/api/v1/notices/{number}/results").json() == []
    assert client.get(f"/api/v1/notices/{number}", headers=officer).json()["bid_count"] == 3
    assert client.get(f"/api/v1/notices/{number}").json()["bid_count"] is None

    clock.set(OPENING + timedelta(minutes=1))
    assert client.get("/api/v1/me", headers=official).status_code == 401  # API tokens expire after 12 hours
    official = token(client, "official@mois.go.kr", PASSWORD)
    bidders = [token(client, f"bid{i}@firm.kr", PASSWORD) for i in range(3)]
    opened = client.post(f"/api/v1/notices/{number}/open", headers=official)
    assert opened.status_code == 200, opened.text
    result = opened.json()
    assert len(result["prices"]) == 15 and sum(p["pick_count"] for p in result["prices"]) == 6
    assert {b["amount"] for b in result["bids"]} == set(amounts)
    assert result["reserve_price"] > 0 and result["floor_price"] < result["reserve_price"]

    awarded = client.post(f"/api/v1/notices/{number}/award", headers=official)
    assert awarded.status_code == 200, awarded.text
    winners = [b for b in awarded.json()["bids"] if b["winner"]]
    assert len(winners) == 1 and winners[0]["rank"] == 1
    assert client.get(f"/api/v1/notices/{number}").json()["status"] == "awarded"

    mine = client.get("/api/v1/me/bids", headers=bidders[0]).json()
    assert mine[0]["amount"] == amounts[0] and mine[0]["rank"] is not None
    assert client.get("/api/v1/me", headers=bidders[0]).json()["roles"] == ["bidder", "company_admin"]
