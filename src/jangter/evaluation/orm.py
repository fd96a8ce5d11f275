"""Tables of the evaluation context: preliminary prices and the record of each opening."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
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


class ReviewScore(Base):
    """적격심사: the non-price points the agency entered for one bid (the price score is computed from the bid)."""

    __tablename__ = "review_score"

    bid_id: Mapped[int] = mapped_column(ForeignKey("bid.id"), primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    items: Mapped[dict[str, str]] = mapped_column(JSONType)  # item key → points, as decimal strings
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    entered_by: Mapped[int] = mapped_column(ForeignKey("person.id"))


class TechnicalProposal(Base):
    """협상에 의한 계약: a firm's technical proposal (제안서) for one bidding round. It is not sealed: the evaluation
    committee reads it after the deadline, before any price is opened; its SHA-256 goes into the public log when
    the technical evaluation closes."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"))
    round: Mapped[int] = mapped_column(Integer)
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_by: Mapped[int] = mapped_column(ForeignKey("person.id"))

    __table_args__ = (UniqueConstraint("notice_id", "round", "firm_id"),)


class EvaluationSheet(Base):
    """One evaluator's points for one proposal, item by item; final once submitted."""

    __tablename__ = "evaluation_sheet"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), primary_key=True)
    round: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    items: Mapped[dict[str, str]] = mapped_column(JSONType)  # item name → points, as decimal strings
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TechnicalEvaluation(Base):
    """The close of a round's technical evaluation: after it, no sheet changes and the prices may be opened."""

    __tablename__ = "technical_evaluation"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), primary_key=True)
    round: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_set_version: Mapped[str] = mapped_column(String(200))
    technical_max: Mapped[Decimal] = mapped_column(Numeric(7, 3))
    differential_step: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    evaluators: Mapped[list[str]] = mapped_column(JSONType)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_by: Mapped[int] = mapped_column(ForeignKey("person.id"))


class NegotiationEntry(Base):
    """One firm of a negotiated round: technical scores (raw and differential), then at the opening its price
    score, total and negotiation rank, then the outcome of negotiating with it."""

    __tablename__ = "negotiation_entry"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), primary_key=True)
    round: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    proposal_sha256: Mapped[str] = mapped_column(String(64))
    raw_technical: Mapped[Decimal] = mapped_column(Numeric(9, 4))  # techEvlNaturVal
    technical: Mapped[Decimal] = mapped_column(Numeric(9, 4))  # techEvlVal (after 차등점수제)
    eligible: Mapped[bool] = mapped_column(Boolean)  # ≥ 85 % of the technical maximum
    bid_id: Mapped[int | None] = mapped_column(ForeignKey("bid.id"))
    price_score: Mapped[Decimal | None] = mapped_column(Numeric(9, 4))
    total: Mapped[Decimal | None] = mapped_column(Numeric(9, 4))
    rank: Mapped[int | None] = mapped_column(Integer)  # 협상순위 (opengRank)
    outcome: Mapped[str | None] = mapped_column(String(16))  # agreed · broken
    outcome_note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
