"""Tendering use cases, one transaction each: draft, publish, amend, cancel, close, re-announce."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jangter.bidding import ceremony
from jangter.evaluation.domain.award_floor import award_floor_rate, floor_tier
from jangter.evaluation.domain.preliminary_prices import generate_preliminary_prices
from jangter.identity.domain.roles import Actor, OrgKind, Role, require_role
from jangter.identity.orm import Organisation
from jangter.identity.service import audit_actor
from jangter.kernel import audit, counters, idempotency, translog
from jangter.kernel.calendar import seoul_date
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, FieldProblem, NotFound, ValidationProblems
from jangter.kernel.idempotency import IdempotencyClaim
from jangter.kernel.ids import Stage, make_number
from jangter.kernel.procurement import AwardMethod, BidBond, Category, ContractMethod, Jurisdiction
from jangter.planning.domain import plan_problem
from jangter.planning.orm import OrderPlan, PreSpecification, PreSpecOpinion
from jangter.planning.prespec_domain import LinkedSpec, spec_problem
from jangter.rules.domain import RuleSet
from jangter.search import index as search_index
from jangter.tendering import slots
from jangter.tendering.domain.notice import NoticeAction, NoticeKind, NoticeStatus, transition
from jangter.tendering.domain.terms import (
    NoticeTerms,
    TechnicalItem,
    check_bid_bond,
    check_negotiated_terms,
    check_terms,
)
from jangter.tendering.domain.timetable import (
    Timetable,
    check_announcement_period,
    check_closing_time,
    check_sequence,
    hourly_cap_error,
)
from jangter.tendering.orm import Notice, NoticeRevision

#: Fields an amendment (정정공고) may change. Changing the amounts, the category or the reserve-price terms
#: needs a new notice (koneps-rules §2.4: "cancelling the notice and re-announcing").
AMENDABLE = (
    "title",
    "description",
    "region",
    "demand_agency_id",
    "bid_start_at",
    "deadline_at",
    "opening_at",
)


def terms_of(notice: Notice) -> NoticeTerms:
    return NoticeTerms(
        title=notice.title,
        description=notice.description,
        category=Category(notice.category),
        contract_method=ContractMethod(notice.contract_method),
        demand_agency_id=notice.demand_agency_id,
        region=notice.region,
        base_amount=notice.base_amount,
        estimated_price=notice.estimated_price,
        a_value=notice.a_value,
        reserve_range_pct=notice.reserve_range_pct,
        award_floor_rate=notice.award_floor_rate,
        bid_start_at=notice.bid_start_at,
        deadline_at=notice.deadline_at,
        opening_at=notice.opening_at,
        committee_quorum=notice.committee_quorum,
        committee_size=notice.committee_size,
        pq_allowed=notice.pq_allowed,
        bid_bond=BidBond(notice.bid_bond),
        order_plan=notice.order_plan,
        pre_specification=notice.pre_specification,
        award_method=AwardMethod(notice.award_method),
        software_project=notice.software_project,
        differential_step=notice.differential_step,
        technical_items=tuple(TechnicalItem(name, Decimal(points)) for name, points in notice.technical_items or ()),
    )


def _apply_terms(notice: Notice, terms: NoticeTerms) -> None:
    notice.title = terms.title.strip()
    notice.description = terms.description
    notice.category = terms.category.value
    notice.contract_method = terms.contract_method.value
    notice.demand_agency_id = terms.demand_agency_id or notice.agency_id
    notice.region = terms.region
    notice.base_amount = terms.base_amount
    notice.estimated_price = terms.estimated_price
    notice.a_value = terms.a_value
    notice.reserve_range_pct = terms.reserve_range_pct
    notice.award_floor_rate = terms.award_floor_rate
    notice.bid_start_at = terms.bid_start_at
    notice.deadline_at = terms.deadline_at
    notice.opening_at = terms.opening_at
    notice.committee_quorum = terms.committee_quorum
    notice.committee_size = terms.committee_size
    notice.pq_allowed = terms.pq_allowed
    notice.bid_bond = terms.bid_bond.value
    notice.order_plan = terms.order_plan
    notice.pre_specification = terms.pre_specification
    notice.award_method = terms.award_method.value
    negotiated = terms.award_method is AwardMethod.NEGOTIATED
    notice.software_project = negotiated and terms.software_project
    notice.differential_step = terms.differential_step if negotiated else None
    notice.technical_items = [[i.name.strip(), str(i.points)] for i in terms.technical_items] if negotiated else None


def load_notice(session: Session, number: str, *, for_update: bool = False) -> Notice:
    query = select(Notice).where(Notice.number == number)
    if for_update:
        query = query.with_for_update()
    notice = session.scalars(query).one_or_none()
    if notice is None:
        raise NotFound("공고", "Notice", code="notice_not_found")
    return notice


def _agency(session: Session, org_id: int) -> Organisation:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("기관", "Agency")
    return org


def _check_demand_agency(session: Session, terms: NoticeTerms) -> None:
    if terms.demand_agency_id is None:
        return
    org = session.get(Organisation, terms.demand_agency_id)
    if org is None or org.kind != OrgKind.AGENCY.value:
        raise DomainError(
            "demand_agency_invalid",
            "수요기관을 목록에서 선택하십시오.",
            "Choose the demand agency from the list.",
            field="demand_agency_id",
        )


def rules_for(ctx: AppContext, notice: Notice, agency: Organisation) -> RuleSet:
    if notice.rule_set_version:
        return ctx.rules.version(notice.rule_set_version)
    return ctx.rules.in_force(Jurisdiction(agency.jurisdiction or "national"), seoul_date(ctx.clock.now()))


def _snapshot(notice: Notice) -> dict[str, Any]:
    return {k: audit._plain(v) for k, v in asdict(terms_of(notice)).items()} | {
        "status": notice.status,
        "order": notice.order,
        "round": notice.round,
        "rule_set_version": notice.rule_set_version,
    }


def _revision(session: Session, notice: Notice, actor: Actor, reason: str | None, now: datetime) -> None:
    session.add(
        NoticeRevision(
            notice_id=notice.id,
            order=notice.order,
            kind=notice.kind,
            reason=reason,
            snapshot=_snapshot(notice),
            created_at=now,
            created_by=actor.person_id,
        )
    )


def _officer_of(actor: Actor | None, notice: Notice) -> Actor:
    return require_role(actor, Role.PROCUREMENT_OFFICER, org_id=notice.agency_id)


def _require_reason(reason: str | None) -> str:
    if not reason or not reason.strip():
        raise DomainError("reason_required", "사유를 입력하십시오.", "Please give the reason.", field="reason")
    return reason.strip()


# --- drafts -------------------------------------------------------------------------------------------


def create_draft(
    ctx: AppContext, actor: Actor | None, terms: NoticeTerms, claim: IdempotencyClaim | None = None
) -> str:
    officer = require_role(actor, Role.PROCUREMENT_OFFICER)
    check_terms(terms)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        if claim is not None and (earlier := idempotency.find(uow.session, claim)) is not None:
            return earlier.resource_id
        _check_demand_agency(uow.session, terms)
        _check_plan_exists(uow.session, terms)
        _check_pre_spec_exists(uow.session, terms)
        year = seoul_date(now).year
        number = make_number(Stage.BID, year, counters.next_value(uow.session, f"notice:{year}"))
        notice = Notice(
            number=number,
            order=0,
            kind=NoticeKind.REGISTRATION.value,
            round=1,
            status=NoticeStatus.DRAFT.value,
            agency_id=officer.org_id,
            created_by=officer.person_id,
            created_at=now,
            updated_at=now,
        )
        _apply_terms(notice, terms)
        uow.session.add(notice)
        uow.session.flush()
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(officer),
            action="notice.create",
            entity_type="notice",
            entity_id=number,
            after=_snapshot(notice),
        )
        if claim is not None:
            idempotency.remember(uow.session, claim, resource_type="notice", resource_id=number, at=now)
        uow.commit()
        return number


def edit_draft(ctx: AppContext, actor: Actor | None, number: str, terms: NoticeTerms) -> None:
    check_terms(terms)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        notice = load_notice(uow.session, number, for_update=True)
        officer = _officer_of(actor, notice)
        transition(NoticeStatus(notice.status), NoticeAction.EDIT)
        _check_demand_agency(uow.session, terms)
        _check_plan_exists(uow.session, terms)
        _check_pre_spec_exists(uow.session, terms)
        before = _snapshot(notice)
        _apply_terms(notice, terms)
        notice.updated_at = now
        old, new = audit.changed(before, _snapshot(notice))
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(officer),
            action="notice.edit",
            entity_type="notice",
            entity_id=number,
            before=old,
            after=new,
        )
        uow.commit()


# --- publication and its rules ------------------------------------------------------------------------


def _check_publication_rules(
    ctx: AppContext,
    rules: RuleSet,
    terms: NoticeTerms,
    *,
    now: datetime,
    announced_at: datetime,
    reannouncement: bool,
) -> None:
    """The rules of koneps-rules §2.5, §2.6, §3.3 and §4 that a notice must meet when it goes public; every broken
    rule is reported at once (a single one keeps its own code)."""
    problems: list[FieldProblem] = []
    single: DomainError | None = None
    checks: list[Callable[[], object]] = [
        lambda: check_sequence(terms.timetable, now),
        lambda: check_closing_time(rules, terms.deadline_at, ctx.calendar),
        lambda: check_announcement_period(
            rules,
            published_at=announced_at,
            deadline=terms.deadline_at,
            category=terms.category,
            estimated_price=terms.estimated_price,
            reannouncement=reannouncement,
            negotiated=terms.award_method is AwardMethod.NEGOTIATED,
        ),
    ]
    if terms.award_method is AwardMethod.NEGOTIATED:
        checks.append(lambda: check_negotiated_terms(rules, terms))
    checks.append(lambda: check_bid_bond(rules, terms.bid_bond))
    for check in checks:
        try:
            check()
        except ValidationProblems as exc:
            problems.extend(exc.problems)
        except DomainError as exc:
            if exc.field is None:
                raise
            single = single or exc
            problems.extend(exc.problems())
    if single is not None and len(problems) == 1:
        raise single
    if problems:
        raise ValidationProblems(problems)
    award_floor_rate(rules, terms.category, terms.estimated_price, terms.award_floor_rate)
    if (
        terms.award_method is AwardMethod.QUALIFICATION_REVIEW
        and floor_tier(rules, terms.category, terms.estimated_price) is None
    ):
        raise DomainError(
            "review_formula_missing",
            "이 분류와 금액에는 적용 규칙에 적격심사 산식이 없습니다. "
            "낙찰방법을 최저가로 하거나 규칙 세트를 확인하십시오.",
            "The rules in force have no qualification-review formula for this category and amount; choose the "
            "lowest-price method or check the rule set.",
            field="award_method",
        )


def _take_deadline_place(session: Session, rules: RuleSet, deadline: datetime) -> None:
    if not slots.take_place(session, deadline, rules.closing.max_closings_per_hour):
        raise hourly_cap_error(rules, deadline)


def _open_round(
    ctx: AppContext,
    session: Session,
    rules: RuleSet,
    notice: Notice,
    now: datetime,
    prices: Sequence[int] | None = None,
) -> dict[str, Any]:
    """Make the round's 15 preliminary prices (or keep ``prices``: a re-bid) and its opening key; returns what the
    public log records."""
    terms = terms_of(notice)
    if prices is None:
        prices = generate_preliminary_prices(
            notice.base_amount,
            terms.reserve_range_pct or rules.reserve_price.range_pct,
            rules.reserve_price.slots,
            rules.reserve_price.preliminary_rounding[terms.category],
            ctx.rng,
        )
    prepared = ceremony.prepare_round(
        session,
        ctx,
        notice_id=notice.id,
        number=notice.number,
        round_no=notice.round,
        agency_id=notice.agency_id,
        quorum=notice.committee_quorum,
        size=notice.committee_size,
        pq_allowed=notice.pq_allowed,
        prices=prices,
        now=now,
    )
    return {
        "order": notice.order,
        "round": notice.round,
        "title": notice.title,
        "agency_id": notice.agency_id,
        "base_amount": notice.base_amount,
        "bid_start_at": notice.bid_start_at.isoformat(),
        "deadline_at": notice.deadline_at.isoformat(),
        "opening_at": notice.opening_at.isoformat(),
        "rule_set_version": notice.rule_set_version,
        "opening_key_fingerprint": prepared.fingerprint,
        "price_commitment": prepared.price_commitment,
        "committee": list(prepared.committee),
        "quorum": prepared.quorum,
        "rebid_no": notice.rebid_no,
    }


def _check_plan_exists(session: Session, terms: NoticeTerms) -> None:
    if terms.order_plan is not None and _plan_id(session, terms.order_plan) is None:
        raise DomainError(
            "order_plan_not_found",
            "없는 발주계획 번호입니다.",
            "There is no order-plan item with that number.",
            field="order_plan",
        )


def _check_pre_spec_exists(session: Session, terms: NoticeTerms) -> None:
    if terms.pre_specification is not None and (
        session.scalar(select(PreSpecification.id).where(PreSpecification.number == terms.pre_specification)) is None
    ):
        raise DomainError(
            "pre_spec_not_found",
            "없는 사전규격 번호입니다.",
            "There is no pre-specification with that number.",
            field="pre_specification",
        )


def _plan_id(session: Session, number: str) -> int | None:
    return session.scalar(select(OrderPlan.id).where(OrderPlan.number == number))


def _pre_spec_refusal(session: Session, rules: RuleSet, notice: Notice, now: datetime) -> DomainError | None:
    """사전규격: goods and services over the rule set's amount follow a closed, answered pre-specification (§2.2)."""
    linked = None
    if notice.pre_specification is not None:
        spec = session.scalars(
            select(PreSpecification).where(PreSpecification.number == notice.pre_specification)
        ).one()
        unanswered = session.scalar(
            select(func.count())
            .select_from(PreSpecOpinion)
            .where(PreSpecOpinion.pre_spec_id == spec.id, PreSpecOpinion.replied_at.is_(None))
        )
        linked = LinkedSpec(spec.agency_id, Category(spec.category), spec.opinion_deadline, int(unanswered or 0))
    return spec_problem(
        rules,
        category=Category(notice.category),
        estimated_price=notice.estimated_price,
        agencies=(notice.agency_id, notice.demand_agency_id),
        spec=linked,
        now=now,
    )


def _order_plan_refusal(session: Session, rules: RuleSet, notice: Notice) -> DomainError | None:
    """발주계획: a notice goes public only against a registered plan item of its agency (koneps-rules §2.1)."""
    plan = None
    if notice.order_plan is not None:
        row = session.execute(
            select(OrderPlan.agency_id, OrderPlan.category, OrderPlan.status).where(
                OrderPlan.number == notice.order_plan
            )
        ).one()
        plan = (row.agency_id, row.category, row.status)
    return plan_problem(
        rules,
        estimated_price=notice.estimated_price,
        category=Category(notice.category),
        agencies=(notice.agency_id, notice.demand_agency_id),
        plan=plan,
    )


def publish(ctx: AppContext, actor: Actor | None, number: str) -> None:
    """Publish a draft: check the rules in force today, fix the rule-set version, make the 15 prices."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        notice = load_notice(uow.session, number, for_update=True)
        officer = _officer_of(actor, notice)
        new_status = transition(NoticeStatus(notice.status), NoticeAction.PUBLISH)
        agency = _agency(uow.session, notice.agency_id)
        rules = ctx.rules.in_force(Jurisdiction(agency.jurisdiction or "national"), seoul_date(now))
        terms = terms_of(notice)
        check_terms(terms)
        refusals = [
            r
            for r in (
                _order_plan_refusal(uow.session, rules, notice),
                _pre_spec_refusal(uow.session, rules, notice, now),
            )
            if r is not None
        ]
        try:
            _check_publication_rules(ctx, rules, terms, now=now, announced_at=now, reannouncement=False)
        except (DomainError, ValidationProblems) as exc:  # every problem at once: the plan's and the others
            others = exc.problems if isinstance(exc, ValidationProblems) else exc.problems()
            if not refusals or not others:
                raise
            raise ValidationProblems([*(p for r in refusals for p in r.problems()), *others]) from None
        if len(refusals) == 1:
            raise refusals[0]
        if refusals:
            raise ValidationProblems([p for r in refusals for p in r.problems()])
        _take_deadline_place(uow.session, rules, notice.deadline_at)
        notice.status = new_status.value
        notice.rule_set_version = rules.version
        notice.published_at = notice.first_published_at = now
        notice.next_check = notice.deadline_at
        notice.updated_at = now
        translog.append(uow.session, "notice.published", number, _open_round(ctx, uow.session, rules, notice, now), now)
        _revision(uow.session, notice, officer, None, now)
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(officer),
            action="notice.publish",
            entity_type="notice",
            entity_id=number,
            before={"status": NoticeStatus.DRAFT.value},
            after={
                "status": new_status.value,
                "rule_set_version": rules.version,
                "deadline_at": notice.deadline_at,
            },
        )
        search_index.enqueue(uow.session, notice.id, now)
        uow.commit()
    search_index.catch_up_quietly(ctx)


def amend(ctx: AppContext, actor: Actor | None, number: str, changes: dict[str, Any], reason: str | None) -> None:
    """정정공고: change what may change, keep the number, add a 차수, keep the rule set of publication."""
    now = ctx.clock.now()
    why = _require_reason(reason)
    unknown = set(changes) - set(AMENDABLE)
    if unknown:
        raise DomainError(
            "change_requires_new_notice",
            "금액·분류·예비가격 조건 등 입찰조건을 바꾸려면 공고를 취소하고 새로 공고하십시오.",
            "Changing the amounts, category or price terms needs a new notice: cancel this one and publish again.",
            field=sorted(unknown)[0],
        )
    with ctx.uow() as uow:
        notice = load_notice(uow.session, number, for_update=True)
        officer = _officer_of(actor, notice)
        transition(NoticeStatus(notice.status), NoticeAction.AMEND)
        if now >= notice.deadline_at:
            raise DomainError(
                "deadline_passed",
                "입찰 마감 후에는 공고를 정정할 수 없습니다.",
                "A notice cannot be amended after its deadline.",
                status=409,
            )
        before = _snapshot(notice)
        terms = replace(terms_of(notice), **changes)
        check_terms(terms)
        _check_demand_agency(uow.session, terms)
        rules = ctx.rules.version(notice.rule_set_version or "")
        if any(k in changes for k in ("bid_start_at", "deadline_at", "opening_at")):
            assert notice.first_published_at is not None
            _check_publication_rules(
                ctx,
                rules,
                terms,
                now=now,
                announced_at=notice.first_published_at,
                reannouncement=notice.round > 1,
            )
        old_deadline = notice.deadline_at
        _apply_terms(notice, terms)
        if notice.deadline_at != old_deadline:
            slots.release_place(uow.session, old_deadline)
            _take_deadline_place(uow.session, rules, notice.deadline_at)
        old, new = audit.changed(before, _snapshot(notice))
        if not new:
            raise DomainError("nothing_changed", "바뀐 내용이 없습니다.", "Nothing was changed.")
        notice.order += 1
        notice.kind = NoticeKind.CHANGE.value
        notice.published_at = now
        notice.next_check = notice.deadline_at
        notice.updated_at = now
        _revision(uow.session, notice, officer, why, now)
        translog.append(
            uow.session,
            "notice.amended",
            number,
            {"order": notice.order, "round": notice.round, "changes": new, "reason": why},
            now,
        )
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(officer),
            action="notice.amend",
            entity_type="notice",
            entity_id=number,
            before=old,
            after=new | {"order": notice.order},
            reason=why,
        )
        search_index.enqueue(uow.session, notice.id, now)
        uow.commit()
    search_index.catch_up_quietly(ctx)


def cancel(ctx: AppContext, actor: Actor | None, number: str, reason: str | None) -> None:
    now = ctx.clock.now()
    why = _require_reason(reason)
    with ctx.uow() as uow:
        notice = load_notice(uow.session, number, for_update=True)
        officer = _officer_of(actor, notice)
        before = notice.status
        notice.status = transition(NoticeStatus(notice.status), NoticeAction.CANCEL).value
        if before == NoticeStatus.PUBLISHED.value:
            slots.release_place(uow.session, notice.deadline_at)
        notice.cancelled_at = now
        notice.cancel_reason = why
        notice.next_check = None
        notice.updated_at = now
        translog.append(uow.session, "notice.cancelled", number, {"round": notice.round, "reason": why}, now)
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(officer),
            action="notice.cancel",
            entity_type="notice",
            entity_id=number,
            before={"status": before},
            after={"status": notice.status},
            reason=why,
        )
        uow.commit()


def reannounce(ctx: AppContext, actor: Actor | None, number: str, timetable: Timetable) -> None:
    """재공고: a failed notice goes out again under the same number with a new 차수 and a new bidding round.

    The shorter re-announcement period applies (koneps-rules §2.5, addendum Q1: 5 days) under the rules in
    force today; new preliminary prices are made for the new round.
    """
    now = ctx.clock.now()
    with ctx.uow() as uow:
        notice = load_notice(uow.session, number, for_update=True)
        officer = _officer_of(actor, notice)
        new_status = transition(NoticeStatus(notice.status), NoticeAction.REANNOUNCE)
        agency = _agency(uow.session, notice.agency_id)
        rules = ctx.rules.in_force(Jurisdiction(agency.jurisdiction or "national"), seoul_date(now))
        terms = replace(
            terms_of(notice),
            bid_start_at=timetable.bid_start_at,
            deadline_at=timetable.deadline_at,
            opening_at=timetable.opening_at,
        )
        _check_publication_rules(ctx, rules, terms, now=now, announced_at=now, reannouncement=True)
        _take_deadline_place(uow.session, rules, terms.deadline_at)
        before = {"status": notice.status, "round": notice.round, "order": notice.order}
        _apply_terms(notice, terms)
        notice.status = new_status.value
        notice.round += 1
        notice.order += 1
        notice.rebid_no = 0
        notice.reannounced = True
        notice.kind = NoticeKind.REANNOUNCEMENT.value
        notice.rule_set_version = rules.version
        notice.published_at = notice.first_published_at = now
        notice.closed_at = None
        notice.next_check = notice.deadline_at
        notice.updated_at = now
        uow.session.flush()
        translog.append(uow.session, "notice.published", number, _open_round(ctx, uow.session, rules, notice, now), now)
        _revision(uow.session, notice, officer, "재공고 (re-announcement)", now)
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(officer),
            action="notice.reannounce",
            entity_type="notice",
            entity_id=number,
            before=before,
            after={
                "status": notice.status,
                "round": notice.round,
                "order": notice.order,
                "deadline_at": notice.deadline_at,
                "rule_set_version": rules.version,
            },
        )
        search_index.enqueue(uow.session, notice.id, now)
        uow.commit()
    search_index.catch_up_quietly(ctx)


def rebid_round(
    ctx: AppContext, session: Session, notice: Notice, officer: Actor, timetable: Timetable, prices: Sequence[int]
) -> None:
    """재입찰: the same notice, 차수 and conditions, a new bidding round with the same preliminary prices (re-bid
    number 001, 002 …). There is no new announcement, so no announcement period; the closing-time rules apply.
    The caller has checked that the rules allow it (``evaluation.service.rebid``)."""
    now = ctx.clock.now()
    new_status = transition(NoticeStatus(notice.status), NoticeAction.REBID)
    rules = ctx.rules.version(notice.rule_set_version or "")
    terms = replace(
        terms_of(notice),
        bid_start_at=timetable.bid_start_at,
        deadline_at=timetable.deadline_at,
        opening_at=timetable.opening_at,
    )
    check_sequence(terms.timetable, now)
    check_closing_time(rules, terms.deadline_at, ctx.calendar)
    _take_deadline_place(session, rules, terms.deadline_at)
    before = {"status": notice.status, "round": notice.round, "rebid_no": notice.rebid_no}
    _apply_terms(notice, terms)
    notice.status = new_status.value
    notice.round += 1
    notice.rebid_no += 1
    notice.closed_at = None
    notice.next_check = notice.deadline_at
    notice.updated_at = now
    session.flush()
    translog.append(
        session, "notice.published", notice.number, _open_round(ctx, session, rules, notice, now, prices), now
    )
    audit.record(
        session,
        at=now,
        actor=audit_actor(officer),
        action="notice.rebid",
        entity_type="notice",
        entity_id=notice.number,
        before=before,
        after={
            "status": notice.status,
            "round": notice.round,
            "rebid_no": notice.rebid_no,
            "deadline_at": notice.deadline_at,
        },
    )


# --- time-driven transitions --------------------------------------------------------------------------


def close_notice_if_due(session: Session, notice: Notice, now: datetime) -> bool:
    """Close a published notice whose deadline has passed (used by the worker and by the opening)."""
    if notice.status != NoticeStatus.PUBLISHED.value or notice.deadline_at > now:
        return False
    notice.status = transition(NoticeStatus.PUBLISHED, NoticeAction.CLOSE).value
    notice.closed_at = notice.deadline_at
    notice.next_check = None
    notice.updated_at = now
    translog.append(
        session,
        "notice.closed",
        notice.number,
        {"round": notice.round, "deadline_at": notice.deadline_at.isoformat()},
        now,
    )
    audit.record(
        session,
        at=now,
        actor=audit.SYSTEM,
        action="notice.close",
        entity_type="notice",
        entity_id=notice.number,
        before={"status": NoticeStatus.PUBLISHED.value},
        after={"status": notice.status, "closed_at": notice.deadline_at},
    )
    return True


def close_due_notices(ctx: AppContext, limit: int = 500) -> int:
    """The chronograph: close every notice whose deadline has passed. Returns how many were closed."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        due = uow.session.scalars(
            select(Notice)
            .where(Notice.next_check <= now, Notice.status == NoticeStatus.PUBLISHED.value)
            .order_by(Notice.next_check)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        closed = sum(close_notice_if_due(uow.session, notice, now) for notice in due)
        uow.commit()
        return closed
