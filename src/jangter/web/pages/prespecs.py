"""Pages for pre-specifications (사전규격, issue #9 point 2): the public list and each specification with its
opinions and answers; firms file opinions there until the deadline; the agency publishes and answers."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.kernel.procurement import Category
from jangter.planning import prespecs
from jangter.planning import service as planning
from jangter.planning.prespec_domain import DraftSpec, check_spec
from jangter.web.http import Ctx, Form, PageActor, check_csrf
from jangter.web.i18n import choose_lang
from jangter.web.pages.forms import FormReader, errors_by_field
from jangter.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/pre-specifications", response_class=HTMLResponse)
def specs_page(
    request: Request, ctx: Ctx, q: str = "", category: str | None = None, open: str | None = None
) -> HTMLResponse:
    chosen = Category(category) if category in {c.value for c in Category} else None
    items = prespecs.list_specs(ctx, q=q[:200], category=chosen, open_only=open == "yes")
    return render(
        request,
        "pre_specs.html",
        {"items": items, "f": {"q": q, "category": category or "", "open": open or ""}, "categories": list(Category)},
    )


def _spec_page(
    request: Request,
    ctx: AppContext,
    actor: Actor | None,
    number: str,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    done: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    spec = prespecs.get_spec(ctx, number)
    firm = actor is not None and (actor.has(Role.BIDDER) or actor.has(Role.COMPANY_ADMIN))
    officer = actor is not None and actor.org_id == spec.agency_id and actor.has(Role.PROCUREMENT_OFFICER)
    return render(
        request,
        "pre_spec.html",
        {
            "s": spec,
            "can_comment": firm and spec.open,
            "can_answer": officer,
            "errors": errors or {},
            "values": values or {},
            "done": done,
        },
        status=status,
    )


@router.get("/pre-specifications/{spec}", response_class=HTMLResponse)
def spec_page(request: Request, ctx: Ctx, actor: PageActor, spec: str, done: str | None = None) -> HTMLResponse:
    return _spec_page(request, ctx, actor, spec, done=done)


@router.post("/pre-specifications/{spec}/opinions")
def file_opinion(request: Request, ctx: Ctx, actor: PageActor, spec: str, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    try:
        seq = prespecs.file_opinion(ctx, actor, spec, reader.text("opinion"))
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        errors = errors_by_field(exc, choose_lang(request))
        values = {"opinion": reader.text("opinion")}
        return _spec_page(request, ctx, actor, spec, errors=errors, values=values, status=exc.status)
    return RedirectResponse(f"/pre-specifications/{spec}?done=opinion#opinion-{seq}", status_code=303)


@router.post("/pre-specifications/{spec}/opinions/{opinion}/answer")
def answer(request: Request, ctx: Ctx, actor: PageActor, spec: str, opinion: int, form: Form) -> Response:
    seq = opinion
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    try:
        prespecs.answer(ctx, actor, spec, seq, reader.text("reply"))
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        errors = {f"reply_{seq}": exc.message(choose_lang(request))}
        return _spec_page(request, ctx, actor, spec, errors=errors, status=exc.status)
    return RedirectResponse(f"/pre-specifications/{spec}?done=answered#opinion-{seq}", status_code=303)


def _new_page(
    request: Request,
    ctx: AppContext,
    actor: Actor | None,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    require_role(actor, Role.PROCUREMENT_OFFICER)
    return render(
        request,
        "pre_spec_form.html",
        {
            "v": values or {},
            "errors": errors or {},
            "categories": [Category.GOODS, Category.SERVICES, Category.WORKS],
            "plans": planning.open_items(ctx, actor),
        },
        status=status,
    )


@router.get("/agency/pre-specifications/new", response_class=HTMLResponse)
def new_spec(request: Request, ctx: Ctx, actor: PageActor) -> HTMLResponse:
    return _new_page(request, ctx, actor)


@router.post("/agency/pre-specifications/new")
def publish_spec(request: Request, ctx: Ctx, actor: PageActor, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    values = {
        k: reader.text(k) for k in ("title", "category", "estimated_price", "description", "urgent", "order_plan")
    }
    try:
        spec = DraftSpec(
            title=reader.text("title"),
            category=reader.choice("category", Category, Category.GOODS),
            estimated_price=reader.won("estimated_price"),
            description=reader.text("description"),
            urgent=reader.text("urgent") == "yes",
            order_plan=reader.text("order_plan") or None,
        )
        reader.raise_if_problems(lambda: check_spec(spec))
        number = prespecs.publish(ctx, actor, spec)
    except (DomainError, ValidationProblems) as exc:
        if isinstance(exc, DomainError) and exc.status in (401, 403):
            raise
        status = exc.status if isinstance(exc, DomainError) else 422
        return _new_page(
            request, ctx, actor, values=values, errors=errors_by_field(exc, choose_lang(request)), status=status
        )
    return RedirectResponse(f"/pre-specifications/{number}?done=published", status_code=303)
