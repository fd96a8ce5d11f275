"""The ASGI application: API routes, pages, error handling and the embedded worker."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jangter import __version__
from jangter.bidding.api import router as bidding_api
from jangter.config import Settings
from jangter.contracting.api import router as contracting_api
from jangter.evaluation.api import router as evaluation_api
from jangter.evaluation.negotiation_api import router as negotiation_api
from jangter.helpdesk.api import router as helpdesk_api
from jangter.helpdesk.incident_api import router as incident_api
from jangter.identity.api import router as identity_api
from jangter.kernel import signing
from jangter.kernel.calendar import KoreanCalendar
from jangter.kernel.clock import Clock, OffsetClock, SystemClock
from jangter.kernel.context import AppContext
from jangter.kernel.db import Database
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.kernel.mail import Mailer
from jangter.kernel.randomness import SystemRandomSource
from jangter.kernel.transfers import FileExport
from jangter.opendata.api import router as statistics_api
from jangter.opendata.feed_api import router as feed_api
from jangter.opendata.g2b.api import router as g2b_api
from jangter.opendata.imports.api import router as external_api
from jangter.opendata.ocds.api import router as ocds_api
from jangter.oversight.api import router as oversight_api
from jangter.payments.api import router as payments_api
from jangter.planning.api import router as planning_api
from jangter.planning.prespec_api import router as prespec_api
from jangter.planning.programme_api import router as programme_api
from jangter.rules.loader import load_rule_book
from jangter.rules.store import stored_documents_if_migrated
from jangter.search.api import notices_router as similar_api
from jangter.search.api import router as search_api
from jangter.tendering.api import router as tendering_api
from jangter.transparency.api import router as transparency_api
from jangter.web.http import DEVICE_COOKIE, domain_problem, http_problem, validation_problem
from jangter.web.i18n import choose_lang, translate
from jangter.web.pages import account, agency, demo, keys, operator, public, supplier
from jangter.web.pages import contracts as contract_pages
from jangter.web.pages import external_processes as external_pages
from jangter.web.pages import helpdesk as helpdesk_pages
from jangter.web.pages import incidents as incident_pages
from jangter.web.pages import members as member_pages
from jangter.web.pages import negotiation as negotiation_pages
from jangter.web.pages import plans as plan_pages
from jangter.web.pages import prespecs as prespec_pages
from jangter.web.pages import programmes as programme_pages
from jangter.web.pages import searches as search_pages
from jangter.web.pages import security as security_pages
from jangter.web.pages import statistics as statistics_pages
from jangter.web.rendering import render
from jangter.worker import run_due_events_forever

log = logging.getLogger("jangter.app")

DESCRIPTION = """
Jangter (장터) is an open-source national e-procurement platform.

* Sign in at `POST /api/v1/auth/token` (e-mail as `username`) and send `Authorization: Bearer <token>`.
* Errors are RFC 9457 `application/problem+json` with a stable `code`; `Accept-Language: en` for English.
* Creating POSTs honour `Idempotency-Key`: a retry with the same key returns the original result.
* Lists use cursor pagination: pass `next_cursor` back as `?cursor=`.
* Until the opening, no endpoint shows the amount or the picks of any bid, to anyone.
"""


def build_context(settings: Settings, clock: Clock | None = None) -> AppContext:
    if clock is None:
        clock = OffsetClock() if settings.demo_clock else SystemClock()
        if isinstance(clock, OffsetClock):
            demo.load_offset(clock, settings.var_dir / demo.OFFSET_FILE)
    db = Database(settings.database_url, clock, pool_size=settings.db_pool_size)
    return AppContext(
        db=db,
        clock=clock,
        calendar=KoreanCalendar(),
        rules=load_rule_book(settings.extra_rule_files, stored_documents_if_migrated(db)),
        rng=SystemRandomSource(),
        signer=signing.load_or_create(settings.signing_key_path),
        step_up=settings.step_up,
        mailer=Mailer(settings.smtp_host, settings.smtp_port, settings.mail_from) if settings.smtp_host else None,
        search_timeout_ms=settings.search_timeout_ms,
        base_url=settings.base_url,
        transfers=FileExport(settings.var_dir / "transfers"),
        ocid_prefix=settings.ocid_prefix,
    )


def _is_api(request: Request) -> bool:
    """API routes, and the pages' own JSON calls (passkey ceremonies), answer errors as problem+json."""
    return request.url.path.startswith("/api/") or request.headers.get("accept", "").startswith("application/json")


def create_app(settings: Settings, ctx: AppContext | None = None, *, run_worker: bool | None = None) -> FastAPI:
    context = ctx or build_context(settings)
    worker_on = settings.embedded_worker if run_worker is None else run_worker

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Sync routes run in a thread pool; a small pool keeps threads from fighting over the GIL.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        # Threads that wait on the database must get the GIL back quickly, or each of a request's round trips
        # waits up to the default 5 ms switch interval behind a busy thread (the convoy effect).
        sys.setswitchinterval(settings.gil_switch_interval_ms / 1000)
        task = None
        if worker_on:
            task = asyncio.create_task(run_due_events_forever(context, settings.worker_interval_seconds))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if ctx is None:
                context.db.dispose()

    app = FastAPI(
        title="Jangter API",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ctx = context
    app.state.settings = settings

    for router in (
        identity_api,
        tendering_api,
        bidding_api,
        evaluation_api,
        contracting_api,
        payments_api,
        planning_api,
        prespec_api,
        programme_api,
        incident_api,
        feed_api,
        negotiation_api,
        transparency_api,
        oversight_api,
        statistics_api,
        ocds_api,
        g2b_api,
        external_api,
        search_api,
        similar_api,
        helpdesk_api,
    ):
        app.include_router(router)
    for page_router in (
        public.router,
        account.router,
        supplier.router,
        agency.router,
        operator.router,
        keys.router,
        negotiation_pages.router,
        security_pages.router,
        member_pages.router,
        search_pages.router,
        contract_pages.router,
        plan_pages.router,
        prespec_pages.router,
        programme_pages.router,
        incident_pages.router,
        statistics_pages.router,
        helpdesk_pages.router,
        external_pages.router,
        demo.router,
    ):
        app.include_router(page_router)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "web" / "static")), name="static")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        with context.db.reading() as session:
            session.connection()
        return {"status": "ok"}

    _install_error_handlers(app)
    app.add_middleware(DeviceCookie, secure=settings.secure_cookies)
    app.add_middleware(SecurityHeaders, hsts=settings.secure_cookies)
    app.add_middleware(RequestLog)
    return app


def _error_page(request: Request, status: int, message: str) -> Response:
    lang = choose_lang(request)
    title = translate("error.not_found" if status == 404 else "error.title", lang)
    return render(request, "error.html", {"title": title, "detail": message, "status": status}, status=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def on_domain_error(request: Request, exc: DomainError) -> Response:
        log.info("refused code=%s status=%s path=%s", exc.code, exc.status, request.url.path)
        if _is_api(request):
            return domain_problem(request, exc)
        if exc.status == 401:
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return _error_page(request, exc.status, exc.message(choose_lang(request)))

    @app.exception_handler(ValidationProblems)
    async def on_problems(request: Request, exc: ValidationProblems) -> Response:
        if _is_api(request):
            return domain_problem(request, exc)
        lang = choose_lang(request)
        detail = "; ".join(p.message_en if lang == "en" else p.message_ko for p in exc.problems)
        return _error_page(request, exc.status, detail)

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return validation_problem(request, exc)
        return _error_page(request, 422, translate("error.title", choose_lang(request)))

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request):
            return http_problem(request, exc)
        return _error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error path=%s", request.url.path)
        if _is_api(request):
            return JSONResponse(
                {
                    "type": "/problems/internal_error",
                    "title": "Internal error",
                    "status": 500,
                    "code": "internal_error",
                    "detail": "The server failed; nothing was saved.",
                    "instance": request.url.path,
                },
                status_code=500,
                media_type="application/problem+json",
            )
        return HTMLResponse(
            "<h1>500</h1><p>서버 오류가 발생했습니다. 저장된 내용은 없습니다. "
            "/ The server failed; nothing was saved.</p>",
            status_code=500,
        )


class RequestLog:
    """One access-log line per request (method, path, status, milliseconds, person), as plain ASGI middleware.

    (Starlette's ``BaseHTTPMiddleware`` costs about a millisecond of CPU per request; this costs microseconds.)
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log = logging.getLogger("jangter.access")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            actor = getattr(scope.get("state", {}).get("actor"), "person_id", "-")
            self.log.info(
                "%s %s %s %.1fms person=%s",
                scope["method"],
                scope["path"],
                status,
                (time.perf_counter() - started) * 1000,
                actor,
            )


#: Scripts, styles and frames from this site only; nothing inline. Swagger UI (``/api/docs``) loads its bundle
#: from jsDelivr with a small inline starter, so the docs page alone allows that.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
CSP_DOCS = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)


class SecurityHeaders:
    """Security headers on every response (CSP with frame-ancestors, no sniffing, no referrer across sites, and
    HSTS when the site is served over TLS), as plain ASGI middleware."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        common = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        if hsts:
            common.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
        self.pages = [*common, (b"content-security-policy", CSP.encode())]
        self.docs = [*common, (b"content-security-policy", CSP_DOCS.encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.docs if scope["path"] == "/api/docs" else self.pages

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class DeviceCookie:
    """Gives each browser a random device id on its first page (koneps-rules §1.4: one firm per device in a tender).
    The id is not a secret and identifies no person; API clients may send ``X-Jangter-Device`` instead."""

    def __init__(self, app: ASGIApp, *, secure: bool) -> None:
        self.app = app
        self.attributes = "; Path=/; Max-Age=63072000; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        api = scope["type"] == "http" and scope["path"].startswith(("/api/", "/static/", "/1230000/"))
        if scope["type"] != "http" or api or self._has_cookie(scope):
            await self.app(scope, receive, send)
            return
        cookie = f"{DEVICE_COOKIE}={secrets.token_urlsafe(24)}{self.attributes}".encode()

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie)]
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    @staticmethod
    def _has_cookie(scope: Scope) -> bool:
        needle = DEVICE_COOKIE.encode() + b"="
        return any(name == b"cookie" and needle in value for name, value in scope.get("headers", []))
