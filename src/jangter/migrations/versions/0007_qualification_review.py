"""적격심사: the award method of a notice and the non-price points entered for each reviewed bid.

Notices published before this migration were awarded to the lowest bid at or above the floor, so they keep that
method; new notices default to the qualification review.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "notice", sa.Column("award_method", sa.String(length=32), nullable=False, server_default="lowest_price")
    )
    op.create_table(
        "review_score",
        sa.Column("bid_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("notice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column(
            "items", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entered_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["bid_id"], ["bid.id"], name=op.f("fk_review_score_bid_id_bid")),
        sa.ForeignKeyConstraint(["entered_by"], ["person.id"], name=op.f("fk_review_score_entered_by_person")),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_review_score_notice_id_notice")),
        sa.PrimaryKeyConstraint("bid_id", name=op.f("pk_review_score")),
    )
    with op.batch_alter_table("review_score") as batch:
        batch.create_index(batch.f("ix_review_score_notice_id"), ["notice_id"], unique=False)


def downgrade() -> None:
    op.drop_table("review_score")
    with op.batch_alter_table("notice") as batch:
        batch.drop_column("award_method")
