"""Order plans (발주계획, issue #9 point 1; koneps-rules §2.1): agencies publish their quarterly plans item by item;
the plans are public and searchable; a notice is published only against a registered plan item of its agency, in
its category and not withdrawn — Nara Jangter refuses to register a notice whose order information was not
registered first [C] — unless the rule set exempts it (``order_plans``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from jangter.identity.domain.roles import Actor
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.kernel.procurement import Category, ContractMethod
from jangter.planning import service as planning
from jangter.planning.domain import PlanItem, PlanStatus
from jangter.rules.domain import RuleBook
from jangter.tendering import queries
from jangter.tendering import service as tendering
from jangter.tendering.domain.notice import NoticeStatus
from tests.support import World, make_world, terms


def item(title: str, category: Category = Category.GOODS, quarter: int = 4, amount: int = 110_000_000) -> PlanItem:
    return PlanItem(2026, quarter, title, category, ContractMethod.GENERAL_COMPETITIVE, amount)


def refused(code: str, call: object, *args: object) -> DomainError:
    with pytest.raises(DomainError) as exc:
        call(*args)  # type: ignore[operator]
    assert exc.value.code == code, exc.value
    return exc.value


def draft(world: World, officer: Actor | None = None, **changes: object) -> str:
    return tendering.create_draft(world.ctx, officer or world.officer, terms(**changes))


def test_a_notice_is_published_only_against_a_plan_item_of_its_agency_and_category(ctx: AppContext) -> None:
    world = make_world(ctx, firms=0)
    goods = planning.publish_item(ctx, world.officer, item("청사 LED 조명 교체"))
    works = planning.publish_item(ctx, world.officer, item("청사 주차장 포장", Category.WORKS))
    theirs = planning.publish_item(ctx, world.other_officer, item("다른 기관 조명 교체"))

    unplanned = draft(world)
    error = refused("order_plan_required", tendering.publish, ctx, world.officer, unplanned)
    assert error.field == "order_plan"
    assert queries.get_notice(ctx, unplanned, world.officer).status is NoticeStatus.DRAFT  # nothing half-written
    refused("order_plan_other_agency", tendering.publish, ctx, world.officer, draft(world, order_plan=theirs))
    refused("order_plan_category", tendering.publish, ctx, world.officer, draft(world, order_plan=works))
    with pytest.raises(DomainError) as unknown:
        draft(world, order_plan="R26DD99999999")
    assert unknown.value.code == "order_plan_not_found" and unknown.value.field == "order_plan"

    planned = draft(world, order_plan=goods)
    tendering.publish(ctx, world.officer, planned)
    assert queries.get_notice(ctx, planned, None).order_plan == goods
    view, notices = planning.get_plan(ctx, goods)
    assert view.status is PlanStatus.PUBLISHED and [n.number for n in notices] == [planned]

    planning.withdraw(ctx, world.officer, works, "설계 변경으로 내년으로 연기")
    withdrawn = draft(world, category=Category.WORKS, order_plan=works)
    refused("order_plan_withdrawn", tendering.publish, ctx, world.officer, withdrawn)


def test_a_plan_problem_comes_with_the_notices_other_problems(ctx: AppContext) -> None:
    world = make_world(ctx, firms=0)
    number = draft(world, opening_at=terms().deadline_at.replace(hour=9))  # opening before the deadline too
    with pytest.raises(ValidationProblems) as refused_all:
        tendering.publish(ctx, world.officer, number)
    assert {p.code for p in refused_all.value.problems} == {"order_plan_required", "opening_before_deadline"}


def test_a_rule_set_may_exempt_small_notices(ctx: AppContext) -> None:
    """``order_plans.exempt_below`` ([U] 0 in the shipped rule sets, docs/rules.md): below it no plan is needed."""
    national = ctx.rules.version("national-2026.01.30")
    lenient = replace(national, order_plans=replace(national.order_plans, exempt_below=100_000_000))
    small = replace(ctx, rules=RuleBook([lenient, ctx.rules.version("local-2025.07.01")]))
    world = make_world(small, firms=0)
    tendering.publish(small, world.officer, draft(world))  # estimated ₩90,909,090 < ₩100,000,000
    spec = world.closed_spec(Category.GOODS, 200_000_000)  # §2.2: ₩100M and more follow a pre-specification
    big = draft(world, base_amount=220_000_000, estimated_price=200_000_000, pre_specification=spec)
    refused("order_plan_required", tendering.publish, small, world.officer, big)


def test_plans_are_public_and_searchable_with_their_total(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=0)
    planning.publish_item(ctx, world.officer, item("청사 LED 조명 교체", amount=110_000_000))
    planning.publish_item(ctx, world.officer, item("청사 냉난방기 교체", Category.WORKS, quarter=1, amount=900_000_000))
    planning.publish_item(ctx, world.other_officer, item("시청 조명 교체 공사", Category.WORKS, amount=300_000_000))
    gone = planning.publish_item(ctx, world.other_officer, item("시청 CCTV 구매", amount=50_000_000))
    planning.withdraw(ctx, world.other_officer, gone, "예산 미확보")

    everything = planning.search_plans(ctx, planning.PlanQuery())
    assert everything.count == 3 and everything.total_amount == 1_310_000_000  # the withdrawn one is not counted
    lights = planning.search_plans(ctx, planning.PlanQuery(q="조명"))
    assert [p.title for p in lights.items] == ["시청 조명 교체 공사", "청사 LED 조명 교체"]  # newest first
    by_agency = planning.search_plans(ctx, planning.PlanQuery(q="서울특별시"))  # the agency's name matches too
    assert [p.title for p in by_agency.items] == ["시청 조명 교체 공사"]
    works_q4 = planning.search_plans(ctx, planning.PlanQuery(category=Category.WORKS, quarter=4))
    assert [p.title for p in works_q4.items] == ["시청 조명 교체 공사"]
    with_gone = planning.search_plans(ctx, planning.PlanQuery(include_withdrawn=True))
    assert with_gone.count == 4 and with_gone.items[0].status is PlanStatus.WITHDRAWN

    first = planning.search_plans(ctx, planning.PlanQuery(limit=2))
    assert len(first.items) == 2 and first.next_cursor is not None
    rest = planning.search_plans(ctx, planning.PlanQuery(limit=2, cursor=first.next_cursor))
    assert len(rest.items) == 1 and rest.next_cursor is None
    assert {p.number for p in first.items + rest.items} == {p.number for p in everything.items}


def test_a_plan_item_is_checked_field_by_field_and_only_its_agency_withdraws_it(ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    bad = PlanItem(2031, 2, " ", Category.GOODS, ContractMethod.GENERAL_COMPETITIVE, 0, month=9)
    with pytest.raises(ValidationProblems) as problems:
        planning.publish_item(ctx, world.officer, bad)
    assert {(p.field, p.code) for p in problems.value.problems} == {
        ("title", "title_required"),
        ("year", "plan_year_invalid"),
        ("month", "month_not_in_quarter"),
        ("amount", "amount_not_positive_whole_won"),
    }
    refused("role_required", planning.publish_item, ctx, world.firms[0], item("업체는 못 올림"))
    number = planning.publish_item(ctx, world.officer, item("청사 LED 조명 교체"))
    refused("other_organisation", planning.withdraw, ctx, world.other_officer, number, "남의 계획")
    refused("reason_required", planning.withdraw, ctx, world.officer, number, " ")
    planning.withdraw(ctx, world.officer, number, "사업 취소")
    refused("order_plan_withdrawn", planning.withdraw, ctx, world.officer, number, "again")
