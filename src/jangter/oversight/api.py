"""The audit trail over the API (operators and auditors; read-only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel

from jangter.oversight.queries import PAGE, TrailFilter, audit_trail
from jangter.web.http import ApiActor, Ctx

router = APIRouter(prefix="/api/v1/audit", tags=["oversight"])


class AuditEntryOut(BaseModel):
    id: int
    at: AwareDatetime
    actor: str
    actor_person_id: int | None
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None


class AuditPageOut(BaseModel):
    items: list[AuditEntryOut]
    next_before: int | None


@router.get("", response_model=AuditPageOut, summary="The audit trail, newest first (operators and auditors)")
def get_audit_trail(
    ctx: Ctx,
    actor: ApiActor,
    entity_type: str | None = Query(default=None, max_length=32),
    entity_id: str | None = Query(default=None, max_length=64),
    action: str | None = Query(default=None, max_length=64, description='Exact, or a prefix ending in "."'),
    before: int | None = Query(default=None, ge=1, description="next_before of the previous page"),
    limit: int = Query(default=PAGE, ge=1, le=500),
) -> AuditPageOut:
    page = audit_trail(ctx, actor, TrailFilter(entity_type, entity_id, action, before, limit))
    return AuditPageOut(items=[AuditEntryOut(**vars(e)) for e in page.entries], next_before=page.next_before)
