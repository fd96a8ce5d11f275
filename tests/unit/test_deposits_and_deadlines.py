"""Deposits and deadlines from the rule set in force on the day (koneps-rules §3.5, §5, §6; addendum Q6, Q8)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from jangter.contracting.domain.deposits import bid_bond, bid_bond_ceiling, contract_deposit, defect_deposit
from jangter.kernel.calendar import KoreanCalendar
from jangter.kernel.errors import DomainError
from jangter.kernel.procurement import BidBond, Category, Jurisdiction
from jangter.payments.domain.deadlines import inspection_due, payment_due
from jangter.rules.domain import DefectClass, RuleBook, RuleSet
from jangter.tendering.domain.terms import check_bid_bond

LAST_DAY = date(2024, 12, 31)  # the local temporary measure's last day (addendum Q6 [C] kosca)
DAY_AFTER = date(2025, 1, 1)


def test_contract_deposit_is_10_percent_for_goods_and_15_for_works_rounded_up(national: RuleSet) -> None:
    # koneps-rules §5, addendum Q8: "≥ 10 %" goods/services, "≥ 15 %" works; up to the won so it is never short
    goods = contract_deposit(national, Category.GOODS, 123_456_789)
    assert goods.value.rate_pct == Decimal(10) and goods.value.amount == 12_345_679  # 12,345,678.9 → up
    works = contract_deposit(national, Category.WORKS, 1_000_000_001)
    assert works.value.amount == 150_000_001  # 150,000,000.15 → up
    assert works.rule == "deposits.contract_deposit_pct.works" and works.version == national.version


def test_the_bid_bond_guarantee_is_asked_on_the_top_of_the_reserve_range(national: RuleSet, local: RuleSet) -> None:
    # koneps-rules §3.5 (5 %) and §3.2 (±2 % national, ±3 % local); [U] docs/rules.md: the bid itself is sealed
    assert bid_bond_ceiling(national, 100_000_000, None).value.amount == 5_100_000  # 5 % of ₩102,000,000
    assert bid_bond_ceiling(local, 100_000_000, None).value.amount == 5_150_000
    assert bid_bond_ceiling(national, 123_456_789, Decimal(3)).value.amount == 6_358_025  # 127,160,493 ceil → ×5 %
    assert bid_bond_ceiling(national, 1, None).rule == "deposits.bid_bond_pct"


def test_a_payment_undertaking_only_where_the_rule_set_allows_it(national: RuleSet) -> None:
    # koneps-rules §3.5: bidders are "often" let to submit a 지급각서 instead of the bond
    check_bid_bond(national, BidBond.UNDERTAKING)
    strict = replace(national, deposits=replace(national.deposits, bid_bond_undertaking=False))
    check_bid_bond(strict, BidBond.GUARANTEE)
    with pytest.raises(DomainError) as refused:
        check_bid_bond(strict, BidBond.UNDERTAKING)
    assert refused.value.code == "bid_bond_undertaking_not_allowed" and refused.value.field == "bid_bond"


def test_bid_bond_is_5_percent_of_the_bid(national: RuleSet) -> None:
    # koneps-rules §3.5: 시행령 §37, at least 5 % of the bid amount
    assert bid_bond(national, 87_650_000).value.amount == 4_382_500


def test_defect_deposit_by_work_type(national: RuleSet, local: RuleSet) -> None:
    # addendum Q8: 시행규칙 §72 — 5 / 4 / 3 / 2 %; local contracts add goods 3 % and services 2 % (§5)
    assert defect_deposit(national, DefectClass.MAJOR, 500_000_000).value.amount == 25_000_000
    assert defect_deposit(national, DefectClass.PORT, 500_000_000).value.amount == 20_000_000
    assert defect_deposit(national, DefectClass.GENERAL, 500_000_000).value.amount == 15_000_000
    assert defect_deposit(national, DefectClass.OTHER, 500_000_000).value.amount == 10_000_000
    assert defect_deposit(local, DefectClass.GOODS, 500_000_000).value.amount == 15_000_000
    with pytest.raises(ValueError, match="no defect deposit rate"):
        defect_deposit(national, DefectClass.GOODS, 500_000_000)


@pytest.mark.parametrize(
    ("day", "goods", "works", "bond", "source_has"),
    [
        # addendum Q6: during the measure deposits are halved (10 → 5, 15 → 7.5) and the bid bond 5 → 2.5 …
        (LAST_DAY, 6_172_840, 75_000_001, 2_191_250, "temporary measure"),
        # … and on the next day the base rates apply again.
        (DAY_AFTER, 12_345_679, 150_000_001, 4_382_500, "koneps-rules §3.5, §5"),
    ],
)
def test_the_temporary_measure_halves_deposits_until_its_last_day_only(
    book: RuleBook, day: date, goods: int, works: int, bond: int, source_has: str
) -> None:
    rules = book.in_force(Jurisdiction.LOCAL, day)
    deposit = contract_deposit(rules, Category.GOODS, 123_456_789)
    assert deposit.value.amount == goods  # 6,172,839.45 → 6,172,840 during the measure
    assert contract_deposit(rules, Category.WORKS, 1_000_000_001).value.amount == works  # 75,000,000.075 → up
    assert bid_bond(rules, 87_650_000).value.amount == bond
    assert source_has in deposit.source
    assert ("measure-local-2024.07.01" in rules.version) is (day == LAST_DAY)


def test_the_national_track_has_no_measure_in_force_now(book: RuleBook) -> None:
    rules = book.in_force(Jurisdiction.NATIONAL, date(2026, 11, 23))
    assert "+" not in rules.version and rules.deposits.contract_deposit_pct[Category.GOODS] == Decimal(10)


def test_inspection_within_14_days_not_counting_the_first(national: RuleSet) -> None:
    # koneps-rules §6, addendum Q8: 시행령 §55, first day not counted (Civil Code)
    due = inspection_due(national, date(2026, 3, 2))
    assert due.value == date(2026, 3, 16) and due.rule == "deadlines.inspection_days"


def test_inspection_and_payment_are_shorter_under_the_measure(book: RuleBook) -> None:
    # addendum Q6: inspection 14 → 7 days, payment 5 → 3 days while the measure is in force
    during = book.in_force(Jurisdiction.LOCAL, LAST_DAY)
    assert inspection_due(during, date(2024, 12, 30)).value == date(2025, 1, 6)
    assert payment_due(during, KoreanCalendar(), date(2024, 12, 30)).value == date(2025, 1, 2)


def test_payment_within_5_days_in_calendar_days_or_working_days(national: RuleSet) -> None:
    # koneps-rules §6: 시행령 §58, 5 days; whether holidays count is [U] (addendum Q8), a rule-set value
    calendar = KoreanCalendar()
    claim = date(2026, 11, 5)  # a Thursday
    assert payment_due(national, calendar, claim).value == date(2026, 11, 10)
    working = replace(national, deadlines=replace(national.deadlines, payment_working_days=True))
    # Fri 6 (1), Mon 9 (2), Tue 10 (3), Wed 11 (4), Thu 12 (5)
    assert payment_due(working, calendar, claim).value == date(2026, 11, 12)
