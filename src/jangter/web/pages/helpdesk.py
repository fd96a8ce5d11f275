"""Pages of the helpdesk (고객지원, issue #9 point 4): anyone files an inquiry or an error report (with an attachment,
without JavaScript, errors next to the fields), follows it, and reads the FAQ; operators work the queue."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from jangter.helpdesk import faq, queue, tickets
from jangter.helpdesk.api import attachment_response
from jangter.helpdesk.counts import counts_by_category_and_day
from jangter.helpdesk.domain import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    Attachment,
    NewTicket,
    TicketAction,
    TicketCategory,
    TicketKind,
    TicketStatus,
    check_ticket,
)
from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.kernel.calendar import seoul_date
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.web.http import Ctx, Form, PageActor, check_csrf, page_actor
from jangter.web.i18n import choose_lang
from jangter.web.pages.forms import FormReader, errors_by_field, safe_next
from jangter.web.rendering import render

router = APIRouter(include_in_schema=False)

TICKET_FIELDS = ("kind", "category", "subject", "body", "name", "email", "page_url", "notice")
ACCEPT = ",".join(f".{ext}" for ext in ATTACHMENT_TYPES)


def _refusal(exc: DomainError | ValidationProblems) -> int:
    return exc.status if isinstance(exc, DomainError) else 422


# --- filing -------------------------------------------------------------------------------------------------------


def _help_page(
    request: Request,
    ctx: AppContext,
    actor: Actor | None,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "help.html",
        {
            "v": values or {},
            "errors": errors or {},
            "kinds": list(TicketKind),
            "categories": list(TicketCategory),
            "mine": tickets.my_tickets(ctx, actor) if actor is not None else [],
            "accept": ACCEPT,
            "max_mb": ATTACHMENT_MAX_BYTES // 1024 // 1024,
        },
        status=status,
    )


@router.get("/help", response_class=HTMLResponse)
def help_page(
    request: Request, ctx: Ctx, actor: PageActor, page: str = "", notice: str = "", kind: str = ""
) -> HTMLResponse:
    """The form, filled with the page (and notice) the reporter came from when a link says so."""
    values = {"page_url": safe_next(page[:500], ""), "notice": notice[:20], "kind": kind[:20]}
    return _help_page(request, ctx, actor, values=values)


@router.post("/help", response_class=HTMLResponse)
async def file_ticket(request: Request, ctx: Ctx) -> Response:
    actor = await run_in_threadpool(page_actor, request)
    attachment: Attachment | None = None
    async with request.form(max_part_size=64 * 1024) as form:
        fields = FormData([(k, v) for k, v in form.multi_items() if isinstance(v, str)])
        upload = form.get("attachment")
        if isinstance(upload, UploadFile) and upload.filename:
            attachment = Attachment(upload.filename, await upload.read(ATTACHMENT_MAX_BYTES + 1))
    check_csrf(request, FormReader(fields).text("csrf"))
    return await run_in_threadpool(_file, request, ctx, actor, fields, attachment)


def _file(
    request: Request, ctx: AppContext, actor: Actor | None, form: FormData, attachment: Attachment | None
) -> Response:
    reader = FormReader(form)
    values = {k: reader.text(k) for k in TICKET_FIELDS}
    try:
        ticket = NewTicket(
            kind=reader.choice("kind", TicketKind, TicketKind.INQUIRY),
            category=reader.choice("category", TicketCategory, TicketCategory.OTHER),
            subject=reader.text("subject"),
            body=reader.text("body"),
            name=reader.text("name"),
            email=reader.text("email"),
            page_url=reader.text("page_url"),
            notice=reader.text("notice"),
            attachment=attachment,
        )
        reader.raise_if_problems(lambda: _check(ticket, actor))
        filed = tickets.file_ticket(ctx, actor, ticket)
    except (DomainError, ValidationProblems) as exc:
        if isinstance(exc, DomainError) and exc.status in (401, 403):
            raise
        errors = errors_by_field(exc, choose_lang(request))
        if attachment is not None and "attachment" not in errors:
            errors["attachment"] = _attach_again(choose_lang(request))
        return _help_page(request, ctx, actor, values=values, errors=errors, status=_refusal(exc))
    key = "" if actor is not None else f"&key={filed.key}"
    return RedirectResponse(f"/help/tickets/{filed.number}?done=filed{key}", status_code=303)


def _check(ticket: NewTicket, actor: Actor | None) -> None:
    check_ticket(ticket, signed_in=actor is not None)


def _attach_again(lang: str) -> str:
    """A browser never sends a file twice: say so next to the field when the form comes back for other reasons."""
    if lang == "en":
        return "Nothing was saved yet: choose the file again before you send."
    return "아직 저장되지 않았습니다. 보내기 전에 파일을 다시 선택하십시오."


# --- following ----------------------------------------------------------------------------------------------------


def _ticket_page(
    request: Request,
    ctx: AppContext,
    actor: Actor | None,
    number: str,
    key: str | None,
    *,
    done: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    view = tickets.get_ticket(ctx, actor, number, key)
    return render(
        request,
        "help_ticket.html",
        {
            "tk": view,
            "key": key or "",
            "follow": tickets.follow_url(ctx, number) if done == "filed" and key else None,
            "done": done,
            "errors": errors or {},
            "values": values or {},
        },
        status=status,
    )


@router.get("/help/tickets/{ticket}", response_class=HTMLResponse)
def ticket_page(
    request: Request, ctx: Ctx, actor: PageActor, ticket: str, key: str | None = None, done: str | None = None
) -> HTMLResponse:
    return _ticket_page(request, ctx, actor, ticket, key, done=done)


@router.post("/help/tickets/{ticket}/reply")
def reply(request: Request, ctx: Ctx, actor: PageActor, ticket: str, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    key = reader.text("key") or None
    try:
        message = tickets.reply(ctx, actor, ticket, reader.text("text"), key)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        errors = errors_by_field(exc, choose_lang(request))
        return _ticket_page(
            request, ctx, actor, ticket, key, errors=errors, values={"text": reader.text("text")}, status=exc.status
        )
    follow = f"&key={key}" if key else ""
    return RedirectResponse(f"/help/tickets/{ticket}?done=replied{follow}#message-{message}", status_code=303)


@router.get("/help/tickets/{ticket}/attachment")
def download(ctx: Ctx, actor: PageActor, ticket: str, key: str | None = None) -> Response:
    return attachment_response(tickets.attachment_file(ctx, actor, ticket, key))


@router.get("/help/faq", response_class=HTMLResponse)
def faq_page(request: Request, ctx: Ctx, q: str = "", category: str | None = None) -> HTMLResponse:
    chosen = TicketCategory(category) if category in {c.value for c in TicketCategory} else None
    entries = faq.list_faq(ctx, q=q[:200], category=chosen)
    groups = [(c, [e for e in entries if e.category is c]) for c in TicketCategory]
    return render(
        request,
        "help_faq.html",
        {
            "groups": [(c, items) for c, items in groups if items],
            "total": len(entries),
            "f": {"q": q[:200], "category": category or ""},
            "categories": list(TicketCategory),
        },
    )


# --- the operators' queue -----------------------------------------------------------------------------------------


@router.get("/operator/helpdesk", response_class=HTMLResponse)
def queue_page(
    request: Request, ctx: Ctx, actor: PageActor, status: str = "", category: str = "", assignee: str = ""
) -> HTMLResponse:
    require_role(actor, Role.OPERATOR)
    flt = queue.QueueFilter(
        TicketStatus(status) if status in {s.value for s in TicketStatus} else None,
        TicketCategory(category) if category in {c.value for c in TicketCategory} else None,
        assignee if assignee in ("me", "none") or assignee.isdigit() else "",
    )
    today = seoul_date(ctx.clock.now())
    days = [today.fromordinal(today.toordinal() - i) for i in range(6, -1, -1)]
    table: dict[tuple[object, TicketCategory], int] = {}
    for row in counts_by_category_and_day(ctx, days[0], today):
        table[(row.day, row.category)] = table.get((row.day, row.category), 0) + row.count
    return render(
        request,
        "operator_helpdesk.html",
        {
            "rows": queue.queue(ctx, actor, flt),
            "f": {"status": status, "category": category, "assignee": flt.assignee},
            "statuses": list(TicketStatus),
            "categories": list(TicketCategory),
            "operators": queue.operators(ctx, actor),
            "days": days,
            "counts": table,
        },
    )


def _work_page(
    request: Request,
    ctx: AppContext,
    actor: Actor | None,
    number: str,
    *,
    done: str | None = None,
    canned: int | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    require_role(actor, Role.OPERATOR)
    view = tickets.get_ticket(ctx, actor, number)
    answers = queue.canned_answers(ctx, actor)
    filled = dict(values or {})
    picked = next((c for c in answers if c.id == canned), None)
    if picked is not None and "text" not in filled:
        filled["text"] = picked.body
    if view.faq_id is None and view.first_answered_at is not None and "question" not in filled:
        draft = faq.draft_from_ticket(ctx, actor, number)
        filled.setdefault("question", draft.question)
        filled.setdefault("answer", draft.answer)
    return render(
        request,
        "operator_ticket.html",
        {
            "tk": view,
            "done": done,
            "canned": answers,
            "picked": canned,
            "operators": queue.operators(ctx, actor),
            "errors": errors or {},
            "values": filled,
        },
        status=status,
    )


@router.get("/operator/helpdesk/tickets/{ticket}", response_class=HTMLResponse)
def work_page(
    request: Request, ctx: Ctx, actor: PageActor, ticket: str, done: str | None = None, canned: str = ""
) -> HTMLResponse:
    return _work_page(request, ctx, actor, ticket, done=done, canned=int(canned) if canned.isdigit() else None)


def _act(
    request: Request,
    ctx: AppContext,
    actor: Actor | None,
    number: str,
    form: FormData,
    act: str,
) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    require_role(actor, Role.OPERATOR)
    values = {k: reader.text(k) for k in ("text", "note", "question", "answer")}
    try:
        if act == "assign":
            chosen = reader.text("assignee")
            queue.assign(ctx, actor, number, int(chosen) if chosen.isdigit() else None)
        elif act == "status":
            action = reader.choice("action", TicketAction, TicketAction.CLOSE)
            reader.raise_if_problems()
            queue.change_status(ctx, actor, number, action)
        elif act == "answer":
            queue.answer(ctx, actor, number, reader.text("text"))
        elif act == "note":
            queue.add_note(ctx, actor, number, reader.text("note"))
        else:
            faq.publish_from_ticket(ctx, actor, number, reader.text("question"), reader.text("answer"))
    except (DomainError, ValidationProblems) as exc:
        if isinstance(exc, DomainError) and exc.status in (401, 403, 404):
            raise
        errors = errors_by_field(exc, choose_lang(request))
        if "_" in errors or not errors:
            errors = {"_": errors.get("_") or exc.message(choose_lang(request))}
        return _work_page(request, ctx, actor, number, errors=errors, values=values, status=_refusal(exc))
    return RedirectResponse(f"/operator/helpdesk/tickets/{number}?done={act}", status_code=303)


@router.post("/operator/helpdesk/tickets/{ticket}/assign")
def assign(request: Request, ctx: Ctx, actor: PageActor, ticket: str, form: Form) -> Response:
    return _act(request, ctx, actor, ticket, form, "assign")


@router.post("/operator/helpdesk/tickets/{ticket}/status")
def change_status(request: Request, ctx: Ctx, actor: PageActor, ticket: str, form: Form) -> Response:
    return _act(request, ctx, actor, ticket, form, "status")


@router.post("/operator/helpdesk/tickets/{ticket}/answer")
def answer(request: Request, ctx: Ctx, actor: PageActor, ticket: str, form: Form) -> Response:
    return _act(request, ctx, actor, ticket, form, "answer")


@router.post("/operator/helpdesk/tickets/{ticket}/note")
def note(request: Request, ctx: Ctx, actor: PageActor, ticket: str, form: Form) -> Response:
    return _act(request, ctx, actor, ticket, form, "note")


@router.post("/operator/helpdesk/tickets/{ticket}/faq")
def make_faq(request: Request, ctx: Ctx, actor: PageActor, ticket: str, form: Form) -> Response:
    return _act(request, ctx, actor, ticket, form, "faq")


# --- canned answers and the FAQ -----------------------------------------------------------------------------------


def _canned_page(
    request: Request,
    ctx: AppContext,
    actor: Actor | None,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    done: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "operator_canned.html",
        {
            "canned": queue.canned_answers(ctx, actor),
            "faq": faq.list_faq(ctx),
            "categories": list(TicketCategory),
            "v": values or {},
            "errors": errors or {},
            "done": done,
        },
        status=status,
    )


@router.get("/operator/helpdesk/canned", response_class=HTMLResponse)
def canned_page(request: Request, ctx: Ctx, actor: PageActor, done: str | None = None) -> HTMLResponse:
    return _canned_page(request, ctx, actor, done=done)


@router.post("/operator/helpdesk/canned")
def add_canned(request: Request, ctx: Ctx, actor: PageActor, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    require_role(actor, Role.OPERATOR)
    values = {k: reader.text(k) for k in ("title", "body", "category")}
    category = reader.text("category")
    try:
        queue.add_canned(
            ctx,
            actor,
            reader.text("title"),
            reader.text("body"),
            TicketCategory(category) if category in {c.value for c in TicketCategory} else None,
        )
    except (DomainError, ValidationProblems) as exc:
        errors = errors_by_field(exc, choose_lang(request))
        return _canned_page(request, ctx, actor, values=values, errors=errors, status=_refusal(exc))
    return RedirectResponse("/operator/helpdesk/canned?done=added", status_code=303)


@router.post("/operator/helpdesk/canned/{canned_id}/delete")
def remove_canned(request: Request, ctx: Ctx, actor: PageActor, canned_id: int, form: Form) -> Response:
    check_csrf(request, FormReader(form).text("csrf"))
    queue.remove_canned(ctx, actor, canned_id)
    return RedirectResponse("/operator/helpdesk/canned?done=removed", status_code=303)


@router.post("/operator/helpdesk/faq/{faq_id}/withdraw")
def withdraw_faq(request: Request, ctx: Ctx, actor: PageActor, faq_id: int, form: Form) -> Response:
    check_csrf(request, FormReader(form).text("csrf"))
    faq.withdraw(ctx, actor, faq_id)
    return RedirectResponse("/operator/helpdesk/canned?done=withdrawn", status_code=303)
