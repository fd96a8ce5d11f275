"""The periods of the public statistics: Seoul calendar days folded into days, weeks (Monday to Sunday, ISO) or
calendar months. Pure: dates in, dates and sums out."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from jangter.kernel.calendar import SEOUL

#: The most buckets one request may ask for (a year of days; seven years of weeks; thirty years of months).
MAX_BUCKETS = 366


class Granularity(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


GRANULARITY_LABELS: dict[Granularity, tuple[str, str]] = {
    Granularity.DAY: ("일별", "Daily"),
    Granularity.WEEK: ("주별 (월–일)", "Weekly (Mon–Sun)"),
    Granularity.MONTH: ("월별", "Monthly"),
}

#: How many buckets the default period shows, ending with the one that holds today.
DEFAULT_BUCKETS: dict[Granularity, int] = {Granularity.DAY: 31, Granularity.WEEK: 12, Granularity.MONTH: 12}


@dataclass(frozen=True)
class Bucket:
    """One bar of a chart: the days ``start`` to ``end`` (both included). The first and last buckets of a period
    are cut to the period, so a bucket never counts a day outside it."""

    start: date
    end: date
    key: str  # 2026-11-02 · 2026-W45 · 2026-11
    granularity: Granularity

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def short(self) -> str:
        """A short name for a chart's axis: the first day as 11/2, or the month as 2026-11."""
        if self.granularity is Granularity.MONTH:
            return self.key
        return f"{self.start.month}/{self.start.day}"


def bucket_start(day: date, granularity: Granularity) -> date:
    """The first day of the (uncut) bucket that holds ``day``."""
    if granularity is Granularity.WEEK:
        return day - timedelta(days=day.weekday())
    if granularity is Granularity.MONTH:
        return day.replace(day=1)
    return day


def _next_start(start: date, granularity: Granularity) -> date:
    if granularity is Granularity.WEEK:
        return start + timedelta(days=7)
    if granularity is Granularity.MONTH:
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=1)


def _key(start: date, granularity: Granularity) -> str:
    if granularity is Granularity.WEEK:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if granularity is Granularity.MONTH:
        return f"{start.year}-{start.month:02d}"
    return start.isoformat()


def bucket_count(first: date, last: date, granularity: Granularity) -> int:
    """How many buckets the period ``first`` … ``last`` spans (without building them)."""
    if last < first:
        return 0
    if granularity is Granularity.MONTH:
        return (last.year - first.year) * 12 + last.month - first.month + 1
    step = 7 if granularity is Granularity.WEEK else 1
    return (bucket_start(last, granularity) - bucket_start(first, granularity)).days // step + 1


def buckets(first: date, last: date, granularity: Granularity) -> tuple[Bucket, ...]:
    """Every bucket of the period, empty ones included, in order; the first and last are cut to the period."""
    found = []
    start = bucket_start(first, granularity)
    while start <= last:
        following = _next_start(start, granularity)
        end = min(following - timedelta(days=1), last)
        found.append(Bucket(max(start, first), end, _key(start, granularity), granularity))
        start = following
    return tuple(found)


def fold(daily: Mapping[date, int], into: tuple[Bucket, ...]) -> tuple[int, ...]:
    """Sum the values of each Seoul day into its bucket; days outside every bucket are left out."""
    starts = [b.start for b in into]
    sums = [0] * len(into)
    for day, value in daily.items():
        i = bisect_right(starts, day) - 1
        if i >= 0 and day <= into[i].end:
            sums[i] += value
    return tuple(sums)


def utc_window(first: date, last: date) -> tuple[datetime, datetime]:
    """The period as UTC instants: from midnight in Seoul on ``first`` (included) to midnight after ``last``
    (excluded)."""
    start = datetime.combine(first, time(0), tzinfo=SEOUL).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=SEOUL).astimezone(UTC)
    return start, end


def default_first(last: date, granularity: Granularity) -> date:
    """The first day of the default period ending on ``last``: whole buckets, ``DEFAULT_BUCKETS`` of them."""
    start = bucket_start(last, granularity)
    for _ in range(DEFAULT_BUCKETS[granularity] - 1):
        start = bucket_start(start - timedelta(days=1), granularity)
    return start
