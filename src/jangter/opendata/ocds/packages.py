"""Release and record packages, the extensions they declare, and which processes there are or have changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CompoundSelect, or_, select, union
from sqlalchemy.orm import Session

from jangter.bidding.orm import OpeningKey
from jangter.contracting.orm import Contract, ContractVersion, Guarantee
from jangter.evaluation.orm import Opening, PrivateContract
from jangter.helpdesk.incident_orm import Postponement
from jangter.kernel import cursors
from jangter.kernel.context import AppContext
from jangter.opendata.ocds import records, releases
from jangter.opendata.ocds.ids import ocid
from jangter.opendata.ocds.mapping import when
from jangter.payments.orm import PaymentClaim
from jangter.planning.orm import OrderPlan
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.orm import Notice, NoticeRevision

VERSION = "1.1"
PUBLISHER = "Jangter (장터)"
#: Where Jangter's own extension is served (``opendata/ocds/api.py``), under the installation's base URL.
EXTENSION_PATH = "/ocds/extensions/jangter/extension.json"

#: The community extensions Jangter's data uses, at the versions it was validated against.
COMMUNITY_EXTENSIONS = {
    "bids": "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
    "bidOpening": "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bidOpening_extension/master/"
    "extension.json",
    "location": "https://raw.githubusercontent.com/open-contracting-extensions/ocds_location_extension/v1.1.5/"
    "extension.json",  # bidOpening refers to its Location
    "submissionTerms": "https://raw.githubusercontent.com/open-contracting-extensions/ocds_submissionTerms_extension/"
    "master/extension.json",
    "guarantees": "https://raw.githubusercontent.com/contratacionesabiertas/ocds_guarantees_extension/master/"
    "extension.json",
}
#: Their directories in the offline copy the tests validate with (``../shared/ocds/extensions/``).
COMMUNITY_EXTENSION_DIRS = (
    "bids@v1.1.5",
    "bidOpening@master",
    "location@v1.1.5",
    "submissionTerms@master",
    "guarantees@master",
)


def extension_urls(ctx: AppContext) -> list[str]:
    return [*COMMUNITY_EXTENSIONS.values(), ctx.base_url + EXTENSION_PATH]


def _package(ctx: AppContext, uri: str) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": VERSION,
        "extensions": extension_urls(ctx),
        "publishedDate": when(ctx.clock.now()),
        "publisher": {"name": PUBLISHER, "uri": ctx.base_url},
    }


def release_package(ctx: AppContext, items: Sequence[dict[str, Any]], uri: str) -> dict[str, Any]:
    return _package(ctx, uri) | {"releases": list(items)}


def record_package(ctx: AppContext, items: Sequence[dict[str, Any]], uri: str) -> dict[str, Any]:
    return _package(ctx, uri) | {"records": list(items)}


def process_releases(ctx: AppContext, number: str) -> list[dict[str, Any]]:
    """A process's releases (``notice_not_found`` for a draft or an unknown number)."""
    return releases.releases(ctx, number)


def process_record(ctx: AppContext, number: str) -> dict[str, Any]:
    return records.record(releases.releases(ctx, number))


def _public() -> Any:
    return (Notice.status != NoticeStatus.DRAFT.value) & Notice.first_published_at.is_not(None)


def _changed_notice_ids(since: datetime) -> CompoundSelect[Any]:
    """The notices with a release dated at or after ``since`` (every source of ``releases.py``)."""
    by_contract = Contract.notice_id
    return union(
        select(NoticeRevision.notice_id).where(NoticeRevision.created_at >= since),
        select(Postponement.notice_id).where(Postponement.at >= since),
        select(OpeningKey.notice_id).where(OpeningKey.created_at >= since),
        select(Opening.notice_id).where(or_(Opening.opened_at >= since, Opening.awarded_at >= since)),
        select(PrivateContract.notice_id).where(PrivateContract.decided_at >= since),
        select(Notice.id).where(Notice.cancelled_at >= since),
        select(Notice.id).join(OrderPlan, OrderPlan.number == Notice.order_plan).where(OrderPlan.published_at >= since),
        select(by_contract)
        .join(ContractVersion, ContractVersion.contract_id == Contract.id)
        .where(or_(ContractVersion.supplier_signed_at >= since, ContractVersion.agency_signed_at >= since)),
        select(by_contract).join(Guarantee, Guarantee.contract_id == Contract.id).where(Guarantee.decided_at >= since),
        select(by_contract)
        .join(PaymentClaim, PaymentClaim.contract_id == Contract.id)
        .where(PaymentClaim.paid_at >= since),
        select(by_contract).where(Contract.terminated_at >= since),
    )


def changed_since(session: Session, since: datetime) -> list[str]:
    """The notice numbers whose process has a release dated at or after ``since`` (for change feeds)."""
    ids = _changed_notice_ids(since).subquery()
    return list(
        session.scalars(select(Notice.number).where(Notice.id.in_(select(ids.c[0])), _public()).order_by(Notice.id))
    )


def changed_processes(ctx: AppContext, since: datetime) -> list[str]:
    """The ocids of the processes with a release dated at or after ``since``, oldest notice first."""
    with ctx.db.reading() as session:
        return [ocid(n, ctx.ocid_prefix) for n in changed_since(session, since)]


@dataclass(frozen=True)
class Process:
    ocid: str
    number: str
    title: str
    status: str
    first_published_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ProcessPage:
    items: list[Process]
    next_cursor: str | None


PAGE_MAX = 100


def list_processes(
    ctx: AppContext, *, cursor: str | None = None, limit: int = 50, since: datetime | None = None
) -> ProcessPage:
    """Every published notice's process, newest first; with ``since``, only those changed since then."""
    limit = max(1, min(limit, PAGE_MAX))
    query = select(Notice).where(_public())
    if since is not None:
        ids = _changed_notice_ids(since).subquery()
        query = query.where(Notice.id.in_(select(ids.c[0])))
    if cursor:
        query = query.where(Notice.id < cursors.decode(cursor, lambda raw: int(raw[0])))
    query = query.order_by(Notice.id.desc()).limit(limit + 1)
    with ctx.db.reading() as session:
        rows = session.scalars(query).all()
        items = [
            Process(
                ocid(n.number, ctx.ocid_prefix),
                n.number,
                n.title,
                n.status,
                n.first_published_at or n.created_at,
                n.updated_at,
            )
            for n in rows[:limit]
        ]
        last_id = rows[limit - 1].id if len(rows) > limit else None
    return ProcessPage(items, cursors.encode([last_id]) if last_id is not None else None)
