"""Incidents and postponements (장애 및 입찰마감 연기, koneps-rules §2.6; issue #9 point 5).

An operator declares an incident (start, recovery or still ongoing, what failed). Before anything moves the
operator previews the postponement: every notice still taking bids or closed but not opened whose deadline fell in
the outage or within the grace period after recovery, with its new deadline. Running it moves them all in one
transaction, audited as one operation: new deadline and opening, a closed notice reopened, the deadline hours'
places for the hourly cap, one public log entry per notice, and one e-mail per person (bidders of the notice's
current round, those who asked for its bid bond, and those who watch it) listing that person's notices. While the
incident is ongoing, a run uses "now" as the provisional recovery; a later run postpones what has fallen into the
window since, notices already moved beyond it are not touched again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jangter.bidding.orm import Bid
from jangter.contracting.orm import Guarantee
from jangter.helpdesk.incident_domain import (
    POSTPONING,
    Affected,
    DraftIncident,
    Function,
    Move,
    check_incident,
    check_recovery,
    next_closing_slot,
    plan,
    window_end,
)
from jangter.helpdesk.incident_orm import Incident, Postponement
from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.identity.orm import Organisation, Person
from jangter.identity.service import audit_actor
from jangter.kernel import audit, idempotency, translog
from jangter.kernel.calendar import seoul_date, to_seoul
from jangter.kernel.context import AppContext
from jangter.kernel.errors import Conflict, DomainError, NotFound
from jangter.kernel.idempotency import IdempotencyClaim
from jangter.kernel.procurement import Jurisdiction
from jangter.notifications import outbox
from jangter.rules.domain import RuleSet
from jangter.search import index as search_index
from jangter.search.orm import NoticeWatch
from jangter.tendering import slots
from jangter.tendering.domain.notice import NoticeAction, NoticeStatus, transition
from jangter.tendering.orm import DeadlineSlot, Notice

#: A postponement takes notices that still take bids, or closed in the outage and are not opened yet.
OPEN_OR_CLOSED = (NoticeStatus.PUBLISHED.value, NoticeStatus.CLOSED.value)


def _load(session: Session, incident_id: int, *, for_update: bool = False) -> Incident:
    query = select(Incident).where(Incident.id == incident_id)
    if for_update:
        query = query.with_for_update()
    row = session.scalars(query).one_or_none()
    if row is None:
        raise NotFound("장애", "Incident", code="incident_not_found")
    return row


def _functions(raw: str) -> frozenset[Function]:
    return frozenset(Function(f) for f in raw.split(",") if f)


def declare(ctx: AppContext, actor: Actor | None, draft: DraftIncident, claim: IdempotencyClaim | None = None) -> int:
    """장애 등록 (the operator): returns the incident's id. Nothing is postponed until the operator runs it."""
    operator = require_role(actor, Role.OPERATOR)
    now = ctx.clock.now()
    check_incident(draft, now)
    with ctx.uow() as uow:
        if claim is not None and (earlier := idempotency.find(uow.session, claim)) is not None:
            return int(earlier.resource_id)
        row = Incident(
            title=draft.title.strip(),
            description=draft.description.strip(),
            functions=",".join(sorted(f.value for f in draft.functions)),
            started_at=draft.started_at,
            ended_at=draft.ended_at,
            declared_at=now,
            declared_by=operator.person_id,
            runs=0,
        )
        uow.session.add(row)
        uow.session.flush()
        body = {
            "title": row.title,
            "functions": row.functions,
            "started_at": row.started_at.isoformat(),
            "ended_at": row.ended_at.isoformat() if row.ended_at else None,
        }
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(operator),
            action="incident.declare",
            entity_type="incident",
            entity_id=str(row.id),
            after=body,
        )
        translog.append(uow.session, "incident.declared", str(row.id), body, now)
        if claim is not None:
            idempotency.remember(uow.session, claim, resource_type="incident", resource_id=str(row.id), at=now)
        uow.commit()
        return row.id


def recover(ctx: AppContext, actor: Actor | None, incident_id: int, ended_at: datetime) -> None:
    """복구 선언: the recovery time of an ongoing incident."""
    operator = require_role(actor, Role.OPERATOR)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        row = _load(uow.session, incident_id, for_update=True)
        if row.ended_at is not None:
            raise Conflict("incident_recovered", "이미 복구된 장애입니다.", "The incident has already ended.")
        check_recovery(row.started_at, ended_at, now)
        row.ended_at = ended_at
        audit.record(
            uow.session,
            at=now,
            actor=audit_actor(operator),
            action="incident.recover",
            entity_type="incident",
            entity_id=str(incident_id),
            before={"ended_at": None},
            after={"ended_at": ended_at.isoformat()},
        )
        translog.append(uow.session, "incident.recovered", str(incident_id), {"ended_at": ended_at.isoformat()}, now)
        uow.commit()


# --- the postponement -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedMove:
    move: Move
    title: str
    agency: str
    reopens: bool  # closed in the outage: takes bids again
    people: int  # bidders, bid-bond requesters and watchers to tell


@dataclass(frozen=True)
class Preview:
    incident_id: int
    window_start: datetime
    recovered_at: datetime  # the recovery, or now while the incident is ongoing
    provisional: bool  # the incident is ongoing: "now" stands for the recovery
    window_ends: datetime  # the latest deadline postponed (recovery + grace, by the national rule set)
    moves: tuple[PlannedMove, ...]
    postponing: bool  # what failed stops bidding (else the operator postpones only if they choose to)


def _rules(ctx: AppContext, jurisdiction: str | None, when: datetime) -> RuleSet:
    return ctx.rules.in_force(Jurisdiction(jurisdiction or "national"), seoul_date(when))


def _candidates(
    ctx: AppContext, session: Session, incident: Incident, recovered_at: datetime, *, lock: bool = False
) -> list[tuple[Notice, str, Affected]]:
    by_jurisdiction = {j: _rules(ctx, j.value, recovered_at) for j in Jurisdiction}
    widest = max(window_end(recovered_at, r) for r in by_jurisdiction.values())
    query = (
        select(Notice, Organisation.name, Organisation.jurisdiction)
        .join(Organisation, Organisation.id == Notice.agency_id)
        .where(
            Notice.status.in_(OPEN_OR_CLOSED),
            Notice.deadline_at >= incident.started_at,
            Notice.deadline_at <= widest,
        )
        .order_by(Notice.deadline_at, Notice.number)
    )
    if lock:  # the run: the worker must not close one of them between this read and the update
        query = query.with_for_update(of=Notice)
    rows = session.execute(query).all()
    out = []
    for notice, agency, jurisdiction in rows:
        rules = by_jurisdiction[Jurisdiction(jurisdiction or "national")]
        if notice.deadline_at <= window_end(recovered_at, rules):
            out.append((notice, agency, Affected(notice.number, notice.deadline_at, notice.opening_at, rules)))
    return out


def _closings(session: Session) -> Callable[[datetime], int]:
    cache: dict[datetime, int] = {}

    def closings(hour: datetime) -> int:
        if hour not in cache:
            found = session.scalar(select(DeadlineSlot.closings).where(DeadlineSlot.hour == hour))
            cache[hour] = int(found or 0)
        return cache[hour]

    return closings


def _recipients(session: Session, notices: list[Notice]) -> dict[int, set[int]]:
    """Notice id → the people to tell: bidders of its current round, bid-bond requesters, watchers."""
    ids = [n.id for n in notices]
    rounds = {n.id: n.round for n in notices}
    people: dict[int, set[int]] = defaultdict(set)
    if not ids:
        return people
    for notice_id, round_, person in session.execute(
        select(Bid.notice_id, Bid.round, Bid.bidder_id).where(Bid.notice_id.in_(ids)).distinct()
    ).all():
        if round_ == rounds[notice_id]:
            people[notice_id].add(person)
    for bond_notice, person in session.execute(
        select(Guarantee.notice_id, Guarantee.requested_by).where(Guarantee.notice_id.in_(ids)).distinct()
    ).all():
        if bond_notice is not None:
            people[bond_notice].add(person)
    for notice_id, person in session.execute(
        select(NoticeWatch.notice_id, NoticeWatch.person_id).where(NoticeWatch.notice_id.in_(ids))
    ).all():
        people[notice_id].add(person)
    return people


def _plan(
    ctx: AppContext, session: Session, incident: Incident, now: datetime, *, lock: bool = False
) -> tuple[Preview, list[Notice]]:
    recovered_at = incident.ended_at or now
    candidates = _candidates(ctx, session, incident, recovered_at, lock=lock)
    moves = plan([a for _, _, a in candidates], max(recovered_at, now), ctx.calendar, _closings(session))
    by_number = {n.number: (n, agency) for n, agency, _ in candidates}
    people = _recipients(session, [n for n, _, _ in candidates])
    national = _rules(ctx, Jurisdiction.NATIONAL.value, recovered_at)
    preview = Preview(
        incident_id=incident.id,
        window_start=incident.started_at,
        recovered_at=recovered_at,
        provisional=incident.ended_at is None,
        window_ends=window_end(recovered_at, national),
        moves=tuple(
            PlannedMove(
                move=m,
                title=by_number[m.number][0].title,
                agency=by_number[m.number][1],
                reopens=by_number[m.number][0].status == NoticeStatus.CLOSED.value,
                people=len(people.get(by_number[m.number][0].id, ())),
            )
            for m in moves
        ),
        postponing=bool(_functions(incident.functions) & POSTPONING),
    )
    return preview, [n for n, _, _ in candidates]


def preview(ctx: AppContext, actor: Actor | None, incident_id: int) -> Preview:
    """What a run would do now, without doing it."""
    require_role(actor, Role.OPERATOR)
    with ctx.db.reading() as session:
        return _plan(ctx, session, _load(session, incident_id), ctx.clock.now())[0]


@dataclass(frozen=True)
class RunResult:
    run: int
    moved: int
    reopened: int
    notified: int  # people e-mailed (once each)


def _take_slot(session: Session, move: Move, rules: RuleSet, ctx: AppContext) -> Move:
    """Take the planned hour's place; when a notice published meanwhile filled it, the next allowed hour."""
    deadline = move.new_deadline
    while not slots.take_place(session, deadline, rules.closing.max_closings_per_hour):
        deadline = next_closing_slot(deadline + timedelta(hours=1), rules, ctx.calendar)
    gap = move.old_opening - move.old_deadline
    return Move(move.number, move.old_deadline, deadline, move.old_opening, deadline + gap, move.rule_set_version)


def postpone(ctx: AppContext, actor: Actor | None, incident_id: int, *, expected: int | None = None) -> RunResult:
    """Run the postponement. ``expected``: the number of notices the operator saw in the preview; if it changed
    meanwhile the run is refused, so that nothing moves that the operator did not see."""
    operator = require_role(actor, Role.OPERATOR)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        incident = _load(session, incident_id, for_update=True)
        planned, notices = _plan(ctx, session, incident, now, lock=True)
        if expected is not None and expected != len(planned.moves):
            raise Conflict(
                "preview_outdated",
                f"미리보기 뒤에 대상 공고가 바뀌었습니다 ({expected}건 → {len(planned.moves)}건). 다시 확인하십시오.",
                f"The notices changed since the preview ({expected} → {len(planned.moves)}); check again.",
            )
        if not planned.moves:
            raise DomainError(
                "nothing_to_postpone",
                "연기할 공고가 없습니다.",
                "No notice's deadline falls in the window.",
                status=409,
            )
        incident.runs += 1
        run = incident.runs
        by_number = {n.number: n for n in notices}
        people = _recipients(session, notices)
        told: dict[int, list[tuple[Notice, Move]]] = defaultdict(list)
        reopened = 0
        for item in planned.moves:
            notice = by_number[item.move.number]
            slots.release_place(session, notice.deadline_at)
            move = _take_slot(session, item.move, ctx.rules.version(item.move.rule_set_version), ctx)
            was_closed = notice.status == NoticeStatus.CLOSED.value
            if was_closed:
                notice.status = transition(NoticeStatus.CLOSED, NoticeAction.POSTPONE).value
                notice.closed_at = None
                reopened += 1
            notice.deadline_at, notice.opening_at = move.new_deadline, move.new_opening
            notice.next_check, notice.updated_at = move.new_deadline, now
            session.add(
                Postponement(
                    incident_id=incident.id,
                    run=run,
                    notice_id=notice.id,
                    old_deadline=move.old_deadline,
                    new_deadline=move.new_deadline,
                    old_opening=move.old_opening,
                    new_opening=move.new_opening,
                    reopened=was_closed,
                    rule_set_version=move.rule_set_version,
                    notified=len(people.get(notice.id, ())),
                    at=now,
                )
            )
            body = {
                "incident": incident.id,
                "run": run,
                "old_deadline": move.old_deadline.isoformat(),
                "new_deadline": move.new_deadline.isoformat(),
                "new_opening": move.new_opening.isoformat(),
                "reopened": was_closed,
            }
            translog.append(session, "notice.postponed", notice.number, body, now)
            search_index.enqueue(session, notice.id, now)
            for person in people.get(notice.id, ()):
                told[person].append((notice, move))
        _mail(session, incident, run, told, now)
        audit.record(
            session,
            at=now,
            actor=audit_actor(operator),
            action="incident.postpone",
            entity_type="incident",
            entity_id=str(incident.id),
            after={
                "run": run,
                "recovered_at": planned.recovered_at.isoformat(),
                "provisional": planned.provisional,
                "moved": len(planned.moves),
                "reopened": reopened,
                "notified": len(told),
                "notices": [m.move.number for m in planned.moves],
            },
        )
        uow.commit()
    search_index.catch_up_quietly(ctx)
    return RunResult(run=run, moved=len(planned.moves), reopened=reopened, notified=len(told))


def _mail(
    session: Session, incident: Incident, run: int, told: dict[int, list[tuple[Notice, Move]]], now: datetime
) -> None:
    if not told:
        return
    emails = dict(
        session.execute(select(Person.id, Person.email).where(Person.id.in_(list(told)), Person.active.is_(True))).all()
    )
    for person, items in told.items():
        if person not in emails:
            continue
        lines = [
            f"- {n.number} {n.title}: {to_seoul(m.old_deadline):%Y-%m-%d %H:%M} → "
            f"{to_seoul(m.new_deadline):%Y-%m-%d %H:%M} (개찰/opening {to_seoul(m.new_opening):%Y-%m-%d %H:%M})"
            for n, m in items
        ]
        window = f"{to_seoul(incident.started_at):%Y-%m-%d %H:%M}"
        body = (
            f"시스템 장애로 입찰 마감을 연기했습니다: {incident.title} ({window}부터).\n"
            "장애 시간이나 복구 후 2시간 안에 마감이던 공고는 최소 입찰기간을 보장해 연기합니다 (이용약관).\n"
            f"Bid deadlines were postponed after a system incident: {incident.title} (from {window} KST).\n\n"
            + "\n".join(lines)
            + "\n\n장애 현황 / Status: /status\n"
        )
        outbox.enqueue(
            session,
            key=f"incident:{incident.id}:{run}:{person}",
            to=emails[person],
            subject=f"[장터] 입찰 마감 연기 안내 / Deadlines postponed ({len(items)})",
            body=body,
            at=now,
        )


# --- reading ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostponementView:
    incident_id: int
    incident_title: str
    run: int
    number: str
    title: str
    old_deadline: datetime
    new_deadline: datetime
    old_opening: datetime
    new_opening: datetime
    reopened: bool
    rule_set_version: str
    notified: int
    at: datetime


@dataclass(frozen=True)
class IncidentView:
    id: int
    title: str
    description: str
    functions: frozenset[Function]
    started_at: datetime
    ended_at: datetime | None
    declared_at: datetime
    runs: int
    postponed: int

    @property
    def ongoing(self) -> bool:
        return self.ended_at is None


def _view(row: Incident, postponed: int) -> IncidentView:
    return IncidentView(
        id=row.id,
        title=row.title,
        description=row.description,
        functions=_functions(row.functions),
        started_at=row.started_at,
        ended_at=row.ended_at,
        declared_at=row.declared_at,
        runs=row.runs,
        postponed=postponed,
    )


def list_incidents(ctx: AppContext, limit: int = 100) -> list[IncidentView]:
    """Newest first; what the public status page shows."""
    with ctx.db.reading() as session:
        counts = (
            select(func.count(Postponement.id))
            .where(Postponement.incident_id == Incident.id)
            .correlate(Incident)
            .scalar_subquery()
        )
        rows = session.execute(select(Incident, counts).order_by(Incident.started_at.desc()).limit(limit)).all()
        return [_view(row, int(n or 0)) for row, n in rows]


def _postponements(session: Session, where: object) -> list[PostponementView]:
    rows = session.execute(
        select(Postponement, Notice.number, Notice.title, Incident.title)
        .join(Notice, Notice.id == Postponement.notice_id)
        .join(Incident, Incident.id == Postponement.incident_id)
        .where(where)  # type: ignore[arg-type]
        .order_by(Postponement.at, Postponement.old_deadline, Notice.number)
    ).all()
    return [
        PostponementView(
            incident_id=p.incident_id,
            incident_title=incident_title,
            run=p.run,
            number=number,
            title=title,
            old_deadline=p.old_deadline,
            new_deadline=p.new_deadline,
            old_opening=p.old_opening,
            new_opening=p.new_opening,
            reopened=p.reopened,
            rule_set_version=p.rule_set_version,
            notified=p.notified,
            at=p.at,
        )
        for p, number, title, incident_title in rows
    ]


def get_incident(ctx: AppContext, incident_id: int) -> tuple[IncidentView, list[PostponementView]]:
    with ctx.db.reading() as session:
        row = _load(session, incident_id)
        moved = _postponements(session, Postponement.incident_id == incident_id)
        return _view(row, len(moved)), moved


def postponements_of(ctx: AppContext, notice_number: str) -> list[PostponementView]:
    """Why a notice's dates moved (shown on the notice)."""
    with ctx.db.reading() as session:
        notice_id = session.scalar(select(Notice.id).where(Notice.number == notice_number))
        if notice_id is None:
            return []
        return _postponements(session, Postponement.notice_id == notice_id)
