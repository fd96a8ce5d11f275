"""The two engines behind one interface: which notices match a parsed query, best first, within a time limit.

Both read the same tokens (``notice_search``); each keeps its own index, made by migration 0017:
- SQLite: FTS5 table ``notice_fts`` (external content over ``notice_search``, kept by triggers), ranked by bm25 with
  the title weighing most;
- PostgreSQL: a GIN index over ``setweight(array_to_tsvector(…))`` of the three texts, ranked by ``ts_rank``.
The tokens go in verbatim (no parser of either database touches them), so both engines agree on what matches.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, cast, column, func, literal, literal_column, select, table, text
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from jangter.search.domain.tokens import ParsedQuery, Term
from jangter.search.orm import NoticeSearch
from jangter.tendering.orm import Notice

#: The weighted document of a notice, exactly as the PostgreSQL index is built (migration 0017).
PG_DOCUMENT = (
    "(setweight(array_to_tsvector(string_to_array(notice_search.title, ' ')), 'A') || "
    "setweight(array_to_tsvector(string_to_array(notice_search.names, ' ')), 'B') || "
    "setweight(array_to_tsvector(string_to_array(notice_search.body, ' ')), 'C'))"
)


class SearchTimeout(Exception):
    """The engine did not answer within the time limit."""


class Engine(Protocol):
    name: str

    def matches(
        self,
        session: Session,
        parsed: ParsedQuery,
        where: list[ColumnElement[bool]],
        *,
        order: Sequence[ColumnElement[Any]] = (),
        limit: int,
        offset: int,
        any_term: bool = False,
    ) -> list[int]:
        """Ids of matching notices (that also satisfy ``where`` on ``notice``), best first, or in ``order``; with
        ``any_term`` a notice needs only one of the terms (similar notices), ranked by how many and how rare."""

    @contextmanager
    def time_limit(self, session: Session, milliseconds: int) -> Iterator[None]:
        yield


def _fts5_string(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts5_match(parsed: ParsedQuery, any_term: bool = False) -> str:
    """``"정보" AND "보시" AND ("→길" OR "길"*)``: every term required (or any one, with ``any_term``)."""
    clauses = []
    for term in parsed.terms:
        options = [_fts5_string(t) for t in term.exact]
        if term.prefix:
            options.append(_fts5_string(term.prefix) + "*")
        clauses.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
    return (" OR " if any_term else " AND ").join(clauses)


def _tsquery_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(parsed: ParsedQuery, any_term: bool = False) -> str:
    """``'정보' & '보시' & ('→길' | '길':*)``, cast as text to ``tsquery`` (no parser in between)."""

    def one(term: Term) -> str:
        options = [_tsquery_lexeme(t) for t in term.exact]
        if term.prefix:
            options.append(_tsquery_lexeme(term.prefix) + ":*")
        return options[0] if len(options) == 1 else "(" + " | ".join(options) + ")"

    return (" | " if any_term else " & ").join(one(t) for t in parsed.terms)


class SqliteFts5:
    name = "sqlite-fts5"

    def matches(
        self,
        session: Session,
        parsed: ParsedQuery,
        where: list[ColumnElement[bool]],
        *,
        order: Sequence[ColumnElement[Any]] = (),
        limit: int,
        offset: int,
        any_term: bool = False,
    ) -> list[int]:
        fts = table("notice_fts", column("rowid"))
        query: Select[Any] = (
            select(Notice.id)
            .select_from(fts)
            .join(Notice, Notice.id == fts.c.rowid)
            .where(literal_column("notice_fts").op("MATCH")(fts5_match(parsed, any_term)), *where)
            .order_by(*(order or (literal_column("bm25(notice_fts, 10.0, 4.0, 1.0)"), Notice.id.desc())))
            .limit(limit)
            .offset(offset)
        )
        return list(session.scalars(query))

    @contextmanager
    def time_limit(self, session: Session, milliseconds: int) -> Iterator[None]:
        raw = session.connection().connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        deadline = time.monotonic() + milliseconds / 1000
        raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 1000)  # interrupts a long query
        try:
            yield
            if time.monotonic() > deadline:  # a short query that still came back late counts as slow too
                raise SearchTimeout(f"search took more than {milliseconds} ms")
        except OperationalError as exc:
            if "interrupted" in str(exc):
                raise SearchTimeout(f"search took more than {milliseconds} ms") from exc
            raise
        finally:
            raw.set_progress_handler(None, 0)


class PostgresTsvector:
    name = "postgresql-tsvector"

    def matches(
        self,
        session: Session,
        parsed: ParsedQuery,
        where: list[ColumnElement[bool]],
        *,
        order: Sequence[ColumnElement[Any]] = (),
        limit: int,
        offset: int,
        any_term: bool = False,
    ) -> list[int]:
        document: ColumnElement[Any] = literal_column(PG_DOCUMENT)
        wanted = cast(literal(tsquery(parsed, any_term)), TSQUERY)
        query: Select[Any] = (
            select(Notice.id)
            .select_from(NoticeSearch)
            .join(Notice, Notice.id == NoticeSearch.notice_id)
            .where(document.op("@@")(wanted), *where)
            .order_by(*(order or (func.ts_rank(document, wanted).desc(), Notice.id.desc())))
            .limit(limit)
            .offset(offset)
        )
        return list(session.scalars(query))

    @contextmanager
    def time_limit(self, session: Session, milliseconds: int) -> Iterator[None]:
        """``statement_timeout`` (lock waits included): for the transaction when there is one, else for the
        connection until the block ends (the read engine runs in autocommit)."""
        connection = session.connection()
        autocommit = bool(getattr(connection.connection.driver_connection, "autocommit", False))
        scope = "" if autocommit else "LOCAL "
        connection.execute(text(f"SET {scope}statement_timeout = {max(1, int(milliseconds))}"))
        try:
            yield
        except OperationalError as exc:
            if "statement timeout" in str(exc) or "canceling statement" in str(exc):
                raise SearchTimeout(f"search took more than {milliseconds} ms") from exc
            raise
        finally:
            if autocommit:
                connection.execute(text("RESET statement_timeout"))


def engine_for(dialect: str) -> Engine:
    return PostgresTsvector() if dialect == "postgresql" else SqliteFts5()
