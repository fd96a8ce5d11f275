"""The contract deposit due at the award, from the rule set in force on the award day.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("opening", sa.Column("award_rule_set_version", sa.String(length=200), nullable=True))
    op.add_column("opening", sa.Column("contract_deposit_rate", sa.Numeric(precision=6, scale=3), nullable=True))
    op.add_column("opening", sa.Column("contract_deposit", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("opening") as batch:
        batch.drop_column("contract_deposit")
        batch.drop_column("contract_deposit_rate")
        batch.drop_column("award_rule_set_version")
