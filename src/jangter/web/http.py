"""HTTP plumbing shared by the API and the pages: who is asking, CSRF, and RFC 9457 problem responses."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import secrets
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException

from jangter.config import Settings
from jangter.identity import security_log
from jangter.identity.domain.roles import Actor, scope_for
from jangter.identity.security_log import Where
from jangter.identity.service import resolve_session
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, FieldProblem, ValidationProblems
from jangter.kernel.idempotency import IdempotencyClaim, check_key, request_fingerprint
from jangter.web.i18n import api_lang

log = logging.getLogger("jangter.http")

SESSION_COOKIE = "jangter_session"
#: A random, long-lived id of the browser (koneps-rules §1.4: one firm per device in a tender). Not a secret.
DEVICE_COOKIE = "jangter_device"
CSRF_COOKIE = "jangter_csrf"
PROBLEM_JSON = "application/problem+json"


def get_ctx(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


Ctx = Annotated[AppContext, Depends(get_ctx)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def api_actor(request: Request) -> Actor | None:
    """The caller of an API route, from ``Authorization: Bearer``; ``None`` when anonymous.

    An invalid or expired token is an error (not anonymity), so a client learns to sign in again.
    """
    token = _bearer(request)
    if token is None:
        return None
    actor = resolve_session(get_ctx(request), token, idle=None)
    if actor is None:
        raise DomainError(
            "token_invalid",
            "인증 토큰이 없거나 만료되었습니다. 다시 로그인하십시오.",
            "The access token is invalid or expired; sign in again.",
            status=401,
        )
    needed = scope_for(request.method, request.url.path)
    if actor.scopes is not None and needed is not None and needed.value not in actor.scopes:
        raise DomainError(
            "insufficient_scope",
            f"이 토큰으로는 할 수 없습니다: '{needed.value}' 권한 범위가 필요합니다.",
            f"This token may not do that: it needs the '{needed.value}' scope.",
            status=403,
        )
    request.state.actor = actor
    return actor


def page_actor(request: Request) -> Actor | None:
    """The person behind a page request, from the session cookie; ``None`` when signed out."""
    if hasattr(request.state, "actor"):
        cached: Actor | None = request.state.actor
        return cached
    token = request.cookies.get(SESSION_COOKIE)
    actor = None
    if token:
        settings = get_settings(request)
        actor = resolve_session(get_ctx(request), token, idle=timedelta(minutes=settings.session_idle_minutes))
    request.state.actor = actor
    return actor


ApiActor = Annotated[Actor | None, Depends(api_actor)]
PageActor = Annotated[Actor | None, Depends(page_actor)]


# --- CSRF: a double-submit token, bound to the browser by a SameSite cookie -----------------------------


def csrf_token(request: Request) -> str:
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if token is None:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def set_csrf_cookie(request: Request, response: Response) -> None:
    token = getattr(request.state, "new_csrf", None)
    if token is not None:
        response.set_cookie(
            CSRF_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=get_settings(request).secure_cookies,
            path="/",
        )


def check_csrf(request: Request, submitted: str | None) -> None:
    expected = request.cookies.get(CSRF_COOKIE)
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        security_log.record(
            get_ctx(request),
            kind="csrf",
            outcome=security_log.Outcome.REFUSED,
            where=client_where(request),
            person_id=getattr(getattr(request.state, "actor", None), "person_id", None),
            subject=request.url.path,
        )
        raise DomainError(
            "csrf_failed",
            "보안 확인에 실패했습니다. 페이지를 새로 고친 뒤 다시 시도하십시오.",
            "The security check failed; reload the page and try again.",
            status=403,
        )


# --- problems ---------------------------------------------------------------------------------------------


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = errors
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_errors(problems: list[FieldProblem], lang: str) -> list[dict[str, Any]]:
    return [
        {"field": p.field, "code": p.code, "detail": p.message_en if lang == "en" else p.message_ko} for p in problems
    ]


def domain_problem(request: Request, exc: DomainError | ValidationProblems) -> JSONResponse:
    lang = api_lang(request)
    problems = exc.problems() if isinstance(exc, DomainError) else exc.problems
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        title=exc.message(lang),
        detail=exc.message(lang),
        errors=_field_errors(problems, lang),
    )


#: Fields whose malformed values get the domain's own code, so the API and the pages say the same thing.
_FIELD_CODES = {
    "amount": (
        "amount_not_positive_whole_won",
        "금액은 1원 이상의 정수(원 단위)로 입력하십시오.",
        "The amount must be a positive whole number of won.",
    ),
    "base_amount": (
        "amount_not_positive_whole_won",
        "금액은 1원 이상의 정수(원 단위)로 입력하십시오.",
        "The amount must be a positive whole number of won.",
    ),
    "estimated_price": (
        "amount_not_positive_whole_won",
        "금액은 1원 이상의 정수(원 단위)로 입력하십시오.",
        "The amount must be a positive whole number of won.",
    ),
}


def validation_problem(request: Request, exc: RequestValidationError) -> JSONResponse:
    lang = api_lang(request)
    errors = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
        field = ".".join(location) or "body"
        known = _FIELD_CODES.get(location[0] if location else "")
        if known is not None:
            code, ko, en = known
        elif error.get("type") == "missing":
            code, ko, en = "field_required", "필수 항목입니다.", "This field is required."
        else:
            code = f"invalid_{error.get('type', 'value')}"
            ko, en = f"값이 올바르지 않습니다: {error.get('msg')}", str(error.get("msg"))
        errors.append({"field": field, "code": code, "detail": en if lang == "en" else ko})
    first = errors[0]["code"] if len(errors) == 1 else "invalid_request"
    return problem_response(
        request,
        status=422,
        code=first,
        title="요청 내용이 올바르지 않습니다." if lang == "ko" else "The request is not valid.",
        detail="; ".join(f"{e['field']}: {e['detail']}" for e in errors),
        errors=errors,
    )


def http_problem(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    lang = api_lang(request)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, f"http_{exc.status_code}")
    title = str(exc.detail)
    if exc.status_code == 404:
        title = "찾을 수 없습니다." if lang == "ko" else "Not found."
    return problem_response(request, status=exc.status_code, code=code, title=title, detail=title)


def idempotency_claim(request: Request, actor: Actor | None, scope: str, body: Any) -> IdempotencyClaim | None:
    """The request's ``Idempotency-Key`` as a claim for the use case (``None`` without a key or a caller)."""
    key = request.headers.get("idempotency-key")
    if key is None or actor is None:
        return None
    return IdempotencyClaim(
        principal_id=actor.person_id, scope=scope, key=check_key(key), request_hash=request_fingerprint(body)
    )


async def read_form(request: Request) -> FormData:
    """The submitted form, read on the event loop so that the page handler itself can run in a worker thread."""
    return await request.form()


Form = Annotated[FormData, Depends(read_form)]


def anonymous_idempotency_claim(request: Request, scope: str, body: Any) -> IdempotencyClaim | None:
    """A key for a caller without an account; ``scope`` must hold something only that caller can claim."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    return IdempotencyClaim(principal_id=0, scope=scope, key=check_key(key), request_hash=request_fingerprint(body))


def client_where(request: Request) -> Where:
    """Where a request comes from: the client address and the device id (the browser's cookie, or an API client's
    ``X-Jangter-Device`` header).

    The address is the one uvicorn reports (behind a reverse proxy, set ``--forwarded-allow-ips`` so that it is
    the client's). A loopback address identifies no client and is left out. In the demo (``JANGTER_DEMO_CLOCK``),
    where one person plays several firms on one computer, the same-device rule flags instead of refusing."""
    device = request.cookies.get(DEVICE_COOKIE) or request.headers.get("x-jangter-device") or ""
    device = device if 8 <= len(device) <= 64 and all(c.isalnum() or c in "-_" for c in device) else ""
    host = request.client.host if request.client else None
    try:
        ip: str | None = None if host is None or ipaddress.ip_address(host).is_loopback else host
    except ValueError:
        ip = None
    return Where(ip=ip, device=device or None, demo=get_settings(request).demo_clock)
