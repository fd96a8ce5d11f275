"""Counts of tickets by Seoul day, category and kind, for the statistics dashboard and the operators' queue
(issue #9 point 4): how many inquiries and error reports came in, about what, each day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from jangter.helpdesk.domain import DayCount, count_by_day
from jangter.helpdesk.orm import Ticket
from jangter.kernel.calendar import SEOUL
from jangter.kernel.context import AppContext


def counts_by_category_and_day(ctx: AppContext, start: date, end: date) -> list[DayCount]:
    """Tickets filed from ``start`` to ``end`` (Seoul days, both included) as rows of (day, category, kind, count),
    sorted by day, then category, then kind; a day, category and kind with no ticket has no row. Times are stored in
    UTC: a ticket filed at 23:30 UTC counts on the next Seoul day."""
    if end < start:
        return []
    since = datetime(start.year, start.month, start.day, tzinfo=SEOUL)
    until = datetime(end.year, end.month, end.day, tzinfo=SEOUL) + timedelta(days=1)
    with ctx.db.reading() as session:
        rows = session.execute(
            select(Ticket.filed_at, Ticket.category, Ticket.kind).where(
                Ticket.filed_at >= since, Ticket.filed_at < until
            )
        ).all()
    return count_by_day((at, category, kind) for at, category, kind in rows)
