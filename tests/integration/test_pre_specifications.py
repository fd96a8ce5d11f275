"""Pre-specification disclosure (사전규격 공개, issue #9 point 2; koneps-rules §2.2): the agency publishes the draft
specification for the rule set's period (5 days, 3 if urgent [U]/[S]); approved firms file opinions until the
deadline; the agency answers each, once; everything is public; the notice links its pre-specification."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.kernel.procurement import Category
from jangter.notifications.outbox import OutboxMail
from jangter.planning import prespecs
from jangter.planning.prespec_domain import DraftSpec
from jangter.tendering import queries
from jangter.tendering import service as tendering
from tests.support import DEADLINE, OPENING, make_world, terms

SPEC = DraftSpec("청사 통합보안 시스템 구축", Category.SERVICES, 480_000_000, "1. 목적\n2. 범위: 출입통제, CCTV 통합")


def refused(code: str, call: object, *args: object) -> None:
    with pytest.raises(DomainError) as exc:
        call(*args)  # type: ignore[operator]
    assert exc.value.code == code, exc.value


def test_firms_file_opinions_until_the_deadline_and_the_agency_answers_each_once(
    ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=2)
    number = prespecs.publish(ctx, world.officer, SPEC)
    assert number.startswith("R26BD")
    spec = prespecs.get_spec(ctx, number)
    assert spec.opinion_deadline == spec.opened_at + timedelta(days=5) and spec.open  # §2.2: 5 days ([U] calendar)
    urgent = prespecs.get_spec(
        ctx, prespecs.publish(ctx, world.officer, DraftSpec("긴급 구매", Category.GOODS, 200_000_000, "규격", True))
    )
    assert urgent.opinion_deadline == urgent.opened_at + timedelta(days=3)  # 3 days when urgent

    refused("role_required", prespecs.file_opinion, ctx, world.officer, number, "기관은 의견을 내지 않음")
    refused("opinion_required", prespecs.file_opinion, ctx, world.firms[0], number, "  ")
    first = prespecs.file_opinion(
        ctx, world.firms[0], number, "출입통제 장비를 특정 제조사 모델로 한정하지 말아 주십시오."
    )
    second = prespecs.file_opinion(ctx, world.firms[1], number, "CCTV 해상도 요건의 근거를 알려 주십시오.")
    assert (first, second) == (1, 2)
    with ctx.db.reading() as session:
        told = session.scalars(select(OutboxMail.to_addr).where(OutboxMail.key.startswith("pre-spec-opinion:"))).all()
    assert told == ["officer@gov.kr", "officer@gov.kr"]  # the agency's procurement officer, for each opinion

    refused("role_required", prespecs.answer, ctx, world.firms[1], number, 1, "업체는 답변하지 않음")
    refused("other_organisation", prespecs.answer, ctx, world.other_officer, number, 1, "남의 기관")
    refused("reply_required", prespecs.answer, ctx, world.officer, number, 1, " ")
    prespecs.answer(ctx, world.officer, number, 1, "동등 이상 제품을 허용하도록 규격을 고치겠습니다.")
    refused("opinion_answered", prespecs.answer, ctx, world.officer, number, 1, "again")
    refused("opinion_not_found", prespecs.answer, ctx, world.officer, number, 9, "없음")
    view = prespecs.get_spec(ctx, number)
    assert [(o.seq, o.reply is not None) for o in view.opinions] == [(1, True), (2, False)] and view.unanswered == 1
    with ctx.db.reading() as session:
        replied = session.scalars(select(OutboxMail.to_addr).where(OutboxMail.key.startswith("pre-spec-reply:"))).all()
    assert replied == ["bid0@firm.kr"]  # the firm's member who filed it

    clock.set(spec.opinion_deadline)  # the deadline itself is too late
    refused("opinion_period_over", prespecs.file_opinion, ctx, world.firms[0], number, "늦은 의견")
    assert not prespecs.get_spec(ctx, number).open
    prespecs.answer(ctx, world.officer, number, 2, "KS 기준에 따른 요건입니다.")  # answers may come after


def test_the_public_list_and_a_notice_that_links_its_pre_specification(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=1)
    number = prespecs.publish(ctx, world.officer, SPEC)
    prespecs.publish(ctx, world.other_officer, DraftSpec("시청 복합기 구매", Category.GOODS, 90_000_000, "A3 컬러"))
    prespecs.file_opinion(ctx, world.firms[0], number, "의견")
    listed = prespecs.list_specs(ctx)
    assert [(s.title, s.opinions) for s in listed] == [("시청 복합기 구매", 0), ("청사 통합보안 시스템 구축", 1)]
    assert [s.number for s in prespecs.list_specs(ctx, q="보안")] == [number]
    assert [s.title for s in prespecs.list_specs(ctx, q="서울특별시")] == ["시청 복합기 구매"]  # by agency too
    assert [s.number for s in prespecs.list_specs(ctx, category=Category.SERVICES)] == [number]
    clock.advance(timedelta(days=6))
    assert prespecs.list_specs(ctx, open_only=True) == []
    with pytest.raises(DomainError) as unanswered:
        world.publish(category=Category.SERVICES, pre_specification=number, **later_times())
    assert unanswered.value.code == "pre_spec_unanswered"  # every opinion answered before the notice
    prespecs.answer(ctx, world.officer, number, 1, "반영하겠습니다.")

    notice = world.publish(category=Category.SERVICES, pre_specification=number, **later_times())
    assert queries.get_notice(ctx, notice, None).pre_specification == number
    with pytest.raises(DomainError) as unknown:
        tendering.create_draft(ctx, world.officer, terms(pre_specification="R26BD99999999"))
    assert unknown.value.code == "pre_spec_not_found" and unknown.value.field == "pre_specification"


def later_times() -> dict[str, object]:
    return {"deadline_at": DEADLINE + timedelta(days=7), "opening_at": OPENING + timedelta(days=7)}


def test_a_pre_specification_is_checked_field_by_field(ctx: AppContext) -> None:
    world = make_world(ctx, firms=0)
    with pytest.raises(ValidationProblems) as problems:
        prespecs.publish(ctx, world.officer, DraftSpec(" ", Category.GOODS, 0, ""))
    assert {p.field for p in problems.value.problems} == {"title", "description", "estimated_price"}
    theirs = world.plan(officer=world.other_officer)
    with pytest.raises(DomainError) as other:
        prespecs.publish(ctx, world.officer, DraftSpec("x", Category.GOODS, 1_000, "y", order_plan=theirs))
    assert other.value.code == "order_plan_not_found"
