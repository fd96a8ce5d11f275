"""E-government programmes, their projects and the order-plan items each is bought through, briefing sessions and
their questions and answers (issue #9 point 3).

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-24 07:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programme",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("budget", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"], name=op.f("fk_programme_created_by_person")),
        sa.ForeignKeyConstraint(["owner_id"], ["organisation.id"], name=op.f("fk_programme_owner_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme")),
    )
    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programme_year"), ["year"], unique=False)

    op.create_table(
        "briefing",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stream_url", sa.String(length=500), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("projects", sa.String(length=200), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"], name=op.f("fk_briefing_created_by_person")),
        sa.ForeignKeyConstraint(["programme_id"], ["programme.id"], name=op.f("fk_briefing_programme_id_programme")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefing")),
    )
    with op.batch_alter_table("briefing", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_briefing_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "programme_project",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("budget", sa.BigInteger(), nullable=False),
        sa.Column("service_type", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("continuing", sa.Boolean(), nullable=False),
        sa.Column("multi_year", sa.Boolean(), nullable=False),
        sa.Column("technologies", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programme.id"], name=op.f("fk_programme_project_programme_id_programme")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_project")),
        sa.UniqueConstraint("programme_id", "seq", name=op.f("uq_programme_project_programme_id_seq")),
    )
    op.create_table(
        "briefing_question",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("briefing_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("project", sa.Integer(), nullable=True),
        sa.Column("asked_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("asker_org", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("answer_seq", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["answered_by"], ["person.id"], name=op.f("fk_briefing_question_answered_by_person")),
        sa.ForeignKeyConstraint(["asked_by"], ["person.id"], name=op.f("fk_briefing_question_asked_by_person")),
        sa.ForeignKeyConstraint(
            ["asker_org"], ["organisation.id"], name=op.f("fk_briefing_question_asker_org_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["briefing_id"], ["briefing.id"], name=op.f("fk_briefing_question_briefing_id_briefing")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefing_question")),
        sa.UniqueConstraint("briefing_id", "seq", name=op.f("uq_briefing_question_briefing_id_seq")),
    )
    with op.batch_alter_table("briefing_question", schema=None) as batch_op:
        batch_op.create_index("ix_briefing_question_answers", ["briefing_id", "answer_seq"], unique=False)

    op.create_table(
        "programme_project_plan",
        sa.Column("project_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("order_plan", sa.String(length=13), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_plan"], ["order_plan.number"], name=op.f("fk_programme_project_plan_order_plan_order_plan")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["programme_project.id"],
            name=op.f("fk_programme_project_plan_project_id_programme_project"),
        ),
        sa.PrimaryKeyConstraint("project_id", "order_plan", name=op.f("pk_programme_project_plan")),
    )


def downgrade() -> None:
    op.drop_table("programme_project_plan")
    with op.batch_alter_table("briefing_question", schema=None) as batch_op:
        batch_op.drop_index("ix_briefing_question_answers")

    op.drop_table("briefing_question")
    op.drop_table("programme_project")
    with op.batch_alter_table("briefing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_briefing_programme_id"))

    op.drop_table("briefing")
    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_year"))

    op.drop_table("programme")
