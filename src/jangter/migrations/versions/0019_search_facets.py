"""Search at scale: the filters a notice is found by as tokens of their own, and a stored document on PostgreSQL.

``notice_search.facets`` holds tokens such as ``category→goods`` and ``region→11`` so that the engine intersects
them with the words inside its own index instead of checking notices one by one (issue #7, ADR 0009).
SQLite: ``notice_fts`` is made again with a fourth column (and its triggers) and ``detail=none``: ranking no longer
uses bm25, so the index keeps which notices hold a token and nothing else (smaller, faster). PostgreSQL: the
``tsvector`` becomes a stored generated column ``tsdocument`` with its GIN index, so a row is never tokenised again
to be checked; the expression index of 0017 goes. Every published notice is queued to be indexed again.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-23 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


#: Every token of the notice, as lexemes (no positions, no weights: ranking reads ``notice_search``'s own texts).
PG_DOCUMENT = (
    "array_to_tsvector(array_remove(string_to_array(title || ' ' || names || ' ' || body || ' ' || facets, ' '), ''))"
)
COLUMNS = "title, names, body, facets"


def _sqlite_fts(columns: str, detail: str) -> None:
    new = ", ".join(f"new.{c.strip()}" for c in columns.split(","))
    old = ", ".join(f"old.{c.strip()}" for c in columns.split(","))
    op.execute(
        f"CREATE VIRTUAL TABLE notice_fts USING fts5({columns}, content='notice_search', content_rowid='notice_id', "
        f"{detail}tokenize=\"unicode61 remove_diacritics 0 tokenchars '\u2192'\")"
    )
    op.execute(
        "CREATE TRIGGER notice_search_ai AFTER INSERT ON notice_search BEGIN "  # noqa: S608 - fixed column names
        f"INSERT INTO notice_fts(rowid, {columns}) VALUES (new.notice_id, {new}); END"
    )
    op.execute(
        "CREATE TRIGGER notice_search_ad AFTER DELETE ON notice_search BEGIN "  # noqa: S608 - fixed column names
        f"INSERT INTO notice_fts(notice_fts, rowid, {columns}) VALUES ('delete', old.notice_id, {old}); END"
    )
    op.execute(
        "CREATE TRIGGER notice_search_au AFTER UPDATE ON notice_search BEGIN "  # noqa: S608 - fixed column names
        f"INSERT INTO notice_fts(notice_fts, rowid, {columns}) VALUES ('delete', old.notice_id, {old}); "
        f"INSERT INTO notice_fts(rowid, {columns}) VALUES (new.notice_id, {new}); END"
    )


def _drop_sqlite_fts() -> None:
    for trigger in ("notice_search_ai", "notice_search_ad", "notice_search_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS notice_fts")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if not postgres:
        _drop_sqlite_fts()  # before the column changes: the delete trigger reads notice_search's columns
    op.add_column("notice_search", sa.Column("facets", sa.Text(), nullable=False, server_default=""))
    if postgres:
        op.execute("DROP INDEX IF EXISTS ix_notice_search_document")
        op.execute(
            f"ALTER TABLE notice_search ADD COLUMN tsdocument tsvector GENERATED ALWAYS AS ({PG_DOCUMENT}) STORED"
        )
        op.execute("CREATE INDEX ix_notice_search_tsdocument ON notice_search USING gin (tsdocument)")
        # How common 100,000 tokens are, not 1,000: a token the statistics do not know was taken to be in 0.5 % of
        # notices, and a search within a category for a word of another one (goods→도로: none) walked the table
        op.execute("ALTER TABLE notice_search ALTER COLUMN tsdocument SET STATISTICS 10000")
        op.execute(
            "INSERT INTO search_queue (notice_id, queued_at) SELECT id, now() FROM notice WHERE status <> 'draft' "
            "ON CONFLICT DO NOTHING"
        )
    else:
        _sqlite_fts(COLUMNS, "detail=none, ")
        op.execute("INSERT INTO notice_fts(notice_fts) VALUES ('rebuild')")
        op.execute(
            "INSERT OR IGNORE INTO search_queue (notice_id, queued_at) "
            "SELECT id, CURRENT_TIMESTAMP FROM notice WHERE status <> 'draft'"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_notice_search_tsdocument")
        op.execute("ALTER TABLE notice_search DROP COLUMN tsdocument")
        op.drop_column("notice_search", "facets")
        op.execute(
            "CREATE INDEX ix_notice_search_document ON notice_search USING gin ("
            "(setweight(array_to_tsvector(string_to_array(notice_search.title, ' ')), 'A') || "
            "setweight(array_to_tsvector(string_to_array(notice_search.names, ' ')), 'B') || "
            "setweight(array_to_tsvector(string_to_array(notice_search.body, ' ')), 'C')))"
        )
    else:
        _drop_sqlite_fts()
        op.drop_column("notice_search", "facets")
        _sqlite_fts("title, names, body", "")
        op.execute("INSERT INTO notice_fts(notice_fts) VALUES ('rebuild')")
