"""The 15 preliminary prices (복수예비가격), koneps-rules §3.2 and addendum Q4.

The range ``base × (1 ± range_pct %)`` is cut into ``slots`` equal-width intervals and one random value is
drawn inside each (the rule since 2005-04-01). Each price is rounded by the category's rule (goods and
services: up to the won; works: up to ₩100). Which slot holds which price is drawn only at the opening
(``price_commitment.assign_slots``: Jangter's form of the 2012–13 re-ordering against manipulation).
"""

from __future__ import annotations

from decimal import Decimal

from jangter.kernel.money import Rounding, round_won
from jangter.kernel.randomness import RandomSource

#: Each value is drawn at a resolution of one millionth of its interval.
RESOLUTION = 1_000_000


def interval_bounds(base_amount: int, range_pct: Decimal, slots: int) -> list[tuple[Decimal, Decimal]]:
    """The exact ``[low, high)`` bounds of each interval, in won, before rounding."""
    low = Decimal(base_amount) * (1 - range_pct / 100)
    width = Decimal(base_amount) * (2 * range_pct / 100) / slots
    return [(low + width * i, low + width * (i + 1)) for i in range(slots)]


def generate_preliminary_prices(
    base_amount: int, range_pct: Decimal, slots: int, rounding: Rounding, rng: RandomSource
) -> list[int]:
    """One rounded random price per interval, in interval order (the slots are assigned at the opening)."""
    prices = []
    for low, high in interval_bounds(base_amount, range_pct, slots):
        fraction = Decimal(rng.randbelow(RESOLUTION)) / RESOLUTION
        prices.append(round_won(low + (high - low) * fraction, rounding))
    return prices
