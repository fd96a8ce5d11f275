"""The e-mail outbox: a message is written in the same transaction as the act it reports, so it exists exactly
when the act happened; a worker pass sends what is due over SMTP and retries with back-off while the mail server
is away, so nothing is lost. Each row is sent until one attempt succeeds: a crash between the SMTP "OK" and the
commit can send it again, with the same Message-ID (at-least-once; receivers can recognise the repeat).
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from jangter.kernel.context import AppContext
from jangter.kernel.db import Base, BigIntPK, UTCDateTime

log = logging.getLogger("jangter.mail")

MAX_BACKOFF = timedelta(hours=1)


class OutboxMail(Base):
    __tablename__ = "outbox_mail"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # one message per event, however often enqueued
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (Index("ix_outbox_mail_due", "sent_at", "next_attempt_at"),)


def enqueue(session: Session, *, key: str, to: str, subject: str, body: str, at: datetime) -> bool:
    """Queue a message in the caller's transaction; a key already queued is left as it is (returns False)."""
    if session.scalar(select(OutboxMail.id).where(OutboxMail.key == key)) is not None:
        return False
    session.add(
        OutboxMail(
            key=key,
            to_addr=to,
            subject=subject[:300],
            body=body,
            created_at=at,
            attempts=0,
            next_attempt_at=at,
            size=len(body.encode()),
        )
    )
    return True


def _message_id(row: OutboxMail, sender: str) -> str:
    domain = sender.rpartition("@")[2] or "jangter.local"
    return f"<outbox-{row.id}@{domain}>"


def deliver_due(ctx: AppContext, limit: int = 50) -> tuple[int, int]:
    """Send the messages that are due; returns (sent, failed this pass). Without a mailer nothing is sent."""
    if ctx.mailer is None:
        return 0, 0
    now = ctx.clock.now()
    with ctx.db.reading() as session:
        due = session.scalars(
            select(OutboxMail.id)
            .where(OutboxMail.sent_at.is_(None), OutboxMail.next_attempt_at <= now)
            .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
            .limit(limit)
        ).all()
    sent = failed = 0
    for mail_id in due:
        with ctx.uow() as uow:
            query = select(OutboxMail).where(OutboxMail.id == mail_id, OutboxMail.sent_at.is_(None))
            if ctx.db.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)  # another worker has it
            row = uow.session.scalars(query).one_or_none()
            if row is None:
                continue
            try:
                ctx.mailer.send(row.to_addr, row.subject, row.body, _message_id(row, ctx.mailer.sender))
            except (OSError, smtplib.SMTPException) as exc:
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:500]
                row.next_attempt_at = now + min(timedelta(minutes=2 ** min(row.attempts, 10)), MAX_BACKOFF)
                failed += 1
                log.warning("mail %s to %s not sent (attempt %d): %s", row.id, row.to_addr, row.attempts, exc)
            else:
                row.attempts += 1
                row.sent_at = ctx.clock.now()
                sent += 1
            uow.commit()
    if sent or failed:
        log.info("mail: %d sent, %d to retry", sent, failed)
    return sent, failed
