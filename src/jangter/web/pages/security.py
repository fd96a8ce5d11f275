"""A person's sign-in security: passkeys (register, sign in, remove) and live sessions (list, revoke).

The passkey ceremonies are JSON calls from ``static/passkey.js`` (the browser's WebAuthn API needs JavaScript);
they carry the CSRF token in the ``X-CSRF-Token`` header. Everything else works as plain forms.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from jangter.config import Environment
from jangter.identity import fallback, passkeys, security_log, service
from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.kernel.errors import DomainError
from jangter.kernel.ids import parse_notice_reference
from jangter.tendering import queries
from jangter.web.http import SESSION_COOKIE, Ctx, Form, PageActor, check_csrf, client_where, get_settings
from jangter.web.i18n import choose_lang
from jangter.web.pages.account import home_for, set_session_cookie
from jangter.web.pages.forms import FormReader, errors_by_field, safe_next
from jangter.web.rendering import render

router = APIRouter(include_in_schema=False)


def relying_party(request: Request) -> passkeys.RelyingParty | None:
    """The site the passkeys belong to: ``JANGTER_BASE_URL`` in production, else the address the browser used.
    ``None`` on an IP address, which browsers do not accept as a passkey domain (use ``localhost``)."""
    settings = get_settings(request)
    origin = settings.base_url if settings.env is Environment.PRODUCTION else str(request.base_url).rstrip("/")
    host = urlsplit(origin).hostname or ""
    if _is_ip_address(host):
        return None
    return passkeys.RelyingParty(id=host, name="Jangter 장터", origin=origin)


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _signed_in(actor: Actor | None) -> Actor:
    if actor is None:
        raise DomainError("login_required", "로그인이 필요합니다.", "Please sign in first.", status=401)
    return actor


class CeremonyIn(BaseModel):
    """What ``static/passkey.js`` sends back after the browser's WebAuthn call."""

    model_config = ConfigDict(extra="forbid")
    challenge_id: str = Field(max_length=64)
    credential: dict[str, Any]
    name: str = Field(default="", max_length=100)
    next: str = Field(default="", max_length=2000)


def _json_csrf(request: Request) -> None:
    check_csrf(request, request.headers.get("x-csrf-token"))


@contextmanager
def _logged_refusal(
    request: Request, ctx: Ctx, kind: str, *, person_id: int | None = None, org_id: int | None = None, method: str = ""
) -> Iterator[None]:
    """A refused passkey ceremony goes to the security log (who, when, where, what)."""
    try:
        yield
    except DomainError as exc:
        security_log.record(
            ctx,
            kind=kind,
            outcome=security_log.Outcome.REFUSED,
            where=client_where(request),
            person_id=person_id,
            org_id=org_id,
            detail={"code": exc.code, **({"method": method} if method else {})},
        )
        raise


def _rp_or_refuse(request: Request) -> passkeys.RelyingParty:
    rp = relying_party(request)
    if rp is None:
        raise DomainError(
            "passkey_needs_domain",
            "패스키는 IP 주소가 아닌 도메인 주소에서만 쓸 수 있습니다 (예: http://localhost:8000).",
            "Passkeys work on a domain name, not an IP address (for example http://localhost:8000).",
            status=400,
        )
    return rp


# --- the page -----------------------------------------------------------------------------------------------

MESSAGES = {
    "otp_confirmed": (
        "인증 앱을 등록했습니다. 아래 복구 코드를 안전한 곳에 적어 두십시오. 다시 보여 주지 않습니다.",
        "The authenticator app is enrolled. Write the recovery codes below somewhere safe: they are not shown again.",
    ),
    "passkey_added": ("패스키를 등록했습니다.", "The passkey is registered."),
    "passkey_removed": ("패스키를 지웠습니다.", "The passkey is removed."),
    "session_revoked": ("세션을 끝냈습니다.", "The session is ended."),
}


@router.get("/account/security", response_class=HTMLResponse)
def security_page(request: Request, ctx: Ctx, actor: PageActor, done: str | None = None) -> HTMLResponse:
    return _security_page(request, ctx, _signed_in(actor), done=done)


def _security_page(
    request: Request,
    ctx: Ctx,
    me: Actor,
    *,
    done: str | None = None,
    enrolment: fallback.Enrolment | None = None,
    recovery: list[str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "account_security.html",
        {
            "passkeys": passkeys.list_passkeys(ctx, me),
            "sessions": service.list_sessions(ctx, me, request.cookies.get(SESSION_COOKIE)),
            "rp": relying_party(request),
            "done": MESSAGES.get(done or ""),
            "otp": fallback.status(ctx, me),
            "enrolment": enrolment,
            "recovery": recovery,
            "errors": errors or {},
        },
        status=status,
    )


@router.post("/account/otp", response_class=HTMLResponse)
def start_otp(request: Request, ctx: Ctx, actor: PageActor, form: Form) -> HTMLResponse:
    me = _signed_in(actor)
    check_csrf(request, str(form.get("csrf") or ""))
    return _security_page(request, ctx, me, enrolment=fallback.start_enrolment(ctx, me))


@router.post("/account/otp/confirm", response_class=HTMLResponse)
def confirm_otp(request: Request, ctx: Ctx, actor: PageActor, form: Form) -> HTMLResponse:
    me = _signed_in(actor)
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    try:
        codes = fallback.confirm_enrolment(ctx, me, reader.text("code"))
    except DomainError as exc:
        secret = reader.text("secret")
        enrolment = fallback.Enrolment(secret, reader.text("uri")) if secret else None
        errors = errors_by_field(exc, choose_lang(request))
        return _security_page(request, ctx, me, enrolment=enrolment, errors=errors, status=exc.status)
    return _security_page(request, ctx, me, done="otp_confirmed", recovery=codes)


@router.post("/account/step-up/otp", response_class=HTMLResponse)
def fallback_step_up(request: Request, ctx: Ctx, actor: PageActor, form: Form) -> Response:
    """The exception path on the bid form: a code from the authenticator app, or a recovery code (no JavaScript)."""
    me = _signed_in(actor)
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    back = safe_next(reader.text("next"), "/account/security")
    try:
        fallback.fallback_step_up(
            ctx, me, request.cookies.get(SESSION_COOKIE, ""), reader.text("code"), client_where(request)
        )
    except DomainError as exc:
        separator = "&" if "?" in back else "?"
        return RedirectResponse(f"{back}{separator}fallback_error={exc.code}#step-up-h", status_code=303)
    return RedirectResponse(back, status_code=303)


@router.post("/account/passkeys/options")
def passkey_registration_options(request: Request, ctx: Ctx, actor: PageActor) -> JSONResponse:
    me = _signed_in(actor)
    _json_csrf(request)
    ceremony = passkeys.registration_options(ctx, me, _rp_or_refuse(request))
    return JSONResponse({"challenge_id": ceremony.challenge_id, "options": ceremony.options})


@router.post("/account/passkeys")
def register_passkey(request: Request, ctx: Ctx, actor: PageActor, body: CeremonyIn) -> JSONResponse:
    me = _signed_in(actor)
    _json_csrf(request)
    with _logged_refusal(request, ctx, "passkey.register", person_id=me.person_id, org_id=me.org_id):
        passkeys.register_passkey(
            ctx, me, _rp_or_refuse(request), body.challenge_id, json.dumps(body.credential), body.name
        )
    return JSONResponse({"next": "/account/security?done=passkey_added"})


@router.post("/account/passkeys/{passkey_id}/remove")
def remove_passkey(request: Request, ctx: Ctx, actor: PageActor, passkey_id: int, form: Form) -> Response:
    check_csrf(request, str(form.get("csrf") or ""))
    passkeys.remove_passkey(ctx, _signed_in(actor), passkey_id)
    return RedirectResponse("/account/security?done=passkey_removed", status_code=303)


@router.post("/account/sessions/{session_id}/revoke")
def revoke_session(request: Request, ctx: Ctx, actor: PageActor, session_id: str, form: Form) -> Response:
    check_csrf(request, str(form.get("csrf") or ""))
    service.revoke_session(ctx, _signed_in(actor), session_id)
    return RedirectResponse("/account/security?done=session_revoked", status_code=303)


# --- signing in with a passkey --------------------------------------------------------------------------------


@router.post("/login/passkey/options")
def sign_in_options(request: Request, ctx: Ctx) -> JSONResponse:
    _json_csrf(request)
    ceremony = passkeys.authentication_options(ctx, _rp_or_refuse(request))
    return JSONResponse({"challenge_id": ceremony.challenge_id, "options": ceremony.options})


@router.post("/login/passkey")
def sign_in(request: Request, ctx: Ctx, body: CeremonyIn) -> JSONResponse:
    _json_csrf(request)
    settings = get_settings(request)
    with _logged_refusal(request, ctx, "sign_in", method="passkey"):
        issued = passkeys.sign_in_with_passkey(
            ctx,
            _rp_or_refuse(request),
            body.challenge_id,
            json.dumps(body.credential),
            lifetime=timedelta(hours=settings.session_absolute_hours),
            ip=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
        )
    response = JSONResponse({"next": safe_next(body.next, home_for(issued.actor))})
    set_session_cookie(response, issued.token, settings)
    return response


# --- step-up ---------------------------------------------------------------------------------------------------


@router.post("/account/step-up/options")
def step_up_options(request: Request, ctx: Ctx, actor: PageActor) -> JSONResponse:
    me = _signed_in(actor)
    _json_csrf(request)
    ceremony = passkeys.step_up_options(ctx, me, _rp_or_refuse(request))
    return JSONResponse({"challenge_id": ceremony.challenge_id, "options": ceremony.options})


class PresenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254)


def _opening_of(ctx: Ctx, actor: Actor | None, reference: str) -> str:
    """The notice's number, when this person is a bid official of the notice's agency."""
    number = parse_notice_reference(reference)[0]
    notice = queries.get_notice(ctx, number, actor)
    require_role(_signed_in(actor), Role.BID_OFFICIAL, org_id=notice.agency_id)
    return number


@router.post("/agency/notices/{reference}/presence/options")
def presence_options(request: Request, ctx: Ctx, actor: PageActor, reference: str, body: PresenceIn) -> JSONResponse:
    """A committee member's passkey check at the opening, on the bid official's screen (issue #6 point 3)."""
    number = _opening_of(ctx, actor, reference)
    _json_csrf(request)
    ceremony = passkeys.presence_options(ctx, _rp_or_refuse(request), body.email, number)
    return JSONResponse({"challenge_id": ceremony.challenge_id, "options": ceremony.options})


@router.post("/agency/notices/{reference}/presence")
def presence(request: Request, ctx: Ctx, actor: PageActor, reference: str, body: CeremonyIn) -> JSONResponse:
    number = _opening_of(ctx, actor, reference)
    _json_csrf(request)
    with _logged_refusal(request, ctx, "step_up", method="passkey"):
        proof = passkeys.verify_presence(
            ctx, _rp_or_refuse(request), body.challenge_id, json.dumps(body.credential), number
        )
    return JSONResponse({"proof": proof})


@router.post("/account/step-up")
def step_up(request: Request, ctx: Ctx, actor: PageActor, body: CeremonyIn) -> JSONResponse:
    me = _signed_in(actor)
    _json_csrf(request)
    with _logged_refusal(request, ctx, "step_up", person_id=me.person_id, org_id=me.org_id, method="passkey"):
        passkeys.step_up(
            ctx,
            me,
            request.cookies.get(SESSION_COOKIE, ""),
            _rp_or_refuse(request),
            body.challenge_id,
            json.dumps(body.credential),
        )
    return JSONResponse({"next": safe_next(body.next, "/account/security")})
