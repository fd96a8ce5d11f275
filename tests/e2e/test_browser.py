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
from playwright.sync_api import Page, expect, sync_playwright

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
    page.get_by_role("button", name="로그인").click()
    expect(page.get_by_role("button", name="로그아웃")).to_be_visible()


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
    page.get_by_role("button", name="낙찰자 결정").click()
    expect(page.get_by_role("status")).to_contain_text("낙찰자를 결정했습니다")
    sign_out(page)

    page.goto(f"{base}/notices/{number.group(0)}")
    winner = page.locator("table.results tr.winner")
    expect(winner).to_have_count(1)
    expect(winner).to_contain_text("103,980,000원")
