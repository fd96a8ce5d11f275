"""The public external-processes pages (issue #10 point 4): other countries' processes imported from OCDS, their
totals per source and currency (never converted), and one process with the files it came from. Read-only."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from jangter.opendata.imports import service
from jangter.web.http import Ctx
from jangter.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/external-processes", response_class=HTMLResponse)
def processes_page(
    request: Request,
    ctx: Ctx,
    q: str = "",
    source: str = "",
    country: str = "",
    cursor: str | None = None,
) -> HTMLResponse:
    query = service.ProcessQuery(source=source or None, country=country or None, q=q[:200], cursor=cursor)
    page = service.search_processes(ctx, query)
    totals = service.totals_by_source(ctx)
    return render(
        request,
        "external_processes.html",
        {
            "page": page,
            "f": {"q": q, "source": source, "country": country},
            "sources": [t.source for t in totals],
            "countries": sorted({c for t in totals for c in t.countries}),
            "totals": totals,
            "batches": service.batches(ctx, limit=20),
        },
    )


@router.get("/external-processes/{process}", response_class=HTMLResponse)
def process_page(request: Request, ctx: Ctx, process: str) -> HTMLResponse:
    detail = service.get_process(ctx, process)
    return render(request, "external_process.html", {"d": detail, "p": detail.process})
