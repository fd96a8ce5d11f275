"""협상에 의한 계약 from the notice to the agreement, through the use cases (koneps-rules §4; addendum Q1, Q5).

The worked example, by hand. Items 20 / 30 / 20 / 10 = 80 technical points (services, 80 : 20), step 1.
- firm 0: evaluators give 18 27 18 9, 18 27 18 9, 18 27 17 9 → item averages 18, 27, 17.6667, 9 → raw 71.6667
- firm 1: 17 27 17 9, 18 26 17 9, 16 28 17 9 → 17, 27, 17, 9 → raw 70
- firm 2: 15 22 15 8 three times → raw 60 < 68 (85 % of 80): not eligible
- 차등점수제 (step 1) over the eligible: firm 0 → 80, firm 1 → 79; firm 2 keeps its raw 60
- prices: firm 0 480,000,000, firm 1 450,000,000 (both ≥ 80 % of a reserve price near 550,000,000);
  lowest 450,000,000 → firm 0: 20 × 450/480 = 18.75, firm 1: 20
- totals: firm 0 98.75, firm 1 99 → firm 1 is negotiated with first (raw scores would have put firm 0 first:
  71.6667 + 18.75 = 90.4167 against 70 + 20 = 90).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update

from jangter.bidding.orm import Bid
from jangter.evaluation import negotiation
from jangter.evaluation import queries as results
from jangter.evaluation import service as evaluation
from jangter.evaluation.domain.failed_bids import AfterFailure
from jangter.evaluation.domain.ranking import FailureReason, Standing
from jangter.evaluation.orm import NegotiationEntry
from jangter.kernel import translog
from jangter.kernel.calendar import SEOUL
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.kernel.procurement import AwardMethod, Category
from jangter.tendering import queries
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.domain.terms import TechnicalItem
from tests.support import World, actor_by_email, make_world

D = Decimal
#: Published Mon 2 Nov 2026: the proposal deadline must leave 40 days (addendum Q1, counted exclusively).
DEADLINE = datetime(2026, 12, 14, 10, 0, tzinfo=SEOUL)
OPENING = DEADLINE + timedelta(days=2)
ITEMS = (
    TechnicalItem("사업 이해도", D(20)),
    TechnicalItem("수행 계획", D(30)),
    TechnicalItem("수행 역량", D(20)),
    TechnicalItem("사업 관리", D(10)),
)
SHEETS = {  # firm → one row of points per evaluator
    0: [("18", "27", "18", "9"), ("18", "27", "18", "9"), ("18", "27", "17", "9")],
    1: [("17", "27", "17", "9"), ("18", "26", "17", "9"), ("16", "28", "17", "9")],
    2: [("15", "22", "15", "8")] * 3,
}


def publish(world: World, **changes: Any) -> str:
    return world.publish(
        **{
            "title": "차세대 민원 시스템 구축 용역",
            "category": Category.SERVICES,
            "base_amount": 550_000_000,
            "estimated_price": 500_000_000,
            "deadline_at": DEADLINE,
            "opening_at": OPENING,
            "award_method": AwardMethod.NEGOTIATED,
            "technical_items": ITEMS,
            "differential_step": D(1),
            **changes,
        }
    )


def firm_id(world: World, firm: int) -> int:
    return world.firms[firm].org_id


def sheet(world: World, evaluator: int) -> dict[int, dict[str, str]]:
    return {
        firm_id(world, firm): dict(zip([i.name for i in ITEMS], rows[evaluator], strict=True))
        for firm, rows in SHEETS.items()
    }


def through_the_evaluation(ctx: AppContext, clock: OffsetClock, world: World) -> str:
    number = publish(world)
    for firm, amount in enumerate((480_000_000, 450_000_000, 430_000_000)):
        negotiation.submit_proposal(
            ctx, world.firms[firm], number, f"제안서-{firm}.pdf", "application/pdf", f"%PDF proposal {firm}".encode()
        )
        world.bid(number, firm, amount, (firm + 1, firm + 5))
    clock.set(DEADLINE + timedelta(minutes=1))
    for e, evaluator in enumerate(world.evaluators):
        negotiation.save_scores(ctx, evaluator, number, sheet(world, e), submit=True)
    negotiation.close_technical_evaluation(ctx, world.officer, number)
    return number


def test_a_negotiated_procurement_from_notice_to_agreement(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=3)
    number = through_the_evaluation(ctx, clock, world)
    view = negotiation.negotiation_view(ctx, world.officer, number)
    assert view is not None and view.closed and view.technical_max == D(80) and view.price_max == D(20)
    technical = {e.firm_id: (e.raw_technical, e.technical, e.eligible) for e in view.entries}
    assert technical == {
        firm_id(world, 0): (D("71.6667"), D(80), True),
        firm_id(world, 1): (D(70), D(79), True),
        firm_id(world, 2): (D(60), D(60), False),
    }
    with pytest.raises(DomainError) as refused:  # the sheets are final once the evaluation is closed
        negotiation.save_scores(ctx, world.evaluators[0], number, sheet(world, 0), submit=True)
    assert refused.value.code == "evaluation_closed"

    clock.set(OPENING)
    world.open(number)
    view = negotiation.negotiation_view(ctx, world.officer, number)
    assert view is not None
    ranked = [(e.firm_id, e.price_score, e.total, e.rank) for e in view.entries]
    assert ranked == [
        (firm_id(world, 1), D(20), D(99), 1),
        (firm_id(world, 0), D("18.75"), D("98.75"), 2),
        (firm_id(world, 2), None, None, None),
    ]
    [result] = results.opening_results(ctx, number)
    assert result.floor_price is None and result.reserve_price is not None
    standings = {row.amount: row.standing for row in result.bids}
    assert standings[430_000_000] is Standing.BELOW_TECHNICAL

    with pytest.raises(DomainError) as refused:  # in ranking order only
        negotiation.record_negotiation(ctx, world.officer, number, firm_id(world, 0), agreed=True, note="")
    assert refused.value.code == "negotiation_out_of_order"
    with pytest.raises(DomainError) as refused:  # a broken negotiation needs its reason
        negotiation.record_negotiation(ctx, world.officer, number, firm_id(world, 1), agreed=False, note=" ")
    assert refused.value.code == "negotiation_reason_required"
    with pytest.raises(DomainError) as refused:
        evaluation.decide_award(ctx, world.official, number)
    assert refused.value.code == "negotiation_not_agreed"
    negotiation.record_negotiation(
        ctx, world.officer, number, firm_id(world, 1), agreed=False, note="핵심 인력 투입 조건 불합의"
    )
    negotiation.record_negotiation(ctx, world.officer, number, firm_id(world, 0), agreed=True, note="과업 범위 확정")
    evaluation.decide_award(ctx, world.official, number)

    detail = queries.get_notice(ctx, number, None)
    assert detail.status is NoticeStatus.AWARDED
    [result] = results.opening_results(ctx, number)
    assert result.winner is not None and result.winner.amount == 480_000_000
    assert result.contract_deposit == 48_000_000  # 10 % for services (시행령 §50)
    public = negotiation.negotiation_view(ctx, None, number)
    assert public is not None and public.proposals == [] and public.evaluators == []
    assert [(e.outcome, e.note) for e in public.entries[:2]] == [
        ("broken", "핵심 인력 투입 조건 불합의"),
        ("agreed", "과업 범위 확정"),
    ]
    with ctx.db.reading() as session:
        [evaluated] = translog.events(session, "notice.technical_evaluated", number)
        negotiated = translog.events(session, "notice.negotiated", number)
    assert {f["firm_id"]: f["technical"] for f in evaluated["firms"]} == {
        firm_id(world, 0): "80.0000",
        firm_id(world, 1): "79.0000",
        firm_id(world, 2): "60.0000",
    }
    assert [e["outcome"] for e in negotiated] == ["broken", "agreed"]
    check = results.draw_check(ctx, number)
    assert check.ok, check.first_failure
    assert {s.key for s in check.steps} >= {"reserve_price", "negotiation_order"}


def test_the_prices_stay_sealed_until_the_technical_evaluation_is_closed(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=3)
    number = publish(world)
    for firm in range(2):
        negotiation.submit_proposal(ctx, world.firms[firm], number, "p.pdf", "application/pdf", b"%PDF")
        world.bid(number, firm, 470_000_000 + firm, (1, 2))
    with pytest.raises(DomainError) as refused:  # another firm's proposal, or anyone's before the deadline
        negotiation.proposal_file(ctx, world.firms[1], number, firm_id(world, 0))
    assert refused.value.code == "proposal_not_readable"
    assert negotiation.proposal_file(ctx, world.firms[0], number, firm_id(world, 0)).content == b"%PDF"
    with pytest.raises(DomainError) as refused:
        negotiation.proposal_file(ctx, world.evaluators[0], number, firm_id(world, 0))
    assert refused.value.code == "proposal_not_readable"

    clock.set(OPENING)
    assert negotiation.proposal_file(ctx, world.evaluators[0], number, firm_id(world, 0)).content == b"%PDF"
    with pytest.raises(DomainError) as refused:
        world.open(number)
    assert refused.value.code == "technical_evaluation_open"
    with pytest.raises(DomainError) as refused:  # a proposal after the deadline
        negotiation.submit_proposal(ctx, world.firms[2], number, "late.pdf", "application/pdf", b"%PDF")
    assert refused.value.code == "bidding_closed"

    bad = {firm_id(world, 0): {"사업 이해도": "21", "수행 계획": "abc"}}
    with pytest.raises(ValidationProblems) as problems:  # above the item's maximum, not a number, missing
        negotiation.save_scores(ctx, world.evaluators[0], number, bad, submit=True)
    fields = {p.field: p.code for p in problems.value.problems}
    assert fields[f"score-{firm_id(world, 0)}-0"] == "score_invalid"
    assert fields[f"score-{firm_id(world, 0)}-1"] == "score_invalid"
    assert fields[f"score-{firm_id(world, 1)}-3"] == "score_required"
    draft = {firm_id(world, 0): {"사업 이해도": "15"}}
    negotiation.save_scores(ctx, world.evaluators[0], number, draft, submit=False)  # a partial draft is kept
    mine = negotiation.negotiation_view(ctx, world.evaluators[0], number)
    assert mine is not None and mine.my_sheet[firm_id(world, 0)] == {"사업 이해도": "15"} and mine.can_score
    points = dict(zip([i.name for i in ITEMS], ("19", "28", "18", "9"), strict=True))  # 74 ≥ 68
    full = {firm_id(world, 0): points, firm_id(world, 1): points}
    negotiation.save_scores(ctx, world.evaluators[0], number, full, submit=True)
    with pytest.raises(DomainError) as refused:
        negotiation.save_scores(ctx, world.evaluators[0], number, full, submit=True)
    assert refused.value.code == "sheet_submitted"
    with pytest.raises(DomainError) as refused:  # one sheet of the three the rule set asks for
        negotiation.close_technical_evaluation(ctx, world.officer, number)
    assert refused.value.code == "too_few_evaluators"
    for evaluator in world.evaluators[1:]:
        negotiation.save_scores(ctx, evaluator, number, full, submit=True)
    negotiation.close_technical_evaluation(ctx, world.officer, number)
    world.open(number)
    assert queries.get_notice(ctx, number, None).status is NoticeStatus.OPENED


def test_when_every_negotiation_breaks_off_the_tender_fails_and_a_rebid_is_not_offered(
    ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=3)
    number = through_the_evaluation(ctx, clock, world)
    clock.set(OPENING)
    world.open(number)
    for firm in (1, 0):
        negotiation.record_negotiation(ctx, world.officer, number, firm_id(world, firm), agreed=False, note="결렬")
    assert queries.get_notice(ctx, number, None).status is NoticeStatus.FAILED
    options = {o.action: o for o in evaluation.options_after(ctx, world.officer, number)}
    assert not options[AfterFailure.REBID].allowed and options[AfterFailure.REANNOUNCE].allowed


def test_a_negotiated_notice_needs_items_that_add_up_and_a_step_within_the_rule(ctx: AppContext) -> None:
    world = make_world(ctx, firms=2)
    with pytest.raises(ValidationProblems) as problems:  # 70 points for an 80-point technical maximum
        publish(world, technical_items=(*ITEMS[:3], TechnicalItem("사업 관리", D("0.5"))), differential_step=D(4))
    assert {p.code for p in problems.value.problems} == {"technical_items_total", "differential_step_too_large"}
    with pytest.raises(DomainError) as refused:  # 40 days for proposals (addendum Q1)
        publish(world, deadline_at=datetime(2026, 12, 11, 10, 0, tzinfo=SEOUL))
    assert refused.value.code == "announcement_period_too_short"
    software = publish(world, software_project=True, technical_items=(*ITEMS[:3], TechnicalItem("사업 관리", D(20))))
    detail = queries.get_notice(ctx, software, None)
    assert detail.technical_max is not None and detail.technical_max.value == D(90)  # 90 : 10 (§4)
    assert detail.technical_max.rule == "negotiated.software_technical_weight"


def test_the_draw_check_catches_technical_scores_changed_after_they_were_logged(
    ctx: AppContext, clock: OffsetClock
) -> None:
    # ADR 0005: the technical scores are committed to the public log before any price is opened.
    world = make_world(ctx, firms=3)
    number = through_the_evaluation(ctx, clock, world)
    with ctx.uow() as uow:  # someone with database access raises firm 0 from 80 to 85 after the close
        uow.session.execute(
            update(NegotiationEntry).where(NegotiationEntry.firm_id == firm_id(world, 0)).values(technical=D(85))
        )
        uow.commit()
    clock.set(OPENING)
    world.open(number)
    check = results.draw_check(ctx, number)
    assert not check.ok and check.first_failure is not None
    assert check.first_failure.key == "technical_committed"
    assert {s.key: s.ok for s in check.steps}["technical_scores"]  # what was logged is itself consistent


def test_a_firm_that_proposed_without_bidding_takes_no_differential_rank(ctx: AppContext, clock: OffsetClock) -> None:
    # Q5: the differential ranks the eligible competitors; firm 0 proposed the best but sealed no price.
    world = make_world(ctx, firms=3)
    number = publish(world)
    for firm in range(3):
        negotiation.submit_proposal(ctx, world.firms[firm], number, "p.pdf", "application/pdf", b"%PDF")
    world.bid(number, 1, 450_000_000, (1, 2))
    world.bid(number, 2, 450_000_000, (3, 4))
    clock.set(DEADLINE + timedelta(minutes=1))
    names = [i.name for i in ITEMS]
    points = {
        firm_id(world, 0): dict(zip(names, ("20", "30", "20", "10"), strict=True)),  # 80
        firm_id(world, 1): dict(zip(names, ("18", "27", "18", "9"), strict=True)),  # 72
        firm_id(world, 2): dict(zip(names, ("17", "26", "17", "9"), strict=True)),  # 69
    }
    for evaluator in world.evaluators:
        negotiation.save_scores(ctx, evaluator, number, points, submit=True)
    negotiation.close_technical_evaluation(ctx, world.officer, number)
    view = negotiation.negotiation_view(ctx, world.officer, number)
    assert view is not None
    technical = {e.firm_id: e.technical for e in view.entries}
    assert technical == {firm_id(world, 0): D(80), firm_id(world, 1): D(80), firm_id(world, 2): D(79)}
    clock.set(OPENING)
    world.open(number)
    assert results.draw_check(ctx, number).ok


def test_a_price_without_a_proposal_does_not_count_as_a_tender(ctx: AppContext, clock: OffsetClock) -> None:
    # ADR 0005: one proposal and two sealed prices is a single tender (단독응찰); it fails without waiting for the
    # technical evaluation, and its prices stay sealed.
    world = make_world(ctx, firms=2)
    number = publish(world)
    negotiation.submit_proposal(ctx, world.firms[0], number, "p.pdf", "application/pdf", b"%PDF")
    world.bid(number, 0, 450_000_000, (1, 2))
    world.bid(number, 1, 440_000_000, (3, 4))
    clock.set(OPENING)
    world.open(number)
    [result] = results.opening_results(ctx, number)
    assert result.failure_reason is FailureReason.SINGLE_BID and result.reserve_price is None


def test_only_evaluators_and_officials_of_the_agency_read_proposals(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=2)
    number = publish(world)
    negotiation.submit_proposal(ctx, world.firms[0], number, "p.pdf", "application/pdf", b"%PDF secret")
    clock.set(DEADLINE + timedelta(minutes=1))
    with pytest.raises(DomainError) as refused:  # an opening-committee member of the same agency
        negotiation.proposal_file(ctx, actor_by_email(ctx, "committee0@gov.kr"), number, firm_id(world, 0))
    assert refused.value.code == "proposal_not_readable"
    for reader in (world.evaluators[0], world.officer, world.official):
        assert negotiation.proposal_file(ctx, reader, number, firm_id(world, 0)).content == b"%PDF secret"


def test_a_negotiated_round_that_fails_after_unsealing_still_has_a_draw_check(
    ctx: AppContext, clock: OffsetClock
) -> None:
    world = make_world(ctx, firms=2)
    number = publish(world)
    for firm in range(2):
        negotiation.submit_proposal(ctx, world.firms[firm], number, "p.pdf", "application/pdf", b"%PDF")
        world.bid(number, firm, 450_000_000 + firm, (1, 2))
    with ctx.uow() as uow:  # one envelope's signature fails at the opening
        uow.session.execute(update(Bid).where(Bid.firm_id == firm_id(world, 1)).values(signature=bytes(64)))
        uow.commit()
    clock.set(DEADLINE + timedelta(minutes=1))
    points = dict(zip([i.name for i in ITEMS], ("18", "27", "18", "9"), strict=True))
    for evaluator in world.evaluators:
        negotiation.save_scores(
            ctx, evaluator, number, {firm_id(world, 0): points, firm_id(world, 1): points}, submit=True
        )
    negotiation.close_technical_evaluation(ctx, world.officer, number)
    clock.set(OPENING)
    world.open(number)
    [result] = results.opening_results(ctx, number)
    assert result.failure_reason is FailureReason.SINGLE_BID
    assert "negotiation_order" not in {s.key for s in results.draw_check(ctx, number).steps}
