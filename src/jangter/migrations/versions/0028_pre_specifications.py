"""Pre-specifications (issue #9 point 2; koneps-rules §2.2): draft specifications open for opinions, the firms'
opinions and the agency's answers, and the pre-specification a notice follows (added in place, as 0027 did).

Revision ID: 0028
Revises: 0027
Create Date: 2026-11-24 05:28:44.000193
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pre_specification",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=13), nullable=False),
        sa.Column("agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("order_plan", sa.String(length=13), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("estimated_price", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opinion_deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rule_set_version", sa.String(length=200), nullable=False),
        sa.Column("published_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["organisation.id"], name=op.f("fk_pre_specification_agency_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["order_plan"], ["order_plan.number"], name=op.f("fk_pre_specification_order_plan_order_plan")
        ),
        sa.ForeignKeyConstraint(["published_by"], ["person.id"], name=op.f("fk_pre_specification_published_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pre_specification")),
        sa.UniqueConstraint("number", name=op.f("uq_pre_specification_number")),
    )
    with op.batch_alter_table("pre_specification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pre_specification_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pre_specification_opinion_deadline"), ["opinion_deadline"], unique=False)

    op.create_table(
        "pre_spec_opinion",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("pre_spec_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("filed_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replied_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(["filed_by"], ["person.id"], name=op.f("fk_pre_spec_opinion_filed_by_person")),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["organisation.id"], name=op.f("fk_pre_spec_opinion_firm_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["pre_spec_id"], ["pre_specification.id"], name=op.f("fk_pre_spec_opinion_pre_spec_id_pre_specification")
        ),
        sa.ForeignKeyConstraint(["replied_by"], ["person.id"], name=op.f("fk_pre_spec_opinion_replied_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pre_spec_opinion")),
        sa.UniqueConstraint("pre_spec_id", "seq", name=op.f("uq_pre_spec_opinion_pre_spec_id_seq")),
    )
    if op.get_bind().dialect.name == "sqlite":  # ADD COLUMN … REFERENCES: no rebuild of the notice table
        op.execute(
            "ALTER TABLE notice ADD COLUMN pre_specification VARCHAR(13) "
            "CONSTRAINT fk_notice_pre_specification_pre_specification REFERENCES pre_specification (number)"
        )
    else:
        op.add_column("notice", sa.Column("pre_specification", sa.String(length=13), nullable=True))
        op.create_foreign_key(
            "fk_notice_pre_specification_pre_specification",
            "notice",
            "pre_specification",
            ["pre_specification"],
            ["number"],
        )
    op.create_index("ix_notice_pre_specification", "notice", ["pre_specification"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_notice_pre_specification", table_name="notice")
    if op.get_bind().dialect.name == "sqlite":  # a column in a foreign key is dropped by rebuilding the table
        with op.batch_alter_table("notice") as batch_op:
            batch_op.drop_column("pre_specification")
    else:
        op.drop_constraint("fk_notice_pre_specification_pre_specification", "notice", type_="foreignkey")
        op.drop_column("notice", "pre_specification")

    op.drop_table("pre_spec_opinion")
    with op.batch_alter_table("pre_specification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pre_specification_opinion_deadline"))
        batch_op.drop_index(batch_op.f("ix_pre_specification_agency_id"))

    op.drop_table("pre_specification")
