"""Sealed bids: envelopes, signing and committee keys, opening keys and shares, the transparency log.

Columns are added with plain ALTER TABLE (no batch copy), which keeps SQLite's bid deadline trigger in place.

Columns added to existing tables get server defaults so that a database with earlier rows upgrades; such rows
(bids of the unsealed format) are refused at their opening as invalid.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 13:12:52.178592
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "log_entry",
        sa.Column("index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("index", name=op.f("pk_log_entry")),
        sa.UniqueConstraint("leaf_hash", name=op.f("uq_log_entry_leaf_hash")),
    )
    with op.batch_alter_table("log_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_log_entry_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_log_entry_subject"), ["subject"], unique=False)

    op.create_table(
        "log_node",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "index", name=op.f("pk_log_node")),
    )
    op.create_table(
        "log_pending",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_pending")),
    )
    with op.batch_alter_table("log_pending", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_log_pending_subject"), ["subject"], unique=False)

    op.create_table(
        "tree_head",
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root", sa.String(length=64), nullable=False),
        sa.Column("timestamp", sa.String(length=40), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("size", name=op.f("pk_tree_head")),
    )
    op.create_table(
        "committee_key",
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("wrapped_private", sa.LargeBinary(), nullable=False),
        sa.Column("salt", sa.LargeBinary(length=16), nullable=False),
        sa.Column("time_cost", sa.Integer(), nullable=False),
        sa.Column("memory_cost", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_committee_key_person_id_person")),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_committee_key")),
    )
    op.create_table(
        "firm_signing_key",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"], name=op.f("fk_firm_signing_key_created_by_person")),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["organisation.id"], name=op.f("fk_firm_signing_key_firm_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm_signing_key")),
        sa.UniqueConstraint("key_id", name=op.f("uq_firm_signing_key_key_id")),
    )
    with op.batch_alter_table("firm_signing_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_firm_signing_key_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "opening_key",
        sa.Column("notice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("p256", sa.LargeBinary(), nullable=False),
        sa.Column("pq_mlkem", sa.LargeBinary(), nullable=False),
        sa.Column("pq_x25519", sa.LargeBinary(), nullable=False),
        sa.Column("pq_allowed", sa.Boolean(), nullable=False),
        sa.Column("quorum", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("price_commitment", sa.String(length=64), nullable=False),
        sa.Column("sealed_prices", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_opening_key_notice_id_notice")),
        sa.PrimaryKeyConstraint("notice_id", "round", name=op.f("pk_opening_key")),
    )
    op.create_table(
        "opening_share",
        sa.Column("notice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("share_index", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("encrypted", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["person.id"], name=op.f("fk_opening_share_member_id_person")),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_opening_share_notice_id_notice")),
        sa.PrimaryKeyConstraint("notice_id", "round", "share_index", name=op.f("pk_opening_share")),
    )
    with op.batch_alter_table("opening_share", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_opening_share_member_id"), ["member_id"], unique=False)

    # Plain ALTER TABLE … ADD COLUMN (not a batch copy), so that SQLite keeps the bid deadline trigger.
    op.add_column("bid", sa.Column("suite", sa.String(length=16), nullable=False, server_default="p256"))
    op.add_column("bid", sa.Column("key_id", sa.String(length=16), nullable=False, server_default=""))
    op.add_column("bid", sa.Column("signature", sa.LargeBinary(), nullable=False, server_default=sa.text("''")))
    op.add_column("bid", sa.Column("log_index", sa.BigInteger(), nullable=True))
    op.create_index(op.f("ix_bid_log_index"), "bid", ["log_index"], unique=False)
    op.add_column("notice", sa.Column("committee_quorum", sa.Integer(), nullable=False, server_default="3"))
    op.add_column("notice", sa.Column("committee_size", sa.Integer(), nullable=False, server_default="5"))
    op.add_column("notice", sa.Column("pq_allowed", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("opening", sa.Column("price_nonce", sa.String(length=64), nullable=True))
    op.add_column("opening", sa.Column("slot_seed", sa.String(length=64), nullable=True))
    op.add_column(
        "opening",
        sa.Column(
            "committee_present",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_bid_log_index"), table_name="bid")
    for table, column in (
        ("bid", "log_index"),
        ("opening", "committee_present"),
        ("opening", "slot_seed"),
        ("opening", "price_nonce"),
        ("notice", "pq_allowed"),
        ("notice", "committee_size"),
        ("notice", "committee_quorum"),
        ("bid", "signature"),
        ("bid", "key_id"),
        ("bid", "suite"),
    ):
        op.drop_column(table, column)

    with op.batch_alter_table("opening_share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opening_share_member_id"))

    op.drop_table("opening_share")
    op.drop_table("opening_key")
    with op.batch_alter_table("firm_signing_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_firm_signing_key_firm_id"))

    op.drop_table("firm_signing_key")
    op.drop_table("committee_key")
    op.drop_table("tree_head")
    with op.batch_alter_table("log_pending", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_log_pending_subject"))

    op.drop_table("log_pending")
    op.drop_table("log_node")
    with op.batch_alter_table("log_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_log_entry_subject"))
        batch_op.drop_index(batch_op.f("ix_log_entry_kind"))

    op.drop_table("log_entry")
