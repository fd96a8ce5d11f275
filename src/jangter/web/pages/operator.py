"""Pages for the operator (reviewing firm registrations) and for oversight (the security log and the audit trail,
which auditors read too)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jangter.identity import security_log, service
from jangter.identity.domain.roles import OrgKind, RegistrationStatus, Role, require_role
from jangter.kernel.errors import DomainError
from jangter.oversight.queries import TrailFilter, audit_trail
from jangter.web.http import Ctx, Form, PageActor, check_csrf
from jangter.web.i18n import choose_lang
from jangter.web.pages.forms import FormReader, errors_by_field
from jangter.web.rendering import render

router = APIRouter(prefix="/operator", include_in_schema=False)


def _page(
    request: Request, ctx: Ctx, errors: dict[int, dict[str, str]] | None = None, status: int = 200
) -> HTMLResponse:
    pending = [
        o
        for o in service.list_orgs(ctx, OrgKind.SUPPLIER)
        if o.registration_status in (RegistrationStatus.WAITING, RegistrationStatus.ON_HOLD)
    ]
    approved = service.list_orgs(ctx, OrgKind.SUPPLIER, RegistrationStatus.APPROVED)
    return render(
        request,
        "operator_firms.html",
        {"pending": pending, "approved": approved, "errors": errors or {}},
        status=status,
    )


@router.get("/firms", response_class=HTMLResponse)
def firms(request: Request, ctx: Ctx, actor: PageActor) -> HTMLResponse:
    require_role(actor, Role.OPERATOR)
    return _page(request, ctx)


@router.post("/firms/{firm_id}/review")
def review(request: Request, ctx: Ctx, actor: PageActor, firm_id: int, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    decision = reader.choice("decision", RegistrationStatus, RegistrationStatus.WAITING)
    try:
        service.review_firm(ctx, actor, firm_id, decision, reader.text("reason") or None)
    except DomainError as exc:
        return _page(request, ctx, {firm_id: errors_by_field(exc, choose_lang(request))}, status=exc.status)
    return RedirectResponse("/operator/firms", status_code=303)


SECURITY_KINDS = (
    "sign_in",
    "csrf",
    "passkey.register",
    "step_up",
    "fallback",
    "registration",
    "member.other_firm",
    "bid.signature",
    "bid.same_ip",
    "bid.same_device",
)


@router.get("/audit", response_class=HTMLResponse)
def audit(
    request: Request,
    ctx: Ctx,
    actor: PageActor,
    entity_type: str | None = None,
    entity_id: str | None = None,
    action: str | None = None,
    before: int | None = None,
) -> HTMLResponse:
    """The audit trail (operators and auditors): who changed what, when, with the values before and after."""
    flt = TrailFilter(
        (entity_type or "").strip()[:32] or None,
        (entity_id or "").strip()[:64] or None,
        (action or "").strip()[:64] or None,
        before,
    )
    page = audit_trail(ctx, actor, flt)
    query = {
        k: v for k, v in {"entity_type": flt.entity_type, "entity_id": flt.entity_id, "action": flt.action}.items() if v
    }
    older = f"/operator/audit?{urlencode(query | {'before': page.next_before})}" if page.next_before else None
    return render(request, "operator_audit.html", {"page": page, "f": flt, "older": older})


@router.get("/security", response_class=HTMLResponse)
def security_events(request: Request, ctx: Ctx, actor: PageActor, kind: str | None = None) -> HTMLResponse:
    """The security log: refusals and flags with who, when, where and what (security.md AT-15)."""
    chosen = kind if kind in SECURITY_KINDS else None
    events = security_log.recent(ctx, actor, kind=chosen)
    return render(request, "operator_security.html", {"events": events, "kinds": SECURITY_KINDS, "kind": chosen})
