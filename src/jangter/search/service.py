"""Searching notices: the engine when it is well, a plain database query when it is not (issue #7 point 2).

The engine runs inside a time limit (``AppContext.search_timeout_ms``) and behind a circuit breaker
(``AppContext.search_breaker``). When it errors, is slow, or the breaker is open, the same filters run as a simple
``LIKE`` query over titles and agency names, newest first, and the result says so (``mode = "fallback"``) so the
page can tell people plainly. A notice number is looked up directly; an empty query is a plain filtered list.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from jangter.identity.orm import Organisation
from jangter.kernel import cursors
from jangter.kernel.context import AppContext
from jangter.kernel.errors import NotFound
from jangter.kernel.procurement import Category, ContractMethod
from jangter.search.domain.tokens import ParsedQuery, facets_of, highlight, parse_query
from jangter.search.engines import SearchTimeout, engine_for
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.orm import Notice
from jangter.tendering.queries import NoticeSummary, status_condition, summaries_of

log = logging.getLogger("jangter.search")

MAX_RESULTS = 10_000  # how deep the pages go (narrow the filters to see further)
PAGE_MAX = 100


class Sort(StrEnum):
    RELEVANCE = "relevance"
    DEADLINE = "deadline"  # soonest deadline first
    NEWEST = "newest"  # latest announcement first
    AMOUNT = "amount"  # largest base amount first


class Mode(StrEnum):
    ENGINE = "engine"
    FALLBACK = "fallback"  # the engine failed or the breaker is open: a plain query answered
    NUMBER = "number"  # the query was a notice number
    LIST = "list"  # no words: filters only


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    status: NoticeStatus | None = None
    category: Category | None = None
    contract_method: ContractMethod | None = None
    region: str | None = None
    agency_id: int | None = None
    amount_min: int | None = None
    amount_max: int | None = None
    deadline_from: datetime | None = None
    deadline_to: datetime | None = None
    published_from: datetime | None = None
    published_to: datetime | None = None
    sort: Sort | None = None  # None: relevance when there are words, else newest
    cursor: str | None = None
    limit: int = 20


@dataclass(frozen=True)
class Hit:
    notice: NoticeSummary
    title: list[tuple[str, bool]]  # the title cut into pieces, True where a query word matched


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    next_cursor: str | None
    mode: Mode
    sort: Sort
    engine: str | None = None  # which engine answered (mode engine)
    problem: str | None = None  # why the fallback answered (timeout, error, breaker open)


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    offset = cursors.decode(cursor, lambda raw: int(raw["o"]))
    if not 0 <= offset < MAX_RESULTS:
        raise cursors.invalid()
    return offset


def _cursor(offset: int) -> str | None:
    if offset >= MAX_RESULTS:
        return None
    return cursors.encode({"o": offset})


def conditions(request: SearchRequest, now: datetime) -> list[ColumnElement[bool]]:
    """All the filters, on ``notice`` columns only: what a plain database query applies."""
    where: list[ColumnElement[bool]] = [Notice.status != NoticeStatus.DRAFT.value]
    if request.category is not None:
        where.append(Notice.category == request.category.value)
    if request.contract_method is not None:
        where.append(Notice.contract_method == request.contract_method.value)
    if request.region:
        where.append(Notice.region == request.region)
    if request.agency_id is not None:
        where.append(Notice.agency_id == request.agency_id)
    return where + engine_conditions(request, now)


def engine_conditions(request: SearchRequest, now: datetime) -> list[ColumnElement[bool]]:
    """The filters the engine checks on ``notice`` after its match: the ones that are not tokens (:func:`facets`;
    the index holds no drafts). With none, the engine reads its own index only."""
    where: list[ColumnElement[bool]] = []
    if request.status is not None:
        where.append(status_condition(request.status, now))
    if request.amount_min is not None:
        where.append(Notice.base_amount >= request.amount_min)
    if request.amount_max is not None:
        where.append(Notice.base_amount <= request.amount_max)
    if request.deadline_from is not None:
        where.append(Notice.deadline_at >= request.deadline_from)
    if request.deadline_to is not None:
        where.append(Notice.deadline_at <= request.deadline_to)
    if request.published_from is not None:
        where.append(Notice.published_at >= request.published_from)
    if request.published_to is not None:
        where.append(Notice.published_at <= request.published_to)
    return where


def facets(request: SearchRequest) -> tuple[str, ...]:
    """The filters the engine applies inside its own index, as tokens (ADR 0009); the category is not among them:
    the words are looked up in the category's own tokens instead (:func:`for_engine`)."""
    return facets_of(
        contract_method=request.contract_method, region=request.region or None, agency_id=request.agency_id
    )


def for_engine(request: SearchRequest, parsed: ParsedQuery) -> ParsedQuery:
    return replace(parsed, category=request.category.value) if request.category is not None else parsed


_ORDER: dict[Sort, tuple[ColumnElement[Any], ...]] = {
    Sort.DEADLINE: (Notice.deadline_at.asc(), Notice.id.asc()),
    Sort.NEWEST: (Notice.published_at.desc(), Notice.id.desc()),
    Sort.AMOUNT: (Notice.base_amount.desc(), Notice.id.desc()),
    Sort.RELEVANCE: (Notice.published_at.desc(), Notice.id.desc()),  # without an engine: newest
}


def _like(words: tuple[str, ...]) -> ColumnElement[bool]:
    """The fallback's test: every query word in the title or the agency's name (case-insensitive)."""
    clauses = []
    for word in words:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append(or_(Notice.title.ilike(pattern, escape="\\"), Organisation.name.ilike(pattern, escape="\\")))
    return and_(*clauses)


def _plain(session: Session, where: list[ColumnElement[bool]], sort: Sort, limit: int, offset: int) -> list[int]:
    query = (
        select(Notice.id)
        .join(Organisation, Organisation.id == Notice.agency_id)
        .where(*where)
        .order_by(*_ORDER[sort])
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def search_notices(ctx: AppContext, request: SearchRequest) -> SearchResult:
    now = ctx.clock.now()
    limit = max(1, min(request.limit, PAGE_MAX))
    offset = _offset(request.cursor)
    parsed = parse_query(request.text or "")
    sort = request.sort or (Sort.RELEVANCE if not parsed.empty else Sort.NEWEST)
    if parsed.notice_number is not None or parsed.empty:
        where = conditions(request, now)
        with ctx.db.reading() as session:
            if parsed.notice_number is not None:
                ids = _plain(session, [*where, Notice.number == parsed.notice_number], Sort.NEWEST, limit + 1, offset)
                return _result(session, ids, limit, offset, now, parsed, Mode.NUMBER, sort)
            ids = _plain(session, where, sort, limit + 1, offset)
            return _result(session, ids, limit, offset, now, parsed, Mode.LIST, sort)
    engine = engine_for(ctx.db.engine.dialect.name)
    problem = "breaker_open"
    if ctx.search_breaker.allow():
        try:
            with ctx.db.reading() as session:
                with engine.time_limit(session, ctx.search_timeout_ms):
                    order: tuple[ColumnElement[Any], ...] = () if sort is Sort.RELEVANCE else _ORDER[sort]
                    ids = engine.matches(
                        session,
                        for_engine(request, parsed),
                        facets(request),
                        engine_conditions(request, now),
                        order=order,
                        limit=limit + 1,
                        offset=offset,
                    )
                ctx.search_breaker.success()
                return replace(_result(session, ids, limit, offset, now, parsed, Mode.ENGINE, sort), engine=engine.name)
        except SearchTimeout:
            problem = "timeout"
            ctx.search_breaker.failure()
            log.warning("search timed out after %s ms; answering with the fallback", ctx.search_timeout_ms)
        except Exception:  # whatever broke the engine, people still get an answer
            problem = "error"
            ctx.search_breaker.failure()
            log.warning("search engine failed; answering with the fallback", exc_info=True)
    with ctx.db.reading() as session:
        fallback_sort = Sort.NEWEST if sort is Sort.RELEVANCE else sort
        where = [*conditions(request, now), _like(parsed.words)]
        ids = _plain(session, where, fallback_sort, limit + 1, offset)
        return replace(_result(session, ids, limit, offset, now, parsed, Mode.FALLBACK, fallback_sort), problem=problem)


def _result(
    session: Session,
    ids: list[int],
    limit: int,
    offset: int,
    now: datetime,
    parsed: ParsedQuery,
    mode: Mode,
    sort: Sort,
) -> SearchResult:
    page = ids[:limit]
    summaries = summaries_of(session, page, now)
    hits = [Hit(s, highlight(s.title, parsed.words)) for s in summaries]
    more = len(ids) > limit
    return SearchResult(hits, _cursor(offset + limit) if more else None, mode, sort)


SIMILAR = 5


def similar_notices(ctx: AppContext, number: str, limit: int = SIMILAR) -> SearchResult:
    """Notices like this one: sharing words of its title, best first (the engine); when the engine is away, the
    newest of the same category from the same agency. Never raises for the engine's sake."""
    now = ctx.clock.now()
    with ctx.db.reading() as session:
        row = session.execute(
            select(Notice.id, Notice.title, Notice.category, Notice.agency_id).where(
                Notice.number == number, Notice.status != NoticeStatus.DRAFT.value
            )
        ).one_or_none()
    if row is None:
        raise NotFound("공고", "Notice", code="notice_not_found")
    parsed = parse_query(row.title)
    where = [Notice.status != NoticeStatus.DRAFT.value, Notice.id != row.id]
    engine = engine_for(ctx.db.engine.dialect.name)
    problem = "breaker_open"
    if not parsed.empty and ctx.search_breaker.allow():
        try:
            with ctx.db.reading() as session:
                with engine.time_limit(session, ctx.search_timeout_ms):
                    ids = engine.matches(
                        session, parsed, (), [Notice.id != row.id], limit=limit, offset=0, any_term=True
                    )
                ctx.search_breaker.success()
                return replace(
                    _result(session, ids, limit, 0, now, parsed, Mode.ENGINE, Sort.RELEVANCE), engine=engine.name
                )
        except SearchTimeout:
            problem = "timeout"
            ctx.search_breaker.failure()
        except Exception:  # the notice page's neighbour must never fail because of the engine
            problem = "error"
            ctx.search_breaker.failure()
            log.warning("similar notices: search engine failed; answering with the fallback", exc_info=True)
    with ctx.db.reading() as session:
        plain = [*where, Notice.category == row.category, Notice.agency_id == row.agency_id]
        ids = _plain(session, plain, Sort.NEWEST, limit, 0)
        return replace(_result(session, ids, limit, 0, now, parsed, Mode.FALLBACK, Sort.NEWEST), problem=problem)
