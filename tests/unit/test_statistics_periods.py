"""The periods of the public statistics (issue #9 point 6): Seoul days folded into days, weeks and months, and what a
request may ask."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from jangter.kernel.calendar import seoul_date
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.kernel.procurement import Category, Jurisdiction
from jangter.opendata.domain.periods import (
    MAX_BUCKETS,
    Granularity,
    bucket_count,
    bucket_start,
    buckets,
    default_first,
    fold,
    utc_window,
)
from jangter.opendata.domain.request import StatisticsRequest, parse_request

TODAY = date(2026, 11, 24)  # a Tuesday


def test_a_week_runs_monday_to_sunday_and_a_month_from_its_first_day() -> None:
    assert bucket_start(date(2026, 11, 29), Granularity.WEEK) == date(2026, 11, 23)  # Sunday → its Monday
    assert bucket_start(date(2026, 11, 23), Granularity.WEEK) == date(2026, 11, 23)
    assert bucket_start(date(2026, 11, 30), Granularity.WEEK) == date(2026, 11, 30)
    assert bucket_start(date(2026, 2, 28), Granularity.MONTH) == date(2026, 2, 1)
    assert bucket_start(date(2026, 2, 28), Granularity.DAY) == date(2026, 2, 28)


def test_the_first_and_last_buckets_are_cut_to_the_period_and_empty_ones_are_kept() -> None:
    weeks = buckets(date(2026, 11, 4), date(2026, 11, 24), Granularity.WEEK)
    assert [(b.key, b.start, b.end) for b in weeks] == [
        ("2026-W45", date(2026, 11, 4), date(2026, 11, 8)),
        ("2026-W46", date(2026, 11, 9), date(2026, 11, 15)),
        ("2026-W47", date(2026, 11, 16), date(2026, 11, 22)),
        ("2026-W48", date(2026, 11, 23), date(2026, 11, 24)),
    ]
    assert [b.days for b in weeks] == [5, 7, 7, 2]
    months = buckets(date(2025, 11, 15), date(2026, 2, 10), Granularity.MONTH)
    assert [(b.key, b.start, b.end) for b in months] == [
        ("2025-11", date(2025, 11, 15), date(2025, 11, 30)),
        ("2025-12", date(2025, 12, 1), date(2025, 12, 31)),  # across the year's end
        ("2026-01", date(2026, 1, 1), date(2026, 1, 31)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 10)),
    ]
    days = buckets(date(2026, 2, 27), date(2026, 3, 1), Granularity.DAY)
    assert [b.key for b in days] == ["2026-02-27", "2026-02-28", "2026-03-01"]
    assert [b.short for b in days] == ["2/27", "2/28", "3/1"]


def test_iso_weeks_at_the_turn_of_the_year_carry_the_iso_year() -> None:
    [first, second] = buckets(date(2026, 12, 28), date(2027, 1, 4), Granularity.WEEK)
    assert (first.key, second.key) == ("2026-W53", "2027-W01")


def test_the_bucket_count_matches_the_buckets_built() -> None:
    for first, last in ((date(2026, 1, 1), date(2026, 12, 31)), (date(2025, 12, 31), date(2026, 1, 5))):
        for g in Granularity:
            assert bucket_count(first, last, g) == len(buckets(first, last, g))


def test_each_day_is_summed_into_its_own_bucket_and_days_outside_the_period_are_left_out() -> None:
    weeks = buckets(date(2026, 11, 4), date(2026, 11, 24), Granularity.WEEK)
    daily = {
        date(2026, 11, 3): 100,  # the day before the period (same ISO week as the first bucket)
        date(2026, 11, 4): 1,
        date(2026, 11, 8): 2,  # Sunday: still the first week
        date(2026, 11, 9): 4,  # Monday: the second
        date(2026, 11, 24): 8,
        date(2026, 11, 25): 100,  # the day after
    }
    assert fold(daily, weeks) == (3, 4, 0, 8)


def test_the_period_is_whole_days_in_seoul_time() -> None:
    start, end = utc_window(date(2026, 11, 2), date(2026, 11, 8))
    assert start == datetime(2026, 11, 1, 15, 0, tzinfo=UTC)  # midnight in Seoul is 15:00 UTC the day before
    assert end == datetime(2026, 11, 8, 15, 0, tzinfo=UTC)
    assert seoul_date(start) == date(2026, 11, 2)
    assert seoul_date(end - timedelta(microseconds=1)) == date(2026, 11, 8)


def test_the_default_period_is_whole_buckets_ending_with_today() -> None:
    assert default_first(TODAY, Granularity.WEEK) == date(2026, 9, 7)  # 12 Mondays back, this week's included
    assert default_first(TODAY, Granularity.MONTH) == date(2025, 12, 1)
    assert default_first(TODAY, Granularity.DAY) == TODAY - timedelta(days=30)
    request = parse_request({}, TODAY)
    assert request == StatisticsRequest(date(2026, 9, 7), TODAY, Granularity.WEEK, None, None)
    assert len(buckets(request.first, request.last, request.granularity)) == 12


def test_a_request_reads_its_filters_and_says_them_back_as_a_query() -> None:
    raw = {"from": "2026-10-01", "to": "2026-10-31", "granularity": "day", "agency_type": "local", "category": "works"}
    request = parse_request(raw, TODAY)
    assert request == StatisticsRequest(
        date(2026, 10, 1), date(2026, 10, 31), Granularity.DAY, Jurisdiction.LOCAL, Category.WORKS
    )
    assert request.as_query() == raw
    assert parse_request({"agency_type": "", "category": " "}, TODAY).category is None


@pytest.mark.parametrize(
    ("raw", "field", "code"),
    [
        ({"from": "2026-13-01"}, "from", "date_invalid"),
        ({"to": "20261124"}, "to", "date_invalid"),
        ({"to": "yesterday"}, "to", "date_invalid"),
        ({"granularity": "year"}, "granularity", "choice_invalid"),
        ({"agency_type": "federal"}, "agency_type", "choice_invalid"),
        ({"category": "food"}, "category", "choice_invalid"),
        ({"from": "2026-11-02", "to": "2026-11-01"}, "to", "period_reversed"),
        ({"from": "2025-11-23", "to": "2026-11-24", "granularity": "day"}, "from", "period_too_long"),
    ],
)
def test_a_bad_value_is_refused_with_its_own_code_and_field(raw: dict[str, str], field: str, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_request(raw, TODAY)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert refused.value.message_ko and refused.value.message_en


def test_the_longest_period_allowed_has_max_buckets() -> None:
    first = TODAY - timedelta(days=MAX_BUCKETS - 1)
    assert len(buckets(first, TODAY, Granularity.DAY)) == MAX_BUCKETS
    parse_request({"from": first.isoformat(), "to": TODAY.isoformat(), "granularity": "day"}, TODAY)
    assert parse_request({"from": "2000-01-01", "granularity": "month"}, TODAY).first == date(2000, 1, 1)


def test_several_bad_values_are_refused_together() -> None:
    with pytest.raises(ValidationProblems) as refused:
        parse_request({"from": "x", "granularity": "year", "category": "food"}, TODAY)
    assert sorted((p.field, p.code) for p in refused.value.problems) == [
        ("category", "choice_invalid"),
        ("from", "date_invalid"),
        ("granularity", "choice_invalid"),
    ]
