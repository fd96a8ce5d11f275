"""적격심사: qualification review of the lowest bids (koneps-rules §3.3; addendum Q2, Q3).

Bids at or above the award floor are reviewed from the lowest upward. Each gets a price score from its tier's
formula and the non-price points the agency enters (track record, management status, …); the first bid whose
total reaches the pass mark wins, and a bid that does not is recorded with its score while the review moves on.

The price score is ``price_points − slope × |pivot − r|`` where ``r`` is the bid-to-reserve ratio in percent with
the ratio rounded half-up at its 5th decimal (``(bid − A) ÷ (reserve − A)`` for works). Above the pivot the score
does not fall below what passes with full marks elsewhere (bidsys, works < ₩1bn: "fixed at 85 from 88.25 % up to
100 %" [S]; applied to every tier, [U] — ``award.floor_above_pivot``). The floor rate (``award_floor.py``) is the
lowest ratio that passes with full non-price marks, so the two agree by construction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from jangter.rules.domain import FloorTier

_RATIO_PLACES = Decimal("0.0001")  # the ratio keeps 4 decimals, so r in percent keeps 2


def bid_ratio(bid: int, reserve_price: int, a_value: int = 0) -> Decimal:
    """``r``: (bid − A) ÷ (reserve − A), rounded half-up at the 5th decimal, in percent (addendum Q3)."""
    if not 0 <= a_value < reserve_price:
        raise ValueError("A must be at least 0 and below the reserve price")
    ratio = (Decimal(bid - a_value) / Decimal(reserve_price - a_value)).quantize(_RATIO_PLACES, ROUND_HALF_UP)
    return ratio * 100


def price_score(tier: FloorTier, ratio_pct: Decimal, *, floor_above_pivot: bool = True) -> Decimal:
    """The price score, between 0 and the tier's price points."""
    score = tier.price_points - tier.slope * abs(tier.pivot - ratio_pct)
    if floor_above_pivot and ratio_pct > tier.pivot:
        score = max(score, min(tier.pass_mark - tier.other_points, tier.price_points))
    return min(max(score, Decimal(0)), tier.price_points)


@dataclass(frozen=True)
class NonPriceItem:
    """One of the non-price items the agency scores (이행실적, 경영상태, 신인도 …), with its maximum."""

    key: str
    points: Decimal
    maximum: Decimal


@dataclass(frozen=True)
class Candidate:
    key: str  # the bid's public id
    amount: int


@dataclass(frozen=True)
class Review:
    key: str
    amount: int
    ratio_pct: Decimal
    price_score: Decimal
    non_price: Decimal
    total: Decimal
    passed: bool


@dataclass(frozen=True)
class ReviewOutcome:
    reviews: tuple[Review, ...]  # in review order; the review stops at the first pass
    winner: str | None
    waiting_for: str | None  # the next bid to review whose non-price points are not entered yet


def non_price_total(items: Sequence[NonPriceItem], tier: FloorTier) -> Decimal:
    for item in items:
        if not Decimal(0) <= item.points <= item.maximum:
            raise ValueError(f"{item.key}: {item.points} is outside 0 to {item.maximum}")
    total = sum((i.points for i in items), Decimal(0))
    if total > tier.other_points:
        raise ValueError(f"non-price points {total} exceed the tier's {tier.other_points}")
    return total


def review(
    candidates: Sequence[Candidate],
    non_price: Mapping[str, Sequence[NonPriceItem]],
    tier: FloorTier,
    *,
    reserve_price: int,
    a_value: int = 0,
    floor_above_pivot: bool = True,
) -> ReviewOutcome:
    """Review ``candidates`` (bids at or above the floor and not above the reserve price, lowest first, ties
    already ordered by the lottery) until one passes; stop at the first whose non-price points are missing."""
    reviews: list[Review] = []
    for candidate in candidates:
        items = non_price.get(candidate.key)
        if items is None:
            return ReviewOutcome(tuple(reviews), None, candidate.key)
        ratio = bid_ratio(candidate.amount, reserve_price, a_value)
        price = price_score(tier, ratio, floor_above_pivot=floor_above_pivot)
        other = non_price_total(items, tier)
        total = price + other
        passed = total >= tier.pass_mark
        reviews.append(Review(candidate.key, candidate.amount, ratio, price, other, total, passed))
        if passed:
            return ReviewOutcome(tuple(reviews), candidate.key, None)
    return ReviewOutcome(tuple(reviews), None, None)
