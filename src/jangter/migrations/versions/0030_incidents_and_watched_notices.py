"""Incidents (issue #9 point 5; koneps-rules §2.6): the outages operators declare and each deadline postponed because
of one; and the notices people watch (관심공고), who are told when a notice's dates move.

Revision ID: 0030
Revises: 0029
Create Date: 2026-11-24 07:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("functions", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("declared_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["declared_by"], ["person.id"], name=op.f("fk_incident_declared_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_started_at"), ["started_at"], unique=False)

    op.create_table(
        "notice_watch",
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("notice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_notice_watch_notice_id_notice")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_notice_watch_person_id_person")),
        sa.PrimaryKeyConstraint("person_id", "notice_id", name=op.f("pk_notice_watch")),
    )
    with op.batch_alter_table("notice_watch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_watch_notice_id"), ["notice_id"], unique=False)

    op.create_table(
        "postponement",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("run", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("old_deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("new_deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("old_opening", sa.DateTime(timezone=True), nullable=False),
        sa.Column("new_opening", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        sa.Column("rule_set_version", sa.String(length=200), nullable=False),
        sa.Column("notified", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], name=op.f("fk_postponement_incident_id_incident")),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_postponement_notice_id_notice")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postponement")),
    )
    with op.batch_alter_table("postponement", schema=None) as batch_op:
        batch_op.create_index("ix_postponement_incident", ["incident_id", "run"], unique=False)
        batch_op.create_index(batch_op.f("ix_postponement_notice_id"), ["notice_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("postponement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_postponement_notice_id"))
        batch_op.drop_index("ix_postponement_incident")

    op.drop_table("postponement")
    with op.batch_alter_table("notice_watch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_watch_notice_id"))

    op.drop_table("notice_watch")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_started_at"))

    op.drop_table("incident")
