"""The two engines behind one interface: which notices match a parsed query, best first, within a time limit.

Both read the same tokens (``notice_search``); each keeps its own index of them (migration 0019):
- SQLite: FTS5 table ``notice_fts`` (external content over ``notice_search``, kept by triggers, ``detail=none``:
  which notices hold a token, nothing more);
- PostgreSQL: the stored ``tsvector`` column ``tsdocument`` of all the tokens, with a GIN index.
The tokens go in verbatim (no parser of either database touches them), so both engines agree on what matches.

Filters that are tokens (contract method, region, agency: ``tokens.facets_of``) are part of the engine's query, and
within a category the words are looked up as the category's own tokens (``tokens.in_category``); the rest (status,
amounts, dates) are conditions on ``notice``. Relevance is ranked among the newest
``RANK_WINDOW`` matches by ``tokens.scorer`` (title first, then number and agencies, then text), the same on both
engines; matches older than those follow, newest first. A query matching a third of a million notices thus costs
the ranking of 200, and no statistics over whole token lists (bm25's, which took 25 ms alone) (ADR 0009).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    cast,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from jangter.search.domain.tokens import ParsedQuery, Term, scorer
from jangter.search.orm import NoticeSearch
from jangter.tendering.orm import Notice

RANK_WINDOW = 200  # relevance is ranked among this many of the newest matches
BLOCK_BITS = 14  # PostgreSQL: ids in blocks of 16,384, a token each (``block→N``, migration 0020)
BLOCK_TIERS = (1, 1, 2, 4, 8, 16)  # PostgreSQL: the blocks each step of the search for the newest matches takes


class SearchTimeout(Exception):
    """The engine did not answer within the time limit."""


class Engine:
    """One interface, two engines. Each says how it finds the matches (``_base``) and how it limits a query's time;
    both rank the same way: the newest ``RANK_WINDOW`` matches by score, then the older ones by age."""

    name: str

    def _base(
        self, parsed: ParsedQuery, facets: Sequence[str], any_term: bool
    ) -> tuple[Select[Any], ColumnElement[int]]:
        """The matches' ids, unordered, and the id column (the engine's own row id)."""
        raise NotImplementedError

    def _newest(self, session: Session, base: Select[Any], row_id: ColumnElement[int]) -> Select[Any]:
        """The newest ``RANK_WINDOW`` matches of ``base`` (to be ranked)."""
        return base.order_by(row_id.desc()).limit(RANK_WINDOW)

    def _ranked(self, session: Session, window: Select[Any], parsed: ParsedQuery) -> list[int]:
        """The ids of ``window`` (the newest matches), best first: by ``tokens.scorer``, then newest."""
        newest = window.subquery()
        rows = session.execute(
            select(newest.c.id, NoticeSearch.title, NoticeSearch.names).join(
                NoticeSearch, NoticeSearch.notice_id == newest.c.id
            )
        ).all()
        score = scorer(parsed)
        return [row.id for row in sorted(rows, key=lambda r: (-score(r.title, r.names), -r.id))]

    def matches(
        self,
        session: Session,
        parsed: ParsedQuery,
        facets: Sequence[str],
        where: list[ColumnElement[bool]],
        *,
        order: Sequence[ColumnElement[Any]] = (),
        limit: int,
        offset: int,
        any_term: bool = False,
    ) -> list[int]:
        """Ids of matching notices that carry every token of ``facets`` and satisfy ``where`` on ``notice``: best
        first, or in ``order`` (columns of ``notice``); with ``any_term`` a notice needs only one of the terms."""
        base, row_id = self._base(parsed, facets, any_term)
        if where or order:  # conditions on ``notice``; without any, the engine reads its own index only
            base = base.join(Notice, Notice.id == row_id).where(*where)
        if order:
            return list(session.scalars(base.order_by(*order).limit(limit).offset(offset)))
        ranked = self._ranked(session, self._newest(session, base, row_id), parsed)
        if len(ranked) < RANK_WINDOW or offset + limit <= RANK_WINDOW:
            return ranked[offset : offset + limit]
        older = (
            base.where(row_id < min(ranked))
            .order_by(row_id.desc())
            .limit(offset + limit - max(offset, RANK_WINDOW))
            .offset(max(0, offset - RANK_WINDOW))
        )
        return ranked[offset:] + list(session.scalars(older))

    def time_limit(self, session: Session, milliseconds: int) -> AbstractContextManager[None]:
        """Raises :class:`SearchTimeout` when the block's queries take longer than ``milliseconds``."""
        raise NotImplementedError

    def tidy(self, session: Session) -> None:
        """After a rebuild: put the engine's own index in its best shape for reading."""
        raise NotImplementedError


def _fts5_string(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts5_match(parsed: ParsedQuery, facets: Sequence[str] = (), any_term: bool = False) -> str:
    """``("정보" AND "보시" AND ("→길" OR "길"*)) AND "region→11"``: every term required (or any one, with
    ``any_term``), and every filter token."""
    clauses = []
    for term in parsed.match_terms:
        options = [_fts5_string(t) for t in term.exact]
        if term.prefix:
            options.append(_fts5_string(term.prefix) + "*")
        clauses.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
    words = "(" + (" OR " if any_term else " AND ").join(clauses) + ")"
    return " AND ".join([words, *(_fts5_string(f) for f in facets)])


def _tsquery_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(parsed: ParsedQuery, facets: Sequence[str] = (), any_term: bool = False) -> str:
    """``('정보' & '보시' & ('→길' | '길':*)) & 'region→11'``, cast as text to ``tsquery`` (no parser in between)."""

    def one(term: Term) -> str:
        options = [_tsquery_lexeme(t) for t in term.exact]
        if term.prefix:
            options.append(_tsquery_lexeme(term.prefix) + ":*")
        return options[0] if len(options) == 1 else "(" + " | ".join(options) + ")"

    words = "(" + (" | " if any_term else " & ").join(one(t) for t in parsed.match_terms) + ")"
    return " & ".join([words, *(_tsquery_lexeme(f) for f in facets)])


class SqliteFts5(Engine):
    name = "sqlite-fts5"
    _fts = table("notice_fts", column("rowid"))

    def _base(
        self, parsed: ParsedQuery, facets: Sequence[str], any_term: bool
    ) -> tuple[Select[Any], ColumnElement[int]]:
        row_id = self._fts.c.rowid
        query: Select[Any] = (
            select(row_id.label("id"))
            .select_from(self._fts)
            .where(literal_column("notice_fts").op("MATCH")(fts5_match(parsed, facets, any_term)))
        )
        return query, row_id

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

    def tidy(self, session: Session) -> None:
        """Merge the index's segments into one: a token is then one lookup, not one per segment (about 20 %
        faster on a million notices)."""
        session.execute(text("INSERT INTO notice_fts(notice_fts) VALUES('optimize')"))


class PostgresTsvector(Engine):
    name = "postgresql-tsvector"
    _document: ColumnElement[Any] = literal_column("notice_search.tsdocument")

    def _newest(self, session: Session, base: Select[Any], row_id: ColumnElement[int]) -> Select[Any]:
        """The matches in the newest block of ids first, then in the one before, then in the 2, 4, 8 and 16 before those
        (``block→N`` tokens, migration 0020: the GIN index intersects them with the words, so only those rows are
        read), then in all the older ones. PostgreSQL runs a part only while the ones before it gave fewer than
        ``RANK_WINDOW``: a common word reads the rows of its matches in one block, not in the whole table."""
        top = session.scalar(select(func.max(NoticeSearch.notice_id)))
        if top is None:
            return super()._newest(session, base, row_id)
        parts: list[Select[Any]] = []
        upper = top >> BLOCK_BITS
        for size in BLOCK_TIERS:
            blocks = [b for b in range(upper, upper - size, -1) if b >= 0]
            if not blocks:
                break
            recent = cast(literal(" | ".join(_tsquery_lexeme(f"block→{b}") for b in blocks)), TSQUERY)
            parts.append(base.where(self._document.op("@@")(recent)))
            upper -= size
        if upper >= 0:
            parts.append(base.where(row_id < (upper + 1) << BLOCK_BITS))
        ordered = [part.order_by(row_id.desc()).limit(RANK_WINDOW) for part in parts]
        if len(ordered) == 1:
            return ordered[0]
        both = union_all(*ordered).subquery()
        return select(both.c.id).limit(RANK_WINDOW)

    def _base(
        self, parsed: ParsedQuery, facets: Sequence[str], any_term: bool
    ) -> tuple[Select[Any], ColumnElement[int]]:
        wanted = cast(literal(tsquery(parsed, facets, any_term)), TSQUERY)
        query: Select[Any] = select(NoticeSearch.notice_id.label("id")).where(self._document.op("@@")(wanted))
        row_id: ColumnElement[int] = NoticeSearch.__table__.c.notice_id
        return query, row_id

    @contextmanager
    def time_limit(self, session: Session, milliseconds: int) -> Iterator[None]:
        """``statement_timeout`` (lock waits included): for the transaction when there is one, else for the
        connection until the block ends (the read engine runs in autocommit). Also plans made for each query's own
        words (``plan_cache_mode``): the driver prepares a statement it has run five times, and PostgreSQL's generic
        plan for it, not knowing the words, walked the newest rows backwards for sparse ones (65–70 ms instead of
        5 on a million notices)."""
        connection = session.connection()
        autocommit = bool(getattr(connection.connection.driver_connection, "autocommit", False))
        connection.execute(
            text(
                "SELECT set_config('statement_timeout', :timeout, :local), set_config('plan_cache_mode', :mode, :local)"
            ),
            {"timeout": str(max(1, int(milliseconds))), "mode": "force_custom_plan", "local": not autocommit},
        )
        try:
            yield
        except OperationalError as exc:
            if "statement timeout" in str(exc) or "canceling statement" in str(exc):
                raise SearchTimeout(f"search took more than {milliseconds} ms") from exc
            raise
        finally:
            if autocommit:
                connection.execute(text("RESET statement_timeout; RESET plan_cache_mode"))

    def tidy(self, session: Session) -> None:
        """Fresh statistics: how common each token is decides the plan (rare tokens: the index; common: newest
        rows first)."""
        session.execute(text("ANALYZE notice_search"))


def engine_for(dialect: str) -> Engine:
    return PostgresTsvector() if dialect == "postgresql" else SqliteFts5()
