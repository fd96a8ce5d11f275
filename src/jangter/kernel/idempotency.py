"""``Idempotency-Key`` on creating POSTs (draft-ietf-httpapi-idempotency-key-header).

The key is claimed in the same transaction that creates the resource, under a unique constraint on
(principal, scope, key). A retry with the same key and the same request gets the original resource back; the
same key with a different request is refused. Two concurrent requests with one key: the second waits on the
constraint and then replays the first.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from jangter.kernel.db import Base, BigIntPK, UTCDateTime
from jangter.kernel.errors import DomainError

MAX_KEY_LENGTH = 200


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_record"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    principal_id: Mapped[int] = mapped_column(BigInteger)
    scope: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    request_hash: Mapped[str] = mapped_column(String(64))
    resource_type: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("principal_id", "scope", "key"),)


@dataclass(frozen=True)
class IdempotencyClaim:
    principal_id: int
    scope: str
    key: str
    request_hash: str


def request_fingerprint(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def check_key(key: str) -> str:
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise DomainError(
            "idempotency_key_invalid",
            f"Idempotency-Key는 1~{MAX_KEY_LENGTH}자의 인쇄 가능한 문자여야 합니다.",
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters.",
            field="Idempotency-Key",
            status=400,
        )
    return key


def find(session: Session, claim: IdempotencyClaim) -> IdempotencyRecord | None:
    """The earlier use of this key, or ``None``. A different request under the same key is refused."""
    found = session.scalars(
        select(IdempotencyRecord).where(
            IdempotencyRecord.principal_id == claim.principal_id,
            IdempotencyRecord.scope == claim.scope,
            IdempotencyRecord.key == claim.key,
        )
    ).one_or_none()
    if found is not None and found.request_hash != claim.request_hash:
        raise DomainError(
            "idempotency_key_reused",
            "같은 Idempotency-Key로 다른 요청을 보냈습니다. 새 요청에는 새 키를 쓰십시오.",
            "This Idempotency-Key was used for a different request; use a new key for a new request.",
            field="Idempotency-Key",
            status=422,
        )
    return found


def remember(session: Session, claim: IdempotencyClaim, *, resource_type: str, resource_id: str, at: datetime) -> None:
    session.add(
        IdempotencyRecord(
            principal_id=claim.principal_id,
            scope=claim.scope,
            key=claim.key,
            request_hash=claim.request_hash,
            resource_type=resource_type,
            resource_id=resource_id,
            created_at=at,
        )
    )
