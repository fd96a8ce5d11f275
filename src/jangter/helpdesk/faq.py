"""자주 묻는 질문 (FAQ), built from answered inquiries (issue #9 point 4): an operator turns an answered ticket into
a question and an answer for everyone, edited to remove personal data; anyone reads and searches them by category."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select

from jangter.helpdesk.domain import TicketCategory, check_faq
from jangter.helpdesk.orm import FaqEntry, TicketMessage
from jangter.helpdesk.tickets import load_ticket
from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.identity.service import audit_actor
from jangter.kernel import audit
from jangter.kernel.context import AppContext
from jangter.kernel.errors import Conflict, NotFound


@dataclass(frozen=True)
class FaqDraft:
    category: TicketCategory
    question: str
    answer: str


def draft_from_ticket(ctx: AppContext, actor: Actor | None, number: str) -> FaqDraft:
    """What the FAQ form starts from: the ticket's subject and text, and its latest answer (to be edited)."""
    require_role(actor, Role.OPERATOR)
    with ctx.db.reading() as session:
        row = load_ticket(session, number)
        latest = session.scalar(
            select(TicketMessage.text)
            .where(TicketMessage.ticket_id == row.id, TicketMessage.kind == "answer")
            .order_by(TicketMessage.id.desc())
            .limit(1)
        )
    return FaqDraft(TicketCategory(row.category), f"{row.subject}\n\n{row.body}", latest or "")


def publish_from_ticket(ctx: AppContext, actor: Actor | None, number: str, question: str, answer: str) -> int:
    """FAQ 등록: from a ticket that has been answered (whatever its state now), once per ticket."""
    operator = require_role(actor, Role.OPERATOR)
    question, answer = check_faq(question, answer)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        row = load_ticket(session, number, for_update=True)
        if row.first_answered_at is None:
            raise Conflict(
                "faq_needs_answer",
                "답변한 문의만 FAQ로 만들 수 있습니다.",
                "Only an answered ticket can become an FAQ entry.",
            )
        if session.scalar(select(FaqEntry.id).where(FaqEntry.ticket_id == row.id)) is not None:
            raise Conflict("faq_exists", "이 문의로 만든 FAQ가 이미 있습니다.", "This ticket is in the FAQ already.")
        entry = FaqEntry(
            ticket_id=row.id,
            category=row.category,
            question=question,
            answer=answer,
            published_at=now,
            published_by=operator.person_id,
        )
        session.add(entry)
        session.flush()
        audit.record(
            session,
            at=now,
            actor=audit_actor(operator),
            action="faq.publish",
            entity_type="faq",
            entity_id=str(entry.id),
            after={"ticket": row.number, "category": row.category},
        )
        uow.commit()
        return entry.id


def withdraw(ctx: AppContext, actor: Actor | None, faq_id: int) -> None:
    """FAQ 내리기: no longer shown (kept for the record)."""
    operator = require_role(actor, Role.OPERATOR)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        entry = uow.session.get(FaqEntry, faq_id)
        if entry is None or entry.withdrawn_at is not None:
            raise NotFound("FAQ", "FAQ entry", code="faq_not_found")
        entry.withdrawn_at = now
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(operator),
            action="faq.withdraw",
            entity_type="faq",
            entity_id=str(entry.id),
        )
        uow.commit()


@dataclass(frozen=True)
class FaqView:
    id: int
    category: TicketCategory
    question: str
    answer: str
    published_at: datetime


def list_faq(ctx: AppContext, *, q: str = "", category: TicketCategory | None = None) -> list[FaqView]:
    """The FAQ in force, by category then newest first; every word of ``q`` in the question or the answer."""
    conditions: list[ColumnElement[bool]] = [FaqEntry.withdrawn_at.is_(None)]
    if category is not None:
        conditions.append(FaqEntry.category == category.value)
    for word in q.split()[:5]:
        pattern = f"%{word.replace('%', '').replace('_', '')}%"
        conditions.append(or_(FaqEntry.question.ilike(pattern), FaqEntry.answer.ilike(pattern)))
    with ctx.db.reading() as session:
        rows = session.scalars(select(FaqEntry).where(*conditions).order_by(FaqEntry.id.desc()).limit(500)).all()
    order = {c: i for i, c in enumerate(TicketCategory)}
    views = [FaqView(r.id, TicketCategory(r.category), r.question, r.answer, r.published_at) for r in rows]
    return sorted(views, key=lambda v: order[v.category])
