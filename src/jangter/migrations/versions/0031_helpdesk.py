"""The helpdesk (issue #9 point 4): tickets (inquiries and error reports) with their messages and attachment, the
operators' canned answers, and the FAQ built from answered inquiries.

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-24 07:05:02.893869
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "helpdesk_canned",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["updated_by"], ["person.id"], name=op.f("fk_helpdesk_canned_updated_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_canned")),
    )
    op.create_table(
        "helpdesk_ticket",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("page_url", sa.String(length=500), nullable=True),
        sa.Column("notice_number", sa.String(length=13), nullable=True),
        sa.Column("reporter_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("reporter_name", sa.String(length=100), nullable=False),
        sa.Column("reporter_email", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assignee_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_response_due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolution_due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rule_set_version", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["assignee_id"], ["person.id"], name=op.f("fk_helpdesk_ticket_assignee_id_person")),
        sa.ForeignKeyConstraint(
            ["notice_number"], ["notice.number"], name=op.f("fk_helpdesk_ticket_notice_number_notice")
        ),
        sa.ForeignKeyConstraint(["reporter_id"], ["person.id"], name=op.f("fk_helpdesk_ticket_reporter_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_ticket")),
        sa.UniqueConstraint("number", name=op.f("uq_helpdesk_ticket_number")),
    )
    with op.batch_alter_table("helpdesk_ticket", schema=None) as batch_op:
        batch_op.create_index("ix_helpdesk_ticket_filed_at", ["filed_at"], unique=False)
        batch_op.create_index("ix_helpdesk_ticket_queue", ["status", "response_due"], unique=False)
        batch_op.create_index(batch_op.f("ix_helpdesk_ticket_reporter_id"), ["reporter_id"], unique=False)

    op.create_table(
        "helpdesk_attachment",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["helpdesk_ticket.id"], name=op.f("fk_helpdesk_attachment_ticket_id_helpdesk_ticket")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_attachment")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_helpdesk_attachment_ticket_id")),
    )
    op.create_table(
        "helpdesk_faq",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["published_by"], ["person.id"], name=op.f("fk_helpdesk_faq_published_by_person")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["helpdesk_ticket.id"], name=op.f("fk_helpdesk_faq_ticket_id_helpdesk_ticket")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_faq")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_helpdesk_faq_ticket_id")),
    )
    with op.batch_alter_table("helpdesk_faq", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_helpdesk_faq_withdrawn_at"), ["withdrawn_at"], unique=False)

    op.create_table(
        "helpdesk_message",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["person.id"], name=op.f("fk_helpdesk_message_author_id_person")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["helpdesk_ticket.id"], name=op.f("fk_helpdesk_message_ticket_id_helpdesk_ticket")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_message")),
    )
    with op.batch_alter_table("helpdesk_message", schema=None) as batch_op:
        batch_op.create_index("ix_helpdesk_message_ticket", ["ticket_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("helpdesk_message", schema=None) as batch_op:
        batch_op.drop_index("ix_helpdesk_message_ticket")

    op.drop_table("helpdesk_message")
    with op.batch_alter_table("helpdesk_faq", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdesk_faq_withdrawn_at"))

    op.drop_table("helpdesk_faq")
    op.drop_table("helpdesk_attachment")
    with op.batch_alter_table("helpdesk_ticket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdesk_ticket_reporter_id"))
        batch_op.drop_index("ix_helpdesk_ticket_queue")
        batch_op.drop_index("ix_helpdesk_ticket_filed_at")

    op.drop_table("helpdesk_ticket")
    op.drop_table("helpdesk_canned")
