"""REST routes of the helpdesk (issue #9 point 4): anyone files a ticket; its reporter follows it (signed in, or with
the ticket's follow key as ``?key=``); operators work the queue; anyone reads the FAQ."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from jangter.helpdesk import faq, queue, tickets
from jangter.helpdesk.counts import counts_by_category_and_day
from jangter.helpdesk.domain import (
    ATTACHMENT_MAX_BYTES,
    Attachment,
    NewTicket,
    TicketAction,
    TicketCategory,
    TicketKind,
    TicketStatus,
    Timer,
    TimerState,
)
from jangter.identity.domain.roles import Role, require_role
from jangter.kernel.calendar import seoul_date
from jangter.kernel.errors import DomainError
from jangter.web.http import ApiActor, Ctx, anonymous_idempotency_claim, idempotency_claim

router = APIRouter(prefix="/api/v1", tags=["helpdesk"])

TicketNumber = Annotated[str, Path(max_length=16, description="접수번호, e.g. HD26-0000123")]
FollowKey = Annotated[
    str | None, Query(max_length=64, description="The ticket's follow key (reporters without an account)")
]


class AttachmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filename: str = Field(max_length=200, description="Its name decides its type: pdf, png, jpg, txt, hwp, hwpx")
    content_base64: str = Field(max_length=(ATTACHMENT_MAX_BYTES * 4) // 3 + 8, description="At most 5 MB")


class TicketIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: TicketKind
    category: TicketCategory
    subject: str = Field(max_length=200)
    body: str = Field(max_length=10_000)
    name: str = Field(default="", max_length=100, description="Without an account: your name (else the account's)")
    email: str = Field(default="", max_length=254, description="Without an account: where answers go")
    page_url: str = Field(default="", max_length=500, description="The page it is about")
    notice: str = Field(default="", max_length=20, description="The notice it concerns, e.g. R26BK00000123-000")
    attachment: AttachmentIn | None = None


class TimerOut(BaseModel):
    state: TimerState
    due: datetime | None
    remaining_minutes: int = Field(description="Negative when overdue")

    @classmethod
    def of(cls, t: Timer) -> TimerOut:
        return cls(state=t.state, due=t.due, remaining_minutes=t.minutes)


class MessageOut(BaseModel):
    id: int
    kind: Literal["reply", "answer", "note"]
    author: str
    text: str
    at: datetime


class TicketOut(BaseModel):
    number: str
    kind: TicketKind
    category: TicketCategory
    subject: str
    body: str
    page_url: str | None
    notice: str | None
    reporter: dict[str, str]
    status: TicketStatus
    assignee: dict[str, Any] | None = Field(description="Operators only")
    filed_at: datetime
    first_response_due: datetime
    resolution_due: datetime
    first_answered_at: datetime | None
    closed_at: datetime | None
    response: TimerOut = Field(description="The answer owed now")
    resolution: TimerOut
    rule_set_version: str
    messages: list[MessageOut] = Field(description="Internal notes are shown to operators only")
    attachment: dict[str, Any] | None
    faq_id: int | None

    @classmethod
    def of(cls, v: tickets.TicketView) -> TicketOut:
        return cls(
            number=v.number,
            kind=v.kind,
            category=v.category,
            subject=v.subject,
            body=v.body,
            page_url=v.page_url,
            notice=v.notice,
            reporter={"name": v.reporter_name, "email": v.reporter_email},
            status=v.status,
            assignee={"id": v.assignee_id, "name": v.assignee_name} if v.for_operator and v.assignee_id else None,
            filed_at=v.filed_at,
            first_response_due=v.first_response_due,
            resolution_due=v.resolution_due,
            first_answered_at=v.first_answered_at,
            closed_at=v.closed_at,
            response=TimerOut.of(v.response),
            resolution=TimerOut.of(v.resolution),
            rule_set_version=v.rule_set_version,
            messages=[MessageOut(id=m.id, kind=m.kind, author=m.author, text=m.text, at=m.at) for m in v.messages],
            attachment=vars(v.attachment) if v.attachment else None,
            faq_id=v.faq_id,
        )


class FiledOut(BaseModel):
    number: str
    follow_key: str = Field(description="Keep it: with it, anyone can follow the ticket (it is also mailed)")
    follow_url: str
    ticket: TicketOut


class SummaryOut(BaseModel):
    number: str
    kind: TicketKind
    category: TicketCategory
    subject: str
    status: TicketStatus
    reporter: str
    assignee: str | None
    filed_at: datetime
    response: TimerOut
    resolution: TimerOut

    @classmethod
    def of(cls, s: tickets.TicketSummary) -> SummaryOut:
        return cls(
            number=s.number,
            kind=s.kind,
            category=s.category,
            subject=s.subject,
            status=s.status,
            reporter=s.reporter_name,
            assignee=s.assignee_name,
            filed_at=s.filed_at,
            response=TimerOut.of(s.response),
            resolution=TimerOut.of(s.resolution),
        )


class TextIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=10_000)


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    assignee_id: int | None = Field(default=None, description="An operator's person id; none: yourself")


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["close", "reopen"]


class FaqIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(max_length=2_000, description="Edited to remove personal data")
    answer: str = Field(max_length=10_000)


class FaqOut(BaseModel):
    id: int
    category: TicketCategory
    question: str
    answer: str
    published_at: datetime


class CountOut(BaseModel):
    day: date = Field(description="Seoul day")
    category: TicketCategory
    kind: TicketKind
    count: int


class CannedOut(BaseModel):
    id: int
    title: str
    body: str
    category: TicketCategory | None


def _attachment(body: AttachmentIn | None) -> Attachment | None:
    if body is None:
        return None
    try:
        content = base64.b64decode(body.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(
            "attachment_not_base64",
            "첨부 파일 내용이 base64가 아닙니다.",
            "content_base64 is not valid base64.",
            field="attachment",
        ) from None
    return Attachment(body.filename, content)


@router.post(
    "/tickets", status_code=201, response_model=FiledOut, summary="File an inquiry or an error report (anyone)"
)
def file_ticket(ctx: Ctx, actor: ApiActor, body: TicketIn, request: Request, response: Response) -> FiledOut:
    document = body.model_dump(mode="json")
    if actor is not None:
        claim = idempotency_claim(request, actor, "POST /tickets", document)
    else:  # without an account the key is the e-mail address's, and a replay needs the same request to the byte
        claim = anonymous_idempotency_claim(request, f"POST /tickets {body.email.strip().lower()[:100]}", document)
    filed = tickets.file_ticket(
        ctx,
        actor,
        NewTicket(
            kind=body.kind,
            category=body.category,
            subject=body.subject,
            body=body.body,
            name=body.name,
            email=body.email,
            page_url=body.page_url,
            notice=body.notice,
            attachment=_attachment(body.attachment),
        ),
        claim,
    )
    response.headers["Location"] = f"/api/v1/tickets/{filed.number}"
    view = tickets.get_ticket(ctx, actor, filed.number, filed.key)
    return FiledOut(
        number=filed.number,
        follow_key=filed.key,
        follow_url=tickets.follow_url(ctx, filed.number),
        ticket=TicketOut.of(view),
    )


@router.get("/tickets", response_model=list[SummaryOut], summary="My tickets (signed in)")
def my_tickets(ctx: Ctx, actor: ApiActor) -> list[SummaryOut]:
    return [SummaryOut.of(s) for s in tickets.my_tickets(ctx, actor)]


@router.get("/tickets/{ticket}", response_model=TicketOut, summary="One ticket (its reporter, or an operator)")
def get_ticket(ctx: Ctx, actor: ApiActor, ticket: TicketNumber, key: FollowKey = None) -> TicketOut:
    return TicketOut.of(tickets.get_ticket(ctx, actor, ticket, key))


@router.get(
    "/tickets/{ticket}/attachment",
    summary="The ticket's attachment (its reporter, or an operator)",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def get_attachment(ctx: Ctx, actor: ApiActor, ticket: TicketNumber, key: FollowKey = None) -> Response:
    return attachment_response(tickets.attachment_file(ctx, actor, ticket, key))


def attachment_response(file: tickets.AttachmentFile) -> Response:
    """A download, never shown inline: the file is whatever the reporter attached."""
    return Response(
        file.content,
        media_type=file.media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(file.filename)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post(
    "/tickets/{ticket}/replies",
    status_code=201,
    response_model=TicketOut,
    summary="Write again on one's ticket (its reporter); reopens an answered or closed ticket",
)
def reply(
    ctx: Ctx, actor: ApiActor, ticket: TicketNumber, body: TextIn, request: Request, key: FollowKey = None
) -> TicketOut:
    document = body.model_dump(mode="json")
    if actor is not None:
        claim = idempotency_claim(request, actor, f"POST /tickets/{ticket}/replies", document)
    else:
        claim = anonymous_idempotency_claim(request, f"POST /tickets/{ticket}/replies", document) if key else None
    tickets.reply(ctx, actor, ticket, body.text, key, claim)
    return TicketOut.of(tickets.get_ticket(ctx, actor, ticket, key))


@router.get("/helpdesk/queue", response_model=list[SummaryOut], summary="The operators' queue, most urgent first")
def get_queue(
    ctx: Ctx,
    actor: ApiActor,
    status: TicketStatus | None = None,
    category: TicketCategory | None = None,
    assignee: Annotated[str, Query(pattern=r"^(|me|none|\d{1,18})$")] = "",
) -> list[SummaryOut]:
    return [SummaryOut.of(s) for s in queue.queue(ctx, actor, queue.QueueFilter(status, category, assignee))]


@router.post("/tickets/{ticket}/assign", response_model=TicketOut, summary="Assign a ticket (operator)")
def assign(ctx: Ctx, actor: ApiActor, ticket: TicketNumber, body: AssignIn) -> TicketOut:
    queue.assign(ctx, actor, ticket, body.assignee_id)
    return TicketOut.of(tickets.get_ticket(ctx, actor, ticket))


@router.post("/tickets/{ticket}/status", response_model=TicketOut, summary="Close or reopen a ticket (operator)")
def change_status(ctx: Ctx, actor: ApiActor, ticket: TicketNumber, body: StatusIn) -> TicketOut:
    queue.change_status(ctx, actor, ticket, TicketAction(body.action))
    return TicketOut.of(tickets.get_ticket(ctx, actor, ticket))


@router.post(
    "/tickets/{ticket}/answer",
    status_code=201,
    response_model=TicketOut,
    summary="Answer the reporter (operator); the reporter is mailed",
)
def answer(ctx: Ctx, actor: ApiActor, ticket: TicketNumber, body: TextIn, request: Request) -> TicketOut:
    claim = idempotency_claim(request, actor, f"POST /tickets/{ticket}/answer", body.model_dump(mode="json"))
    queue.answer(ctx, actor, ticket, body.text, claim)
    return TicketOut.of(tickets.get_ticket(ctx, actor, ticket))


@router.post(
    "/tickets/{ticket}/notes", status_code=201, response_model=TicketOut, summary="An internal note (operator)"
)
def add_note(ctx: Ctx, actor: ApiActor, ticket: TicketNumber, body: TextIn) -> TicketOut:
    queue.add_note(ctx, actor, ticket, body.text)
    return TicketOut.of(tickets.get_ticket(ctx, actor, ticket))


@router.post(
    "/tickets/{ticket}/faq", status_code=201, response_model=FaqOut, summary="Make an answered ticket an FAQ entry"
)
def make_faq(ctx: Ctx, actor: ApiActor, ticket: TicketNumber, body: FaqIn) -> FaqOut:
    entry = faq.publish_from_ticket(ctx, actor, ticket, body.question, body.answer)
    return next(FaqOut(**vars(f)) for f in faq.list_faq(ctx) if f.id == entry)


@router.get("/faq", response_model=list[FaqOut], summary="Frequently asked questions (public)")
def list_faq(
    ctx: Ctx, q: Annotated[str, Query(max_length=200)] = "", category: TicketCategory | None = None
) -> list[FaqOut]:
    return [FaqOut(**vars(f)) for f in faq.list_faq(ctx, q=q, category=category)]


@router.get("/helpdesk/canned", response_model=list[CannedOut], summary="Canned answers (operator)")
def canned(ctx: Ctx, actor: ApiActor) -> list[CannedOut]:
    return [CannedOut(**vars(c)) for c in queue.canned_answers(ctx, actor)]


@router.get(
    "/helpdesk/counts",
    response_model=list[CountOut],
    summary="Tickets by Seoul day, category and kind (operator, auditor); both days included, at most 366 days",
)
def counts(ctx: Ctx, actor: ApiActor, start: date | None = None, end: date | None = None) -> list[CountOut]:
    require_role(actor, Role.OPERATOR, Role.AUDITOR)
    last = end or seoul_date(ctx.clock.now())
    first = start or last - timedelta(days=6)
    if first > last or (last - first).days > 366:
        raise DomainError(
            "range_invalid",
            "기간은 시작일부터 종료일까지 366일 이내여야 합니다.",
            "The range must run forward and span at most 366 days.",
            field="start",
        )
    return [CountOut(**vars(row)) for row in counts_by_category_and_day(ctx, first, last)]
