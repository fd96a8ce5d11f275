"""The operators' side of the helpdesk (issue #9 point 4): the queue, most urgent first, with filters; assignment;
answers the reporter sees (and is mailed); internal notes; closing and reopening; canned answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jangter.helpdesk.domain import (
    STATUS_LABELS,
    TicketAction,
    TicketCategory,
    TicketStatus,
    check_message,
    transition,
    urgency,
)
from jangter.helpdesk.orm import CannedAnswer, Ticket, TicketMessage
from jangter.helpdesk.tickets import TicketSummary, clocks_of, load_ticket, summary, tell_reporter
from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.identity.orm import Person, PersonRole
from jangter.identity.service import audit_actor
from jangter.kernel import audit, idempotency
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, FieldProblem, NotFound, ValidationProblems
from jangter.kernel.idempotency import IdempotencyClaim

QUEUE_LIMIT = 300


@dataclass(frozen=True)
class QueueFilter:
    status: TicketStatus | None = None  # None: every ticket that is not closed
    category: TicketCategory | None = None
    assignee: str = ""  # "" anyone, "me", "none" (nobody has it), or an operator's person id


@dataclass(frozen=True)
class Operator:
    person_id: int
    name: str


def operators(ctx: AppContext, actor: Actor | None) -> list[Operator]:
    """The people who may be assigned a ticket: the active operators."""
    require_role(actor, Role.OPERATOR)
    with ctx.db.reading() as session:
        return [Operator(pid, name) for pid, name in _operators(session)]


def _operators(session: Session) -> list[tuple[int, str]]:
    rows = session.execute(
        select(Person.id, Person.name)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == Role.OPERATOR.value, Person.active.is_(True))
        .distinct()
        .order_by(Person.id)
    ).all()
    return [(r.id, r.name) for r in rows]


def queue(ctx: AppContext, actor: Actor | None, flt: QueueFilter) -> list[TicketSummary]:
    """접수 목록: the tickets that match, the most urgent first (an answer owed soonest, then resolution)."""
    operator = require_role(actor, Role.OPERATOR)
    now = ctx.clock.now()
    conditions = []
    if flt.status is not None:
        conditions.append(Ticket.status == flt.status.value)
    else:
        conditions.append(Ticket.status != TicketStatus.CLOSED.value)
    if flt.category is not None:
        conditions.append(Ticket.category == flt.category.value)
    if flt.assignee == "me":
        conditions.append(Ticket.assignee_id == operator.person_id)
    elif flt.assignee == "none":
        conditions.append(Ticket.assignee_id.is_(None))
    elif flt.assignee.isdigit():
        conditions.append(Ticket.assignee_id == int(flt.assignee))
    with ctx.db.reading() as session:
        rows = session.scalars(
            select(Ticket).where(*conditions).order_by(Ticket.response_due, Ticket.id).limit(QUEUE_LIMIT)
        ).all()
        names = dict(_operators(session))
    rows = sorted(rows, key=lambda r: urgency(clocks_of(r), now))
    return [summary(r, names.get(r.assignee_id) if r.assignee_id else None, now) for r in rows]


def _changed(
    session: Session,
    operator: Actor,
    row: Ticket,
    action: str,
    before: dict[str, object],
    after: dict[str, object],
    now: datetime,
) -> None:
    row.updated_at = now
    audit.record(
        session,
        at=now,
        actor=audit_actor(operator),
        action=f"ticket.{action}",
        entity_type="ticket",
        entity_id=row.number,
        before=before,
        after=after,
    )


def _take_if_nobody_has_it(row: Ticket, operator: Actor) -> None:
    if row.assignee_id is None:
        row.assignee_id = operator.person_id


def assign(ctx: AppContext, actor: Actor | None, number: str, assignee_id: int | None = None) -> None:
    """배정: to an operator (``None``: to oneself). A new ticket becomes "assigned" and the reporter is told."""
    operator = require_role(actor, Role.OPERATOR)
    now = ctx.clock.now()
    target = assignee_id or operator.person_id
    with ctx.uow() as uow:
        session = uow.session
        row = load_ticket(session, number, for_update=True)
        if target not in dict(_operators(session)):
            raise DomainError(
                "assignee_not_operator",
                "운영자에게만 배정할 수 있습니다.",
                "A ticket is assigned to an operator only.",
                field="assignee",
            )
        before = TicketStatus(row.status)
        after = transition(before, TicketAction.ASSIGN)
        previous = row.assignee_id
        row.assignee_id, row.status = target, after.value
        _changed(
            session,
            operator,
            row,
            "assign",
            {"assignee": previous, "status": before.value},
            {"assignee": target, "status": after.value},
            now,
        )
        if before is TicketStatus.NEW:
            tell_reporter(
                ctx,
                session,
                row,
                "assigned",
                "담당자가 문의를 확인하고 있습니다",
                "담당자가 배정되어 문의를 확인하고 있습니다.\nAn operator has taken your ticket.\n"
                f"상태 / Status: {STATUS_LABELS[after][0]} ({STATUS_LABELS[after][1]})",
            )
        uow.commit()


def answer(ctx: AppContext, actor: Actor | None, number: str, text: str, claim: IdempotencyClaim | None = None) -> int:
    """답변: a message the reporter sees and is mailed; the answer owed is given. Returns the message's id."""
    operator = require_role(actor, Role.OPERATOR)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        row = load_ticket(session, number, for_update=True)
        if claim is not None and (earlier := idempotency.find(session, claim)) is not None:
            return int(earlier.resource_id)
        body = check_message(text, "text")
        before = TicketStatus(row.status)
        after = transition(before, TicketAction.ANSWER)
        message = TicketMessage(ticket_id=row.id, kind="answer", author_id=operator.person_id, text=body, at=now)
        session.add(message)
        session.flush()
        _take_if_nobody_has_it(row, operator)
        row.status = after.value
        row.response_due = None
        if row.first_answered_at is None:
            row.first_answered_at = now
        _changed(
            session,
            operator,
            row,
            "answer",
            {"status": before.value},
            {"status": after.value, "message": message.id},
            now,
        )
        tell_reporter(
            ctx,
            session,
            row,
            f"answer:{message.id}",
            "문의에 답변했습니다",
            f"{body}\n\n해결되지 않았으면 위 링크에서 추가로 문의하십시오.\n"
            "If this does not solve it, reply through the link below.",
        )
        if claim is not None:
            idempotency.remember(session, claim, resource_type="ticket_message", resource_id=str(message.id), at=now)
        uow.commit()
        return message.id


def add_note(ctx: AppContext, actor: Actor | None, number: str, text: str) -> int:
    """내부 메모: for the operators only; the reporter neither sees it nor is told."""
    operator = require_role(actor, Role.OPERATOR)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        row = load_ticket(session, number, for_update=True)
        body = check_message(text, "note")
        message = TicketMessage(ticket_id=row.id, kind="note", author_id=operator.person_id, text=body, at=now)
        session.add(message)
        session.flush()
        _changed(session, operator, row, "note", {}, {"message": message.id}, now)
        uow.commit()
        return message.id


def change_status(ctx: AppContext, actor: Actor | None, number: str, action: TicketAction) -> TicketStatus:
    """종료 or 재개 by an operator; the reporter is told."""
    operator = require_role(actor, Role.OPERATOR)
    if action not in (TicketAction.CLOSE, TicketAction.REOPEN):
        raise DomainError(
            "status_action_invalid", "종료 또는 재개만 할 수 있습니다.", "Close or reopen only.", field="action"
        )
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        row = load_ticket(session, number, for_update=True)
        before = TicketStatus(row.status)
        after = transition(before, action)
        _take_if_nobody_has_it(row, operator)
        row.status = after.value
        if action is TicketAction.CLOSE:
            row.closed_at, row.response_due = now, None
        else:
            row.closed_at = None
        _changed(session, operator, row, action.value, {"status": before.value}, {"status": after.value}, now)
        ko, en = STATUS_LABELS[after]
        tell_reporter(
            ctx,
            session,
            row,
            f"status:{after.value}:{now.isoformat()}",
            f"문의 상태가 바뀌었습니다: {ko}",
            (
                "문의 처리를 마쳤습니다. 더 필요한 것이 있으면 위 링크에서 추가로 문의하십시오.\n"
                "Your ticket is closed; reply through the link below if you need more."
                if action is TicketAction.CLOSE
                else "문의를 다시 처리하고 있습니다.\nYour ticket is open again."
            )
            + f"\n상태 / Status: {ko} ({en})",
        )
        uow.commit()
        return after


# --- canned answers -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Canned:
    id: int
    title: str
    body: str
    category: TicketCategory | None


def canned_answers(ctx: AppContext, actor: Actor | None) -> list[Canned]:
    require_role(actor, Role.OPERATOR)
    with ctx.db.reading() as session:
        rows = session.scalars(
            select(CannedAnswer).where(CannedAnswer.active.is_(True)).order_by(CannedAnswer.category, CannedAnswer.id)
        ).all()
    return [Canned(r.id, r.title, r.body, TicketCategory(r.category) if r.category else None) for r in rows]


def add_canned(
    ctx: AppContext, actor: Actor | None, title: str, body: str, category: TicketCategory | None = None
) -> int:
    """상용 답변 추가."""
    operator = require_role(actor, Role.OPERATOR)
    problems: list[FieldProblem] = []
    if not title.strip() or len(title.strip()) > 200:
        problems.append(
            FieldProblem(
                "title", "canned_title", "제목을 200자 이내로 입력하십시오.", "Give a title (200 characters at most)."
            )
        )
    try:
        text = check_message(body, "body")
    except DomainError as exc:
        problems.extend(exc.problems())
    if problems:
        raise ValidationProblems(problems)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        row = CannedAnswer(
            title=title.strip(),
            body=text,
            category=category.value if category else None,
            active=True,
            updated_at=now,
            updated_by=operator.person_id,
        )
        uow.session.add(row)
        uow.session.flush()
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(operator),
            action="canned.add",
            entity_type="canned_answer",
            entity_id=str(row.id),
            after={"title": row.title, "category": row.category},
        )
        uow.commit()
        return row.id


def remove_canned(ctx: AppContext, actor: Actor | None, canned_id: int) -> None:
    """상용 답변 삭제 (kept, no longer offered)."""
    operator = require_role(actor, Role.OPERATOR)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        row = uow.session.get(CannedAnswer, canned_id)
        if row is None or not row.active:
            raise NotFound("상용 답변", "Canned answer", code="canned_not_found")
        row.active, row.updated_at, row.updated_by = False, now, operator.person_id
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(operator),
            action="canned.remove",
            entity_type="canned_answer",
            entity_id=str(row.id),
            before={"active": True},
            after={"active": False},
        )
        uow.commit()
