"""What the Korean open API reads, as plain views: published notices, opened rounds, preliminary prices, awards,
signed contracts, pre-specifications and order plans. Public data only (CONTRACT.md §1; docs/opendata.md):

* notices once published (never a draft), with no bid count;
* a round only once opened (the ``opening`` row exists), prices only once revealed;
* contracts only once both parties have signed them; no document, deposit or guarantee;
* no person: officials' names, telephones and e-mails are not read.

Each list is counted and paged in SQL, in a stable ascending order (the mode's time, then the row), so a loader
walking the pages of a window sees every row once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from jangter.bidding.orm import Bid
from jangter.contracting.domain.contract import ContractStatus
from jangter.contracting.orm import Contract, ContractVersion
from jangter.evaluation.domain.award_floor import award_floor_rate
from jangter.evaluation.orm import Opening, PreliminaryPrice
from jangter.identity.orm import Organisation
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError
from jangter.kernel.procurement import AwardMethod, Category
from jangter.opendata.g2b.params import MonthRange, Window
from jangter.opendata.g2b.views import (
    Agency,
    Bidder,
    ContractView,
    NoticeView,
    OpeningView,
    PlanView,
    PriceView,
    SpecView,
)
from jangter.planning.domain import PlanStatus
from jangter.planning.orm import OrderPlan, PreSpecification
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.orm import Notice, NoticeRevision

#: A contract is public once both parties have signed it.
SIGNED = (
    ContractStatus.SIGNED_BY_AGENCY.value,
    ContractStatus.ACTIVE.value,
    ContractStatus.COMPLETED.value,
    ContractStatus.TERMINATED.value,
)


@dataclass(frozen=True)
class Result:
    total: int
    rows: list[Any] = field(default_factory=list)


# --- filters shared by the searches ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeSearch:
    """The portal's search filters (PPSSrch) on notices; names are partial matches."""

    title: str | None = None
    agency_code: str | None = None
    agency_name: str | None = None
    demand_code: str | None = None
    demand_name: str | None = None
    regions: tuple[str, ...] | None = None  # region codes; None: any
    price_min: int | None = None
    price_max: int | None = None
    open_only_at: datetime | None = None  # bidClseExcpYn=Y: notices still open at this instant
    winner_business_number: str | None = None  # awards: bizno
    nothing: bool = False  # a filter on data Jangter does not hold: no notice matches


AGENCY = aliased(Organisation, name="agency")
DEMAND = aliased(Organisation, name="demand")


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    """A partial match that ignores spaces (the portal's examples pass names with their spaces removed)."""
    needle = text.replace(" ", "")
    return func.replace(column, " ", "").contains(needle, autoescape=True)


def _search(search: NoticeSearch | None) -> list[ColumnElement[bool]]:
    if search is None:
        return []
    if search.nothing:
        return [Notice.id != Notice.id]
    conditions: list[ColumnElement[bool]] = []
    if search.title:
        conditions.append(_contains(Notice.title, search.title))
    if search.agency_code:
        conditions.append(AGENCY.agency_code == search.agency_code)
    if search.agency_name:
        conditions.append(_contains(AGENCY.name, search.agency_name))
    if search.demand_code:
        conditions.append(DEMAND.agency_code == search.demand_code)
    if search.demand_name:
        conditions.append(_contains(DEMAND.name, search.demand_name))
    if search.regions is not None:
        conditions.append(Notice.region.in_(search.regions))
    if search.price_min is not None:
        conditions.append(Notice.estimated_price >= search.price_min)
    if search.price_max is not None:
        conditions.append(Notice.estimated_price <= search.price_max)
    if search.open_only_at is not None:
        conditions.append(Notice.deadline_at > search.open_only_at)
    return conditions


def _in(column: Any, window: Window | None) -> list[ColumnElement[bool]]:
    if window is None:
        return []
    return [column >= window.start, column < window.end]


def _page(session: Session, query: Select[*tuple[Any, ...]], order: Sequence[Any], offset: int, limit: int) -> Result:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(session.execute(query.order_by(*order).offset(offset).limit(limit)).all()) if total > offset else []
    return Result(total, rows)


def _agency(org: Organisation) -> Agency:
    return Agency(org.agency_code or "", org.name, org.jurisdiction)


def _notice(ctx: AppContext, notice: Notice, agency: Organisation, demand: Organisation) -> NoticeView:
    category = Category(notice.category)
    reserve_range, floor = notice.reserve_range_pct, notice.award_floor_rate
    slots = drawn = None
    if notice.rule_set_version:
        rules = ctx.rules.version(notice.rule_set_version)
        slots, drawn = rules.reserve_price.slots, rules.reserve_price.drawn
        reserve_range = reserve_range if reserve_range is not None else rules.reserve_price.range_pct
        if notice.award_method == AwardMethod.NEGOTIATED.value:
            floor = None
        else:
            try:
                floor = award_floor_rate(rules, category, notice.estimated_price, notice.award_floor_rate).value
            except DomainError:
                floor = None
    return NoticeView(
        number=notice.number,
        order=notice.order,
        kind=notice.kind,
        status=notice.status,
        title=notice.title,
        category=category,
        contract_method=notice.contract_method,
        award_method=notice.award_method,
        agency=_agency(agency),
        demand=_agency(demand),
        region=notice.region,
        base_amount=notice.base_amount,
        estimated_price=notice.estimated_price,
        a_value=notice.a_value,
        reserve_range_pct=reserve_range,
        floor_rate=floor,
        bid_start_at=notice.bid_start_at,
        deadline_at=notice.deadline_at,
        opening_at=notice.opening_at,
        published_at=notice.published_at,
        first_published_at=notice.first_published_at,
        updated_at=notice.updated_at,
        cancelled_at=notice.cancelled_at,
        reannounced=notice.reannounced,
        order_plan=notice.order_plan,
        pre_specification=notice.pre_specification,
        price_slots=slots,
        price_drawn=drawn,
    )


def _published(category: Category) -> list[ColumnElement[bool]]:
    return [Notice.category == category.value, Notice.status != NoticeStatus.DRAFT.value]


def _notice_select() -> Select[*tuple[Any, ...]]:
    return (
        select(Notice, AGENCY, DEMAND)
        .join(AGENCY, AGENCY.id == Notice.agency_id)
        .join(DEMAND, DEMAND.id == Notice.demand_agency_id)
    )


# --- notices --------------------------------------------------------------------------------------------------------


def notices(
    ctx: AppContext,
    category: Category,
    *,
    when: str,  # published | changed | opening
    window: Window | None,
    number: str | None,
    search: NoticeSearch | None,
    offset: int,
    limit: int,
) -> Result:
    """Published notices of a category, one row per notice at its current 차수."""
    column = {"published": Notice.published_at, "changed": Notice.updated_at, "opening": Notice.opening_at}[when]
    conditions = _published(category) + _in(column, window) + _search(search)
    if number is not None:
        conditions.append(Notice.number == number)
    with ctx.db.reading() as session:
        result = _page(session, _notice_select().where(*conditions), (column, Notice.id), offset, limit)
        reasons = _change_reasons(session, [row[0] for row in result.rows])
        views = []
        for notice, agency, demand in result.rows:
            view = _notice(ctx, notice, agency, demand)
            views.append(_with_reason(view, reasons.get(notice.id)))
    return Result(result.total, views)


def _with_reason(view: NoticeView, reason: str | None) -> NoticeView:
    from dataclasses import replace

    return replace(view, change_reason=reason) if reason else view


def _change_reasons(session: Session, rows: list[Notice]) -> dict[int, str]:
    """The reason of each notice's current 차수, when it is a change."""
    changed = [(n.id, n.order) for n in rows if n.order > 0]
    if not changed:
        return {}
    wanted = or_(*(and_(NoticeRevision.notice_id == i, NoticeRevision.order == o) for i, o in changed))
    return {
        r.notice_id: r.reason
        for r in session.execute(select(NoticeRevision.notice_id, NoticeRevision.reason).where(wanted))
        if r.reason
    }


# --- openings, prices and awards ------------------------------------------------------------------------------------


def openings(
    ctx: AppContext,
    category: Category,
    *,
    when: str,  # opened | published | awarded
    window: Window | None,
    number: str | None,
    search: NoticeSearch | None,
    awarded_only: bool,
    offset: int,
    limit: int,
) -> Result:
    """Opened rounds of a category's notices (awards: only the awarded ones)."""
    column = {"opened": Opening.opened_at, "published": Notice.published_at, "awarded": Opening.awarded_at}[when]
    conditions = _published(category) + _in(column, window) + _search(search)
    if number is not None:
        conditions.append(Notice.number == number)
    if awarded_only:
        conditions += [Opening.awarded_at.is_not(None), Opening.winner_bid_id.is_not(None)]
    if search is not None and search.winner_business_number:
        bizno = search.winner_business_number
        winner = select(Bid.id).join(Organisation, Organisation.id == Bid.firm_id)
        conditions.append(winner.where(Bid.id == Opening.winner_bid_id, Organisation.business_number == bizno).exists())
    query = _notice_select().add_columns(Opening).join(Opening, Opening.notice_id == Notice.id).where(*conditions)
    with ctx.db.reading() as session:
        result = _page(session, query, (column, Notice.id, Opening.round), offset, limit)
        return Result(result.total, _opening_views(ctx, session, result.rows))


def _opening_views(ctx: AppContext, session: Session, rows: list[Any]) -> list[OpeningView]:
    if not rows:
        return []
    notice_ids = {row[0].id for row in rows}
    history = session.execute(
        select(Opening.notice_id, Opening.round, Opening.notice_order).where(Opening.notice_id.in_(notice_ids))
    ).all()
    bidders = _bidders(session, [row[3] for row in rows])
    views = []
    for notice, agency, demand, opening in rows:
        rebid_no = sum(
            1
            for h in history
            if h.notice_id == notice.id and h.notice_order == opening.notice_order and h.round < opening.round
        )
        first, winner = bidders.get((opening.notice_id, opening.round), (None, None))
        views.append(
            OpeningView(
                notice=_notice(ctx, notice, agency, demand),
                round=opening.round,
                notice_order=opening.notice_order,
                rebid_no=rebid_no,
                opened_at=opening.opened_at,
                bid_count=opening.bid_count,
                failure_reason=opening.failure_reason,
                reserve_price=opening.reserve_price,
                awarded_at=opening.awarded_at,
                first=first,
                winner=winner if opening.awarded_at is not None else None,
            )
        )
    return views


def _bidders(session: Session, openings_: list[Opening]) -> dict[tuple[int, int], tuple[Bidder | None, Bidder | None]]:
    """The rank-1 bid and the winning bid of each opening (only rounds whose prices were revealed have ranks)."""
    wanted = or_(*(and_(Bid.notice_id == o.notice_id, Bid.round == o.round) for o in openings_))
    winners = {o.winner_bid_id for o in openings_ if o.winner_bid_id is not None}
    rows = session.execute(
        select(Bid, Organisation)
        .join(Organisation, Organisation.id == Bid.firm_id)
        .where(wanted, or_(Bid.rank == 1, Bid.id.in_(winners) if winners else Bid.id != Bid.id))
    ).all()
    found: dict[tuple[int, int], tuple[Bidder | None, Bidder | None]] = {}
    for bid, firm in rows:
        bidder = Bidder(firm.name, firm.business_number or "", firm.representative or "", bid.amount, bid.rate)
        first, winner = found.get((bid.notice_id, bid.round), (None, None))
        if bid.rank == 1:
            first = bidder
        if bid.id in winners:
            winner = bidder
        found[(bid.notice_id, bid.round)] = (first, winner)
    return found


def prices(
    ctx: AppContext, category: Category, *, window: Window | None, number: str | None, offset: int, limit: int
) -> Result:
    """The preliminary prices of opened rounds, once revealed: one row per price."""
    conditions = _published(category) + _in(Opening.opened_at, window) + [Opening.reserve_price.is_not(None)]
    if number is not None:
        conditions.append(Notice.number == number)
    query = (
        _notice_select()
        .add_columns(Opening, PreliminaryPrice)
        .join(Opening, Opening.notice_id == Notice.id)
        .join(
            PreliminaryPrice,
            and_(PreliminaryPrice.notice_id == Opening.notice_id, PreliminaryPrice.round == Opening.round),
        )
        .where(*conditions)
    )
    order = (Opening.opened_at, Notice.id, Opening.round, PreliminaryPrice.slot)
    with ctx.db.reading() as session:
        result = _page(session, query, order, offset, limit)
        if not result.rows:
            return Result(result.total)
        rounds = {(row[3].notice_id, row[3].round) for row in result.rows}
        above = {
            (r.notice_id, r.round): r.n
            for r in session.execute(
                select(PreliminaryPrice.notice_id, PreliminaryPrice.round, func.count().label("n"))
                .join(Notice, Notice.id == PreliminaryPrice.notice_id)
                .where(
                    or_(*(and_(PreliminaryPrice.notice_id == i, PreliminaryPrice.round == r) for i, r in rounds)),
                    PreliminaryPrice.amount > Notice.base_amount,
                )
                .group_by(PreliminaryPrice.notice_id, PreliminaryPrice.round)
            )
        }
        views = {
            (v.notice.number, v.round): v
            for v in _opening_views(ctx, session, _distinct_openings([row[:4] for row in result.rows]))
        }
        rows = [
            PriceView(
                opening=views[(notice.number, opening.round)],
                slot=price.slot,
                amount=price.amount,
                pick_count=price.pick_count or 0,
                drawn=bool(price.drawn),
                above_base=above.get((opening.notice_id, opening.round), 0),
            )
            for notice, _agency, _demand, opening, price in result.rows
        ]
    return Result(result.total, rows)


def _distinct_openings(rows: list[Any]) -> list[Any]:
    seen: dict[tuple[int, int], Any] = {}
    for row in rows:
        seen.setdefault((row[3].notice_id, row[3].round), row)
    return list(seen.values())


# --- contracts ------------------------------------------------------------------------------------------------------


def contracts(
    ctx: AppContext, category: Category, *, window: Window | None, number: str | None, offset: int, limit: int
) -> Result:
    """Contracts both parties have signed, by the time of the second (the agency's) signature."""
    firm = aliased(Organisation, name="firm")
    signed_at = ContractVersion.agency_signed_at
    query = (
        select(Contract, Notice.number, AGENCY, firm, signed_at)
        .join(Notice, Notice.id == Contract.notice_id)
        .join(AGENCY, AGENCY.id == Contract.agency_id)
        .join(firm, firm.id == Contract.firm_id)
        .join(ContractVersion, and_(ContractVersion.contract_id == Contract.id, ContractVersion.version == 1))
        .where(Contract.category == category.value, Contract.status.in_(SIGNED), signed_at.is_not(None))
        .where(*_in(signed_at, window), Contract.number == number if number is not None else true())
    )
    with ctx.db.reading() as session:
        result = _page(session, query, (signed_at, Contract.id), offset, limit)
    rows = [
        ContractView(
            number=c.number,
            notice_number=notice_number,
            title=c.title,
            category=Category(c.category),
            status=c.status,
            amount=c.amount,
            deposit_rate=c.deposit_rate,
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            signed_at=signed,
            updated_at=c.updated_at,
            agency=_agency(agency),
            firm_name=f.name,
            firm_business_number=f.business_number or "",
            firm_representative=f.representative or "",
            source=c.source,
        )
        for c, notice_number, agency, f, signed in result.rows
    ]
    return Result(result.total, rows)


# --- pre-specifications and order plans -----------------------------------------------------------------------------


def _notices_of(session: Session, column: Any, numbers: list[str]) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    if numbers:
        for key, number in session.execute(
            select(column, Notice.number)
            .where(column.in_(numbers), Notice.status != NoticeStatus.DRAFT.value)
            .order_by(Notice.id)
        ):
            found.setdefault(key, []).append(number)
    return {k: tuple(v) for k, v in found.items()}


def specs(
    ctx: AppContext,
    category: Category,
    *,
    window: Window | None,
    number: str | None,
    title: str | None = None,
    agency_code: str | None = None,
    agency_name: str | None = None,
    nothing: bool = False,
    offset: int,
    limit: int,
) -> Result:
    """Published pre-specifications of a category (they are public from publication)."""
    conditions = [PreSpecification.category == category.value, *_in(PreSpecification.opened_at, window)]
    if nothing:
        conditions.append(PreSpecification.id != PreSpecification.id)
    if number is not None:
        conditions.append(PreSpecification.number == number)
    if title:
        conditions.append(_contains(PreSpecification.title, title))
    if agency_code:
        conditions.append(AGENCY.agency_code == agency_code)
    if agency_name:
        conditions.append(_contains(AGENCY.name, agency_name))
    query = select(PreSpecification, AGENCY).join(AGENCY, AGENCY.id == PreSpecification.agency_id).where(*conditions)
    with ctx.db.reading() as session:
        result = _page(session, query, (PreSpecification.opened_at, PreSpecification.id), offset, limit)
        linked = _notices_of(session, Notice.pre_specification, [s.number for s, _ in result.rows])
    rows = [
        SpecView(
            s.number,
            s.title,
            Category(s.category),
            s.estimated_price,
            _agency(agency),
            s.opened_at,
            s.opinion_deadline,
            linked.get(s.number, ()),
        )
        for s, agency in result.rows
    ]
    return Result(result.total, rows)


def plan_month(year: int, quarter: int, month: int | None) -> int:
    """An item's order month as yyyymm: its month, or the first month of its quarter."""
    return year * 100 + (month if month is not None else 3 * quarter - 2)


def plans(
    ctx: AppContext,
    category: Category,
    *,
    months: MonthRange | None,
    window: Window | None,
    number: str | None,
    agency_code: str | None = None,
    agency_name: str | None = None,
    title: str | None = None,
    nothing: bool = False,
    offset: int,
    limit: int,
) -> Result:
    """Published (not withdrawn) order-plan items of a category."""
    conditions = [
        OrderPlan.category == category.value,
        OrderPlan.status == PlanStatus.PUBLISHED.value,
        *_in(OrderPlan.published_at, window),
    ]
    if nothing:
        conditions.append(OrderPlan.id != OrderPlan.id)
    if months is not None:
        month = OrderPlan.year * 100 + func.coalesce(OrderPlan.month, OrderPlan.quarter * 3 - 2)
        conditions += [month >= months.first, month <= months.last]
    if number is not None:
        conditions.append(OrderPlan.number == number)
    if agency_code:
        conditions.append(AGENCY.agency_code == agency_code)
    if agency_name:
        conditions.append(_contains(AGENCY.name, agency_name))
    if title:
        conditions.append(_contains(OrderPlan.title, title))
    query = select(OrderPlan, AGENCY).join(AGENCY, AGENCY.id == OrderPlan.agency_id).where(*conditions)
    with ctx.db.reading() as session:
        result = _page(session, query, (OrderPlan.published_at, OrderPlan.id), offset, limit)
        linked = _notices_of(session, Notice.order_plan, [p.number for p, _ in result.rows])
    rows = [
        PlanView(
            p.number,
            p.title,
            Category(p.category),
            p.year,
            p.quarter,
            p.month,
            p.amount,
            p.contract_method,
            _agency(agency),
            p.published_at,
            linked.get(p.number, ()),
        )
        for p, agency in result.rows
    ]
    return Result(result.total, rows)
