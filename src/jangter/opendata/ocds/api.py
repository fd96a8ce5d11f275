"""OCDS routes: the list of processes, each process's release and record package, and Jangter's extension."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, Field

from jangter.kernel.errors import DomainError
from jangter.kernel.ids import parse_notice_reference
from jangter.opendata.ocds import packages
from jangter.web.http import Ctx

router = APIRouter(tags=["ocds"])

EXTENSION_DIR = Path(__file__).parent / "extension"


@cache
def _extension_file(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXTENSION_DIR / name).read_text(encoding="utf-8"))
    return document


def _since(raw: str | None) -> datetime | None:
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise DomainError(
            "since_invalid",
            "since는 시간대가 있는 ISO 8601 시각이어야 합니다 (예: 2026-11-02T09:00:00+09:00).",
            "since must be an ISO 8601 time with its offset (e.g. 2026-11-02T09:00:00+09:00).",
            field="since",
            status=400,
        )
    return value


class ProcessOut(BaseModel):
    ocid: str = Field(description="The contracting process: `{prefix}-{notice number}`")
    notice_number: str
    title: str
    status: str = Field(description="The notice's status in Jangter (published, closed, opened, awarded, …)")
    first_published_at: datetime
    updated_at: datetime
    releases_url: str
    record_url: str


class ProcessPageOut(BaseModel):
    items: list[ProcessOut]
    next_cursor: str | None = Field(description="Pass back as `?cursor=` for the next page; null on the last")


def _json(document: dict[str, Any]) -> JSONResponse:
    return JSONResponse(document, media_type="application/json")


@router.get(
    "/api/v1/ocds/processes",
    response_model=ProcessPageOut,
    summary="OCDS contracting processes (every published notice), newest first; `since`: only those changed",
)
def processes(
    ctx: Ctx,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=packages.PAGE_MAX)] = 50,
    since: Annotated[
        str | None, Query(description="Only processes with a release dated at or after this time (ISO 8601)")
    ] = None,
) -> ProcessPageOut:
    page = packages.list_processes(ctx, cursor=cursor, limit=limit, since=_since(since))
    base = ctx.base_url + "/api/v1/ocds/processes/"
    return ProcessPageOut(
        items=[
            ProcessOut(
                ocid=p.ocid,
                notice_number=p.number,
                title=p.title,
                status=p.status,
                first_published_at=p.first_published_at,
                updated_at=p.updated_at,
                releases_url=f"{base}{p.number}/releases",
                record_url=f"{base}{p.number}/record",
            )
            for p in page.items
        ],
        next_cursor=page.next_cursor,
    )


@router.get(
    "/api/v1/ocds/processes/{reference}/releases",
    summary="A release package of every release of a notice's process (OCDS 1.1 with extensions)",
    response_class=JSONResponse,
)
def process_releases(ctx: Ctx, reference: str) -> JSONResponse:
    number = parse_notice_reference(reference)[0]  # R26BK00000001 or R26BK00000001-000: the process is the number
    items = packages.process_releases(ctx, number)
    uri = f"{ctx.base_url}/api/v1/ocds/processes/{number}/releases"
    return _json(packages.release_package(ctx, items, uri))


@router.get(
    "/api/v1/ocds/processes/{reference}/record",
    summary="A record package of a notice's process: its releases and the compiled release",
    response_class=JSONResponse,
)
def process_record(ctx: Ctx, reference: str) -> JSONResponse:
    number = parse_notice_reference(reference)[0]
    uri = f"{ctx.base_url}/api/v1/ocds/processes/{number}/record"
    return _json(packages.record_package(ctx, [packages.process_record(ctx, number)], uri))


@router.get("/ocds/extensions/jangter/extension.json", include_in_schema=False)
def extension_metadata(ctx: Ctx) -> JSONResponse:
    document = dict(_extension_file("extension.json"))
    document["documentationUrl"] = {"en": ctx.base_url + "/ocds/extensions/jangter/README.md"}
    return _json(document)


@router.get("/ocds/extensions/jangter/release-schema.json", include_in_schema=False)
def extension_schema() -> JSONResponse:
    return _json(_extension_file("release-schema.json"))


@router.get("/ocds/extensions/jangter/README.md", include_in_schema=False)
def extension_readme() -> PlainTextResponse:
    text = (EXTENSION_DIR / "README.md").read_text(encoding="utf-8")
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")
