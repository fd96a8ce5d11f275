"""Pages over HTTP without a browser: forms, errors next to the field in Korean and English, CSRF, roles."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from jangter.cli import app
from jangter.config import Settings
from jangter.identity.domain.registration_number import corporate_check_digit
from jangter.identity.domain.roles import Actor
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.search.service import SearchRequest, search_notices
from jangter.tendering import queries
from jangter.tendering.domain.notice import NoticeStatus
from jangter.worker import integrate_log
from tests.support import DEADLINE, OPENING, PASSWORD, all_routes, make_world, plan_item


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "form without a CSRF token"
    return match.group(1)


def sign_in(client: TestClient, email: str) -> None:
    page = client.get("/login")
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf": csrf_of(page.text)}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def error_next_to(html: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field}-error" role="alert">([^<]+)</p>', html)
    assert match, f"no error shown next to {field}"
    assert f'aria-describedby="{field}-error"' in html
    return match.group(1)


def test_the_public_list_and_notice_page_work_without_signing_in(client: TestClient, ctx: AppContext) -> None:
    world = make_world(ctx, firms=0)
    number = world.publish(title="도로 포장 공사 자재 구매")
    listing = client.get("/notices")
    assert listing.status_code == 200 and "도로 포장 공사 자재 구매" in listing.text
    assert client.get("/notices", params={"q": "포장"}).text.count(f'href="/notices/{number}"') == 1
    assert number not in client.get("/notices", params={"q": "없는단어"}).text
    page = client.get(f"/notices/{number}")
    assert page.status_code == 200 and f"{number}-000" in page.text and "national-2026.01.30" in page.text
    english = client.get(f"/notices/{number}", params={"lang": "en"})
    assert '<html lang="en">' in english.text and "Bid deadline" in english.text
    assert client.get("/rules").status_code == 200


def test_the_language_switch_remembers_the_choice(client: TestClient) -> None:
    response = client.get("/lang/en", params={"next": "/rules"}, follow_redirects=False)
    assert response.headers["location"] == "/rules"
    assert client.get("/rules").headers["content-language"] == "en"
    assert (
        client.get("/lang/en", params={"next": "https://evil.example"}, follow_redirects=False).headers["location"]
        == "/notices"
    )


def test_a_bid_without_a_sealed_envelope_is_refused_and_says_why_in_korean_and_english(
    client: TestClient, ctx: AppContext
) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    sign_in(client, "bid0@firm.kr")
    form = client.get(f"/notices/{number}/bid")
    assert 'id="bid-form"' in form.text and "/static/seal.js" in form.text
    assert 'name="amount"' not in form.text and 'name="picks"' not in form.text  # never sent in the clear
    response = client.post(f"/notices/{number}/bid", data={"csrf": csrf_of(form.text)})
    assert response.status_code == 422
    assert "JavaScript" in error_next_to(response.text, "envelope")
    client.cookies.set("jangter_lang", "en")
    response = client.post(f"/notices/{number}/bid", data={"csrf": csrf_of(form.text), "envelope": "{not json"})
    assert "cannot be read" in error_next_to(response.text, "envelope")


def test_a_sealed_bid_from_the_form_gives_a_receipt_and_appears_under_my_bids(
    client: TestClient, ctx: AppContext, tmp_path: Path
) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    sign_in(client, "bid0@firm.kr")
    form = client.get(f"/notices/{number}/bid")
    envelope = json.dumps(world.seal(number, 0, 87_650_000, (3, 11)))  # what seal.js puts in the form
    response = client.post(f"/notices/{number}/bid", data={"csrf": csrf_of(form.text), "envelope": envelope})
    assert response.status_code == 200 and "입찰서 접수증" in response.text
    assert "87,650,000" not in response.text
    mine = client.get("/my/bids")
    assert number in mine.text and "87,650,000" not in mine.text
    # The receipt says it is on its way into the public log, then shows its entry; its file verifies offline.
    assert "몇 초 안에 공개 로그에 기록됩니다" in response.text
    receipt_url = str(response.url).split("?")[0]
    integrate_log(ctx)
    logged = client.get(receipt_url)
    assert "기록됨: 번호" in logged.text
    download = client.get(receipt_url + "/download")
    assert download.headers["content-disposition"].startswith("attachment;")
    path = tmp_path / "receipt.json"
    path.write_bytes(download.content)
    key = ctx.signer.public_bytes.hex()
    checked = CliRunner().invoke(app, ["verify-log", "receipt", str(path), "--key", key])
    assert checked.exit_code == 0, checked.output
    assert "inclusion" in checked.output
    client.cookies.clear()
    assert client.get(receipt_url + "/download", follow_redirects=False).status_code in (303, 401)


def test_forms_without_the_csrf_token_are_refused(client: TestClient, ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    sign_in(client, "bid0@firm.kr")
    response = client.post(
        f"/notices/{number}/bid", data={"amount": "87,650,000", "picks": ["3", "11"], "csrf": "forged"}
    )
    assert response.status_code == 403
    assert "보안 확인" in response.text


def test_pages_for_signed_in_roles_send_strangers_to_the_login(client: TestClient) -> None:
    response = client.get("/my/bids", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_the_notice_form_marks_every_bad_field(client: TestClient, ctx: AppContext) -> None:
    make_world(ctx, firms=0)
    sign_in(client, "officer@gov.kr")
    form = client.get("/agency/notices/new")
    response = client.post(
        "/agency/notices/new",
        data={
            "csrf": csrf_of(form.text),
            "title": "",
            "category": "goods",
            "region": "11",
            "base_amount": "-1",
            "estimated_price": "abc",
            "bid_start_at": "2026-11-02T09:00",
            "deadline_at": "2026-11-11T10:30",
            "opening_at": "2026-11-11T11:00",
            "then": "publish",
        },
    )
    assert response.status_code == 422
    error_next_to(response.text, "base_amount")
    error_next_to(response.text, "estimated_price")
    # The title is checked with the other fields once the amounts parse:
    response = client.post(
        "/agency/notices/new",
        data={
            "csrf": csrf_of(form.text),
            "title": "",
            "category": "goods",
            "region": "11",
            "base_amount": "100,000,000",
            "estimated_price": "90,909,090",
            "bid_start_at": "2026-11-02T09:00",
            "deadline_at": "2026-11-11T10:00",
            "opening_at": "2026-11-11T11:00",
            "committee_quorum": "4",
            "committee_size": "3",
            "then": "publish",
        },
    )
    assert "공고명" in error_next_to(response.text, "title")
    assert "개찰위원" in error_next_to(response.text, "committee_quorum")  # k cannot exceed n


def test_an_officer_publishes_and_a_bid_official_opens_through_the_pages(
    client: TestClient, ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=2)
    plan = world.plan()
    sign_in(client, "officer@gov.kr")
    form = client.get("/agency/notices/new")
    assert f'<option value="{plan}"' in form.text  # the agency's plan items to choose from
    response = client.post(
        "/agency/notices/new",
        data={
            "csrf": csrf_of(form.text),
            "order_plan": plan,
            "title": "청사 LED 조명 구매",
            "category": "goods",
            "region": "11",
            "base_amount": "100,000,000",
            "estimated_price": "90,909,090",
            "bid_start_at": "2026-11-02T09:00",
            "deadline_at": "2026-11-11T10:00",
            "opening_at": "2026-11-11T11:00",
            "committee_quorum": "3",
            "committee_size": "4",
            "then": "publish",
        },
    )
    assert response.status_code == 200 and "공고를 게시했습니다" in response.text
    [notice] = [hit.notice for hit in search_notices(ctx, SearchRequest()).hits]
    assert notice.status is NoticeStatus.PUBLISHED
    detail = queries.get_notice(ctx, notice.number, None)
    assert (detail.committee_quorum, detail.committee_size) == (3, 4)  # set per notice on the form
    world.bid(notice.number, 0, 90_000_000, (1, 2))
    world.bid(notice.number, 1, 91_000_000, (2, 3))

    clock.set(DEADLINE - timedelta(hours=1))
    client.cookies.clear()
    sign_in(client, "official@gov.kr")
    page = client.get(f"/agency/notices/{notice.number}")
    early = client.post(f"/agency/notices/{notice.number}/open", data={"csrf": csrf_of(page.text)})
    assert early.status_code == 409 and "마감 전" in early.text
    clock.set(OPENING)
    client.cookies.clear()
    sign_in(client, "official@gov.kr")
    page = client.get(f"/agency/notices/{notice.number}")
    assert page.text.count('name="member_email"') == 3
    committee = {
        "member_email": [c.email for c in world.committee[:3]],
        "member_password": [PASSWORD] * 3,
        "member_passphrase": [c.passphrase for c in world.committee[:3]],
    }
    short = client.post(
        f"/agency/notices/{notice.number}/open",
        data={"csrf": csrf_of(page.text)} | {k: v[:2] for k, v in committee.items()},
    )
    assert short.status_code == 409 and "3명의 분할키" in short.text
    opened = client.post(f"/agency/notices/{notice.number}/open", data={"csrf": csrf_of(page.text)} | committee)
    assert opened.status_code == 200 and "개찰했습니다" in opened.text and "90,000,000원" in opened.text
    # 적격심사: the award waits for a bid that passes; the review table asks for the first bid's points.
    early = client.post(f"/agency/notices/{notice.number}/award", data={"csrf": csrf_of(opened.text)})
    assert early.status_code == 409 and "적격심사를 통과한 입찰이 아직 없습니다" in early.text
    assert "심사 차례" in opened.text
    receipt = re.search(r'action="/agency/notices/[^/]+/review/([0-9a-f]+)"', opened.text)
    assert receipt is not None
    review_url = f"/agency/notices/{notice.number}/review/{receipt.group(1)}"
    wrong = client.post(
        review_url, data={"csrf": csrf_of(opened.text), "item_track_record": "99", "item_management": ""}
    )
    assert wrong.status_code == 422 and "이행실적: 0점 이상 15점 이하로 입력하십시오" in wrong.text
    scored = client.post(
        review_url, data={"csrf": csrf_of(opened.text), "item_track_record": "15", "item_management": "15"}
    )
    assert scored.status_code == 200 and "통과 · 낙찰 예정" in scored.text
    awarded = client.post(f"/agency/notices/{notice.number}/award", data={"csrf": csrf_of(scored.text)})
    assert "낙찰자를 결정했습니다" in awarded.text
    assert queries.get_notice(ctx, notice.number, None).status is NoticeStatus.AWARDED


def test_firm_registration_page_checks_the_number_and_the_operator_approves(
    client: TestClient, ctx: AppContext
) -> None:
    make_world(ctx, firms=0)
    form = client.get("/register")
    data: dict[str, Any] = {
        "csrf": csrf_of(form.text),
        "name": "(주)새업체",
        "business_number": "220-81-62518",
        "business_form": "corporation",
        "corporate_number": "",
        "representative": "홍길동",
        "address": "서울",
        "region": "11",
        "supplies": ["goods", "services"],
        "supply_regions": ["11", "41"],
        "licence_code": ["6202", "", ""],
        "licence_name": ["기계설비ㆍ가스공사업", "", ""],
        "licence_number": ["서울-2024-17", "", ""],
        "admin_name": "홍길동",
        "admin_email": "hong@new.kr",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    refused = client.post("/register", data=data)
    assert refused.status_code == 422
    assert "검증번호" in error_next_to(refused.text, "business_number")
    assert 'value="기계설비ㆍ가스공사업"' in refused.text  # what was typed stays in the form
    data["business_number"] = "220-81-62517"
    no_corporate_number = client.post("/register", data=data)
    assert "법인등록번호" in error_next_to(no_corporate_number.text, "corporate_number")
    data["corporate_number"] = "110111-" + "123456" + str(corporate_check_digit("110111123456"))
    no_supplies = client.post("/register", data={k: v for k, v in data.items() if k != "supplies"})
    assert "공급 분야" in error_next_to(no_supplies.text, "supplies")
    bad_licence = client.post("/register", data=data | {"licence_code": ["62O2", "", ""]})
    assert "4자리" in error_next_to(bad_licence.text, "licence_0")
    accepted = client.post("/register", data=data)
    assert accepted.status_code == 200 and "심사 후" in accepted.text
    sign_in(client, "operator@pps.go.kr")
    page = client.get("/operator/firms")
    assert "(주)새업체" in page.text
    assert "기계설비ㆍ가스공사업" in page.text and "경기도" in page.text  # licences and regions, for the review
    firm_id = re.search(r'action="/operator/firms/(\d+)/review"', page.text)
    assert firm_id
    reject = client.post(
        f"/operator/firms/{firm_id.group(1)}/review",
        data={"csrf": csrf_of(page.text), "decision": "rejected", "reason": ""},
    )
    assert reject.status_code == 422 and "사유" in reject.text
    client.post(f"/operator/firms/{firm_id.group(1)}/review", data={"csrf": csrf_of(page.text), "decision": "approved"})
    assert "(주)새업체" not in client.get("/operator/firms").text.split("승인 (")[0]


def test_a_refused_publication_keeps_the_saved_draft_and_edits_it(client: TestClient, ctx: AppContext) -> None:
    make_world(ctx, firms=0)
    sign_in(client, "officer@gov.kr")
    form = client.get("/agency/notices/new")
    data = {
        "csrf": csrf_of(form.text),
        "title": "청사 LED 조명 구매",
        "category": "goods",
        "region": "11",
        "base_amount": "100,000,000",
        "estimated_price": "90,909,090",
        "bid_start_at": "2026-11-02T09:00",
        "deadline_at": "2026-11-11T10:30",
        "opening_at": "2026-11-11T11:00",
        "then": "publish",
    }
    refused = client.post("/agency/notices/new", data=data)
    assert refused.status_code == 422
    assert "정시" in error_next_to(refused.text, "deadline_at")
    assert "발주계획" in error_next_to(refused.text, "order_plan")  # koneps-rules §2.1, with the other problems
    [draft] = queries.list_for_agency(ctx, _officer(ctx)).items
    assert f'action="/agency/notices/{draft.number}/edit"' in refused.text
    plan = plan_item(ctx, _officer(ctx))
    fixed = client.post(
        f"/agency/notices/{draft.number}/edit", data=data | {"deadline_at": "2026-11-11T10:00", "order_plan": plan}
    )
    assert "공고를 게시했습니다" in fixed.text
    assert len(queries.list_for_agency(ctx, _officer(ctx)).items) == 1


def _officer(ctx: AppContext) -> Actor:
    from sqlalchemy import select

    from jangter.identity.orm import Person
    from jangter.identity.service import actor_of_person

    with ctx.db.reading() as session:
        return actor_of_person(ctx, session.scalars(select(Person.id).where(Person.email == "officer@gov.kr")).one())


def test_anyone_can_check_the_opening_on_a_public_page_and_through_the_api(
    client: TestClient, ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=3)
    number = world.publish()
    not_yet = client.get(f"/notices/{number}/draw")
    assert not_yet.status_code == 404 and "아직 예비가격이 공개된 개찰이 없습니다" in not_yet.text
    assert client.get(f"/api/v1/notices/{number}/draw-check").json()["code"] == "draw_not_available"
    for i in range(3):
        world.bid(number, i, 90_000_000 + i * 500_000, (i + 1, i + 7))
    clock.set(OPENING)
    world.open(number)
    notice_page = client.get(f"/notices/{number}")
    assert f'href="/notices/{number}/draw?round=1"' in notice_page.text  # the result links to the check
    page = client.get(f"/notices/{number}/draw")
    assert page.status_code == 200
    assert "모든 단계가 공개된 값과 일치합니다" in page.text and "✗" not in page.text
    assert f"jangter verify-log draw log.json {number}" in page.text
    english = client.get(f"/notices/{number}/draw", params={"lang": "en"})
    assert "Every step recomputes to the published value" in english.text
    document = client.get(f"/api/v1/notices/{number}/draw-check").json()
    assert document["ok"] is True and len(document["slots"]) == 15 and sum(document["counts"]) == 6
    [result] = client.get(f"/api/v1/notices/{number}/results").json()
    reserve = next(s for s in document["steps"] if s["key"] == "reserve_price")
    assert reserve["recomputed"] == reserve["published"] == result["reserve_price"]
    assert f"{result['reserve_price']:,}원" in page.text


def test_the_public_log_page_shows_signed_tree_heads_and_entries_without_amounts(
    client: TestClient, ctx: AppContext
) -> None:
    empty = client.get("/log")
    assert empty.status_code == 200 and "아직 서명된 트리 헤드가 없습니다" in empty.text
    world = make_world(ctx, firms=2)
    number = world.publish()
    world.bid(number, 0, 93_456_700, (4, 9))
    integrate_log(ctx)
    page = client.get("/log")
    head = client.get("/api/v1/log/head").json()
    assert head["root"] in page.text and ctx.signer.public_bytes.hex() in page.text
    assert f'href="/notices/{number}"' in page.text
    assert "bid.received" in page.text and "notice.published" in page.text
    assert "93,456,700" not in page.text and "93456700" not in page.text
    assert 'href="/log"' in client.get("/notices").text  # linked from every page
    assert "Public log" in client.get("/log", params={"lang": "en"}).text


def test_after_a_failed_tender_the_officer_sees_each_option_with_its_reason_and_re_bids(
    client: TestClient, ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish()
    world.bid(number, 0, 60_000_000, (1, 2))  # both below the floor: bids but no winner
    world.bid(number, 1, 61_000_000, (2, 3))
    clock.set(OPENING)
    world.open(number)
    sign_in(client, "officer@gov.kr")
    page = client.get(f"/agency/notices/{number}")
    assert "유찰 후 조치" in page.text
    assert "✓ 유효한 입찰은 있었으나 낙찰자가 없어" in page.text  # re-bid allowed, and why
    assert "✗ 수의계약은 재공고입찰도 유찰된 뒤에만" in page.text  # private contract refused, and why
    assert 'action="/agency/notices/' + number + '/rebid"' in page.text
    assert "/private-contract" not in page.text  # no form for what the rules do not allow
    bad = client.post(
        f"/agency/notices/{number}/rebid",
        data={"csrf": csrf_of(page.text), "bid_start_at": "2026-11-11T12:00", "deadline_at": "2026-11-18T10:30"},
    )
    assert bad.status_code == 422  # the opening time is missing and the deadline is not on the hour
    done = client.post(
        f"/agency/notices/{number}/rebid",
        data={
            "csrf": csrf_of(page.text),
            "bid_start_at": "2026-11-11T12:00",
            "deadline_at": "2026-11-18T10:00",
            "opening_at": "2026-11-18T11:00",
        },
    )
    assert done.status_code == 200 and "재입찰을 게시했습니다" in done.text
    assert queries.get_notice(ctx, number, None).round == 2


def test_a_firm_uploads_its_proposal_on_the_bid_page_and_only_it_can_read_it_before_the_deadline(
    client: TestClient, ctx: AppContext
) -> None:
    from tests.integration.test_negotiated_contract import publish as publish_negotiated

    world = make_world(ctx, firms=2)
    number = publish_negotiated(world)
    sign_in(client, "bid0@firm.kr")
    form = client.get(f"/notices/{number}/bid")
    assert 'enctype="multipart/form-data"' in form.text and 'id="proposal-h"' in form.text
    empty = client.post(f"/notices/{number}/proposal", data={"csrf": csrf_of(form.text)})
    assert empty.status_code == 422 and "첨부" in error_next_to(empty.text, "proposal")
    uploaded = client.post(
        f"/notices/{number}/proposal",
        data={"csrf": csrf_of(form.text)},
        files={"proposal": ("제안서.pdf", b"%PDF-1.4 proposal", "application/pdf")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    page = client.get(uploaded.headers["location"])
    assert "제안서.pdf" in page.text and "제안서를 제출했습니다" in page.text
    own = client.get(f"/notices/{number}/proposals/{world.firms[0].org_id}")
    assert own.status_code == 200 and own.content == b"%PDF-1.4 proposal"
    assert own.headers["content-disposition"].startswith("attachment")
    client.post("/logout", data={"csrf": csrf_of(page.text)})
    sign_in(client, "bid1@firm.kr")
    other = client.get(f"/notices/{number}/proposals/{world.firms[0].org_id}")
    assert other.status_code == 403
    sign_in(client, "evaluator0@gov.kr")  # the agency, before the deadline: not yet
    assert client.get(f"/notices/{number}/proposals/{world.firms[0].org_id}").status_code == 403
    assert client.get("/evaluator").status_code == 200


def test_every_page_and_api_answer_carries_the_security_headers(client: TestClient, ctx: AppContext) -> None:
    """Issue #6: CSP with frame-ancestors, nosniff, no framing, on every GET route (pages, API, errors)."""
    world = make_world(ctx, firms=1)
    number = world.publish()
    sign_in(client, "officer@gov.kr")
    paths = {"/notices/does-not-exist", f"/notices/{number}", f"/agency/notices/{number}", "/static/jangter.css"}
    paths |= {path for path, methods in all_routes(client.app) if "GET" in methods and "{" not in path}
    assert len(paths) > 20
    for path in sorted(paths):
        response = client.get(path, follow_redirects=False)
        headers = response.headers
        csp = headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, path
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY", path
        assert "strict-transport-security" not in headers, path  # plain HTTP here: no HSTS
        if path != "/api/docs":
            assert "'unsafe-inline'" not in csp, path


def test_a_browser_gets_a_device_id_on_its_first_page_and_keeps_it(client: TestClient) -> None:
    # koneps-rules §1.4: the device a bid comes from; a random id, HttpOnly, never set on API answers
    first = client.get("/notices")
    cookie = first.headers["set-cookie"]
    assert "jangter_device=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "jangter_device=" not in client.get("/notices").headers.get("set-cookie", "")
    assert "jangter_device=" not in client.get("/api/v1/notices").headers.get("set-cookie", "")


def test_the_fallback_works_without_javascript_enrol_then_use_a_code_on_the_bid_form(
    ctx: AppContext, settings: Settings, clock: OffsetClock
) -> None:
    """Issue #6 point 2 (TOTP with recovery codes) and point 3 (step-up), as plain forms."""
    import pyotp

    from jangter.app import create_app
    from jangter.kernel.context import StepUpPolicy

    world = make_world(ctx, firms=1)
    number = world.publish()
    strict = replace(ctx, step_up=StepUpPolicy.REQUIRED)
    with TestClient(create_app(settings, strict, run_worker=False), base_url="http://testserver") as client:
        sign_in(client, "bid0@firm.kr")
        page = client.get("/account/security")
        started = client.post("/account/otp", data={"csrf": csrf_of(page.text)})
        secret = re.search(r'name="secret" value="([A-Z2-7]+)"', started.text)
        assert secret and "otpauth://totp/" in started.text
        totp = pyotp.TOTP(secret.group(1))
        form = {"csrf": csrf_of(started.text), "secret": secret.group(1), "uri": "u"}
        wrong = client.post("/account/otp/confirm", data=form | {"code": "000000"})
        assert wrong.status_code == 422 and "만료" in error_next_to(wrong.text, "code")
        done = client.post("/account/otp/confirm", data=form | {"code": totp.at(clock.now())})
        codes = re.findall(r"<li>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</li>", done.text)
        assert len(codes) == 10 and "다시 보여 주지 않습니다" in done.text

        bid_form = client.get(f"/notices/{number}/bid")
        assert 'id="step-up-h"' in bid_form.text and 'action="/account/step-up/otp"' in bid_form.text
        back = f"/notices/{number}/bid"
        refused = client.post(
            "/account/step-up/otp", data={"csrf": csrf_of(bid_form.text), "code": "999999", "next": back}
        )
        assert "맞지 않거나 만료" in error_next_to(refused.text, "fallback-code")
        used = client.post(
            "/account/step-up/otp", data={"csrf": csrf_of(bid_form.text), "code": codes[0], "next": back}
        )
        assert used.status_code == 200 and 'id="step-up-h"' not in used.text and 'id="bid-form"' in used.text


def test_the_administrator_invites_a_colleague_who_joins_through_the_page(client: TestClient, ctx: AppContext) -> None:
    from jangter.notifications.outbox import OutboxMail

    make_world(ctx, firms=1)
    sign_in(client, "bid0@firm.kr")
    page = client.get("/firm/members")
    assert page.status_code == 200 and "bid0@firm.kr" in page.text
    bad = client.post("/firm/members/invite", data={"csrf": csrf_of(page.text), "email": "nobody", "roles": "bidder"})
    assert bad.status_code == 422 and "이메일" in error_next_to(bad.text, "email")
    sent = client.post(
        "/firm/members/invite", data={"csrf": csrf_of(page.text), "email": "new@firm.kr", "roles": "bidder"}
    )
    assert "new@firm.kr 에게 초대 메일을 보냈습니다" in sent.text
    with ctx.db.reading() as session:
        body = session.scalars(select(OutboxMail.body).where(OutboxMail.to_addr == "new@firm.kr")).one()
    link = re.search(r"http://\S+/invitations/(\S+)", body)
    assert link
    client.post("/logout", data={"csrf": csrf_of(sent.text)})
    form = client.get(f"/invitations/{link.group(1)}")
    assert "new@firm.kr" in form.text
    mismatch = client.post(
        f"/invitations/{link.group(1)}",
        data={"csrf": csrf_of(form.text), "name": "새 동료", "password": PASSWORD, "password_again": "x"},
    )
    assert mismatch.status_code == 422 and error_next_to(mismatch.text, "password_again")
    joined = client.post(
        f"/invitations/{link.group(1)}",
        data={"csrf": csrf_of(form.text), "name": "새 동료", "password": PASSWORD, "password_again": PASSWORD},
        follow_redirects=False,
    )
    assert joined.status_code == 303
    sign_in(client, "new@firm.kr")
    assert client.get("/my/bids").status_code == 200
