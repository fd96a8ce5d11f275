"""Pages for an agency: its notices, the notice form, and the actions of each state (publish to award)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from jangter.bidding.ceremony import Credential
from jangter.contracting.service import contract_of_notice
from jangter.evaluation import service as evaluation
from jangter.evaluation.negotiation import negotiation_view
from jangter.evaluation.queries import opening_results, private_contract, review_view
from jangter.identity import step_up
from jangter.identity.domain.roles import Actor, OrgKind, Role, require_role
from jangter.identity.service import list_orgs
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, FieldProblem, ValidationProblems
from jangter.kernel.ids import parse_notice_reference
from jangter.kernel.procurement import AwardMethod, BidBond, Category, ContractMethod
from jangter.planning import prespecs
from jangter.planning import service as planning
from jangter.tendering import queries, service
from jangter.tendering.domain.notice import NoticeAction, NoticeStatus, can
from jangter.tendering.domain.terms import NoticeTerms, TechnicalItem, default_items
from jangter.tendering.domain.timetable import Timetable
from jangter.web.http import Ctx, Form, PageActor, check_csrf, client_where
from jangter.web.i18n import choose_lang
from jangter.web.pages.forms import FormReader, errors_by_field
from jangter.web.rendering import render

router = APIRouter(prefix="/agency", include_in_schema=False)

MESSAGES = {
    "saved": ("임시 저장했습니다.", "Draft saved."),
    "published": ("공고를 게시했습니다.", "The notice is published."),
    "amended": ("정정공고를 게시했습니다.", "The amendment is published."),
    "cancelled": ("공고를 취소했습니다.", "The notice is cancelled."),
    "reannounced": ("재공고를 게시했습니다.", "The notice is re-announced."),
    "opened": ("개찰했습니다.", "The bids are opened."),
    "awarded": ("낙찰자를 결정했습니다.", "The award is confirmed."),
    "rebid": ("재입찰을 게시했습니다.", "The re-bid is open."),
    "reviewed": ("적격심사 점수를 저장했습니다.", "The review points are saved."),
    "private_contract": ("수의계약을 기록했습니다.", "The private contract is recorded."),
    "evaluation_closed": (
        "기술평가를 마감했습니다. 개찰시각에 가격을 개찰하십시오.",
        "The technical evaluation is closed.",
    ),
    "negotiated": ("협상 결과를 기록했습니다.", "The negotiation is recorded."),
}


def _step_up_window(ctx: AppContext, staff: Actor, rule_set_version: str | None) -> int | None:
    if rule_set_version is None:
        return None
    window = ctx.rules.version(rule_set_version).identity.step_up_minutes
    return window if step_up.needs_step_up(ctx, staff, window) else None


def _agency_staff(actor: Actor | None) -> Actor:
    return require_role(actor, Role.PROCUREMENT_OFFICER, Role.BID_OFFICIAL)


def _read_terms(reader: FormReader) -> NoticeTerms:
    demand = reader.text("demand_agency_id")
    terms = NoticeTerms(
        title=reader.text("title"),
        description=reader.text("description"),
        category=reader.choice("category", Category, Category.GOODS),
        contract_method=reader.choice(
            "contract_method",
            ContractMethod,
            ContractMethod.GENERAL_COMPETITIVE,
            default=ContractMethod.GENERAL_COMPETITIVE,
        ),
        demand_agency_id=int(demand) if demand.isdigit() else None,
        region=reader.text("region"),
        base_amount=reader.won("base_amount"),
        estimated_price=reader.won("estimated_price"),
        a_value=reader.won("a_value", optional=True),
        reserve_range_pct=reader.decimal("reserve_range_pct"),
        award_floor_rate=reader.decimal("award_floor_rate"),
        bid_start_at=reader.seoul_datetime("bid_start_at"),
        deadline_at=reader.seoul_datetime("deadline_at"),
        opening_at=reader.seoul_datetime("opening_at"),
        committee_quorum=reader.integer("committee_quorum", 3),
        committee_size=reader.integer("committee_size", 5),
        pq_allowed=reader.text("pq_allowed") != "no",
        bid_bond=reader.choice("bid_bond", BidBond, BidBond.UNDERTAKING, default=BidBond.UNDERTAKING),
        order_plan=reader.text("order_plan") or None,
        pre_specification=reader.text("pre_specification") or None,
        award_method=reader.choice(
            "award_method", AwardMethod, AwardMethod.QUALIFICATION_REVIEW, default=AwardMethod.QUALIFICATION_REVIEW
        ),
        software_project=reader.text("software_project") == "yes",
        differential_step=reader.decimal("differential_step"),
        technical_items=_read_items(reader),
    )
    reader.raise_if_problems()
    return terms


def _read_items(reader: FormReader) -> tuple[TechnicalItem, ...]:
    """'name: points' per line (협상에 의한 계약 only; other methods ignore the field)."""
    items = []
    for line in reader.text("technical_items").splitlines():
        if not line.strip():
            continue
        name, _, points = line.rpartition(":")
        try:
            items.append(TechnicalItem(name.strip(), Decimal(points.strip())))
        except InvalidOperation:
            reader.problems.append(
                FieldProblem(
                    "technical_items",
                    "technical_items_format",
                    f"'{line.strip()}': '항목명: 배점' 형식으로 입력하십시오.",
                    f"'{line.strip()}': write 'name: points'.",
                )
            )
            break
    return tuple(items)


def items_text(items: Any) -> str:
    return "\n".join(f"{name}: {points.normalize():f}" for name, points in items)


def _form_context(
    ctx: AppContext, values: dict[str, Any], errors: dict[str, str], number: str | None, actor: Actor | None
) -> dict[str, Any]:
    return {
        "plans": planning.open_items(ctx, actor),
        "specs": prespecs.of_agency(ctx, actor),
        "default_items": items_text((i.name, i.points) for i in default_items(Decimal(80))),
        "v": values,
        "errors": errors,
        "number": number,
        "categories": list(Category),
        "agencies": list_orgs(ctx, OrgKind.AGENCY),
    }


@router.get("/notices", response_class=HTMLResponse)
def agency_notices(request: Request, ctx: Ctx, actor: PageActor, cursor: str | None = None) -> HTMLResponse:
    staff = _agency_staff(actor)
    page = queries.list_for_agency(ctx, staff, cursor=cursor)
    return render(request, "agency_notices.html", {"page": page})


@router.get("/notices/new", response_class=HTMLResponse)
def new_notice(request: Request, ctx: Ctx, actor: PageActor) -> HTMLResponse:
    require_role(actor, Role.PROCUREMENT_OFFICER)
    return render(request, "notice_form.html", _form_context(ctx, {"region": "00"}, {}, None, actor))


@router.post("/notices/new", response_class=HTMLResponse)
def create_notice(request: Request, ctx: Ctx, actor: PageActor, form: Form) -> Response:
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    values = {k: reader.text(k) for k in form}
    lang = choose_lang(request)
    number = None
    try:
        number = service.create_draft(ctx, actor, _read_terms(reader))
        if reader.text("then") == "publish":
            service.publish(ctx, actor, number)
            return RedirectResponse(f"/agency/notices/{number}?done=published", status_code=303)
    except (DomainError, ValidationProblems) as exc:
        # If the draft was saved and only publication was refused, the form now edits that draft, so that
        # correcting it does not create a second one.
        context = _form_context(ctx, values, errors_by_field(exc, lang), number, actor)
        if number is not None:
            context["message"] = MESSAGES["saved"][1 if lang == "en" else 0]
        return render(request, "notice_form.html", context, status=exc.status)
    return RedirectResponse(f"/agency/notices/{number}?done=saved", status_code=303)


@router.get("/notices/{reference}", response_class=HTMLResponse)
def manage_notice(
    request: Request, ctx: Ctx, actor: PageActor, reference: str, done: str | None = None
) -> HTMLResponse:
    staff = _agency_staff(actor)
    return _manage_page(request, ctx, staff, parse_notice_reference(reference)[0], done=done)


def _manage_page(
    request: Request,
    ctx: AppContext,
    staff: Actor,
    number: str,
    *,
    done: str | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    notice = queries.get_notice(ctx, number, staff)
    require_role(staff, Role.PROCUREMENT_OFFICER, Role.BID_OFFICIAL, org_id=notice.agency_id)
    lang = choose_lang(request)
    message = None
    if done in MESSAGES:
        message = MESSAGES[done][1] if lang == "en" else MESSAGES[done][0]
    now = ctx.clock.now()
    stored = (
        NoticeStatus.PUBLISHED if notice.status is NoticeStatus.CLOSED and notice.deadline_at > now else notice.status
    )
    allowed = {a.value for a in NoticeAction if can(stored, a)}
    if notice.status is NoticeStatus.CLOSED:
        allowed |= {"open", "cancel"}
    options = evaluation.options_after(ctx, staff, number) if notice.status is NoticeStatus.FAILED else []
    return render(
        request,
        "agency_notice.html",
        {
            "n": notice,
            "options": {o.action.value: o for o in options},
            "private": private_contract(ctx, number),
            "review": review_view(ctx, staff, number),
            "negotiation": negotiation_view(ctx, staff, number),
            "results": opening_results(ctx, number),
            "allowed": allowed,
            "message": message,
            "errors": errors or {},
            "opening_due": now >= notice.opening_at,
            "step_up": _step_up_window(ctx, staff, notice.rule_set_version),
            "contract_number": contract_of_notice(ctx, number),
        },
        status=status,
    )


@router.get("/notices/{reference}/edit", response_class=HTMLResponse)
def edit_notice_form(request: Request, ctx: Ctx, actor: PageActor, reference: str) -> HTMLResponse:
    number = parse_notice_reference(reference)[0]
    notice = queries.get_notice(ctx, number, require_role(actor, Role.PROCUREMENT_OFFICER))
    values = {
        "title": notice.title,
        "description": notice.description,
        "category": notice.category.value,
        "contract_method": notice.contract_method.value,
        "demand_agency_id": str(notice.demand_agency_id),
        "region": notice.region,
        "base_amount": f"{notice.base_amount:,}",
        "estimated_price": f"{notice.estimated_price:,}",
        "a_value": f"{notice.a_value:,}",
        "reserve_range_pct": str(notice.reserve_range_pct or ""),
        "award_floor_rate": str(notice.award_floor_rate or ""),
        "bid_start_at": notice.bid_start_at,
        "deadline_at": notice.deadline_at,
        "opening_at": notice.opening_at,
        "committee_quorum": str(notice.committee_quorum),
        "committee_size": str(notice.committee_size),
        "pq_allowed": "yes" if notice.pq_allowed else "no",
        "bid_bond": notice.bid_bond.value,
        "order_plan": notice.order_plan or "",
        "pre_specification": notice.pre_specification or "",
        "award_method": notice.award_method.value,
        "software_project": "yes" if notice.software_project else "",
        "differential_step": "" if notice.differential_step is None else f"{notice.differential_step.normalize():f}",
        "technical_items": items_text(notice.technical_items),
    }
    return render(request, "notice_form.html", _form_context(ctx, values, {}, number, actor))


@router.post("/notices/{reference}/edit", response_class=HTMLResponse)
def edit_notice(request: Request, ctx: Ctx, actor: PageActor, reference: str, form: Form) -> Response:
    number = parse_notice_reference(reference)[0]
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    try:
        service.edit_draft(ctx, actor, number, _read_terms(reader))
        if reader.text("then") == "publish":
            service.publish(ctx, actor, number)
            return RedirectResponse(f"/agency/notices/{number}?done=published", status_code=303)
    except (DomainError, ValidationProblems) as exc:
        values = {k: reader.text(k) for k in form}
        return render(
            request,
            "notice_form.html",
            _form_context(ctx, values, errors_by_field(exc, choose_lang(request)), number, actor),
            status=exc.status,
        )
    return RedirectResponse(f"/agency/notices/{number}?done=saved", status_code=303)


def act(
    request: Request,
    ctx: AppContext,
    actor: Actor | None,
    reference: str,
    form: FormData,
    done: str,
    act: Callable[[str, FormReader], None],
) -> Response:
    """Run one state action from a form; on refusal show the manage page with the reason next to the form."""
    staff = _agency_staff(actor)
    number = parse_notice_reference(reference)[0]
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    try:
        act(number, reader)
    except (DomainError, ValidationProblems) as exc:
        errors = errors_by_field(exc, choose_lang(request))
        errors.setdefault("_action", exc.message(choose_lang(request)))
        return _manage_page(request, ctx, staff, number, errors=errors, status=exc.status)
    return RedirectResponse(f"/agency/notices/{number}?done={done}", status_code=303)


@router.post("/notices/{reference}/publish")
def publish(request: Request, ctx: Ctx, actor: PageActor, reference: str, form: Form) -> Response:
    return act(
        request,
        ctx,
        actor,
        reference,
        form,
        "published",
        lambda number, _: service.publish(ctx, actor, number),
    )


@router.post("/notices/{reference}/amend")
def amend(request: Request, ctx: Ctx, actor: PageActor, reference: str, form: Form) -> Response:
    def run(number: str, reader: FormReader) -> None:
        changes: dict[str, Any] = {}
        for name in ("title", "description"):
            if reader.text(name):
                changes[name] = reader.text(name)
        for name in ("bid_start_at", "deadline_at", "opening_at"):
            if reader.text(name):
                changes[name] = reader.seoul_datetime(name)
        reader.raise_if_problems()
        current = queries.get_notice(ctx, number, actor)
        changes = {k: v for k, v in changes.items() if getattr(current, k) != v}
        service.amend(ctx, actor, number, changes, reader.text("reason"))

    return act(request, ctx, actor, reference, form, "amended", run)


@router.post("/notices/{reference}/cancel")
def cancel(request: Request, ctx: Ctx, actor: PageActor, reference: str, form: Form) -> Response:
    return act(
        request,
        ctx,
        actor,
        reference,
        form,
        "cancelled",
        lambda number, reader: service.cancel(ctx, actor, number, reader.text("reason")),
    )


def _read_timetable(reader: FormReader) -> Timetable:
    """A new round's bid start, deadline and opening, in Seoul time, from the re-announce and re-bid forms."""
    timetable = Timetable(
        reader.seoul_datetime("bid_start_at"),
        reader.seoul_datetime("deadline_at"),
        reader.seoul_datetime("opening_at"),
    )
    reader.raise_if_problems()
    return timetable


@router.post("/notices/{reference}/reannounce")
def reannounce(request: Request, ctx: Ctx, actor: PageActor, reference: str, form: Form) -> Response:
    def run(number: str, reader: FormReader) -> None:
        service.reannounce(ctx, actor, number, _read_timetable(reader))

    return act(request, ctx, actor, reference, form, "reannounced", run)


@router.post("/notices/{reference}/review/{receipt}")
def review(request: Request, ctx: Ctx, actor: PageActor, reference: str, receipt: str, form: Form) -> Response:
    staff = _agency_staff(actor)
    number = parse_notice_reference(reference)[0]
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    points = {k.removeprefix("item_"): reader.text(k) for k in form if k.startswith("item_")}
    try:
        evaluation.enter_review(ctx, actor, number, receipt, points)
    except (DomainError, ValidationProblems) as exc:
        errors = errors_by_field(exc, choose_lang(request))
        errors["_receipt"] = receipt
        errors.setdefault("_action", exc.message(choose_lang(request)))
        return _manage_page(request, ctx, staff, number, errors=errors, status=exc.status)
    return RedirectResponse(f"/agency/notices/{number}?done=reviewed#review-h", status_code=303)


@router.post("/notices/{reference}/rebid")
def rebid(request: Request, ctx: Ctx, actor: PageActor, reference: str, form: Form) -> Response:
    def run(number: str, reader: FormReader) -> None:
        evaluation.rebid(ctx, actor, number, _read_timetable(reader))

    return act(request, ctx, actor, reference, form, "rebid", run)


@router.post("/notices/{reference}/private-contract")
def private_contract_form(request: Request, ctx: Ctx, actor: PageActor, reference: str, form: Form) -> Response:
    def run(number: str, reader: FormReader) -> None:
        amount = reader.won("amount")
        reader.raise_if_problems()
        terms = evaluation.PrivateContractTerms(reader.text("business_number"), amount, reader.text("reason"))
        evaluation.award_private_contract(ctx, actor, number, terms)

    return act(request, ctx, actor, reference, form, "private_contract", run)


@router.post("/notices/{reference}/open")
def open_bids(request: Request, ctx: Ctx, actor: PageActor, reference: str, form: Form) -> Response:
    return act(
        request,
        ctx,
        actor,
        reference,
        form,
        "opened",
        lambda number, _: evaluation.open_bids(ctx, actor, number, _committee(form), client_where(request)),
    )


def _committee(form: FormData) -> list[Credential]:
    """The committee members who filled in their rows of the opening form: e-mail, password, passphrase, and the
    proof of their passkey check (filled in by the page's script) or a code from their authenticator app."""
    rows = itertools.zip_longest(
        form.getlist("member_email"),
        form.getlist("member_password"),
        form.getlist("member_passphrase"),
        form.getlist("member_proof"),
        form.getlist("member_code"),
        fillvalue="",
    )
    return [
        Credential(str(e).strip(), str(p), str(q), str(proof), str(code))
        for e, p, q, proof, code in rows
        if str(e).strip()
    ]


@router.post("/notices/{reference}/award")
def award(request: Request, ctx: Ctx, actor: PageActor, reference: str, form: Form) -> Response:
    return act(
        request,
        ctx,
        actor,
        reference,
        form,
        "awarded",
        lambda number, _: evaluation.decide_award(ctx, actor, number),
    )
