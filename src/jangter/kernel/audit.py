"""The audit trail: every state change records who, when, what, and the values before and after.

Records are written in the same transaction as the change, so there is never a change without its record.
Sealed content never goes into a record: a bid's record holds its hash, not its amount.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, cast

from sqlalchemy import ForeignKey, Index, String, Table, Text, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from jangter.kernel.db import Base, BigIntPK, JSONType, UTCDateTime


class AuditRecord(Base):
    __tablename__ = "audit_record"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    actor_label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_audit_record_entity", "entity_type", "entity_id", "id"),)


@dataclass(frozen=True)
class AuditActor:
    person_id: int | None
    label: str


SYSTEM = AuditActor(None, "system")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, as JSON-ready values."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: _plain(before.get(k)) for k in keys}, {k: _plain(after[k]) for k in keys}


def record(
    session: Session,
    *,
    at: datetime,
    actor: AuditActor,
    action: str,
    entity_type: str,
    entity_id: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """Write one audit record now, in the caller's transaction (a prepared Core insert: audits are on hot paths)."""
    session.connection().execute(
        _INSERT,
        {
            "at": at,
            "actor_person_id": actor.person_id,
            "actor_label": actor.label,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "before": _plain(before) if before is not None else None,
            "after": _plain(after) if after is not None else None,
            "reason": reason,
        },
    )


_INSERT = insert(cast(Table, AuditRecord.__table__))
