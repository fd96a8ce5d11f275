"""Firm profile: legal form, categories and regions supplied, licences, and the sole proprietor's keyed hash;
room for sealed TOTP secrets.

Firms registered before this revision are taken to bid for every category, nationwide (what they could do
before); their legal form stays unknown until they update their registration.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-23 19:57:25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "firm_licence",
        sa.Column("org_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"], name=op.f("fk_firm_licence_org_id_organisation")),
        sa.PrimaryKeyConstraint("org_id", "code", name=op.f("pk_firm_licence")),
    )
    op.add_column("organisation", sa.Column("business_form", sa.String(length=16), nullable=True))
    op.add_column("organisation", sa.Column("supplies", sa.String(length=40), nullable=True))
    op.add_column("organisation", sa.Column("supply_regions", sa.String(length=120), nullable=True))
    op.add_column("organisation", sa.Column("proprietor_key", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_organisation_proprietor_key"), "organisation", ["proprietor_key"], unique=True)
    op.execute(
        "UPDATE organisation SET supplies = 'goods,services,works', supply_regions = '00' WHERE kind = 'supplier'"
    )
    with op.batch_alter_table("totp_secret") as batch:  # sealed secrets are longer than bare base32
        batch.alter_column("secret", existing_type=sa.String(length=64), type_=sa.String(length=128))


def downgrade() -> None:
    with op.batch_alter_table("totp_secret") as batch:
        batch.alter_column("secret", existing_type=sa.String(length=128), type_=sa.String(length=64))
    op.drop_index(op.f("ix_organisation_proprietor_key"), table_name="organisation")
    op.drop_column("organisation", "proprietor_key")
    op.drop_column("organisation", "supply_regions")
    op.drop_column("organisation", "supplies")
    op.drop_column("organisation", "business_form")
    op.drop_table("firm_licence")
