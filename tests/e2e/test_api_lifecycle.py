"""The whole spine through the HTTP API with sealed bids: register → signing keys → committee keys → publish →
sealed bids from 3 firms (both suites) → the committee opens → award → every receipt verifies offline."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from fastapi.testclient import TestClient

from jangter.bidding.domain.envelope import SuiteId
from jangter.client import sealing
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
from jangter.transparency.verifier import verify_export, verify_receipt
from jangter.worker import integrate_log
from tests.e2e.conftest import token
from tests.support import DEADLINE, OPENING, PASSWORD, brn, firm_body

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
PASSPHRASE = "each member's own passphrase"


def _agency(ctx: AppContext) -> None:
    operator = actor_of_person(
        ctx,
        bootstrap_operator(
            ctx, "조달청", NewPerson("operator@pps.go.kr", "운영자", PASSWORD, frozenset({Role.OPERATOR}))
        ),
    )
    agency = create_agency(ctx, operator, NewAgency("행정안전부", None, "1741000", Jurisdiction.NATIONAL, "36"))
    people = [("officer", Role.PROCUREMENT_OFFICER), ("official", Role.BID_OFFICIAL)]
    people += [(f"member{i}", Role.OPENING_COMMITTEE) for i in range(5)]
    for name, role in people:
        add_member(ctx, operator, agency, NewPerson(f"{name}@mois.go.kr", name, PASSWORD, frozenset({role})))


def test_a_notice_goes_from_draft_to_award_through_the_api(
    client: TestClient, ctx: AppContext, clock: OffsetClock
) -> None:
    _agency(ctx)
    operator = token(client, "operator@pps.go.kr", PASSWORD)
    officer = token(client, "officer@mois.go.kr", PASSWORD)
    for i in range(5):  # each committee member makes their own share key
        made = client.put(
            "/api/v1/me/committee-key",
            json={"passphrase": f"{PASSPHRASE} {i}"},
            headers=token(client, f"member{i}@mois.go.kr", PASSWORD),
        )
        assert made.status_code == 200, made.text

    bidders, signing_keys, numbers = [], [], []
    for i, name in enumerate(["(주)한빛건설", "동해토건(주)", "(주)바른설비"]):
        business_number = brn(f"31081{i:04d}")
        firm = client.post(
            "/api/v1/firms",
            json=firm_body(
                name,
                business_number,
                f"bid{i}@firm.kr",
                representative=f"대표{i}",
                address="세종특별자치시 한누리대로 2130",
                region="36",
                admin={"email": f"bid{i}@firm.kr", "name": f"입찰자{i}", "password": PASSWORD},
            ),
        )
        assert firm.status_code == 201, firm.text
        assert firm.json()["registration_status"] == "waiting"
        review = client.post(
            f"/api/v1/firms/{firm.json()['id']}/review", json={"decision": "approved"}, headers=operator
        )
        assert review.json()["registration_status"] == "approved"
        headers = token(client, f"bid{i}@firm.kr", PASSWORD)
        _, key = sealing.generate_signing_key()
        registered = client.post(
            f"/api/v1/firms/{firm.json()['id']}/signing-keys",
            json={"public_key": sealing.public_key_b64(key)},
            headers=headers,
        )
        assert registered.status_code == 201, registered.text
        bidders.append(headers)
        signing_keys.append(key)
        numbers.append(business_number)

    plan = {"year": 2026, "quarter": 4, "month": 11, "title": "냉난방기 교체", "category": "works", "amount": 9 * 10**8}
    planned = client.post("/api/v1/order-plans", json=plan, headers=officer)
    assert planned.status_code == 201, planned.text
    notice = NOTICE | {"order_plan": planned.json()["number"]}
    assert client.get(f"/api/v1/order-plans/{notice['order_plan']}").json()["notices"] == []  # public, no notice yet
    created = client.post("/api/v1/notices", json=notice, headers=officer | {"Idempotency-Key": "draft-1"})
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    assert created.headers["location"] == f"/api/v1/notices/{number}"
    assert (
        client.post("/api/v1/notices", json=notice, headers=officer | {"Idempotency-Key": "draft-1"}).json()["number"]
        == number
    )

    published = client.post(f"/api/v1/notices/{number}/publish", headers=officer)
    assert published.status_code == 200, published.text
    body = published.json()
    assert body["status"] == "published" and body["display_number"] == f"{number}-000"
    assert body["award_floor_rate"]["value"] == "89.745"
    assert body["award_floor_rate"]["version"] == "national-2026.01.30"
    assert body["minimum_announcement_days"]["value"] == 7
    assert body["opening_key"]["quorum"] == 3 and body["opening_key"]["size"] == 5
    assert [n["number"] for n in client.get("/api/v1/notices", params={"status": "published"}).json()["items"]] == [
        number
    ]

    # Each firm's client fetches the notice, checks the key's fingerprint and seals on its own side.
    notice_key = sealing.NoticeKey.from_api(client.get(f"/api/v1/notices/{number}").json())
    amounts = [770_150_000, 768_400_000, 781_900_000]
    suites = [SuiteId.P256, SuiteId.PQ, SuiteId.P256]
    receipts = []
    for i, (amount, picks) in enumerate(zip(amounts, [[2, 9], [9, 14], [2, 5]], strict=True)):
        envelope = sealing.seal(
            notice_key, firm=numbers[i], amount=amount, picks=picks, signing_key=signing_keys[i], suite=suites[i]
        ).as_document()
        response = client.post(
            f"/api/v1/notices/{number}-000/bids", json=envelope, headers=bidders[i] | {"Idempotency-Key": f"bid-{i}"}
        )
        assert response.status_code == 201, response.text
        assert str(amount) not in response.text
        receipts.append(response.json())
        retry = client.post(
            f"/api/v1/notices/{number}/bids", json=envelope, headers=bidders[i] | {"Idempotency-Key": f"bid-{i}"}
        )
        assert retry.status_code == 201 and retry.json()["receipt_id"] == response.json()["receipt_id"]

    assert client.get(f"/api/v1/notices/{number}/results").json() == []
    assert client.get(f"/api/v1/notices/{number}", headers=officer).json()["bid_count"] == 3
    assert client.get(f"/api/v1/notices/{number}").json()["bid_count"] is None

    clock.set(OPENING + timedelta(minutes=1))
    assert client.get("/api/v1/me", headers=officer).status_code == 401  # API tokens expire after 12 hours
    official = token(client, "official@mois.go.kr", PASSWORD)
    bidders = [token(client, f"bid{i}@firm.kr", PASSWORD) for i in range(3)]
    two = {
        "committee": [
            {"email": f"member{i}@mois.go.kr", "password": PASSWORD, "passphrase": f"{PASSPHRASE} {i}"} for i in (0, 3)
        ]
    }
    refused = client.post(f"/api/v1/notices/{number}/open", json=two, headers=official)
    assert refused.status_code == 409 and refused.json()["code"] == "quorum_not_met"
    three = {
        "committee": [
            *two["committee"],
            {"email": "member4@mois.go.kr", "password": PASSWORD, "passphrase": f"{PASSPHRASE} 4"},
        ]
    }
    opened = client.post(f"/api/v1/notices/{number}/open", json=three, headers=official)
    assert opened.status_code == 200, opened.text
    result = opened.json()
    assert len(result["prices"]) == 15 and sum(p["pick_count"] for p in result["prices"]) == 6
    assert {b["amount"] for b in result["bids"]} == set(amounts)
    assert result["reserve_price"] > 0 and result["floor_price"] < result["reserve_price"]

    # 적격심사 (koneps-rules §3.3): no award before a bid passes; the agency enters non-price points in order.
    early = client.post(f"/api/v1/notices/{number}/award", headers=official)
    assert early.status_code == 409 and early.json()["code"] == "review_not_passed"
    assert client.get(f"/api/v1/notices/{number}/review").status_code == 404  # not public before the award
    review = client.get(f"/api/v1/notices/{number}/review", headers=official).json()
    first = review["rows"][0]
    assert first["state"] == "next" and Decimal(first["price_score"]) > 0
    too_many = {item["key"]: str(Decimal(item["maximum"]) + 1) for item in review["items"]}
    bad = client.put(f"/api/v1/notices/{number}/review/{first['receipt']}", json={"items": too_many}, headers=official)
    assert bad.status_code == 422 and {p["field"] for p in bad.json()["errors"]} == {
        f"item_{item['key']}" for item in review["items"]
    }
    full = {item["key"]: item["maximum"] for item in review["items"]}
    scored = client.put(f"/api/v1/notices/{number}/review/{first['receipt']}", json={"items": full}, headers=official)
    assert scored.status_code == 200, scored.text
    assert scored.json()["winner"] == first["receipt"] and scored.json()["rows"][0]["state"] == "winner"

    awarded = client.post(f"/api/v1/notices/{number}/award", headers=official)
    assert awarded.status_code == 200, awarded.text
    assert client.get(f"/api/v1/notices/{number}/review").json()["winner"] == first["receipt"]  # public now
    winners = [b for b in awarded.json()["bids"] if b["winner"]]
    assert len(winners) == 1 and winners[0]["rank"] == 1
    assert client.get(f"/api/v1/notices/{number}").json()["status"] == "awarded"

    mine = client.get("/api/v1/me/bids", headers=bidders[0]).json()
    assert mine[0]["amount"] == amounts[0] and mine[0]["rank"] is not None
    assert client.get("/api/v1/me", headers=bidders[0]).json()["roles"] == ["bidder", "company_admin"]

    # The log: every receipt verifies offline against a signed tree head, and so does the whole export.
    integrate_log(ctx)
    platform_key = bytes.fromhex(client.get("/api/v1/log/key").json()["public_key"])
    for i, receipt in enumerate(receipts):
        full = client.get(f"/api/v1/receipts/{receipt['receipt_id']}", headers=bidders[i]).json()
        assert full["log_proof"] is not None
        report = verify_receipt(full, platform_key)
        assert report.ok, report.summary()
    exported = client.get("/api/v1/log/export").json()
    report = verify_export(exported, platform_key)
    assert report.ok, report.summary()
    kinds = [e["kind"] for e in client.get("/api/v1/log/entries", params={"limit": 100}).json()]
    assert kinds[:2] == ["order_plan.published", "notice.published"] and kinds.count("bid.received") == 3
    assert {"notice.closed", "notice.opened", "notice.awarded"} <= set(kinds)
    # Each committee member's share is its own event, logged just before the opening it made possible.
    opened_at = kinds.index("notice.opened")
    assert kinds[opened_at - 3 : opened_at] == ["notice.share_presented"] * 3
