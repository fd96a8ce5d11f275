"""Rule files loaded by operators, and room for a rule-set version with temporary measures laid over it
(``national-2026.01.30+measure-…``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = {"notice": True, "opening": False}  # table: nullable


def _sqlite_keep_triggers(on: bool) -> None:
    # SQLite rebuilds the table for a type change and renames the copy into place; the bid deadline trigger
    # (migration 0001) names ``notice``, and the legacy rename leaves such references alone instead of refusing.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"PRAGMA legacy_alter_table = {'ON' if on else 'OFF'}")


def upgrade() -> None:
    op.create_table(
        "rule_file",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_file")),
        sa.UniqueConstraint("version", name=op.f("uq_rule_file_version")),
    )
    _sqlite_keep_triggers(True)
    _widen(200, 40)
    _sqlite_keep_triggers(False)


def downgrade() -> None:
    _sqlite_keep_triggers(True)
    _widen(40, 200)
    _sqlite_keep_triggers(False)
    op.drop_table("rule_file")


def _widen(to: int, since: int) -> None:
    for table, nullable in TABLES.items():
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "rule_set_version",
                type_=sa.String(length=to),
                existing_type=sa.String(length=since),
                existing_nullable=nullable,
            )
