"""Tables of the payments context: delivery reports with their inspection, and payment claims with their payment."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jangter.kernel.db import Base, BigIntPK, UTCDateTime


class DeliveryReport(Base):
    """납품·준공 신고 and its 검사: the firm reports, the agency's inspector passes or fails it by the due day."""

    __tablename__ = "delivery_report"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    final: Mapped[bool] = mapped_column(Boolean)  # 준공 (the whole contract) rather than a part (기성)
    description: Mapped[str] = mapped_column(Text)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reported_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    inspection_due: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16))  # reported | passed | failed
    inspected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    inspected_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    reasons: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("contract_id", "seq"),)


class PaymentClaim(Base):
    """대가 청구 and its payment: advance, progress or final, with the electronic tax invoice's data."""

    __tablename__ = "payment_claim"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_report.id"), unique=True)
    gross: Mapped[int] = mapped_column(BigInteger)  # the work (or the advance) claimed for
    advance_returned: Mapped[int] = mapped_column(BigInteger)
    days_late: Mapped[int] = mapped_column(Integer, server_default="0")  # the completion reported after the end
    delay_penalty: Mapped[int] = mapped_column(BigInteger, server_default="0")  # 지체상금 deducted (final payment)
    net: Mapped[int] = mapped_column(BigInteger)  # what is paid out
    invoice_number: Mapped[str] = mapped_column(String(40))  # 전자세금계산서 승인번호
    invoice_issued_on: Mapped[date] = mapped_column(Date)
    supply_amount: Mapped[int] = mapped_column(BigInteger)
    vat: Mapped[int] = mapped_column(BigInteger)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    payment_due: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16))  # claimed | paid
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    transfer_reference: Mapped[str | None] = mapped_column(String(80), unique=True)
    exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # handed to the bank channel

    __table_args__ = (UniqueConstraint("contract_id", "seq"),)


class Subcontract(Base):
    """하도급 계약 registered by the prime: the subcontractor, what it does, for how much, and whether the three
    parties agreed that the agency pays it directly (하도급대금 직접지급)."""

    __tablename__ = "subcontract"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)  # R26TA00000001-S01
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    scope: Mapped[str] = mapped_column(Text)
    amount: Mapped[int] = mapped_column(BigInteger)
    direct_payment: Mapped[bool] = mapped_column(Boolean)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registered_by: Mapped[int] = mapped_column(ForeignKey("person.id"))


class PaymentShare(Base):
    """One part of a claim's payment: to the prime, a subcontractor, labour or materials (하도급지킴이)."""

    __tablename__ = "payment_share"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("payment_claim.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(16))
    subcontract_id: Mapped[int | None] = mapped_column(ForeignKey("subcontract.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    direct: Mapped[bool] = mapped_column(Boolean)  # paid by the agency straight to the subcontractor
    pass_on_due: Mapped[date | None] = mapped_column(Date)  # set at payment when the prime passes it on
    passed_on_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
