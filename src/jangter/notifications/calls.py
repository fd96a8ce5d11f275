"""Calls to outside systems (guarantee institutions) through an outbox: the call is written in the transaction of
the act that needs it, and the worker makes it over HTTP, retrying with back-off while the other side is away, so
nothing is lost and the act never waits for the other system. Each call is made until one attempt gets an answer
that says it was taken (2xx); the receiver recognises a repeat by the call's key (at-least-once, idempotent)."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

import httpx2 as httpx
from sqlalchemy import Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from jangter.kernel.context import AppContext
from jangter.kernel.db import Base, BigIntPK, UTCDateTime

log = logging.getLogger("jangter.calls")

MAX_BACKOFF = timedelta(minutes=30)
TIMEOUT_SECONDS = 10.0


class OutboxCall(Base):
    __tablename__ = "outbox_call"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # one call per event; sent as Idempotency-Key
    url: Mapped[str] = mapped_column(String(400))
    body: Mapped[str] = mapped_column(Text)  # JSON
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (Index("ix_outbox_call_due", "delivered_at", "next_attempt_at"),)


def enqueue(session: Session, *, key: str, url: str, body: dict[str, Any], at: datetime) -> bool:
    """Queue a call in the caller's transaction; a key already queued is left as it is (returns False)."""
    if session.scalar(select(OutboxCall.id).where(OutboxCall.key == key)) is not None:
        return False
    session.add(
        OutboxCall(key=key, url=url, body=json.dumps(body, ensure_ascii=False), created_at=at, next_attempt_at=at)
    )
    return True


def backoff(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s, … up to 30 minutes."""
    return min(MAX_BACKOFF, timedelta(seconds=10 * 2 ** max(0, attempts - 1)))


def deliver_due(ctx: AppContext, limit: int = 50) -> tuple[int, int]:
    """Make the calls that are due; returns (delivered, failed)."""
    now = ctx.clock.now()
    with ctx.db.reading() as session:
        due = session.execute(
            select(OutboxCall.id, OutboxCall.key, OutboxCall.url, OutboxCall.body)
            .where(OutboxCall.delivered_at.is_(None), OutboxCall.next_attempt_at <= now)
            .order_by(OutboxCall.next_attempt_at, OutboxCall.id)
            .limit(limit)
        ).all()
    delivered = failed = 0
    if not due:
        return 0, 0
    with httpx.Client(timeout=TIMEOUT_SECONDS) as client:
        for row in due:
            error = None
            try:
                response = client.post(
                    row.url,
                    content=row.body.encode(),
                    headers={"Content-Type": "application/json", "Idempotency-Key": row.key},
                )
                if not response.is_success:
                    error = f"HTTP {response.status_code}: {response.text[:300]}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"[:500]
            with ctx.uow() as uow:
                call = uow.session.get(OutboxCall, row.id)
                assert call is not None
                call.attempts += 1
                if error is None:
                    call.delivered_at = ctx.clock.now()
                    call.last_error = None
                    delivered += 1
                else:
                    call.last_error = error
                    call.next_attempt_at = ctx.clock.now() + backoff(call.attempts)
                    failed += 1
                    log.warning("call %s to %s failed (attempt %s): %s", row.key, row.url, call.attempts, error)
                uow.commit()
    return delivered, failed


def pending(session: Session, key: str) -> OutboxCall | None:
    return session.scalars(select(OutboxCall).where(OutboxCall.key == key)).one_or_none()
