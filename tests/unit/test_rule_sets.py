"""Rule sets as versioned data (DESIGN §4 "Rule sets"; STYLE principle 6)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jangter.kernel.errors import DomainError
from jangter.kernel.procurement import Jurisdiction
from jangter.rules.domain import RuleBook, RuleSet, SameOrigin
from jangter.rules.loader import RuleSetError, builtin_documents, parse_rule_sets

NEXT_YEAR = """
version = "national-2027.01.01"
extends = "national-2026.01.30"
effective_from = 2027-01-01
title_ko = "시험"
title_en = "test"
sources = ["a test"]
[closing]
max_closings_per_hour = 1200
"""


def test_the_rules_in_force_change_on_the_effective_date(book: RuleBook) -> None:
    assert book.in_force(Jurisdiction.NATIONAL, date(2026, 1, 29)).version == "national-2024.02.21"
    assert book.in_force(Jurisdiction.NATIONAL, date(2026, 1, 30)).version == "national-2026.01.30"
    assert book.in_force(Jurisdiction.LOCAL, date(2025, 7, 1)).version == "local-2025.07.01"


def test_national_and_local_ranges_differ(book: RuleBook) -> None:
    # koneps-rules §3.2: ±2 % PPS, ±3 % MOIS.
    assert str(book.in_force(Jurisdiction.NATIONAL, date(2026, 6, 1)).reserve_price.range_pct) == "2"
    assert str(book.in_force(Jurisdiction.LOCAL, date(2026, 6, 1)).reserve_price.range_pct) == "3"


def test_before_any_rule_set_nothing_is_in_force(book: RuleBook) -> None:
    with pytest.raises(DomainError) as refused:
        book.in_force(Jurisdiction.NATIONAL, date(2020, 1, 1))
    assert refused.value.code == "no_rules_in_force"


def test_a_new_year_can_be_added_as_a_file_that_changes_only_what_changed() -> None:
    book = RuleBook(parse_rule_sets([*builtin_documents(), ("next.toml", NEXT_YEAR)]))
    new = book.in_force(Jurisdiction.NATIONAL, date(2027, 3, 1))
    assert new.closing.max_closings_per_hour == 1200
    assert new.award == book.version("national-2026.01.30").award


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ("[closing]\nearliest_hour = 25", "closing.earliest_hour"),
        ("[reserve_price]\nrange_pct = 2", "reserve_price.range_pct"),
        ('[reserve_price]\ntie_break = "coin"', "reserve_price.tie_break"),
        ('[announcement]\ngap_counting = "sometimes"', "announcement.gap_counting"),
    ],
)
def test_bad_values_are_refused_with_the_file_and_the_key(change: str, key: str) -> None:
    text = NEXT_YEAR.replace("[closing]\nmax_closings_per_hour = 1200", change)
    with pytest.raises(RuleSetError) as refused:
        parse_rule_sets([*builtin_documents(), ("next.toml", text)])
    assert refused.value.source == "next.toml"
    assert refused.value.key == key


def test_two_sets_of_one_track_cannot_start_on_the_same_day() -> None:
    clash = NEXT_YEAR.replace("2027-01-01", "2026-01-30").replace("national-2027.01.01", "national-clash")
    with pytest.raises(ValueError, match="same day"):
        RuleBook(parse_rule_sets([*builtin_documents(), ("clash.toml", clash)]))


def test_extending_an_unknown_version_is_refused() -> None:
    with pytest.raises(RuleSetError) as refused:
        parse_rule_sets([("x.toml", NEXT_YEAR.replace("national-2026.01.30", "national-1999"))])
    assert refused.value.key == "extends"


@given(st.dates(min_value=date(2024, 2, 21), max_value=date(2040, 12, 31)), st.sampled_from(list(Jurisdiction)))
def test_any_day_has_exactly_one_rule_set_in_force(book: RuleBook, day: date, track: Jurisdiction) -> None:
    in_force = book.in_force(track, day)
    assert in_force.effective_from <= day
    later = [r for r in book.all() if r.track is track and in_force.effective_from < r.effective_from <= day]
    assert later == []
    assert book.in_force(track, day + timedelta(days=0)) is in_force


def test_identity_rules_refuse_a_second_firm_from_one_device_or_address(national: RuleSet, local: RuleSet) -> None:
    # koneps-rules §1.4: "same PC and same IP → only one bid" (2014-01-01); a fingerprint login valid 30 minutes
    # (2010-08-05); the 예외적용 fallback at most twice, 48 hours each
    for rules in (national, local):
        identity = rules.identity
        assert (identity.same_ip, identity.same_device) == (SameOrigin.REFUSE, SameOrigin.REFUSE)
        assert (identity.step_up_minutes, identity.fallback_max, identity.fallback_hours) == (30, 2, 48)
