"""REST routes for the public statistics: the figures per bucket as JSON, and the same as a CSV file."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from jangter.kernel.calendar import seoul_date
from jangter.kernel.context import AppContext
from jangter.opendata import statistics
from jangter.opendata.domain.request import StatisticsRequest, parse_request
from jangter.web.http import Ctx

router = APIRouter(prefix="/api/v1", tags=["statistics"])

From = Annotated[str | None, Query(alias="from", description="First day (YYYY-MM-DD, Asia/Seoul); default: see `to`")]
To = Annotated[str | None, Query(description="Last day, included (YYYY-MM-DD, Asia/Seoul); default: today")]
GranularityQ = Annotated[str | None, Query(description="`day`, `week` (Monday to Sunday) or `month`; default: `week`")]
AgencyType = Annotated[
    str | None, Query(description="`national` (국가·공공기관) or `local` (지방자치단체); default: all")
]
CategoryQ = Annotated[str | None, Query(description="`goods`, `services` or `works`; default: all")]


class BucketOut(BaseModel):
    key: str = Field(description="2026-11-02 (day) · 2026-W45 (ISO week) · 2026-11 (month)")
    start: date = Field(description="First day counted (the first bucket is cut to the period)")
    end: date = Field(description="Last day counted, included (the last bucket is cut to the period)")


class SeriesOut(BaseModel):
    key: str
    label_ko: str
    label_en: str
    unit: statistics.Unit = Field(description="`count`, or `won` for amounts")
    definition: str = Field(description="What is counted, and on which day")
    total: int = Field(description="The sum over the period")
    values: list[int] = Field(description="One value per bucket, in the order of `buckets`")


class StatisticsOut(BaseModel):
    from_: date = Field(alias="from", description="First day counted (Asia/Seoul)")
    to: date
    granularity: str
    agency_type: str | None
    category: str | None
    timezone: str = Field(description="Days are calendar days in this time zone")
    buckets: list[BucketOut]
    series: list[SeriesOut]


def _request(ctx: AppContext, raw: dict[str, str | None]) -> StatisticsRequest:
    """The API and the page refuse the same values with the same codes (``opendata/domain/request.py``)."""
    return parse_request(raw, seoul_date(ctx.clock.now()))


@router.get(
    "/statistics",
    response_model=StatisticsOut,
    response_model_by_alias=True,
    summary="Public statistics per day, week or month (notices, openings, failed bids, awards, contracts, payments)",
)
def figures(
    ctx: Ctx,
    from_: From = None,
    to: To = None,
    granularity: GranularityQ = None,
    agency_type: AgencyType = None,
    category: CategoryQ = None,
) -> StatisticsOut:
    raw = {"from": from_, "to": to, "granularity": granularity, "agency_type": agency_type, "category": category}
    request = _request(ctx, raw)
    stats = statistics.compute(ctx, request)
    return StatisticsOut.model_validate(
        {
            "from": request.first,
            "to": request.last,
            "granularity": request.granularity.value,
            "agency_type": request.agency_type.value if request.agency_type else None,
            "category": request.category.value if request.category else None,
            "timezone": "Asia/Seoul",
            "buckets": [BucketOut(key=b.key, start=b.start, end=b.end) for b in stats.buckets],
            "series": [
                SeriesOut(
                    key=s.spec.key,
                    label_ko=s.spec.label_ko,
                    label_en=s.spec.label_en,
                    unit=s.spec.unit,
                    definition=s.spec.definition_en,
                    total=s.total,
                    values=list(s.values),
                )
                for s in stats.series
            ],
        }
    )


@router.get(
    "/statistics.csv",
    response_class=Response,
    summary="The same statistics as a CSV file (one row per bucket; UTF-8 with a byte-order mark, for Excel)",
    responses={200: {"content": {"text/csv": {}}, "description": "bucket, start, end, then one column per series"}},
)
def figures_csv(
    ctx: Ctx,
    from_: From = None,
    to: To = None,
    granularity: GranularityQ = None,
    agency_type: AgencyType = None,
    category: CategoryQ = None,
) -> Response:
    raw = {"from": from_, "to": to, "granularity": granularity, "agency_type": agency_type, "category": category}
    request = _request(ctx, raw)
    name = f"jangter-statistics-{request.first.isoformat()}-{request.last.isoformat()}-{request.granularity.value}.csv"
    return Response(
        statistics.to_csv(statistics.compute(ctx, request)).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
