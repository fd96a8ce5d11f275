"""Tables of the tendering context: notices, their 차수 history and the hourly closing load."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jangter.kernel.db import Base, BigIntPK, JSONType, UTCDateTime


class Notice(Base):
    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(13), unique=True)  # R26BK00000001
    order: Mapped[int] = mapped_column(Integer)  # 차수: 0 on registration, +1 per change or re-announcement
    kind: Mapped[str] = mapped_column(String(16))  # NoticeKind of the current 차수
    round: Mapped[int] = mapped_column(Integer)  # bidding round: 1, +1 per re-announcement or re-bid
    status: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(16))
    contract_method: Mapped[str] = mapped_column(String(32))
    agency_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    demand_agency_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    region: Mapped[str] = mapped_column(String(2))
    base_amount: Mapped[int] = mapped_column(BigInteger)  # 기초금액
    estimated_price: Mapped[int] = mapped_column(BigInteger)  # 추정가격
    a_value: Mapped[int] = mapped_column(BigInteger, default=0)  # A값 (works: mandatory costs)
    reserve_range_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 3))  # None: the rule set's range
    award_floor_rate: Mapped[Decimal | None] = mapped_column(Numeric(7, 3))  # None: derived from the rules
    bid_start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opening_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rule_set_version: Mapped[str | None] = mapped_column(String(200))
    committee_quorum: Mapped[int] = mapped_column(Integer, default=3)  # k of the k-of-n opening committee
    committee_size: Mapped[int] = mapped_column(Integer, default=5)  # n
    pq_allowed: Mapped[bool] = mapped_column(Boolean, default=True)  # bids may use the post-quantum suite
    bid_bond: Mapped[str] = mapped_column(String(16), server_default="undertaking")  # BidBond
    order_plan: Mapped[str | None] = mapped_column(ForeignKey("order_plan.number"), index=True)  # 발주계획 item
    pre_specification: Mapped[str | None] = mapped_column(ForeignKey("pre_specification.number"), index=True)
    award_method: Mapped[str] = mapped_column(String(32), default="qualification_review")  # AwardMethod
    # 협상에 의한 계약: software project (90 : 10), the 차등점수제 step (None: raw scores), [[name, points], …]
    software_project: Mapped[bool] = mapped_column(Boolean, default=False)
    differential_step: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    technical_items: Mapped[list[list[str]] | None] = mapped_column(JSONType)
    rebid_no: Mapped[int] = mapped_column(Integer, default=0)  # 재입찰 번호 (rbidNo): 0, then 1, 2 … per re-bid
    reannounced: Mapped[bool] = mapped_column(Boolean, default=False)  # the current tender is a 재공고입찰
    created_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    #: The earliest instant at which a time-driven transition is due (the chronograph pattern).
    next_check: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_notice_status_deadline", "status", "deadline_at"),
        Index("ix_notice_next_check", "next_check"),
        Index("ix_notice_published_at", "published_at"),
    )


class NoticeRevision(Base):
    """One row per 차수: what the notice said, and why it changed."""

    __tablename__ = "notice_revision"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), index=True)
    order: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int] = mapped_column(ForeignKey("person.id"))


class DeadlineSlot(Base):
    """How many live notices close in each hour (the 1,500-per-hour cap, koneps-rules §2.6)."""

    __tablename__ = "deadline_slot"

    hour: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    closings: Mapped[int] = mapped_column(Integer)
