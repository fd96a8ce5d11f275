"""Pages for incidents (issue #9 point 5): the public status page (/status) with every incident and the deadlines
it moved; the operator's pages to declare an incident, record the recovery, preview the postponement and run it;
and watching a notice (관심공고) from its page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jangter.helpdesk import incidents
from jangter.helpdesk.incident_domain import DraftIncident, Function, check_incident
from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.kernel.ids import parse_notice_reference
from jangter.search import watch
from jangter.web.http import Ctx, Form, PageActor, check_csrf
from jangter.web.i18n import choose_lang
from jangter.web.pages.forms import FormReader, errors_by_field
from jangter.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/status", response_class=HTMLResponse)
def status_page(request: Request, ctx: Ctx) -> HTMLResponse:
    items = incidents.list_incidents(ctx)
    return render(request, "status.html", {"items": items, "ongoing": [i for i in items if i.ongoing]})


@router.get("/status/{incident}", response_class=HTMLResponse)
def incident_page(request: Request, ctx: Ctx, incident: int) -> HTMLResponse:
    view, moved = incidents.get_incident(ctx, incident)
    return render(request, "incident.html", {"i": view, "moved": moved})


def _operator_page(
    request: Request,
    ctx: AppContext,
    actor: Actor | None,
    *,
    values: dict[str, object] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    require_role(actor, Role.OPERATOR)
    return render(
        request,
        "operator_incidents.html",
        {
            "items": incidents.list_incidents(ctx),
            "functions": list(Function),
            "v": values or {},
            "errors": errors or {},
        },
        status=status,
    )


@router.get("/operator/incidents", response_class=HTMLResponse)
def operator_incidents(request: Request, ctx: Ctx, actor: PageActor) -> HTMLResponse:
    return _operator_page(request, ctx, actor)


@router.post("/operator/incidents")
def declare(request: Request, ctx: Ctx, actor: PageActor, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    chosen = [f for f in form.getlist("functions") if isinstance(f, str) and f in {x.value for x in Function}]
    values: dict[str, object] = {k: reader.text(k) for k in ("title", "started_at", "ended_at", "description")}
    values["functions"] = chosen
    try:
        require_role(actor, Role.OPERATOR)
        draft = DraftIncident(
            title=reader.text("title"),
            started_at=reader.seoul_datetime("started_at"),
            ended_at=reader.seoul_datetime("ended_at") if reader.text("ended_at") else None,
            functions=frozenset(Function(f) for f in chosen),
            description=reader.text("description"),
        )
        reader.raise_if_problems(lambda: check_incident(draft, ctx.clock.now()))
        incident = incidents.declare(ctx, actor, draft)
    except (DomainError, ValidationProblems) as exc:
        if isinstance(exc, DomainError) and exc.status in (401, 403):
            raise
        errors = errors_by_field(exc, choose_lang(request))
        return _operator_page(request, ctx, actor, values=values, errors=errors, status=422)
    return RedirectResponse(f"/operator/incidents/{incident}?done=declared", status_code=303)


def _incident_page(
    request: Request,
    ctx: AppContext,
    actor: Actor | None,
    incident: int,
    *,
    errors: dict[str, str] | None = None,
    done: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    require_role(actor, Role.OPERATOR)
    view, moved = incidents.get_incident(ctx, incident)
    return render(
        request,
        "operator_incident.html",
        {
            "i": view,
            "moved": moved,
            "preview": incidents.preview(ctx, actor, incident),
            "errors": errors or {},
            "done": done,
        },
        status=status,
    )


@router.get("/operator/incidents/{incident}", response_class=HTMLResponse)
def operator_incident(
    request: Request, ctx: Ctx, actor: PageActor, incident: int, done: str | None = None
) -> HTMLResponse:
    return _incident_page(request, ctx, actor, incident, done=done)


@router.post("/operator/incidents/{incident}/recovery")
def recover(request: Request, ctx: Ctx, actor: PageActor, incident: int, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    try:
        require_role(actor, Role.OPERATOR)
        ended_at = reader.seoul_datetime("ended_at")
        reader.raise_if_problems()
        incidents.recover(ctx, actor, incident, ended_at)
    except (DomainError, ValidationProblems) as exc:
        if isinstance(exc, DomainError) and exc.status in (401, 403, 404):
            raise
        status = exc.status if isinstance(exc, DomainError) else 422
        errors = errors_by_field(exc, choose_lang(request))
        return _incident_page(request, ctx, actor, incident, errors=errors, status=status)
    return RedirectResponse(f"/operator/incidents/{incident}?done=recovered", status_code=303)


@router.post("/operator/incidents/{incident}/postpone")
def postpone(request: Request, ctx: Ctx, actor: PageActor, incident: int, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    try:
        require_role(actor, Role.OPERATOR)
        expected = reader.integer("expected", -1)
        if reader.text("confirm") != "yes":
            raise DomainError(
                "confirmation_required",
                "미리보기를 확인했다고 표시하십시오.",
                "Tick the box to confirm you checked the preview.",
                field="confirm",
            )
        incidents.postpone(ctx, actor, incident, expected=expected if expected >= 0 else None)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        errors = errors_by_field(exc, choose_lang(request))
        return _incident_page(request, ctx, actor, incident, errors=errors, status=exc.status)
    return RedirectResponse(f"/operator/incidents/{incident}?done=postponed#moved", status_code=303)


@router.post("/notices/{reference}/watch")
def toggle_watch(request: Request, ctx: Ctx, actor: PageActor, reference: str, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    number = parse_notice_reference(reference)[0]
    if reader.text("watch") == "no":
        watch.unwatch(ctx, actor, number)
    else:
        watch.watch(ctx, actor, number)
    return RedirectResponse(f"/notices/{number}#watch", status_code=303)
