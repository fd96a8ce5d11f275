"""Re-bids (재입찰 번호) and private contracts after failed tenders (수의계약, 시행령 §27).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("notice", sa.Column("rebid_no", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("notice", sa.Column("reannounced", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "private_contract",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("notice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("price_cap", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("rule", sa.String(length=400), nullable=False),
        sa.Column("rule_set_version", sa.String(length=200), nullable=False),
        sa.Column("contract_deposit_rate", sa.Numeric(precision=6, scale=3), nullable=False),
        sa.Column("contract_deposit", sa.BigInteger(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["decided_by"], ["person.id"], name=op.f("fk_private_contract_decided_by_person")),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["organisation.id"], name=op.f("fk_private_contract_firm_id_organisation")
        ),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_private_contract_notice_id_notice")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_private_contract")),
        sa.UniqueConstraint("notice_id", name=op.f("uq_private_contract_notice_id")),
    )


def downgrade() -> None:
    op.drop_table("private_contract")
    with op.batch_alter_table("notice") as batch:
        batch.drop_column("reannounced")
        batch.drop_column("rebid_no")
