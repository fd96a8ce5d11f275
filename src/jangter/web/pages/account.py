"""Sign-in, sign-out and the firm registration form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jangter.config import Settings
from jangter.identity import security_log, service
from jangter.identity.domain.firm_profile import LICENCE_SUGGESTIONS, BusinessForm, Licence
from jangter.identity.domain.roles import Actor, Role
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.kernel.procurement import Category
from jangter.web.http import SESSION_COOKIE, Ctx, Form, check_csrf, client_where, get_settings
from jangter.web.i18n import choose_lang
from jangter.web.pages.forms import FormReader, errors_by_field, safe_next
from jangter.web.rendering import render

router = APIRouter(include_in_schema=False)


def home_for(actor: Actor) -> str:
    if actor.has(Role.OPERATOR):
        return "/operator/firms"
    if actor.has(Role.AUDITOR):
        return "/operator/audit"
    if actor.has(Role.PROCUREMENT_OFFICER) or actor.has(Role.BID_OFFICIAL):
        return "/agency/notices"
    if actor.has(Role.BIDDER):
        return "/my/bids"
    return "/notices"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "login.html", {"next": safe_next(next, ""), "errors": {}, "email": ""})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, ctx: Ctx, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    settings = get_settings(request)
    email = reader.text("email")
    try:
        issued = service.sign_in(
            ctx,
            email,
            str(form.get("password") or ""),
            kind=service.SessionKind.BROWSER,
            lifetime=timedelta(hours=settings.session_absolute_hours),
            ip=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
        )
    except DomainError as exc:
        security_log.record(
            ctx,
            kind="sign_in",
            outcome=security_log.Outcome.REFUSED,
            where=client_where(request),
            subject=email,
            detail={"code": exc.code, "method": "password"},
        )
        return render(
            request,
            "login.html",
            {
                "next": reader.text("next"),
                "email": email,
                "errors": errors_by_field(exc, choose_lang(request)),
            },
            status=exc.status,
        )
    response = RedirectResponse(safe_next(reader.text("next"), home_for(issued.actor)), status_code=303)
    set_session_cookie(response, issued.token, settings)
    return response


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        max_age=settings.session_absolute_hours * 3600,
        path="/",
    )


@router.post("/logout")
def logout(request: Request, ctx: Ctx, form: Form) -> RedirectResponse:
    check_csrf(request, str(form.get("csrf") or ""))
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.sign_out(ctx, token)
    response = RedirectResponse("/notices", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/register", response_class=HTMLResponse)
def register_form(request: Request) -> HTMLResponse:
    return render(request, "register.html", _register_context({}, {}))


def _register_context(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    rows = list(values.get("licences", []))
    rows += [Licence("", "", "")] * max(3 - len(rows), 1)  # blank rows to fill in (no script needed)
    return {
        "errors": errors,
        "v": values,
        "licence_rows": rows,
        "categories": list(Category),
        "business_forms": list(BusinessForm),
        "licence_suggestions": LICENCE_SUGGESTIONS,
    }


@router.post("/register", response_class=HTMLResponse)
def register(request: Request, ctx: Ctx, form: Form) -> HTMLResponse:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    values: dict[str, Any] = {
        k: reader.text(k)
        for k in (
            "name",
            "business_number",
            "business_form",
            "corporate_number",
            "representative",
            "address",
            "region",
            "admin_name",
            "admin_email",
        )
    }
    # The resident number is never written back into the page, nor kept anywhere but as a keyed hash.
    values["supplies"] = [str(v) for v in form.getlist("supplies")]
    values["supply_regions"] = [str(v) for v in form.getlist("supply_regions")]
    values["licences"] = [
        Licence(str(c), str(n), str(m))
        for c, n, m in zip(
            form.getlist("licence_code"), form.getlist("licence_name"), form.getlist("licence_number"), strict=False
        )
    ]
    try:
        if values["business_form"] not in {f.value for f in BusinessForm}:
            raise DomainError(
                "business_form_required",
                "법인사업자인지 개인사업자인지 고르십시오.",
                "Choose whether the firm is a corporation or a sole proprietor.",
                field="business_form",
            )
        if str(form.get("password") or "") != str(form.get("password_again") or ""):
            raise DomainError(
                "password_mismatch",
                "비밀번호 확인이 일치하지 않습니다.",
                "The two passwords do not match.",
                field="password_again",
            )
        if not values["admin_name"]:
            raise DomainError("name_required", "이름을 입력하십시오.", "Please enter a name.", field="admin_name")
        service.register_firm(
            ctx,
            service.FirmRegistration(
                name=values["name"],
                business_number=values["business_number"],
                business_form=BusinessForm(values["business_form"]),
                corporate_number=values["corporate_number"] or None,
                proprietor_number=reader.text("proprietor_number") or None,
                representative=values["representative"],
                address=values["address"],
                region=values["region"],
                supplies=frozenset(values["supplies"]),
                supply_regions=frozenset(values["supply_regions"]),
                licences=tuple(values["licences"]),
                admin=service.NewPerson(
                    email=values["admin_email"],
                    name=values["admin_name"],
                    password=str(form.get("password") or ""),
                    roles=frozenset({Role.COMPANY_ADMIN, Role.BIDDER}),
                ),
            ),
            where=client_where(request),
        )
    except (DomainError, ValidationProblems) as exc:
        errors = errors_by_field(exc, choose_lang(request))
        errors = {"admin_email" if k == "email" else k: v for k, v in errors.items()}
        return render(request, "register.html", _register_context(values, errors), status=exc.status)
    return render(request, "register_done.html", {})
