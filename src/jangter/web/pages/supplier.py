"""Pages for a supplier's bid staff: the bid form, the receipt, and "my bids"."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from jangter.bidding import queries as bid_queries
from jangter.bidding import service as bidding
from jangter.bidding.schemas import ReceiptOut
from jangter.contracting import guarantees
from jangter.contracting.domain.guarantee import GuaranteeStatus
from jangter.evaluation.negotiation import negotiation_view
from jangter.identity import passkeys, step_up
from jangter.identity import service as identity
from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.kernel.context import AppContext, StepUpPolicy
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.kernel.ids import parse_notice_reference
from jangter.kernel.procurement import BidBond
from jangter.tendering import queries
from jangter.web.http import Ctx, Form, PageActor, check_csrf, client_where
from jangter.web.i18n import choose_lang
from jangter.web.pages.forms import FormReader, errors_by_field
from jangter.web.pages.security import relying_party
from jangter.web.rendering import render

router = APIRouter(include_in_schema=False)


def _bid_page(
    request: Request,
    ctx: AppContext,
    actor: Actor | None,
    number: str,
    *,
    errors: dict[str, str] | None = None,
    done: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The bid form: the notice's facts, its bid bond (the undertaking bidding gives, or the firm's guarantee and
    the form to ask for one), the passkey check, and the sealing form."""
    bidder = require_role(actor, Role.BIDDER, Role.COMPANY_ADMIN)  # the administrator asks for the bid bond here
    notice = queries.get_notice(ctx, number, actor)
    refused = identity.participation_problem(ctx, bidder.org_id, notice.category.value, notice.region)
    bonds = guarantees.bid_bonds_of(ctx, actor, number) if notice.bid_bond is BidBond.GUARANTEE else []
    return render(
        request,
        "bid_form.html",
        {
            "n": notice,
            "errors": errors or {},
            "done": done,
            "not_eligible": refused.message(choose_lang(request)) if refused else None,
            "negotiation": negotiation_view(ctx, actor, number),
            "step_up": _step_up_window(ctx, actor, notice),
            "passkeys": _passkeys_for_signing(request, ctx, actor),
            "bonds": bonds,
            "bond_accepted": any(b.status is GuaranteeStatus.ACCEPTED for b in bonds),
            "bond_open": any(b.status in (GuaranteeStatus.REQUESTED, GuaranteeStatus.ACCEPTED) for b in bonds),
            "institutions": guarantees.institutions(ctx) if bidder.has(Role.COMPANY_ADMIN) else [],
        },
        status=status,
    )


@router.get("/notices/{reference}/bid", response_class=HTMLResponse)
def bid_form(request: Request, ctx: Ctx, actor: PageActor, reference: str, done: str | None = None) -> HTMLResponse:
    return _bid_page(request, ctx, actor, parse_notice_reference(reference)[0], done=done)


@router.post("/notices/{reference}/bid-bond", response_class=HTMLResponse)
def request_bid_bond(request: Request, ctx: Ctx, actor: PageActor, reference: str, form: Form) -> Response:
    """The firm's company administrator asks an institution for the notice's bid-bond guarantee."""
    number = parse_notice_reference(reference)[0]
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    try:
        institution = reader.integer("institution", 0)
        reader.raise_if_problems()
        guarantees.request_bid_bond(ctx, actor, number, institution)
    except (DomainError, ValidationProblems) as exc:
        if isinstance(exc, DomainError) and exc.status in (401, 403, 404):
            raise
        status = exc.status if isinstance(exc, DomainError) else 422
        return _bid_page(request, ctx, actor, number, errors=errors_by_field(exc, choose_lang(request)), status=status)
    return RedirectResponse(f"/notices/{number}/bid?done=bond_requested", status_code=303)


def _passkeys_for_signing(request: Request, ctx: AppContext, actor: Actor | None) -> str:
    """The bidder's passkeys (JSON list of ids) when the bid can be signed with one on this site, else ``""``."""
    if actor is None or relying_party(request) is None:
        return ""
    ids = passkeys.credential_ids(ctx, actor)
    return json.dumps(ids) if ids else ""


def _step_up_window(ctx: AppContext, actor: Actor | None, notice: queries.NoticeDetail) -> int | None:
    """The window in minutes when this bidder must verify with a passkey before bidding, else ``None``."""
    if actor is None or notice.rule_set_version is None:
        return None
    if passkeys.credential_ids(ctx, actor) and ctx.step_up is not StepUpPolicy.OFF:
        return None  # the bid is signed with a passkey as it is submitted: that is the check
    window = ctx.rules.version(notice.rule_set_version).identity.step_up_minutes
    return window if step_up.needs_step_up(ctx, actor, window) else None


@router.post("/notices/{reference}/bid", response_class=HTMLResponse)
def submit_bid(request: Request, ctx: Ctx, actor: PageActor, reference: str, form: Form) -> Response:
    """The page sends only the envelope sealed in the browser: the amount and picks fields have no ``name``, so
    they never leave the bidder's computer in the clear."""
    number = parse_notice_reference(reference)[0]
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    try:
        raw = reader.text("envelope")
        if not raw:
            raise DomainError(
                "envelope_missing",
                "입찰서는 브라우저에서 봉인되어야 합니다. JavaScript를 켜거나 `jangter bid seal` 명령을 사용하십시오.",
                "Bids are sealed in your browser: turn JavaScript on, or use `jangter bid seal`.",
                field="envelope",
            )
        try:
            document = json.loads(raw)
        except json.JSONDecodeError:
            document = None
        if not isinstance(document, dict):
            raise DomainError(
                "envelope_malformed",
                "봉인된 입찰서를 읽을 수 없습니다.",
                "The sealed bid cannot be read.",
                field="envelope",
            )
        signature = reader.text("passkey_assertion")
        rp = relying_party(request)
        receipt = bidding.submit_bid(
            ctx,
            actor,
            number,
            document,
            where=client_where(request),
            person_signature=bidding.PersonSignature(rp, signature) if signature and rp else None,
        )
    except (DomainError, ValidationProblems) as exc:
        errors = errors_by_field(exc, choose_lang(request))
        return _bid_page(request, ctx, actor, number, errors=errors, status=exc.status)
    return RedirectResponse(f"/receipts/{receipt.receipt_id}?new=1", status_code=303)


@router.get("/receipts/{receipt_id}", response_class=HTMLResponse)
def receipt_page(request: Request, ctx: Ctx, actor: PageActor, receipt_id: str, new: int = 0) -> HTMLResponse:
    receipt = bidding.get_receipt(ctx, actor, receipt_id)
    return render(
        request,
        "receipt.html",
        {"r": receipt, "proof": bidding.log_proof(ctx, receipt), "new": bool(new), "platform_key": ctx.signer},
    )


@router.get("/receipts/{receipt_id}/download")
def receipt_download(ctx: Ctx, actor: PageActor, receipt_id: str) -> JSONResponse:
    """The signed receipt as a file, for ``jangter verify-log receipt`` (the same document as the API gives)."""
    receipt = bidding.get_receipt(ctx, actor, receipt_id)
    document = ReceiptOut.of(receipt, bidding.log_proof(ctx, receipt)).model_dump(mode="json")
    return JSONResponse(
        document,
        headers={"Content-Disposition": f'attachment; filename="jangter-receipt-{receipt.receipt_id}.json"'},
    )


@router.get("/my/bids", response_class=HTMLResponse)
def my_bids(request: Request, ctx: Ctx, actor: PageActor) -> HTMLResponse:
    return render(request, "my_bids.html", {"bids": bid_queries.my_bids(ctx, actor)})
