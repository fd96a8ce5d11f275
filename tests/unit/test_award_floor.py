"""Award floors derived from the price-score formula and the pass mark (koneps-rules §3.3, addendum Q2–Q3)."""

from datetime import date
from decimal import Decimal

import pytest

from jangter.evaluation.domain.award_floor import award_floor_rate, derive_floor_rate, floor_price, floor_tier
from jangter.kernel.errors import DomainError
from jangter.kernel.money import Rounding
from jangter.kernel.procurement import Category, Jurisdiction
from jangter.rules.domain import RuleBook, RuleSet


@pytest.mark.parametrize(
    ("day", "estimated", "expected"),
    [
        # addendum Q2: national/PPS works, old floors until 2026-01-29 …
        (date(2026, 1, 29), 500_000_000, "87.745"),
        (date(2026, 1, 29), 3_000_000_000, "86.745"),
        (date(2026, 1, 29), 7_000_000_000, "85.495"),
        (date(2026, 1, 29), 20_000_000_000, "79.995"),
        # … and +2 points from 2026-01-30
        (date(2026, 1, 30), 500_000_000, "89.745"),
        (date(2026, 1, 30), 3_000_000_000, "88.745"),
        (date(2026, 1, 30), 7_000_000_000, "87.495"),
        (date(2026, 1, 30), 20_000_000_000, "81.995"),
    ],
)
def test_national_works_floors_on_both_sides_of_the_2026_rise(
    book: RuleBook, day: date, estimated: int, expected: str
) -> None:
    rules = book.in_force(Jurisdiction.NATIONAL, day)
    assert award_floor_rate(rules, Category.WORKS, estimated).value == Decimal(expected)


def test_local_works_floors_rose_on_1_july_2025(book: RuleBook) -> None:
    # addendum Q2: local governments from 2025-07-01 [C]
    before = book.in_force(Jurisdiction.LOCAL, date(2025, 6, 30))
    after = book.in_force(Jurisdiction.LOCAL, date(2025, 7, 1))
    assert award_floor_rate(before, Category.WORKS, 500_000_000).value == Decimal("87.745")
    assert award_floor_rate(after, Category.WORKS, 500_000_000).value == Decimal("89.745")


def test_the_under_one_billion_works_floor_worked_by_hand(national: RuleSet) -> None:
    # addendum Q3: price 90 − 20 × |88 − r| (pivot 90 from 2026), other items 10, pass mark 95.
    # 90 − 20·|90 − r| + 10 ≥ 95  ⇔  |90 − r| ≤ 0.25  ⇔  r ≥ 89.75 after rounding the ratio at its 5th decimal;
    # the lowest unrounded ratio that rounds to 0.8975 is 0.89745 → 89.745 %.
    tier = floor_tier(national, Category.WORKS, 999_999_999)
    assert tier is not None
    assert derive_floor_rate(tier) == Decimal("89.745")


def test_goods_and_services_floors(national: RuleSet) -> None:
    # addendum Q2: PPS goods 70 − 2 × |88 − r|, pass 85 → 80.495 %; koneps §3.3 general services 87.745 / 86.745.
    assert award_floor_rate(national, Category.GOODS, 100_000_000).value == Decimal("80.495")
    assert award_floor_rate(national, Category.SERVICES, 499_999_999).value == Decimal("87.745")
    assert award_floor_rate(national, Category.SERVICES, 500_000_000).value == Decimal("86.745")


def test_each_figure_names_its_rule_and_version(national: RuleSet) -> None:
    ruled = award_floor_rate(national, Category.WORKS, 500_000_000)
    assert ruled.rule == "award.floor_tiers"
    assert ruled.version == "national-2026.01.30"
    assert "89.745" in ruled.source


def test_a_rate_stated_in_the_notice_takes_precedence(national: RuleSet) -> None:
    ruled = award_floor_rate(national, Category.SERVICES, 100_000_000, stated=Decimal("86.995"))
    assert ruled.value == Decimal("86.995")
    assert ruled.rule == "notice.award_floor_rate"


def test_works_of_thirty_billion_and_more_need_a_stated_rate(national: RuleSet) -> None:
    # koneps-rules §3.3: ≥ ₩30bn uses 종합심사낙찰제, which the rule set does not cover.
    with pytest.raises(DomainError) as refused:
        award_floor_rate(national, Category.WORKS, 30_000_000_000)
    assert refused.value.code == "award_floor_rate_required"


def test_floor_price_with_the_a_value_worked_by_hand() -> None:
    # koneps-rules §3.3: floor price = (reserve − A) × rate + A.
    # (1,000,000,000 − 40,000,000) × 89.745 % + 40,000,000 = 861,552,000 + 40,000,000 = 901,552,000.
    assert floor_price(1_000_000_000, Decimal("89.745"), 40_000_000, Rounding.CEIL_WON) == 901_552_000


def test_floor_price_without_a_is_rounded_up_to_the_won() -> None:
    # 318,802,134 × 87.745 % = 279,732,932.48… → 279,732,933 (rounded up: no bid below the rate passes).
    assert floor_price(318_802_134, Decimal("87.745"), 0, Rounding.CEIL_WON) == 279_732_933
