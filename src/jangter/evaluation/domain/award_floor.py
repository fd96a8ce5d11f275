"""The award floor (낙찰하한율 and 낙찰하한가), koneps-rules §3.3 and addendum Q2-Q3.

The floor *rate* is not a free parameter: it is the lowest bid-to-reserve ratio whose price score, with full
marks on every other item, still reaches the pass mark. The ratio is rounded half-up at its 5th decimal (4
decimals kept), which is why floors end in …x45 or …x95: the lowest passing rounded ratio minus 0.005 points.

For works, the mandatory costs (A값) are taken out of the price competition:
``floor price = (reserve − A) × rate + A`` and ``ratio = (bid − A) / (reserve − A)``.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from jangter.kernel.errors import DomainError
from jangter.kernel.money import Rounding, round_won
from jangter.kernel.procurement import Category
from jangter.rules.domain import FloorTier, Ruled, RuleSet

_HUNDREDTH = Decimal("0.01")
_HALF_STEP = Decimal("0.005")


def floor_tier(rules: RuleSet, category: Category, estimated_price: int) -> FloorTier | None:
    for tier in rules.award.floor_tiers:
        if tier.category is category and (tier.below is None or estimated_price < tier.below):
            return tier
    return None


def derive_floor_rate(tier: FloorTier) -> Decimal:
    """The lowest ratio (in percent, 3 decimals) that reaches the pass mark with full marks elsewhere."""
    tolerance = (tier.price_points + tier.other_points - tier.pass_mark) / tier.slope
    lowest_passing = (tier.pivot - tolerance).quantize(_HUNDREDTH, rounding=ROUND_CEILING)
    return lowest_passing - _HALF_STEP


def award_floor_rate(
    rules: RuleSet, category: Category, estimated_price: int, stated: Decimal | None = None
) -> Ruled[Decimal]:
    """The floor rate for a notice: the rate the notice states, or the one its rule set derives."""
    if stated is not None:
        return Ruled(stated, "notice.award_floor_rate", rules.version, "stated in the notice (sucsfbidLwltRate)")
    tier = floor_tier(rules, category, estimated_price)
    if tier is None:
        raise DomainError(
            "award_floor_rate_required",
            "이 분류와 금액에는 규칙 세트에 낙찰하한율이 없습니다. 공고에 낙찰하한율을 직접 입력하십시오.",
            "The rule set has no award floor rate for this category and amount; state one in the notice.",
            field="award_floor_rate",
        )
    return Ruled(derive_floor_rate(tier), "award.floor_tiers", rules.version, tier.source)


def floor_price(reserve_price: int, rate: Decimal, a_value: int, rounding: Rounding) -> int:
    """낙찰하한가 = (예정가격 − A) × 낙찰하한율 + A, rounded by the rule set."""
    if not 0 <= a_value < reserve_price:
        raise ValueError("A must be at least 0 and below the reserve price")
    return round_won(Decimal(reserve_price - a_value) * rate / 100 + a_value, rounding)
