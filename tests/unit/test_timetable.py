"""Announcement periods (koneps-rules §2.5, addendum Q1) and closing times (koneps-rules §2.6)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from jangter.kernel.calendar import SEOUL, KoreanCalendar
from jangter.kernel.errors import DomainError
from jangter.kernel.procurement import Category
from jangter.rules.domain import GapCounting, RuleSet
from jangter.tendering.domain.timetable import (
    Timetable,
    check_announcement_period,
    check_closing_time,
    check_sequence,
    closing_hour,
    hourly_cap_reached,
    minimum_announcement_days,
)

CAL = KoreanCalendar()


def kst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SEOUL)


class TestMinimumPeriod:
    def test_goods_and_services_need_seven_days(self, national: RuleSet) -> None:
        # koneps-rules §2.5: general rule 7 days (decree §35) [C]
        assert minimum_announcement_days(national, Category.GOODS, 5_000_000_000).value == 7
        assert minimum_announcement_days(national, Category.SERVICES, 50_000_000).value == 7

    @pytest.mark.parametrize(
        ("estimated", "days"),
        [(999_999_999, 7), (1_000_000_000, 15), (4_999_999_999, 15), (5_000_000_000, 40)],
    )
    def test_national_works_tiers_by_estimated_price(self, national: RuleSet, estimated: int, days: int) -> None:
        # addendum Q1: works without site briefing <₩1bn 7 · ₩1–5bn 15 · ≥₩5bn 40 [C]
        assert minimum_announcement_days(national, Category.WORKS, estimated).value == days

    def test_local_works_top_tier_is_thirty_days(self, local: RuleSet) -> None:
        # addendum Q1: the local decree differs: 7/15/30 [S]
        assert minimum_announcement_days(local, Category.WORKS, 6_000_000_000).value == 30

    def test_reannouncement_needs_five_days(self, national: RuleSet) -> None:
        # addendum Q1: re-announcement or urgent, 5 days [S]
        ruled = minimum_announcement_days(national, Category.WORKS, 6_000_000_000, reannouncement=True)
        assert ruled.value == 5
        assert ruled.rule == "announcement.reannouncement_days"
        assert ruled.version == national.version


class TestCountingDays:
    def test_worked_example_deadline_on_the_20th_needs_the_notice_by_the_12th(self, national: RuleSet) -> None:
        # addendum Q1: "deadline on the 20th, 7-day rule → count 19…13 → notice by the 12th"
        deadline = kst(2026, 11, 20, 10)
        check_announcement_period(
            national,
            published_at=kst(2026, 11, 12, 18),
            deadline=deadline,
            category=Category.GOODS,
            estimated_price=10_000_000,
        )
        with pytest.raises(DomainError) as refused:
            check_announcement_period(
                national,
                published_at=kst(2026, 11, 13, 8),
                deadline=deadline,
                category=Category.GOODS,
                estimated_price=10_000_000,
            )
        assert refused.value.code == "announcement_period_too_short"
        assert "2026-11-21" in refused.value.message_en  # the earliest allowed deadline from the 13th

    def test_inclusive_counting_accepts_exactly_n_days(self, national: RuleSet) -> None:
        # addendum Q1: "Some practitioners accept it, so make it configurable."
        lenient = replace(national, announcement=replace(national.announcement, gap_counting=GapCounting.INCLUSIVE))
        check_announcement_period(
            lenient,
            published_at=kst(2026, 11, 13, 8),
            deadline=kst(2026, 11, 20, 10),
            category=Category.GOODS,
            estimated_price=10_000_000,
        )

    def test_days_are_counted_in_seoul_not_utc(self, national: RuleSet) -> None:
        # 00:30 KST on the 12th is still the 11th in UTC; the Seoul date is what counts.
        check_announcement_period(
            national,
            published_at=kst(2026, 11, 12, 0, 30),
            deadline=kst(2026, 11, 20, 10),
            category=Category.GOODS,
            estimated_price=10_000_000,
        )


class TestClosingTime:
    @pytest.mark.parametrize("hour", [10, 11, 14, 17])
    def test_deadlines_on_the_hour_from_ten_to_seventeen_pass(self, national: RuleSet, hour: int) -> None:
        # koneps-rules §2.6: on the hour, working days, 10:00–17:00 (from 2024-02-21) [C]
        check_closing_time(national, kst(2026, 11, 11, hour), CAL)

    @pytest.mark.parametrize(("hour", "minute"), [(10, 30), (10, 1), (16, 59)])
    def test_a_deadline_off_the_hour_is_refused(self, national: RuleSet, hour: int, minute: int) -> None:
        with pytest.raises(DomainError) as refused:
            check_closing_time(national, kst(2026, 11, 11, hour, minute), CAL)
        assert refused.value.code == "deadline_not_on_the_hour"
        assert refused.value.field == "deadline_at"

    @pytest.mark.parametrize("hour", [9, 18, 0])
    def test_a_deadline_outside_ten_to_seventeen_is_refused(self, national: RuleSet, hour: int) -> None:
        with pytest.raises(DomainError) as refused:
            check_closing_time(national, kst(2026, 11, 11, hour), CAL)
        assert refused.value.code == "deadline_outside_hours"

    def test_weekends_and_public_holidays_are_refused(self, national: RuleSet) -> None:
        with pytest.raises(DomainError) as weekend:
            check_closing_time(national, kst(2026, 11, 14, 10), CAL)  # a Saturday
        assert weekend.value.code == "deadline_not_working_day"
        with pytest.raises(DomainError) as christmas:
            check_closing_time(national, kst(2026, 12, 25, 10), CAL)  # 기독탄신일
        assert christmas.value.code == "deadline_not_working_day"
        assert "기독탄신일" in christmas.value.message_ko
        with pytest.raises(DomainError):
            check_closing_time(national, kst(2026, 10, 5, 10), CAL)  # 개천절 substitute holiday

    def test_the_hour_is_checked_in_seoul_time(self, national: RuleSet) -> None:
        check_closing_time(national, datetime(2026, 11, 11, 1, 0, tzinfo=UTC), CAL)  # 10:00 in Seoul
        with pytest.raises(DomainError):
            check_closing_time(national, datetime(2026, 11, 11, 10, 0, tzinfo=UTC), CAL)  # 19:00 in Seoul

    def test_the_hourly_cap_is_fifteen_hundred(self, national: RuleSet) -> None:
        # koneps-rules §2.6: at most 1,500 notices may close in any one hour.
        assert national.closing.max_closings_per_hour == 1500
        assert not hourly_cap_reached(national, 1499)
        assert hourly_cap_reached(national, 1500)
        assert closing_hour(kst(2026, 11, 11, 10)) == kst(2026, 11, 11, 10)


class TestSequence:
    now = kst(2026, 11, 2, 9)

    def test_a_deadline_in_the_past_is_refused(self) -> None:
        with pytest.raises(DomainError) as refused:
            check_sequence(Timetable(self.now, self.now - timedelta(hours=1), self.now), self.now)
        assert refused.value.code == "deadline_in_past"

    def test_the_opening_cannot_come_before_the_deadline(self) -> None:
        deadline = kst(2026, 11, 11, 10)
        with pytest.raises(DomainError) as refused:
            check_sequence(Timetable(self.now, deadline, deadline - timedelta(minutes=1)), self.now)
        assert refused.value.code == "opening_before_deadline"
        check_sequence(Timetable(self.now, deadline, deadline), self.now)

    def test_bidding_must_start_before_the_deadline(self) -> None:
        deadline = kst(2026, 11, 11, 10)
        with pytest.raises(DomainError) as refused:
            check_sequence(Timetable(deadline, deadline, deadline), self.now)
        assert refused.value.code == "bid_start_after_deadline"
