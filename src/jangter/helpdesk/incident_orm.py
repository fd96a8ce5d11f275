"""Tables of incidents: the outages operators declare, and each deadline postponed because of one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jangter.kernel.db import Base, BigIntPK, UTCDateTime


class Incident(Base):
    """장애: an outage window (ongoing while ``ended_at`` is empty) and what stopped working."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    functions: Mapped[str] = mapped_column(String(200))  # Function values, comma-separated
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # recovery
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime())
    declared_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    runs: Mapped[int] = mapped_column(Integer, default=0)  # postponement runs so far


class Postponement(Base):
    """One notice's dates moved by one run of an incident's postponement (the notice shows it)."""

    __tablename__ = "postponement"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"))
    run: Mapped[int] = mapped_column(Integer)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), index=True)
    old_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    new_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    old_opening: Mapped[datetime] = mapped_column(UTCDateTime())
    new_opening: Mapped[datetime] = mapped_column(UTCDateTime())
    reopened: Mapped[bool] = mapped_column(Boolean)  # it had closed in the outage and takes bids again
    rule_set_version: Mapped[str] = mapped_column(String(200))
    notified: Mapped[int] = mapped_column(Integer, default=0)  # people told by e-mail
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_postponement_incident", "incident_id", "run"),)
