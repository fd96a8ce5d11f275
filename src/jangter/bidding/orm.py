"""Tables of the bidding context: bids, sealed until the opening."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from jangter.kernel.db import Base, BigIntPK, UTCDateTime


class Bid(Base):
    __tablename__ = "bid"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    #: The receipt number the bidder sees: random, so no bid can be found by guessing.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"))
    round: Mapped[int] = mapped_column(Integer)
    notice_order: Mapped[int] = mapped_column(Integer)  # the 차수 in force when the bid was received
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the database clock at insert
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    payload_format: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    # Filled at the opening, never before:
    amount: Mapped[int | None] = mapped_column(BigInteger)
    pick_1: Mapped[int | None] = mapped_column(Integer)
    pick_2: Mapped[int | None] = mapped_column(Integer)
    rate: Mapped[Decimal | None] = mapped_column(Numeric(8, 3))
    standing: Mapped[str | None] = mapped_column(String(16))
    rank: Mapped[int | None] = mapped_column(Integer)
    invalid_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("notice_id", "round", "firm_id"),
        Index("ix_bid_notice_round", "notice_id", "round"),
    )
