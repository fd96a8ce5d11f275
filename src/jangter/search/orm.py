"""The search tables: each published notice's tokens, and the queue of notices to (re)index.

The engines' own structures are made by the migration for each database and are not in these models: on SQLite
an FTS5 table ``notice_fts`` over ``notice_search``; on PostgreSQL a GIN index over the weighted ``tsvector`` of
``notice_search``. The drift check leaves them out (``jangter.migrations.ENGINE_OWNED``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from jangter.kernel.db import Base, UTCDateTime


class NoticeSearch(Base):
    """A notice's search tokens (``search.domain.tokens``), one text per weight."""

    __tablename__ = "notice_search"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), primary_key=True)
    title: Mapped[str] = mapped_column(Text)  # the title: weight A
    names: Mapped[str] = mapped_column(Text)  # notice number, agency and demand agency: weight B
    body: Mapped[str] = mapped_column(Text)  # the notice's text: weight C
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SearchQueue(Base):
    """Notices whose text changed (written in the notice's own transaction, like an outbox): the index catches up
    right after the commit, or later through the worker when the search engine is away."""

    __tablename__ = "search_queue"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), primary_key=True)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())
