"""Every path after a failed tender, end to end: re-bid, re-announcement, private contract (시행령 §20, §27;
koneps-rules §3.4; addendum Q6, Q7)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from jangter.contracting import service as contracting
from jangter.evaluation import queries as results
from jangter.evaluation import service as evaluation
from jangter.evaluation.domain.failed_bids import AfterFailure
from jangter.evaluation.domain.ranking import FailureReason
from jangter.kernel import translog
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.rules import store
from jangter.tendering import queries
from jangter.tendering import service as tendering
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.domain.timetable import Timetable
from tests.support import DEADLINE, OPENING, World, make_world

LATER = DEADLINE + timedelta(days=7)  # Wednesday 2026-11-18 10:00 KST: on the hour, a working day


def allowed(ctx: AppContext, world: World, number: str) -> set[AfterFailure]:
    return {o.action for o in evaluation.options_after(ctx, world.officer, number) if o.allowed}


def fail_without_winner(ctx: AppContext, clock: OffsetClock, world: World) -> str:
    number = world.publish()
    world.bid(number, 0, 60_000_000, (1, 2))  # both far below the floor (낙찰하한선 미달)
    world.bid(number, 1, 61_000_000, (2, 3))
    clock.set(OPENING)
    world.open(number)
    assert results.opening_results(ctx, number)[0].failure_reason is FailureReason.NO_ELIGIBLE_BID
    return number


def test_a_tender_without_a_winner_is_re_bid_with_the_same_prices(ctx: AppContext, clock: OffsetClock) -> None:
    # §3.4, Q7 (§20①): 재입찰 — same notice, same 차수, same preliminary prices, re-bid number 001
    world = make_world(ctx, firms=2)
    number = fail_without_winner(ctx, clock, world)
    assert allowed(ctx, world, number) == {AfterFailure.REBID, AfterFailure.REANNOUNCE}
    clock.advance(timedelta(hours=1))
    evaluation.rebid(ctx, world.officer, number, Timetable(clock.now(), LATER, LATER + timedelta(hours=1)))
    notice = queries.get_notice(ctx, number, None)
    assert (notice.status, notice.order, notice.round) == (NoticeStatus.PUBLISHED, 0, 2)
    world.bid(number, 0, 90_000_000, (1, 2))
    world.bid(number, 1, 91_000_000, (4, 5))
    clock.set(LATER + timedelta(hours=1))
    world.open(number)
    second, first = results.opening_results(ctx, number)
    assert second.round == 2 and second.failure_reason is None
    assert sorted(p.amount for p in second.prices) == sorted(p.amount for p in first.prices)  # the same 15 prices
    assert second.price_commitment != first.price_commitment  # a new nonce, a new key
    with ctx.db.reading() as session:
        published = translog.events(session, "notice.published", number)
    assert [(e["round"], e["rebid_no"]) for e in published] == [(1, 0), (2, 1)]
    assert results.draw_check(ctx, number).ok  # the re-bid's opening recomputes from the log like any other


def test_a_single_bid_cannot_be_re_bid_and_says_why(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    world.bid(number, 0, 90_000_000, (1, 2))
    clock.set(OPENING)
    world.open(number)
    with pytest.raises(DomainError) as refused:
        evaluation.rebid(ctx, world.officer, number, Timetable(clock.now(), LATER, LATER + timedelta(hours=1)))
    assert refused.value.code == "rebid_not_allowed" and "re-announce" in refused.value.message_en
    with pytest.raises(DomainError) as no_private:
        evaluation.award_private_contract(
            ctx, world.officer, number, evaluation.PrivateContractTerms("123-45-67890", 80_000_000, "단독응찰")
        )
    assert no_private.value.code == "private_contract_not_allowed" and "§27" in no_private.value.message_en


def test_a_failed_re_announcement_allows_a_private_contract_on_the_original_terms(
    ctx: AppContext, clock: OffsetClock
) -> None:
    # Q7 (§27① 2호, MOEF 712): the re-announced tender had a single bidder → a private contract is allowed
    world = make_world(ctx, firms=2)
    number = world.publish()
    clock.set(OPENING)
    world.open(number)  # 무응찰
    clock.advance(timedelta(hours=1))
    tendering.reannounce(ctx, world.officer, number, Timetable(clock.now(), LATER, LATER + timedelta(hours=1)))
    world.bid(number, 0, 90_000_000, (1, 2))
    clock.set(LATER + timedelta(hours=1))
    world.open(number)  # 단독응찰 in the re-announced tender
    assert allowed(ctx, world, number) == {AfterFailure.REANNOUNCE, AfterFailure.PRIVATE_CONTRACT}
    firm = world.firms[1]
    base = queries.get_notice(ctx, number, None).base_amount
    terms = evaluation.PrivateContractTerms(firm.org_business_number or "", base + 1, "")
    with pytest.raises(ValidationProblems) as bad:
        evaluation.award_private_contract(ctx, world.officer, number, terms)
    assert {p.field for p in bad.value.problems} == {"amount", "reason"}  # above the original terms; no reason
    with pytest.raises(ValidationProblems) as unknown:
        evaluation.award_private_contract(
            ctx, world.officer, number, evaluation.PrivateContractTerms("220-81-62517", 80_000_000, "재공고 유찰")
        )
    assert [p.code for p in unknown.value.problems] == ["firm_not_registered"]
    evaluation.award_private_contract(
        ctx,
        world.officer,
        number,
        evaluation.PrivateContractTerms(firm.org_business_number or "", 88_000_000, "재공고 유찰"),
    )
    assert queries.get_notice(ctx, number, None).status is NoticeStatus.AWARDED
    contract = results.private_contract(ctx, number)
    assert contract is not None and contract.amount == 88_000_000 and contract.price_cap == base
    assert contract.contract_deposit == 8_800_000 and contract.contract_deposit_rate == Decimal(10)
    assert "failed_reannouncement" in contract.rule
    with ctx.db.reading() as session:
        [logged] = translog.events(session, "notice.private_contract", number)
    assert logged["amount"] == 88_000_000 and logged["firm_id"] == firm.org_id
    # Issue #8: the contract is drafted from the private contract, on its amount and deposit, for its firm
    drafted = contracting.draft(
        ctx, world.officer, number, contracting.DraftTerms(date(2026, 12, 1), date(2027, 2, 26), "물품 납품")
    )
    view = contracting.get_contract(ctx, firm, drafted)
    assert (view.source, view.firm_id, view.amount, view.deposit) == (
        "private_contract",
        firm.org_id,
        88_000_000,
        8_800_000,
    )


MEASURE = """
kind = "measure"
version = "measure-national-2026.11.03"
tracks = ["national"]
effective_from = 2026-11-03
effective_until = 2026-12-31
title_ko = "국가계약 한시적 특례 (시험)"
title_en = "National temporary measure (test)"
sources = ["addendum Q6: a private contract after one failed tender with a single bidder"]

[failed_bids]
private_contract_after = "first_failure"
"""


def test_under_a_temporary_measure_one_single_bid_failure_allows_a_private_contract(
    ctx: AppContext, clock: OffsetClock
) -> None:
    # Q6: during the measure a single-bidder failure allows a private contract without a re-announcement
    world = make_world(ctx, firms=1)
    store.load(ctx, world.operator, "measure.toml", MEASURE)
    number = world.publish()
    world.bid(number, 0, 90_000_000, (1, 2))
    clock.set(OPENING)
    world.open(number)
    [private] = [
        o for o in evaluation.options_after(ctx, world.officer, number) if o.action.value == "private_contract"
    ]
    assert private.allowed and "한시적 특례" in private.why_ko and "measure-national-2026.11.03" in private.rule
    clock.set(OPENING.replace(year=2027, month=1, day=4))  # the measure has ended: §27 applies again
    assert AfterFailure.PRIVATE_CONTRACT not in allowed(ctx, world, number)
