"""Tables of the planning context: the agencies' order plans (발주계획), item by item."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
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
