"""Pages of 협상에 의한 계약: a firm's proposal upload, the evaluators' scoring sheets, and the officer's close of the
technical evaluation and record of each negotiation (koneps-rules §4; ADR 0005)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from jangter.evaluation import negotiation
from jangter.evaluation.negotiation_api import proposal_response
from jangter.identity.domain.roles import Role, require_role
from jangter.kernel.errors import DomainError, ValidationProblems
from jangter.kernel.ids import parse_notice_reference
from jangter.tendering import queries
from jangter.web.http import Ctx, Form, PageActor, check_csrf
from jangter.web.i18n import choose_lang
from jangter.web.pages import agency
from jangter.web.pages.forms import FormReader, errors_by_field
from jangter.web.rendering import render

router = APIRouter(include_in_schema=False)


# --- the firm's proposal --------------------------------------------------------------------------------------


@router.post("/notices/{reference}/proposal", response_class=HTMLResponse)
async def upload_proposal(request: Request, ctx: Ctx, actor: PageActor, reference: str) -> Response:
    number = parse_notice_reference(reference)[0]
    file: tuple[str, str, bytes] | None = None
    async with request.form(max_part_size=negotiation.PROPOSAL_MAX_BYTES + 1) as form:
        csrf = form.get("csrf")
        upload = form.get("proposal")
        if isinstance(upload, UploadFile) and upload.filename:
            content = await upload.read(negotiation.PROPOSAL_MAX_BYTES + 1)
            file = (upload.filename, upload.content_type or "application/octet-stream", content)
    check_csrf(request, csrf if isinstance(csrf, str) else None)
    return await run_in_threadpool(_store_proposal, request, ctx, actor, number, file)


def _store_proposal(
    request: Request, ctx: Ctx, actor: PageActor, number: str, file: tuple[str, str, bytes] | None
) -> Response:
    try:
        if file is None:
            raise DomainError(
                "proposal_empty", "제안서 파일을 첨부하십시오.", "Please attach the proposal file.", field="proposal"
            )
        negotiation.submit_proposal(ctx, actor, number, *file)
    except (DomainError, ValidationProblems) as exc:
        require_role(actor, Role.BIDDER, Role.COMPANY_ADMIN)
        return render(
            request,
            "bid_form.html",
            {
                "n": queries.get_notice(ctx, number, actor),
                "errors": errors_by_field(exc, choose_lang(request)),
                "negotiation": negotiation.negotiation_view(ctx, actor, number),
            },
            status=exc.status,
        )
    return RedirectResponse(f"/notices/{number}/bid?proposal=1#proposal-h", status_code=303)


@router.get("/notices/{reference}/proposals/{firm_id}")
def download_proposal(ctx: Ctx, actor: PageActor, reference: str, firm_id: int) -> Response:
    return proposal_response(negotiation.proposal_file(ctx, actor, parse_notice_reference(reference)[0], firm_id))


# --- evaluators -----------------------------------------------------------------------------------------------


@router.get("/evaluator", response_class=HTMLResponse)
def evaluator_home(request: Request, ctx: Ctx, actor: PageActor) -> HTMLResponse:
    return render(request, "evaluator_notices.html", {"queue": negotiation.evaluation_queue(ctx, actor)})


def _sheet_page(
    request: Request,
    ctx: Ctx,
    actor: PageActor,
    number: str,
    *,
    errors: dict[str, str] | None = None,
    entered: dict[str, str] | None = None,
    done: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    require_role(actor, Role.EVALUATOR)
    notice = queries.get_notice(ctx, number, actor)
    view = negotiation.negotiation_view(ctx, actor, number)
    if view is None or actor is None or notice.agency_id != actor.org_id:
        raise DomainError(
            "not_negotiated", "평가할 수 있는 공고가 아닙니다.", "There is nothing to evaluate here.", status=404
        )
    values = dict(entered or {})
    if entered is None:  # what the evaluator saved last
        for firm, points in view.my_sheet.items():
            for index, (name, _) in enumerate(view.items):
                values[f"score-{firm}-{index}"] = points.get(name, "")
    return render(
        request,
        "evaluation_sheet.html",
        {"n": notice, "v": view, "values": values, "errors": errors or {}, "done": done},
        status=status,
    )


@router.get("/evaluator/notices/{reference}", response_class=HTMLResponse)
def evaluation_sheet(
    request: Request, ctx: Ctx, actor: PageActor, reference: str, done: str | None = None
) -> HTMLResponse:
    return _sheet_page(request, ctx, actor, parse_notice_reference(reference)[0], done=done)


@router.post("/evaluator/notices/{reference}", response_class=HTMLResponse)
def save_sheet(request: Request, ctx: Ctx, actor: PageActor, reference: str, form: Form) -> Response:
    number = parse_notice_reference(reference)[0]
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    view = negotiation.negotiation_view(ctx, actor, number)
    items = view.items if view else []
    entered = {k: reader.text(k) for k in form if k.startswith("score-")}
    scores: dict[int, dict[str, str]] = {}
    for key, value in entered.items():
        parts = key.split("-")
        if len(parts) != 3:
            continue
        _, firm, index = parts
        if firm.isdigit() and index.isdigit() and int(index) < len(items) and value:
            scores.setdefault(int(firm), {})[items[int(index)][0]] = value
    submit = reader.text("action") == "submit"
    try:
        negotiation.save_scores(ctx, actor, number, scores, submit=submit)
    except (DomainError, ValidationProblems) as exc:
        errors = errors_by_field(exc, choose_lang(request))
        errors.setdefault("_action", exc.message(choose_lang(request)))
        return _sheet_page(request, ctx, actor, number, errors=errors, entered=entered, status=exc.status)
    done = "submitted" if submit else "saved"
    return RedirectResponse(f"/evaluator/notices/{number}?done={done}", status_code=303)


# --- the officer ---------------------------------------------------------------------------------------------


@router.post("/agency/notices/{reference}/evaluation/close")
def close_evaluation(request: Request, ctx: Ctx, actor: PageActor, reference: str, form: Form) -> Response:
    return agency.act(
        request,
        ctx,
        actor,
        reference,
        form,
        "evaluation_closed",
        lambda number, _: negotiation.close_technical_evaluation(ctx, actor, number),
    )


@router.post("/agency/notices/{reference}/negotiation/{firm_id}")
def record_negotiation(
    request: Request, ctx: Ctx, actor: PageActor, reference: str, firm_id: int, form: Form
) -> Response:
    def run(number: str, reader: FormReader) -> None:
        outcome = reader.text("outcome")
        if outcome not in ("agreed", "broken"):
            raise DomainError(
                "outcome_required",
                "협상 결과를 선택하십시오.",
                "Choose the outcome of the negotiation.",
                field="outcome",
            )
        negotiation.record_negotiation(
            ctx, actor, number, firm_id, agreed=outcome == "agreed", note=reader.text("note")
        )

    return agency.act(request, ctx, actor, reference, form, "negotiated", run)
