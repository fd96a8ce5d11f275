"""The security log (who, when, where, what) and where each bid came from (client address and device), for the
one-bid-per-device-and-address rule of koneps-rules §1.4.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 17:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "security_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("org_id", sa.BigInteger(), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("device", sa.String(length=64), nullable=True),
        sa.Column("subject", sa.String(length=100), nullable=True),
        sa.Column(
            "detail", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_security_event_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_event")),
    )
    with op.batch_alter_table("security_event", schema=None) as batch_op:
        batch_op.create_index("ix_security_event_at", ["at"], unique=False)
        batch_op.create_index("ix_security_event_kind_at", ["kind", "at"], unique=False)

    # Plain ALTERs (no table rebuild on SQLite: the bid table carries the deadline trigger of migration 0001).
    op.add_column("bid", sa.Column("client_ip", sa.String(length=45), nullable=True))
    op.add_column("bid", sa.Column("device_id", sa.String(length=64), nullable=True))
    op.create_index("ix_bid_origin_device", "bid", ["notice_id", "round", "device_id"], unique=False)
    op.create_index("ix_bid_origin_ip", "bid", ["notice_id", "round", "client_ip"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_bid_origin_ip", table_name="bid")
    op.drop_index("ix_bid_origin_device", table_name="bid")
    op.drop_column("bid", "device_id")  # SQLite ≥ 3.35 drops a column in place
    op.drop_column("bid", "client_ip")

    with op.batch_alter_table("security_event", schema=None) as batch_op:
        batch_op.drop_index("ix_security_event_kind_at")
        batch_op.drop_index("ix_security_event_at")

    op.drop_table("security_event")
