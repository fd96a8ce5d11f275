"""REST routes of the external processes: read-only (only ``jangter import ocds`` writes), open to anyone, since
the data are other countries' public procurement data."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from jangter.opendata.imports import service
from jangter.opendata.imports.orm import ExternalProcess
from jangter.web.http import Ctx

router = APIRouter(prefix="/api/v1", tags=["external processes"])


class MoneyOut(BaseModel):
    amount: Decimal | None = Field(description="A decimal string, as read (4 decimals at most); never converted")
    currency: str | None = Field(description="ISO 4217; null when the source gave none (not filled in)")


class TotalOut(MoneyOut):
    count: int = Field(
        description="Awards (not pending, cancelled or unsuccessful) or contracts (not pending or cancelled) counted"
    )
    latest: datetime | None = Field(description="The latest award date or contract signature (UTC)")


class ProcessOut(BaseModel):
    ocid: str
    source: str = Field(description="The publisher (or the name given at import)")
    country: str | None = Field(description="ISO 3166 code given at import; null when none was given")
    title: str | None
    buyer_name: str | None
    procurement_method: str | None = Field(description="As written by the source (codelist or not)")
    tender_status: str | None = Field(description="As written by the source (codelist or not)")
    tender_value: MoneyOut | None
    tender_start: datetime | None
    tender_end: datetime | None
    awards: TotalOut | None
    contracts: TotalOut | None
    last_release_at: datetime | None
    releases: int = Field(description="Releases and records kept for this process")
    url: str

    @classmethod
    def of(cls, p: ExternalProcess) -> ProcessOut:
        return cls(
            ocid=p.ocid,
            source=p.source,
            country=p.country,
            title=p.title,
            buyer_name=p.buyer_name,
            procurement_method=p.procurement_method,
            tender_status=p.tender_status,
            tender_value=MoneyOut(amount=p.tender_amount, currency=p.tender_currency)
            if p.tender_amount is not None
            else None,
            tender_start=p.tender_start,
            tender_end=p.tender_end,
            awards=_total(p.award_count, p.award_total, p.award_currency, p.awarded_at),
            contracts=_total(p.contract_count, p.contract_total, p.contract_currency, p.signed_at),
            last_release_at=p.last_release_at,
            releases=p.releases,
            url=f"/api/v1/external-processes/{quote(p.ocid, safe='')}",
        )


def _total(count: int | None, amount: Decimal | None, currency: str | None, latest: datetime | None) -> TotalOut | None:
    if count is None:
        return None
    return TotalOut(count=count, amount=amount, currency=currency, latest=latest)


class ProcessPageOut(BaseModel):
    items: list[ProcessOut]
    count: int = Field(description="Every process the filters match (not only this page)")
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page")


class BatchOut(BaseModel):
    id: int
    file_name: str
    package_type: str = Field(description="release_package, record_package, release or record")
    source: str
    country: str | None
    imported_at: datetime
    items: int
    kept: int
    dropped: int
    report: dict[str, Any] = Field(description="The import report: counts, dropped items, issues per kind")


class ProcessDetailOut(ProcessOut):
    documents: list[dict[str, Any]] = Field(description="The kept releases and records, exactly as imported")
    batches: list[BatchOut] = Field(description="The imported files that hold this process")


@router.get(
    "/external-processes",
    response_model=ProcessPageOut,
    summary="Processes imported from other countries' OCDS publications (read-only, for comparison)",
)
def list_processes(
    ctx: Ctx,
    source: Annotated[str | None, Query(max_length=200, description="The source's name, exactly")] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$", description="ISO 3166 code, e.g. UA")] = None,
    q: Annotated[str, Query(max_length=200, description="Words of the ocid, the title or the buyer's name")] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> ProcessPageOut:
    page = service.search_processes(ctx, service.ProcessQuery(source, country, q, limit, cursor))
    return ProcessPageOut(items=[ProcessOut.of(p) for p in page.items], count=page.count, next_cursor=page.next_cursor)


@router.get(
    "/external-processes/{process}",
    response_model=ProcessDetailOut,
    summary="One external process (by ocid): its summary, its kept releases and the files that brought them",
)
def get_process(ctx: Ctx, process: str) -> ProcessDetailOut:
    detail = service.get_process(ctx, process)
    return ProcessDetailOut(
        **ProcessOut.of(detail.process).model_dump(),
        documents=detail.documents,
        batches=[
            BatchOut(
                id=b.id,
                file_name=b.file_name,
                package_type=b.package_type,
                source=b.source,
                country=b.country,
                imported_at=b.imported_at,
                items=b.items,
                kept=b.kept,
                dropped=b.dropped,
                report=b.report,
            )
            for b in detail.batches
        ],
    )
