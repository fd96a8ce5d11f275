"""협상에 의한 계약: the notice's technical terms, proposals, evaluators' sheets, the close of the technical evaluation
and the negotiation entries (koneps-rules §4).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 16:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluation_sheet",
        sa.Column("notice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("evaluator_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "items", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["evaluator_id"], ["person.id"], name=op.f("fk_evaluation_sheet_evaluator_id_person")),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["organisation.id"], name=op.f("fk_evaluation_sheet_firm_id_organisation")
        ),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_evaluation_sheet_notice_id_notice")),
        sa.PrimaryKeyConstraint("notice_id", "round", "evaluator_id", "firm_id", name=op.f("pk_evaluation_sheet")),
    )
    op.create_table(
        "proposal",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("notice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["firm_id"], ["organisation.id"], name=op.f("fk_proposal_firm_id_organisation")),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_proposal_notice_id_notice")),
        sa.ForeignKeyConstraint(["submitted_by"], ["person.id"], name=op.f("fk_proposal_submitted_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal")),
        sa.UniqueConstraint("notice_id", "round", "firm_id", name=op.f("uq_proposal_notice_id_round_firm_id")),
    )
    op.create_table(
        "technical_evaluation",
        sa.Column("notice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("rule_set_version", sa.String(length=200), nullable=False),
        sa.Column("technical_max", sa.Numeric(precision=7, scale=3), nullable=False),
        sa.Column("differential_step", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column(
            "evaluators", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["closed_by"], ["person.id"], name=op.f("fk_technical_evaluation_closed_by_person")),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_technical_evaluation_notice_id_notice")),
        sa.PrimaryKeyConstraint("notice_id", "round", name=op.f("pk_technical_evaluation")),
    )
    op.create_table(
        "negotiation_entry",
        sa.Column("notice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("proposal_sha256", sa.String(length=64), nullable=False),
        sa.Column("raw_technical", sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column("technical", sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("bid_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("price_score", sa.Numeric(precision=9, scale=4), nullable=True),
        sa.Column("total", sa.Numeric(precision=9, scale=4), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(["bid_id"], ["bid.id"], name=op.f("fk_negotiation_entry_bid_id_bid")),
        sa.ForeignKeyConstraint(["decided_by"], ["person.id"], name=op.f("fk_negotiation_entry_decided_by_person")),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["organisation.id"], name=op.f("fk_negotiation_entry_firm_id_organisation")
        ),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_negotiation_entry_notice_id_notice")),
        sa.PrimaryKeyConstraint("notice_id", "round", "firm_id", name=op.f("pk_negotiation_entry")),
    )
    op.add_column("notice", sa.Column("software_project", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("notice", sa.Column("differential_step", sa.Numeric(precision=5, scale=2), nullable=True))
    op.add_column(
        "notice",
        sa.Column(
            "technical_items",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
    )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:  # the bid deadline trigger names ``notice`` (see migration 0004)
        op.execute("PRAGMA legacy_alter_table = ON")
    with op.batch_alter_table("notice") as batch_op:
        batch_op.drop_column("technical_items")
        batch_op.drop_column("differential_step")
        batch_op.drop_column("software_project")
    if sqlite:
        op.execute("PRAGMA legacy_alter_table = OFF")
    op.drop_table("negotiation_entry")
    op.drop_table("technical_evaluation")
    op.drop_table("proposal")
    op.drop_table("evaluation_sheet")
