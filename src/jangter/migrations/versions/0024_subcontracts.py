"""Subcontractors (issue #8 point 4): subcontracts registered by the prime, and the split of each payment between the
prime, subcontractors, labour and materials, with direct payment and pass-on tracking.

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-24 02:42:45.891715
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "subcontract",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("contract_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("direct_payment", sa.Boolean(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"], name=op.f("fk_subcontract_contract_id_contract")),
        sa.ForeignKeyConstraint(["firm_id"], ["organisation.id"], name=op.f("fk_subcontract_firm_id_organisation")),
        sa.ForeignKeyConstraint(["registered_by"], ["person.id"], name=op.f("fk_subcontract_registered_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subcontract")),
        sa.UniqueConstraint("number", name=op.f("uq_subcontract_number")),
    )
    with op.batch_alter_table("subcontract", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subcontract_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_subcontract_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "payment_share",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("recipient", sa.String(length=16), nullable=False),
        sa.Column("subcontract_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("direct", sa.Boolean(), nullable=False),
        sa.Column("pass_on_due", sa.Date(), nullable=True),
        sa.Column("passed_on_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["payment_claim.id"], name=op.f("fk_payment_share_claim_id_payment_claim")
        ),
        sa.ForeignKeyConstraint(
            ["subcontract_id"], ["subcontract.id"], name=op.f("fk_payment_share_subcontract_id_subcontract")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_share")),
    )
    with op.batch_alter_table("payment_share", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_share_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_share_subcontract_id"), ["subcontract_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("payment_share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_share_subcontract_id"))
        batch_op.drop_index(batch_op.f("ix_payment_share_claim_id"))

    op.drop_table("payment_share")
    with op.batch_alter_table("subcontract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subcontract_firm_id"))
        batch_op.drop_index(batch_op.f("ix_subcontract_contract_id"))

    op.drop_table("subcontract")
