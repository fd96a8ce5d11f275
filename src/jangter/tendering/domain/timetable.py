"""Timetable rules for a bid notice: announcement period, closing time and the hourly cap.

Sources: koneps-rules §2.5 and addendum Q1 (minimum announcement periods and how days are counted),
koneps-rules §2.6 (closing on the hour, 10:00-17:00 on working days, at most 1,500 closings per hour).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from jangter.kernel.calendar import WorkingCalendar, seoul_date, to_seoul
from jangter.kernel.errors import DomainError
from jangter.kernel.procurement import Category
from jangter.rules.domain import GapCounting, Ruled, RuleSet


def minimum_announcement_days(
    rules: RuleSet,
    category: Category,
    estimated_price: int,
    *,
    reannouncement: bool = False,
    negotiated: bool = False,
) -> Ruled[int]:
    """The shortest period a notice must be public before its deadline (koneps-rules §2.5, addendum Q1)."""
    periods = rules.announcement
    if negotiated and not reannouncement:
        return Ruled(
            rules.negotiated.proposal_days,
            "negotiated.proposal_days",
            rules.version,
            "koneps-rules-addendum Q1 (협상에 의한 계약: 제안서 제출마감 40일 전 공고, 시행령 §43)",
        )
    if reannouncement:
        return Ruled(
            periods.reannouncement_days,
            "announcement.reannouncement_days",
            rules.version,
            "koneps-rules-addendum Q1 (재공고 5일)",
        )
    if category is Category.WORKS:
        for tier in periods.works_tiers:
            if tier.below is None or estimated_price < tier.below:
                days = max(tier.days, periods.general_days)
                return Ruled(
                    days,
                    "announcement.works_tiers",
                    rules.version,
                    "koneps-rules §2.5, addendum Q1 (공사 추정가격별)",
                )
    return Ruled(
        periods.general_days,
        "announcement.general_days",
        rules.version,
        "koneps-rules §2.5 (시행령 §35, 7일)",
    )


def check_announcement_period(
    rules: RuleSet,
    *,
    published_at: datetime,
    deadline: datetime,
    category: Category,
    estimated_price: int,
    reannouncement: bool = False,
    negotiated: bool = False,
) -> Ruled[int]:
    """Refuse a deadline that leaves less than the minimum announcement period.

    Days are calendar days in Seoul. With ``exclusive`` counting the day before the deadline is day 1, so a
    7-day rule needs the notice out by deadline − 8 days (deadline on the 20th → notice by the 12th).
    """
    minimum = minimum_announcement_days(
        rules, category, estimated_price, reannouncement=reannouncement, negotiated=negotiated
    )
    gap = (seoul_date(deadline) - seoul_date(published_at)).days
    needed = minimum.value + (1 if rules.announcement.gap_counting is GapCounting.EXCLUSIVE else 0)
    if gap < needed:
        earliest = seoul_date(published_at) + timedelta(days=needed)
        raise DomainError(
            "announcement_period_too_short",
            f"공고기간이 부족합니다: 최소 {minimum.value}일(공고일 다음 날부터 마감 전날까지)이 필요하므로 "
            f"마감일은 {earliest.isoformat()} 이후여야 합니다.",
            f"The announcement period is too short: at least {minimum.value} days are required, so the "
            f"deadline must be on or after {earliest.isoformat()}.",
            field="deadline_at",
        )
    return minimum


def check_closing_time(rules: RuleSet, deadline: datetime, calendar: WorkingCalendar) -> None:
    """The deadline must be on the hour, between 10:00 and 17:00 Seoul time, on a working day (§2.6)."""
    local = to_seoul(deadline)
    closing = rules.closing
    if closing.on_the_hour and (local.minute, local.second, local.microsecond) != (0, 0, 0):
        raise DomainError(
            "deadline_not_on_the_hour",
            "입찰 마감시각은 정시(예: 10:00, 11:00)여야 합니다.",
            "The bid deadline must be on the hour (for example 10:00 or 11:00).",
            field="deadline_at",
        )
    if not closing.earliest_hour <= local.hour <= closing.latest_hour or (
        local.hour == closing.latest_hour and local.minute > 0
    ):
        raise DomainError(
            "deadline_outside_hours",
            f"입찰 마감시각은 {closing.earliest_hour:02d}:00부터 {closing.latest_hour:02d}:00 사이여야 합니다.",
            f"The bid deadline must be between {closing.earliest_hour:02d}:00 and "
            f"{closing.latest_hour:02d}:00 (Seoul time).",
            field="deadline_at",
        )
    if closing.working_days_only and not calendar.is_working_day(local.date()):
        holiday = calendar.holiday_name(local.date())
        reason_ko = f"공휴일({holiday})" if holiday else "주말"
        reason_en = f"a public holiday ({holiday})" if holiday else "a weekend"
        raise DomainError(
            "deadline_not_working_day",
            f"입찰 마감일이 {reason_ko}입니다. 근무일로 정하십시오.",
            f"The bid deadline falls on {reason_en}; choose a working day.",
            field="deadline_at",
        )


def closing_hour(deadline: datetime) -> datetime:
    """The hour a deadline belongs to for the hourly cap (its own value when on the hour)."""
    return deadline.replace(minute=0, second=0, microsecond=0)


def hourly_cap_reached(rules: RuleSet, closings_in_hour: int) -> bool:
    cap = rules.closing.max_closings_per_hour
    return cap is not None and closings_in_hour >= cap


def hourly_cap_error(rules: RuleSet, deadline: datetime) -> DomainError:
    local = to_seoul(deadline)
    cap = rules.closing.max_closings_per_hour
    return DomainError(
        "deadline_hour_full",
        f"{local:%Y-%m-%d %H:00}에 마감하는 공고가 이미 {cap:,}건입니다. 다른 시각을 선택하십시오.",
        f"{cap:,} notices already close at {local:%Y-%m-%d %H:00}; choose another hour.",
        field="deadline_at",
        status=409,
    )


@dataclass(frozen=True)
class Timetable:
    bid_start_at: datetime
    deadline_at: datetime
    opening_at: datetime


def check_sequence(timetable: Timetable, now: datetime) -> None:
    """Bidding opens no earlier than now, closes after it opens, and the opening is at or after the close."""
    if timetable.deadline_at <= now:
        raise DomainError(
            "deadline_in_past",
            "입찰 마감시각이 이미 지났습니다.",
            "The bid deadline is already in the past.",
            field="deadline_at",
        )
    if timetable.bid_start_at >= timetable.deadline_at:
        raise DomainError(
            "bid_start_after_deadline",
            "입찰 개시시각은 마감시각보다 앞서야 합니다.",
            "Bidding must start before the deadline.",
            field="bid_start_at",
        )
    if timetable.opening_at < timetable.deadline_at:
        raise DomainError(
            "opening_before_deadline",
            "개찰시각은 입찰 마감시각 이후여야 합니다.",
            "The opening must be at or after the bid deadline.",
            field="opening_at",
        )
