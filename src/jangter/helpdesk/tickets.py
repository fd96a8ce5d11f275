"""Tickets from the reporter's side (issue #9 point 4): anyone files an inquiry or an error report, signed in or
not; a signed-in reporter finds it under "my tickets", anyone else follows it with the secret link mailed to them
and shown once after filing. The reporter is mailed when the ticket is filed, answered, or changes state.

A follow key is not stored: it is an HMAC of the ticket number under a key derived from the platform key, so it can
be put in every mail, and nobody can make one without that key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jangter.helpdesk.domain import (
    CATEGORY_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    Clocks,
    NewTicket,
    TicketAction,
    TicketCategory,
    TicketKind,
    TicketStatus,
    Timer,
    check_attachment,
    check_message,
    check_ticket,
    is_ticket_number,
    make_ticket_number,
    resolution_timer,
    response_due_after_reply,
    response_timer,
    targets,
    transition,
)
from jangter.helpdesk.orm import FaqEntry, Ticket, TicketAttachment, TicketMessage
from jangter.identity.domain.roles import Actor, Role
from jangter.identity.orm import Person
from jangter.identity.service import audit_actor
from jangter.kernel import audit, counters, idempotency
from jangter.kernel.audit import AuditActor
from jangter.kernel.calendar import seoul_date
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, NotFound
from jangter.kernel.idempotency import IdempotencyClaim
from jangter.kernel.ids import parse_notice_reference
from jangter.kernel.procurement import Jurisdiction
from jangter.notifications import outbox
from jangter.rules.domain import HelpdeskRules
from jangter.tendering.orm import Notice


def follow_key(ctx: AppContext, number: str) -> str:
    """The secret that lets whoever holds it follow the ticket (128 bits, URL-safe)."""
    digest = hmac.new(ctx.signer.derive_key("helpdesk-follow"), number.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def follow_url(ctx: AppContext, number: str) -> str:
    return f"{ctx.base_url}/help/tickets/{number}?key={follow_key(ctx, number)}"


def helpdesk_rules(ctx: AppContext, at: datetime) -> tuple[str, HelpdeskRules]:
    """The service levels in force (the national rule set's: the helpdesk is the platform's, not an agency's)."""
    rules = ctx.rules.in_force(Jurisdiction.NATIONAL, seoul_date(at))
    return rules.version, rules.helpdesk


def is_operator(actor: Actor | None) -> bool:
    return actor is not None and actor.has(Role.OPERATOR)


def load_ticket(session: Session, number: str, *, for_update: bool = False) -> Ticket:
    if not is_ticket_number(number):
        raise NotFound("문의", "Ticket", code="ticket_not_found")
    query = select(Ticket).where(Ticket.number == number)
    if for_update:
        query = query.with_for_update()
    row = session.scalars(query).one_or_none()
    if row is None:
        raise NotFound("문의", "Ticket", code="ticket_not_found")
    return row


def _is_reporter(ctx: AppContext, ticket: Ticket, actor: Actor | None, key: str | None) -> bool:
    if actor is not None and ticket.reporter_id is not None and actor.person_id == ticket.reporter_id:
        return True
    return bool(key) and hmac.compare_digest(key or "", follow_key(ctx, ticket.number))


def tell_reporter(ctx: AppContext, session: Session, ticket: Ticket, event: str, subject: str, lines: str) -> None:
    """Mail the reporter in the caller's transaction; ``event`` makes the outbox key, so a retried act mails once."""
    outbox.enqueue(
        session,
        key=f"helpdesk:{ticket.number}:{event}",
        to=ticket.reporter_email,
        subject=f"[장터 고객지원] {subject} ({ticket.number})",
        body=(
            f"{ticket.reporter_name}님,\n\n{lines}\n\n"
            f"접수번호 / Ticket: {ticket.number}\n제목 / Subject: {ticket.subject}\n"
            f"진행 상황 보기 / Follow it: {follow_url(ctx, ticket.number)}\n\n"
            "이 링크는 본인만 쓰십시오. / Keep this link to yourself."
        ),
        at=ctx.clock.now(),
    )


def _notice(session: Session, reference: str) -> str | None:
    """The notice a ticket concerns: an existing, published notice (a draft is nobody else's business)."""
    if not reference.strip():
        return None
    problem = DomainError(
        "ticket_notice_not_found",
        "해당 공고를 찾을 수 없습니다. 공고번호를 확인하십시오 (예: R26BK00000123-000).",
        "No such notice; check the number (e.g. R26BK00000123-000).",
        field="notice",
    )
    try:
        number, _ = parse_notice_reference(reference)
    except DomainError:
        raise problem from None
    status = session.scalar(select(Notice.status).where(Notice.number == number))
    if status is None or status == "draft":
        raise problem
    return number


@dataclass(frozen=True)
class Filed:
    number: str
    key: str  # the follow key, shown once to a reporter who is not signed in (and mailed)


def file_ticket(
    ctx: AppContext, actor: Actor | None, ticket: NewTicket, claim: IdempotencyClaim | None = None
) -> Filed:
    """접수: a ticket from anyone. A signed-in reporter's name and e-mail are their account's."""
    check_ticket(ticket, signed_in=actor is not None)
    kind_of = check_attachment(ticket.attachment) if ticket.attachment is not None else None
    now = ctx.clock.now()
    version, rules = helpdesk_rules(ctx, now)
    due = targets(rules, ctx.calendar, ticket.kind, now)
    with ctx.uow() as uow:
        session = uow.session
        if claim is not None and (earlier := idempotency.find(session, claim)) is not None:
            return Filed(earlier.resource_id, follow_key(ctx, earlier.resource_id))
        notice = _notice(session, ticket.notice)
        if actor is not None:
            email = session.scalar(select(Person.email).where(Person.id == actor.person_id)) or ""
            name = actor.name
        else:
            email, name = ticket.email.strip(), ticket.name.strip()
        year = seoul_date(now).year
        row = Ticket(
            number=make_ticket_number(year, counters.next_value(session, f"helpdesk:{year}")),
            kind=ticket.kind.value,
            category=ticket.category.value,
            subject=ticket.subject.strip(),
            body=ticket.body.strip(),
            page_url=ticket.page_url.strip() or None,
            notice_number=notice,
            reporter_id=actor.person_id if actor is not None else None,
            reporter_name=name,
            reporter_email=email,
            status=TicketStatus.NEW.value,
            filed_at=now,
            response_due=due.first_response_due,
            first_response_due=due.first_response_due,
            resolution_due=due.resolution_due,
            updated_at=now,
            rule_set_version=version,
        )
        session.add(row)
        session.flush()
        if ticket.attachment is not None and kind_of is not None:
            content = ticket.attachment.content
            session.add(
                TicketAttachment(
                    ticket_id=row.id,
                    filename=ticket.attachment.filename.replace("/", "_").replace("\\", "_")[-200:],
                    media_type=kind_of.media_type,
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    content=content,
                )
            )
        audit.record(
            session,
            at=now,
            actor=audit_actor(actor) if actor is not None else AuditActor(None, f"{name} (비회원)"),
            action="ticket.file",
            entity_type="ticket",
            entity_id=row.number,
            after={"kind": row.kind, "category": row.category, "notice": notice, "status": row.status},
        )
        tell_reporter(
            ctx,
            session,
            row,
            "filed",
            "문의가 접수되었습니다",
            f"문의({KIND_LABELS[ticket.kind][0]}, {CATEGORY_LABELS[ticket.category][0]})가 접수되었습니다. "
            "답변을 드리면 다시 알려 드립니다.\n"
            f"Your {KIND_LABELS[ticket.kind][1].lower()} is filed; we will write again when it is answered.",
        )
        if claim is not None:
            idempotency.remember(session, claim, resource_type="ticket", resource_id=row.number, at=now)
        uow.commit()
        return Filed(row.number, follow_key(ctx, row.number))


# --- reading ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageView:
    id: int
    kind: str  # reply | answer | note
    author: str  # the reporter's name, or the operator's (operators see names; the reporter sees "고객지원")
    text: str
    at: datetime


@dataclass(frozen=True)
class AttachmentInfo:
    filename: str
    media_type: str
    size: int


@dataclass(frozen=True)
class TicketView:
    number: str
    kind: TicketKind
    category: TicketCategory
    subject: str
    body: str
    page_url: str | None
    notice: str | None
    reporter_name: str
    reporter_email: str
    signed_in_reporter: bool
    status: TicketStatus
    assignee_id: int | None
    assignee_name: str | None
    filed_at: datetime
    first_response_due: datetime
    resolution_due: datetime
    first_answered_at: datetime | None
    closed_at: datetime | None
    response: Timer  # the answer owed now
    resolution: Timer
    rule_set_version: str
    messages: tuple[MessageView, ...]
    attachment: AttachmentInfo | None
    faq_id: int | None
    for_operator: bool  # internal notes and names are in; False: the reporter's view


def clocks_of(row: Ticket) -> Clocks:
    return Clocks(TicketStatus(row.status), row.response_due, row.resolution_due, row.closed_at)


def get_ticket(ctx: AppContext, actor: Actor | None, number: str, key: str | None = None) -> TicketView:
    """One ticket for its reporter (signed in, or with the follow key) or for an operator; anyone else: not found."""
    now = ctx.clock.now()
    with ctx.db.reading() as session:
        row = load_ticket(session, number)
        operator = is_operator(actor)
        if not operator and not _is_reporter(ctx, row, actor, key):
            raise NotFound("문의", "Ticket", code="ticket_not_found")
        names: dict[int | None, str] = dict(
            session.execute(
                select(Person.id, Person.name)
                .join(TicketMessage, TicketMessage.author_id == Person.id)
                .where(TicketMessage.ticket_id == row.id)
            ).all()
        )
        if row.assignee_id is not None:
            names[row.assignee_id] = session.scalar(select(Person.name).where(Person.id == row.assignee_id)) or ""
        messages = session.scalars(
            select(TicketMessage).where(TicketMessage.ticket_id == row.id).order_by(TicketMessage.id)
        ).all()
        file = session.execute(
            select(TicketAttachment.filename, TicketAttachment.media_type, TicketAttachment.size).where(
                TicketAttachment.ticket_id == row.id
            )
        ).one_or_none()
        faq_id = session.scalar(
            select(FaqEntry.id).where(FaqEntry.ticket_id == row.id, FaqEntry.withdrawn_at.is_(None))
        )
    shown = []
    for m in messages:
        if m.kind == "note" and not operator:
            continue
        if m.kind == "reply":
            author = row.reporter_name
        elif operator:
            author = names.get(m.author_id or 0, "")
        else:
            author = "장터 고객지원"
        shown.append(MessageView(m.id, m.kind, author, m.text, m.at))
    clocks = clocks_of(row)
    return TicketView(
        number=row.number,
        kind=TicketKind(row.kind),
        category=TicketCategory(row.category),
        subject=row.subject,
        body=row.body,
        page_url=row.page_url,
        notice=row.notice_number,
        reporter_name=row.reporter_name,
        reporter_email=row.reporter_email,
        signed_in_reporter=row.reporter_id is not None,
        status=TicketStatus(row.status),
        assignee_id=row.assignee_id,
        assignee_name=names.get(row.assignee_id) if row.assignee_id is not None and operator else None,
        filed_at=row.filed_at,
        first_response_due=row.first_response_due,
        resolution_due=row.resolution_due,
        first_answered_at=row.first_answered_at,
        closed_at=row.closed_at,
        response=response_timer(clocks, now),
        resolution=resolution_timer(clocks, now),
        rule_set_version=row.rule_set_version,
        messages=tuple(shown),
        attachment=AttachmentInfo(*file) if file is not None else None,
        faq_id=faq_id,
        for_operator=operator,
    )


@dataclass(frozen=True)
class TicketSummary:
    number: str
    kind: TicketKind
    category: TicketCategory
    subject: str
    status: TicketStatus
    reporter_name: str
    assignee_name: str | None
    filed_at: datetime
    updated_at: datetime
    response: Timer
    resolution: Timer


def my_tickets(ctx: AppContext, actor: Actor | None) -> list[TicketSummary]:
    """나의 문의: the signed-in person's tickets, newest first."""
    if actor is None:
        raise DomainError("login_required", "로그인이 필요합니다.", "Please sign in first.", status=401)
    now = ctx.clock.now()
    with ctx.db.reading() as session:
        rows = session.scalars(
            select(Ticket).where(Ticket.reporter_id == actor.person_id).order_by(Ticket.id.desc()).limit(200)
        ).all()
    return [summary(row, None, now) for row in rows]


def summary(row: Ticket, assignee_name: str | None, now: datetime) -> TicketSummary:
    clocks = clocks_of(row)
    return TicketSummary(
        row.number,
        TicketKind(row.kind),
        TicketCategory(row.category),
        row.subject,
        TicketStatus(row.status),
        row.reporter_name,
        assignee_name,
        row.filed_at,
        row.updated_at,
        response_timer(clocks, now),
        resolution_timer(clocks, now),
    )


@dataclass(frozen=True)
class AttachmentFile:
    filename: str
    media_type: str
    content: bytes


def attachment_file(ctx: AppContext, actor: Actor | None, number: str, key: str | None = None) -> AttachmentFile:
    with ctx.db.reading() as session:
        row = load_ticket(session, number)
        if not is_operator(actor) and not _is_reporter(ctx, row, actor, key):
            raise NotFound("문의", "Ticket", code="ticket_not_found")
        file = session.scalars(select(TicketAttachment).where(TicketAttachment.ticket_id == row.id)).one_or_none()
        if file is None:
            raise NotFound("첨부 파일", "Attachment", code="attachment_not_found")
        return AttachmentFile(file.filename, file.media_type, file.content)


# --- the reporter writes again ------------------------------------------------------------------------------------


def reply(
    ctx: AppContext,
    actor: Actor | None,
    number: str,
    text: str,
    key: str | None = None,
    claim: IdempotencyClaim | None = None,
) -> int:
    """추가 문의: the reporter adds to the ticket; an answered or closed ticket goes back to the operators, and an
    answer is owed again within the first-response time. Returns the message's id."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        row = load_ticket(session, number, for_update=True)
        if not _is_reporter(ctx, row, actor, key):
            raise NotFound("문의", "Ticket", code="ticket_not_found")
        if claim is not None and (earlier := idempotency.find(session, claim)) is not None:
            return int(earlier.resource_id)
        body = check_message(text, "text")
        before = TicketStatus(row.status)
        after = transition(before, TicketAction.REPLY)
        message = TicketMessage(ticket_id=row.id, kind="reply", author_id=row.reporter_id, text=body, at=now)
        session.add(message)
        session.flush()
        row.status = after.value
        if before not in (TicketStatus.NEW, TicketStatus.ASSIGNED) or row.response_due is None:
            _, rules = helpdesk_rules(ctx, now)
            row.response_due = response_due_after_reply(rules, ctx.calendar, TicketKind(row.kind), now)
        row.closed_at = None
        row.updated_at = now
        audit.record(
            session,
            at=now,
            actor=audit_actor(actor) if actor is not None else AuditActor(None, f"{row.reporter_name} (비회원)"),
            action="ticket.reply",
            entity_type="ticket",
            entity_id=row.number,
            before={"status": before.value},
            after={"status": after.value, "message": message.id},
        )
        if claim is not None:
            idempotency.remember(session, claim, resource_type="ticket_message", resource_id=str(message.id), at=now)
        uow.commit()
        return message.id


def status_line(status: TicketStatus) -> str:
    ko, en = STATUS_LABELS[status]
    return f"상태 / Status: {ko} ({en})"
