"""Tables of the helpdesk: tickets (inquiries and error reports), their messages and attachment, the operators'
canned answers, and the FAQ built from answered inquiries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jangter.kernel.db import Base, BigIntPK, UTCDateTime


class Ticket(Base):
    """One inquiry or error report, from anyone: its reporter, what it is about, its state and its timers."""

    __tablename__ = "helpdesk_ticket"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)  # HD26-0000001
    kind: Mapped[str] = mapped_column(String(16))  # TicketKind
    category: Mapped[str] = mapped_column(String(16))  # TicketCategory
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    page_url: Mapped[str | None] = mapped_column(String(500))
    notice_number: Mapped[str | None] = mapped_column(ForeignKey("notice.number"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)  # None: not signed in
    reporter_name: Mapped[str] = mapped_column(String(100))
    reporter_email: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(16))  # TicketStatus
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response_due: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the answer owed now; None when none is
    first_response_due: Mapped[datetime] = mapped_column(UTCDateTime())
    resolution_due: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rule_set_version: Mapped[str] = mapped_column(String(200))  # the service levels it was filed under

    __table_args__ = (
        Index("ix_helpdesk_ticket_filed_at", "filed_at"),
        Index("ix_helpdesk_ticket_queue", "status", "response_due"),
    )


class TicketAttachment(Base):
    """The file a reporter attached (at most one per ticket, 5 MB), kept apart so that lists never load it."""

    __tablename__ = "helpdesk_attachment"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("helpdesk_ticket.id"), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class TicketMessage(Base):
    """What was written on a ticket after filing: the reporter's replies, the operators' answers (the reporter
    sees them) and internal notes (operators only)."""

    __tablename__ = "helpdesk_message"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("helpdesk_ticket.id"))
    kind: Mapped[str] = mapped_column(String(16))  # reply | answer | note
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))  # None: the reporter without an account
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_helpdesk_message_ticket", "ticket_id", "id"),)


class CannedAnswer(Base):
    """A prepared answer the operators pick from and adapt (상용 답변)."""

    __tablename__ = "helpdesk_canned"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(16))  # TicketCategory, or None for any
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[int] = mapped_column(ForeignKey("person.id"))


class FaqEntry(Base):
    """A question and its answer for everyone, made by an operator from an answered inquiry (edited to remove
    personal data)."""

    __tablename__ = "helpdesk_faq"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("helpdesk_ticket.id"), unique=True)
    category: Mapped[str] = mapped_column(String(16))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
