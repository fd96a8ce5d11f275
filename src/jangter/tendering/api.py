"""REST routes for notices. Thin: parse, call the use case, render."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import AwareDatetime

from jangter.identity.domain.roles import Role, require_role
from jangter.kernel.ids import parse_notice_reference
from jangter.kernel.procurement import Category, ContractMethod
from jangter.search.service import SearchRequest, Sort, search_notices
from jangter.tendering import queries, service
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.domain.timetable import Timetable
from jangter.tendering.schemas import (
    NoticeAmendIn,
    NoticeIn,
    NoticeOut,
    NoticeSummaryOut,
    PageOut,
    ReasonIn,
    SearchPageOut,
    TimetableIn,
)
from jangter.web.http import ApiActor, Ctx, idempotency_claim

router = APIRouter(prefix="/api/v1", tags=["notices"])


def _number(reference: str) -> str:
    return parse_notice_reference(reference)[0]


@router.get(
    "/notices",
    response_model=SearchPageOut,
    summary="Search and list published notices",
    description=(
        "Words are searched in the number, title, agencies and text of each notice (Korean as syllable pairs: two-"
        "syllable words such as 용역 or 공사 work, and so does one syllable). Every word is required. A notice "
        "number finds that notice. `search.mode` says how the answer was made: `engine`, `list` (no words), "
        "`number`, or `fallback` when the search engine was slow or failing and a plain title search answered."
    ),
)
def list_notices(
    ctx: Ctx,
    status: NoticeStatus | None = None,
    category: Category | None = None,
    contract_method: ContractMethod | None = None,
    agency_id: int | None = None,
    region: str | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Words, or a notice number")] = None,
    amount_min: Annotated[int | None, Query(ge=0, description="Base amount from (won)")] = None,
    amount_max: Annotated[int | None, Query(ge=0, description="Base amount up to (won)")] = None,
    deadline_from: AwareDatetime | None = None,
    deadline_to: AwareDatetime | None = None,
    published_from: AwareDatetime | None = None,
    published_to: AwareDatetime | None = None,
    sort: Annotated[Sort | None, Query(description="Default: relevance with words, else newest")] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=queries.PAGE_MAX)] = 20,
) -> SearchPageOut:
    result = search_notices(
        ctx,
        SearchRequest(
            text=q or "",
            status=status,
            category=category,
            contract_method=contract_method,
            region=region,
            agency_id=agency_id,
            amount_min=amount_min,
            amount_max=amount_max,
            deadline_from=deadline_from,
            deadline_to=deadline_to,
            published_from=published_from,
            published_to=published_to,
            sort=sort,
            cursor=cursor,
            limit=limit,
        ),
    )
    return SearchPageOut.of(result)


@router.get(
    "/agency/notices",
    response_model=PageOut[NoticeSummaryOut],
    summary="The caller's agency's notices, drafts included",
)
def list_agency_notices(
    ctx: Ctx,
    actor: ApiActor,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=queries.PAGE_MAX)] = 50,
) -> PageOut[NoticeSummaryOut]:
    officer = require_role(actor, Role.PROCUREMENT_OFFICER, Role.BID_OFFICIAL)
    page = queries.list_for_agency(ctx, officer, cursor=cursor, limit=limit)
    return PageOut(items=[NoticeSummaryOut.of(n) for n in page.items], next_cursor=page.next_cursor)


@router.post("/notices", status_code=201, response_model=NoticeOut, summary="Create a draft notice")
def create_notice(ctx: Ctx, actor: ApiActor, body: NoticeIn, request: Request, response: Response) -> NoticeOut:
    claim = idempotency_claim(request, actor, "POST /notices", body.model_dump(mode="json"))
    number = service.create_draft(ctx, actor, body.to_terms(), claim)
    response.headers["Location"] = f"/api/v1/notices/{number}"
    return NoticeOut.of_detail(queries.get_notice(ctx, number, actor))


@router.get("/notices/{reference}", response_model=NoticeOut, summary="One notice")
def get_notice(ctx: Ctx, actor: ApiActor, reference: str) -> NoticeOut:
    return NoticeOut.of_detail(queries.get_notice(ctx, _number(reference), actor))


@router.put("/notices/{reference}", response_model=NoticeOut, summary="Rewrite a draft")
def edit_notice(ctx: Ctx, actor: ApiActor, reference: str, body: NoticeIn) -> NoticeOut:
    number = _number(reference)
    service.edit_draft(ctx, actor, number, body.to_terms())
    return NoticeOut.of_detail(queries.get_notice(ctx, number, actor))


@router.post(
    "/notices/{reference}/publish",
    response_model=NoticeOut,
    summary="Publish a draft (checks the rules in force)",
)
def publish_notice(ctx: Ctx, actor: ApiActor, reference: str) -> NoticeOut:
    number = _number(reference)
    service.publish(ctx, actor, number)
    return NoticeOut.of_detail(queries.get_notice(ctx, number, actor))


@router.post("/notices/{reference}/amend", response_model=NoticeOut, summary="Amend (정정공고): a new 차수")
def amend_notice(ctx: Ctx, actor: ApiActor, reference: str, body: NoticeAmendIn) -> NoticeOut:
    number = _number(reference)
    service.amend(ctx, actor, number, body.changes(), body.reason)
    return NoticeOut.of_detail(queries.get_notice(ctx, number, actor))


@router.post("/notices/{reference}/cancel", response_model=NoticeOut, summary="Cancel with a reason")
def cancel_notice(ctx: Ctx, actor: ApiActor, reference: str, body: ReasonIn) -> NoticeOut:
    number = _number(reference)
    service.cancel(ctx, actor, number, body.reason)
    return NoticeOut.of_detail(queries.get_notice(ctx, number, actor))


@router.post(
    "/notices/{reference}/reannounce",
    response_model=NoticeOut,
    summary="Re-announce a failed notice (재공고): new 차수, new bidding round",
)
def reannounce_notice(ctx: Ctx, actor: ApiActor, reference: str, body: TimetableIn) -> NoticeOut:
    number = _number(reference)
    service.reannounce(ctx, actor, number, Timetable(body.bid_start_at, body.deadline_at, body.opening_at))
    return NoticeOut.of_detail(queries.get_notice(ctx, number, actor))
