"""Public statistics over time (issue #9 point 6): notices, openings, failed bids, awards, contracts and payments per
Seoul day, week or month, for every agency or one agency type, for one category or all.

Public figures only: counts and sums of what has been published, opened, awarded, signed or paid. No series reads a
bid, so nothing sealed can leak, before the opening or after.

How the figures are made: each *source* is one function that asks the database for its values per Seoul day
(grouped in SQL with ``kernel.db.seoul_day``, the same on SQLite and PostgreSQL, so a year of days is at most 366
rows per series); :func:`compute` folds those days into the buckets of the request (``domain/periods.py``, pure).
A new series (the helpdesk's inquiries by category, say) is one more reader function and its ``Source`` in
``SOURCES``; the API, the CSV file and the page show every source without further change.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from jangter.contracting.orm import Contract, ContractVersion
from jangter.evaluation.orm import Opening
from jangter.helpdesk.domain import CATEGORY_LABELS as TICKET_CATEGORY_LABELS
from jangter.helpdesk.domain import TicketCategory
from jangter.helpdesk.orm import Ticket
from jangter.identity.orm import Organisation
from jangter.kernel.context import AppContext
from jangter.kernel.db import seoul_day
from jangter.kernel.procurement import Category, Jurisdiction
from jangter.opendata.domain.periods import Bucket, buckets, fold, utc_window
from jangter.opendata.domain.request import StatisticsRequest
from jangter.payments.orm import PaymentClaim, PaymentShare
from jangter.payments.totals import claim_paid, contract_signed, subcontractor_share, to_primes
from jangter.tendering.orm import Notice

Daily = dict[date, int]  # Seoul day → value (days without any are absent)


class Unit(StrEnum):
    COUNT = "count"
    WON = "won"


class ChartStyle(StrEnum):
    GROUPED = "grouped"  # bars side by side, one per series
    STACKED = "stacked"  # the parts of one whole, stacked
    LINE = "line"


@dataclass(frozen=True)
class Chart:
    """One chart of the page; the series of every source that names it are drawn in it."""

    key: str
    title_ko: str
    title_en: str
    style: ChartStyle
    unit: Unit


@dataclass(frozen=True)
class SeriesSpec:
    key: str  # the JSON key and the CSV column
    chart: Chart  # where the page draws it (its unit is the chart's)
    label_ko: str
    label_en: str
    definition_en: str  # what is counted, and on which day (shown in the API)

    @property
    def unit(self) -> Unit:
        return self.chart.unit


@dataclass(frozen=True)
class Scope:
    """What a reader is asked for: a window of UTC instants (whole Seoul days) and the filters."""

    start: datetime  # included
    end: datetime  # excluded
    agency_type: Jurisdiction | None
    category: Category | None

    def within(self, at: InstrumentedAttribute[Any]) -> Any:
        return and_(at >= self.start, at < self.end)

    def narrow(
        self, query: Select[*tuple[Any, ...]], agency: InstrumentedAttribute[int], category: InstrumentedAttribute[str]
    ) -> Select[*tuple[Any, ...]]:
        """Keep the rows of the agency type and category asked for. An agency without a recorded jurisdiction
        follows national law, as everywhere else in Jangter."""
        if self.agency_type is not None:
            query = query.join(Organisation, Organisation.id == agency).where(
                func.coalesce(Organisation.jurisdiction, Jurisdiction.NATIONAL.value) == self.agency_type.value
            )
        if self.category is not None:
            query = query.where(category == self.category.value)
        return query


Reader = Callable[[Session, Scope], dict[str, Daily]]


@dataclass(frozen=True)
class Source:
    series: tuple[SeriesSpec, ...]
    read: Reader  # one query (or two) for the values of each of ``series``, by key


def _per_day(session: Session, query: Select[*tuple[Any, ...]], keys: tuple[str, ...]) -> dict[str, Daily]:
    """Run a query whose first column is the Seoul day and whose next columns are the values of ``keys``."""
    found: dict[str, Daily] = {key: {} for key in keys}
    for day, *values in session.execute(query):
        when = date.fromisoformat(day) if isinstance(day, str) else day
        for key, value in zip(keys, values, strict=True):
            if value:
                found[key][when] = int(value)
    return found


# --- the sources -------------------------------------------------------------------------------------------


def notices_published(session: Session, scope: Scope) -> dict[str, Daily]:
    day = seoul_day(Notice.first_published_at)
    query = select(day, func.count()).where(scope.within(Notice.first_published_at))
    query = scope.narrow(query, Notice.agency_id, Notice.category).group_by(day)
    return _per_day(session, query, ("notices",))


def openings_and_failures(session: Session, scope: Scope) -> dict[str, Daily]:
    day = seoul_day(Opening.opened_at)
    query = (
        select(day, func.count(), func.count().filter(Opening.failure_reason.is_not(None)))
        .join(Notice, Notice.id == Opening.notice_id)
        .where(scope.within(Opening.opened_at))
    )
    query = scope.narrow(query, Notice.agency_id, Notice.category).group_by(day)
    return _per_day(session, query, ("openings", "failed"))


def awards_decided(session: Session, scope: Scope) -> dict[str, Daily]:
    day = seoul_day(Opening.awarded_at)
    query = (
        select(day, func.count()).join(Notice, Notice.id == Opening.notice_id).where(scope.within(Opening.awarded_at))
    )
    query = scope.narrow(query, Notice.agency_id, Notice.category).group_by(day)
    return _per_day(session, query, ("awards",))


def contracts_signed(session: Session, scope: Scope) -> dict[str, Daily]:
    """Contracts signed (the rule of ``payments.totals``), on the day the agency signed the first version."""
    signed_at = ContractVersion.agency_signed_at
    day = seoul_day(signed_at)
    query = (
        select(day, func.count(), func.coalesce(func.sum(Contract.amount), 0))
        .join(ContractVersion, and_(ContractVersion.contract_id == Contract.id, ContractVersion.version == 1))
        .where(contract_signed(), scope.within(signed_at))
    )
    query = scope.narrow(query, Contract.agency_id, Contract.category).group_by(day)
    return _per_day(session, query, ("contracts", "contract_amount"))


def payments_made(session: Session, scope: Scope) -> dict[str, Daily]:
    """What was paid (the rules of ``payments.totals``), on the day of the payment, split between the primes and
    the subcontractors."""
    day = seoul_day(PaymentClaim.paid_at)
    paid = (
        select(day, func.coalesce(func.sum(PaymentClaim.net), 0))
        .join(Contract, Contract.id == PaymentClaim.contract_id)
        .where(claim_paid(), scope.within(PaymentClaim.paid_at))
    )
    paid = scope.narrow(paid, Contract.agency_id, Contract.category).group_by(day)
    shares = (
        select(day, func.coalesce(func.sum(PaymentShare.amount), 0))
        .join(PaymentClaim, PaymentClaim.id == PaymentShare.claim_id)
        .join(Contract, Contract.id == PaymentClaim.contract_id)
        .where(claim_paid(), subcontractor_share(), scope.within(PaymentClaim.paid_at))
    )
    shares = scope.narrow(shares, Contract.agency_id, Contract.category).group_by(day)
    total = _per_day(session, paid, ("paid",))["paid"]
    to_subcontractors = _per_day(session, shares, ("paid_to_subcontractors",))["paid_to_subcontractors"]
    to_prime = {d: to_primes(v, to_subcontractors.get(d, 0)) for d, v in total.items()}
    return {"paid_to_primes": to_prime, "paid_to_subcontractors": to_subcontractors}


def inquiries_by_category(session: Session, scope: Scope) -> dict[str, Daily]:
    """Helpdesk tickets (inquiries and error reports) filed, by category, on the Seoul day of filing. Tickets have no
    agency type or procurement category: the filters do not narrow them."""
    day = seoul_day(Ticket.filed_at)
    query = (
        select(day, Ticket.category, func.count()).where(scope.within(Ticket.filed_at)).group_by(day, Ticket.category)
    )
    found: dict[str, Daily] = {f"inquiries_{c.value}": {} for c in TicketCategory}
    for when, category, count in session.execute(query):
        found[f"inquiries_{category}"][date.fromisoformat(when) if isinstance(when, str) else when] = int(count)
    return found


ACTIVITY = Chart("activity", "입찰 진행 건수", "Tendering activity", ChartStyle.GROUPED, Unit.COUNT)
CONTRACTS = Chart("contracts", "계약 체결 건수", "Contracts signed", ChartStyle.GROUPED, Unit.COUNT)
CONTRACT_AMOUNT = Chart("contract_amount", "계약 금액", "Contract amounts", ChartStyle.LINE, Unit.WON)
PAYMENTS = Chart("payments", "대금 지급액", "Amounts paid", ChartStyle.STACKED, Unit.WON)
INQUIRIES = Chart("inquiries", "고객지원 접수 (문의·오류 신고)", "Helpdesk tickets", ChartStyle.STACKED, Unit.COUNT)

#: Every series, in the order of the API, the CSV columns and the page. One more source here is one more series.
SOURCES: tuple[Source, ...] = (
    Source(
        (SeriesSpec("notices", ACTIVITY, "입찰공고", "Notices", "Notices published, on their first publication"),),
        notices_published,
    ),
    Source(
        (
            SeriesSpec("openings", ACTIVITY, "개찰", "Openings", "Bidding rounds opened, on the opening day"),
            SeriesSpec(
                "failed",
                ACTIVITY,
                "유찰",
                "Failed bids",
                "Opened rounds that failed (유찰: no bid, a single bid, no bid that could win), on the opening day",
            ),
        ),
        openings_and_failures,
    ),
    Source(
        (SeriesSpec("awards", ACTIVITY, "낙찰", "Awards", "Awards decided, on the award day"),),
        awards_decided,
    ),
    Source(
        (
            SeriesSpec(
                "contracts",
                CONTRACTS,
                "계약 체결",
                "Contracts signed",
                "Contracts signed by both parties and not terminated, on the day the agency signed",
            ),
            SeriesSpec(
                "contract_amount",
                CONTRACT_AMOUNT,
                "계약 금액",
                "Contract amount",
                "The amount in force of those contracts, in won",
            ),
        ),
        contracts_signed,
    ),
    Source(
        (
            SeriesSpec(
                "paid_to_primes",
                PAYMENTS,
                "원도급자 지급",
                "Paid to primes",
                "Paid to the primes (with labour and materials), on the payment day, in won",
            ),
            SeriesSpec(
                "paid_to_subcontractors",
                PAYMENTS,
                "하도급자 지급",
                "Paid to subcontractors",
                "The subcontractors' shares of those payments (directly or through the prime), in won",
            ),
        ),
        payments_made,
    ),
    Source(
        tuple(
            SeriesSpec(
                f"inquiries_{category.value}",
                INQUIRIES,
                f"문의·신고 ({TICKET_CATEGORY_LABELS[category][0]})",
                f"Tickets ({TICKET_CATEGORY_LABELS[category][1]})",
                f"Helpdesk inquiries and error reports about {TICKET_CATEGORY_LABELS[category][1].lower()}, on the "
                "day filed (not narrowed by agency type or category)",
            )
            for category in TicketCategory
        ),
        inquiries_by_category,
    ),
)


# --- the figures -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    spec: SeriesSpec
    values: tuple[int, ...]  # one per bucket

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class Statistics:
    request: StatisticsRequest
    buckets: tuple[Bucket, ...]
    series: tuple[Series, ...]

    def get(self, key: str) -> Series:
        return next(s for s in self.series if s.spec.key == key)

    def charts(self) -> list[tuple[Chart, list[Series]]]:
        """The series grouped by chart, in the order of ``SOURCES``."""
        grouped: dict[str, tuple[Chart, list[Series]]] = {}
        for s in self.series:
            grouped.setdefault(s.spec.chart.key, (s.spec.chart, []))[1].append(s)
        return list(grouped.values())


def compute(ctx: AppContext, request: StatisticsRequest, sources: tuple[Source, ...] = SOURCES) -> Statistics:
    start, end = utc_window(request.first, request.last)
    scope = Scope(start, end, request.agency_type, request.category)
    into = buckets(request.first, request.last, request.granularity)
    series = []
    with ctx.db.reading() as session:
        for source in sources:
            found = source.read(session, scope)
            for spec in source.series:
                series.append(Series(spec, fold(found.get(spec.key, {}), into)))
    return Statistics(request, into, tuple(series))


def to_csv(stats: Statistics) -> str:
    """One row per bucket after a header row; UTF-8 with a byte-order mark so that Excel reads the Korean."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["bucket", "start", "end", *(s.spec.key for s in stats.series)])
    for i, bucket in enumerate(stats.buckets):
        writer.writerow(
            [bucket.key, bucket.start.isoformat(), bucket.end.isoformat(), *(s.values[i] for s in stats.series)]
        )
    return out.getvalue()
