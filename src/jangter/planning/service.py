"""Order plans (발주계획, issue #9 point 1; koneps-rules §2.1): published by an agency's procurement officer item by
item, withdrawn with a reason, public and searchable; notices are published against them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jangter.identity.domain.roles import Actor, OrgKind, Role, require_role
from jangter.identity.orm import Organisation
from jangter.identity.service import audit_actor
from jangter.kernel import audit, counters, cursors, translog
from jangter.kernel.calendar import seoul_date
from jangter.kernel.context import AppContext
from jangter.kernel.errors import Conflict, DomainError, NotFound
from jangter.kernel.ids import Stage, make_number
from jangter.kernel.procurement import Category, ContractMethod
from jangter.planning.domain import PlanItem, PlanStatus, check_item
from jangter.planning.orm import OrderPlan
from jangter.tendering.orm import Notice


def publish_item(ctx: AppContext, actor: Actor | None, item: PlanItem) -> str:
    """발주계획 등록: the agency's procurement officer publishes one item; returns its number (R26DD…)."""
    officer = require_role(actor, Role.PROCUREMENT_OFFICER)
    now = ctx.clock.now()
    check_item(item, seoul_date(now).year)
    with ctx.uow() as uow:
        session = uow.session
        year = seoul_date(now).year
        row = OrderPlan(
            number=make_number(Stage.ORDER_PLAN, year, counters.next_value(session, f"order_plan:{year}")),
            agency_id=officer.org_id,
            year=item.year,
            quarter=item.quarter,
            month=item.month,
            title=item.title.strip(),
            category=item.category.value,
            contract_method=item.contract_method.value,
            amount=item.amount,
            description=item.description.strip(),
            status=PlanStatus.PUBLISHED.value,
            published_at=now,
            published_by=officer.person_id,
        )
        session.add(row)
        session.flush()
        body = {
            "agency_id": officer.org_id,
            "year": item.year,
            "quarter": item.quarter,
            "title": row.title,
            "category": row.category,
            "amount": item.amount,
        }
        audit.record(
            session,
            at=now,
            actor=audit_actor(officer),
            action="order_plan.publish",
            entity_type="order_plan",
            entity_id=row.number,
            after=body,
        )
        translog.append(session, "order_plan.published", row.number, body, now)
        uow.commit()
        return row.number


def _load(session: Session, number: str, *, for_update: bool = False) -> OrderPlan:
    query = select(OrderPlan).where(OrderPlan.number == number)
    if for_update:
        query = query.with_for_update()
    row = session.scalars(query).one_or_none()
    if row is None:
        raise NotFound("발주계획", "Order plan", code="order_plan_not_found")
    return row


def withdraw(ctx: AppContext, actor: Actor | None, number: str, reason: str) -> None:
    """철회: the plan changed; the item stays listed as withdrawn, and no notice may be published against it."""
    officer = require_role(actor, Role.PROCUREMENT_OFFICER)
    if not reason.strip():
        raise DomainError("reason_required", "철회 사유를 입력하십시오.", "Please give the reason.", field="reason")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        row = _load(uow.session, number, for_update=True)
        require_role(officer, Role.PROCUREMENT_OFFICER, org_id=row.agency_id)
        if row.status != PlanStatus.PUBLISHED.value:
            raise Conflict("order_plan_withdrawn", "이미 철회된 발주계획입니다.", "Already withdrawn.")
        row.status, row.withdrawn_at, row.withdraw_reason = PlanStatus.WITHDRAWN.value, now, reason.strip()
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(officer),
            action="order_plan.withdraw",
            entity_type="order_plan",
            entity_id=number,
            before={"status": PlanStatus.PUBLISHED.value},
            after={"status": row.status},
            reason=reason.strip(),
        )
        translog.append(uow.session, "order_plan.withdrawn", number, {"reason": reason.strip()}, now)
        uow.commit()


@dataclass(frozen=True)
class PlanView:
    number: str
    agency_id: int
    agency_name: str
    year: int
    quarter: int
    month: int | None
    title: str
    category: Category
    contract_method: ContractMethod
    amount: int
    description: str
    status: PlanStatus
    published_at: datetime
    withdrawn_at: datetime | None
    withdraw_reason: str | None


@dataclass(frozen=True)
class PlanNotice:
    number: str
    title: str
    status: str


def _view(row: OrderPlan, agency_name: str) -> PlanView:
    return PlanView(
        row.number,
        row.agency_id,
        agency_name,
        row.year,
        row.quarter,
        row.month,
        row.title,
        Category(row.category),
        ContractMethod(row.contract_method),
        row.amount,
        row.description,
        PlanStatus(row.status),
        row.published_at,
        row.withdrawn_at,
        row.withdraw_reason,
    )


def get_plan(ctx: AppContext, number: str) -> tuple[PlanView, list[PlanNotice]]:
    """One plan item, public, with the published notices made against it."""
    with ctx.db.reading() as session:
        row = _load(session, number)
        agency = session.get(Organisation, row.agency_id)
        assert agency is not None
        notices = session.execute(
            select(Notice.number, Notice.title, Notice.status)
            .where(Notice.order_plan == row.number, Notice.published_at.is_not(None))
            .order_by(Notice.id)
        ).all()
        return _view(row, agency.name), [PlanNotice(n.number, n.title, n.status) for n in notices]


@dataclass(frozen=True)
class PlanQuery:
    q: str = ""
    year: int | None = None
    quarter: int | None = None
    category: Category | None = None
    agency_id: int | None = None
    include_withdrawn: bool = False
    limit: int = 50
    cursor: str | None = None


@dataclass(frozen=True)
class PlanPage:
    items: list[PlanView]
    next_cursor: str | None
    total_amount: int  # of everything the filters match (not only this page)
    count: int


def search_plans(ctx: AppContext, query: PlanQuery) -> PlanPage:
    """The public list of order plans, newest first, filtered by words of the title or the agency's name, year,
    quarter, category and agency; with the count and the planned amount of everything that matches."""
    conditions = []
    if not query.include_withdrawn:
        conditions.append(OrderPlan.status == PlanStatus.PUBLISHED.value)
    if query.year is not None:
        conditions.append(OrderPlan.year == query.year)
    if query.quarter is not None:
        conditions.append(OrderPlan.quarter == query.quarter)
    if query.category is not None:
        conditions.append(OrderPlan.category == query.category.value)
    if query.agency_id is not None:
        conditions.append(OrderPlan.agency_id == query.agency_id)
    for word in query.q.split()[:5]:
        pattern = f"%{word.replace('%', '').replace('_', '')}%"
        conditions.append(or_(OrderPlan.title.ilike(pattern), Organisation.name.ilike(pattern)))
    limit = max(1, min(query.limit, 100))
    with ctx.db.reading() as session:
        base = select(OrderPlan, Organisation.name).join(Organisation, Organisation.id == OrderPlan.agency_id)
        totals = session.execute(
            select(func.count(), func.coalesce(func.sum(OrderPlan.amount), 0))
            .select_from(OrderPlan)
            .join(Organisation, Organisation.id == OrderPlan.agency_id)
            .where(*conditions)
        ).one()
        page = base.where(*conditions)
        if query.cursor:
            page = page.where(OrderPlan.id < cursors.decode(query.cursor, lambda raw: int(raw[0])))
        rows = session.execute(page.order_by(OrderPlan.id.desc()).limit(limit + 1)).all()
    items = [_view(row, name) for row, name in rows[:limit]]
    more = len(rows) > limit
    return PlanPage(
        items,
        cursors.encode([rows[limit - 1][0].id]) if more else None,
        int(totals[1]),
        int(totals[0]),
    )


def open_items(ctx: AppContext, actor: Actor | None) -> list[PlanView]:
    """The agency's published plan items, for the notice form (newest first)."""
    officer = require_role(actor, Role.PROCUREMENT_OFFICER)
    return search_plans(ctx, PlanQuery(agency_id=officer.org_id, limit=100)).items


def agencies(ctx: AppContext) -> list[tuple[int, str]]:
    """Agencies that have published a plan, for the list's filter."""
    with ctx.db.reading() as session:
        rows = session.execute(
            select(Organisation.id, Organisation.name)
            .where(
                Organisation.kind == OrgKind.AGENCY.value,
                Organisation.id.in_(select(OrderPlan.agency_id)),
            )
            .order_by(Organisation.name)
        ).all()
    return [(r.id, r.name) for r in rows]
