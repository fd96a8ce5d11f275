"""Order-plan pages (issue #9 point 1; koneps-rules §2.1): the agency publishes plan items with errors next to the
field, withdraws one with a reason; anyone reads and searches the plans without JavaScript."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from jangter.kernel.context import AppContext
from tests.e2e.test_pages import csrf_of, error_next_to, sign_in
from tests.support import make_world


def test_an_officer_publishes_and_withdraws_plan_items_and_anyone_searches_them(
    client: TestClient, ctx: AppContext
) -> None:
    world = make_world(ctx, firms=0)
    sign_in(client, "officer@gov.kr")
    form = client.get("/agency/order-plans")
    assert form.status_code == 200 and "발주계획 항목 등록" in form.text
    data = {"csrf": csrf_of(form.text), "title": "청사 LED 조명 교체", "year": "2026", "quarter": "4", "month": "2"}
    bad = client.post("/agency/order-plans", data=data | {"category": "goods", "amount": "-5"})
    assert bad.status_code == 422
    assert "분기와 맞지 않습니다" in error_next_to(bad.text, "month")
    assert error_next_to(bad.text, "amount")
    assert 'value="청사 LED 조명 교체"' in bad.text  # nothing typed is lost
    made = client.post("/agency/order-plans", data=data | {"month": "11", "category": "goods", "amount": "110,000,000"})
    number = re.search(r"발주계획 (R26DD\d{8})을 공개했습니다", made.text).group(1)  # type: ignore[union-attr]
    client.post(
        "/agency/order-plans",
        data=data | {"title": "청사 주차장 포장", "month": "", "category": "works", "amount": "900,000,000"},
    )
    page = client.get("/agency/order-plans")
    no_reason = client.post(f"/agency/order-plans/{number}/withdraw", data={"csrf": csrf_of(page.text), "reason": ""})
    assert no_reason.status_code == 422 and "철회 사유" in error_next_to(no_reason.text, f"withdraw_{number}")

    client.cookies.clear()
    listed = client.get("/order-plans")
    assert listed.status_code == 200 and "청사 LED 조명 교체" in listed.text and "2건" in listed.text
    assert "1,010,000,000원" in listed.text  # the planned amount of what matches
    found = client.get("/order-plans", params={"q": "포장", "category": "works", "year": "2026", "quarter": "4"})
    assert "청사 주차장 포장" in found.text and "청사 LED 조명 교체" not in found.text
    detail = client.get(f"/order-plans/{number}")
    assert detail.status_code == 200 and "행정안전부" in detail.text and "2026년 4분기 · 11월" in detail.text
    english = client.get(f"/order-plans/{number}?lang=en")
    assert "Planned amount" in english.text
    assert client.get("/order-plans/R26DD99999999").status_code == 404

    sign_in(client, "officer@gov.kr")
    page = client.get("/agency/order-plans")
    gone = client.post(
        f"/agency/order-plans/{number}/withdraw", data={"csrf": csrf_of(page.text), "reason": "예산 삭감"}
    )
    assert gone.status_code == 200 and "철회" in gone.text
    assert "청사 LED 조명 교체" not in client.get("/order-plans").text  # withdrawn items leave the public list
    assert "예산 삭감" in client.get(f"/order-plans/{number}").text
    del world
