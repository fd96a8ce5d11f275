"""Order plans (issue #9 point 1; koneps-rules §2.1): the agencies' plan items, and the item each notice is published
against. The notice's new column is added in place (no table rebuild on SQLite: other tables point at notice).

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-24 04:58:08.568061
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_plan",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=13), nullable=False),
        sa.Column("agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("contract_method", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdraw_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["organisation.id"], name=op.f("fk_order_plan_agency_id_organisation")),
        sa.ForeignKeyConstraint(["published_by"], ["person.id"], name=op.f("fk_order_plan_published_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_plan")),
        sa.UniqueConstraint("number", name=op.f("uq_order_plan_number")),
    )
    with op.batch_alter_table("order_plan", schema=None) as batch_op:
        batch_op.create_index("ix_order_plan_agency", ["agency_id", "year", "quarter"], unique=False)
        batch_op.create_index("ix_order_plan_period", ["year", "quarter", "id"], unique=False)

    if op.get_bind().dialect.name == "sqlite":  # ADD COLUMN … REFERENCES: SQLite takes it without a rebuild
        op.execute(
            "ALTER TABLE notice ADD COLUMN order_plan VARCHAR(13) "
            "CONSTRAINT fk_notice_order_plan_order_plan REFERENCES order_plan (number)"
        )
    else:
        op.add_column("notice", sa.Column("order_plan", sa.String(length=13), nullable=True))
        op.create_foreign_key("fk_notice_order_plan_order_plan", "notice", "order_plan", ["order_plan"], ["number"])
    op.create_index("ix_notice_order_plan", "notice", ["order_plan"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_notice_order_plan", table_name="notice")
    if op.get_bind().dialect.name == "sqlite":  # a column in a foreign key is dropped by rebuilding the table
        with op.batch_alter_table("notice") as batch_op:
            batch_op.drop_column("order_plan")
    else:
        op.drop_constraint("fk_notice_order_plan_order_plan", "notice", type_="foreignkey")
        op.drop_column("notice", "order_plan")

    with op.batch_alter_table("order_plan", schema=None) as batch_op:
        batch_op.drop_index("ix_order_plan_period")
        batch_op.drop_index("ix_order_plan_agency")

    op.drop_table("order_plan")
