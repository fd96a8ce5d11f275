"""Pages for a person's saved searches and alerts, and a firm's recommended notices (issue #7 point 3)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jangter.kernel.errors import DomainError
from jangter.kernel.ids import parse_notice_reference
from jangter.search import recommend, saved
from jangter.search.service import SearchRequest, similar_notices
from jangter.tendering import queries
from jangter.web.http import Ctx, Form, PageActor, check_csrf
from jangter.web.i18n import choose_lang
from jangter.web.pages.forms import FormReader, errors_by_field
from jangter.web.pages.public import search_request
from jangter.web.rendering import render

router = APIRouter(include_in_schema=False)


def query_string(request: SearchRequest) -> str:
    """The /notices query string that runs a saved search."""
    data = saved.to_json(request)
    names = {"text": "q", "contract_method": "method", "agency_id": "agency"}
    return urlencode({names.get(k, k): v for k, v in data.items()})


@router.get("/my/searches", response_class=HTMLResponse)
def my_searches(request: Request, ctx: Ctx, actor: PageActor, done: str | None = None) -> HTMLResponse:
    return _page(request, ctx, actor, done=done)


def _page(
    request: Request,
    ctx: Ctx,
    actor: PageActor,
    *,
    done: str | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    searches = saved.list_saved(ctx, actor)
    return render(
        request,
        "my_searches.html",
        {"searches": [(s, query_string(s.request)) for s in searches], "done": done, "errors": errors or {}},
        status=status,
    )


@router.post("/my/searches", response_class=HTMLResponse)
def save_search(request: Request, ctx: Ctx, actor: PageActor, form: Form) -> Response:
    """Save the search the notice list is showing (its words and filters come as hidden fields)."""
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    wanted, _ = search_request({k: str(v) for k, v in form.items()}, choose_lang(request))
    try:
        saved.save(ctx, actor, reader.text("name"), wanted, reader.text("alert") == "on")
    except DomainError as exc:
        return _page(request, ctx, actor, errors=errors_by_field(exc, choose_lang(request)), status=exc.status)
    return RedirectResponse("/my/searches?done=saved", status_code=303)


@router.post("/my/searches/{saved_id}/alert")
def toggle_alert(request: Request, ctx: Ctx, actor: PageActor, saved_id: int, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    saved.set_alert(ctx, actor, saved_id, reader.text("alert") == "on")
    return RedirectResponse("/my/searches", status_code=303)


@router.post("/my/searches/{saved_id}/delete")
def delete_search(request: Request, ctx: Ctx, actor: PageActor, saved_id: int, form: Form) -> Response:
    check_csrf(request, FormReader(form).text("csrf"))
    saved.delete_saved(ctx, actor, saved_id)
    return RedirectResponse("/my/searches?done=deleted", status_code=303)


@router.get("/my/recommendations", response_class=HTMLResponse)
def recommendations(request: Request, ctx: Ctx, actor: PageActor) -> HTMLResponse:
    """Open notices the firm may take part in, best first, each with why it is suggested."""
    items = recommend.recommend(ctx, actor)
    return render(request, "recommendations.html", {"items": items})


@router.get("/notices/{reference}/similar", response_class=HTMLResponse)
def similar(request: Request, ctx: Ctx, reference: str) -> HTMLResponse:
    """Notices like this one: a page of its own, so that the notice page never waits for the search engine."""
    number = parse_notice_reference(reference)[0]
    notice = queries.get_notice(ctx, number, None)
    return render(request, "similar.html", {"n": notice, "result": similar_notices(ctx, number)})
