"""Step-up: a session's last fresh user verification, the fallback path (TOTP secrets, recovery codes) and its uses.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 17:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("login_session", sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("login_session", sa.Column("fallback_until", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "totp_secret",
        sa.Column("person_id", ID, nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_totp_secret_person_id_person")),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_totp_secret")),
    )
    op.create_table(
        "recovery_code",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_recovery_code_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    op.create_index(op.f("ix_recovery_code_person_id"), "recovery_code", ["person_id"], unique=False)
    op.create_table(
        "fallback_use",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_fallback_use_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fallback_use")),
    )
    op.create_index(op.f("ix_fallback_use_person_id"), "fallback_use", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_table("fallback_use")
    op.drop_table("recovery_code")
    op.drop_table("totp_secret")
    op.drop_column("login_session", "fallback_until")
    op.drop_column("login_session", "verified_at")
