"""Pages for e-government programmes and briefings (issue #9 point 3): the public list and each programme with its
projects, budget against ordered and contracted, and its briefings' transcripts; the live Q&A page of a briefing,
which shows new answers without reloading (``/static/briefing.js`` polls the API; without JavaScript, reloading
shows them); the managers' forms to define programmes, add projects and schedule briefings."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.kernel.calendar import seoul_date
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.planning import programmes
from jangter.planning.programme_domain import (
    BriefingPhase,
    DraftBriefing,
    DraftProgramme,
    DraftProject,
    ServiceType,
    Technology,
    check_briefing,
    check_programme,
    check_project,
)
from jangter.web.http import Ctx, Form, PageActor, check_csrf
from jangter.web.i18n import choose_lang
from jangter.web.pages.forms import FormReader, errors_by_field
from jangter.web.rendering import render

router = APIRouter(include_in_schema=False)

PROJECT_FIELDS = ("title", "agency", "budget", "service_type", "stage", "continuing", "multi_year", "plan_items")
BRIEFING_FIELDS = ("title", "starts_at", "ends_at", "stream_url", "place")


def _labels() -> dict[str, object]:
    return {"service_types": list(ServiceType), "technologies": list(Technology)}


@router.get("/programmes", response_class=HTMLResponse)
def list_page(request: Request, ctx: Ctx, actor: PageActor, year: str = "") -> HTMLResponse:
    chosen = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None
    items = programmes.list_programmes(ctx, chosen)
    manager = actor is not None and (actor.has(Role.OPERATOR) or actor.has(Role.PROCUREMENT_OFFICER))
    return render(request, "programmes.html", {"items": items, "year": year, "can_create": manager})


def _new_page(
    request: Request,
    actor: Actor | None,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    require_role(actor, Role.OPERATOR, Role.PROCUREMENT_OFFICER)
    return render(request, "programme_form.html", {"v": values or {}, "errors": errors or {}}, status=status)


@router.get("/programmes/new", response_class=HTMLResponse)
def new_page(request: Request, actor: PageActor) -> HTMLResponse:
    return _new_page(request, actor)


@router.post("/programmes/new")
def create(request: Request, ctx: Ctx, actor: PageActor, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    values = {k: reader.text(k) for k in ("name", "year", "budget", "description")}
    try:
        draft = DraftProgramme(
            name=reader.text("name"),
            year=reader.integer("year", 0),
            budget=reader.won("budget"),
            description=reader.text("description"),
        )
        reader.raise_if_problems(lambda: check_programme(draft, seoul_date(ctx.clock.now()).year))
        programme = programmes.create(ctx, actor, draft)
    except (DomainError, ValidationProblems) as exc:
        if isinstance(exc, DomainError) and exc.status in (401, 403):
            raise
        status = exc.status if isinstance(exc, DomainError) else 422
        errors = errors_by_field(exc, choose_lang(request))
        return _new_page(request, actor, values=values, errors=errors, status=status)
    return RedirectResponse(f"/programmes/{programme}?done=created", status_code=303)


def _programme_page(
    request: Request,
    ctx: AppContext,
    actor: Actor | None,
    programme: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, object] | None = None,
    done: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    view = programmes.get_programme(ctx, programme, actor)
    return render(
        request,
        "programme.html",
        {
            "p": view,
            "can_manage": programmes.may_manage(actor, view.owner_id),
            "errors": errors or {},
            "values": values or {},
            "done": done,
            **_labels(),
        },
        status=status,
    )


@router.get("/programmes/{programme}", response_class=HTMLResponse)
def programme_page(
    request: Request, ctx: Ctx, actor: PageActor, programme: int, done: str | None = None
) -> HTMLResponse:
    return _programme_page(request, ctx, actor, programme, done=done)


def _prefixed(prefix: str, errors: dict[str, str]) -> dict[str, str]:
    """The programme page has two forms: each one's fields are named with its prefix (a general error stays ``_``)."""
    return {k if k == "_" else prefix + k: v for k, v in errors.items()}


def _plan_numbers(raw: str) -> tuple[str, ...]:
    return tuple(n for n in re.split(r"[\s,]+", raw.upper()) if n)


@router.post("/programmes/{programme}/projects")
def add_project(request: Request, ctx: Ctx, actor: PageActor, programme: int, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    chosen = [t for t in form.getlist("technologies") if isinstance(t, str)]
    values: dict[str, object] = {f"project_{k}": reader.text(k) for k in PROJECT_FIELDS}
    values["project_technologies"] = chosen
    try:
        draft = DraftProject(
            title=reader.text("title"),
            agency=reader.text("agency"),
            budget=reader.won("budget"),
            service_type=reader.choice("service_type", ServiceType, ServiceType.PUBLIC),
            stage=reader.integer("stage", 1),
            continuing=reader.text("continuing") == "yes",
            multi_year=reader.text("multi_year") == "yes",
            technologies=tuple(Technology(t) for t in chosen if t in Technology.__members__.values()),
            plan_items=_plan_numbers(reader.text("plan_items")),
            description=reader.text("description"),
        )
        view = programmes.get_programme(ctx, programme, actor)  # the service checks the budget again, locked
        reader.raise_if_problems(lambda: check_project(draft, budget_left=view.budget - view.allocated))
        seq = programmes.add_project(ctx, actor, programme, draft)
    except (DomainError, ValidationProblems) as exc:
        if isinstance(exc, DomainError) and exc.status in (401, 403, 404):
            raise
        status = exc.status if isinstance(exc, DomainError) else 422
        errors = _prefixed("project_", errors_by_field(exc, choose_lang(request)))
        return _programme_page(request, ctx, actor, programme, errors=errors, values=values, status=status)
    return RedirectResponse(f"/programmes/{programme}?done=project#project-{seq}", status_code=303)


@router.post("/programmes/{programme}/briefings")
def schedule_briefing(request: Request, ctx: Ctx, actor: PageActor, programme: int, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    covered = [int(n) for n in form.getlist("projects") if isinstance(n, str) and n.isdigit()]
    values: dict[str, object] = {f"briefing_{k}": reader.text(k) for k in BRIEFING_FIELDS}
    values["briefing_projects"] = covered
    try:
        draft = DraftBriefing(
            title=reader.text("title"),
            starts_at=reader.seoul_datetime("starts_at"),
            ends_at=reader.seoul_datetime("ends_at"),
            stream_url=reader.text("stream_url"),
            projects=tuple(covered),
            place=reader.text("place"),
        )
        view = programmes.get_programme(ctx, programme, actor)
        reader.raise_if_problems(lambda: check_briefing(draft, ctx.clock.now(), len(view.projects)))
        briefing = programmes.schedule_briefing(ctx, actor, programme, draft)
    except (DomainError, ValidationProblems) as exc:
        if isinstance(exc, DomainError) and exc.status in (401, 403, 404):
            raise
        status = exc.status if isinstance(exc, DomainError) else 422
        errors = _prefixed("briefing_", errors_by_field(exc, choose_lang(request)))
        return _programme_page(request, ctx, actor, programme, errors=errors, values=values, status=status)
    return RedirectResponse(f"/briefings/{briefing}?done=scheduled", status_code=303)


def _briefing_page(
    request: Request,
    ctx: AppContext,
    actor: Actor | None,
    briefing: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    done: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    view = programmes.get_briefing(ctx, briefing, actor)
    programme = programmes.get_programme(ctx, view.programme_id)
    firm = actor is not None and (actor.has(Role.BIDDER) or actor.has(Role.COMPANY_ADMIN))
    return render(
        request,
        "briefing.html",
        {
            "b": view,
            "projects": [p for p in programme.projects if p.seq in view.projects],
            "can_ask": firm and view.phase is not BriefingPhase.ENDED,
            "can_moderate": programmes.may_manage(actor, view.owner_id),
            "errors": errors or {},
            "values": values or {},
            "done": done,
            **_labels(),
        },
        status=status,
    )


@router.get("/briefings/{briefing}", response_class=HTMLResponse)
def briefing_page(request: Request, ctx: Ctx, actor: PageActor, briefing: int, done: str | None = None) -> HTMLResponse:
    return _briefing_page(request, ctx, actor, briefing, done=done)


@router.post("/briefings/{briefing}/questions")
def ask(request: Request, ctx: Ctx, actor: PageActor, briefing: int, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    project = reader.text("project")
    try:
        seq = programmes.ask(ctx, actor, briefing, reader.text("question"), int(project) if project.isdigit() else None)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        errors = {exc.field or "question": exc.message(choose_lang(request))}
        values = {"question": reader.text("question"), "project": project}
        return _briefing_page(request, ctx, actor, briefing, errors=errors, values=values, status=exc.status)
    return RedirectResponse(f"/briefings/{briefing}?done=asked#question-{seq}", status_code=303)


@router.post("/briefings/{briefing}/questions/{question}/answer")
def answer(request: Request, ctx: Ctx, actor: PageActor, briefing: int, question: int, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    try:
        programmes.answer(ctx, actor, briefing, question, reader.text("answer"))
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        errors = {f"answer_{question}": exc.message(choose_lang(request))}
        return _briefing_page(request, ctx, actor, briefing, errors=errors, status=exc.status)
    return RedirectResponse(f"/briefings/{briefing}?done=answered#answer-{question}", status_code=303)
