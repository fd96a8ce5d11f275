"""The audit trail, newest first, filtered and paged by id (``before``), for operators and auditors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.kernel.audit import AuditRecord
from jangter.kernel.context import AppContext

PAGE = 100


@dataclass(frozen=True)
class TrailFilter:
    entity_type: str | None = None
    entity_id: str | None = None
    action: str | None = None  # exact, or a prefix ending in "." (e.g. "firm.")
    before: int | None = None  # records with a smaller id (the next page)
    limit: int = PAGE


@dataclass(frozen=True)
class TrailEntry:
    id: int
    at: datetime
    actor: str
    actor_person_id: int | None
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None


@dataclass(frozen=True)
class TrailPage:
    entries: list[TrailEntry]
    next_before: int | None  # pass as ``before`` for the next (older) page; None on the last page


def audit_trail(ctx: AppContext, actor: Actor | None, flt: TrailFilter) -> TrailPage:
    require_role(actor, Role.OPERATOR, Role.AUDITOR)
    limit = max(1, min(flt.limit, 500))
    query = select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit + 1)
    if flt.entity_type:
        query = query.where(AuditRecord.entity_type == flt.entity_type)
    if flt.entity_id:
        query = query.where(AuditRecord.entity_id == flt.entity_id)
    if flt.action:
        if flt.action.endswith("."):
            query = query.where(AuditRecord.action.startswith(flt.action, autoescape=True))
        else:
            query = query.where(AuditRecord.action == flt.action)
    if flt.before is not None:
        query = query.where(AuditRecord.id < flt.before)
    with ctx.db.reading() as session:
        rows = list(session.scalars(query))
    entries = [
        TrailEntry(
            r.id,
            r.at,
            r.actor_label,
            r.actor_person_id,
            r.action,
            r.entity_type,
            r.entity_id,
            r.before,
            r.after,
            r.reason,
        )
        for r in rows[:limit]
    ]
    return TrailPage(entries, entries[-1].id if len(rows) > limit else None)
