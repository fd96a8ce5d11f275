"""The bidder's own passkey signature over a sealed bid (the assertion whose challenge is the bid's SHA-256).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ALTER (no table rebuild on SQLite: the bid table carries the deadline trigger of migration 0001).
    op.add_column(
        "bid",
        sa.Column(
            "person_signature",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
    )


def downgrade() -> None:
    op.drop_column("bid", "person_signature")
