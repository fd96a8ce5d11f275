"""REST routes for order plans (발주계획): public reads, the agency's procurement officer publishes and withdraws."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from jangter.kernel.procurement import Category, ContractMethod
from jangter.planning import service
from jangter.planning.domain import PLAN_STATUS_LABELS, PlanItem
from jangter.web.http import ApiActor, Ctx

router = APIRouter(prefix="/api/v1", tags=["order plans"])


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int = Field(description="발주연도")
    quarter: int = Field(ge=1, le=4, description="발주 분기")
    month: int | None = Field(default=None, ge=1, le=12, description="발주월 (within the quarter), if known")
    title: str = Field(max_length=300, description="사업명")
    category: Category
    contract_method: ContractMethod = ContractMethod.GENERAL_COMPETITIVE
    amount: int = Field(strict=True, description="발주예정금액 (won)")
    description: str = Field(default="", max_length=4000)


class PlanNoticeOut(BaseModel):
    number: str
    title: str
    status: str


class PlanOut(BaseModel):
    number: str = Field(description="발주계획통합번호 (orderPlanUntyNo)")
    agency: dict[str, int | str]
    year: int
    quarter: int
    month: int | None
    title: str
    category: Category
    contract_method: ContractMethod
    amount: int
    description: str
    status: str = Field(description="published | withdrawn")
    status_ko: str
    published_at: datetime
    withdrawn_at: datetime | None
    withdraw_reason: str | None
    notices: list[PlanNoticeOut] | None = Field(default=None, description="Notices published against it (one plan)")

    @classmethod
    def of(cls, v: service.PlanView, notices: list[service.PlanNotice] | None = None) -> PlanOut:
        return cls(
            number=v.number,
            agency={"id": v.agency_id, "name": v.agency_name},
            year=v.year,
            quarter=v.quarter,
            month=v.month,
            title=v.title,
            category=v.category,
            contract_method=v.contract_method,
            amount=v.amount,
            description=v.description,
            status=v.status.value,
            status_ko=PLAN_STATUS_LABELS[v.status][0],
            published_at=v.published_at,
            withdrawn_at=v.withdrawn_at,
            withdraw_reason=v.withdraw_reason,
            notices=None if notices is None else [PlanNoticeOut(**vars(n)) for n in notices],
        )


class PlanPageOut(BaseModel):
    items: list[PlanOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page")
    count: int = Field(description="Items matching the filters (all pages)")
    total_amount: int = Field(description="Their planned amount, in won")


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=2000)


@router.get("/order-plans", response_model=PlanPageOut, summary="Search the published order plans (public)")
def search(
    ctx: Ctx,
    q: Annotated[str, Query(max_length=200, description="Words of the title or the agency's name")] = "",
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    quarter: Annotated[int | None, Query(ge=1, le=4)] = None,
    category: Category | None = None,
    agency_id: Annotated[int | None, Query(ge=1)] = None,
    include_withdrawn: bool = False,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> PlanPageOut:
    page = service.search_plans(
        ctx, service.PlanQuery(q, year, quarter, category, agency_id, include_withdrawn, limit, cursor)
    )
    return PlanPageOut(
        items=[PlanOut.of(v) for v in page.items],
        next_cursor=page.next_cursor,
        count=page.count,
        total_amount=page.total_amount,
    )


@router.get("/order-plans/{plan}", response_model=PlanOut, summary="One order-plan item and its notices")
def get_plan(ctx: Ctx, plan: str) -> PlanOut:
    view, notices = service.get_plan(ctx, plan)
    return PlanOut.of(view, notices)


@router.post(
    "/order-plans",
    status_code=201,
    response_model=PlanOut,
    summary="Publish an order-plan item (the agency's procurement officer)",
)
def publish(ctx: Ctx, actor: ApiActor, body: PlanIn, response: Response) -> PlanOut:
    number = service.publish_item(
        ctx,
        actor,
        PlanItem(
            body.year,
            body.quarter,
            body.title,
            body.category,
            body.contract_method,
            body.amount,
            body.month,
            body.description,
        ),
    )
    response.headers["Location"] = f"/api/v1/order-plans/{number}"
    view, notices = service.get_plan(ctx, number)
    return PlanOut.of(view, notices)


@router.post("/order-plans/{plan}/withdraw", response_model=PlanOut, summary="Withdraw an order-plan item")
def withdraw(ctx: Ctx, actor: ApiActor, plan: str, body: WithdrawIn) -> PlanOut:
    service.withdraw(ctx, actor, plan, body.reason)
    view, notices = service.get_plan(ctx, plan)
    return PlanOut.of(view, notices)
