"""Tables of the bidding context: bids, sealed until the opening."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
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

from jangter.kernel.db import Base, BigIntPK, JSONType, UTCDateTime


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
    payload_format: Mapped[str] = mapped_column(String(16))  # "envelope-v1"
    suite: Mapped[str] = mapped_column(String(16))  # p256 | pq
    key_id: Mapped[str] = mapped_column(String(16))  # the firm signing key that signed the envelope
    signature: Mapped[bytes] = mapped_column(LargeBinary)
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
    #: Where the bid.received event sits in the public log (set by the integrator; None until then).
    log_index: Mapped[int | None] = mapped_column(BigInteger, index=True)
    #: Where the bid came from (koneps-rules §1.4: one bid per device and per IP address in a tender).
    client_ip: Mapped[str | None] = mapped_column(String(45))
    device_id: Mapped[str | None] = mapped_column(String(64))
    #: The bidder's own passkey signature over this sealed bid (challenge = its SHA-256), when made in a browser.
    person_signature: Mapped[dict[str, str] | None] = mapped_column(JSONType)

    __table_args__ = (
        UniqueConstraint("notice_id", "round", "firm_id"),
        Index("ix_bid_notice_round", "notice_id", "round"),
        Index("ix_bid_origin_ip", "notice_id", "round", "client_ip"),
        Index("ix_bid_origin_device", "notice_id", "round", "device_id"),
        # A bid is written once and updated once at its opening: half-empty pages let PostgreSQL update every
        # bid of the round in place (HOT), without touching the six indexes (migration 0003).
        {"postgresql_with": {"fillfactor": 50}},
    )


class OpeningKey(Base):
    """The public half of a bidding round's opening key, its committee, and the sealed preliminary prices."""

    __tablename__ = "opening_key"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), primary_key=True)
    round: Mapped[int] = mapped_column(Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    p256: Mapped[bytes] = mapped_column(LargeBinary)
    pq_mlkem: Mapped[bytes] = mapped_column(LargeBinary)
    pq_x25519: Mapped[bytes] = mapped_column(LargeBinary)
    pq_allowed: Mapped[bool] = mapped_column(Boolean)
    quorum: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    price_commitment: Mapped[str] = mapped_column(String(64))
    sealed_prices: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OpeningShare(Base):
    """One committee member's share of a round's opening key, encrypted to that member's committee key."""

    __tablename__ = "opening_share"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), primary_key=True)
    round: Mapped[int] = mapped_column(Integer, primary_key=True)
    share_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    encrypted: Mapped[bytes] = mapped_column(LargeBinary)
