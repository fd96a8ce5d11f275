"""Pre-specifications (사전규격 공개, issue #9 point 2; koneps-rules §2.2): the agency's procurement officer
publishes a draft specification; approved firms file opinions until the deadline; the officer answers each;
everything is public. A notice links its pre-specification (``notice.pre_specification``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jangter.identity.domain.roles import Actor, Role, require_approved_supplier, require_role
from jangter.identity.orm import Organisation
from jangter.identity.service import audit_actor, people_with
from jangter.kernel import audit, counters, translog
from jangter.kernel.calendar import seoul_date
from jangter.kernel.context import AppContext
from jangter.kernel.errors import Conflict, DomainError, NotFound
from jangter.kernel.ids import Stage, make_number
from jangter.kernel.procurement import Category, Jurisdiction
from jangter.notifications import outbox
from jangter.planning.orm import OrderPlan, PreSpecification, PreSpecOpinion
from jangter.planning.prespec_domain import OPINION_MAX, DraftSpec, check_spec, opinion_deadline


def publish(ctx: AppContext, actor: Actor | None, spec: DraftSpec) -> str:
    """사전규격 공개: published at once, open for opinions until the rule set's deadline; returns its number."""
    officer = require_role(actor, Role.PROCUREMENT_OFFICER)
    check_spec(spec)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        agency = session.get(Organisation, officer.org_id)
        assert agency is not None
        if spec.order_plan is not None:
            plan = session.scalars(select(OrderPlan).where(OrderPlan.number == spec.order_plan)).one_or_none()
            if plan is None or plan.agency_id != officer.org_id:
                raise DomainError(
                    "order_plan_not_found",
                    "우리 기관의 발주계획 번호가 아닙니다.",
                    "Not an order-plan item of this agency.",
                    field="order_plan",
                )
        rules = ctx.rules.in_force(Jurisdiction(agency.jurisdiction or "national"), seoul_date(now))
        deadline = opinion_deadline(rules, ctx.calendar, now, spec.urgent)
        year = seoul_date(now).year
        row = PreSpecification(
            number=make_number(Stage.PRE_SPECIFICATION, year, counters.next_value(session, f"pre_spec:{year}")),
            agency_id=officer.org_id,
            order_plan=spec.order_plan,
            title=spec.title.strip(),
            category=spec.category.value,
            estimated_price=spec.estimated_price,
            description=spec.description.strip(),
            urgent=spec.urgent,
            opened_at=now,
            opinion_deadline=deadline.value,
            rule_set_version=rules.version,
            published_by=officer.person_id,
        )
        session.add(row)
        session.flush()
        body = {
            "agency_id": officer.org_id,
            "title": row.title,
            "category": row.category,
            "estimated_price": row.estimated_price,
            "opinion_deadline": deadline.value.isoformat(),
            "rule": deadline.rule,
        }
        audit.record(
            session,
            at=now,
            actor=audit_actor(officer),
            action="pre_spec.publish",
            entity_type="pre_specification",
            entity_id=row.number,
            after=body,
        )
        translog.append(session, "pre_spec.published", row.number, body, now)
        uow.commit()
        return row.number


def _load(session: Session, number: str, *, for_update: bool = False) -> PreSpecification:
    query = select(PreSpecification).where(PreSpecification.number == number)
    if for_update:
        query = query.with_for_update()
    row = session.scalars(query).one_or_none()
    if row is None:
        raise NotFound("사전규격", "Pre-specification", code="pre_spec_not_found")
    return row


def file_opinion(ctx: AppContext, actor: Actor | None, number: str, text: str) -> int:
    """의견 등록: a member of an approved firm files an opinion before the deadline; returns its number. The
    agency's procurement officers are told by mail."""
    firm = require_role(actor, Role.BIDDER, Role.COMPANY_ADMIN)
    require_approved_supplier(firm)
    if not text.strip():
        raise DomainError("opinion_required", "의견을 입력하십시오.", "Write the opinion.", field="opinion")
    if len(text) > OPINION_MAX:
        raise DomainError(
            "opinion_too_long",
            f"의견은 {OPINION_MAX}자까지입니다.",
            f"At most {OPINION_MAX} characters.",
            field="opinion",
        )
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        spec = _load(session, number, for_update=True)
        if now >= spec.opinion_deadline:
            raise Conflict(
                "opinion_period_over",
                "의견 등록 기간이 끝났습니다.",
                "The period for opinions is over.",
                field="opinion",
            )
        seq = counters.next_seq(session, PreSpecOpinion.seq, PreSpecOpinion.pre_spec_id == spec.id)
        session.add(
            PreSpecOpinion(
                pre_spec_id=spec.id,
                seq=seq,
                firm_id=firm.org_id,
                filed_by=firm.person_id,
                text=text.strip(),
                filed_at=now,
            )
        )
        audit.record(
            session,
            at=now,
            actor=audit_actor(firm),
            action="pre_spec.opinion",
            entity_type="pre_specification",
            entity_id=number,
            after={"seq": seq},
        )
        for person_id, email in people_with(session, spec.agency_id, Role.PROCUREMENT_OFFICER):
            outbox.enqueue(
                session,
                key=f"pre-spec-opinion:{number}:{seq}:{person_id}",
                to=email,
                subject=f"[장터] 사전규격 의견 등록: {spec.title} ({number})",
                body=(
                    f"사전규격 {number}에 의견(제{seq}호)이 등록되었습니다. 답변해 주십시오.\n"
                    f"{ctx.base_url}/pre-specifications/{number}\n\n"
                    f"Opinion no. {seq} was filed on pre-specification {number}; please answer it."
                ),
                at=now,
            )
        uow.commit()
        return seq


def answer(ctx: AppContext, actor: Actor | None, number: str, seq: int, reply: str) -> None:
    """답변: the agency's procurement officer answers an opinion (once; the answer is public); the firm is told."""
    if not reply.strip():
        raise DomainError("reply_required", "답변을 입력하십시오.", "Write the answer.", field="reply")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        spec = _load(session, number)
        officer = require_role(actor, Role.PROCUREMENT_OFFICER, org_id=spec.agency_id)
        opinion = session.scalars(
            select(PreSpecOpinion)
            .where(PreSpecOpinion.pre_spec_id == spec.id, PreSpecOpinion.seq == seq)
            .with_for_update()
        ).one_or_none()
        if opinion is None:
            raise NotFound("의견", "Opinion", code="opinion_not_found")
        if opinion.replied_at is not None:
            raise Conflict("opinion_answered", "이미 답변한 의견입니다.", "This opinion has been answered.")
        opinion.reply, opinion.replied_at, opinion.replied_by = reply.strip(), now, officer.person_id
        audit.record(
            session,
            at=now,
            actor=audit_actor(officer),
            action="pre_spec.answer",
            entity_type="pre_specification",
            entity_id=number,
            after={"seq": seq},
        )
        translog.append(session, "pre_spec.answered", number, {"seq": seq}, now)
        for person_id, email in people_with(session, opinion.firm_id, Role.BIDDER, Role.COMPANY_ADMIN):
            if person_id != opinion.filed_by:
                continue
            outbox.enqueue(
                session,
                key=f"pre-spec-reply:{number}:{seq}",
                to=email,
                subject=f"[장터] 사전규격 의견에 대한 답변: {spec.title} ({number})",
                body=f"{ctx.base_url}/pre-specifications/{number}#opinion-{seq}\n\n{reply.strip()}",
                at=now,
            )
        uow.commit()


@dataclass(frozen=True)
class OpinionView:
    seq: int
    firm_name: str
    text: str
    filed_at: datetime
    reply: str | None
    replied_at: datetime | None


@dataclass(frozen=True)
class SpecView:
    number: str
    agency_id: int
    agency_name: str
    order_plan: str | None
    title: str
    category: Category
    estimated_price: int
    description: str
    urgent: bool
    opened_at: datetime
    opinion_deadline: datetime
    rule_set_version: str
    open: bool  # opinions are still taken
    opinions: tuple[OpinionView, ...]
    unanswered: int


def get_spec(ctx: AppContext, number: str) -> SpecView:
    """One pre-specification with its opinions and answers, public."""
    now = ctx.clock.now()
    with ctx.db.reading() as session:
        spec = _load(session, number)
        agency = session.get(Organisation, spec.agency_id)
        assert agency is not None
        rows = session.execute(
            select(PreSpecOpinion, Organisation.name)
            .join(Organisation, Organisation.id == PreSpecOpinion.firm_id)
            .where(PreSpecOpinion.pre_spec_id == spec.id)
            .order_by(PreSpecOpinion.seq)
        ).all()
    opinions = tuple(OpinionView(o.seq, name, o.text, o.filed_at, o.reply, o.replied_at) for o, name in rows)
    return SpecView(
        spec.number,
        spec.agency_id,
        agency.name,
        spec.order_plan,
        spec.title,
        Category(spec.category),
        spec.estimated_price,
        spec.description,
        spec.urgent,
        spec.opened_at,
        spec.opinion_deadline,
        spec.rule_set_version,
        now < spec.opinion_deadline,
        opinions,
        sum(1 for o in opinions if o.replied_at is None),
    )


@dataclass(frozen=True)
class SpecSummary:
    number: str
    agency_name: str
    title: str
    category: Category
    estimated_price: int
    opened_at: datetime
    opinion_deadline: datetime
    opinions: int


def list_specs(
    ctx: AppContext,
    *,
    q: str = "",
    category: Category | None = None,
    open_only: bool = False,
    agency_id: int | None = None,
    limit: int = 100,
) -> list[SpecSummary]:
    """The public list, newest first: words of the title or the agency's name, category, still open, agency."""
    now = ctx.clock.now()
    conditions = []
    if agency_id is not None:
        conditions.append(PreSpecification.agency_id == agency_id)
    if category is not None:
        conditions.append(PreSpecification.category == category.value)
    if open_only:
        conditions.append(PreSpecification.opinion_deadline > now)
    for word in q.split()[:5]:
        pattern = f"%{word.replace('%', '').replace('_', '')}%"
        conditions.append(or_(PreSpecification.title.ilike(pattern), Organisation.name.ilike(pattern)))
    counted = (
        select(func.count())
        .select_from(PreSpecOpinion)
        .where(PreSpecOpinion.pre_spec_id == PreSpecification.id)
        .scalar_subquery()
    )
    with ctx.db.reading() as session:
        rows = session.execute(
            select(PreSpecification, Organisation.name, counted)
            .join(Organisation, Organisation.id == PreSpecification.agency_id)
            .where(*conditions)
            .order_by(PreSpecification.id.desc())
            .limit(max(1, min(limit, 200)))
        ).all()
    return [
        SpecSummary(
            s.number, name, s.title, Category(s.category), s.estimated_price, s.opened_at, s.opinion_deadline, n
        )
        for s, name, n in rows
    ]


def of_agency(ctx: AppContext, actor: Actor | None) -> list[SpecSummary]:
    """The officer's agency's pre-specifications, newest first, for the notice form."""
    officer = require_role(actor, Role.PROCUREMENT_OFFICER)
    return list_specs(ctx, agency_id=officer.org_id)
