"""Closing a contract (issue #8 points 2 and 3): the signing deadline, termination, the defect guarantee's work type,
guarantees released or claimed, and the delay penalty deducted from the final payment.

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-24 04:15:52.774640
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sign_by", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("defect_class", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("terminated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("terminated_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True)
        )
        batch_op.add_column(sa.Column("termination_fault", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("termination_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_contract_terminated_by_person"), "person", ["terminated_by"], ["id"])

    with op.batch_alter_table("guarantee", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True))
        batch_op.add_column(sa.Column("close_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_guarantee_closed_by_person"), "person", ["closed_by"], ["id"])

    with op.batch_alter_table("payment_claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("days_late", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("delay_penalty", sa.BigInteger(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("payment_claim", schema=None) as batch_op:
        batch_op.drop_column("delay_penalty")
        batch_op.drop_column("days_late")

    with op.batch_alter_table("guarantee", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_guarantee_closed_by_person"), type_="foreignkey")
        batch_op.drop_column("close_reason")
        batch_op.drop_column("closed_by")
        batch_op.drop_column("closed_at")

    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_contract_terminated_by_person"), type_="foreignkey")
        batch_op.drop_column("termination_reason")
        batch_op.drop_column("termination_fault")
        batch_op.drop_column("terminated_by")
        batch_op.drop_column("terminated_at")
        batch_op.drop_column("defect_class")
        batch_op.drop_column("sign_by")
