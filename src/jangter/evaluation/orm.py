"""Tables of the evaluation context: preliminary prices and the record of each opening."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jangter.kernel.db import Base, BigIntPK, JSONType, UTCDateTime


class PreliminaryPrice(Base):
    """One of the 15 preliminary prices of a bidding round. Shown to nobody before the opening."""

    __tablename__ = "preliminary_price"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), primary_key=True)
    round: Mapped[int] = mapped_column(Integer, primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1..15
    amount: Mapped[int] = mapped_column(BigInteger)
    pick_count: Mapped[int | None] = mapped_column(Integer)  # filled at the opening
    drawn: Mapped[bool | None] = mapped_column(Boolean)  # among the 4 averaged


class Opening(Base):
    """The opening of one bidding round (개찰) and, later, its award (낙찰자 결정)."""

    __tablename__ = "opening"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"))
    round: Mapped[int] = mapped_column(Integer)
    notice_order: Mapped[int] = mapped_column(Integer)
    rule_set_version: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    bid_count: Mapped[int] = mapped_column(Integer)
    valid_bid_count: Mapped[int] = mapped_column(Integer)
    failure_reason: Mapped[str | None] = mapped_column(String(32))
    reserve_price: Mapped[int | None] = mapped_column(BigInteger)
    floor_rate: Mapped[Decimal | None] = mapped_column(Numeric(7, 3))
    floor_rate_rule: Mapped[str | None] = mapped_column(String(300))
    floor_price: Mapped[int | None] = mapped_column(BigInteger)
    a_value: Mapped[int] = mapped_column(BigInteger, default=0)
    tie_break_seed: Mapped[str | None] = mapped_column(String(64))
    reserve_tie_broken: Mapped[bool] = mapped_column(Boolean, default=False)
    winner_bid_id: Mapped[int | None] = mapped_column(ForeignKey("bid.id"))
    price_nonce: Mapped[str | None] = mapped_column(String(64))  # revealed at the opening
    slot_seed: Mapped[str | None] = mapped_column(String(64))  # seeds the slot ↔ price permutation
    committee_present: Mapped[list[str] | None] = mapped_column(JSONType)
    awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    awarded_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: The contract deposit due, from the rule set in force on the award day (koneps-rules §5; addendum Q6, Q8).
    award_rule_set_version: Mapped[str | None] = mapped_column(String(200))
    contract_deposit_rate: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    contract_deposit: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (UniqueConstraint("notice_id", "round"),)


class PrivateContract(Base):
    """수의계약 after a failed tender, on its original terms, when the rules in force allow it (시행령 §27)."""

    __tablename__ = "private_contract"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), unique=True)
    round: Mapped[int] = mapped_column(Integer)  # the failed round it follows
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    price_cap: Mapped[int] = mapped_column(BigInteger)  # the original price it may not exceed
    reason: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(String(400))  # the rule, version and source that allowed it
    rule_set_version: Mapped[str] = mapped_column(String(200))  # in force on the day it was decided
    contract_deposit_rate: Mapped[Decimal] = mapped_column(Numeric(6, 3))
    contract_deposit: Mapped[int] = mapped_column(BigInteger)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
