"""API tokens limited to scopes (read, bid, manage, account).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23 18:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("login_session", sa.Column("scopes", sa.String(length=100), nullable=True))


def downgrade() -> None:
    op.drop_column("login_session", "scopes")
