"""The reserve price (예정가격) drawn from the bidders' picks, koneps-rules §3.2 and addendum Q4.

Every bidder picks ``picks_per_bid`` (2) of the ``slots`` (15) preliminary prices. At the opening the picks are
counted and the ``drawn`` (4) most-picked prices are averaged; the mean is rounded by the rule set
(works: up at the first decimal). Equal counts at the cut are ordered by the rule set's ``tie_break``
(not documented in any source, [U]; Jangter's default is the lower slot number, which favours no price because
slots are shuffled; ``lottery`` uses the opening's public seed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from jangter.kernel.lottery import lottery_ticket
from jangter.kernel.money import round_won
from jangter.rules.domain import ReservePriceRules, TieBreak


@dataclass(frozen=True)
class ReserveDraw:
    reserve_price: int
    counts: tuple[int, ...]  # pick count per slot; index 0 is slot 1
    drawn_slots: tuple[int, ...]  # 1-based slot numbers, in draw order
    tie_broken: bool  # True when equal counts straddled the cut and the tie-break rule decided


def count_picks(picks: Iterable[Sequence[int]], slots: int) -> list[int]:
    counts = [0] * slots
    for bid_picks in picks:
        for slot in bid_picks:
            counts[slot - 1] += 1
    return counts


def draw_reserve_price(
    prices: Sequence[int],
    picks: Iterable[Sequence[int]],
    rules: ReservePriceRules,
    *,
    lottery_seed: bytes,
) -> ReserveDraw:
    if len(prices) != rules.slots:
        raise ValueError(f"expected {rules.slots} preliminary prices, got {len(prices)}")
    counts = count_picks(picks, rules.slots)

    def tie_key(slot: int) -> tuple[int, str | int]:
        if rules.tie_break is TieBreak.LOTTERY:
            return (-counts[slot - 1], lottery_ticket(lottery_seed, f"slot:{slot}"))
        return (-counts[slot - 1], slot)

    order = sorted(range(1, rules.slots + 1), key=tie_key)
    drawn = order[: rules.drawn]
    cut_count = counts[drawn[-1] - 1]
    tie_broken = rules.drawn < rules.slots and counts[order[rules.drawn] - 1] == cut_count
    mean = Decimal(sum(prices[slot - 1] for slot in drawn)) / rules.drawn
    return ReserveDraw(
        reserve_price=round_won(mean, rules.reserve_rounding),
        counts=tuple(counts),
        drawn_slots=tuple(drawn),
        tie_broken=tie_broken,
    )
