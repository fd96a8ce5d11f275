"""OCDS import (issue #10 point 4): the files imported from other systems (batches, with their reports), the
releases and records kept as imported, which batch brought which item, and a summary per external process.

Revision ID: 0032
Revises: 0031
Create Date: 2026-11-24 07:47:22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_batch",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("package_type", sa.String(length=20), nullable=False),
        sa.Column("ocds_version", sa.String(length=20), nullable=True),
        sa.Column("publisher", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column(
            "package_meta", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("kept", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("dropped", sa.Integer(), nullable=False),
        sa.Column("processes", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.Column(
            "report", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
        sa.UniqueConstraint("sha256", name=op.f("uq_import_batch_sha256")),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batch_source"), ["source"], unique=False)

    op.create_table(
        "external_process",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("ocid", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("first_batch_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("last_batch_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("buyer_name", sa.Text(), nullable=True),
        sa.Column("procurement_method", sa.Text(), nullable=True),
        sa.Column("tender_status", sa.Text(), nullable=True),
        sa.Column("tender_amount", sa.Numeric(precision=24, scale=4), nullable=True),
        sa.Column("tender_currency", sa.String(length=3), nullable=True),
        sa.Column("tender_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tender_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("award_count", sa.Integer(), nullable=True),
        sa.Column("award_total", sa.Numeric(precision=24, scale=4), nullable=True),
        sa.Column("award_currency", sa.String(length=3), nullable=True),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contract_count", sa.Integer(), nullable=True),
        sa.Column("contract_total", sa.Numeric(precision=24, scale=4), nullable=True),
        sa.Column("contract_currency", sa.String(length=3), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_release_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("releases", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["first_batch_id"], ["import_batch.id"], name=op.f("fk_external_process_first_batch_id_import_batch")
        ),
        sa.ForeignKeyConstraint(
            ["last_batch_id"], ["import_batch.id"], name=op.f("fk_external_process_last_batch_id_import_batch")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_process")),
        sa.UniqueConstraint("ocid", name=op.f("uq_external_process_ocid")),
    )
    with op.batch_alter_table("external_process", schema=None) as batch_op:
        batch_op.create_index("ix_external_process_source", ["source", "country", "id"], unique=False)

    op.create_table(
        "external_release",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("ocid", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("item_key", sa.String(length=500), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column(
            "document", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("first_batch_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["first_batch_id"], ["import_batch.id"], name=op.f("fk_external_release_first_batch_id_import_batch")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_release")),
        sa.UniqueConstraint("ocid", "kind", "item_key", name=op.f("uq_external_release_ocid_kind_item_key")),
    )
    op.create_table(
        "import_batch_item",
        sa.Column("batch_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batch.id"], name=op.f("fk_import_batch_item_batch_id_import_batch")
        ),
        sa.ForeignKeyConstraint(
            ["release_id"], ["external_release.id"], name=op.f("fk_import_batch_item_release_id_external_release")
        ),
        sa.PrimaryKeyConstraint("batch_id", "position", name=op.f("pk_import_batch_item")),
    )
    with op.batch_alter_table("import_batch_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batch_item_release_id"), ["release_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("import_batch_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_item_release_id"))

    op.drop_table("import_batch_item")
    op.drop_table("external_release")
    with op.batch_alter_table("external_process", schema=None) as batch_op:
        batch_op.drop_index("ix_external_process_source")

    op.drop_table("external_process")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_source"))

    op.drop_table("import_batch")
