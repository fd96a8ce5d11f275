"""The helpdesk over HTTP (issue #9 point 4): anyone files a ticket on /help without JavaScript, with an attachment,
errors next to the fields in Korean or English and nothing typed lost; follows it with the secret link; an operator
works it from the queue (canned answer, answer, FAQ); the API answers problem+json with stable codes and honours
Idempotency-Key."""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jangter.helpdesk import queue
from jangter.helpdesk.orm import Ticket
from jangter.kernel.context import AppContext
from jangter.notifications.outbox import OutboxMail
from tests.e2e.conftest import token
from tests.e2e.test_pages import csrf_of, error_next_to, sign_in
from tests.support import PASSWORD, make_world

PROBLEM = "application/problem+json"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x02" * 300


def ticket_count(ctx: AppContext) -> int:
    with ctx.db.reading() as session:
        return session.scalar(select(func.count()).select_from(Ticket)) or 0


def test_anyone_files_a_ticket_on_the_page_and_follows_it_and_an_operator_answers_it(
    client: TestClient, ctx: AppContext
) -> None:
    world = make_world(ctx, firms=0)
    notice = world.publish()
    form = client.get("/help", params={"page": f"/notices/{notice}-000"})
    assert form.status_code == 200 and f'value="/notices/{notice}-000"' in form.text
    assert 'enctype="multipart/form-data"' in form.text
    data = {
        "csrf": csrf_of(form.text),
        "kind": "error_report",
        "category": "authentication",
        "subject": "인증서 로그인 후 빈 화면",
        "body": "",
        "name": "김민원",
        "email": "minwon-at-example",
        "page_url": f"/notices/{notice}-000",
        "notice": "R26BK99999999",
    }
    bad = client.post("/help", data=data, files={"attachment": ("화면.png", PNG, "image/png")})
    assert bad.status_code == 422 and ticket_count(ctx) == 0
    assert "내용을 입력하십시오" in error_next_to(bad.text, "body")
    assert "전자우편 주소 형식" in error_next_to(bad.text, "email")
    assert "다시 선택하십시오" in error_next_to(bad.text, "attachment")  # a browser does not send a file twice
    assert 'value="인증서 로그인 후 빈 화면"' in bad.text and 'value="김민원"' in bad.text  # nothing typed is lost
    wrong_notice = client.post("/help", data=data | {"body": "흰 화면만 나옵니다.", "email": "minwon@example.kr"})
    assert wrong_notice.status_code == 422 and "공고를 찾을 수 없습니다" in error_next_to(wrong_notice.text, "notice")
    big = client.post(
        "/help",
        data=data | {"body": "흰 화면", "email": "minwon@example.kr", "notice": ""},
        files={"attachment": ("화면.png", PNG + b"\x00" * (5 * 1024 * 1024), "image/png")},
    )
    assert big.status_code == 413 and "5MB 이하" in error_next_to(big.text, "attachment")
    english = client.post("/help?lang=en", data=data | {"subject": ""})
    assert "Give a subject." in error_next_to(english.text, "subject")

    filed = client.post(
        "/help",
        data=data | {"body": "흰 화면만 나옵니다.", "email": "minwon@example.kr", "notice": f"{notice}-000"},
        files={"attachment": ("화면.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert filed.status_code == 303
    follow = filed.headers["location"]
    number = re.search(r"HD26-\d{7}", follow).group(0)  # type: ignore[union-attr]
    key = parse_qs(urlparse(follow).query)["key"][0]
    page = client.get(follow)
    assert "접수했습니다" in page.text and f"/help/tickets/{number}?key={key}" in page.text
    assert "인증서 로그인 후 빈 화면" in page.text and notice in page.text
    download = client.get(f"/help/tickets/{number}/attachment", params={"key": key})
    assert download.content == PNG and download.headers["content-disposition"].startswith("attachment")
    assert client.get(f"/help/tickets/{number}").status_code == 404  # without the key: nothing

    client.cookies.clear()
    sign_in(client, "operator@pps.go.kr")
    queue.add_canned(ctx, world.operator, "캐시 삭제 안내", "브라우저 캐시를 지운 뒤 다시 로그인해 주십시오.")
    listing = client.get("/operator/helpdesk")
    assert number in listing.text and "남음" in listing.text and "로그인·인증" in listing.text
    [canned] = queue.canned_answers(ctx, world.operator)
    work = client.get(f"/operator/helpdesk/tickets/{number}", params={"canned": canned.id})
    assert "브라우저 캐시를 지운 뒤 다시 로그인해 주십시오.</textarea>" in work.text
    empty = client.post(f"/operator/helpdesk/tickets/{number}/answer", data={"csrf": csrf_of(work.text), "text": " "})
    assert empty.status_code == 422 and "내용을 입력하십시오" in error_next_to(empty.text, "text")
    client.post(f"/operator/helpdesk/tickets/{number}/note", data={"csrf": csrf_of(work.text), "note": "모듈 v1.2"})
    answered = client.post(
        f"/operator/helpdesk/tickets/{number}/answer",
        data={"csrf": csrf_of(work.text), "text": "브라우저 캐시를 지운 뒤 다시 로그인해 주십시오."},
    )
    assert "답변을 등록했습니다" in answered.text and "FAQ로 만들기" in answered.text
    made = client.post(
        f"/operator/helpdesk/tickets/{number}/faq",
        data={"csrf": csrf_of(work.text), "question": "로그인 후 빈 화면이 나옵니다", "answer": "캐시를 지우십시오."},
    )
    assert "FAQ에 공개했습니다" in made.text

    client.cookies.clear()
    reporter = client.get(follow)
    assert "브라우저 캐시를 지운 뒤" in reporter.text and "모듈 v1.2" not in reporter.text  # no internal notes
    replied = client.post(
        f"/help/tickets/{number}/reply", data={"csrf": csrf_of(reporter.text), "key": key, "text": "그래도 안 됩니다."}
    )
    assert "추가 문의를 등록했습니다" in replied.text and "처리 중" in replied.text
    faq_page = client.get("/help/faq", params={"q": "빈 화면"})
    assert "로그인 후 빈 화면이 나옵니다" in faq_page.text and "로그인·인증" in faq_page.text
    assert "로그인 후 빈 화면" not in client.get("/help/faq", params={"category": "payment"}).text
    with ctx.db.reading() as session:
        to = session.scalars(select(OutboxMail.to_addr)).all()
    assert set(to) == {"minwon@example.kr"} and len(to) == 2  # filed, answered (no mail for the note or the FAQ)


def test_a_signed_in_reporter_files_without_name_or_e_mail_and_sees_my_tickets(
    client: TestClient, ctx: AppContext
) -> None:
    make_world(ctx, firms=1)
    sign_in(client, "bid0@firm.kr")
    form = client.get("/help")
    assert 'name="email"' not in form.text
    done = client.post(
        "/help",
        data={
            "csrf": csrf_of(form.text),
            "kind": "inquiry",
            "category": "bidding",
            "subject": "입찰보증금 문의",
            "body": "지급각서로 갈음할 수 있나요?",
        },
    )
    assert done.status_code == 200 and "접수했습니다" in done.text and "?key=" not in done.text
    assert "입찰보증금 문의" in client.get("/help").text  # 나의 문의
    assert "Help" in client.get("/help?lang=en").text


def test_the_api_files_follows_and_refuses_with_problems(client: TestClient, ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    body: dict[str, Any] = {
        "kind": "error_report",
        "category": "authentication",
        "subject": "간편인증 실패",
        "body": "인증 요청 후 시간 초과",
        "name": "박민원",
        "email": "park@example.kr",
        "attachment": {"filename": "log.txt", "content_base64": base64.b64encode("오류 로그".encode()).decode()},
    }
    headers = {"Idempotency-Key": "ticket-1"}
    created = client.post("/api/v1/tickets", json=body, headers=headers)
    assert created.status_code == 201, created.text
    out = created.json()
    number, key = out["number"], out["follow_key"]
    assert created.headers["location"] == f"/api/v1/tickets/{number}" and out["ticket"]["status"] == "new"
    assert out["ticket"]["response"]["state"] == "running" and out["ticket"]["attachment"]["media_type"].startswith(
        "text/plain"
    )
    again = client.post("/api/v1/tickets", json=body, headers=headers)
    assert again.status_code == 201 and again.json()["number"] == number and ticket_count(ctx) == 1
    reused = client.post("/api/v1/tickets", json=body | {"subject": "다른 것"}, headers=headers)
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"

    assert client.get(f"/api/v1/tickets/{number}", params={"key": key}).json()["reporter"]["email"] == "park@example.kr"
    hidden = client.get(f"/api/v1/tickets/{number}")
    assert hidden.status_code == 404 and hidden.headers["content-type"].startswith(PROBLEM)
    assert hidden.json()["code"] == "ticket_not_found"

    def refused(json: dict[str, Any], lang: str = "ko") -> dict[str, Any]:
        response = client.post("/api/v1/tickets", json=json, headers={"Accept-Language": lang})
        assert response.headers["content-type"].startswith(PROBLEM), response.text
        result: dict[str, Any] = response.json() | {"status": response.status_code}
        return result

    problem = refused(body | {"subject": "", "email": "x"})
    assert problem["status"] == 422 and problem["code"] == "invalid_input"
    assert {e["field"] for e in problem["errors"]} == {"subject", "email"}
    exe = refused(body | {"attachment": {"filename": "a.exe", "content_base64": "TVo="}})
    assert exe["status"] == 415 and exe["errors"][0]["code"] == "attachment_type"
    assert (
        refused(body | {"attachment": {"filename": "a.png", "content_base64": "%%%"}})["code"]
        == "attachment_not_base64"
    )
    assert refused(body | {"notice": "R26BK99999999"}, "en")["title"].startswith("No such notice")
    assert refused(body | {"notice": "R26BK99999999"})["errors"][0]["code"] == "ticket_notice_not_found"
    assert refused(body | {"kind": "complaint"})["code"] == "invalid_enum"

    operator = token(client, "operator@pps.go.kr", PASSWORD)
    bidder = token(client, "bid0@firm.kr", PASSWORD)
    assert client.post(f"/api/v1/tickets/{number}/assign", json={}, headers=bidder).json()["code"] == "role_required"
    assigned = client.post(f"/api/v1/tickets/{number}/assign", json={}, headers=operator)
    assert assigned.json()["status"] == "assigned" and assigned.json()["assignee"]["name"] == world.operator.name
    answer = {"text": "인증 앱을 최신으로 업데이트해 주십시오."}
    first = client.post(f"/api/v1/tickets/{number}/answer", json=answer, headers=operator | {"Idempotency-Key": "a-1"})
    second = client.post(f"/api/v1/tickets/{number}/answer", json=answer, headers=operator | {"Idempotency-Key": "a-1"})
    assert first.status_code == second.status_code == 201 and len(second.json()["messages"]) == 1
    closed = client.post(f"/api/v1/tickets/{number}/status", json={"action": "close"}, headers=operator)
    assert closed.json()["status"] == "closed"
    twice = client.post(f"/api/v1/tickets/{number}/status", json={"action": "close"}, headers=operator)
    assert twice.status_code == 409 and twice.json()["code"] == "ticket_cannot_close"
    reply = client.post(f"/api/v1/tickets/{number}/replies", params={"key": key}, json={"text": "여전히 안 됩니다."})
    assert reply.status_code == 201 and reply.json()["status"] == "assigned"
    faq = client.post(
        f"/api/v1/tickets/{number}/faq",
        json={"question": "간편인증이 시간 초과됩니다", "answer": "앱 업데이트"},
        headers=operator,
    )
    assert faq.status_code == 201
    assert [f["question"] for f in client.get("/api/v1/faq", params={"q": "간편인증"}).json()] == [
        "간편인증이 시간 초과됩니다"
    ]
    rows = client.get("/api/v1/helpdesk/queue", headers=operator).json()
    assert [r["number"] for r in rows] == [number] and rows[0]["status"] == "assigned"
    counts = client.get(
        "/api/v1/helpdesk/counts", params={"start": "2026-11-02", "end": "2026-11-02"}, headers=operator
    )
    assert counts.json() == [{"day": "2026-11-02", "category": "authentication", "kind": "error_report", "count": 1}]
    backwards = client.get(
        "/api/v1/helpdesk/counts", params={"start": "2026-11-03", "end": "2026-11-02"}, headers=operator
    )
    assert backwards.status_code == 422 and backwards.json()["code"] == "range_invalid"
