"""Real Chromium (Debian's, driven by Playwright) against the real server loaded with the demo data.

1. A citizen walks the public notice list → a notice → its opening results, in Korean and in English.
2. The spine by hand: an officer publishes, three firms bid through the form, the demo clock moves to the
   opening, the bid official opens and awards, and the public page shows the winner.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import CDPSession, Page, expect, sync_playwright

from jangter.app import create_app
from jangter.config import Environment, Settings
from jangter.demo import DEMO_PASSPHRASE, DEMO_PASSWORD, load_demo
from jangter.kernel.calendar import SEOUL, KoreanCalendar, seoul_date
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.db import Database
from jangter.kernel.randomness import SystemRandomSource
from jangter.kernel.signing import PlatformSigner
from jangter.rules.loader import load_rule_book

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_server(database_url: str, tmp_path: Path) -> Iterator[tuple[str, OffsetClock, Path]]:
    clock = OffsetClock()  # real time: the demo is built around today
    db = Database(database_url, clock, pool_size=5)
    ctx = AppContext(
        db=db,
        clock=clock,
        calendar=KoreanCalendar(),
        rules=load_rule_book(),
        rng=SystemRandomSource(),
        signer=PlatformSigner.generate(),
    )
    load_demo(ctx, key_dir=tmp_path / "demo-keys")
    settings = Settings(
        env=Environment.TEST,
        database_url=database_url,
        secret_key="b" * 40,
        demo_clock=True,
        var_dir=tmp_path,
        embedded_worker=False,
    )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, ctx, run_worker=False), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", clock, tmp_path / "demo-keys"
    server.should_exit = True
    thread.join(timeout=10)
    db.dispose()


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(locale="ko-KR")
        yield context.new_page()
        context.close()
        browser.close()


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="로그인", exact=True).click()
    expect(page.get_by_role("button", name="로그아웃")).to_be_visible()


def virtual_authenticator(page: Page) -> tuple[CDPSession, str]:
    """Chromium's DevTools virtual authenticator: a platform passkey whose user is verified (until told otherwise)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    return cdp, str(cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"])


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="로그아웃").click()
    expect(page.get_by_role("link", name="로그인")).to_be_visible()


def test_a_citizen_reads_the_list_a_notice_and_its_results(
    live_server: tuple[str, OffsetClock, Path], page: Page
) -> None:
    base, _, _ = live_server
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="입찰공고", level=1)).to_be_visible()
    page.get_by_label("상태").select_option("awarded")
    page.get_by_role("button", name="조회").click()
    rows = page.locator("table.notices tbody tr")
    expect(rows).to_have_count(2)
    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="개찰 결과")).to_be_visible()
    expect(page.locator("table.results tr.winner")).to_have_count(1)
    expect(page.get_by_text("예정가격").first).to_be_visible()
    expect(page.locator("details.prices tbody tr")).to_have_count(15)
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Opening result")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_a_citizen_reads_the_statistics_charts_and_changes_the_period(
    live_server: tuple[str, OffsetClock, Path], page: Page
) -> None:
    """Issue #9 point 6: the dashboard's server-drawn SVG charts render in a real browser, and the filter form (plain
    GET, no JavaScript) redraws them."""
    base, _, _ = live_server
    page.goto(f"{base}/notices")
    page.get_by_role("link", name="통계", exact=True).click()
    expect(page.get_by_role("heading", name="조달 통계", level=1)).to_be_visible()
    activity = page.get_by_role("img", name=re.compile("^입찰 진행 건수"))
    expect(activity).to_be_visible()
    expect(page.locator("svg[role=img]")).to_have_count(5)  # activity, contracts, amounts, payments, helpdesk
    bars = page.locator("svg[data-chart=chart-activity] rect.bar")
    assert bars.count() >= 3  # the demo's notices, openings, failures and awards of the last twelve weeks
    expect(bars.first).to_be_visible()
    box = bars.first.bounding_box()
    assert box is not None and box["height"] > 0 and box["width"] > 0
    expect(page.locator("svg[data-chart=chart-contract_amount] circle.point").first).to_be_visible()
    expect(page.locator("svg[data-chart=chart-contracts] rect.bar")).to_have_count(1)  # the ministry's, signed
    expect(page.locator("svg[data-chart=chart-inquiries] rect.bar").first).to_be_visible()  # the demo's tickets
    page.get_by_label("단위").select_option("month")
    page.get_by_role("button", name="보기").click()
    expect(page).to_have_url(re.compile(r"granularity=month"))
    expect(page.locator("svg[data-chart=chart-activity] rect.bar").first).to_be_visible()
    table = page.locator("section.chart-block").first.locator("table")
    expect(table).to_be_hidden()
    page.get_by_text("표로 보기").first.click()
    expect(table).to_be_visible()
    expect(page.get_by_role("link", name="CSV")).to_have_attribute("href", re.compile(r"statistics\.csv\?.*month"))
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Procurement statistics")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^Tendering activity"))).to_be_visible()


def _next_valid_deadline(now: datetime) -> datetime:
    calendar = KoreanCalendar()
    day = seoul_date(now) + timedelta(days=9)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 10, tzinfo=SEOUL)


def test_publish_bid_open_and_award_by_hand(live_server: tuple[str, OffsetClock, Path], page: Page) -> None:
    base, clock, key_dir = live_server
    deadline = _next_valid_deadline(clock.now())
    title = "브라우저 시험 공고: 청사 보안장비 구매"

    sign_in(page, base, "officer@mois.go.kr")
    page.get_by_role("link", name="새 공고 작성").click()
    page.get_by_label("공고명").fill(title)
    # koneps-rules §2.1: the notice is published against an item of the agency's order plan
    plan = page.locator("#order_plan option", has_text="노후 PC 교체").get_attribute("value")
    assert plan is not None
    page.get_by_label("발주계획", exact=True).select_option(plan)
    # koneps-rules §2.2: goods from ₩100M follow their pre-specification, whose opinion period is over
    spec = page.locator("#pre_specification option", has_text="노후 PC 교체").get_attribute("value")
    assert spec is not None
    page.get_by_label("사전규격", exact=True).select_option(spec)
    page.get_by_label("분류").select_option("goods")
    page.get_by_label("기초금액 (원)").fill("120,000,000")
    page.get_by_label("추정가격 (원)").fill("109,090,909")
    page.get_by_label("입찰 개시").fill(clock.now().astimezone(SEOUL).strftime("%Y-%m-%dT%H:00"))
    page.get_by_label("입찰 마감").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("개찰 일시").fill((deadline + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="공고 게시").click()
    expect(page.get_by_role("status")).to_contain_text("공고를 게시했습니다")
    number = re.search(r"R\d{2}BK\d{8}", page.locator("p.lead").inner_text())
    assert number
    sign_out(page)

    for email, slug, amount, picks in [
        ("bid@hanbit.example", "hanbit", "104,350,000", ("2", "7")),
        ("bid@daehan.example", "daehan", "103,980,000", ("7", "12")),
        ("bid@saebyeol.example", "saebyeol", "105,100,000", ("2", "15")),
    ]:
        sign_in(page, base, email)
        page.goto(f"{base}/notices/{number.group(0)}")
        page.get_by_role("link", name="입찰하기").click()
        page.get_by_role("button", name="입찰서 제출").click()  # nothing filled in: the page says what is missing
        expect(page.locator("#amount-error")).to_contain_text("정수")
        expect(page.locator("#picks-error")).to_contain_text("2개")
        expect(page.locator("#keyfile-error")).to_be_visible()
        page.get_by_label("입찰금액 (원)").fill(amount)
        for pick in picks:
            page.get_by_label(pick, exact=True).check()
        page.get_by_label("업체 서명키 파일 (.pem)").set_input_files(str(key_dir / f"{slug}.pem"))
        with page.expect_request(lambda r: r.method == "POST" and "/bid" in r.url) as sent:
            page.get_by_role("button", name="입찰서 제출").click()
        posted = sent.value.post_data or ""
        assert "envelope=" in posted and amount.replace(",", "") not in posted  # only the sealed envelope left
        expect(page.get_by_role("heading", name="입찰서 접수증")).to_be_visible()
        expect(page.locator("main")).not_to_contain_text(amount)
        sign_out(page)

    page.get_by_label("한국 시간 (KST)").fill((deadline + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="이동").click()
    sign_in(page, base, "official@mois.go.kr")
    page.goto(f"{base}/agency/notices/{number.group(0)}")
    expect(page.get_by_text("접수된 입찰서")).to_be_visible()
    for i in range(1, 4):
        page.locator(f"#m{i}-email").fill(f"committee{i}@mois.go.kr")
        page.locator(f"#m{i}-password").fill(DEMO_PASSWORD)
        page.locator(f"#m{i}-passphrase").fill(DEMO_PASSPHRASE)
    page.get_by_role("button", name="개찰").click()
    expect(page.get_by_role("status")).to_contain_text("개찰했습니다")
    # 적격심사: full non-price marks for the first bid in review order (goods: 30 points, half each).
    first = page.locator("table.review tbody tr").first
    expect(first).to_contain_text("심사 차례")
    first.locator("input[name=item_track_record]").fill("15")
    first.locator("input[name=item_management]").fill("15")
    first.get_by_role("button", name="점수 저장").click()
    expect(page.get_by_role("status")).to_contain_text("적격심사 점수를 저장했습니다")
    expect(page.locator("table.review tbody tr").first).to_contain_text("통과 · 낙찰 예정")
    page.get_by_role("button", name="낙찰자 결정").click()
    expect(page.get_by_role("status")).to_contain_text("낙찰자를 결정했습니다")
    sign_out(page)

    page.goto(f"{base}/notices/{number.group(0)}")
    winner = page.locator("table.results tr.winner")
    expect(winner).to_have_count(1)
    expect(winner).to_contain_text("103,980,000원")


SHEETS = (  # one row per proposal in the order the sheet lists them; the third firm stays below 85 %
    ("18", "27", "18", "9"),
    ("17", "27", "17", "9"),
    ("15", "22", "15", "8"),
)


def test_a_negotiated_contract_is_scored_evaluated_opened_and_negotiated_by_hand(
    live_server: tuple[str, OffsetClock, Path], page: Page
) -> None:
    """koneps-rules §4: evaluators score the demo's negotiated notice on their sheets, the officer closes the
    technical evaluation, the prices are opened, and the officer negotiates in order until one agrees."""
    base, _, _ = live_server
    for i in range(1, 4):
        sign_in(page, base, f"evaluator{i}@mois.go.kr")
        page.get_by_role("link", name="제안서 평가").click()
        page.get_by_role("link", name="차세대 전자민원 시스템 구축 사업 (협상에 의한 계약)").click()
        expect(page.get_by_role("heading", name="평가표")).to_be_visible()
        cells = page.locator("table.sheet tbody tr")
        expect(cells).to_have_count(3)
        if i == 1:  # a wrong entry is refused next to its field, in Korean, and nothing is kept
            cells.first.locator("input").first.fill("25")
            page.get_by_role("button", name="평가표 제출").click()
            first_input = cells.first.locator("input").first
            expect(first_input).to_have_attribute("aria-invalid", "true")
            error = page.locator(f"#{first_input.get_attribute('id')}-error")
            expect(error).to_contain_text("0점 이상 20점 이하")
            expect(page.locator(".form-errors")).to_contain_text("점수를 입력하십시오")
        for row, points in enumerate(SHEETS):
            for column, value in enumerate(points):
                cells.nth(row).locator("input").nth(column).fill(value)
        page.get_by_role("button", name="임시 저장").click()
        expect(page.get_by_role("status")).to_contain_text("임시 저장했습니다")
        expect(cells.first.locator("input").first).to_have_value("18")
        page.get_by_role("button", name="평가표 제출").click()
        expect(page.get_by_role("status")).to_contain_text("평가표를 제출했습니다")
        expect(cells.first.locator("input").first).to_have_attribute("readonly", "")
        expect(page.get_by_role("button", name="평가표 제출")).to_have_count(0)
        sign_out(page)

    sign_in(page, base, "officer@mois.go.kr")
    page.goto(f"{base}/agency/notices")
    page.get_by_role("link", name="차세대 전자민원 시스템 구축 사업 (협상에 의한 계약)").click()
    page.get_by_role("button", name="기술평가 마감").click()
    expect(page.get_by_role("status")).to_contain_text("기술평가를 마감했습니다")
    table = page.locator("table.negotiation tbody tr")
    expect(table).to_have_count(3)
    expect(table.nth(2)).to_contain_text("기준 미달")
    expect(table.first).to_contain_text("80")  # rank 1 of the differential points gets the maximum
    number = page.url.rsplit("/", 1)[-1]
    opening = page.locator("dt:has-text('개찰 일시') + dd time").first.get_attribute("datetime")
    sign_out(page)

    assert opening
    page.goto(f"{base}/notices")
    page.get_by_label("한국 시간 (KST)").fill(
        datetime.fromisoformat(opening).astimezone(SEOUL).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="이동").click()
    sign_in(page, base, "official@mois.go.kr")
    page.goto(f"{base}/agency/notices/{number}")
    for i in range(1, 4):
        page.locator(f"#m{i}-email").fill(f"committee{i}@mois.go.kr")
        page.locator(f"#m{i}-password").fill(DEMO_PASSWORD)
        page.locator(f"#m{i}-passphrase").fill(DEMO_PASSPHRASE)
    page.get_by_role("button", name="개찰").click()
    expect(page.get_by_role("status")).to_contain_text("개찰했습니다")
    first = page.locator("table.negotiation tbody tr").first
    expect(first).to_contain_text("협상 차례")
    first.get_by_label("협상 결렬").check()
    first.get_by_role("button", name="협상 결과 기록").click()  # broken off without a reason: refused
    expect(page.locator("#note-error")).to_contain_text("결렬 사유")
    first = page.locator("table.negotiation tbody tr").first
    first.get_by_label("협상 결렬").check()
    first.get_by_label("내용 (결렬 시 사유 필수)").fill("투입 인력 조건 불합의")
    first.get_by_role("button", name="협상 결과 기록").click()
    expect(page.get_by_role("status")).to_contain_text("협상 결과를 기록했습니다")
    second = page.locator("table.negotiation tbody tr").nth(1)
    second.get_by_label("협상 성립").check()
    second.get_by_role("button", name="협상 결과 기록").click()
    expect(page.get_by_role("status")).to_contain_text("협상 결과를 기록했습니다")
    page.get_by_role("button", name="낙찰자 결정").click()
    expect(page.get_by_role("status")).to_contain_text("낙찰자를 결정했습니다")
    sign_out(page)

    page.goto(f"{base}/notices/{number}")
    rows = page.locator("table.negotiation tbody tr")
    expect(rows.first).to_contain_text("투입 인력 조건 불합의")
    expect(page.locator("table.negotiation tr.winner")).to_contain_text("협상 성립")
    expect(page.get_by_role("columnheader", name="기술점수 (원점수)")).to_be_visible()
    expect(page.get_by_role("columnheader", name="기술점수 (차등 적용)")).to_be_visible()
    expect(page.locator("table.results tr.winner")).to_have_count(1)


def test_passkeys_register_sign_in_and_removal_with_a_virtual_authenticator(
    live_server: tuple[str, OffsetClock, Path], page: Page
) -> None:
    """Issue #6: a real WebAuthn ceremony in Chromium with the DevTools virtual authenticator (user verification
    on). Passkeys need a domain name, so the browser uses ``localhost`` rather than the IP address."""
    base = live_server[0].replace("127.0.0.1", "localhost")
    cdp, authenticator = virtual_authenticator(page)
    sign_in(page, base, "bid@hanbit.example")
    page.get_by_role("link", name="로그인 보안").click()
    expect(page.get_by_text("등록한 패스키가 없습니다")).to_be_visible()
    page.get_by_label("새 패스키 이름").fill("사무실 노트북")
    page.get_by_role("button", name="패스키 등록").click()
    expect(page.locator("p.notice-ok")).to_contain_text("패스키를 등록했습니다")
    expect(page.locator("table.passkeys")).to_contain_text("사무실 노트북")
    sessions = page.locator("table.sessions tbody tr")
    expect(sessions.first).to_contain_text("지금 이 브라우저")
    sign_out(page)

    page.goto(f"{base}/login")
    page.get_by_role("button", name="패스키로 로그인").click()
    expect(page.get_by_role("button", name="로그아웃")).to_be_visible()
    page.goto(f"{base}/account/security")
    expect(page.locator("table.passkeys")).not_to_contain_text("—")  # last used is now set
    expect(page.locator("table.sessions")).to_contain_text("패스키")

    # A device whose user is not verified (no fingerprint, no PIN) does not sign anyone in.
    sign_out(page)
    cdp.send("WebAuthn.setUserVerified", {"authenticatorId": authenticator, "isUserVerified": False})
    page.goto(f"{base}/login")
    page.get_by_role("button", name="패스키로 로그인").click()
    expect(page.locator("#passkey-status")).to_contain_text("패스키 처리에 실패했습니다")
    expect(page.get_by_role("link", name="로그인")).to_be_visible()

    # Removed: the passkey no longer signs in.
    cdp.send("WebAuthn.setUserVerified", {"authenticatorId": authenticator, "isUserVerified": True})
    sign_in(page, base, "bid@hanbit.example")
    page.goto(f"{base}/account/security")
    page.get_by_role("button", name="지우기 사무실 노트북").click()
    expect(page.locator("p.notice-ok")).to_contain_text("패스키를 지웠습니다")
    sign_out(page)
    page.goto(f"{base}/login")
    page.get_by_role("button", name="패스키로 로그인").click()
    expect(page.locator("#passkey-status")).to_contain_text("등록한 패스키인지 확인")


def test_a_bidder_with_a_passkey_signs_the_bid_itself_with_it(
    live_server: tuple[str, OffsetClock, Path], page: Page
) -> None:
    """Issue #6 point 3 and AT-15: a password session is not enough; the passkey check, with the sealed bid's hash
    as its challenge, is both the step-up and the bidder's own signature on that bid."""
    base = live_server[0].replace("127.0.0.1", "localhost")
    key_dir = live_server[2]
    cdp, authenticator = virtual_authenticator(page)
    sign_in(page, base, "bid@hanbit.example")
    page.goto(f"{base}/account/security")
    page.get_by_label("새 패스키 이름").fill("사무실 PC")
    page.get_by_role("button", name="패스키 등록").click()
    expect(page.locator("p.notice-ok")).to_contain_text("패스키를 등록했습니다")
    sign_out(page)
    sign_in(page, base, "bid@hanbit.example")  # with the password: not a verification

    page.goto(f"{base}/notices?status=published")
    page.locator("table.notices tbody tr").first.get_by_role("link").click()
    page.get_by_role("link", name="입찰하기").click()
    expect(page.get_by_text("패스키(지문·얼굴·PIN)로 이 입찰서에 본인 서명")).to_be_visible()

    def fill() -> None:
        page.get_by_label("입찰금액 (원)").fill("104,350,000")
        for pick in ("3", "9"):
            page.get_by_label(pick, exact=True).check()
        page.get_by_label("업체 서명키 파일 (.pem)").set_input_files(str(key_dir / "hanbit.pem"))
        page.get_by_role("button", name="입찰서 제출").click()

    cdp.send("WebAuthn.setUserVerified", {"authenticatorId": authenticator, "isUserVerified": False})
    fill()  # the device cannot verify the person: nothing is sent
    expect(page.locator("#keyfile-error")).to_contain_text("패스키 서명이 취소되었거나 실패했습니다")
    cdp.send("WebAuthn.setUserVerified", {"authenticatorId": authenticator, "isUserVerified": True})
    page.reload()
    fill()
    expect(page.get_by_role("heading", name="입찰서 접수증")).to_be_visible()
    expect(page.locator("main")).to_contain_text("패스키로 본인 서명")


def test_a_committee_member_verifies_with_their_own_passkey_at_the_opening(
    live_server: tuple[str, OffsetClock, Path], page: Page
) -> None:
    """Issue #6 point 3: presenting an opening share needs the member's own fresh check. A member who registered
    a passkey verifies with it on the bid official's screen; without it the opening is refused, naming them."""
    base = live_server[0].replace("127.0.0.1", "localhost")
    virtual_authenticator(page)
    sign_in(page, base, "committee1@mois.go.kr")
    page.goto(f"{base}/account/security")
    page.get_by_label("새 패스키 이름").fill("위원 보안키")
    page.get_by_role("button", name="패스키 등록").click()
    expect(page.locator("p.notice-ok")).to_contain_text("패스키를 등록했습니다")
    sign_out(page)

    sign_in(page, base, "official@mois.go.kr")
    page.goto(f"{base}/agency/notices")
    page.get_by_role("link", name="청사 방호 및 시설관리 용역").click()

    def fill() -> None:
        for i in range(1, 4):
            page.locator(f"#m{i}-email").fill(f"committee{i}@mois.go.kr")
            page.locator(f"#m{i}-password").fill(DEMO_PASSWORD)
            page.locator(f"#m{i}-passphrase").fill(DEMO_PASSPHRASE)

    fill()
    page.get_by_role("button", name="개찰", exact=True).click()
    expect(page.locator("main")).to_contain_text("본인 확인이 필요합니다")
    fill()
    page.locator("fieldset").filter(has_text="개찰위원 1").get_by_role("button", name="이 위원의 패스키로 확인").click()
    expect(page.locator("#m1-status")).to_contain_text("확인되었습니다")
    page.get_by_role("button", name="개찰", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("개찰했습니다")


def test_a_firm_registers_is_approved_invites_a_colleague_and_both_use_passkeys_and_the_colleague_bids(
    live_server: tuple[str, OffsetClock, Path], page: Page, database_url: str, tmp_path: Path
) -> None:
    """Issue #6 "done when", in the browser from end to end: register, approval, a signing key made in the
    browser, an invitation, passkeys for both people (each on their own device), and a bid signed with the
    colleague's passkey."""
    from sqlalchemy import select

    from jangter.notifications.outbox import OutboxMail
    from tests.support import PASSWORD, brn, corporate_number

    base = live_server[0].replace("127.0.0.1", "localhost")
    clock = live_server[1]
    virtual_authenticator(page)
    page.goto(f"{base}/register")
    page.get_by_label("상호").fill("(주)새길건설")
    page.get_by_label("사업자등록번호").fill(brn("220816253"))
    page.get_by_label("법인사업자").check()
    page.get_by_label("법인등록번호 (법인만)").fill(corporate_number("110111816253"))
    page.get_by_label("대표자", exact=True).fill("나새길")
    page.get_by_label("주소").fill("서울특별시 중구 세종대로 110")
    page.get_by_label("본사 소재지").select_option("11")
    for category in ("물품", "용역", "공사"):
        page.locator("fieldset", has_text="공급 분야").get_by_label(category).check()
    page.locator("fieldset", has_text="공급 지역").get_by_label("전국").check()
    page.get_by_label("업종코드 1").fill("0003")
    page.get_by_label("업종명 1").fill("토목공사업")
    page.get_by_label("등록번호 1").fill("서울-2026-0101")
    page.get_by_label("이름").fill("나새길")
    page.get_by_label("이메일").fill("admin@saegil.example")
    page.locator("#password").fill(PASSWORD)
    page.locator("#password_again").fill(PASSWORD)
    page.get_by_role("button", name="등록 신청").click()
    expect(page.locator("main")).to_contain_text("심사 후")

    sign_in(page, base, "operator@pps.go.kr")
    firm = page.locator("form.card", has_text="(주)새길건설")
    expect(firm).to_contain_text("토목공사업")
    firm.get_by_role("button", name="승인").click()
    sign_out(page)

    page.goto(f"{base}/login")  # the company administrator: password, then a passkey of their own
    page.get_by_label("이메일").fill("admin@saegil.example")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인", exact=True).click()
    page.goto(f"{base}/account/security")
    page.get_by_label("새 패스키 이름").fill("대표 노트북")
    page.get_by_role("button", name="패스키 등록").click()
    expect(page.locator("p.notice-ok")).to_contain_text("패스키를 등록했습니다")
    sign_out(page)
    page.goto(f"{base}/login")
    page.get_by_role("button", name="패스키로 로그인").click()
    expect(page.get_by_role("button", name="로그아웃")).to_be_visible()

    page.goto(f"{base}/firm/keys")
    with page.expect_download() as download:
        page.get_by_role("button", name="이 브라우저에서 서명키 만들기").click()
    key_file = tmp_path / "saegil.pem"
    download.value.save_as(key_file)
    assert key_file.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    expect(page.locator("#key-status")).to_contain_text("키 파일을 저장했습니다")
    page.get_by_role("button", name="등록", exact=True).click()
    expect(page.locator("p.notice-ok")).to_be_visible()

    page.goto(f"{base}/firm/members")
    page.get_by_label("이메일").fill("bid@saegil.example")
    page.get_by_role("button", name="초대 메일 보내기").click()
    database = Database(database_url, clock)
    with database.reading() as session:
        body = session.scalars(select(OutboxMail.body).where(OutboxMail.to_addr == "bid@saegil.example")).one()
    database.dispose()
    link = re.search(r"https?://\S+/invitations/\S+", body)
    assert link
    sign_out(page)

    browser = page.context.browser
    assert browser is not None
    colleague = browser.new_context(locale="ko-KR").new_page()  # their own computer and passkey
    virtual_authenticator(colleague)
    colleague.goto(link.group(0).replace("http://127.0.0.1:8000", base))
    colleague.get_by_label("이름").fill("한입찰")
    colleague.locator("#password").fill(PASSWORD)
    colleague.locator("#password_again").fill(PASSWORD)
    colleague.get_by_role("button", name="가입").click()
    colleague.goto(f"{base}/login")
    colleague.get_by_label("이메일").fill("bid@saegil.example")
    colleague.get_by_label("비밀번호").fill(PASSWORD)
    colleague.get_by_role("button", name="로그인", exact=True).click()
    colleague.goto(f"{base}/account/security")
    colleague.get_by_label("새 패스키 이름").fill("입찰 PC")
    colleague.get_by_role("button", name="패스키 등록").click()
    expect(colleague.locator("p.notice-ok")).to_contain_text("패스키를 등록했습니다")
    colleague.get_by_role("button", name="로그아웃").click()
    colleague.goto(f"{base}/login")
    colleague.get_by_role("button", name="패스키로 로그인").click()
    expect(colleague.get_by_role("button", name="로그아웃")).to_be_visible()

    colleague.goto(f"{base}/notices?status=published&q=복합기")
    colleague.get_by_role("link", name="사무용 복합기 구매 (40대)").click()
    colleague.get_by_role("link", name="입찰하기").click()
    colleague.get_by_label("입찰금액 (원)").fill("135,000,000")
    for pick in ("4", "11"):
        colleague.get_by_label(pick, exact=True).check()
    colleague.get_by_label("업체 서명키 파일 (.pem)").set_input_files(str(key_file))
    colleague.get_by_role("button", name="입찰서 제출").click()
    expect(colleague.get_by_role("heading", name="입찰서 접수증")).to_be_visible()
    expect(colleague.locator("main")).to_contain_text("패스키로 본인 서명")
    expect(colleague.locator("main")).to_contain_text("(주)새길건설")


def test_the_officer_signs_the_demo_contract_with_a_passkey_and_terminates_it(
    live_server: tuple[str, OffsetClock, Path], page: Page
) -> None:
    """Issue #8 point 5 in a real browser: the contract list, the contract page, the passkey step-up before the
    agency's signature, the signature check (both valid), then a termination whose guarantee consequences and the
    reason show on the page."""
    base = live_server[0].replace("127.0.0.1", "localhost")
    virtual_authenticator(page)
    sign_in(page, base, "officer@seoul.go.kr")
    page.goto(f"{base}/account/security")
    page.get_by_label("새 패스키 이름").fill("계약관 PC")
    page.get_by_role("button", name="패스키 등록").click()
    expect(page.locator("p.notice-ok")).to_contain_text("패스키를 등록했습니다")
    sign_out(page)
    sign_in(page, base, "officer@seoul.go.kr")

    page.get_by_role("link", name="계약", exact=True).click()
    page.locator("main table tbody tr").first.get_by_role("link").first.click()
    expect(page.locator("p.lead .badge")).to_have_text("업체 서명")
    page.get_by_role("button", name="전자서명").click()
    expect(page.locator("#step_up-error")).to_contain_text("본인 확인이 필요합니다")  # a password session is not enough
    page.get_by_role("button", name="패스키로 본인 확인").click()
    expect(page.get_by_role("button", name="패스키로 본인 확인")).to_have_count(0)  # verified: back on the page
    page.get_by_role("button", name="전자서명").click()
    expect(page.get_by_role("status").first).to_contain_text("서명했습니다")
    page.get_by_role("link", name="서명 확인").first.click()
    expect(page.locator("main")).to_contain_text("✔ 유효")
    expect(page.locator("main")).not_to_contain_text("✘")
    page.go_back()

    page.get_by_role("button", name="계약 해지").click()  # nothing chosen: the message stands next to the field
    expect(page.locator("#fault-error")).to_contain_text("목록에서 선택하십시오")
    page.get_by_label("합의 해지").check()
    page.get_by_label("해지 사유").fill("예산 삭감에 따른 합의 해지")
    page.get_by_role("button", name="계약 해지").click()
    expect(page.get_by_role("status").first).to_contain_text("계약을 해지했습니다")
    expect(page.locator("p.lead .badge")).to_have_text("해지")
    expect(page.locator("main")).to_contain_text("예산 삭감에 따른 합의 해지")


def test_the_live_briefing_shows_a_new_answer_without_reloading(
    live_server: tuple[str, OffsetClock, Path], page: Page
) -> None:
    """Issue #9 point 3: a citizen watches the demo's live briefing while the Ministry's moderator answers the
    waiting question in another browser; the answer appears on the citizen's page, which is never reloaded. The
    2022 programme of the seed is there with its transcript."""
    base, _, _ = live_server
    page.goto(f"{base}/programmes")
    page.get_by_role("link", name="2022년 전자정부지원사업").click()
    expect(page.get_by_text("11개 과제: 대국민 서비스 5 · 행정 서비스 6")).to_be_visible()
    expect(page.get_by_text("69,400,000,000원").first).to_be_visible()
    expect(page.get_by_text("허용됩니다. 분담이행 방식은 허용하지 않습니다.")).to_be_attached()  # the transcript

    page.goto(f"{base}/programmes")
    page.get_by_role("link", name="2027년 행정안전부 디지털정부 사업 (데모)").click()
    page.get_by_role("link", name="2027년 디지털정부 사업설명회 (실시간 질의응답)").click()
    expect(page.get_by_text("진행 중 (실시간 질의응답)")).to_be_visible()
    answers = page.locator("#answers > li")
    expect(answers).to_have_count(2)
    expect(page.locator("#waiting")).to_have_text("답변 대기 중인 질의 1건")
    expect(page.get_by_text("유지보수 용역의 SLA 기준")).to_have_count(0)  # not answered: not public
    watched = page.url

    browser = page.context.browser
    assert browser is not None
    moderator_context = browser.new_context(locale="ko-KR")
    moderator = moderator_context.new_page()
    try:
        sign_in(moderator, base, "officer@mois.go.kr")
        moderator.goto(watched)
        moderator.get_by_label("답변").fill("SLA 기준은 제안요청서 별첨 3에 공개합니다.")
        moderator.get_by_role("button", name="답변 게시").click()
        expect(moderator.get_by_text("답변을 게시했습니다.")).to_be_visible()
    finally:
        moderator_context.close()

    expect(answers).to_have_count(3, timeout=15_000)  # fetched by the page itself: it was not reloaded
    expect(answers.last).to_contain_text("SLA 기준은 제안요청서 별첨 3에 공개합니다.")
    expect(answers.last).to_contain_text("유지보수 용역의 SLA 기준은 공개됩니까?")
    expect(page.locator("#waiting")).to_have_text("답변 대기 중인 질의 0건")
    assert page.url == watched
