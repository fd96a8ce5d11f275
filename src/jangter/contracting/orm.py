"""Tables of the contracting context: contracts and the signed versions of their document."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Date,
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


class Contract(Base):
    """One contract (계약), from an award or a private contract; its terms in force are those of ``version``."""

    __tablename__ = "contract"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(13), unique=True)  # R26TA00000001
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), unique=True)
    round: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))  # award | private_contract
    agency_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24))
    version: Mapped[int] = mapped_column(Integer)  # the last version both have signed (0: none yet)
    amount: Mapped[int] = mapped_column(BigInteger)  # in force (the first version's until it is signed)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    deliverables: Mapped[str] = mapped_column(Text)
    rule_set_version: Mapped[str] = mapped_column(String(200))  # in force on the award day
    deposit_rate: Mapped[Decimal] = mapped_column(Numeric(6, 3))
    deposit: Mapped[int] = mapped_column(BigInteger)
    sign_by: Mapped[date | None] = mapped_column(Date)  # the award day + contracts.contract_days (None: before 0025)
    bid_bond_forfeit: Mapped[int | None] = mapped_column(BigInteger)  # owed under the 지급각서 (unsigned, default)
    defect_class: Mapped[str | None] = mapped_column(String(16))  # works: the defect guarantee's work type
    terminated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    terminated_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    termination_fault: Mapped[str | None] = mapped_column(String(16))  # firm | agreement
    termination_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ContractVersion(Base):
    """One version of the contract document (1: the contract; 2…: amendments), as a PDF signed by the supplier
    and then by the agency (PAdES, incremental: each signature covers everything before it)."""

    __tablename__ = "contract_version"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(24))
    amount: Mapped[int] = mapped_column(BigInteger)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)  # why the amendment
    pdf: Mapped[bytes] = mapped_column(LargeBinary)  # as signed so far
    unsigned_sha256: Mapped[str] = mapped_column(String(64))  # the document both parties were shown
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    drafted_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    supplier_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    supplier_signed_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    agency_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    agency_signed_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    __table_args__ = (UniqueConstraint("contract_id", "version"),)


class GuaranteeInstitution(Base):
    """A guarantee institution (보증기관): where its API is, and the key its messages are signed with."""

    __tablename__ = "guarantee_institution"

    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    api_url: Mapped[str] = mapped_column(String(300))
    public_key: Mapped[str] = mapped_column(String(100))  # Ed25519, base64
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Guarantee(Base):
    """An electronic guarantee asked for a contract (or, a bid bond, for a notice), as issued by its institution
    straight to Jangter."""

    __tablename__ = "guarantee"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)  # Jangter's: G26-…
    kind: Mapped[str] = mapped_column(String(24))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"), index=True)  # None: a bid bond
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"))  # a bid bond's notice
    firm_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    amount_required: Mapped[int] = mapped_column(BigInteger)
    cover_until: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    requested_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    institution_reference: Mapped[str | None] = mapped_column(String(64))
    amount: Mapped[int | None] = mapped_column(BigInteger)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    document: Mapped[str | None] = mapped_column(Text)  # the institution's signed message, as received
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # released or claimed
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))  # None: by Jangter at its moment
    close_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("institution_id", "institution_reference"),
        Index("ix_guarantee_bid_bond", "notice_id", "firm_id", "kind", "status"),
    )
