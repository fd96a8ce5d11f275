"""Temporary measures (한시적 특례): date-ranged overrides of the base rules (addendum Q6; correction 4)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jangter.kernel.procurement import Category, Jurisdiction
from jangter.rules.domain import RuleBook
from jangter.rules.loader import RuleSetError, builtin_documents, parse_rule_book

NATIONAL_MEASURE = """
kind = "measure"
version = "measure-national-2026.12.01"
tracks = ["national"]
effective_from = 2026-12-01
effective_until = 2027-06-30
title_ko = "국가계약 한시적 특례 (시험)"
title_en = "National temporary measure (test)"
sources = ["addendum Q6: the seed's measure, 10 % → 5 % contract deposit until 30 June"]

[deposits.contract_deposit_pct]
goods = "5"
services = "5"
works = "7.5"

[failed_bids]
private_contract_after = "first_failure"
"""


def book_with(*extra: tuple[str, str]) -> RuleBook:
    return parse_rule_book([*builtin_documents(), *extra])


def test_a_measure_overrides_only_its_values_and_only_on_its_days() -> None:
    # The seed's measure: contract deposit 10 % → 5 % until 30 June (issue #5, addendum Q6)
    book = book_with(("measure.toml", NATIONAL_MEASURE))
    before = book.in_force(Jurisdiction.NATIONAL, date(2026, 11, 30))
    first = book.in_force(Jurisdiction.NATIONAL, date(2026, 12, 1))
    last = book.in_force(Jurisdiction.NATIONAL, date(2027, 6, 30))
    after = book.in_force(Jurisdiction.NATIONAL, date(2027, 7, 1))
    assert [r.deposits.contract_deposit_pct[Category.GOODS] for r in (before, first, last, after)] == [
        Decimal(10),
        Decimal(5),
        Decimal(5),
        Decimal(10),
    ]
    assert first.version == "national-2026.01.30+measure-national-2026.12.01" and after.version == "national-2026.01.30"
    assert first.award == before.award and first.deposits.bid_bond_pct == Decimal(5)  # untouched values
    assert book.version(first.version) is first  # a notice's stored version finds the same rules again
    assert first.ruled(1, "deposits.contract_deposit_pct.goods", "base").source.startswith("National temporary")
    assert first.ruled(1, "deposits.bid_bond_pct", "base").source == "base"


def test_measures_that_set_the_same_value_on_the_same_days_are_refused() -> None:
    clash = NATIONAL_MEASURE.replace("measure-national-2026.12.01", "measure-national-2027.01.01").replace(
        "effective_from = 2026-12-01", "effective_from = 2027-01-01"
    )
    with pytest.raises(RuleSetError, match="both in force on the same days"):
        book_with(("a.toml", NATIONAL_MEASURE), ("b.toml", clash))
    # the same measure on days that do not overlap is fine
    later = clash.replace("2027-01-01", "2027-07-01").replace("2027-06-30", "2027-12-31")
    book_with(("a.toml", NATIONAL_MEASURE), ("b.toml", later))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("effective_until = 2027-06-30", "effective_until = 2026-01-01"), "is before effective_from"),
        (('goods = "5"', 'goods = "500"'), "must be from 0 to 100"),
        (('tracks = ["national"]', 'tracks = ["federal"]'), "must be one of"),
        (('private_contract_after = "first_failure"', 'private_contract_after = "always"'), "must be one of"),
    ],
)
def test_a_bad_measure_is_refused_with_its_file_and_key(change: tuple[str, str], problem: str) -> None:
    with pytest.raises(RuleSetError, match=problem) as refused:
        book_with(("bad-measure.toml", NATIONAL_MEASURE.replace(*change)))
    assert "bad-measure.toml" in str(refused.value)


_BOOK = book_with(("measure.toml", NATIONAL_MEASURE))


@given(st.dates(min_value=date(2024, 2, 21), max_value=date(2031, 12, 31)), st.sampled_from(list(Jurisdiction)))
def test_on_any_day_exactly_one_rule_set_is_in_force(day: date, track: Jurisdiction) -> None:
    rules = _BOOK.in_force(track, day)
    bases = [r for r in _BOOK.all() if r.track is track and r.effective_from <= day]
    assert rules.base_version == max(bases, key=lambda r: r.effective_from).version
    active = [m.version for m in _BOOK.measures() if m.in_force(track, day)]
    assert [m.version for m in rules.measures] == active
    assert rules.effective_from <= day < day + timedelta(days=1)
