"""Pages for a supplier's bid staff: the bid form, the receipt, and "my bids"."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jangter.bidding import queries as bid_queries
from jangter.bidding import service as bidding
from jangter.identity.domain.roles import Role, require_role
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.kernel.ids import parse_notice_reference
from jangter.tendering import queries
from jangter.web.http import Ctx, Form, PageActor, check_csrf
from jangter.web.i18n import choose_lang
from jangter.web.pages.forms import FormReader, errors_by_field
from jangter.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/notices/{reference}/bid", response_class=HTMLResponse)
def bid_form(request: Request, ctx: Ctx, actor: PageActor, reference: str) -> HTMLResponse:
    require_role(actor, Role.BIDDER)
    notice = queries.get_notice(ctx, parse_notice_reference(reference)[0], actor)
    return render(request, "bid_form.html", {"n": notice, "errors": {}, "amount": "", "picks": []})


@router.post("/notices/{reference}/bid", response_class=HTMLResponse)
def submit_bid(request: Request, ctx: Ctx, actor: PageActor, reference: str, form: Form) -> Response:
    number = parse_notice_reference(reference)[0]
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    picks: list[object] = []
    for raw in form.getlist("picks"):
        picks.append(int(raw) if isinstance(raw, str) and raw.isdigit() else raw)
    try:
        amount = reader.won("amount")
        reader.raise_if_problems()
        receipt = bidding.submit_bid(ctx, actor, bidding.SubmitBid(number, amount, tuple(picks)))
    except (DomainError, ValidationProblems) as exc:
        notice = queries.get_notice(ctx, number, actor)
        return render(
            request,
            "bid_form.html",
            {
                "n": notice,
                "errors": errors_by_field(exc, choose_lang(request)),
                "amount": reader.text("amount"),
                "picks": [p for p in picks if isinstance(p, int)],
            },
            status=exc.status,
        )
    return RedirectResponse(f"/receipts/{receipt.receipt_id}?new=1", status_code=303)


@router.get("/receipts/{receipt_id}", response_class=HTMLResponse)
def receipt_page(request: Request, ctx: Ctx, actor: PageActor, receipt_id: str, new: int = 0) -> HTMLResponse:
    receipt = bidding.get_receipt(ctx, actor, receipt_id)
    return render(request, "receipt.html", {"r": receipt, "new": bool(new)})


@router.get("/my/bids", response_class=HTMLResponse)
def my_bids(request: Request, ctx: Ctx, actor: PageActor) -> HTMLResponse:
    return render(request, "my_bids.html", {"bids": bid_queries.my_bids(ctx, actor)})
