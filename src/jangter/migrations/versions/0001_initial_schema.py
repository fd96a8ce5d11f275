"""Initial schema: organisations, people, notices, bids, openings, audit; the commit-time deadline check.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 12:11:14.424367
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


# The database clock decides bid deadlines (DESIGN §4 "Sealed bids", security.md §3.2 item 4).
# PostgreSQL: clock_timestamp() (not now(), which is the transaction's start) plus an offset that only tests and
# the demo clock set per transaction; checked by a DEFERRABLE INITIALLY DEFERRED constraint trigger, so at COMMIT.
PG_UP = [
    """
    CREATE FUNCTION jangter_now() RETURNS timestamptz LANGUAGE sql VOLATILE AS $$
      SELECT clock_timestamp()
             + coalesce(nullif(current_setting('jangter.clock_offset_us', true), ''), '0')::bigint
               * interval '1 microsecond'
    $$
    """,
    """
    CREATE FUNCTION jangter_bid_deadline_check() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      closes timestamptz;
    BEGIN
      SELECT deadline_at INTO closes FROM notice WHERE id = NEW.notice_id;
      IF closes IS NULL OR jangter_now() > closes THEN
        RAISE EXCEPTION 'bid deadline passed for notice %', NEW.notice_id USING ERRCODE = 'JA001';
      END IF;
      RETURN NULL;
    END
    $$
    """,
    """
    CREATE CONSTRAINT TRIGGER bid_deadline_at_commit AFTER INSERT ON bid
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION jangter_bid_deadline_check()
    """,
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS bid_deadline_at_commit ON bid",
    "DROP FUNCTION IF EXISTS jangter_bid_deadline_check()",
    "DROP FUNCTION IF EXISTS jangter_now()",
]
# SQLite: jangter_now() is registered by the application on every connection (kernel/db.py). A writing
# transaction holds the write lock from BEGIN IMMEDIATE, and the bid insert is its last statement, so the check
# runs with nothing else able to commit in between. A connection without the function (the sqlite3 shell) cannot
# insert a bid at all.
SQLITE_UP = [
    """
    CREATE TRIGGER bid_deadline_check BEFORE INSERT ON bid
    WHEN jangter_now() > (SELECT deadline_at FROM notice WHERE id = NEW.notice_id)
      OR (SELECT deadline_at FROM notice WHERE id = NEW.notice_id) IS NULL
    BEGIN
      SELECT RAISE(ABORT, 'jangter:deadline_passed');
    END
    """,
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS bid_deadline_check"]


def _run(statements: dict[str, list[str]]) -> None:
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "counter",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counter")),
    )
    op.create_table(
        "deadline_slot",
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closings", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("hour", name=op.f("pk_deadline_slot")),
    )
    op.create_table(
        "idempotency_record",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("principal_id", sa.BigInteger(), nullable=False),
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("resource_type", sa.String(length=32), nullable=False),
        sa.Column("resource_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_record")),
        sa.UniqueConstraint("principal_id", "scope", "key", name=op.f("uq_idempotency_record_principal_id_scope_key")),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=True),
        sa.Column("agency_code", sa.String(length=20), nullable=True),
        sa.Column("jurisdiction", sa.String(length=16), nullable=True),
        sa.Column("business_number", sa.String(length=10), nullable=True),
        sa.Column("corporate_number", sa.String(length=13), nullable=True),
        sa.Column("representative", sa.String(length=100), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("region", sa.String(length=2), nullable=True),
        sa.Column("registration_status", sa.String(length=16), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("agency_code", name=op.f("uq_organisation_agency_code")),
        sa.UniqueConstraint("business_number", name=op.f("uq_organisation_business_number")),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_index("ix_organisation_kind_status", ["kind", "registration_status"], unique=False)

    op.create_table(
        "person",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"], name=op.f("fk_person_org_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("email", name=op.f("uq_person_email")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_org_id"), ["org_id"], unique=False)

    op.create_table(
        "audit_record",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("actor_label", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column(
            "before",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "after",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_person_id"], ["person.id"], name=op.f("fk_audit_record_actor_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_record")),
    )
    with op.batch_alter_table("audit_record", schema=None) as batch_op:
        batch_op.create_index("ix_audit_record_entity", ["entity_type", "entity_id", "id"], unique=False)

    op.create_table(
        "login_session",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_login_session_person_id_person")),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_login_session")),
    )
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_session_person_id"), ["person_id"], unique=False)

    op.create_table(
        "notice",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=13), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("contract_method", sa.String(length=32), nullable=False),
        sa.Column("agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("demand_agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("region", sa.String(length=2), nullable=False),
        sa.Column("base_amount", sa.BigInteger(), nullable=False),
        sa.Column("estimated_price", sa.BigInteger(), nullable=False),
        sa.Column("a_value", sa.BigInteger(), nullable=False),
        sa.Column("reserve_range_pct", sa.Numeric(precision=5, scale=3), nullable=True),
        sa.Column("award_floor_rate", sa.Numeric(precision=7, scale=3), nullable=True),
        sa.Column("bid_start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opening_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rule_set_version", sa.String(length=40), nullable=True),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("next_check", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["organisation.id"], name=op.f("fk_notice_agency_id_organisation")),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"], name=op.f("fk_notice_created_by_person")),
        sa.ForeignKeyConstraint(
            ["demand_agency_id"], ["organisation.id"], name=op.f("fk_notice_demand_agency_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
        sa.UniqueConstraint("number", name=op.f("uq_notice_number")),
    )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index("ix_notice_next_check", ["next_check"], unique=False)
        batch_op.create_index("ix_notice_published_at", ["published_at"], unique=False)
        batch_op.create_index("ix_notice_status_deadline", ["status", "deadline_at"], unique=False)

    op.create_table(
        "person_role",
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_person_role_person_id_person")),
        sa.PrimaryKeyConstraint("person_id", "role", name=op.f("pk_person_role")),
    )
    op.create_table(
        "bid",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("notice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("notice_order", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("bidder_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("payload_format", sa.String(length=16), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("pick_1", sa.Integer(), nullable=True),
        sa.Column("pick_2", sa.Integer(), nullable=True),
        sa.Column("rate", sa.Numeric(precision=8, scale=3), nullable=True),
        sa.Column("standing", sa.String(length=16), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("invalid_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["bidder_id"], ["person.id"], name=op.f("fk_bid_bidder_id_person")),
        sa.ForeignKeyConstraint(["firm_id"], ["organisation.id"], name=op.f("fk_bid_firm_id_organisation")),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_bid_notice_id_notice")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bid")),
        sa.UniqueConstraint("notice_id", "round", "firm_id", name=op.f("uq_bid_notice_id_round_firm_id")),
        sa.UniqueConstraint("public_id", name=op.f("uq_bid_public_id")),
    )
    with op.batch_alter_table("bid", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bid_firm_id"), ["firm_id"], unique=False)
        batch_op.create_index("ix_bid_notice_round", ["notice_id", "round"], unique=False)

    op.create_table(
        "notice_revision",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("notice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column(
            "snapshot",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"], name=op.f("fk_notice_revision_created_by_person")),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_notice_revision_notice_id_notice")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_revision")),
    )
    with op.batch_alter_table("notice_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_revision_notice_id"), ["notice_id"], unique=False)

    op.create_table(
        "preliminary_price",
        sa.Column("notice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("pick_count", sa.Integer(), nullable=True),
        sa.Column("drawn", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_preliminary_price_notice_id_notice")),
        sa.PrimaryKeyConstraint("notice_id", "round", "slot", name=op.f("pk_preliminary_price")),
    )
    op.create_table(
        "opening",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("notice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("notice_order", sa.Integer(), nullable=False),
        sa.Column("rule_set_version", sa.String(length=40), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("bid_count", sa.Integer(), nullable=False),
        sa.Column("valid_bid_count", sa.Integer(), nullable=False),
        sa.Column("failure_reason", sa.String(length=32), nullable=True),
        sa.Column("reserve_price", sa.BigInteger(), nullable=True),
        sa.Column("floor_rate", sa.Numeric(precision=7, scale=3), nullable=True),
        sa.Column("floor_rate_rule", sa.String(length=300), nullable=True),
        sa.Column("floor_price", sa.BigInteger(), nullable=True),
        sa.Column("a_value", sa.BigInteger(), nullable=False),
        sa.Column("tie_break_seed", sa.String(length=64), nullable=True),
        sa.Column("reserve_tie_broken", sa.Boolean(), nullable=False),
        sa.Column("winner_bid_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("awarded_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(["awarded_by"], ["person.id"], name=op.f("fk_opening_awarded_by_person")),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_opening_notice_id_notice")),
        sa.ForeignKeyConstraint(["opened_by"], ["person.id"], name=op.f("fk_opening_opened_by_person")),
        sa.ForeignKeyConstraint(["winner_bid_id"], ["bid.id"], name=op.f("fk_opening_winner_bid_id_bid")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opening")),
        sa.UniqueConstraint("notice_id", "round", name=op.f("uq_opening_notice_id_round")),
    )

    _run({"postgresql": PG_UP, "sqlite": SQLITE_UP})


def downgrade() -> None:
    _run({"postgresql": PG_DOWN, "sqlite": SQLITE_DOWN})
    op.drop_table("opening")
    op.drop_table("preliminary_price")
    with op.batch_alter_table("notice_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_revision_notice_id"))

    op.drop_table("notice_revision")
    with op.batch_alter_table("bid", schema=None) as batch_op:
        batch_op.drop_index("ix_bid_notice_round")
        batch_op.drop_index(batch_op.f("ix_bid_firm_id"))

    op.drop_table("bid")
    op.drop_table("person_role")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index("ix_notice_status_deadline")
        batch_op.drop_index("ix_notice_published_at")
        batch_op.drop_index("ix_notice_next_check")
        batch_op.drop_index(batch_op.f("ix_notice_agency_id"))

    op.drop_table("notice")
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_session_person_id"))

    op.drop_table("login_session")
    with op.batch_alter_table("audit_record", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_record_entity")

    op.drop_table("audit_record")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_org_id"))

    op.drop_table("person")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_index("ix_organisation_kind_status")

    op.drop_table("organisation")
    op.drop_table("idempotency_record")
    op.drop_table("deadline_slot")
    op.drop_table("counter")
