"""Incidents and the postponement of deadlines they cause, as pure functions (koneps-rules §2.6; issue #9 point 5).

Under the KONEPS terms of use, when the system fails every notice whose deadline falls in the outage or within
2 hours after recovery is postponed (``incidents.grace_hours``). After the 2025 data-centre fire every postponed
tender kept at least 48 hours of bidding (``incidents.min_remaining_hours``). The new deadline also obeys the
load-shaping rule of 2024-02-21: on the hour, between 10:00 and 17:00 on a working day, at most 1,500 closings in
any hour (``closing``). The opening moves with the deadline, keeping the time between them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from jangter.kernel.calendar import SEOUL, WorkingCalendar, to_seoul
from jangter.kernel.errors import FieldProblem, ValidationProblems
from jangter.rules.domain import RuleSet

HOUR = timedelta(hours=1)
TITLE_MAX = 200


class Function(StrEnum):
    """What stopped working."""

    BIDDING = "bidding"  # 입찰서 제출
    OPENING = "opening"  # 개찰
    SEARCH = "search"  # 검색
    SIGN_IN = "sign_in"  # 로그인·인증
    CONTRACTS = "contracts"  # 계약·보증
    PAYMENTS = "payments"  # 대금 지급
    WHOLE = "whole"  # 시스템 전체


FUNCTION_LABELS: dict[Function, tuple[str, str]] = {
    Function.BIDDING: ("입찰서 제출", "Bid submission"),
    Function.OPENING: ("개찰", "Bid opening"),
    Function.SEARCH: ("검색", "Search"),
    Function.SIGN_IN: ("로그인·인증", "Sign-in and authentication"),
    Function.CONTRACTS: ("계약·보증", "Contracts and guarantees"),
    Function.PAYMENTS: ("대금 지급", "Payments"),
    Function.WHOLE: ("시스템 전체", "The whole system"),
}

#: An outage of these stops firms from bidding, so deadlines in it are postponed; a search outage alone does not
#: (the notices can still be read and bid on), though the operator may still postpone by hand.
POSTPONING = frozenset({Function.BIDDING, Function.SIGN_IN, Function.WHOLE})


@dataclass(frozen=True)
class DraftIncident:
    title: str
    started_at: datetime
    ended_at: datetime | None
    functions: frozenset[Function]
    description: str = ""


def check_incident(draft: DraftIncident, now: datetime) -> None:
    problems: list[FieldProblem] = []
    if not draft.title.strip():
        problems.append(
            FieldProblem("title", "title_required", "장애 제목을 입력하십시오.", "Give the incident a title.")
        )
    elif len(draft.title.strip()) > TITLE_MAX:
        problems.append(FieldProblem("title", "title_too_long", f"{TITLE_MAX}자까지입니다.", f"At most {TITLE_MAX}."))
    if draft.started_at > now:
        problems.append(
            FieldProblem("started_at", "incident_in_future", "이미 시작된 장애만 등록합니다.", "It must have started.")
        )
    problems.extend(_end_problems(draft.started_at, draft.ended_at, now))
    if not draft.functions:
        problems.append(
            FieldProblem("functions", "functions_required", "장애가 난 기능을 고르십시오.", "Choose what failed.")
        )
    if problems:
        raise ValidationProblems(problems)


def _end_problems(started_at: datetime, ended_at: datetime | None, now: datetime) -> list[FieldProblem]:
    if ended_at is None:
        return []
    if ended_at <= started_at:
        return [
            FieldProblem(
                "ended_at", "recovery_before_start", "복구 시각은 시작 뒤여야 합니다.", "Recovery follows the start."
            )
        ]
    if ended_at > now:
        return [
            FieldProblem("ended_at", "recovery_in_future", "복구 시각이 아직 오지 않았습니다.", "Not recovered yet.")
        ]
    return []


def check_recovery(started_at: datetime, ended_at: datetime, now: datetime) -> None:
    problems = _end_problems(started_at, ended_at, now)
    if problems:
        raise ValidationProblems(problems)


def window_end(ended_at: datetime, rules: RuleSet) -> datetime:
    """The last deadline that is postponed: the recovery plus the grace period (2 hours)."""
    return ended_at + timedelta(hours=rules.incidents.grace_hours)


def affected(deadline: datetime, started_at: datetime, ended_at: datetime, rules: RuleSet) -> bool:
    """The deadline fell in the outage or within the grace period after recovery (§2.6)."""
    return started_at <= deadline <= window_end(ended_at, rules)


def earliest_deadline(old_deadline: datetime, recovered_at: datetime, rules: RuleSet) -> datetime:
    """No earlier than the minimum bidding window after recovery, and later than the old deadline."""
    return max(old_deadline + HOUR, recovered_at + timedelta(hours=rules.incidents.min_remaining_hours))


def next_closing_slot(at: datetime, rules: RuleSet, calendar: WorkingCalendar) -> datetime:
    """The first closing time at or after ``at`` that the closing rules allow (§2.6): on the hour, between the
    earliest and latest hour, on a working day."""
    closing = rules.closing
    local = to_seoul(at)
    if closing.on_the_hour and (local.minute, local.second, local.microsecond) != (0, 0, 0):
        local = local.replace(minute=0, second=0, microsecond=0) + HOUR
    for _ in range(24 * 60):  # two months of hours: more than any run of holidays
        day_ok = not closing.working_days_only or calendar.is_working_day(local.date())
        minutes = local.hour * 60 + local.minute
        if day_ok and closing.earliest_hour * 60 <= minutes <= closing.latest_hour * 60:
            return local
        if day_ok and minutes < closing.earliest_hour * 60:
            local = local.replace(hour=closing.earliest_hour, minute=0, second=0, microsecond=0)
            continue
        following = (local + timedelta(days=1)).date()
        local = datetime(following.year, following.month, following.day, closing.earliest_hour, tzinfo=SEOUL)
    raise AssertionError("no closing slot in two months")  # a calendar without working days


@dataclass(frozen=True)
class Affected:
    number: str
    deadline: datetime
    opening: datetime
    rules: RuleSet  # in force on the recovery day, for the notice's jurisdiction


@dataclass(frozen=True)
class Move:
    number: str
    old_deadline: datetime
    new_deadline: datetime
    old_opening: datetime
    new_opening: datetime
    rule_set_version: str


def plan(
    notices: list[Affected],
    recovered_at: datetime,
    calendar: WorkingCalendar,
    closings: Callable[[datetime], int],
) -> list[Move]:
    """New dates for each affected notice, earliest deadline first. ``closings(hour)`` counts the notices already
    closing in an hour (the hourly cap); the moves planned here count too."""
    planned: dict[datetime, int] = {}
    moves = []
    for notice in sorted(notices, key=lambda n: (n.deadline, n.number)):
        rules = notice.rules
        cap = rules.closing.max_closings_per_hour
        slot = next_closing_slot(earliest_deadline(notice.deadline, recovered_at, rules), rules, calendar)
        while cap is not None and closings(slot) + planned.get(slot, 0) >= cap:
            slot = next_closing_slot(slot + HOUR, rules, calendar)
        planned[slot] = planned.get(slot, 0) + 1
        moves.append(
            Move(
                number=notice.number,
                old_deadline=notice.deadline,
                new_deadline=slot,
                old_opening=notice.opening,
                new_opening=slot + (notice.opening - notice.deadline),
                rule_set_version=rules.version,
            )
        )
    return moves
