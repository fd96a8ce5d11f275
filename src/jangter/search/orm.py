"""The search tables: each published notice's tokens, and the queue of notices to (re)index.

The engines' own structures are made by the migration for each database and are not in these models: on SQLite
an FTS5 table ``notice_fts`` over ``notice_search``; on PostgreSQL a stored generated column ``tsdocument``, the
weighted ``tsvector`` of ``notice_search``, with its GIN index. The drift check leaves them out
(``jangter.migrations.ENGINE_OWNED_PREFIXES``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jangter.kernel.db import Base, BigIntPK, JSONType, UTCDateTime


class NoticeSearch(Base):
    """A notice's search tokens (``search.domain.tokens``), one text per weight."""

    __tablename__ = "notice_search"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), primary_key=True)
    title: Mapped[str] = mapped_column(Text)  # the title: weight A
    names: Mapped[str] = mapped_column(Text)  # notice number, agency and demand agency: weight B
    body: Mapped[str] = mapped_column(Text)  # the notice's text: weight C
    facets: Mapped[str] = mapped_column(Text, server_default="")  # filter tokens (``tokens.facet``): weight D
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SearchQueue(Base):
    """Notices whose text changed (written in the notice's own transaction, like an outbox): the index catches up
    right after the commit, or later through the worker when the search engine is away."""

    __tablename__ = "search_queue"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), primary_key=True)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SavedSearch(Base):
    """A person's saved search: words and filters (``search.saved.to_json``), and whether new matches are e-mailed."""

    __tablename__ = "saved_search"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[dict[str, Any]] = mapped_column(JSONType)
    alert: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: alerts look for notices published since then (less a few minutes; the outbox key stops repeats)
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent: Mapped[int] = mapped_column(Integer, default=0)  # alert e-mails written so far

    __table_args__ = (Index("ix_saved_search_alert", "alert"),)


class NoticeWatch(Base):
    """관심공고: a person follows a notice and is told when its dates change (e.g. postponed after an outage)."""

    __tablename__ = "notice_watch"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
