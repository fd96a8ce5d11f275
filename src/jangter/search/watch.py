"""관심공고: a signed-in person follows a notice, to be told when its dates change (after an incident, for one)."""

from __future__ import annotations

from sqlalchemy import delete, select

from jangter.identity.domain.roles import Actor
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, NotFound
from jangter.search.orm import NoticeWatch
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.orm import Notice


def _require(actor: Actor | None) -> Actor:
    if actor is None:
        raise DomainError("login_required", "로그인이 필요합니다.", "Please sign in first.", status=401)
    return actor


def _notice_id(ctx: AppContext, number: str) -> int:
    with ctx.db.reading() as session:
        row = session.execute(select(Notice.id, Notice.status).where(Notice.number == number)).first()
    if row is None or row.status == NoticeStatus.DRAFT.value:
        raise NotFound("공고", "Notice", code="notice_not_found")
    return int(row.id)


def watch(ctx: AppContext, actor: Actor | None, number: str) -> None:
    """Follow a published notice; following it twice is the same as once."""
    person = _require(actor)
    notice_id = _notice_id(ctx, number)
    with ctx.uow() as uow:
        found = uow.session.get(NoticeWatch, (person.person_id, notice_id))
        if found is None:
            uow.session.add(NoticeWatch(person_id=person.person_id, notice_id=notice_id, created_at=ctx.clock.now()))
        uow.commit()


def unwatch(ctx: AppContext, actor: Actor | None, number: str) -> None:
    person = _require(actor)
    notice_id = _notice_id(ctx, number)
    with ctx.uow() as uow:
        uow.session.execute(
            delete(NoticeWatch).where(NoticeWatch.person_id == person.person_id, NoticeWatch.notice_id == notice_id)
        )
        uow.commit()


def watching(ctx: AppContext, actor: Actor | None, number: str) -> bool:
    if actor is None:
        return False
    with ctx.db.reading() as session:
        return (
            session.scalar(
                select(NoticeWatch.person_id)
                .join(Notice, Notice.id == NoticeWatch.notice_id)
                .where(NoticeWatch.person_id == actor.person_id, Notice.number == number)
            )
            is not None
        )
