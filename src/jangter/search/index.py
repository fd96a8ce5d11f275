"""Keeping the index in step with the notices.

A change to a notice's text queues the notice in ``search_queue`` inside the change's own transaction (a plain
insert that needs no search engine). Right after the commit the queue is drained (:func:`catch_up_quietly`); if the
engine is broken or slow the notice is published all the same and the worker drains the queue later. ``jangter
search reindex`` rebuilds everything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, aliased

from jangter.identity.orm import Organisation
from jangter.kernel.context import AppContext
from jangter.search.domain.tokens import facets_of, in_category, index_tokens
from jangter.search.engines import engine_for
from jangter.search.orm import NoticeSearch, SearchQueue
from jangter.tendering.orm import Notice

log = logging.getLogger("jangter.search")

BODY_CHARS = 20_000  # the notice text indexed (the rest of a very long text is not)
BATCH = 1_000


def enqueue(session: Session, notice_id: int, now: datetime) -> None:
    """Queue a notice for (re)indexing, in the caller's transaction."""
    if session.get(SearchQueue, notice_id) is None:
        session.add(SearchQueue(notice_id=notice_id, queued_at=now))


def _documents(session: Session, notice_ids: Iterable[int], now: datetime) -> list[dict[str, object]]:
    demand = aliased(Organisation)
    rows = session.execute(
        select(
            Notice.id,
            Notice.number,
            Notice.title,
            Notice.description,
            Organisation.name,
            demand.name,
            Notice.category,
            Notice.contract_method,
            Notice.region,
            Notice.agency_id,
        )
        .join(Organisation, Organisation.id == Notice.agency_id)
        .join(demand, demand.id == Notice.demand_agency_id)
        .where(Notice.id.in_(list(notice_ids)), Notice.status != "draft")
    ).all()
    documents = []
    for notice_id, number, title, description, agency, demand_name, category, method, region, agency_id in rows:
        title_tokens = index_tokens(title)
        names_tokens = index_tokens(f"{number} {agency} {demand_name if demand_name != agency else ''}")
        body_tokens = index_tokens((description or "")[:BODY_CHARS])
        every = dict.fromkeys([*title_tokens, *names_tokens, *body_tokens])
        filters = facets_of(contract_method=method, region=region, agency_id=agency_id)
        documents.append(
            {
                "notice_id": notice_id,
                "title": " ".join(title_tokens),
                "names": " ".join(names_tokens),
                "body": " ".join(body_tokens),
                "facets": " ".join([*filters, *(in_category(category, token) for token in every)]),
                "indexed_at": now,
            }
        )
    return documents


def _write(session: Session, notice_ids: list[int], now: datetime) -> int:
    documents = _documents(session, notice_ids, now)
    session.execute(delete(NoticeSearch).where(NoticeSearch.notice_id.in_(notice_ids)))
    if documents:
        session.execute(insert(NoticeSearch), documents)
    return len(documents)


def catch_up(ctx: AppContext, limit: int = 500, timeout_ms: int = 30_000) -> int:
    """Index the queued notices (up to ``limit``) and take them off the queue, within ``timeout_ms``; returns how
    many were indexed."""
    now = ctx.clock.now()
    engine = engine_for(ctx.db.engine.dialect.name)
    with ctx.uow() as uow, engine.time_limit(uow.session, timeout_ms):
        ids = list(uow.session.scalars(select(SearchQueue.notice_id).order_by(SearchQueue.queued_at).limit(limit)))
        if not ids:
            return 0
        written = _write(uow.session, ids, now)
        uow.session.execute(delete(SearchQueue).where(SearchQueue.notice_id.in_(ids)))
        uow.commit()
    return written


def catch_up_quietly(ctx: AppContext) -> None:
    """After a notice's commit: index it now if the engine is well, within a second; if not, the worker will.
    Never raises: the search must never fail or hold up an act on a notice."""
    try:
        catch_up(ctx, limit=50, timeout_ms=1_000)
    except Exception:
        log.warning("search index catch-up failed; the worker will retry", exc_info=True)


def reindex(ctx: AppContext, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole index from the notices, in batches; ``progress(done, total)`` after each batch."""
    now = ctx.clock.now()
    with ctx.db.reading() as session:
        ids = list(session.scalars(select(Notice.id).where(Notice.status != "draft").order_by(Notice.id)))
    done = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        with ctx.uow() as uow:
            _write(uow.session, batch, now)
            uow.session.execute(delete(SearchQueue).where(SearchQueue.notice_id.in_(batch)))
            uow.commit()
        done += len(batch)
        if progress is not None:
            progress(done, len(ids))
    with ctx.uow() as uow:  # notices that are drafts again, or gone: nothing to find
        published = select(Notice.id).where(Notice.id == NoticeSearch.notice_id, Notice.status != "draft")
        uow.session.execute(delete(NoticeSearch).where(~published.exists()))  # NOT EXISTS: an anti-join
        engine_for(ctx.db.engine.dialect.name).tidy(uow.session)
        uow.commit()
    return done
