"""Bid bonds (issue #8 point 2): a notice takes the bid bond as a payment undertaking (지급각서) or as a guarantee
asked before the bid; a bid-bond guarantee belongs to its notice, not to a contract; a winner that never signed owes
the bond of its undertaking.

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-24 04:44:41.654190
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bid_bond_forfeit", sa.BigInteger(), nullable=True))

    with op.batch_alter_table("guarantee", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True))
        batch_op.alter_column(
            "contract_id", existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        )
        batch_op.create_index("ix_guarantee_bid_bond", ["notice_id", "firm_id", "kind", "status"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_guarantee_notice_id_notice"), "notice", ["notice_id"], ["id"])

    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bid_bond", sa.String(length=16), server_default="undertaking", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_column("bid_bond")

    with op.batch_alter_table("guarantee", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_guarantee_notice_id_notice"), type_="foreignkey")
        batch_op.drop_index("ix_guarantee_bid_bond")
        batch_op.alter_column(
            "contract_id", existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        )
        batch_op.drop_column("notice_id")

    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_column("bid_bond_forfeit")
