"""Who wins: the lowest bid at or above the award floor and not above the reserve price (koneps-rules §3.3, §3.4).

A tender needs at least two valid bids (addendum Q7); otherwise it fails (유찰): no bid at all is 무응찰, a single
bid is 단독응찰 and its price is not opened. Bids below the floor price are 낙찰하한선 미달 and bids above the
reserve price cannot be awarded (예정가격 초과). Exact ties are ordered by a reproducible lottery whose seed
is derived from public opening data (``kernel/lottery.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from jangter.kernel.lottery import lottery_order
from jangter.kernel.money import percent


class FailureReason(StrEnum):
    NO_BIDS = "no_bids"  # 무응찰
    SINGLE_BID = "single_bid"  # 단독응찰
    NO_ELIGIBLE_BID = "no_eligible_bid"  # 낙찰 가능한 입찰 없음


FAILURE_LABELS: dict[FailureReason, tuple[str, str]] = {
    FailureReason.NO_BIDS: ("무응찰", "No bids"),
    FailureReason.SINGLE_BID: ("단독응찰", "Single bid"),
    FailureReason.NO_ELIGIBLE_BID: ("낙찰 가능한 입찰 없음", "No bid could be awarded"),
}


class Standing(StrEnum):
    ELIGIBLE = "eligible"  # 정상
    BELOW_FLOOR = "below_floor"  # 낙찰하한선 미달
    ABOVE_RESERVE = "above_reserve"  # 예정가격 초과
    BELOW_TECHNICAL = "below_technical"  # 협상: 기술능력평가 85 % 미달
    NO_PROPOSAL = "no_proposal"  # 협상: 제안서 미제출


STANDING_LABELS: dict[Standing, tuple[str, str]] = {
    Standing.ELIGIBLE: ("정상", "Valid"),
    Standing.BELOW_FLOOR: ("낙찰하한선 미달", "Below the award floor"),
    Standing.ABOVE_RESERVE: ("예정가격 초과", "Above the reserve price"),
    Standing.BELOW_TECHNICAL: ("기술평가 미달", "Technical score below the threshold"),
    Standing.NO_PROPOSAL: ("제안서 미제출", "No technical proposal"),
}


def failure_before_opening(valid_bids: int, min_valid_bids: int) -> FailureReason | None:
    """Fewer valid bids than the rule requires: the notice fails without opening any price."""
    if valid_bids >= min_valid_bids:
        return None
    return FailureReason.NO_BIDS if valid_bids == 0 else FailureReason.SINGLE_BID


@dataclass(frozen=True)
class BidAmount:
    key: str  # a stable public identifier of the bid
    amount: int


@dataclass(frozen=True)
class RankedBid:
    key: str
    amount: int
    rate: Decimal  # bid ÷ reserve × 100, 3 decimals (bidprcrt)
    standing: Standing
    rank: int | None  # 1 = the winner; None for bids that cannot win
    tied: bool  # shares its amount with another eligible bid; the lottery ordered them


@dataclass(frozen=True)
class Ranking:
    bids: tuple[RankedBid, ...]  # display order: ranked first, then below floor, then above reserve
    winner: str | None
    failure: FailureReason | None


def rank_bids(bids: Sequence[BidAmount], *, reserve_price: int, floor_price: int, lottery_seed: bytes) -> Ranking:
    def standing(amount: int) -> Standing:
        if amount < floor_price:
            return Standing.BELOW_FLOOR
        if amount > reserve_price:
            return Standing.ABOVE_RESERVE
        return Standing.ELIGIBLE

    eligible = [b for b in bids if standing(b.amount) is Standing.ELIGIBLE]
    by_amount: dict[int, list[str]] = {}
    for bid in eligible:
        by_amount.setdefault(bid.amount, []).append(bid.key)
    ranked: list[RankedBid] = []
    amounts = {b.key: b.amount for b in bids}
    for amount in sorted(by_amount):
        group = by_amount[amount]
        for key in lottery_order(lottery_seed, group):
            ranked.append(
                RankedBid(
                    key,
                    amount,
                    percent(amount, reserve_price),
                    Standing.ELIGIBLE,
                    len(ranked) + 1,
                    tied=len(group) > 1,
                )
            )
    below = sorted((b for b in bids if standing(b.amount) is Standing.BELOW_FLOOR), key=lambda b: (-b.amount, b.key))
    above = sorted((b for b in bids if standing(b.amount) is Standing.ABOVE_RESERVE), key=lambda b: (b.amount, b.key))
    rest = [
        RankedBid(b.key, amounts[b.key], percent(b.amount, reserve_price), standing(b.amount), None, False)
        for b in (*below, *above)
    ]
    winner = ranked[0].key if ranked else None
    return Ranking(
        bids=tuple(ranked + rest),
        winner=winner,
        failure=None if winner else FailureReason.NO_ELIGIBLE_BID,
    )
