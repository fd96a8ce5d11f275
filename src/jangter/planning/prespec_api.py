"""REST routes for pre-specifications (사전규격): public reads; the agency publishes and answers; firms comment."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from jangter.kernel.procurement import Category
from jangter.planning import prespecs
from jangter.planning.prespec_domain import DraftSpec
from jangter.web.http import ApiActor, Ctx

router = APIRouter(prefix="/api/v1", tags=["pre-specifications"])


class SpecIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(max_length=300)
    category: Category
    estimated_price: int = Field(strict=True, description="추정가격 (won)")
    description: str = Field(max_length=20_000, description="The draft specification")
    urgent: bool = Field(default=False, description="긴급: the shorter opinion period of the rule set")
    order_plan: str | None = Field(default=None, pattern=r"^R\d{2}DD\d{8}$", description="Its order-plan item")


class OpinionOut(BaseModel):
    seq: int
    firm: str
    text: str
    filed_at: datetime
    reply: str | None
    replied_at: datetime | None


class SpecOut(BaseModel):
    number: str = Field(description="사전규격등록번호 (bfSpecRgstNo)")
    agency: dict[str, int | str]
    order_plan: str | None
    title: str
    category: Category
    estimated_price: int
    description: str
    urgent: bool
    opened_at: datetime
    opinion_deadline: datetime = Field(description="의견등록마감일시 (opninRgstClseDt)")
    rule_set_version: str
    open: bool = Field(description="Opinions are still taken")
    unanswered: int
    opinions: list[OpinionOut]

    @classmethod
    def of(cls, v: prespecs.SpecView) -> SpecOut:
        return cls(
            number=v.number,
            agency={"id": v.agency_id, "name": v.agency_name},
            order_plan=v.order_plan,
            title=v.title,
            category=v.category,
            estimated_price=v.estimated_price,
            description=v.description,
            urgent=v.urgent,
            opened_at=v.opened_at,
            opinion_deadline=v.opinion_deadline,
            rule_set_version=v.rule_set_version,
            open=v.open,
            unanswered=v.unanswered,
            opinions=[OpinionOut(firm=o.firm_name, **{k: getattr(o, k) for k in OPINION_FIELDS}) for o in v.opinions],
        )


OPINION_FIELDS = ("seq", "text", "filed_at", "reply", "replied_at")


class SpecSummaryOut(BaseModel):
    number: str
    agency: str
    title: str
    category: Category
    estimated_price: int
    opened_at: datetime
    opinion_deadline: datetime
    opinions: int


class OpinionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    opinion: str = Field(max_length=4000)


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reply: str = Field(max_length=4000)


@router.get("/pre-specifications", response_model=list[SpecSummaryOut], summary="Pre-specifications (public)")
def list_specs(
    ctx: Ctx,
    q: Annotated[str, Query(max_length=200)] = "",
    category: Category | None = None,
    open_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 100,
) -> list[SpecSummaryOut]:
    return [
        SpecSummaryOut(
            number=s.number,
            agency=s.agency_name,
            title=s.title,
            category=s.category,
            estimated_price=s.estimated_price,
            opened_at=s.opened_at,
            opinion_deadline=s.opinion_deadline,
            opinions=s.opinions,
        )
        for s in prespecs.list_specs(ctx, q=q, category=category, open_only=open_only, limit=limit)
    ]


@router.get("/pre-specifications/{spec}", response_model=SpecOut, summary="One pre-specification with its opinions")
def get_spec(ctx: Ctx, spec: str) -> SpecOut:
    return SpecOut.of(prespecs.get_spec(ctx, spec))


@router.post(
    "/pre-specifications", status_code=201, response_model=SpecOut, summary="Publish a pre-specification (officer)"
)
def publish(ctx: Ctx, actor: ApiActor, body: SpecIn, response: Response) -> SpecOut:
    number = prespecs.publish(
        ctx,
        actor,
        DraftSpec(body.title, body.category, body.estimated_price, body.description, body.urgent, body.order_plan),
    )
    response.headers["Location"] = f"/api/v1/pre-specifications/{number}"
    return SpecOut.of(prespecs.get_spec(ctx, number))


@router.post(
    "/pre-specifications/{spec}/opinions",
    status_code=201,
    response_model=SpecOut,
    summary="File an opinion before the deadline (an approved firm's member)",
)
def file_opinion(ctx: Ctx, actor: ApiActor, spec: str, body: OpinionIn) -> SpecOut:
    prespecs.file_opinion(ctx, actor, spec, body.opinion)
    return SpecOut.of(prespecs.get_spec(ctx, spec))


@router.post(
    "/pre-specifications/{spec}/opinions/{opinion}/answer",
    response_model=SpecOut,
    summary="Answer an opinion (the agency's procurement officer)",
)
def answer(
    ctx: Ctx, actor: ApiActor, spec: str, opinion: Annotated[int, Path(ge=1, le=100_000)], body: ReplyIn
) -> SpecOut:
    prespecs.answer(ctx, actor, spec, opinion, body.reply)
    return SpecOut.of(prespecs.get_spec(ctx, spec))
