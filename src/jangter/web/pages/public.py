"""Pages anyone can read: the notice list, a notice with its results, the rules in force, the language switch."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from jangter.evaluation.domain.award_floor import derive_floor_rate
from jangter.evaluation.negotiation import negotiation_view
from jangter.evaluation.queries import draw_check, opening_results, private_contract, review_view
from jangter.helpdesk import incidents
from jangter.identity.domain.roles import OrgKind
from jangter.identity.service import list_orgs
from jangter.kernel.calendar import SEOUL, seoul_date
from jangter.kernel.errors import DomainError
from jangter.kernel.ids import parse_notice_reference
from jangter.kernel.procurement import REGIONS, Category, ContractMethod, Jurisdiction
from jangter.rules.store import loaded_files
from jangter.search import watch
from jangter.search.service import SearchRequest, Sort, search_notices
from jangter.tendering import queries
from jangter.tendering.domain.notice import NoticeStatus
from jangter.transparency.queries import log_overview
from jangter.web.http import Ctx, PageActor, get_settings
from jangter.web.i18n import LANG_COOKIE, LANGS, choose_lang
from jangter.web.pages.forms import safe_next
from jangter.web.rendering import render

router = APIRouter(include_in_schema=False)

PUBLIC_STATUSES = [s for s in NoticeStatus if s is not NoticeStatus.DRAFT]


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/notices", status_code=303)


def search_request(params: Mapping[str, str], lang: str) -> tuple[SearchRequest, dict[str, str]]:
    """The search a query string (or a form) asks for, and what is wrong in it, field by field."""
    errors: dict[str, str] = {}

    def amount(name: str) -> int | None:
        raw = (params.get(name) or "").replace(",", "").replace("원", "").strip()
        if not raw:
            return None
        if not raw.isdigit() or len(raw) > 16:
            errors[name] = (
                "금액은 원 단위 숫자로 입력하십시오." if lang == "ko" else "Enter the amount in won, digits only."
            )
            return None
        return int(raw)

    def day(name: str, end: bool) -> datetime | None:
        raw = (params.get(name) or "").strip()
        if not raw:
            return None
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            errors[name] = "날짜는 YYYY-MM-DD로 입력하십시오." if lang == "ko" else "Enter the date as YYYY-MM-DD."
            return None
        start = datetime(value.year, value.month, value.day, tzinfo=SEOUL)
        return start + timedelta(days=1, microseconds=-1) if end else start

    def choice(name: str, kind: type[StrEnumT]) -> StrEnumT | None:
        raw = params.get(name) or ""
        return kind(raw) if raw in {k.value for k in kind} else None

    agency = params.get("agency") or ""
    wanted = SearchRequest(
        text=(params.get("q") or "")[:100],
        status=status if (status := choice("status", NoticeStatus)) in PUBLIC_STATUSES else None,
        category=choice("category", Category),
        contract_method=choice("method", ContractMethod),
        region=(params.get("region") or None) if (params.get("region") or "") in REGIONS else None,
        agency_id=int(agency) if agency.isdigit() else None,
        amount_min=amount("amount_min"),
        amount_max=amount("amount_max"),
        deadline_from=day("deadline_from", end=False),
        deadline_to=day("deadline_to", end=True),
        published_from=day("published_from", end=False),
        published_to=day("published_to", end=True),
        sort=choice("sort", Sort),
        cursor=params.get("cursor") or None,
    )
    return wanted, errors


#: The query-string names of the notice list, as a saved search keeps them.
FILTER_NAMES = ("q", "status", "category", "region", "sort", "method", "agency", "amount_min", "amount_max")


@router.get("/notices", response_class=HTMLResponse)
def notice_list(request: Request, ctx: Ctx, actor: PageActor) -> HTMLResponse:
    """The notice list and search: words, filters and sort from the query string; works without JavaScript."""
    params = request.query_params
    wanted, errors = search_request(params, choose_lang(request))
    result = search_notices(ctx, wanted)
    kept = {k: v for k, v in params.items() if k not in ("cursor", "lang") and v}
    return render(
        request,
        "notices.html",
        {
            "result": result,
            "v": kept,
            "errors": errors,
            "statuses": PUBLIC_STATUSES,
            "categories": list(Category),
            "methods": list(ContractMethod),
            "sorts": list(Sort),
            "agencies": list_orgs(ctx, OrgKind.AGENCY),
            "cursor": wanted.cursor,
            "base_query": urlencode(kept),
            "advanced": any(k in kept for k in ADVANCED),
            "savable": {k: v for k, v in kept.items() if k in FILTER_NAMES},
        },
    )


ADVANCED = (
    "method",
    "agency",
    "amount_min",
    "amount_max",
    "deadline_from",
    "deadline_to",
    "published_from",
    "published_to",
)
StrEnumT = TypeVar("StrEnumT", bound=StrEnum)


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
            "postponements": incidents.postponements_of(ctx, number),
            "watching": watch.watching(ctx, actor, number),
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
