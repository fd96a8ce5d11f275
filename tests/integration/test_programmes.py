"""E-government programmes and briefings (issue #9 point 3): a programme of projects linked to order-plan items shows
its budget against what was ordered and contracted; a briefing takes questions in advance and live, and only the
moderators publish answers, in order, which everyone then sees."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from jangter.contracting import service as contracting
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.kernel.procurement import Category
from jangter.planning import programmes
from jangter.planning import service as planning
from jangter.planning.programme_domain import (
    BriefingPhase,
    DraftBriefing,
    DraftProgramme,
    DraftProject,
    ServiceType,
    Technology,
)
from jangter.tendering import queries
from tests.support import World, award_goods_notice, make_world

PROGRAMME = DraftProgramme("2027년 전자정부지원사업", 2027, 10_000_000_000, "부처 공동 활용 서비스")


def project(title: str, budget: int, *plan_items: str, stage: int = 1, continuing: bool = False) -> DraftProject:
    return DraftProject(
        title=title,
        agency="행정안전부",
        budget=budget,
        service_type=ServiceType.PUBLIC,
        stage=stage,
        continuing=continuing,
        multi_year=False,
        technologies=(Technology.CLOUD, Technology.AI),
        plan_items=plan_items,
    )


def refused(code: str, call: object, *args: object) -> None:
    with pytest.raises(DomainError) as exc:
        call(*args)  # type: ignore[operator]
    assert exc.value.code == code, exc.value


def signed_contract(world: World, ctx: AppContext, clock: OffsetClock) -> tuple[str, int]:
    """An awarded goods notice whose contract both parties signed; returns its order-plan item and the amount."""
    notice = award_goods_notice(world, clock)
    terms = contracting.DraftTerms(date(2026, 12, 1), date(2027, 3, 31), "LED 조명기구 납품")
    number = contracting.draft(ctx, world.officer, notice, terms)
    view = contracting.get_contract(ctx, world.officer, number)
    firm = next(f for f in world.firms if f.org_id == view.firm_id)
    contracting.sign(ctx, firm, number, 1)
    contracting.sign(ctx, world.officer, number, 1)
    plan = queries.get_notice(ctx, notice, None).order_plan
    assert plan is not None
    return plan, view.amount


def test_a_programme_shows_budget_against_ordered_and_contracted(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=2)
    refused("role_required", programmes.create, ctx, world.firms[0], PROGRAMME)
    with pytest.raises(ValidationProblems) as bad:
        programmes.create(ctx, world.officer, DraftProgramme(" ", 1999, 0))
    assert {p.field for p in bad.value.problems} == {"name", "year", "budget"}
    programme = programmes.create(ctx, world.officer, PROGRAMME)  # a ministry's officer: its agency owns it

    ordered_only = world.plan(Category.SERVICES)
    services = world.publish(
        title="정보시스템 클라우드 전환 컨설팅", category=Category.SERVICES, order_plan=ordered_only
    )
    contracted_item, amount = signed_contract(world, ctx, clock)
    unused = world.plan(Category.GOODS)
    with pytest.raises(ValidationProblems) as late:
        programmes.add_project(ctx, world.officer, programme, project("2단계 신규?", 1, stage=2))
    assert [p.code for p in late.value.problems] == ["later_stage_is_continuing"]
    refused(
        "order_plan_not_found", programmes.add_project, ctx, world.officer, programme, project("x", 1, "R26DD99999999")
    )
    planning.withdraw(ctx, world.officer, unused, "계획 변경")
    refused("order_plan_not_found", programmes.add_project, ctx, world.officer, programme, project("x", 1, unused))
    refused("other_organisation", programmes.add_project, ctx, world.other_officer, programme, project("x", 1))

    first = programmes.add_project(ctx, world.officer, programme, project("조명 교체", 4_000_000_000, contracted_item))
    second = programmes.add_project(
        ctx, world.operator, programme, project("클라우드 전환", 5_000_000_000, ordered_only, stage=3, continuing=True)
    )
    third = programmes.add_project(ctx, world.officer, programme, project("기획 단계", 1_000_000_000))
    assert (first, second, third) == (1, 2, 3)
    with pytest.raises(ValidationProblems) as over:  # ₩10bn is allocated: nothing is left
        programmes.add_project(ctx, world.officer, programme, project("초과", 1))
    assert [p.code for p in over.value.problems] == ["programme_budget_exceeded"]

    view = programmes.get_programme(ctx, programme)
    by_seq = {p.seq: p.progress for p in view.projects}
    assert (by_seq[1].notices, by_seq[1].contracts, by_seq[1].contracted) == (1, 1, amount)
    assert by_seq[1].ordered > 0
    assert (by_seq[2].notices, by_seq[2].ordered, by_seq[2].contracts, by_seq[2].contracted) == (
        1,
        queries.get_notice(ctx, services, None).base_amount,
        0,
        0,
    )
    assert (by_seq[3].notices, by_seq[3].ordered, by_seq[3].contracted) == (0, 0, 0)
    assert view.progress.ordered == by_seq[1].ordered + by_seq[2].ordered
    assert view.progress.contracted == amount and view.allocated == PROGRAMME.budget
    assert view.composition.projects == 3 and view.composition.new == 2 and view.composition.continuing == 1
    assert view.composition.stages == (1, 3) and view.projects[0].technologies == (Technology.CLOUD, Technology.AI)
    assert [p.name for p in programmes.list_programmes(ctx, 2027)] == [PROGRAMME.name]
    assert programmes.list_programmes(ctx, 2026) == []


def test_a_briefing_takes_questions_in_advance_and_live_and_publishes_answers_in_order(
    ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=2)
    programme = programmes.create(ctx, world.operator, PROGRAMME)  # the operator's: any officer may not moderate
    programmes.add_project(ctx, world.operator, programme, project("조명 교체", 4_000_000_000))
    now = clock.now()
    start, end = now + timedelta(days=2), now + timedelta(days=2, hours=2)
    draft = DraftBriefing("사업설명회", start, end, "https://stream.example/egov", (1,), "정부서울청사")
    refused("role_required", programmes.schedule_briefing, ctx, world.firms[0], programme, draft)
    refused("other_organisation", programmes.schedule_briefing, ctx, world.officer, programme, draft)
    with pytest.raises(ValidationProblems) as bad:
        programmes.schedule_briefing(
            ctx,
            world.operator,
            programme,
            DraftBriefing("", now - timedelta(hours=1), now - timedelta(hours=2), "ftp://x", (2,)),
        )
    assert {p.field for p in bad.value.problems} == {"title", "starts_at", "ends_at", "stream_url", "projects"}
    briefing = programmes.schedule_briefing(ctx, world.operator, programme, draft)

    refused("role_required", programmes.ask, ctx, world.officer, briefing, "기관은 질의하지 않음")
    refused("question_required", programmes.ask, ctx, world.firms[0], briefing, " ")
    refused("project_unknown", programmes.ask, ctx, world.firms[0], briefing, "과제 2?", 2)
    assert world.pending_firm is not None
    refused("firm_not_approved", programmes.ask, ctx, world.pending_firm, briefing, "미승인 업체")
    first = programmes.ask(ctx, world.firms[0], briefing, "클라우드 전환 범위에 기존 DB 이관이 포함됩니까?", 1)
    second = programmes.ask(ctx, world.firms[1], briefing, "공동수급이 허용됩니까?")
    assert (first, second) == (1, 2)

    public = programmes.get_briefing(ctx, briefing)
    assert public.phase is BriefingPhase.ADVANCE and public.answered == () and public.waiting == ()
    assert public.waiting_count == 2  # everyone sees how many wait; not what they say
    mine = programmes.get_briefing(ctx, briefing, world.firms[1])
    assert [q.seq for q in mine.waiting] == [2] and mine.waiting[0].mine
    assert [q.seq for q in programmes.get_briefing(ctx, briefing, world.operator).waiting] == [1, 2]

    clock.set(start + timedelta(minutes=10))  # the session is on
    live = programmes.ask(ctx, world.firms[0], briefing, "계약기간은 몇 개월입니까?")
    refused("role_required", programmes.answer, ctx, world.firms[0], briefing, 3, "업체는 답하지 않음")
    refused("other_organisation", programmes.answer, ctx, world.officer, briefing, 3, "남의 사업")
    refused("answer_required", programmes.answer, ctx, world.operator, briefing, 3, "  ")
    refused("question_not_found", programmes.answer, ctx, world.operator, briefing, 9, "없음")
    assert programmes.answer(ctx, world.operator, briefing, live, "착수일로부터 10개월입니다.") == 1
    assert programmes.answer(ctx, world.operator, briefing, 1, "포함됩니다.") == 2
    refused("question_answered", programmes.answer, ctx, world.operator, briefing, 1, "again")

    seen = programmes.get_briefing(ctx, briefing)
    assert seen.phase is BriefingPhase.LIVE and [q.seq for q in seen.answered] == [3, 1]  # order of publication
    assert seen.answered[0].live and not seen.answered[1].live and seen.waiting_count == 1
    assert seen.last_answer == 2
    newer = programmes.get_briefing(ctx, briefing, after=1)
    assert [q.answer for q in newer.answered] == ["포함됩니다."]  # what the live page fetches after the first
    assert programmes.get_briefing(ctx, briefing, after=2).answered == ()

    clock.set(end + timedelta(minutes=1))
    refused("briefing_ended", programmes.ask, ctx, world.firms[1], briefing, "끝난 뒤")
    transcript = programmes.get_programme(ctx, programme).briefings[0]
    assert transcript.phase is BriefingPhase.ENDED and [q.seq for q in transcript.answered] == [3, 1]
