"""Pages anyone can read: the notice list, a notice with its results, the rules in force, the language switch."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from jangter.evaluation.domain.award_floor import derive_floor_rate
from jangter.evaluation.negotiation import negotiation_view
from jangter.evaluation.queries import draw_check, opening_results, private_contract, review_view
from jangter.kernel.calendar import seoul_date
from jangter.kernel.errors import DomainError
from jangter.kernel.ids import parse_notice_reference
from jangter.kernel.procurement import Category, Jurisdiction
from jangter.rules.store import loaded_files
from jangter.tendering import queries
from jangter.tendering.domain.notice import NoticeStatus
from jangter.transparency.queries import log_overview
from jangter.web.http import Ctx, PageActor, get_settings
from jangter.web.i18n import LANG_COOKIE, LANGS
from jangter.web.pages.forms import safe_next
from jangter.web.rendering import render

router = APIRouter(include_in_schema=False)

PUBLIC_STATUSES = [s for s in NoticeStatus if s is not NoticeStatus.DRAFT]


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/notices", status_code=303)


@router.get("/notices", response_class=HTMLResponse)
def notice_list(
    request: Request,
    ctx: Ctx,
    q: str | None = None,
    status: str | None = None,
    category: str | None = None,
    region: str | None = None,
    cursor: str | None = None,
) -> HTMLResponse:
    flt = queries.NoticeFilter(
        status=NoticeStatus(status) if status in {s.value for s in PUBLIC_STATUSES} else None,
        category=Category(category) if category in {c.value for c in Category} else None,
        region=region or None,
        query=(q or "")[:100] or None,
    )
    page = queries.list_public(ctx, flt, cursor=cursor, limit=20)
    base_query = urlencode(
        {k: v for k, v in {"q": flt.query, "status": status, "category": category, "region": region}.items() if v}
    )
    return render(
        request,
        "notices.html",
        {
            "page": page,
            "flt": flt,
            "statuses": PUBLIC_STATUSES,
            "categories": list(Category),
            "cursor": cursor,
            "base_query": base_query,
        },
    )


@router.get("/notices/{reference}", response_class=HTMLResponse)
def notice_page(request: Request, ctx: Ctx, actor: PageActor, reference: str) -> HTMLResponse:
    number = parse_notice_reference(reference)[0]
    notice = queries.get_notice(ctx, number, actor)
    results = opening_results(ctx, number)
    return render(
        request,
        "notice.html",
        {
            "n": notice,
            "results": results,
            "private": private_contract(ctx, number),
            "review": review_view(ctx, actor, number),
            "negotiation": negotiation_view(ctx, actor, number),
            "errors": {},
        },
    )


@router.get("/notices/{reference}/draw", response_class=HTMLResponse)
def draw_page(request: Request, ctx: Ctx, actor: PageActor, reference: str, round: int | None = None) -> HTMLResponse:
    """개찰 검증: the opening recomputed from the public log, step by step."""
    number = parse_notice_reference(reference)[0]
    notice = queries.get_notice(ctx, number, actor)
    try:
        check = draw_check(ctx, number, round)
    except DomainError as exc:
        if exc.code != "draw_not_available":
            raise
        check = None
    return render(request, "draw.html", {"n": notice, "check": check}, status=200 if check else 404)


@router.get("/log", response_class=HTMLResponse)
def log_page(request: Request, ctx: Ctx) -> HTMLResponse:
    """공개 로그: the platform key, the latest signed tree heads and entries, and how to check them."""
    return render(request, "log.html", {"log": log_overview(ctx)})


@router.get("/rules", response_class=HTMLResponse)
def rules_page(request: Request, ctx: Ctx) -> HTMLResponse:
    today = seoul_date(ctx.clock.now())
    return render(
        request,
        "rules.html",
        {
            "rule_sets": ctx.rules.all(),
            "measures": ctx.rules.measures(),
            "loaded": loaded_files(ctx),
            "in_force": {track: ctx.rules.in_force(track, today).version for track in Jurisdiction},
            "today": today,
            "derive": derive_floor_rate,
        },
    )


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: str, next: str | None = None) -> RedirectResponse:
    if lang not in LANGS:
        raise DomainError("lang_unknown", "지원하지 않는 언어입니다.", "Unsupported language.", status=404)
    response = RedirectResponse(safe_next(next, "/notices"), status_code=303)
    response.set_cookie(
        LANG_COOKIE,
        lang,
        max_age=365 * 24 * 3600,
        samesite="lax",
        secure=get_settings(request).secure_cookies,
    )
    return response
