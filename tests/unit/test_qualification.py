"""적격심사: the price score, the review from the lowest bid upward (koneps-rules §3.3; addendum Q3)."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jangter.evaluation.domain.award_floor import derive_floor_rate, floor_price, floor_tier
from jangter.evaluation.domain.qualification import (
    Candidate,
    NonPriceItem,
    bid_ratio,
    price_score,
    review,
)
from jangter.kernel.money import Rounding
from jangter.kernel.procurement import Category, Jurisdiction
from jangter.rules.domain import FloorTier, RuleBook
from jangter.rules.loader import load_rule_book

RESERVE, A = 300_000_000, 10_000_000
_BOOK = load_rule_book()  # hypothesis tests cannot take function-scoped fixtures


def works_tier(book: RuleBook) -> FloorTier:
    # national works < ₩1bn before 2026-01-30: 90 − 20 × |88 − r|, other items 10, pass mark 95 (addendum Q3)
    tier = floor_tier(book.in_force(Jurisdiction.NATIONAL, date(2025, 6, 1)), Category.WORKS, 500_000_000)
    assert tier is not None
    return tier


def full_marks(tier: FloorTier) -> list[NonPriceItem]:
    return [NonPriceItem("track_record", tier.other_points, tier.other_points)]


def test_the_ratio_is_rounded_half_up_at_its_fifth_decimal() -> None:
    # addendum Q3: ratio = (bid − A) / (reserve − A), 0.87745 → 0.8775
    assert bid_ratio(264_460_500, RESERVE, A) == Decimal("87.7500")  # 254,460,500 / 290,000,000 = 0.87745
    assert bid_ratio(265_000_000, RESERVE, A) == Decimal("87.9300")  # 0.8793103… → 0.8793
    assert bid_ratio(264_000_000, RESERVE, A) == Decimal("87.5900")  # 0.8758620… → 0.8759


def test_price_scores_worked_by_hand(book: RuleBook) -> None:
    tier = works_tier(book)
    assert price_score(tier, Decimal("87.93")) == Decimal("88.60")  # 90 − 20 × 0.07
    assert price_score(tier, Decimal("87.59")) == Decimal("81.80")  # 90 − 20 × 0.41
    assert price_score(tier, Decimal("87.75")) == Decimal("85.00")  # 90 − 20 × 0.25: passes with 10 more
    # Above the pivot the score stays at what passes with full marks (bidsys: 85 from 88.25 % to 100 %):
    assert price_score(tier, Decimal("96.55")) == Decimal("85")
    assert price_score(tier, Decimal("96.55"), floor_above_pivot=False) == Decimal(0)  # 90 − 171, at least 0


def test_a_bid_exactly_at_the_floor_price_passes_with_full_marks(book: RuleBook) -> None:
    tier = works_tier(book)
    rate = derive_floor_rate(tier)
    assert rate == Decimal("87.745")
    floor = floor_price(RESERVE, rate, A, Rounding.CEIL_WON)
    assert floor == 264_460_500  # (300,000,000 − 10,000,000) × 0.87745 + 10,000,000
    outcome = review([Candidate("f", floor)], {"f": full_marks(tier)}, tier, reserve_price=RESERVE, a_value=A)
    assert outcome.winner == "f" and outcome.reviews[0].total == Decimal(95)


def test_the_review_moves_up_from_the_lowest_until_a_bid_passes(book: RuleBook) -> None:
    tier = works_tier(book)
    candidates = [Candidate("a", 264_460_500), Candidate("b", 265_000_000), Candidate("c", 266_000_000)]
    scores = {
        "a": [NonPriceItem("track_record", Decimal(5), Decimal(6)), NonPriceItem("management", Decimal(3), Decimal(4))],
        "b": full_marks(tier),
    }
    outcome = review(candidates, scores, tier, reserve_price=RESERVE, a_value=A)
    assert [(r.key, r.total, r.passed) for r in outcome.reviews] == [
        ("a", Decimal(93), False),  # 85 + 8 < 95: recorded, and the review moves on
        ("b", Decimal("98.60"), True),  # 88.6 + 10
    ]
    assert outcome.winner == "b" and outcome.waiting_for is None


def test_the_review_waits_for_the_next_bids_non_price_points(book: RuleBook) -> None:
    tier = works_tier(book)
    candidates = [Candidate("a", 264_460_500), Candidate("b", 265_000_000)]
    partial = {"a": [NonPriceItem("track_record", Decimal(2), Decimal(10))]}
    outcome = review(candidates, partial, tier, reserve_price=RESERVE, a_value=A)
    assert outcome.winner is None and outcome.waiting_for == "b" and not outcome.reviews[0].passed


@given(st.integers(min_value=200_000_000, max_value=RESERVE))
def test_a_bid_passes_with_full_marks_exactly_when_it_is_at_or_above_the_floor(bid: int) -> None:
    # koneps-rules §3.3: the floor rate is the lowest ratio that reaches the pass mark with full non-price marks
    tier = works_tier(_BOOK)
    floor = floor_price(RESERVE, derive_floor_rate(tier), A, Rounding.CEIL_WON)
    outcome = review([Candidate("x", bid)], {"x": full_marks(tier)}, tier, reserve_price=RESERVE, a_value=A)
    assert (outcome.winner == "x") is (bid >= floor)


@given(st.decimals(min_value=0, max_value=120, places=2))
def test_price_scores_stay_within_zero_and_the_tiers_points(ratio: Decimal) -> None:
    for tier in (t for rules in _BOOK.all() for t in rules.award.floor_tiers):
        assert Decimal(0) <= price_score(tier, ratio) <= tier.price_points
