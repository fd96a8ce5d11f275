"""Saved searches, alerts and recommendations over the API (the search itself is ``GET /api/v1/notices``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jangter.kernel.ids import parse_notice_reference
from jangter.kernel.procurement import Category, ContractMethod
from jangter.search import recommend, saved
from jangter.search.service import SearchRequest, Sort, similar_notices
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.schemas import NoticeSummaryOut, SearchPageOut
from jangter.web.http import ApiActor, Ctx

router = APIRouter(prefix="/api/v1/me", tags=["saved searches and recommendations"])
notices_router = APIRouter(prefix="/api/v1/notices", tags=["notices"])


class SearchQueryIO(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(default="", max_length=100)
    status: NoticeStatus | None = None
    category: Category | None = None
    contract_method: ContractMethod | None = None
    region: str | None = Field(default=None, max_length=2)
    agency_id: int | None = None
    amount_min: int | None = Field(default=None, ge=0)
    amount_max: int | None = Field(default=None, ge=0)
    sort: Sort | None = None

    def request(self) -> SearchRequest:
        return SearchRequest(**self.model_dump())

    @classmethod
    def of(cls, request: SearchRequest) -> SearchQueryIO:
        return cls(**{name: getattr(request, name) for name in saved.KEPT})


class SavedSearchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=100)
    query: SearchQueryIO
    alert: bool = False


class SavedSearchOut(BaseModel):
    id: int
    name: str
    query: SearchQueryIO
    alert: bool
    created_at: AwareDatetime
    last_checked_at: AwareDatetime | None
    sent: int


class AlertIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    alert: bool


class ReasonOut(BaseModel):
    ko: str
    en: str


class RecommendationOut(BaseModel):
    notice: NoticeSummaryOut
    score: int
    reasons: list[ReasonOut]


SavedId = Annotated[int, Path(ge=1)]


def _out(view: saved.SavedView) -> SavedSearchOut:
    return SavedSearchOut(
        id=view.id,
        name=view.name,
        query=SearchQueryIO.of(view.request),
        alert=view.alert,
        created_at=view.created_at,
        last_checked_at=view.last_checked_at,
        sent=view.sent,
    )


@router.get("/searches", response_model=list[SavedSearchOut], summary="My saved searches")
def list_searches(ctx: Ctx, actor: ApiActor) -> list[SavedSearchOut]:
    return [_out(v) for v in saved.list_saved(ctx, actor)]


@router.post("/searches", status_code=201, response_model=SavedSearchOut, summary="Save a search (alert optional)")
def save_search(ctx: Ctx, actor: ApiActor, body: SavedSearchIn, response: Response) -> SavedSearchOut:
    saved_id = saved.save(ctx, actor, body.name, body.query.request(), body.alert)
    response.headers["Location"] = f"/api/v1/me/searches/{saved_id}"
    return next(_out(v) for v in saved.list_saved(ctx, actor) if v.id == saved_id)


@router.post("/searches/{saved_id}/alert", response_model=SavedSearchOut, summary="Turn a search's alert on or off")
def set_alert(ctx: Ctx, actor: ApiActor, saved_id: SavedId, body: AlertIn) -> SavedSearchOut:
    saved.set_alert(ctx, actor, saved_id, body.alert)
    return next(_out(v) for v in saved.list_saved(ctx, actor) if v.id == saved_id)


@router.delete("/searches/{saved_id}", status_code=204, summary="Delete a saved search")
def delete_search(ctx: Ctx, actor: ApiActor, saved_id: SavedId) -> Response:
    saved.delete_saved(ctx, actor, saved_id)
    return Response(status_code=204)


@router.get("/recommendations", response_model=list[RecommendationOut], summary="Notices recommended to my firm")
def recommendations(ctx: Ctx, actor: ApiActor) -> list[RecommendationOut]:
    return [
        RecommendationOut(
            notice=NoticeSummaryOut.of(r.notice),
            score=r.score,
            reasons=[ReasonOut(ko=x.ko, en=x.en) for x in r.reasons],
        )
        for r in recommend.recommend(ctx, actor)
    ]


@notices_router.get(
    "/{reference}/similar",
    response_model=SearchPageOut,
    summary="Notices like this one (sharing words of its title)",
)
def similar(ctx: Ctx, reference: str) -> SearchPageOut:
    return SearchPageOut.of(similar_notices(ctx, parse_notice_reference(reference)[0]))
