"""Postponing deadlines after an outage, as pure rules (koneps-rules §2.6)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from jangter.helpdesk.incident_domain import Affected, affected, earliest_deadline, next_closing_slot, plan, window_end
from jangter.kernel.calendar import SEOUL, KoreanCalendar
from jangter.kernel.procurement import Jurisdiction
from jangter.rules.loader import load_rule_book

RULES = load_rule_book().in_force(Jurisdiction.NATIONAL, datetime(2026, 11, 24).date())
CALENDAR = KoreanCalendar()


def kst(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SEOUL)


def test_the_window_is_the_outage_and_two_hours_after_recovery() -> None:
    """§2.6: 'every notice whose deadline falls in the outage window or within 2 hours after recovery'."""
    start, end = kst(11, 23, 9, 19), kst(11, 23, 10, 21)  # the 2023-11-23 outage's times
    assert RULES.incidents.grace_hours == 2 and window_end(end, RULES) == kst(11, 23, 12, 21)
    assert affected(kst(11, 23, 10), start, end, RULES)
    assert affected(kst(11, 23, 12, 21), start, end, RULES)  # the last minute of the grace period
    assert not affected(kst(11, 23, 13), start, end, RULES)
    assert not affected(kst(11, 23, 9), start, end, RULES)  # before the outage: closed normally


def test_the_new_deadline_keeps_48_hours_and_is_later_than_the_old_one() -> None:
    """§2.6: after the 2025 fire every tender kept at least a 48-hour bidding window."""
    assert RULES.incidents.min_remaining_hours == 48
    recovered = kst(11, 23, 10, 21)
    assert earliest_deadline(kst(11, 23, 10), recovered, RULES) == kst(11, 25, 10, 21)
    no_minimum = replace(RULES, incidents=replace(RULES.incidents, min_remaining_hours=0))
    assert earliest_deadline(kst(11, 23, 12), recovered, no_minimum) == kst(11, 23, 13)  # still later than before


def test_a_closing_slot_is_on_the_hour_between_10_and_17_on_a_working_day() -> None:
    """§2.6 (from 2024-02-21): closing on the hour, 10:00-17:00, working days."""
    assert next_closing_slot(kst(11, 25, 10, 21), RULES, CALENDAR) == kst(11, 25, 11)
    assert next_closing_slot(kst(11, 25, 11), RULES, CALENDAR) == kst(11, 25, 11)  # already allowed
    assert next_closing_slot(kst(11, 25, 7, 30), RULES, CALENDAR) == kst(11, 25, 10)  # before 10:00
    assert next_closing_slot(kst(11, 25, 17, 1), RULES, CALENDAR) == kst(11, 26, 10)  # after 17:00
    assert next_closing_slot(kst(11, 27, 18), RULES, CALENDAR) == kst(11, 30, 10)  # Friday evening → Monday
    assert next_closing_slot(kst(12, 24, 17, 30), RULES, CALENDAR) == kst(12, 28, 10)  # Christmas, then a weekend


def test_the_plan_moves_the_opening_with_the_deadline_and_respects_the_hourly_cap() -> None:
    """§2.6: at most 1,500 notices close in any hour; here a cap of 2 shows the overflow into the next hour."""
    capped = replace(RULES, closing=replace(RULES.closing, max_closings_per_hour=2))
    notices = [
        Affected(f"R26BK0000000{i}", kst(11, 23, 10) + timedelta(minutes=i), kst(11, 23, 11 + i), capped)
        for i in range(5)
    ]
    taken = {kst(11, 25, 11): 1}  # one notice already closes at 11:00
    moves = plan(list(reversed(notices)), kst(11, 23, 10, 21), CALENDAR, lambda hour: taken.get(hour, 0))
    assert [m.number for m in moves] == [n.number for n in notices]  # earliest old deadline first
    assert [m.new_deadline for m in moves] == [
        kst(11, 25, 11),
        kst(11, 25, 12),
        kst(11, 25, 12),
        kst(11, 25, 13),
        kst(11, 25, 13),
    ]
    for notice, move in zip(notices, moves, strict=True):
        assert move.new_opening - move.new_deadline == notice.opening - notice.deadline
        assert move.old_deadline == notice.deadline and move.rule_set_version == RULES.version
