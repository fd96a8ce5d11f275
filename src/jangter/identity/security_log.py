"""The security log (ASVS 16.2.1, security.md AT-15): who, when, where and what, for every refusal and flag that
concerns identity — failed sign-ins and lockouts, CSRF refusals, passkey refusals, same-device or same-address
bids, stale step-ups. The operator reads it at ``/operator/security``.

An event about a refused request is written in its own transaction, so it survives the refusal's rollback.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.kernel.context import AppContext
from jangter.kernel.db import Base, BigIntPK, JSONType, UTCDateTime

log = logging.getLogger("jangter.security")


class Outcome(StrEnum):
    REFUSED = "refused"
    FLAGGED = "flagged"


class SecurityEvent(Base):
    __tablename__ = "security_event"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    org_id: Mapped[int | None] = mapped_column(BigInteger)
    ip: Mapped[str | None] = mapped_column(String(45))
    device: Mapped[str | None] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(100))  # a notice number, an e-mail, a path
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType)

    __table_args__ = (Index("ix_security_event_at", "at"), Index("ix_security_event_kind_at", "kind", "at"))


@dataclass(frozen=True)
class Where:
    """Where a request came from: the client address and the browser's device cookie (or an API client's header)."""

    ip: str | None = None
    device: str | None = None
    demo: bool = False  # the demo: one person plays several firms on one computer (refusals become flags)


def add(
    session: Session,
    *,
    at: datetime,
    kind: str,
    outcome: Outcome,
    where: Where | None = None,
    person_id: int | None = None,
    org_id: int | None = None,
    subject: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Record an event in the caller's transaction (it commits or rolls back with the act)."""
    where = where or Where()
    session.add(
        SecurityEvent(
            at=at,
            kind=kind,
            outcome=outcome.value,
            person_id=person_id,
            org_id=org_id,
            ip=where.ip,
            device=where.device,
            subject=(subject or "")[:100] or None,
            detail=detail or {},
        )
    )
    log.warning(
        "security %s %s person=%s org=%s ip=%s device=%s subject=%s %s",
        kind,
        outcome.value,
        person_id,
        org_id,
        where.ip,
        where.device,
        subject,
        detail or "",
    )


def record(ctx: AppContext, **fields: Any) -> None:
    """Record an event in its own transaction (for refusals, whose own transaction is rolled back)."""
    with ctx.uow() as uow:
        add(uow.session, at=ctx.clock.now(), **fields)
        uow.commit()


@dataclass(frozen=True)
class EventView:
    at: datetime
    kind: str
    outcome: str
    person: str | None
    org: str | None
    ip: str | None
    device: str | None
    subject: str | None
    detail: dict[str, Any]


def recent(ctx: AppContext, actor: Actor | None, *, kind: str | None = None, limit: int = 200) -> list[EventView]:
    """The latest events, newest first (operators and auditors)."""
    from jangter.identity.orm import Organisation, Person

    require_role(actor, Role.OPERATOR, Role.AUDITOR)
    query = (
        select(SecurityEvent, Person.name, Organisation.name)
        .outerjoin(Person, Person.id == SecurityEvent.person_id)
        .outerjoin(Organisation, Organisation.id == SecurityEvent.org_id)
        .order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc())
        .limit(limit)
    )
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    with ctx.db.reading() as session:
        return [
            EventView(e.at, e.kind, e.outcome, person, org, e.ip, e.device, e.subject, dict(e.detail))
            for e, person, org in session.execute(query).all()
        ]
