"""Until the opening, no endpoint or page shows any bid's amount or picks to anyone (issue #3 point 5).

Every GET route of the application (API and pages) is called as every kind of person, with every path parameter
filled in with real identifiers, and no response may contain a bid amount in any spelling. After the opening the
same amounts are public.
"""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Route

from jangter.identity.service import SessionKind, sign_in
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from tests.e2e.conftest import token
from tests.support import OPENING, PASSWORD, make_world

# Amounts that cannot appear by chance anywhere else on a page.
SECRETS = [87_123_457, 88_765_431, 91_357_913]


def spellings(amount: int) -> list[str]:
    return [str(amount), f"{amount:,}"]


def _walk(routes: list[object], prefix: str = "") -> list[str]:
    paths = []
    for route in routes:
        if isinstance(route, APIRoute | Route):
            if "GET" in (route.methods or set()):
                paths.append(prefix + route.path)
        elif hasattr(route, "original_router"):  # FastAPI keeps included routers as a branch
            context = getattr(route, "include_context", None)
            paths += _walk(route.original_router.routes, prefix + (getattr(context, "prefix", "") or ""))
    return paths


def get_routes(client: TestClient) -> list[str]:
    return sorted(set(_walk(client.app.routes)))  # type: ignore[attr-defined]


def fill(path: str, values: dict[str, list[str]]) -> list[str]:
    names = re.findall(r"{(\w+)}", path)
    results = [path]
    for name in names:
        results = [p.replace("{" + name + "}", v) for p in results for v in values.get(name, ["1"])]
    return results


def test_no_bid_amount_is_visible_anywhere_before_the_opening(
    client: TestClient, ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=3)
    number = world.publish()
    receipts = [world.bid(number, i, amount, (i + 1, i + 5)) for i, amount in enumerate(SECRETS)]
    values = {
        "reference": [number, f"{number}-000"],
        "receipt_id": [r.receipt_id for r in receipts],
        "firm_id": [str(f.org_id) for f in world.firms],
        "org_id": [str(world.officer.org_id)],
        "lang": ["ko", "en"],
    }
    emails = [None, "bid0@firm.kr", "bid1@firm.kr", "officer@gov.kr", "official@gov.kr", "operator@pps.go.kr"]
    paths = [p for route in get_routes(client) for p in fill(route, values)]
    assert any("/results" in p for p in paths) and any(p.startswith("/notices/") for p in paths)

    checked = 0
    for email in emails:
        headers = token(client, email, PASSWORD) if email else {}
        cookies = {}
        if email:
            cookies = {
                "jangter_session": sign_in(
                    ctx, email, PASSWORD, kind=SessionKind.BROWSER, lifetime=timedelta(hours=1)
                ).token
            }
        for path in paths:
            for lang in ("ko", "en"):
                client.cookies.clear()
                for key, value in (cookies | {"jangter_lang": lang}).items():
                    client.cookies.set(key, value)
                response = client.get(path, headers=headers, follow_redirects=True)
                text = response.text
                for amount in SECRETS:
                    for spelled in spellings(amount):
                        assert spelled not in text, f"{spelled} leaked by GET {path} as {email or 'anonymous'}"
                checked += 1
    assert checked > 100

    clock.set(OPENING)
    world.open(number)
    client.cookies.clear()
    public = client.get(f"/api/v1/notices/{number}/results").text + client.get(f"/notices/{number}").text
    for amount in SECRETS:
        assert str(amount) in public and f"{amount:,}" in public
