"""Inspection and payment (issue #8 point 3): delivery reports with their inspection, payment claims with their payment
order and its hand-over to the bank channel.

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-24 02:32:19.135963
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "delivery_report",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("contract_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("inspection_due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("inspected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("inspected_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"], name=op.f("fk_delivery_report_contract_id_contract")),
        sa.ForeignKeyConstraint(["inspected_by"], ["person.id"], name=op.f("fk_delivery_report_inspected_by_person")),
        sa.ForeignKeyConstraint(["reported_by"], ["person.id"], name=op.f("fk_delivery_report_reported_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_report")),
        sa.UniqueConstraint("contract_id", "seq", name=op.f("uq_delivery_report_contract_id_seq")),
    )
    with op.batch_alter_table("delivery_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_report_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delivery_report_inspection_due"), ["inspection_due"], unique=False)

    op.create_table(
        "payment_claim",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("contract_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("delivery_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("gross", sa.BigInteger(), nullable=False),
        sa.Column("advance_returned", sa.BigInteger(), nullable=False),
        sa.Column("net", sa.BigInteger(), nullable=False),
        sa.Column("invoice_number", sa.String(length=40), nullable=False),
        sa.Column("invoice_issued_on", sa.Date(), nullable=False),
        sa.Column("supply_amount", sa.BigInteger(), nullable=False),
        sa.Column("vat", sa.BigInteger(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("payment_due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("transfer_reference", sa.String(length=80), nullable=True),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["claimed_by"], ["person.id"], name=op.f("fk_payment_claim_claimed_by_person")),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"], name=op.f("fk_payment_claim_contract_id_contract")),
        sa.ForeignKeyConstraint(
            ["delivery_id"], ["delivery_report.id"], name=op.f("fk_payment_claim_delivery_id_delivery_report")
        ),
        sa.ForeignKeyConstraint(["paid_by"], ["person.id"], name=op.f("fk_payment_claim_paid_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_claim")),
        sa.UniqueConstraint("contract_id", "seq", name=op.f("uq_payment_claim_contract_id_seq")),
        sa.UniqueConstraint("delivery_id", name=op.f("uq_payment_claim_delivery_id")),
        sa.UniqueConstraint("transfer_reference", name=op.f("uq_payment_claim_transfer_reference")),
    )
    with op.batch_alter_table("payment_claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_claim_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_claim_payment_due"), ["payment_due"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("payment_claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_claim_payment_due"))
        batch_op.drop_index(batch_op.f("ix_payment_claim_contract_id"))

    op.drop_table("payment_claim")
    with op.batch_alter_table("delivery_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_report_inspection_due"))
        batch_op.drop_index(batch_op.f("ix_delivery_report_contract_id"))

    op.drop_table("delivery_report")
