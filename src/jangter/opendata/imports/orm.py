"""Tables of the OCDS import: the batches (one per file), the releases and records kept (JSON, as imported), which
batch brought which item, and one summary row per external process (ocid) for lists and totals."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jangter.kernel.db import Base, BigIntPK, JSONType, UTCDateTime

AMOUNT = Numeric(24, 4)


class ImportBatch(Base):
    """One imported file: what it was, who imported it when, its counts and its report."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)  # the same file twice is one batch
    package_type: Mapped[str] = mapped_column(String(20))  # release_package | record_package | release | record
    ocds_version: Mapped[str | None] = mapped_column(String(20))
    publisher: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    #: the package's own fields (everything but its releases or records), for the export; None for a single item
    package_meta: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    items: Mapped[int] = mapped_column(Integer)
    kept: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    dropped: Mapped[int] = mapped_column(Integer)
    processes: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    imported_by: Mapped[str] = mapped_column(String(200))
    report: Mapped[dict[str, Any]] = mapped_column(JSONType)


class ExternalRelease(Base):
    """A release or record kept from another system, exactly as parsed (``document``)."""

    __tablename__ = "external_release"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    ocid: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(8))  # release | record
    item_key: Mapped[str] = mapped_column(String(500))  # the release id; "record:" and the digest for a record
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of the canonical JSON (packages.digest)
    document: Mapped[dict[str, Any]] = mapped_column(JSONType)
    first_batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"))

    __table_args__ = (UniqueConstraint("ocid", "kind", "item_key"),)


class ImportBatchItem(Base):
    """The kept item at ``position`` of a batch's file (new, or already there from an earlier file)."""

    __tablename__ = "import_batch_item"

    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("external_release.id"), index=True)


class ExternalProcess(Base):
    """One contracting process of another system (one ocid): the summary of its kept releases, read-only."""

    __tablename__ = "external_process"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    ocid: Mapped[str] = mapped_column(String(300), unique=True)
    source: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    first_batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"))
    last_batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"))
    title: Mapped[str | None] = mapped_column(Text)
    buyer_name: Mapped[str | None] = mapped_column(Text)
    procurement_method: Mapped[str | None] = mapped_column(Text)
    tender_status: Mapped[str | None] = mapped_column(Text)
    tender_amount: Mapped[Decimal | None] = mapped_column(AMOUNT)
    tender_currency: Mapped[str | None] = mapped_column(String(3))
    tender_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    tender_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    award_count: Mapped[int | None] = mapped_column(Integer)
    award_total: Mapped[Decimal | None] = mapped_column(AMOUNT)
    award_currency: Mapped[str | None] = mapped_column(String(3))
    awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    contract_count: Mapped[int | None] = mapped_column(Integer)
    contract_total: Mapped[Decimal | None] = mapped_column(AMOUNT)
    contract_currency: Mapped[str | None] = mapped_column(String(3))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_release_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    releases: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_external_process_source", "source", "country", "id"),)
