"""Opening and award through the use cases (koneps-rules §3.2–§3.4), checked against the pure rules."""

import logging
import os
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from jangter.bidding import unsealing
from jangter.bidding.orm import Bid
from jangter.bidding.queries import my_bids
from jangter.evaluation import service as evaluation
from jangter.evaluation.domain.award_floor import floor_price
from jangter.evaluation.domain.ranking import FailureReason
from jangter.evaluation.domain.reserve_price import draw_reserve_price
from jangter.evaluation.queries import opening_results
from jangter.kernel import translog
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError
from jangter.kernel.money import Rounding
from jangter.kernel.procurement import Category
from jangter.tendering import queries
from jangter.tendering import service as tendering
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.domain.timetable import Timetable
from tests.support import DEADLINE, OPENING, make_world


@pytest.mark.parametrize("unsealed_in", ["the_server_process", "worker_processes"])
def test_the_opening_recomputes_from_public_data_and_the_lowest_valid_bid_wins(
    ctx: AppContext,
    clock: OffsetClock,
    unsealed_in: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if unsealed_in == "worker_processes":  # what a round of thousands of bids does
        monkeypatch.setattr(unsealing, "PARALLEL_FROM", 1)
        monkeypatch.setattr(os, "cpu_count", lambda: 2)
    world = make_world(ctx, firms=4)
    number = world.publish(
        category=Category.WORKS, base_amount=500_000_000, estimated_price=454_545_454, a_value=20_000_000
    )
    world.bid(number, 0, 452_000_000, (3, 7))
    world.bid(number, 1, 447_500_000, (7, 11))
    world.bid(number, 2, 430_000_000, (3, 15))  # far below the floor
    world.bid(number, 3, 463_250_000, (1, 7))
    clock.set(OPENING)
    with caplog.at_level(logging.INFO, logger="jangter.opening"):
        world.open(number)
    in_workers = "unsealing 4 bids in 2 worker processes" in caplog.text
    assert in_workers is (unsealed_in == "worker_processes")

    [result] = opening_results(ctx, number)
    assert queries.get_notice(ctx, number, None).status is NoticeStatus.OPENED
    # Anyone can recompute the reserve price and the floor from what the result publishes:
    prices = [p.amount for p in result.prices]
    assert all(p % 100 == 0 for p in prices)  # works: rounded up to ₩100
    picks = [(b.pick_1 or 0, b.pick_2 or 0) for b in result.bids]
    rules = ctx.rules.version(result.rule_set_version)
    draw = draw_reserve_price(prices, picks, rules.reserve_price, lottery_seed=bytes.fromhex(result.seed or ""))
    assert result.reserve_price == draw.reserve_price
    assert [p.slot for p in result.prices if p.drawn] == sorted(draw.drawn_slots)
    assert result.floor_rate == Decimal("89.745")  # works < ₩1bn from 2026-01-30 (addendum Q2)
    assert result.floor_price == floor_price(draw.reserve_price, Decimal("89.745"), 20_000_000, Rounding.CEIL_WON)
    eligible = sorted(
        b.amount for b in result.bids if b.amount and result.floor_price <= b.amount <= result.reserve_price
    )
    ranked = [b for b in result.bids if b.rank]
    assert [b.amount for b in ranked] == eligible
    assert ranked[0].rank == 1 and not ranked[0].winner  # provisional until the award

    world.award(number)
    [result] = opening_results(ctx, number)
    assert queries.get_notice(ctx, number, None).status is NoticeStatus.AWARDED
    assert result.winner is not None and result.winner.amount == eligible[0]


def test_the_opening_is_refused_before_the_opening_time(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish()
    world.bid(number, 0, 90_000_000, (1, 2))
    world.bid(number, 1, 91_000_000, (1, 3))
    clock.set(DEADLINE - timedelta(minutes=1))
    with pytest.raises(DomainError) as still_open:
        world.open(number)
    assert still_open.value.code == "bidding_still_open"
    clock.set(OPENING - timedelta(minutes=1))  # the test clock moves with real time
    with pytest.raises(DomainError) as early:
        world.open(number)
    assert early.value.code == "opening_too_early"
    with ctx.db.reading() as session:
        assert {b.amount for b in session.scalars(select(Bid))} == {None}


def test_only_the_agencys_bid_official_opens(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish()
    clock.set(OPENING)
    for stranger in (world.officer, world.other_officer, world.firms[0], world.operator):
        with pytest.raises(DomainError) as refused:
            evaluation.open_bids(ctx, stranger, number)
        assert refused.value.status == 403


def test_a_single_bid_fails_the_notice_and_its_price_stays_sealed(ctx: AppContext, clock: OffsetClock) -> None:
    # koneps-rules §3.4: a single bid is declared 유찰 without opening the price (단독응찰).
    world = make_world(ctx, firms=2)
    number = world.publish()
    world.bid(number, 0, 90_000_000, (1, 2))
    clock.set(OPENING)
    world.open(number)
    [result] = opening_results(ctx, number)
    assert result.failure_reason is FailureReason.SINGLE_BID
    assert result.prices == ()
    assert [b.amount for b in result.bids] == [None]
    assert queries.get_notice(ctx, number, None).status is NoticeStatus.FAILED
    [mine] = my_bids(ctx, world.firms[0])
    assert mine.round_failure is FailureReason.SINGLE_BID
    assert mine.amount is None


def test_a_failed_notice_is_re_announced_with_a_new_order_round_and_prices(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish()
    clock.set(OPENING)
    world.open(number)  # no bids at all: 무응찰
    assert opening_results(ctx, number)[0].failure_reason is FailureReason.NO_BIDS
    clock.advance(timedelta(hours=1))
    # Re-announcement: 5 days suffice (addendum Q1); Wednesday 11-11 to Wednesday 11-18 is a gap of 7 ≥ 6 days.
    new_deadline = DEADLINE + timedelta(days=7)
    tendering.reannounce(
        ctx, world.officer, number, Timetable(clock.now(), new_deadline, new_deadline + timedelta(hours=1))
    )
    notice = queries.get_notice(ctx, number, None)
    assert (notice.status, notice.order, notice.round, notice.kind.value) == (
        NoticeStatus.PUBLISHED,
        1,
        2,
        "reannouncement",
    )
    world.bid(number, 0, 90_000_000, (1, 2))
    world.bid(number, 1, 95_000_000, (2, 3))
    clock.set(new_deadline + timedelta(hours=1))
    world.open(number)
    results = opening_results(ctx, number)
    assert [r.round for r in results] == [2, 1]
    assert results[0].failure_reason is None
    assert len(results[0].bids) == 2


def test_the_worker_and_the_opening_agree_on_closing(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish()
    world.bid(number, 0, 90_000_000, (1, 2))
    world.bid(number, 1, 95_000_000, (2, 3))
    clock.set(OPENING)  # no worker ran: the opening closes the notice itself
    world.open(number)
    assert queries.get_notice(ctx, number, None).closed_at == DEADLINE


MEASURE_NOV = """
kind = "measure"
version = "measure-national-2026.11.10"
tracks = ["national"]
effective_from = 2026-11-10
effective_until = 2026-11-30
title_ko = "국가계약 한시적 특례 (시험)"
title_en = "National temporary measure (test)"
sources = ["addendum Q6: contract deposit 10 % → 5 % while in force"]

[deposits.contract_deposit_pct]
goods = "5"
services = "5"
works = "7.5"
"""


@pytest.mark.parametrize(("award_day", "rate", "deposit"), [(0, "5", 4_500_000), (20, "10", 9_000_000)])
def test_the_contract_deposit_follows_the_rules_in_force_on_the_award_day(
    ctx: AppContext, clock: OffsetClock, award_day: int, rate: str, deposit: int
) -> None:
    # koneps-rules §5, addendum Q6/Q8: goods 10 %, halved by a temporary measure on its days only
    from jangter.rules import store

    world = make_world(ctx, firms=2)
    store.load(ctx, world.operator, "special.toml", MEASURE_NOV)  # in force 2026-11-10 … 11-30
    number = world.publish()  # goods, published on 2026-11-02: the notice keeps the base set
    world.bid(number, 0, 90_000_000, (1, 2))
    world.bid(number, 1, 91_000_000, (2, 3))
    clock.set(OPENING)
    world.open(number)
    clock.set(OPENING + timedelta(days=award_day))  # 2026-11-11 (the measure) or 2026-12-01 (after it)
    world.award(number)
    [result] = opening_results(ctx, number)
    assert result.rule_set_version == "national-2026.01.30"
    assert result.contract_deposit_rate == Decimal(rate) and result.contract_deposit == deposit
    assert ("measure-national-2026.11.10" in (result.award_rule_set_version or "")) is (award_day == 0)
    with ctx.db.reading() as session:
        [awarded] = translog.events(session, "notice.awarded", number)
    assert awarded["contract_deposit"] == deposit
