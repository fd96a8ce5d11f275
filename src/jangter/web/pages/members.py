"""Pages for a firm's members: the company administrator invites, lists and removes; a member leaves; an
invited colleague accepts with their own name and password (issue #6 point 1)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jangter.identity import members
from jangter.identity.domain.roles import ROLES_BY_KIND, Actor, OrgKind, Role, require_role
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.web.http import SESSION_COOKIE, Ctx, Form, PageActor, check_csrf, get_settings
from jangter.web.i18n import choose_lang
from jangter.web.pages.forms import FormReader, errors_by_field
from jangter.web.rendering import render

router = APIRouter(include_in_schema=False)

FIRM_ROLES = sorted(ROLES_BY_KIND[OrgKind.SUPPLIER])


def _page(
    request: Request,
    ctx: Ctx,
    admin: Actor,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    invited: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "firm_members.html",
        {
            "members": members.list_members(ctx, admin, admin.org_id),
            "roles": FIRM_ROLES,
            "errors": errors or {},
            "v": values or {},
            "invited": invited,
        },
        status=status,
    )


@router.get("/firm/members", response_class=HTMLResponse)
def members_page(request: Request, ctx: Ctx, actor: PageActor, invited: str | None = None) -> HTMLResponse:
    admin = require_role(actor, Role.COMPANY_ADMIN)
    return _page(request, ctx, admin, invited=invited)


@router.post("/firm/members/invite", response_class=HTMLResponse)
def invite(request: Request, ctx: Ctx, actor: PageActor, form: Form) -> Response:
    admin = require_role(actor, Role.COMPANY_ADMIN)
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    roles = frozenset(Role(r) for r in form.getlist("roles") if r in {x.value for x in FIRM_ROLES})
    try:
        members.invite(ctx, admin, admin.org_id, reader.text("email"), roles, get_settings(request).base_url)
    except (DomainError, ValidationProblems) as exc:
        values = {"email": reader.text("email"), "roles": [r.value for r in roles]}
        return _page(
            request, ctx, admin, errors=errors_by_field(exc, choose_lang(request)), values=values, status=exc.status
        )
    return RedirectResponse(f"/firm/members?invited={reader.text('email')}", status_code=303)


@router.post("/firm/members/{person_id}/remove")
def remove(request: Request, ctx: Ctx, actor: PageActor, person_id: int, form: Form) -> Response:
    admin = require_role(actor, Role.COMPANY_ADMIN)
    check_csrf(request, str(form.get("csrf") or ""))
    try:
        members.remove(ctx, admin, admin.org_id, person_id)
    except DomainError as exc:
        errors = {"_action": exc.message(choose_lang(request))}
        return _page(request, ctx, admin, errors=errors, status=exc.status)
    return RedirectResponse("/firm/members", status_code=303)


@router.post("/account/leave")
def leave(request: Request, ctx: Ctx, actor: PageActor, form: Form) -> Response:
    me = require_role(actor, *Role)
    check_csrf(request, str(form.get("csrf") or ""))
    members.remove(ctx, me, me.org_id, me.person_id, leaving=True)
    response = RedirectResponse("/notices", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/invitations/{token}", response_class=HTMLResponse)
def invitation_page(request: Request, ctx: Ctx, token: str) -> HTMLResponse:
    return render(
        request, "invitation.html", {"i": members.invitation(ctx, token), "token": token, "errors": {}, "v": {}}
    )


@router.post("/invitations/{token}", response_class=HTMLResponse)
def accept(request: Request, ctx: Ctx, token: str, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    try:
        if str(form.get("password") or "") != str(form.get("password_again") or ""):
            raise DomainError(
                "password_mismatch",
                "비밀번호 확인이 일치하지 않습니다.",
                "The two passwords do not match.",
                field="password_again",
            )
        members.accept(ctx, token, reader.text("name"), str(form.get("password") or ""))
    except (DomainError, ValidationProblems) as exc:
        return render(
            request,
            "invitation.html",
            {
                "i": members.invitation(ctx, token),
                "token": token,
                "errors": errors_by_field(exc, choose_lang(request)),
                "v": {"name": reader.text("name")},
            },
            status=exc.status,
        )
    return RedirectResponse("/login?joined=1", status_code=303)
