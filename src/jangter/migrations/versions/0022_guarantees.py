"""Electronic guarantees (issue #8, ADR 0011): the institutions Jangter talks to, the guarantees asked and issued, and
the outbox of calls to outside systems.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-24 02:24:16.441620
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "outbox_call",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=400), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_call")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_call_key")),
    )
    with op.batch_alter_table("outbox_call", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_call_due", ["delivered_at", "next_attempt_at"], unique=False)

    op.create_table(
        "guarantee_institution",
        sa.Column("org_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("api_url", sa.String(length=300), nullable=False),
        sa.Column("public_key", sa.String(length=100), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisation.id"], name=op.f("fk_guarantee_institution_org_id_organisation")
        ),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_guarantee_institution")),
        sa.UniqueConstraint("key_id", name=op.f("uq_guarantee_institution_key_id")),
    )
    op.create_table(
        "guarantee",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("contract_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("institution_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("amount_required", sa.BigInteger(), nullable=False),
        sa.Column("cover_until", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("institution_reference", sa.String(length=64), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("document", sa.Text(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["organisation.id"], name=op.f("fk_guarantee_agency_id_organisation")),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"], name=op.f("fk_guarantee_contract_id_contract")),
        sa.ForeignKeyConstraint(["decided_by"], ["person.id"], name=op.f("fk_guarantee_decided_by_person")),
        sa.ForeignKeyConstraint(["firm_id"], ["organisation.id"], name=op.f("fk_guarantee_firm_id_organisation")),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["organisation.id"], name=op.f("fk_guarantee_institution_id_organisation")
        ),
        sa.ForeignKeyConstraint(["requested_by"], ["person.id"], name=op.f("fk_guarantee_requested_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guarantee")),
        sa.UniqueConstraint(
            "institution_id", "institution_reference", name=op.f("uq_guarantee_institution_id_institution_reference")
        ),
        sa.UniqueConstraint("reference", name=op.f("uq_guarantee_reference")),
    )
    with op.batch_alter_table("guarantee", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guarantee_contract_id"), ["contract_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("guarantee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guarantee_contract_id"))

    op.drop_table("guarantee")
    op.drop_table("guarantee_institution")
    with op.batch_alter_table("outbox_call", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_call_due")

    op.drop_table("outbox_call")
