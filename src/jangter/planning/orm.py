"""Tables of the planning context: the agencies' order plans (발주계획), item by item."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jangter.kernel.db import Base, BigIntPK, UTCDateTime


class OrderPlan(Base):
    """One item of an agency's order plan: what it means to buy, in which quarter, for about how much."""

    __tablename__ = "order_plan"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(13), unique=True)  # 발주계획통합번호 R26DD00000001
    agency_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)  # 1-4
    month: Mapped[int | None] = mapped_column(Integer)  # 발주월, when the agency knows it
    title: Mapped[str] = mapped_column(String(300))  # 사업명
    category: Mapped[str] = mapped_column(String(16))
    contract_method: Mapped[str] = mapped_column(String(32))
    amount: Mapped[int] = mapped_column(BigInteger)  # 발주예정금액 (won)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))  # published | withdrawn
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdraw_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_order_plan_period", "year", "quarter", "id"),
        Index("ix_order_plan_agency", "agency_id", "year", "quarter"),
    )


class PreSpecification(Base):
    """사전규격: a draft specification published before the notice, open for the market's opinions until a deadline."""

    __tablename__ = "pre_specification"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(13), unique=True)  # 사전규격등록번호 R26BD00000001
    agency_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    order_plan: Mapped[str | None] = mapped_column(ForeignKey("order_plan.number"))
    title: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(16))
    estimated_price: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(Boolean)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opinion_deadline: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # opninRgstClseDt
    rule_set_version: Mapped[str] = mapped_column(String(200))
    published_by: Mapped[int] = mapped_column(ForeignKey("person.id"))


class PreSpecOpinion(Base):
    """A firm's opinion on a pre-specification, and the agency's answer (both public)."""

    __tablename__ = "pre_spec_opinion"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    pre_spec_id: Mapped[int] = mapped_column(ForeignKey("pre_specification.id"))
    seq: Mapped[int] = mapped_column(Integer)
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    filed_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    text: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replied_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    __table_args__ = (UniqueConstraint("pre_spec_id", "seq"),)
