"""Contracts (issue #8): contracts, the signed versions of their document, and document-signing certificates
(ADR 0010).

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-24 01:52:46.420293
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "document_certificate",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("der", sa.LargeBinary(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("not_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_document_certificate_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_certificate")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_document_certificate_fingerprint")),
    )
    with op.batch_alter_table("document_certificate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_certificate_person_id"), ["person_id"], unique=False)

    op.create_table(
        "contract",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=13), nullable=False),
        sa.Column("notice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("deliverables", sa.Text(), nullable=False),
        sa.Column("rule_set_version", sa.String(length=200), nullable=False),
        sa.Column("deposit_rate", sa.Numeric(precision=6, scale=3), nullable=False),
        sa.Column("deposit", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["organisation.id"], name=op.f("fk_contract_agency_id_organisation")),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"], name=op.f("fk_contract_created_by_person")),
        sa.ForeignKeyConstraint(["firm_id"], ["organisation.id"], name=op.f("fk_contract_firm_id_organisation")),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_contract_notice_id_notice")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract")),
        sa.UniqueConstraint("notice_id", name=op.f("uq_contract_notice_id")),
        sa.UniqueConstraint("number", name=op.f("uq_contract_number")),
    )
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contract_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contract_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "contract_version",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("contract_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("unsigned_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("drafted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("drafted_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("supplier_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("supplier_signed_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("agency_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("agency_signed_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_signed_by"], ["person.id"], name=op.f("fk_contract_version_agency_signed_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_contract_version_contract_id_contract")
        ),
        sa.ForeignKeyConstraint(["drafted_by"], ["person.id"], name=op.f("fk_contract_version_drafted_by_person")),
        sa.ForeignKeyConstraint(
            ["supplier_signed_by"], ["person.id"], name=op.f("fk_contract_version_supplier_signed_by_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_version")),
        sa.UniqueConstraint("contract_id", "version", name=op.f("uq_contract_version_contract_id_version")),
    )
    with op.batch_alter_table("contract_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contract_version_contract_id"), ["contract_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("contract_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_version_contract_id"))

    op.drop_table("contract_version")
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_firm_id"))
        batch_op.drop_index(batch_op.f("ix_contract_agency_id"))

    op.drop_table("contract")
    with op.batch_alter_table("document_certificate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_certificate_person_id"))

    op.drop_table("document_certificate")
