"""REST routes of 협상에 의한 계약: proposals, evaluators' sheets, the close of the technical evaluation and the
negotiation (koneps-rules §4; ADR 0005)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from urllib.parse import quote

from fastapi import APIRouter, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jangter.evaluation import negotiation
from jangter.identity.domain.roles import Actor
from jangter.kernel.errors import DomainError
from jangter.kernel.ids import parse_notice_reference
from jangter.web.http import ApiActor, Ctx

router = APIRouter(prefix="/api/v1", tags=["negotiated contracts"])


class ProposalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filename: str = Field(min_length=1, max_length=200, examples=["제안서.pdf"])
    media_type: str = Field(default="application/pdf", max_length=100)
    content_base64: str = Field(max_length=28_000_000, description="The file, base64; at most 20 MB")


class ProposalReceiptOut(BaseModel):
    filename: str
    size: int
    sha256: str = Field(description="Logged publicly when the technical evaluation closes")
    submitted_at: AwareDatetime


class ItemOut(BaseModel):
    name: str
    points: Decimal


class ProposalOut(BaseModel):
    firm_id: int
    firm_name: str
    filename: str
    size: int
    sha256: str
    submitted_at: datetime


class EntryOut(BaseModel):
    firm_id: int
    firm_name: str
    receipt: str | None = Field(description="The firm's bid receipt (after the opening)")
    amount: int | None = Field(description="The bid (after the opening)")
    raw_technical: Decimal = Field(description="techEvlNaturVal: the evaluators' average, item by item")
    technical: Decimal = Field(description="techEvlVal: after the 차등점수제 (the raw score when it is off)")
    eligible: bool = Field(description="협상적격자: raw score ≥ the threshold share of the technical maximum")
    price_score: Decimal | None
    total: Decimal | None
    rank: int | None = Field(description="협상순위 (opengRank)")
    outcome: str | None = Field(description="agreed or broken")
    note: str | None
    is_next: bool = Field(description="The firm to negotiate with now")


class EvaluatorOut(BaseModel):
    name: str
    submitted: bool


class NegotiationOut(BaseModel):
    number: str
    rule_set_version: str
    technical_max: Decimal
    price_max: Decimal
    threshold_pct: Decimal
    differential_step: Decimal | None
    trim_extremes: bool
    min_evaluators: int
    items: list[ItemOut]
    closed: bool = Field(description="The technical evaluation is closed (the prices may be opened)")
    proposals: list[ProposalOut] = Field(description="The agency after the deadline; a firm sees its own")
    evaluators: list[EvaluatorOut] = Field(description="The agency only")
    entries: list[EntryOut] = Field(description="After the technical evaluation closes; prices after the opening")
    my_sheet: dict[int, dict[str, str]] = Field(description="An evaluator's own points, by firm id")
    my_sheet_submitted: bool


def _view(ctx: Ctx, actor: Actor | None, number: str) -> NegotiationOut:
    view = negotiation.negotiation_view(ctx, actor, number)
    if view is None:
        raise DomainError(
            "not_negotiated",
            "협상에 의한 계약 공고가 아닙니다.",
            "This notice is not a negotiated contract (or is still a draft).",
            status=404,
        )
    return NegotiationOut(
        number=view.number,
        rule_set_version=view.rule_set_version,
        technical_max=view.technical_max,
        price_max=view.price_max,
        threshold_pct=view.threshold_pct,
        differential_step=view.differential_step,
        trim_extremes=view.trim_extremes,
        min_evaluators=view.min_evaluators,
        items=[ItemOut(name=n, points=p) for n, p in view.items],
        closed=view.closed,
        proposals=[ProposalOut(**vars(p)) for p in view.proposals],
        evaluators=[EvaluatorOut(**vars(e)) for e in view.evaluators],
        entries=[EntryOut(**vars(e)) for e in view.entries],
        my_sheet=view.my_sheet,
        my_sheet_submitted=view.my_sheet_submitted,
    )


@router.put(
    "/notices/{reference}/proposal",
    response_model=ProposalReceiptOut,
    summary="Submit or replace the firm's technical proposal (bidder, before the deadline)",
)
def put_proposal(ctx: Ctx, actor: ApiActor, reference: str, body: ProposalIn) -> ProposalReceiptOut:
    try:
        content = base64.b64decode(body.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(
            "proposal_not_base64",
            "제안서 내용이 base64가 아닙니다.",
            "content_base64 is not valid base64.",
            field="content_base64",
        ) from None
    receipt = negotiation.submit_proposal(
        ctx, actor, parse_notice_reference(reference)[0], body.filename, body.media_type, content
    )
    return ProposalReceiptOut(**vars(receipt))


@router.get(
    "/notices/{reference}/proposals/{firm_id}",
    summary="Download a proposal (the firm itself; the notice's agency after the deadline)",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def get_proposal(ctx: Ctx, actor: ApiActor, reference: str, firm_id: int) -> Response:
    return proposal_response(negotiation.proposal_file(ctx, actor, parse_notice_reference(reference)[0], firm_id))


def proposal_response(file: negotiation.ProposalFile) -> Response:
    """A download, never rendered inline: the file is whatever the firm uploaded."""
    return Response(
        file.content,
        media_type=file.media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(file.filename)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get(
    "/notices/{reference}/negotiation",
    response_model=NegotiationOut,
    summary="Technical evaluation and negotiation: raw and differential scores, price scores, order, outcomes",
)
def get_negotiation(ctx: Ctx, actor: ApiActor, reference: str) -> NegotiationOut:
    return _view(ctx, actor, parse_notice_reference(reference)[0])


class SheetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scores: dict[int, dict[str, str]] = Field(
        description='Points by firm id, then by item name, as decimal strings: {"12": {"사업 이해도": "18.5"}}'
    )
    submit: bool = Field(default=False, description="true: the sheet is complete and final")


@router.put(
    "/notices/{reference}/evaluation/sheet",
    response_model=NegotiationOut,
    summary="An evaluator saves (or submits) their points for every proposal",
)
def put_sheet(ctx: Ctx, actor: ApiActor, reference: str, body: SheetIn) -> NegotiationOut:
    number = parse_notice_reference(reference)[0]
    negotiation.save_scores(ctx, actor, number, body.scores, submit=body.submit)
    return _view(ctx, actor, number)


@router.post(
    "/notices/{reference}/evaluation/close",
    response_model=NegotiationOut,
    summary="Close the technical evaluation (officer): scores fixed and logged before any price is opened",
)
def close_evaluation(ctx: Ctx, actor: ApiActor, reference: str) -> NegotiationOut:
    number = parse_notice_reference(reference)[0]
    negotiation.close_technical_evaluation(ctx, actor, number)
    return _view(ctx, actor, number)


class NegotiationOutcome(StrEnum):
    AGREED = "agreed"
    BROKEN = "broken"


class NegotiationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: NegotiationOutcome
    note: str = Field(default="", max_length=2000, description="Required when the negotiation broke off")


@router.post(
    "/notices/{reference}/negotiation/{firm_id}",
    response_model=NegotiationOut,
    summary="Record the negotiation with the next firm in order (agreed names the winner-to-be)",
)
def post_negotiation(ctx: Ctx, actor: ApiActor, reference: str, firm_id: int, body: NegotiationIn) -> NegotiationOut:
    number = parse_notice_reference(reference)[0]
    negotiation.record_negotiation(
        ctx, actor, number, firm_id, agreed=body.outcome is NegotiationOutcome.AGREED, note=body.note
    )
    return _view(ctx, actor, number)
