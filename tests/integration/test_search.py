"""Search (issue #7 points 1 and 2) on both engines: Korean one-, two- and three-syllable queries, mixed Korean and
English, notice numbers, filters, sorts, pages, highlights; and the fallback when the engine fails or hangs."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import text

from jangter.kernel.breaker import BreakerState, CircuitBreaker
from jangter.kernel.context import AppContext
from jangter.kernel.procurement import Category, ContractMethod
from jangter.search import engines, index
from jangter.search.service import Mode, SearchRequest, Sort, search_notices
from jangter.tendering import service as tendering
from jangter.tendering.domain.notice import NoticeStatus
from tests.support import DEADLINE, World, make_world, search_engine_broken

TITLES = {  # deadlines on working days after Wednesday 11 November 2026
    "works": ("정부세종청사 냉난방기 교체 공사", Category.WORKS, 842_000_000, 0),
    "road": ("도로 포장 공사 자재 구매", Category.GOODS, 120_000_000, 1),
    "bike": ("서울시 공공자전거 정비 용역", Category.SERVICES, 318_000_000, 2),
    "led": ("청사 LED 조명 교체 구매 (LED lighting)", Category.GOODS, 86_900_000, 5),
    "system": ("2027년 통합정보시스템 유지보수 용역", Category.SERVICES, 1_480_000_000, 6),
    "trail": ("한강 둘레길 정비", Category.WORKS, 74_800_000, 7),
}


def publish_all(world: World) -> dict[str, str]:
    numbers = {}
    for key, (title, category, amount, days) in TITLES.items():
        numbers[key] = world.publish(
            title=title,
            category=category,
            base_amount=amount,
            estimated_price=amount * 10 // 11,
            a_value=amount // 25 if category is Category.WORKS else 0,
            deadline_at=DEADLINE + timedelta(days=days),
            opening_at=DEADLINE + timedelta(days=days, hours=1),
            description="입찰참가자격: 나라장터 등록업체. 하자담보 책임기간 2년." if key == "bike" else "시험용 공고",
        )
    return numbers


def found(ctx: AppContext, query: str, **filters: object) -> set[str]:
    result = search_notices(ctx, SearchRequest(text=query, limit=100, **filters))  # type: ignore[arg-type]
    assert result.mode in (Mode.ENGINE, Mode.NUMBER, Mode.LIST), result
    return {hit.notice.number for hit in result.hits}


@pytest.fixture
def corpus(ctx: AppContext) -> tuple[World, dict[str, str]]:
    world = make_world(ctx, firms=1)
    return world, publish_all(world)


def test_two_syllable_korean_words_are_found_even_inside_compounds(
    ctx: AppContext, corpus: tuple[World, dict[str, str]]
) -> None:
    _, n = corpus
    assert found(ctx, "공사") == {n["works"], n["road"]}
    assert found(ctx, "용역") == {n["bike"], n["system"]}
    assert found(ctx, "청사") == {n["works"], n["led"]}  # 정부세종청사 as well as 청사
    assert found(ctx, "정비") == {n["bike"], n["trail"]}


def test_one_and_three_syllable_queries_and_several_words(
    ctx: AppContext, corpus: tuple[World, dict[str, str]]
) -> None:
    _, n = corpus
    assert found(ctx, "길") == {n["trail"]}  # at the end of 둘레길
    assert found(ctx, "냉") == {n["works"]}  # at the start of 냉난방기
    assert found(ctx, "자전거") == {n["bike"]}
    assert found(ctx, "시스템") == {n["system"]}  # inside 통합정보시스템
    assert found(ctx, "교체 구매") == {n["led"]}  # every word is required
    assert found(ctx, "자전기") == set()  # not a near miss


def test_english_numbers_and_notice_numbers(ctx: AppContext, corpus: tuple[World, dict[str, str]]) -> None:
    _, n = corpus
    assert found(ctx, "LED") == found(ctx, "led") == {n["led"]}
    assert found(ctx, "light") == {n["led"]}  # an English word as a prefix
    assert found(ctx, "LED 조명") == {n["led"]}  # mixed Korean and English
    assert found(ctx, "2027") == {n["system"]}
    assert found(ctx, n["bike"]) == {n["bike"]}
    assert found(ctx, n["bike"].lower() + "-000") == {n["bike"]}


def test_the_notice_text_and_the_agency_are_searched_and_weigh_less_than_the_title(
    ctx: AppContext, corpus: tuple[World, dict[str, str]]
) -> None:
    _, n = corpus
    assert found(ctx, "하자담보") == {n["bike"]}  # only in the text of the notice
    assert found(ctx, "행정안전부") == set(n.values())  # the issuing agency
    ranked = search_notices(ctx, SearchRequest(text="공사"))
    assert ranked.sort is Sort.RELEVANCE and {h.notice.number for h in ranked.hits} == {n["works"], n["road"]}


def test_filters_sorts_pages_and_highlights(ctx: AppContext, corpus: tuple[World, dict[str, str]]) -> None:
    world, n = corpus
    assert found(ctx, "교체", category=Category.GOODS) == {n["led"]}
    assert found(ctx, "", amount_min=300_000_000) == {n["works"], n["bike"], n["system"]}
    assert found(ctx, "", amount_max=100_000_000, amount_min=80_000_000) == {n["led"]}
    assert found(ctx, "", deadline_from=DEADLINE + timedelta(days=6)) == {n["system"], n["trail"]}
    assert found(ctx, "", deadline_to=DEADLINE) == {n["works"]}
    assert found(ctx, "", agency_id=world.other_officer.org_id) == set()
    by_amount = search_notices(ctx, SearchRequest(text="용역", sort=Sort.AMOUNT))
    assert [h.notice.number for h in by_amount.hits] == [n["system"], n["bike"]]
    by_deadline = search_notices(ctx, SearchRequest(sort=Sort.DEADLINE, limit=4))
    assert [h.notice.number for h in by_deadline.hits] == [n["works"], n["road"], n["bike"], n["led"]]
    rest = search_notices(ctx, SearchRequest(sort=Sort.DEADLINE, limit=4, cursor=by_deadline.next_cursor))
    assert [h.notice.number for h in rest.hits] == [n["system"], n["trail"]] and rest.next_cursor is None
    [hit] = search_notices(ctx, SearchRequest(text="led 조명")).hits
    assert [p for p, marked in hit.title if marked] == ["LED", "조명", "LED"]
    tendering.cancel(ctx, world.officer, n["road"], "사업 취소")
    assert found(ctx, "공사", status=NoticeStatus.PUBLISHED) == {n["works"]}
    assert found(ctx, "공사", status=NoticeStatus.CANCELLED) == {n["road"]}


def test_an_amended_title_is_found_at_once_and_drafts_never(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish(title="청사 보안장비 구매")
    draft = world.draft(title="작성 중인 보안 공고")
    tendering.amend(ctx, world.officer, number, {"title": "청사 출입통제 장비 구매"}, "명칭 정정")
    assert found(ctx, "출입통제") == {number}
    assert found(ctx, "보안") == set()
    assert draft not in found(ctx, "작성")


def test_filters_inside_the_engine_follow_an_amended_region(ctx: AppContext) -> None:
    """Category, contract method, region and agency are tokens the engine intersects with the words (ADR 0009);
    amending the region moves the notice to the new region's token at once."""
    world = make_world(ctx, firms=1)
    seoul = world.publish(title="청사 보안장비 구매", region="11")
    busan = world.publish(title="청사 보안장비 유지보수 용역", region="26", category=Category.SERVICES)
    assert found(ctx, "보안장비", region="11") == {seoul}
    assert found(ctx, "보안장비", region="26", category=Category.SERVICES) == {busan}
    assert found(ctx, "보안장비", region="26", category=Category.GOODS) == set()
    assert found(ctx, "보안장비", agency_id=world.officer.org_id) == {seoul, busan}
    assert found(ctx, "보안장비", agency_id=world.other_officer.org_id) == set()
    assert found(ctx, "보안장비", contract_method=ContractMethod.GENERAL_COMPETITIVE) == {seoul, busan}
    tendering.amend(ctx, world.officer, seoul, {"region": "26"}, "참가제한지역 정정")
    assert found(ctx, "보안장비", region="26") == {seoul, busan}
    assert found(ctx, "보안장비", region="11") == set()


def test_relevance_ranks_the_newest_matches_and_pages_on_through_the_older_ones(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Relevance is ranked among the newest RANK_WINDOW matches; older matches follow newest first, and the pages
    go through every match once (a window of 3 here stands for the 2,000 of production)."""
    monkeypatch.setattr(engines, "RANK_WINDOW", 3)
    world = make_world(ctx, firms=1)
    published = [
        world.publish(title=title, description=text)
        for title, text in (
            ("하천 정비", "진입 도로 포함"),  # oldest
            ("도로 포장", "시험용 공고"),  # a title match, but too old to be ranked
            ("교량 보수", "도로 통제 포함"),
            ("청사 교체", "도로 통제 포함"),
            ("도로 확장", "시험용 공고"),  # the only title match among the newest three: first
            ("공원 조성", "도로 통제 포함"),
        )
    ]
    newest_three = published[3:]
    pages: list[str] = []
    cursor = None
    while True:
        result = search_notices(ctx, SearchRequest(text="도로", limit=2, cursor=cursor))
        assert result.mode is Mode.ENGINE
        pages += [h.notice.number for h in result.hits]
        cursor = result.next_cursor
        if cursor is None:
            break
    assert sorted(pages) == sorted(published)  # each once
    assert set(pages[:3]) == set(newest_three) and pages[0] == published[4]
    assert pages[3:] == [published[2], published[1], published[0]]  # then the older ones, newest first


@pytest.mark.parametrize("window", [3, 5])
def test_the_newest_matches_are_found_across_blocks_of_ids(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    """PostgreSQL looks for the newest matches block of ids by block, newest first (``block→N``, migration 0020),
    and in the oldest only when those are not enough: notices in three blocks (the first ids, then ids on either
    side of 131,072) come back in the same order as from one list. With a window of 3 the newest blocks hold enough;
    with 5 the oldest is read too. SQLite has no blocks: the same answers from its own order."""
    monkeypatch.setattr(engines, "RANK_WINDOW", window)
    world = make_world(ctx, firms=1)
    oldest = world.publish(title="도로 포장", description="시험용 공고")  # block 0
    if ctx.db.dialect == "postgresql":
        with ctx.uow() as uow:
            uow.session.execute(text("SELECT setval(pg_get_serial_sequence('notice', 'id'), 131069)"))
            uow.commit()
    middle = [world.publish(title=t, description=d) for t, d in (("교량 보수", "도로 통제"), ("도로 확장", "시험용"))]
    newest = [world.publish(title=t, description="도로 통제 포함") for t in ("공원 조성", "청사 교체")]
    if ctx.db.dialect == "postgresql":
        with ctx.db.reading() as session:
            ids = {row.number: row.id for row in session.execute(text("SELECT number, id FROM notice"))}
        bits = engines.BLOCK_BITS
        assert ids[oldest] >> bits == 0 and ids[middle[1]] >> bits < ids[newest[0]] >> bits
    pages = [h.notice.number for h in search_notices(ctx, SearchRequest(text="도로", limit=10)).hits]
    if window == 3:  # the newest three, the title match first, then the older ones newest first
        assert pages == [middle[1], newest[1], newest[0], middle[0], oldest]
    else:  # all five ranked: the two title matches first, newest first
        assert pages == [middle[1], oldest, newest[1], newest[0], middle[0]]


def test_a_reindex_rebuilds_the_same_answers(ctx: AppContext, corpus: tuple[World, dict[str, str]]) -> None:
    _, n = corpus
    with ctx.uow() as uow:
        uow.session.execute(text("DELETE FROM notice_search"))
        uow.commit()
    assert found(ctx, "공사") == set()
    seen: list[tuple[int, int]] = []
    assert index.reindex(ctx, lambda done, total: seen.append((done, total))) == len(n)
    assert seen[-1] == (len(n), len(n))
    assert found(ctx, "공사") == {n["works"], n["road"]}


def test_when_the_engine_fails_a_plain_query_answers_and_the_breaker_opens(
    ctx: AppContext, corpus: tuple[World, dict[str, str]]
) -> None:
    world, n = corpus
    clock = [0.0]
    ctx = replace(ctx, search_breaker=CircuitBreaker(failures=2, cooldown_seconds=30, monotonic=lambda: clock[0]))
    with search_engine_broken(ctx):
        _answers_while_broken(ctx, world, n, clock)


def _answers_while_broken(ctx: AppContext, world: World, n: dict[str, str], clock: list[float]) -> None:
    first = search_notices(ctx, SearchRequest(text="공사"))
    assert (first.mode, first.problem) == (Mode.FALLBACK, "error")
    assert {h.notice.number for h in first.hits} == {n["works"], n["road"]}  # titles still match
    assert [p for p, marked in first.hits[0].title if marked] == ["공사"]
    search_notices(ctx, SearchRequest(text="공사"))
    assert ctx.search_breaker.state is BreakerState.OPEN
    third = search_notices(ctx, SearchRequest(text="용역"))
    assert (third.mode, third.problem) == (Mode.FALLBACK, "breaker_open")
    number = world.publish(title="새 공고: 청사 도색 공사")  # publishing does not need the engine
    assert number in {h.notice.number for h in search_notices(ctx, SearchRequest(text="도색")).hits}
    clock[0] = 31.0  # after the cool-down one trial goes through, fails, and the breaker opens again
    assert search_notices(ctx, SearchRequest(text="공사")).problem == "error"
    assert ctx.search_breaker.state is BreakerState.OPEN


def test_a_slow_engine_is_cut_off_by_the_time_limit(ctx: AppContext, corpus: tuple[World, dict[str, str]]) -> None:
    _, n = corpus
    if ctx.db.engine.dialect.name == "postgresql":
        ctx = replace(ctx, search_timeout_ms=200, search_breaker=CircuitBreaker())
        blocker = ctx.db.engine.connect()  # another session holds the index: the search would wait forever
        transaction = blocker.begin()
        blocker.execute(text("LOCK TABLE notice_search IN ACCESS EXCLUSIVE MODE"))
        try:
            result = search_notices(ctx, SearchRequest(text="공사"))
        finally:
            transaction.rollback()
            blocker.close()
    else:
        ctx = replace(ctx, search_timeout_ms=0, search_breaker=CircuitBreaker())
        result = search_notices(ctx, SearchRequest(text="공사"))
    assert (result.mode, result.problem) == (Mode.FALLBACK, "timeout")
    assert {h.notice.number for h in result.hits} == {n["works"], n["road"]}


def test_similar_notices_share_title_words_and_survive_a_broken_engine(
    ctx: AppContext, corpus: tuple[World, dict[str, str]]
) -> None:
    from jangter.search.service import similar_notices

    _, n = corpus
    alike = similar_notices(ctx, n["works"])
    numbers = [h.notice.number for h in alike.hits]
    assert alike.mode is Mode.ENGINE and n["works"] not in numbers
    assert n["led"] in numbers  # 청사 … 교체
    assert set(numbers) <= {n["led"], n["road"]}  # only notices that share a word
    with search_engine_broken(ctx):
        fallback = similar_notices(ctx, n["works"])
    assert fallback.mode is Mode.FALLBACK
    assert {h.notice.number for h in fallback.hits} == {n["trail"]}  # the same agency's other works notice
