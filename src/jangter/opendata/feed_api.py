"""The change feed over HTTP: ``GET /api/v1/changes?cursor=…`` (issue #10 point 2)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from jangter.kernel import cursors
from jangter.opendata import feed
from jangter.web.http import Ctx

router = APIRouter(prefix="/api/v1", tags=["open data"])


class ChangeOut(BaseModel):
    index: int = Field(description="The event's index in the public log (`/api/v1/log/entries`)")
    at: datetime
    kind: str = Field(description="notice.published, notice.amended, notice.opened, contract.signed, payment.paid, …")
    notice: str = Field(description="The process: its notice number")
    ocid: str = Field(description="The process in OCDS: its record is /api/v1/ocds/processes/{notice}/record")


class FeedOut(BaseModel):
    items: list[ChangeOut]
    next_cursor: str = Field(description="Always given: pass it back as ?cursor= for what follows (poll with it)")
    log_size: int


def _position(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < -1:
        raise ValueError("not a log position")
    return value


@router.get(
    "/changes",
    response_model=FeedOut,
    summary="Processes that changed, in log order (never skips a late commit)",
    description=(
        "Each public change of a contracting process (its notice, contract, guarantees, payments) in the order of "
        "the public log. Start without a cursor; keep the `next_cursor` of each answer and ask again with it, also "
        "when `items` is empty. A transaction that commits late gets a later log index, so it is never skipped."
    ),
)
def changes(
    ctx: Ctx,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=feed.PAGE_MAX)] = 100,
) -> FeedOut:
    after = -1 if cursor is None else cursors.decode(cursor, _position)
    page = feed.changes(ctx, after, limit)
    return FeedOut(
        items=[ChangeOut(index=c.index, at=c.at, kind=c.kind, notice=c.notice, ocid=c.ocid) for c in page.items],
        next_cursor=cursors.encode(page.after),
        log_size=page.log_size,
    )
