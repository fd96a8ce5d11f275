"""Pages for contracts (issue #8): the agency drafts from an award; the firm and then the agency sign each version
after a passkey check; the agency amends; both read the signed PDF and its signature check."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jangter.contracting import closing, guarantees, service
from jangter.contracting.domain.contract import ContractStatus, VersionState
from jangter.contracting.domain.guarantee import FAULT_LABELS, ContractEnd, GuaranteeKind, GuaranteeStatus
from jangter.identity import step_up
from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.kernel.calendar import seoul_date
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, FieldProblem, ValidationProblems
from jangter.kernel.ids import parse_notice_reference
from jangter.kernel.procurement import Category
from jangter.payments import service as payments
from jangter.payments import subcontracts
from jangter.payments.domain.ledger import PaymentKind, Recipient, Share
from jangter.rules.domain import DefectClass
from jangter.tendering import queries
from jangter.web.http import Ctx, Form, PageActor, check_csrf
from jangter.web.i18n import choose_lang
from jangter.web.pages.forms import FormReader, errors_by_field
from jangter.web.rendering import render

router = APIRouter(include_in_schema=False)

DONE = (
    "drafted",
    "signed",
    "amended",
    "guarantee_requested",
    "guarantee_accepted",
    "guarantee_rejected",
    "reported",
    "inspected",
    "claimed",
    "paid",
    "subcontracted",
    "passed_on",
    "terminated",
    "guarantee_claimed",
    "guarantee_released",
)


WORKS_DEFECT_CLASSES = (DefectClass.MAJOR, DefectClass.PORT, DefectClass.GENERAL, DefectClass.OTHER)


def _date(reader: FormReader, name: str, *, optional: bool = False) -> date | None:
    raw = reader.text(name)
    if optional and not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        reader.problems.append(FieldProblem(name, "date_invalid", "날짜를 입력하십시오.", "Enter a date."))
        return None


@router.get("/contracts", response_class=HTMLResponse)
def my_contracts(request: Request, ctx: Ctx, actor: PageActor) -> HTMLResponse:
    contracts = service.list_contracts(ctx, actor)
    assert actor is not None
    staff = actor.has(Role.PROCUREMENT_OFFICER) or actor.has(Role.INSPECTOR) or actor.has(Role.FINANCE_OFFICER)
    late = payments.overdue_for(ctx, actor) if staff else []
    return render(request, "contracts.html", {"contracts": contracts, "late": late})


def _signer_side(actor: Actor | None, view: service.ContractView) -> str | None:
    """Which side this person signs for, if they may sign at all."""
    if actor is None:
        return None
    if actor.org_id == view.firm_id and actor.has(Role.COMPANY_ADMIN):
        return "supplier"
    if actor.org_id == view.agency_id and actor.has(Role.PROCUREMENT_OFFICER):
        return "agency"
    return None


def _to_sign(view: service.ContractView, side: str | None) -> int | None:
    """The version waiting for this side's signature."""
    if side is None or view.status in (ContractStatus.COMPLETED, ContractStatus.TERMINATED):
        return None
    waiting = VersionState.DRAFTED if side == "supplier" else VersionState.SIGNED_BY_SUPPLIER
    return next((v.version for v in view.versions if v.state is waiting), None)


REFUSED = (GuaranteeStatus.REJECTED,)


def _contract_page(
    request: Request,
    ctx: AppContext,
    actor: Actor | None,
    number: str,
    *,
    done: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    view = service.get_contract(ctx, actor, number)
    side = _signer_side(actor, view)
    to_sign = _to_sign(view, side)
    window = ctx.rules.version(view.rule_set_version).identity.step_up_minutes
    needs_check = actor is not None and to_sign is not None and step_up.needs_step_up(ctx, actor, window)
    can_amend = (
        side == "agency"
        and view.status in (ContractStatus.SIGNED_BY_AGENCY, ContractStatus.ACTIVE)
        and all(v.state is VersionState.SIGNED for v in view.versions)
    )
    listed = guarantees.for_contract(ctx, actor, number)
    open_kinds = {
        x.kind
        for x in listed
        if x.status in (GuaranteeStatus.REQUESTED, GuaranteeStatus.ISSUED, GuaranteeStatus.ACCEPTED)
    }
    money = payments.payments_of(ctx, actor, number)
    completion_passed = any(d.final and d.status == "passed" for d in money.deliveries)
    kinds = [
        k
        for k in (GuaranteeKind.CONTRACT_DEPOSIT, GuaranteeKind.ADVANCE_PAYMENT)
        if k not in open_kinds and view.status is not ContractStatus.COMPLETED
    ]
    if view.defect_class is not None and completion_passed:
        defect_given = any(x.kind is GuaranteeKind.DEFECT_REPAIR and x.status not in REFUSED for x in listed)
        kinds += [] if defect_given else [GuaranteeKind.DEFECT_REPAIR]
    can_request = side == "supplier" and view.status is not ContractStatus.TERMINATED and bool(kinds)
    can_end = side == "agency" and view.status not in (ContractStatus.COMPLETED, ContractStatus.TERMINATED)
    subs, shares = subcontracts.for_contract(ctx, actor, number, seoul_date(ctx.clock.now()))
    paying = actor is not None and actor.org_id == view.agency_id and actor.has(Role.FINANCE_OFFICER)
    pay_window = window if paying and step_up.needs_step_up(ctx, actor, window) else None  # type: ignore[arg-type]
    end_window = window if can_end and step_up.needs_step_up(ctx, actor, window) else None  # type: ignore[arg-type]
    return render(
        request,
        "contract.html",
        {
            "money": money,
            "subs": subs,
            "shares": shares,
            "sub_of": {x.number: x for x in subs},
            "is_firm": actor is not None and actor.org_id == view.firm_id,
            "is_inspector": actor is not None and actor.org_id == view.agency_id and actor.has(Role.INSPECTOR),
            "is_finance": paying,
            "pay_step_up": pay_window,
            "passed_unclaimed": [
                d.seq
                for d in money.deliveries
                if d.status == "passed" and d.seq not in {c.delivery_seq for c in money.claims}
            ],
            "guarantees": listed,
            "kinds": kinds,
            "can_request": can_request,
            "can_end": can_end,
            "end_step_up": end_window,
            "faults": list(FAULT_LABELS),
            "sign_late": view.sign_by is not None
            and view.status is ContractStatus.DRAFTED
            and seoul_date(ctx.clock.now()) > view.sign_by,
            "institutions": guarantees.institutions(ctx) if can_request else [],
            "c": view,
            "side": side,
            "to_sign": to_sign,
            "step_up": window if needs_check else None,
            "can_amend": can_amend,
            "done": done if done in DONE else None,
            "errors": errors or {},
            "values": values or {},
            "next_url": f"/contracts/{view.number}",
        },
        status=status,
    )


@router.get("/contracts/{number}", response_class=HTMLResponse)
def contract_page(request: Request, ctx: Ctx, actor: PageActor, number: str, done: str | None = None) -> HTMLResponse:
    return _contract_page(request, ctx, actor, number, done=done)


@router.get("/contracts/{number}/versions/{version}/pdf")
def contract_pdf(ctx: Ctx, actor: PageActor, number: str, version: int) -> Response:
    content = service.version_pdf(ctx, actor, number, version)
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{number}-v{version}.pdf"'},
    )


@router.get("/contracts/{number}/versions/{version}/signatures", response_class=HTMLResponse)
def contract_signatures(request: Request, ctx: Ctx, actor: PageActor, number: str, version: int) -> HTMLResponse:
    view = service.get_contract(ctx, actor, number)
    checks = service.signature_checks(ctx, actor, number, version)
    return render(request, "contract_signatures.html", {"c": view, "version": version, "checks": checks})


@router.post("/contracts/{number}/versions/{version}/sign")
def sign(request: Request, ctx: Ctx, actor: PageActor, number: str, version: int, form: Form) -> Response:
    check_csrf(request, FormReader(form).text("csrf"))
    try:
        service.sign(ctx, actor, number, version)
    except DomainError as exc:
        if exc.status == 401:
            raise
        return _contract_page(
            request, ctx, actor, number, errors=errors_by_field(exc, choose_lang(request)), status=exc.status
        )
    return RedirectResponse(f"/contracts/{number}?done=signed", status_code=303)


@router.post("/contracts/{number}/amendments")
def amend(request: Request, ctx: Ctx, actor: PageActor, number: str, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    values = {k: reader.text(k) for k in ("amount", "ends_on", "reason")}
    try:
        amount = reader.won("amount") if reader.text("amount") else None
        ends_on = _date(reader, "ends_on", optional=True)
        reader.raise_if_problems()
        service.amend(ctx, actor, number, service.Amendment(reader.text("reason"), amount, ends_on))
    except (DomainError, ValidationProblems) as exc:
        if isinstance(exc, DomainError) and exc.status == 401:
            raise
        status = exc.status if isinstance(exc, DomainError) else 422
        errors = errors_by_field(exc, choose_lang(request))
        return _contract_page(request, ctx, actor, number, errors=errors, values=values, status=status)
    return RedirectResponse(f"/contracts/{number}?done=amended", status_code=303)


def _draft_page(
    request: Request,
    ctx: AppContext,
    actor: Actor | None,
    reference: str,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    number = parse_notice_reference(reference)[0]
    officer = require_role(actor, Role.PROCUREMENT_OFFICER)
    notice = queries.get_notice(ctx, number, officer)
    require_role(officer, Role.PROCUREMENT_OFFICER, org_id=notice.agency_id)
    return render(
        request,
        "contract_draft.html",
        {
            "n": notice,
            "defect_classes": WORKS_DEFECT_CLASSES if notice.category is Category.WORKS else (),
            "values": values or {},
            "errors": errors or {},
        },
        status=status,
    )


@router.get("/agency/notices/{reference}/contract", response_class=HTMLResponse)
def draft_form(request: Request, ctx: Ctx, actor: PageActor, reference: str) -> HTMLResponse:
    return _draft_page(request, ctx, actor, reference)


@router.post("/agency/notices/{reference}/contract")
def draft(request: Request, ctx: Ctx, actor: PageActor, reference: str, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    values = {k: reader.text(k) for k in ("starts_on", "ends_on", "deliverables", "defect_class")}
    try:
        starts_on = _date(reader, "starts_on")
        ends_on = _date(reader, "ends_on")
        defect_class = reader.choice("defect_class", DefectClass, None) if reader.text("defect_class") else None
        reader.raise_if_problems()
        assert starts_on is not None
        assert ends_on is not None
        number = service.draft(
            ctx,
            actor,
            parse_notice_reference(reference)[0],
            service.DraftTerms(starts_on, ends_on, reader.text("deliverables"), defect_class),
        )
    except (DomainError, ValidationProblems) as exc:
        if isinstance(exc, DomainError) and exc.status in (401, 403, 404):
            raise
        status = exc.status if isinstance(exc, DomainError) else 422
        errors = errors_by_field(exc, choose_lang(request))
        return _draft_page(request, ctx, actor, reference, values=values, errors=errors, status=status)
    return RedirectResponse(f"/contracts/{number}?done=drafted", status_code=303)


@router.post("/contracts/{number}/guarantees")
def request_guarantee(request: Request, ctx: Ctx, actor: PageActor, number: str, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    values = {k: reader.text(k) for k in ("kind", "institution")}
    try:
        kind = reader.choice("kind", GuaranteeKind, GuaranteeKind.CONTRACT_DEPOSIT)
        institution = reader.integer("institution", 0)
        reader.raise_if_problems()
        guarantees.request(ctx, actor, number, kind, institution)
    except (DomainError, ValidationProblems) as exc:
        if isinstance(exc, DomainError) and exc.status in (401, 404):
            raise
        status = exc.status if isinstance(exc, DomainError) else 422
        errors = errors_by_field(exc, choose_lang(request))
        return _contract_page(request, ctx, actor, number, errors=errors, values=values, status=status)
    return RedirectResponse(f"/contracts/{number}?done=guarantee_requested", status_code=303)


def _decide(
    request: Request, ctx: AppContext, actor: Actor | None, reference: str, accept: bool, reason: str
) -> Response:
    number = guarantees.contract_of(ctx, actor, reference)
    try:
        guarantees.decide(ctx, actor, reference, accept, reason)
    except DomainError as exc:
        if exc.status in (401, 404):
            raise
        errors = errors_by_field(exc, choose_lang(request))
        return _contract_page(request, ctx, actor, number, errors=errors, values={"reason": reason}, status=exc.status)
    done = "guarantee_accepted" if accept else "guarantee_rejected"
    return RedirectResponse(f"/contracts/{number}?done={done}", status_code=303)


@router.post("/guarantees/{guarantee}/accept")
def accept_guarantee(request: Request, ctx: Ctx, actor: PageActor, guarantee: str, form: Form) -> Response:
    check_csrf(request, FormReader(form).text("csrf"))
    return _decide(request, ctx, actor, guarantee, True, "")


@router.post("/guarantees/{guarantee}/reject")
def reject_guarantee(request: Request, ctx: Ctx, actor: PageActor, guarantee: str, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    return _decide(request, ctx, actor, guarantee, False, reader.text("reason"))


@router.post("/guarantees/{guarantee}/claim")
def claim_guarantee(request: Request, ctx: Ctx, actor: PageActor, guarantee: str, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    number = guarantees.contract_of(ctx, actor, guarantee)
    values = {"close_reason": reader.text("reason"), "claim_amount": reader.text("amount")}

    def act() -> None:
        amount = reader.won("amount") if reader.text("amount") else None
        reader.raise_if_problems()
        guarantees.close_defect(ctx, actor, guarantee, claim=True, reason=reader.text("reason"), amount=amount)

    rename = {"reason": "close_reason", "amount": "claim_amount"}
    return _money_act(request, ctx, actor, number, "guarantee_claimed", act, values, rename)


@router.post("/guarantees/{guarantee}/release")
def release_guarantee(request: Request, ctx: Ctx, actor: PageActor, guarantee: str, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    number = guarantees.contract_of(ctx, actor, guarantee)

    def act() -> None:
        guarantees.close_defect(ctx, actor, guarantee, claim=False, reason=reader.text("reason"))

    values = {"close_reason": reader.text("reason")}
    return _money_act(request, ctx, actor, number, "guarantee_released", act, values, {"reason": "close_reason"})


@router.post("/contracts/{number}/termination")
def terminate(request: Request, ctx: Ctx, actor: PageActor, number: str, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    values = {"fault": reader.text("fault"), "termination_reason": reader.text("reason")}

    def act() -> None:
        fault = reader.choice("fault", ContractEnd, None)
        reader.raise_if_problems()
        assert fault is not None
        closing.terminate(ctx, actor, number, fault, reader.text("reason"))

    return _money_act(request, ctx, actor, number, "terminated", act, values, {"reason": "termination_reason"})


def _money_act(
    request: Request,
    ctx: AppContext,
    actor: Actor | None,
    number: str,
    done: str,
    act: Any,
    values: dict[str, str],
    rename: dict[str, str] | None = None,
) -> Response:
    """Do it and go back to the contract; or show the contract again with each error next to its field (``rename``:
    the page's name of a field several forms on the page share)."""
    try:
        act()
    except (DomainError, ValidationProblems) as exc:
        if isinstance(exc, DomainError) and exc.status in (401, 404):
            raise
        status = exc.status if isinstance(exc, DomainError) else 422
        errors = {(rename or {}).get(k, k): v for k, v in errors_by_field(exc, choose_lang(request)).items()}
        return _contract_page(request, ctx, actor, number, errors=errors, values=values, status=status)
    return RedirectResponse(f"/contracts/{number}?done={done}", status_code=303)


@router.post("/contracts/{number}/deliveries")
def report_delivery(request: Request, ctx: Ctx, actor: PageActor, number: str, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    values = {"description": reader.text("description")}
    final = reader.text("final") == "yes"
    return _money_act(
        request,
        ctx,
        actor,
        number,
        "reported",
        lambda: payments.report_delivery(ctx, actor, number, final=final, description=reader.text("description")),
        values,
    )


@router.post("/contracts/{number}/deliveries/{seq}/inspection")
def inspect(request: Request, ctx: Ctx, actor: PageActor, number: str, seq: int, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    passed = reader.text("passed") == "yes"
    return _money_act(
        request,
        ctx,
        actor,
        number,
        "inspected",
        lambda: payments.inspect(ctx, actor, number, seq, passed=passed, reasons=reader.text("reasons")),
        {"reasons": reader.text("reasons")},
    )


@router.post("/contracts/{number}/claims")
def claim(request: Request, ctx: Ctx, actor: PageActor, number: str, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    values = {
        k: reader.text(k) for k in ("kind", "amount", "delivery", "invoice_number", "invoice_date", "supply", "vat")
    }

    values |= {k: reader.text(k) for k in form if k.startswith("share_") or k in ("labour", "materials")}

    def act() -> None:
        kind = reader.choice("kind", PaymentKind, PaymentKind.PROGRESS)
        split = [
            Share(Recipient.SUBCONTRACTOR, reader.won(key), key.removeprefix("share_"))
            for key in form
            if key.startswith("share_") and reader.text(key)
        ]
        split += [Share(Recipient(k), reader.won(k)) for k in ("labour", "materials") if reader.text(k)]
        amount = reader.won("amount")
        supply = reader.won("supply")
        vat = reader.won("vat", optional=True)
        issued_on = _date(reader, "invoice_date")
        delivery = reader.integer("delivery", 0) or None
        reader.raise_if_problems()
        assert issued_on is not None
        invoice = payments.TaxInvoice(reader.text("invoice_number"), issued_on, supply, vat)
        payments.claim(ctx, actor, number, kind, amount, invoice, delivery=delivery, shares=tuple(split))

    return _money_act(request, ctx, actor, number, "claimed", act, values)


@router.post("/contracts/{number}/claims/{seq}/pay")
def pay(request: Request, ctx: Ctx, actor: PageActor, number: str, seq: int, form: Form) -> Response:
    check_csrf(request, FormReader(form).text("csrf"))
    return _money_act(request, ctx, actor, number, "paid", lambda: payments.pay(ctx, actor, number, seq), {})


@router.post("/contracts/{number}/subcontracts")
def register_subcontract(request: Request, ctx: Ctx, actor: PageActor, number: str, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    values = {k: reader.text(k) for k in ("business_number", "scope", "sub_amount")}

    def act() -> None:
        amount = reader.won("sub_amount")
        reader.raise_if_problems()
        subcontracts.register(
            ctx,
            actor,
            number,
            business_number=reader.text("business_number"),
            scope=reader.text("scope"),
            amount=amount,
            direct_payment=reader.text("direct_payment") == "yes",
        )

    return _money_act(request, ctx, actor, number, "subcontracted", act, values)


@router.post("/contracts/{number}/shares/{share}/passed-on")
def passed_on(request: Request, ctx: Ctx, actor: PageActor, number: str, share: int, form: Form) -> Response:
    check_csrf(request, FormReader(form).text("csrf"))
    return _money_act(
        request, ctx, actor, number, "passed_on", lambda: subcontracts.passed_on(ctx, actor, number, share), {}
    )


@router.get("/my/subcontracts", response_class=HTMLResponse)
def my_subcontracts(request: Request, ctx: Ctx, actor: PageActor) -> HTMLResponse:
    subs = subcontracts.mine(ctx, actor, seoul_date(ctx.clock.now()))
    return render(request, "my_subcontracts.html", {"subs": subs})
