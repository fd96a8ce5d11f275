"""Pre-specification pages (issue #9 point 2; koneps-rules §2.2): the officer publishes a draft specification,
a firm files an opinion (errors next to the field), the officer answers it; anyone reads it without JavaScript."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from jangter.kernel.context import AppContext
from tests.e2e.test_pages import csrf_of, error_next_to, sign_in
from tests.support import make_world


def test_a_pre_specification_takes_opinions_and_answers_through_the_pages(client: TestClient, ctx: AppContext) -> None:
    make_world(ctx, firms=1)
    sign_in(client, "officer@gov.kr")
    form = client.get("/agency/pre-specifications/new")
    data = {"csrf": csrf_of(form.text), "title": "청사 통합보안 시스템 구축", "category": "services"}
    bad = client.post("/agency/pre-specifications/new", data=data | {"estimated_price": "0", "description": ""})
    assert bad.status_code == 422 and "규격서 내용" in error_next_to(bad.text, "description")
    assert 'value="청사 통합보안 시스템 구축"' in bad.text
    made = client.post(
        "/agency/pre-specifications/new",
        data=data | {"estimated_price": "480,000,000", "description": "출입통제·CCTV 통합 (초안)"},
    )
    assert "사전규격을 공개했습니다" in made.text and "의견 접수 중" in made.text
    number = re.search(r"R26BD\d{8}", made.text).group(0)  # type: ignore[union-attr]

    client.cookies.clear()
    public = client.get(f"/pre-specifications/{number}")
    assert public.status_code == 200 and "출입통제·CCTV 통합 (초안)" in public.text and "로그인하십시오" in public.text
    assert number in client.get("/pre-specifications", params={"q": "보안"}).text
    sign_in(client, "bid0@firm.kr")
    page = client.get(f"/pre-specifications/{number}")
    empty = client.post(f"/pre-specifications/{number}/opinions", data={"csrf": csrf_of(page.text), "opinion": " "})
    assert empty.status_code == 422 and "의견을 입력하십시오" in error_next_to(empty.text, "opinion")
    filed = client.post(
        f"/pre-specifications/{number}/opinions",
        data={"csrf": csrf_of(page.text), "opinion": "특정 제조사 모델 지정을 빼 주십시오."},
    )
    assert "의견을 등록했습니다" in filed.text and "특정 제조사 모델 지정을 빼 주십시오." in filed.text

    client.cookies.clear()
    sign_in(client, "officer@gov.kr")
    page = client.get(f"/pre-specifications/{number}")
    answered = client.post(
        f"/pre-specifications/{number}/opinions/1/answer",
        data={"csrf": csrf_of(page.text), "reply": "동등 이상 제품을 허용하겠습니다."},
    )
    assert "답변을 등록했습니다" in answered.text and "동등 이상 제품을 허용하겠습니다." in answered.text
    assert "Answer" in client.get(f"/pre-specifications/{number}?lang=en").text
