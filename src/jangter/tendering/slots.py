"""The hourly closing load, kept exact under concurrency (koneps-rules §2.6: at most 1,500 per hour).

Taking a place is one atomic upsert that succeeds only below the cap, on both engines, so two officers
publishing at once can never push an hour past the cap.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from jangter.tendering.domain.timetable import closing_hour
from jangter.tendering.orm import DeadlineSlot


def take_place(session: Session, deadline: datetime, cap: int | None) -> bool:
    """Count one more notice closing in ``deadline``'s hour; ``False`` (and no change) if the hour is full."""
    hour = closing_hour(deadline)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    where = None if cap is None else DeadlineSlot.closings < cap
    statement = (
        insert(DeadlineSlot)
        .values(hour=hour, closings=1)
        .on_conflict_do_update(
            index_elements=[DeadlineSlot.hour],
            set_={"closings": DeadlineSlot.closings + 1},
            where=where,
        )
        .returning(DeadlineSlot.closings)
    )
    return session.execute(statement).scalar_one_or_none() is not None


def release_place(session: Session, deadline: datetime) -> None:
    session.execute(
        update(DeadlineSlot)
        .where(DeadlineSlot.hour == closing_hour(deadline), DeadlineSlot.closings > 0)
        .values(closings=DeadlineSlot.closings - 1)
    )
