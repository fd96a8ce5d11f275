"""Saved searches and their e-mail alerts (issue #7 point 3).

A person saves the words and filters of a search under a name. With the alert on, the worker looks for notices
published since the search was last checked and writes one e-mail per new notice to the outbox, keyed by the
search and the notice, so a notice is never sent twice and a mail server that is away loses nothing (the outbox
retries). The check looks a few minutes back each time, so a notice whose transaction committed late, or that the
index had not yet caught up with, is still found; the key keeps it from being sent again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.identity.orm import Person
from jangter.kernel import audit
from jangter.kernel.audit import AuditActor
from jangter.kernel.calendar import SEOUL
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, NotFound
from jangter.kernel.procurement import Category, ContractMethod
from jangter.notifications import outbox
from jangter.search.orm import SavedSearch, SearchQueue
from jangter.search.service import PAGE_MAX, Hit, Mode, SearchRequest, Sort, search_notices
from jangter.tendering.domain.notice import NoticeStatus

log = logging.getLogger("jangter.search")

MAX_SAVED = 20  # per person
LOOK_BACK = timedelta(minutes=10)
CHECK_EVERY = timedelta(minutes=1)  # a search is checked at most this often
SEARCHES_PER_RUN = 200  # saved searches checked per worker pass (the least recently checked first)

#: The filters a saved search keeps (the cursor and the page size are not part of it).
KEPT = (
    "text",
    "status",
    "category",
    "contract_method",
    "region",
    "agency_id",
    "amount_min",
    "amount_max",
    "sort",
)


def to_json(request: SearchRequest) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in KEPT:
        value = getattr(request, name)
        if value not in (None, ""):
            out[name] = value.value if hasattr(value, "value") else value
    return out


def from_json(data: dict[str, Any]) -> SearchRequest:
    kinds = {
        "status": NoticeStatus,
        "category": Category,
        "contract_method": ContractMethod,
        "sort": Sort,
    }
    values: dict[str, Any] = {}
    for name in KEPT:
        if name in data and data[name] not in (None, ""):
            kind = kinds.get(name)
            values[name] = kind(data[name]) if kind else data[name]
    return SearchRequest(**values)


@dataclass(frozen=True)
class SavedView:
    id: int
    name: str
    request: SearchRequest
    alert: bool
    created_at: datetime
    last_checked_at: datetime | None
    sent: int  # alerts sent so far


def save(ctx: AppContext, actor: Actor | None, name: str, request: SearchRequest, alert: bool) -> int:
    me = _signed_in(actor)
    name = name.strip()
    if not name or len(name) > 100:
        raise DomainError(
            "name_required",
            "검색 조건의 이름을 입력하십시오 (100자 이내).",
            "Give the saved search a name (up to 100 characters).",
            field="name",
        )
    if alert and not request.text.strip() and request.category is None and request.region is None:
        raise DomainError(
            "alert_too_broad",
            "알림을 받으려면 검색어나 분류·지역 조건이 하나는 있어야 합니다.",
            "An alert needs some words, a category or a region: otherwise every notice would be sent.",
            field="alert",
        )
    now = ctx.clock.now()
    with ctx.uow() as uow:
        count = uow.session.scalar(
            select(func.count()).select_from(SavedSearch).where(SavedSearch.person_id == me.person_id)
        )
        if (count or 0) >= MAX_SAVED:
            raise DomainError(
                "saved_searches_full",
                f"검색 조건은 {MAX_SAVED}개까지 저장할 수 있습니다. 쓰지 않는 것을 지우십시오.",
                f"Up to {MAX_SAVED} searches can be saved; delete one you no longer use.",
                field="name",
            )
        row = SavedSearch(
            person_id=me.person_id,
            name=name,
            query=to_json(request),
            alert=alert,
            created_at=now,
            last_checked_at=now,  # alerts are for notices published from now on
        )
        uow.session.add(row)
        uow.session.flush()
        audit.record(
            uow.session,
            at=now,
            actor=AuditActor(me.person_id, me.name),
            action="search.save",
            entity_type="saved_search",
            entity_id=str(row.id),
            after={"name": name, "query": row.query, "alert": alert},
        )
        uow.commit()
        return row.id


def _signed_in(actor: Actor | None) -> Actor:
    """Anyone signed in may keep searches (people of agencies and the operator too)."""
    return require_role(actor, *Role)


def _own(session: Session, actor: Actor, saved_id: int) -> SavedSearch:
    row = session.get(SavedSearch, saved_id)
    if row is None or row.person_id != actor.person_id:
        raise NotFound("저장한 검색", "Saved search")
    return row


def list_saved(ctx: AppContext, actor: Actor | None) -> list[SavedView]:
    me = _signed_in(actor)
    with ctx.db.reading() as session:
        rows = session.scalars(
            select(SavedSearch).where(SavedSearch.person_id == me.person_id).order_by(SavedSearch.id)
        ).all()
        return [
            SavedView(r.id, r.name, from_json(r.query), r.alert, r.created_at, r.last_checked_at, r.sent) for r in rows
        ]


def set_alert(ctx: AppContext, actor: Actor | None, saved_id: int, alert: bool) -> None:
    me = _signed_in(actor)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        row = _own(uow.session, me, saved_id)
        if alert and not row.alert:
            row.last_checked_at = now  # from now on, not the notices published while it was off
        row.alert = alert
        audit.record(
            uow.session,
            at=now,
            actor=AuditActor(me.person_id, me.name),
            action="search.alert",
            entity_type="saved_search",
            entity_id=str(saved_id),
            after={"alert": alert},
        )
        uow.commit()


def delete_saved(ctx: AppContext, actor: Actor | None, saved_id: int) -> None:
    me = _signed_in(actor)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        row = _own(uow.session, me, saved_id)
        uow.session.delete(row)
        audit.record(
            uow.session,
            at=now,
            actor=AuditActor(me.person_id, me.name),
            action="search.delete",
            entity_type="saved_search",
            entity_id=str(saved_id),
            before={"name": row.name},
        )
        uow.commit()


def run_alerts(ctx: AppContext) -> int:
    """Write an e-mail to the outbox for each notice newly matching a saved search with its alert on; returns how
    many were written. Searches are taken oldest check first, at most ``SEARCHES_PER_RUN`` a pass and none checked
    in the last ``CHECK_EVERY``. A search is checked again from ``LOOK_BACK`` before its last check, through every
    page of matches; its check time moves forward only when the engine answered and the index had caught up."""
    now = ctx.clock.now()
    with ctx.db.reading() as session:
        behind = session.scalar(select(func.count()).select_from(SearchQueue))
        searches = session.execute(
            select(
                SavedSearch.id,
                SavedSearch.query,
                SavedSearch.last_checked_at,
                SavedSearch.created_at,
                SavedSearch.name,
                Person.email,
            )
            .join(Person, Person.id == SavedSearch.person_id)
            .where(
                SavedSearch.alert.is_(True),
                Person.active.is_(True),
                or_(SavedSearch.last_checked_at.is_(None), SavedSearch.last_checked_at <= now - CHECK_EVERY),
            )
            .order_by(SavedSearch.last_checked_at.asc(), SavedSearch.id)
            .limit(SEARCHES_PER_RUN)
        ).all()
    written = 0
    for saved_id, query, checked, created, name, email in searches:
        since = max(created, (checked or now) - LOOK_BACK)
        request = replace(from_json(query), published_from=since, sort=Sort.NEWEST, limit=PAGE_MAX)
        request = replace(request, status=request.status or NoticeStatus.PUBLISHED)
        hits: list[Hit] = []
        complete = True
        while True:
            result = search_notices(ctx, request)
            if result.mode is Mode.FALLBACK:
                log.warning("alert %s not checked: the search engine is away (%s)", saved_id, result.problem)
                complete = False
                break
            hits.extend(result.hits)
            if result.next_cursor is None:
                break
            request = replace(request, cursor=result.next_cursor)
        new = 0
        with ctx.uow() as uow:
            for hit in hits:
                n = hit.notice
                if outbox.enqueue(
                    uow.session,
                    key=f"alert:{saved_id}:{n.number}",
                    to=email,
                    subject=f"[장터] 새 공고: {n.title} / New notice matching “{name}”",
                    body=_body(name, n, ctx.base_url),
                    at=now,
                ):
                    new += 1
            row = uow.session.get(SavedSearch, saved_id)
            if row is not None:
                row.sent += new
                if complete and not behind:
                    row.last_checked_at = now
            uow.commit()
        written += new
    return written


def _body(name: str, n: Any, base_url: str) -> str:
    link = f"{base_url.rstrip('/')}/notices/{n.number}"
    deadline = n.deadline_at.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M")
    return (
        f"저장한 검색 “{name}”에 맞는 새 공고가 게시되었습니다.\n\n"
        f"{n.display_number}  {n.title}\n"
        f"{n.agency_name} · 기초금액 {n.base_amount:,}원 · 마감 {deadline} (KST)\n{link}\n\n"
        f"A new notice matches your saved search “{name}”: {n.title}, deadline {deadline} KST.\n{link}\n\n"
        "알림을 끄려면 [나의 검색]에서 끄십시오. / Turn the alert off under My searches."
    )
