"""Pages for the keys people hold: a firm's signing keys, and a committee member's share key."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jangter.identity import keys
from jangter.identity.domain.roles import Role, require_role
from jangter.kernel.errors import DomainError
from jangter.web.http import Ctx, Form, PageActor, check_csrf
from jangter.web.i18n import choose_lang
from jangter.web.pages.forms import FormReader, errors_by_field
from jangter.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/firm/keys", response_class=HTMLResponse)
def firm_keys(request: Request, ctx: Ctx, actor: PageActor, done: int = 0) -> HTMLResponse:
    admin = require_role(actor, Role.COMPANY_ADMIN)
    return render(
        request,
        "firm_keys.html",
        {"keys": keys.list_signing_keys(ctx, admin, admin.org_id), "errors": {}, "done": bool(done)},
    )


@router.post("/firm/keys", response_class=HTMLResponse)
def add_firm_key(request: Request, ctx: Ctx, actor: PageActor, form: Form) -> Response:
    admin = require_role(actor, Role.COMPANY_ADMIN)
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    try:
        keys.register_signing_key(ctx, admin, admin.org_id, reader.text("public_key"))
    except DomainError as exc:
        return render(
            request,
            "firm_keys.html",
            {
                "keys": keys.list_signing_keys(ctx, admin, admin.org_id),
                "errors": errors_by_field(exc, choose_lang(request)),
                "done": False,
            },
            status=exc.status,
        )
    return RedirectResponse("/firm/keys?done=1", status_code=303)


@router.post("/firm/keys/{key_id}/revoke")
def revoke_firm_key(request: Request, ctx: Ctx, actor: PageActor, key_id: str, form: Form) -> Response:
    admin = require_role(actor, Role.COMPANY_ADMIN)
    check_csrf(request, FormReader(form).text("csrf"))
    keys.revoke_signing_key(ctx, admin, admin.org_id, key_id)
    return RedirectResponse("/firm/keys", status_code=303)


@router.get("/committee/key", response_class=HTMLResponse)
def committee_key(request: Request, actor: PageActor, done: int = 0) -> HTMLResponse:
    require_role(actor, Role.OPENING_COMMITTEE)
    return render(request, "committee_key.html", {"errors": {}, "done": bool(done)})


@router.post("/committee/key", response_class=HTMLResponse)
def make_committee_key(request: Request, ctx: Ctx, actor: PageActor, form: Form) -> Response:
    member = require_role(actor, Role.OPENING_COMMITTEE)
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    passphrase = str(form.get("passphrase") or "")
    try:
        if passphrase != str(form.get("passphrase_again") or ""):
            raise DomainError(
                "passphrase_mismatch",
                "개찰 암호 확인이 일치하지 않습니다.",
                "The two passphrases do not match.",
                field="passphrase_again",
            )
        keys.register_committee_key(ctx, member, passphrase)
    except DomainError as exc:
        return render(
            request,
            "committee_key.html",
            {"errors": errors_by_field(exc, choose_lang(request)), "done": False},
            status=exc.status,
        )
    return RedirectResponse("/committee/key?done=1", status_code=303)
