"""Korean working days and the Asia/Seoul display zone.

Deadlines fall on working days: Monday to Friday, not a public holiday of the Republic of Korea (substitute
holidays included, from the ``holidays`` package). The calendar is a parameter of every deadline rule, so a
test or an operator can add closures (for example an outage day) without touching the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

import holidays

SEOUL = ZoneInfo("Asia/Seoul")


class WorkingCalendar(Protocol):
    def is_working_day(self, day: date) -> bool: ...

    def holiday_name(self, day: date) -> str | None: ...


@lru_cache(maxsize=64)
def _korean_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("KR", years=year, language="ko").items())


class KoreanCalendar:
    """Public holidays of Korea plus optional extra closed days."""

    def __init__(self, extra_closed_days: Iterable[date] = ()) -> None:
        self._extra = frozenset(extra_closed_days)

    def holiday_name(self, day: date) -> str | None:
        if day in self._extra:
            return "휴무일"
        return _korean_holidays(day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday_name(day) is None


def to_seoul(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("naive datetime: stored times are UTC and must carry tzinfo")
    return instant.astimezone(SEOUL)


def seoul_date(instant: datetime) -> date:
    return to_seoul(instant).date()


def seoul_datetime(day: date, hour: int, minute: int = 0) -> datetime:
    """The instant of ``hour:minute`` on ``day`` in Seoul (aware)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SEOUL)


def next_working_day(calendar: WorkingCalendar, day: date) -> date:
    candidate = day + timedelta(days=1)
    while not calendar.is_working_day(candidate):
        candidate += timedelta(days=1)
    return candidate
