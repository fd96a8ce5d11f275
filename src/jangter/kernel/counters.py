"""Gap-free-enough serial numbers (notice numbers) from a counter row updated atomically, and the next number of a
row within its parent (an opinion of a pre-specification, a claim of a contract), taken under the parent's lock."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ColumnElement, String, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Mapped, Session, mapped_column

from jangter.kernel.db import Base


class Counter(Base):
    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


def next_value(session: Session, name: str) -> int:
    """Increment and return the counter (creating it at 1). Concurrent callers queue on the row lock."""
    result = session.execute(
        update(Counter).where(Counter.name == name).values(value=Counter.value + 1).returning(Counter.value)
    ).scalar_one_or_none()
    if result is not None:
        return result
    nested = session.begin_nested()
    try:
        session.add(Counter(name=name, value=1))
        session.flush()
        nested.commit()
        return 1
    except IntegrityError:
        nested.rollback()
        return session.execute(
            update(Counter).where(Counter.name == name).values(value=Counter.value + 1).returning(Counter.value)
        ).scalar_one()


def current_value(session: Session, name: str) -> int:
    return session.scalar(select(Counter.value).where(Counter.name == name)) or 0


def next_seq(session: Session, column: InstrumentedAttribute[int], parent: ColumnElement[bool]) -> int:
    """1, 2, … within a parent: one more than the highest ``column`` of the parent's rows. The caller holds the
    parent's row lock, so two callers cannot take the same number."""
    highest: Any = session.scalar(select(func.max(column)).where(parent))
    return int(highest or 0) + 1
