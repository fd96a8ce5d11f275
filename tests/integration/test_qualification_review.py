"""적격심사 through the use cases: from the lowest bid upward until one passes (koneps-rules §3.3; addendum Q3)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jangter.evaluation import queries as results
from jangter.evaluation import service as evaluation
from jangter.evaluation.domain.ranking import FailureReason
from jangter.kernel import translog
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.kernel.procurement import AwardMethod
from jangter.tendering import queries
from jangter.tendering.domain.notice import NoticeStatus
from tests.support import OPENING, World, make_world


def opened(ctx: AppContext, clock: OffsetClock, world: World) -> tuple[str, list[str]]:
    number = world.publish()  # goods: 70 − 2 × |88 − r|, 30 non-price points, pass mark 85
    for i, amount in enumerate((90_000_000, 90_500_000, 91_000_000)):
        world.bid(number, i, amount, (i + 1, i + 4))
    clock.set(OPENING)
    world.open(number)
    view = results.review_view(ctx, world.official, number)
    assert view is not None
    return number, [row.receipt for row in view.rows]


def points(track: str, management: str) -> dict[str, str]:
    return {"track_record": track, "management": management}


def test_a_bid_below_the_pass_mark_is_recorded_and_the_review_moves_on(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=3)
    number, order = opened(ctx, clock, world)
    view = results.review_view(ctx, world.official, number)
    assert view is not None and [r.state for r in view.rows] == ["next", "waiting", "waiting"]
    assert [i.maximum for i in view.items] == [Decimal(15), Decimal(15)]  # 30 points, half each [U]
    first = evaluation.enter_review(ctx, world.official, number, order[0], points("10", "2"))
    assert first.winner is None and first.waiting_for == order[1]
    assert not first.reviews[0].passed and first.reviews[0].non_price == Decimal(12)
    second = evaluation.enter_review(ctx, world.official, number, order[1], points("15", "15"))
    assert second.winner == order[1]
    view = results.review_view(ctx, world.official, number)
    assert view is not None and [r.state for r in view.rows] == ["failed", "winner", "not_reached"]
    world.award(number)  # the winner passed: the award confirms it without another review
    [result] = results.opening_results(ctx, number)
    assert result.winner is not None and result.winner.amount == 90_500_000
    with ctx.db.reading() as session:
        reviewed = translog.events(session, "notice.reviewed", number)
    assert [e["receipt"] for e in reviewed] == order[:2] and reviewed[1]["winner"] == order[1]


def test_a_correction_before_the_award_can_change_the_winner(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=3)
    number, order = opened(ctx, clock, world)
    evaluation.enter_review(ctx, world.official, number, order[0], points("10", "2"))
    evaluation.enter_review(ctx, world.official, number, order[1], points("15", "15"))
    corrected = evaluation.enter_review(ctx, world.official, number, order[0], points("15", "15"))
    assert corrected.winner == order[0]  # the lower bid now passes, so it comes first


def test_when_no_bid_passes_the_tender_fails_with_the_options_that_follow(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=3)
    number, order = opened(ctx, clock, world)
    for receipt in order:
        evaluation.enter_review(ctx, world.official, number, receipt, points("1", "1"))
    assert queries.get_notice(ctx, number, None).status is NoticeStatus.FAILED
    assert results.opening_results(ctx, number)[0].failure_reason is FailureReason.NO_ELIGIBLE_BID
    assert {o.action.value for o in evaluation.options_after(ctx, world.officer, number) if o.allowed} == {
        "rebid",
        "reannounce",
    }


def test_the_review_is_refused_what_it_cannot_take(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=3)
    number, order = opened(ctx, clock, world)
    with pytest.raises(ValidationProblems) as out_of_range:
        evaluation.enter_review(ctx, world.official, number, order[0], points("16", "-1"))
    assert {p.field for p in out_of_range.value.problems} == {"item_track_record", "item_management"}
    with pytest.raises(DomainError) as unknown:
        evaluation.enter_review(ctx, world.official, number, order[0], {**points("1", "1"), "charm": "3"})
    assert unknown.value.code == "unknown_review_item"
    with pytest.raises(DomainError) as not_a_candidate:
        evaluation.enter_review(ctx, world.official, number, "0" * 32, points("1", "1"))
    assert not_a_candidate.value.code == "not_under_review"
    with pytest.raises(DomainError) as stranger:
        evaluation.enter_review(ctx, world.firms[0], number, order[0], points("1", "1"))
    assert stranger.value.status == 403
    assert results.review_view(ctx, None, number) is None  # not public before the award


def test_a_lowest_price_notice_names_its_winner_at_the_opening(ctx: AppContext, clock: OffsetClock) -> None:
    world = make_world(ctx, firms=2)
    number = world.publish(award_method=AwardMethod.LOWEST_PRICE)
    world.bid(number, 0, 90_000_000, (1, 2))
    world.bid(number, 1, 91_000_000, (2, 3))
    clock.set(OPENING)
    world.open(number)
    assert results.review_view(ctx, world.official, number) is None
    evaluation.decide_award(ctx, world.official, number)  # no review needed
    assert queries.get_notice(ctx, number, None).status is NoticeStatus.AWARDED
