"""Inspection and payment deadlines (시행령 §55, §58; koneps-rules §6; addendum Q6, Q8).

Inspection: within N days of the contractor's completion notice, the first day not counted (Civil Code), so the
last day is the notice day + N. Payment: within N days of a valid claim, counted the same way; whether holidays
count is not settled ([U] addendum Q8), so the rule set says (``deadlines.payment_working_days``).
"""

from __future__ import annotations

from datetime import date, timedelta

from jangter.kernel.calendar import WorkingCalendar
from jangter.rules.domain import Ruled, RuleSet


def inspection_due(rules: RuleSet, completion_notice: date) -> Ruled[date]:
    due = completion_notice + timedelta(days=rules.deadlines.inspection_days)
    return rules.ruled(due, "deadlines.inspection_days", rules.deadlines.source)


def payment_due(rules: RuleSet, calendar: WorkingCalendar, claim: date) -> Ruled[date]:
    days = rules.deadlines.payment_days
    if not rules.deadlines.payment_working_days:
        return rules.ruled(claim + timedelta(days=days), "deadlines.payment_days", rules.deadlines.source)
    day = claim
    while days:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            days -= 1
    return rules.ruled(day, "deadlines.payment_days", rules.deadlines.source)
