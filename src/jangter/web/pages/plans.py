"""Pages for order plans (발주계획, issue #9 point 1): the public, searchable list and each item with its notices;
the agency's procurement officer publishes items and withdraws them. Everything works without JavaScript."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.kernel.calendar import seoul_date
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.kernel.procurement import Category, ContractMethod
from jangter.planning import service
from jangter.planning.domain import PlanItem, check_item
from jangter.web.http import Ctx, Form, PageActor, check_csrf
from jangter.web.i18n import choose_lang
from jangter.web.pages.forms import FormReader, errors_by_field
from jangter.web.rendering import render

router = APIRouter(include_in_schema=False)


def _int(raw: str | None, low: int, high: int) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if low <= value <= high else None


@router.get("/order-plans", response_class=HTMLResponse)
def plans_page(
    request: Request,
    ctx: Ctx,
    q: str = "",
    year: str | None = None,
    quarter: str | None = None,
    category: str | None = None,
    agency: str | None = None,
    cursor: str | None = None,
) -> HTMLResponse:
    chosen = Category(category) if category in {c.value for c in Category} else None
    query = service.PlanQuery(
        q=q[:200],
        year=_int(year, 2000, 2100),
        quarter=_int(quarter, 1, 4),
        category=chosen,
        agency_id=_int(agency, 1, 2**62),
        cursor=cursor,
    )
    page = service.search_plans(ctx, query)
    this_year = seoul_date(ctx.clock.now()).year
    return render(
        request,
        "order_plans.html",
        {
            "page": page,
            "f": {
                "q": q,
                "year": year or "",
                "quarter": quarter or "",
                "category": category or "",
                "agency": agency or "",
            },
            "years": list(range(this_year + 1, this_year - 3, -1)),
            "categories": list(Category),
            "agencies": service.agencies(ctx),
        },
    )


@router.get("/order-plans/{plan}", response_class=HTMLResponse)
def plan_page(request: Request, ctx: Ctx, plan: str) -> HTMLResponse:
    view, notices = service.get_plan(ctx, plan)
    return render(request, "order_plan.html", {"p": view, "notices": notices})


def _manage(
    request: Request,
    ctx: AppContext,
    actor: Actor | None,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    done: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    officer = require_role(actor, Role.PROCUREMENT_OFFICER)
    page = service.search_plans(ctx, service.PlanQuery(agency_id=officer.org_id, include_withdrawn=True, limit=100))
    this_year = seoul_date(ctx.clock.now()).year
    return render(
        request,
        "agency_order_plans.html",
        {
            "page": page,
            "v": values or {"year": str(this_year), "quarter": str((seoul_date(ctx.clock.now()).month - 1) // 3 + 1)},
            "errors": errors or {},
            "done": done,
            "categories": list(Category),
            "years": list(range(this_year - 1, this_year + 3)),
        },
        status=status,
    )


@router.get("/agency/order-plans", response_class=HTMLResponse)
def manage_plans(request: Request, ctx: Ctx, actor: PageActor, done: str | None = None) -> HTMLResponse:
    return _manage(request, ctx, actor, done=done)


@router.post("/agency/order-plans")
def publish_plan(request: Request, ctx: Ctx, actor: PageActor, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    values = {k: reader.text(k) for k in ("year", "quarter", "month", "title", "category", "amount", "description")}
    try:
        item = PlanItem(
            year=reader.integer("year", 0),
            quarter=reader.integer("quarter", 0),
            title=reader.text("title"),
            category=reader.choice("category", Category, Category.GOODS),
            contract_method=ContractMethod.GENERAL_COMPETITIVE,
            amount=reader.won("amount"),
            month=reader.integer("month", 0) if reader.text("month") else None,
            description=reader.text("description"),
        )
        reader.raise_if_problems(lambda: check_item(item, seoul_date(ctx.clock.now()).year))
        number = service.publish_item(ctx, actor, item)
    except (DomainError, ValidationProblems) as exc:
        if isinstance(exc, DomainError) and exc.status in (401, 403):
            raise
        status = exc.status if isinstance(exc, DomainError) else 422
        errors = errors_by_field(exc, choose_lang(request))
        return _manage(request, ctx, actor, values=values, errors=errors, status=status)
    return RedirectResponse(f"/agency/order-plans?done={number}", status_code=303)


@router.post("/agency/order-plans/{plan}/withdraw")
def withdraw_plan(request: Request, ctx: Ctx, actor: PageActor, plan: str, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    try:
        service.withdraw(ctx, actor, plan, reader.text("reason"))
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        errors: dict[str, Any] = {f"withdraw_{plan}": exc.message(choose_lang(request))}
        return _manage(request, ctx, actor, errors=errors, status=exc.status)
    return RedirectResponse("/agency/order-plans", status_code=303)
