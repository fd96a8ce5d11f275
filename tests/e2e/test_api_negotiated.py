"""협상에 의한 계약 over the REST API: notice terms, proposals, sheets, the close, the opening and the negotiation,
with problem+json refusals (koneps-rules §4; ADR 0005)."""

from __future__ import annotations

import base64
from datetime import timedelta

from fastapi.testclient import TestClient

from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from tests.e2e.conftest import token
from tests.e2e.test_api_errors import closed_spec_via_api, notice_json, plan_via_api, problem
from tests.integration.test_negotiated_contract import DEADLINE, OPENING, SHEETS
from tests.support import PASSWORD, make_world

ITEMS = [{"name": "사업 이해도", "points": "20"}, {"name": "수행 계획", "points": "30"}]
ITEMS += [{"name": "수행 역량", "points": "20"}, {"name": "사업 관리", "points": "10"}]


def negotiated_json(**changes: object) -> dict[str, object]:
    terms: dict[str, object] = {
        "title": "차세대 민원 시스템 구축 용역",
        "category": "services",
        "base_amount": 550_000_000,
        "estimated_price": 500_000_000,
        "deadline_at": DEADLINE.isoformat(),
        "opening_at": OPENING.isoformat(),
        "award_method": "negotiated",
        "technical_items": ITEMS,
        "differential_step": "1",
    }
    return notice_json(**(terms | changes))


def test_a_negotiated_notice_through_the_api(client: TestClient, ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=3)
    officer = token(client, "officer@gov.kr", PASSWORD)
    spec = closed_spec_via_api(client, officer, clock, "services", 500_000_000)  # ₩100M and more: §2.2
    short = negotiated_json(
        technical_items=ITEMS[:3], order_plan=plan_via_api(client, officer, "services"), pre_specification=spec
    )
    number = client.post("/api/v1/notices", json=short, headers=officer).json()["number"]
    refused = problem(client.post(f"/api/v1/notices/{number}/publish", headers=officer), 422, "invalid_input")
    assert {e["code"] for e in refused["errors"]} == {"technical_items_total"}

    planned = negotiated_json(order_plan=plan_via_api(client, officer, "services"), pre_specification=spec)
    number = client.post("/api/v1/notices", json=planned, headers=officer).json()["number"]
    published = client.post(f"/api/v1/notices/{number}/publish", headers=officer).json()
    assert published["award_method"] == "negotiated" and published["award_floor_rate"] is None
    assert published["technical_max"]["value"] == "80" and published["technical_max"]["version"]
    assert published["minimum_announcement_days"]["rule"] == "negotiated.proposal_days"

    bidders = [token(client, f"bid{i}@firm.kr", PASSWORD) for i in range(3)]
    not_base64 = {"filename": "p.pdf", "content_base64": "%%%"}
    problem(
        client.put(f"/api/v1/notices/{number}/proposal", json=not_base64, headers=bidders[0]),
        422,
        "proposal_not_base64",
    )
    for i, headers in enumerate(bidders):
        body = {"filename": f"제안서 {i}.pdf", "content_base64": base64.b64encode(b"%PDF proposal").decode()}
        receipt = client.put(f"/api/v1/notices/{number}/proposal", json=body, headers=headers)
        assert receipt.status_code == 200, receipt.text
        assert len(receipt.json()["sha256"]) == 64
        world.bid(number, i, (480_000_000, 450_000_000, 430_000_000)[i], (i + 1, i + 5))
    firm0 = world.firms[0].org_id
    problem(client.get(f"/api/v1/notices/{number}/proposals/{firm0}", headers=bidders[1]), 403, "proposal_not_readable")
    own = client.get(f"/api/v1/notices/{number}/proposals/{firm0}", headers=bidders[0])
    assert own.content == b"%PDF proposal" and "attachment" in own.headers["content-disposition"]

    clock.set(DEADLINE + timedelta(minutes=1))  # a month on: the earlier tokens have expired
    officer, bidder = token(client, "officer@gov.kr", PASSWORD), token(client, "bid0@firm.kr", PASSWORD)
    evaluators = [token(client, f"evaluator{i}@gov.kr", PASSWORD) for i in range(3)]
    names = [item["name"] for item in ITEMS]
    bad = {"scores": {str(firm0): {names[0]: "21"}}, "submit": True}
    refused = problem(
        client.put(f"/api/v1/notices/{number}/evaluation/sheet", json=bad, headers=evaluators[0]),
        422,
        "invalid_input",
    )
    assert {"field": f"score-{firm0}-0", "code": "score_invalid"}.items() <= refused["errors"][0].items()
    for e, headers in enumerate(evaluators):
        scores = {
            str(world.firms[firm].org_id): dict(zip(names, rows[e], strict=True)) for firm, rows in SHEETS.items()
        }
        sheet = client.put(
            f"/api/v1/notices/{number}/evaluation/sheet", json={"scores": scores, "submit": True}, headers=headers
        )
        assert sheet.status_code == 200, sheet.text
        assert sheet.json()["my_sheet_submitted"]
    problem(client.post(f"/api/v1/notices/{number}/evaluation/close", headers=bidder), 403, "role_required")
    closed = client.post(f"/api/v1/notices/{number}/evaluation/close", headers=officer).json()
    assert closed["closed"] and [(e["raw_technical"], e["technical"]) for e in closed["entries"]][:2] == [
        ("71.6667", "80.0000"),
        ("70.0000", "79.0000"),
    ]

    clock.set(OPENING)
    world.open(number)
    officer = token(client, "officer@gov.kr", PASSWORD)
    public = client.get(f"/api/v1/notices/{number}/negotiation").json()
    assert public["proposals"] == [] and public["evaluators"] == [] and public["my_sheet"] == {}
    first, second = public["entries"][:2]
    assert (first["rank"], first["total"], first["is_next"]) == (1, "99.0000", True)
    assert (second["rank"], second["price_score"]) == (2, "18.7500")
    problem(
        client.post(
            f"/api/v1/notices/{number}/negotiation/{first['firm_id']}", json={"outcome": "broken"}, headers=officer
        ),
        422,
        "negotiation_reason_required",
    )
    agreed = client.post(
        f"/api/v1/notices/{number}/negotiation/{first['firm_id']}",
        json={"outcome": "agreed", "note": "합의"},
        headers=officer,
    ).json()
    assert agreed["entries"][0]["outcome"] == "agreed"
    official = token(client, "official@gov.kr", PASSWORD)
    awarded = client.post(f"/api/v1/notices/{number}/award", headers=official).json()
    assert [b["amount"] for b in awarded["bids"] if b["winner"]] == [450_000_000]
    assert awarded["contract_deposit"] == 45_000_000  # 10 % for services (시행령 §50)
