"""Reading notices: the public list with filters and cursor pagination, and one notice in full."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Row, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from jangter.bidding.orm import Bid, OpeningKey
from jangter.contracting.domain.deposits import bid_bond_ceiling
from jangter.evaluation.domain.award_floor import award_floor_rate
from jangter.evaluation.domain.negotiated import technical_maximum
from jangter.identity.domain.roles import Actor, OrgKind
from jangter.identity.orm import Organisation
from jangter.kernel import cursors
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, NotFound
from jangter.kernel.ids import display_number
from jangter.kernel.procurement import AwardMethod, BidBond, Category, ContractMethod
from jangter.rules.domain import Ruled, RuleSet
from jangter.tendering.domain.notice import NoticeKind, NoticeStatus
from jangter.tendering.domain.timetable import minimum_announcement_days
from jangter.tendering.orm import Notice, NoticeRevision

PAGE_MAX = 100

T = TypeVar("T")


def effective_status(status: NoticeStatus, deadline_at: datetime, now: datetime) -> NoticeStatus:
    """A published notice past its deadline is closed, even before the worker has recorded it."""
    if status is NoticeStatus.PUBLISHED and deadline_at <= now:
        return NoticeStatus.CLOSED
    return status


@dataclass(frozen=True)
class NoticeSummary:
    number: str
    order: int
    kind: NoticeKind
    title: str
    category: Category
    status: NoticeStatus
    agency_id: int
    agency_name: str
    region: str
    base_amount: int
    bid_start_at: datetime
    deadline_at: datetime
    opening_at: datetime
    published_at: datetime | None
    updated_at: datetime

    @property
    def display_number(self) -> str:
        return display_number(self.number, self.order)


@dataclass(frozen=True)
class Revision:
    order: int
    kind: NoticeKind
    reason: str | None
    created_at: datetime


@dataclass(frozen=True)
class OpeningKeyView:
    """What a bidder's client seals to, and what anyone checks the opening against."""

    round: int
    fingerprint: str
    p256: str  # hex, uncompressed point
    pq_mlkem768: str  # hex
    pq_x25519: str  # hex
    pq_allowed: bool
    quorum: int
    size: int
    price_commitment: str


@dataclass(frozen=True)
class NoticeDetail(NoticeSummary):
    description: str
    contract_method: ContractMethod
    demand_agency_id: int
    demand_agency_name: str
    estimated_price: int
    a_value: int
    round: int
    reserve_range_pct: Decimal | None  # as stated in the notice (None: the rule set's)
    award_floor_rate: Decimal | None  # as stated in the notice (None: derived)
    rule_set_version: str | None
    rule_set_title: tuple[str, str] | None
    effective_reserve_range: Ruled[Decimal] | None
    effective_floor_rate: Ruled[Decimal] | None
    minimum_period: Ruled[int] | None
    first_published_at: datetime | None
    closed_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    revisions: tuple[Revision, ...]
    bid_count: int | None  # shown to the notice's own agency only
    committee_quorum: int
    committee_size: int
    pq_allowed: bool
    opening_key: OpeningKeyView | None  # the current round's (None for a draft)
    award_method: AwardMethod = AwardMethod.QUALIFICATION_REVIEW
    bid_bond: BidBond = BidBond.UNDERTAKING
    order_plan: str | None = None  # the 발주계획 item the notice was published against
    pre_specification: str | None = None  # the 사전규격 it followed
    bid_bond_guarantee: Ruled[int] | None = None  # a guarantee notice: the bid-bond guarantee each bidder brings
    rebid_no: int = 0
    # 협상에 의한 계약: the technical maximum and its rule, the items and the 차등점수 step
    technical_max: Ruled[Decimal] | None = None
    technical_items: tuple[tuple[str, Decimal], ...] = ()
    differential_step: Decimal | None = None
    software_project: bool = False


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _cursor(sort_value: datetime, row_id: int) -> str:
    return cursors.encode([sort_value.isoformat(), row_id])


def _read_cursor(cursor: str) -> tuple[datetime, int]:
    return cursors.decode(cursor, lambda raw: (datetime.fromisoformat(raw[0]), int(raw[1])))


_SUMMARY_COLUMNS = (
    Notice.id,
    Notice.number,
    Notice.order,
    Notice.kind,
    Notice.title,
    Notice.category,
    Notice.status,
    Notice.agency_id,
    Notice.region,
    Notice.base_amount,
    Notice.bid_start_at,
    Notice.deadline_at,
    Notice.opening_at,
    Notice.published_at,
    Notice.updated_at,
)


def _summary_rows() -> Select[*tuple[Any, ...]]:
    """The columns of a summary (not whole notices: lists and search pages read 20 to 100 at a time)."""
    return select(*_SUMMARY_COLUMNS, Organisation.name.label("agency_name")).join(
        Organisation, Organisation.id == Notice.agency_id
    )


def _summary(notice: Notice | Row[Any], agency_name: str, now: datetime) -> NoticeSummary:
    return NoticeSummary(
        number=notice.number,
        order=notice.order,
        kind=NoticeKind(notice.kind),
        title=notice.title,
        category=Category(notice.category),
        status=effective_status(NoticeStatus(notice.status), notice.deadline_at, now),
        agency_id=notice.agency_id,
        agency_name=agency_name,
        region=notice.region,
        base_amount=notice.base_amount,
        bid_start_at=notice.bid_start_at,
        deadline_at=notice.deadline_at,
        opening_at=notice.opening_at,
        published_at=notice.published_at,
        updated_at=notice.updated_at,
    )


def list_for_agency(
    ctx: AppContext, actor: Actor, *, cursor: str | None = None, limit: int = 50
) -> Page[NoticeSummary]:
    """An agency's own notices, drafts included, most recently changed first."""
    now = ctx.clock.now()
    limit = max(1, min(limit, PAGE_MAX))
    query = _summary_rows().where(Notice.agency_id == actor.org_id)
    if cursor:
        when, row_id = _read_cursor(cursor)
        query = query.where(or_(Notice.updated_at < when, and_(Notice.updated_at == when, Notice.id < row_id)))
    query = query.order_by(Notice.updated_at.desc(), Notice.id.desc()).limit(limit + 1)
    with ctx.db.reading() as session:
        rows = session.execute(query).all()
    items = [_summary(row, row.agency_name, now) for row in rows[:limit]]
    last = rows[limit - 1] if len(rows) > limit else None
    return Page(items, _cursor(last.updated_at, last.id) if last else None)


def status_condition(status: NoticeStatus, now: datetime) -> ColumnElement[bool]:
    """A notice in this status as people see it now: a published notice past its deadline counts as closed even
    before the worker has closed it."""
    if status is NoticeStatus.PUBLISHED:
        return and_(Notice.status == NoticeStatus.PUBLISHED.value, Notice.deadline_at > now)
    if status is NoticeStatus.CLOSED:
        return or_(
            Notice.status == NoticeStatus.CLOSED.value,
            and_(Notice.status == NoticeStatus.PUBLISHED.value, Notice.deadline_at <= now),
        )
    return Notice.status == status.value


def summaries_of(session: Session, ids: list[int], now: datetime) -> list[NoticeSummary]:
    """The summaries of these notices, in the order of ``ids``."""
    if not ids:
        return []
    rows = {r.id: _summary(r, r.agency_name, now) for r in session.execute(_summary_rows().where(Notice.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def _rules(ctx: AppContext, version: str | None) -> RuleSet | None:
    return ctx.rules.version(version) if version else None


def get_notice(ctx: AppContext, number: str, viewer: Actor | None) -> NoticeDetail:
    """One notice. Drafts are seen only by their own agency; the bid count only by the agency."""
    now = ctx.clock.now()
    demand = aliased(Organisation)
    with ctx.db.reading() as session:
        row = session.execute(
            select(Notice, Organisation.name, demand.name)
            .join(Organisation, Organisation.id == Notice.agency_id)
            .join(demand, demand.id == Notice.demand_agency_id)
            .where(Notice.number == number)
        ).one_or_none()
        own = row is not None and viewer is not None and viewer.org_id == row[0].agency_id
        if row is None or (row[0].status == NoticeStatus.DRAFT.value and not own):
            raise NotFound("공고", "Notice", code="notice_not_found")
        notice, agency_name, demand_name = row
        revisions = tuple(
            Revision(r.order, NoticeKind(r.kind), r.reason, r.created_at)
            for r in session.scalars(
                select(NoticeRevision).where(NoticeRevision.notice_id == notice.id).order_by(NoticeRevision.order)
            )
        )
        bid_count = _bid_count(session, notice) if own and viewer and viewer.org_kind is OrgKind.AGENCY else None
        key = session.get(OpeningKey, (notice.id, notice.round))
        opening_key = (
            None
            if key is None
            else OpeningKeyView(
                round=key.round,
                fingerprint=key.fingerprint,
                p256=key.p256.hex(),
                pq_mlkem768=key.pq_mlkem.hex(),
                pq_x25519=key.pq_x25519.hex(),
                pq_allowed=key.pq_allowed,
                quorum=key.quorum,
                size=key.size,
                price_commitment=key.price_commitment,
            )
        )
    rules = _rules(ctx, notice.rule_set_version)
    category = Category(notice.category)
    return NoticeDetail(
        **vars(_summary(notice, agency_name, now)),
        description=notice.description,
        contract_method=ContractMethod(notice.contract_method),
        demand_agency_id=notice.demand_agency_id,
        demand_agency_name=demand_name,
        estimated_price=notice.estimated_price,
        a_value=notice.a_value,
        round=notice.round,
        reserve_range_pct=notice.reserve_range_pct,
        award_floor_rate=notice.award_floor_rate,
        rule_set_version=notice.rule_set_version,
        rule_set_title=(rules.title_ko, rules.title_en) if rules else None,
        effective_reserve_range=_reserve_range(rules, notice),
        effective_floor_rate=_floor_rate(rules, notice, category),
        minimum_period=minimum_announcement_days(
            rules,
            category,
            notice.estimated_price,
            reannouncement=notice.round > 1,
            negotiated=notice.award_method == AwardMethod.NEGOTIATED.value,
        )
        if rules
        else None,
        first_published_at=notice.first_published_at,
        closed_at=notice.closed_at,
        cancelled_at=notice.cancelled_at,
        cancel_reason=notice.cancel_reason,
        revisions=revisions,
        bid_count=bid_count,
        committee_quorum=notice.committee_quorum,
        committee_size=notice.committee_size,
        pq_allowed=notice.pq_allowed,
        opening_key=opening_key,
        award_method=AwardMethod(notice.award_method),
        bid_bond=BidBond(notice.bid_bond),
        order_plan=notice.order_plan,
        pre_specification=notice.pre_specification,
        bid_bond_guarantee=_bid_bond_guarantee(rules, notice),
        rebid_no=notice.rebid_no,
        technical_max=_technical_max(rules, notice),
        technical_items=tuple((name, Decimal(points)) for name, points in notice.technical_items or ()),
        differential_step=notice.differential_step,
        software_project=notice.software_project,
    )


def _technical_max(rules: RuleSet | None, notice: Notice) -> Ruled[Decimal] | None:
    if rules is None or notice.award_method != AwardMethod.NEGOTIATED.value:
        return None
    key = "software_technical_weight" if notice.software_project else "technical_weight"
    return Ruled(
        technical_maximum(rules.negotiated, software_project=notice.software_project),
        f"negotiated.{key}",
        rules.version,
        rules.negotiated.source,
    )


def _bid_count(session: Session, notice: Notice) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Bid).where(Bid.notice_id == notice.id, Bid.round == notice.round)
        )
        or 0
    )


def _bid_bond_guarantee(rules: RuleSet | None, notice: Notice) -> Ruled[int] | None:
    if rules is None or notice.bid_bond != BidBond.GUARANTEE.value:
        return None
    bond = bid_bond_ceiling(rules, notice.base_amount, notice.reserve_range_pct)
    return Ruled(bond.value.amount, bond.rule, bond.version, bond.source)


def _reserve_range(rules: RuleSet | None, notice: Notice) -> Ruled[Decimal] | None:
    if notice.reserve_range_pct is not None:
        return Ruled(
            notice.reserve_range_pct,
            "notice.reserve_range_pct",
            rules.version if rules else "-",
            "stated in the notice",
        )
    if rules is None:
        return None
    return Ruled(rules.reserve_price.range_pct, "reserve_price.range_pct", rules.version, "koneps-rules §3.2")


def _floor_rate(rules: RuleSet | None, notice: Notice, category: Category) -> Ruled[Decimal] | None:
    if rules is None or notice.award_method == AwardMethod.NEGOTIATED.value:
        return None  # 협상에 의한 계약 has no award floor (koneps-rules §4)
    try:
        return award_floor_rate(rules, category, notice.estimated_price, notice.award_floor_rate)
    except DomainError:
        return None
