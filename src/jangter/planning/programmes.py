"""E-government programmes and briefing sessions (issue #9 point 3).

The operator or a ministry's procurement officer defines a programme and its projects, each linked to the order-plan
items it is bought through; the programme's page then shows budget against what was put out to tender (the notices
published against those items) and what was contracted. A briefing collects questions in advance and answers them
live: the moderator (the programme's managers) publishes each answer, numbered in order of publication, and the live
page fetches the answers after the last one it has. Everything here is public except the questions not yet answered,
which only the moderators and the asker see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jangter.contracting.orm import Contract
from jangter.identity.domain.roles import Actor, Role, require_approved_supplier, require_role
from jangter.identity.orm import Organisation
from jangter.identity.service import audit_actor
from jangter.kernel import audit, counters, idempotency, translog
from jangter.kernel.calendar import seoul_date
from jangter.kernel.context import AppContext
from jangter.kernel.errors import Conflict, DomainError, Forbidden, NotFound
from jangter.kernel.idempotency import IdempotencyClaim
from jangter.payments.totals import SIGNED
from jangter.planning.domain import PlanStatus
from jangter.planning.orm import Briefing, BriefingQuestion, OrderPlan, Programme, ProgrammeProject, ProjectPlanItem
from jangter.planning.programme_domain import (
    BriefingPhase,
    Composition,
    DraftBriefing,
    DraftProgramme,
    DraftProject,
    Progress,
    ServiceType,
    Technology,
    check_answer,
    check_briefing,
    check_programme,
    check_project,
    check_question,
    composition,
    phase,
    total,
)
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.orm import Notice

#: Notices that put a project out to tender: published at least once and not cancelled.
ORDERED = [s.value for s in NoticeStatus if s not in (NoticeStatus.DRAFT, NoticeStatus.CANCELLED)]


def _manager(actor: Actor | None) -> Actor:
    return require_role(actor, Role.OPERATOR, Role.PROCUREMENT_OFFICER)


def may_manage(actor: Actor | None, owner_id: int) -> bool:
    """The operator manages every programme; a ministry's procurement officers manage their own."""
    if actor is None:
        return False
    return actor.has(Role.OPERATOR) or (actor.has(Role.PROCUREMENT_OFFICER) and actor.org_id == owner_id)


def _require_manager(actor: Actor | None, programme: Programme) -> Actor:
    manager = _manager(actor)
    if not may_manage(manager, programme.owner_id):
        raise Forbidden("other_organisation", "다른 기관의 사업입니다.", "This programme belongs to another agency.")
    return manager


def _load(session: Session, programme_id: int, *, for_update: bool = False) -> Programme:
    query = select(Programme).where(Programme.id == programme_id)
    if for_update:
        query = query.with_for_update()
    row = session.scalars(query).one_or_none()
    if row is None:
        raise NotFound("사업", "Programme", code="programme_not_found")
    return row


def _load_briefing(session: Session, briefing_id: int, *, for_update: bool = False) -> Briefing:
    query = select(Briefing).where(Briefing.id == briefing_id)
    if for_update:
        query = query.with_for_update()
    row = session.scalars(query).one_or_none()
    if row is None:
        raise NotFound("설명회", "Briefing", code="briefing_not_found")
    return row


def create(ctx: AppContext, actor: Actor | None, draft: DraftProgramme, claim: IdempotencyClaim | None = None) -> int:
    """사업 등록: returns the programme's id; its owner is the creator's organisation."""
    manager = _manager(actor)
    now = ctx.clock.now()
    check_programme(draft, seoul_date(now).year)
    with ctx.uow() as uow:
        if claim is not None and (earlier := idempotency.find(uow.session, claim)) is not None:
            return int(earlier.resource_id)
        row = Programme(
            name=draft.name.strip(),
            year=draft.year,
            budget=draft.budget,
            description=draft.description.strip(),
            owner_id=manager.org_id,
            created_at=now,
            created_by=manager.person_id,
        )
        uow.session.add(row)
        uow.session.flush()
        body = {"name": row.name, "year": row.year, "budget": row.budget, "owner_id": row.owner_id}
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(manager),
            action="programme.create",
            entity_type="programme",
            entity_id=str(row.id),
            after=body,
        )
        translog.append(uow.session, "programme.created", str(row.id), body, now)
        if claim is not None:
            idempotency.remember(uow.session, claim, resource_type="programme", resource_id=str(row.id), at=now)
        uow.commit()
        return row.id


def add_project(ctx: AppContext, actor: Actor | None, programme_id: int, draft: DraftProject) -> int:
    """과제 등록: returns the project's number within the programme. Its order-plan items must exist and not be
    withdrawn; the projects' budgets together may not exceed the programme's."""
    manager = _manager(actor)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        programme = _load(session, programme_id, for_update=True)
        _require_manager(manager, programme)
        used = session.scalar(
            select(func.coalesce(func.sum(ProgrammeProject.budget), 0)).where(
                ProgrammeProject.programme_id == programme_id
            )
        )
        check_project(draft, budget_left=programme.budget - int(used or 0))
        if draft.plan_items:
            found = dict(
                session.execute(
                    select(OrderPlan.number, OrderPlan.status).where(OrderPlan.number.in_(draft.plan_items))
                ).all()
            )
            bad = [n for n in draft.plan_items if found.get(n) != PlanStatus.PUBLISHED.value]
            if bad:
                raise DomainError(
                    "order_plan_not_found",
                    "없거나 철회된 발주계획입니다: " + ", ".join(bad),
                    "No such order-plan item, or it was withdrawn: " + ", ".join(bad),
                    field="plan_items",
                )
        seq = counters.next_seq(session, ProgrammeProject.seq, ProgrammeProject.programme_id == programme_id)
        row = ProgrammeProject(
            programme_id=programme_id,
            seq=seq,
            title=draft.title.strip(),
            agency=draft.agency.strip(),
            budget=draft.budget,
            service_type=draft.service_type.value,
            stage=draft.stage,
            continuing=draft.continuing,
            multi_year=draft.multi_year,
            technologies=",".join(t.value for t in draft.technologies),
            description=draft.description.strip(),
        )
        session.add(row)
        session.flush()
        session.add_all(ProjectPlanItem(project_id=row.id, order_plan=n) for n in draft.plan_items)
        body = {
            "programme_id": programme_id,
            "project": row.seq,
            "title": row.title,
            "budget": row.budget,
            "plan_items": list(draft.plan_items),
        }
        audit.record(
            session,
            at=now,
            actor=audit_actor(manager),
            action="programme.add_project",
            entity_type="programme",
            entity_id=str(programme_id),
            after=body,
        )
        translog.append(session, "programme.project_added", str(programme_id), body, now)
        uow.commit()
        return row.seq


def schedule_briefing(ctx: AppContext, actor: Actor | None, programme_id: int, draft: DraftBriefing) -> int:
    """설명회 개최 공지: returns the briefing's id. Questions are taken from now until it ends."""
    manager = _manager(actor)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        programme = _load(session, programme_id)
        _require_manager(manager, programme)
        count = session.scalar(select(func.count()).where(ProgrammeProject.programme_id == programme_id)) or 0
        check_briefing(draft, now, count)
        row = Briefing(
            programme_id=programme_id,
            title=draft.title.strip(),
            starts_at=draft.starts_at,
            ends_at=draft.ends_at,
            stream_url=draft.stream_url.strip(),
            place=draft.place.strip(),
            projects=",".join(str(n) for n in sorted(set(draft.projects))),
            answers=0,
            created_at=now,
            created_by=manager.person_id,
        )
        session.add(row)
        session.flush()
        body = {
            "programme_id": programme_id,
            "title": row.title,
            "starts_at": row.starts_at.isoformat(),
            "ends_at": row.ends_at.isoformat(),
            "projects": row.projects,
        }
        audit.record(
            session,
            at=now,
            actor=audit_actor(manager),
            action="briefing.schedule",
            entity_type="briefing",
            entity_id=str(row.id),
            after=body,
        )
        translog.append(session, "briefing.scheduled", str(row.id), body, now)
        uow.commit()
        return row.id


def ask(
    ctx: AppContext,
    actor: Actor | None,
    briefing_id: int,
    text: str,
    project: int | None = None,
    claim: IdempotencyClaim | None = None,
) -> int:
    """질의 등록: a member of an approved firm asks, in advance or during the session; returns its number."""
    firm = require_role(actor, Role.BIDDER, Role.COMPANY_ADMIN)
    require_approved_supplier(firm)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        if claim is not None and (earlier := idempotency.find(session, claim)) is not None:
            return int(earlier.resource_id)
        briefing = _load_briefing(session, briefing_id, for_update=True)
        current = phase(briefing.starts_at, briefing.ends_at, now)
        check_question(text, current)
        covered = _numbers(briefing.projects)
        if project is not None and project not in covered:
            raise DomainError(
                "project_unknown",
                "이 설명회가 다루지 않는 과제입니다.",
                "The briefing does not cover it.",
                field="project",
            )
        seq = counters.next_seq(session, BriefingQuestion.seq, BriefingQuestion.briefing_id == briefing_id)
        row = BriefingQuestion(
            briefing_id=briefing_id,
            seq=seq,
            project=project,
            asked_by=firm.person_id,
            asker_org=firm.org_id,
            text=text.strip(),
            asked_at=now,
            live=current is BriefingPhase.LIVE,
        )
        session.add(row)
        audit.record(
            session,
            at=now,
            actor=audit_actor(firm),
            action="briefing.ask",
            entity_type="briefing",
            entity_id=str(briefing_id),
            after={"question": row.seq, "live": row.live},
        )
        if claim is not None:
            idempotency.remember(session, claim, resource_type="briefing_question", resource_id=str(row.seq), at=now)
        uow.commit()
        return row.seq


def answer(ctx: AppContext, actor: Actor | None, briefing_id: int, seq: int, text: str) -> int:
    """답변 게시: the moderator publishes an answer; it appears on the live page and in the transcript. Returns the
    answer's place in the order of publication."""
    moderator = _manager(actor)
    check_answer(text)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        briefing = _load_briefing(session, briefing_id, for_update=True)
        _require_manager(moderator, _load(session, briefing.programme_id))
        question = session.scalars(
            select(BriefingQuestion).where(BriefingQuestion.briefing_id == briefing_id, BriefingQuestion.seq == seq)
        ).one_or_none()
        if question is None:
            raise NotFound("질의", "Question", code="question_not_found")
        if question.answer is not None:
            raise Conflict("question_answered", "이미 답변한 질의입니다.", "Already answered.", field="answer")
        briefing.answers += 1
        question.answer, question.answered_at = text.strip(), now
        question.answered_by, question.answer_seq = moderator.person_id, briefing.answers
        body = {"question": seq, "text": question.text, "answer": question.answer, "order": briefing.answers}
        audit.record(
            session,
            at=now,
            actor=audit_actor(moderator),
            action="briefing.answer",
            entity_type="briefing",
            entity_id=str(briefing_id),
            after=body,
        )
        translog.append(session, "briefing.answered", str(briefing_id), body, now)
        uow.commit()
        return briefing.answers


def _numbers(raw: str) -> list[int]:
    return [int(n) for n in raw.split(",") if n]


# --- reading ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectView:
    seq: int
    title: str
    agency: str
    budget: int
    service_type: ServiceType
    stage: int
    continuing: bool
    multi_year: bool
    technologies: tuple[Technology, ...]
    description: str
    plan_items: tuple[str, ...]
    progress: Progress

    def draft(self) -> DraftProject:
        return DraftProject(
            title=self.title,
            agency=self.agency,
            budget=self.budget,
            service_type=self.service_type,
            stage=self.stage,
            continuing=self.continuing,
            multi_year=self.multi_year,
            technologies=self.technologies,
        )


@dataclass(frozen=True)
class QuestionView:
    seq: int
    project: int | None
    firm_name: str
    text: str
    asked_at: datetime
    live: bool
    answer: str | None
    answered_at: datetime | None
    answer_seq: int | None
    mine: bool = False


@dataclass(frozen=True)
class BriefingView:
    id: int
    programme_id: int
    programme_name: str
    owner_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    stream_url: str
    place: str
    projects: tuple[int, ...]
    phase: BriefingPhase
    answered: tuple[QuestionView, ...]  # in order of publication
    waiting: tuple[QuestionView, ...]  # unanswered: the moderators see all, an asker only its own
    waiting_count: int  # everyone sees how many wait

    @property
    def last_answer(self) -> int:
        return (self.answered[-1].answer_seq or 0) if self.answered else 0


@dataclass(frozen=True)
class ProgrammeView:
    id: int
    name: str
    year: int
    budget: int
    description: str
    owner_id: int
    owner_name: str
    projects: tuple[ProjectView, ...]
    progress: Progress
    composition: Composition
    briefings: tuple[BriefingView, ...]

    @property
    def allocated(self) -> int:
        return sum(p.budget for p in self.projects)


@dataclass(frozen=True)
class ProgrammeSummary:
    id: int
    name: str
    year: int
    budget: int
    owner_name: str
    projects: int
    briefings: int


def list_programmes(ctx: AppContext, year: int | None = None) -> list[ProgrammeSummary]:
    with ctx.db.reading() as session:
        projects = (
            select(func.count())
            .where(ProgrammeProject.programme_id == Programme.id)
            .correlate(Programme)
            .scalar_subquery()
        )
        briefings = select(func.count()).where(Briefing.programme_id == Programme.id).correlate(Programme)
        query = (
            select(Programme, Organisation.name, projects, briefings.scalar_subquery())
            .join(Organisation, Organisation.id == Programme.owner_id)
            .order_by(Programme.year.desc(), Programme.id.desc())
        )
        if year is not None:
            query = query.where(Programme.year == year)
        return [
            ProgrammeSummary(p.id, p.name, p.year, p.budget, owner, int(n or 0), int(b or 0))
            for p, owner, n, b in session.execute(query).all()
        ]


def _progress(session: Session, project_ids: list[int]) -> dict[int, tuple[int, int, int, int]]:
    """Per project: (notices, ordered, contracts, contracted), from its order-plan items' notices."""
    if not project_ids:
        return {}
    ordered = session.execute(
        select(ProjectPlanItem.project_id, func.count(Notice.id), func.coalesce(func.sum(Notice.base_amount), 0))
        .join(Notice, Notice.order_plan == ProjectPlanItem.order_plan)
        .where(ProjectPlanItem.project_id.in_(project_ids), Notice.status.in_(ORDERED))
        .group_by(ProjectPlanItem.project_id)
    ).all()
    contracted = session.execute(
        select(ProjectPlanItem.project_id, func.count(Contract.id), func.coalesce(func.sum(Contract.amount), 0))
        .join(Notice, Notice.order_plan == ProjectPlanItem.order_plan)
        .join(Contract, Contract.notice_id == Notice.id)
        .where(ProjectPlanItem.project_id.in_(project_ids), Contract.status.in_([s.value for s in SIGNED]))
        .group_by(ProjectPlanItem.project_id)
    ).all()
    out = dict.fromkeys(project_ids, (0, 0, 0, 0))
    for pid, n, amount in ordered:
        out[pid] = (int(n), int(amount), 0, 0)
    for pid, n, amount in contracted:
        out[pid] = (out[pid][0], out[pid][1], int(n), int(amount))
    return out


def get_programme(ctx: AppContext, programme_id: int, actor: Actor | None = None) -> ProgrammeView:
    with ctx.db.reading() as session:
        programme = _load(session, programme_id)
        owner = session.get(Organisation, programme.owner_id)
        rows = session.scalars(
            select(ProgrammeProject).where(ProgrammeProject.programme_id == programme_id).order_by(ProgrammeProject.seq)
        ).all()
        items: dict[int, list[str]] = {r.id: [] for r in rows}
        for pid, number in session.execute(
            select(ProjectPlanItem.project_id, ProjectPlanItem.order_plan)
            .where(ProjectPlanItem.project_id.in_(list(items)))
            .order_by(ProjectPlanItem.order_plan)
        ).all():
            items[pid].append(number)
        figures = _progress(session, [r.id for r in rows])
        projects = tuple(
            ProjectView(
                seq=r.seq,
                title=r.title,
                agency=r.agency,
                budget=r.budget,
                service_type=ServiceType(r.service_type),
                stage=r.stage,
                continuing=r.continuing,
                multi_year=r.multi_year,
                technologies=tuple(Technology(t) for t in r.technologies.split(",") if t),
                description=r.description,
                plan_items=tuple(items[r.id]),
                progress=Progress(
                    budget=r.budget,
                    notices=figures[r.id][0],
                    ordered=figures[r.id][1],
                    contracts=figures[r.id][2],
                    contracted=figures[r.id][3],
                ),
            )
            for r in rows
        )
        briefing_ids = session.scalars(
            select(Briefing.id).where(Briefing.programme_id == programme_id).order_by(Briefing.starts_at)
        ).all()
        briefings = tuple(_briefing_view(ctx, session, b, actor) for b in briefing_ids)
        return ProgrammeView(
            id=programme.id,
            name=programme.name,
            year=programme.year,
            budget=programme.budget,
            description=programme.description,
            owner_id=programme.owner_id,
            owner_name=owner.name if owner else "",
            projects=projects,
            progress=total([p.progress for p in projects], programme.budget),
            composition=composition([p.draft() for p in projects]),
            briefings=briefings,
        )


def _question(row: BriefingQuestion, firm_name: str, actor: Actor | None) -> QuestionView:
    return QuestionView(
        seq=row.seq,
        project=row.project,
        firm_name=firm_name,
        text=row.text,
        asked_at=row.asked_at,
        live=row.live,
        answer=row.answer,
        answered_at=row.answered_at,
        answer_seq=row.answer_seq,
        mine=actor is not None and actor.person_id == row.asked_by,
    )


def _briefing_view(
    ctx: AppContext, session: Session, briefing_id: int, actor: Actor | None, after: int = 0
) -> BriefingView:
    briefing = _load_briefing(session, briefing_id)
    programme = _load(session, briefing.programme_id)
    moderator = may_manage(actor, programme.owner_id)
    rows = session.execute(
        select(BriefingQuestion, Organisation.name)
        .join(Organisation, Organisation.id == BriefingQuestion.asker_org)
        .where(BriefingQuestion.briefing_id == briefing_id)
        .order_by(BriefingQuestion.answer_seq, BriefingQuestion.seq)
    ).all()
    answered = [_question(q, name, actor) for q, name in rows if q.answer_seq is not None and q.answer_seq > after]
    answered.sort(key=lambda q: q.answer_seq or 0)
    pending = [q for q, _ in rows if q.answer is None]
    names = {q.seq: name for q, name in rows}
    visible = [
        _question(q, names[q.seq], actor) for q in pending if moderator or (actor and q.asked_by == actor.person_id)
    ]
    return BriefingView(
        id=briefing.id,
        programme_id=programme.id,
        programme_name=programme.name,
        owner_id=programme.owner_id,
        title=briefing.title,
        starts_at=briefing.starts_at,
        ends_at=briefing.ends_at,
        stream_url=briefing.stream_url,
        place=briefing.place,
        projects=tuple(_numbers(briefing.projects)),
        phase=phase(briefing.starts_at, briefing.ends_at, ctx.clock.now()),
        answered=tuple(answered),
        waiting=tuple(visible),
        waiting_count=len(pending),
    )


def get_briefing(ctx: AppContext, briefing_id: int, actor: Actor | None = None, *, after: int = 0) -> BriefingView:
    """The briefing with its published answers (only those published after ``after``: the live page's cursor)."""
    with ctx.db.reading() as session:
        return _briefing_view(ctx, session, briefing_id, actor, after)
