"""Search: each notice's tokens and the queue of notices to index; the engine's own index for each database.

SQLite: an FTS5 table over ``notice_search`` (external content), kept in step by triggers; the tokenizer keeps the
"→" of last-syllable tokens. PostgreSQL: a GIN index over the weighted ``tsvector`` of the tokens, taken verbatim
(``array_to_tsvector``). Published notices are queued, so the worker (or ``jangter search reindex``) fills the
index.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-23 20:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

PG_DOCUMENT = (
    "(setweight(array_to_tsvector(string_to_array(notice_search.title, ' ')), 'A') || "
    "setweight(array_to_tsvector(string_to_array(notice_search.names, ' ')), 'B') || "
    "setweight(array_to_tsvector(string_to_array(notice_search.body, ' ')), 'C'))"
)


def upgrade() -> None:
    op.create_table(
        "notice_search",
        sa.Column("notice_id", BIGINT, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("names", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_notice_search_notice_id_notice")),
        sa.PrimaryKeyConstraint("notice_id", name=op.f("pk_notice_search")),
    )
    op.create_table(
        "search_queue",
        sa.Column("notice_id", BIGINT, nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_search_queue_notice_id_notice")),
        sa.PrimaryKeyConstraint("notice_id", name=op.f("pk_search_queue")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_notice_search_document ON notice_search USING gin ({PG_DOCUMENT})")
        op.execute(
            "INSERT INTO search_queue (notice_id, queued_at) SELECT id, now() FROM notice WHERE status <> 'draft'"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE notice_fts USING fts5(title, names, body, content='notice_search', "
            "content_rowid='notice_id', tokenize=\"unicode61 remove_diacritics 0 tokenchars '\u2192'\")"
        )
        op.execute(
            "CREATE TRIGGER notice_search_ai AFTER INSERT ON notice_search BEGIN "
            "INSERT INTO notice_fts(rowid, title, names, body) VALUES (new.notice_id, new.title, new.names, new.body); "
            "END"
        )
        op.execute(
            "CREATE TRIGGER notice_search_ad AFTER DELETE ON notice_search BEGIN "
            "INSERT INTO notice_fts(notice_fts, rowid, title, names, body) "
            "VALUES ('delete', old.notice_id, old.title, old.names, old.body); END"
        )
        op.execute(
            "CREATE TRIGGER notice_search_au AFTER UPDATE ON notice_search BEGIN "
            "INSERT INTO notice_fts(notice_fts, rowid, title, names, body) "
            "VALUES ('delete', old.notice_id, old.title, old.names, old.body); "
            "INSERT INTO notice_fts(rowid, title, names, body) VALUES (new.notice_id, new.title, new.names, new.body); "
            "END"
        )
        op.execute(
            "INSERT INTO search_queue (notice_id, queued_at) "
            "SELECT id, CURRENT_TIMESTAMP FROM notice WHERE status <> 'draft'"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_notice_search_document")
    else:
        for trigger in ("notice_search_ai", "notice_search_ad", "notice_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS notice_fts")
    op.drop_table("search_queue")
    op.drop_table("notice_search")
