"""PostgreSQL search: each notice's ``tsdocument`` also holds the block of its id (``block→61`` for ids 999,424 to
1,015,807), so the newest matches are found inside the GIN index (issue #7, ADR 0009).

A common word within a filter (공사 among works in one region, 도로 포장 among works) matched tens of thousands of
notices; to find the newest 200 PostgreSQL read every match's row (28,000 pages for 도로 포장) or walked the table
backwards. With the block token the engine first asks for the matches in the newest block (the GIN index intersects the
lists; only those rows are read), then in the blocks before it, and in the oldest only when those are not enough. SQLite is
unchanged: FTS5 walks its lists newest first on its own.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-24 02:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

#: ``engines.BLOCK_BITS`` when this was written: 2**14 ids to a block.
PG_DOCUMENT = (
    "array_to_tsvector(array_remove(string_to_array(title || ' ' || names || ' ' || body || ' ' || facets || "
    "' block→' || (notice_id / 16384)::text, ' '), ''))"
)
PG_DOCUMENT_0019 = (
    "array_to_tsvector(array_remove(string_to_array(title || ' ' || names || ' ' || body || ' ' || facets, ' '), ''))"
)


def _document(expression: str) -> None:
    op.execute("DROP INDEX IF EXISTS ix_notice_search_tsdocument")
    op.execute("ALTER TABLE notice_search DROP COLUMN tsdocument")
    op.execute(f"ALTER TABLE notice_search ADD COLUMN tsdocument tsvector GENERATED ALWAYS AS ({expression}) STORED")
    op.execute("CREATE INDEX ix_notice_search_tsdocument ON notice_search USING gin (tsdocument)")
    op.execute("ALTER TABLE notice_search ALTER COLUMN tsdocument SET STATISTICS 10000")
    op.execute("ANALYZE notice_search")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _document(PG_DOCUMENT)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _document(PG_DOCUMENT_0019)
