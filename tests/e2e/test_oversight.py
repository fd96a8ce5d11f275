"""Oversight (issue #6 points 1 and 6): operators and auditors read the audit trail and the security log; an
auditor changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from jangter.identity.domain.roles import Role
from jangter.identity.service import NewPerson, add_member
from jangter.kernel.context import AppContext
from tests.e2e.conftest import token
from tests.e2e.test_pages import sign_in
from tests.support import PASSWORD, make_world


def test_an_auditor_reads_the_audit_trail_page_by_page_and_changes_nothing(client: TestClient, ctx: AppContext) -> None:
    world = make_world(ctx, firms=2)
    add_member(
        ctx,
        world.operator,
        world.operator.org_id,
        NewPerson("auditor@pps.go.kr", "감사인", PASSWORD, frozenset({Role.AUDITOR})),
    )
    number = world.publish()
    auditor = token(client, "auditor@pps.go.kr", PASSWORD)

    seen: list[dict[str, object]] = []
    before: int | None = None
    while True:  # page by page, newest first, two at a time
        params: dict[str, str | int] = {"action": "firm.", "limit": 2}
        if before:
            params["before"] = before
        page = client.get("/api/v1/audit", params=params, headers=auditor).json()
        assert 1 <= len(page["items"]) <= 2
        seen.extend(page["items"])
        before = page["next_before"]
        if before is None:
            break
    ids = [int(str(e["id"])) for e in seen]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    assert all(str(e["action"]).startswith("firm.") for e in seen)
    registered = [e for e in seen if e["action"] == "firm.register"]
    assert len(registered) == 3  # two approved firms and the one still waiting
    assert all(e["after"]["supplies"] == "goods,services,works" for e in registered)  # type: ignore[index]

    notice = client.get("/api/v1/audit", params={"entity_type": "notice", "entity_id": number}, headers=auditor).json()[
        "items"
    ]
    assert {e["action"] for e in notice} >= {"notice.create", "notice.publish"}
    assert all(e["entity_id"] == number for e in notice)

    refused = client.post(
        f"/api/v1/firms/{world.firms[0].org_id}/review", json={"decision": "rejected", "reason": "x"}, headers=auditor
    )
    assert refused.status_code == 403
    bidder = token(client, "bid0@firm.kr", PASSWORD)
    assert client.get("/api/v1/audit", headers=bidder).status_code == 403

    sign_in(client, "auditor@pps.go.kr")
    page = client.get("/operator/audit", params={"entity_type": "notice", "entity_id": number})
    assert page.status_code == 200 and "notice.publish" in page.text and number in page.text
    assert client.get("/operator/security").status_code == 200
    assert client.get("/operator/firms").status_code == 403
