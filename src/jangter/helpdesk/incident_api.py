"""REST routes for incidents: the public list and each incident with the deadlines it moved; the operator declares,
records the recovery, previews and runs the postponement. Watching a notice (관심공고) lives here too: watchers are
told when a postponement moves it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jangter.helpdesk import incidents
from jangter.helpdesk.incident_domain import DraftIncident, Function
from jangter.kernel.ids import parse_notice_reference
from jangter.search import watch
from jangter.web.http import ApiActor, Ctx, idempotency_claim

router = APIRouter(prefix="/api/v1", tags=["incidents"])

Id = Annotated[int, Path(ge=1, le=2**62)]


class IncidentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(max_length=200)
    started_at: AwareDatetime
    ended_at: AwareDatetime | None = Field(default=None, description="The recovery; leave it out while ongoing")
    functions: list[Function] = Field(min_length=1, max_length=len(Function))
    description: str = Field(default="", max_length=4000)


class RecoveryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ended_at: AwareDatetime


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expected: int | None = Field(
        default=None, ge=0, description="How many notices the preview showed; the run is refused if it changed"
    )


class PostponementOut(BaseModel):
    incident: int
    run: int
    notice: str
    title: str
    old_deadline: datetime
    new_deadline: datetime
    old_opening: datetime
    new_opening: datetime
    reopened: bool = Field(description="It had closed in the outage and takes bids again")
    rule_set_version: str
    notified: int
    at: datetime

    @classmethod
    def of(cls, p: incidents.PostponementView) -> PostponementOut:
        return cls(
            incident=p.incident_id,
            run=p.run,
            notice=p.number,
            title=p.title,
            old_deadline=p.old_deadline,
            new_deadline=p.new_deadline,
            old_opening=p.old_opening,
            new_opening=p.new_opening,
            reopened=p.reopened,
            rule_set_version=p.rule_set_version,
            notified=p.notified,
            at=p.at,
        )


class IncidentOut(BaseModel):
    id: int
    title: str
    description: str
    functions: list[Function]
    started_at: datetime
    ended_at: datetime | None
    ongoing: bool
    runs: int
    postponed: int
    postponements: list[PostponementOut] | None = None

    @classmethod
    def of(cls, v: incidents.IncidentView, moved: list[incidents.PostponementView] | None = None) -> IncidentOut:
        return cls(
            id=v.id,
            title=v.title,
            description=v.description,
            functions=sorted(v.functions),
            started_at=v.started_at,
            ended_at=v.ended_at,
            ongoing=v.ongoing,
            runs=v.runs,
            postponed=v.postponed,
            postponements=None if moved is None else [PostponementOut.of(p) for p in moved],
        )


class MoveOut(BaseModel):
    notice: str
    title: str
    agency: str
    old_deadline: datetime
    new_deadline: datetime
    new_opening: datetime
    reopens: bool
    people: int = Field(description="Bidders, bid-bond requesters and watchers who will be e-mailed")


class PreviewOut(BaseModel):
    incident: int
    window_start: datetime
    recovered_at: datetime
    provisional: bool = Field(description="Ongoing: now stands for the recovery")
    window_ends: datetime
    postponing: bool = Field(description="What failed stops bidding")
    count: int
    moves: list[MoveOut]


class RunOut(BaseModel):
    run: int
    moved: int
    reopened: int
    notified: int


@router.get("/incidents", response_model=list[IncidentOut], summary="Incidents, newest first (public status)")
def list_incidents(ctx: Ctx) -> list[IncidentOut]:
    return [IncidentOut.of(v) for v in incidents.list_incidents(ctx)]


@router.get("/incidents/{incident}", response_model=IncidentOut, summary="An incident and the deadlines it moved")
def get_incident(ctx: Ctx, incident: Id) -> IncidentOut:
    view, moved = incidents.get_incident(ctx, incident)
    return IncidentOut.of(view, moved)


@router.post("/incidents", status_code=201, response_model=IncidentOut, summary="Declare an incident (operator)")
def declare(ctx: Ctx, actor: ApiActor, body: IncidentIn, request: Request, response: Response) -> IncidentOut:
    claim = idempotency_claim(request, actor, "POST /incidents", body.model_dump(mode="json"))
    draft = DraftIncident(body.title, body.started_at, body.ended_at, frozenset(body.functions), body.description)
    incident = incidents.declare(ctx, actor, draft, claim)
    response.headers["Location"] = f"/api/v1/incidents/{incident}"
    return get_incident(ctx, incident)


@router.post("/incidents/{incident}/recovery", response_model=IncidentOut, summary="Record the recovery (operator)")
def recover(ctx: Ctx, actor: ApiActor, incident: Id, body: RecoveryIn) -> IncidentOut:
    incidents.recover(ctx, actor, incident, body.ended_at)
    return get_incident(ctx, incident)


@router.get(
    "/incidents/{incident}/preview", response_model=PreviewOut, summary="What a postponement would move (operator)"
)
def preview(ctx: Ctx, actor: ApiActor, incident: Id) -> PreviewOut:
    p = incidents.preview(ctx, actor, incident)
    return PreviewOut(
        incident=p.incident_id,
        window_start=p.window_start,
        recovered_at=p.recovered_at,
        provisional=p.provisional,
        window_ends=p.window_ends,
        postponing=p.postponing,
        count=len(p.moves),
        moves=[
            MoveOut(
                notice=m.move.number,
                title=m.title,
                agency=m.agency,
                old_deadline=m.move.old_deadline,
                new_deadline=m.move.new_deadline,
                new_opening=m.move.new_opening,
                reopens=m.reopens,
                people=m.people,
            )
            for m in p.moves
        ],
    )


@router.post(
    "/incidents/{incident}/postponements",
    status_code=201,
    response_model=RunOut,
    summary="Postpone every affected deadline in one audited operation (operator)",
)
def postpone(ctx: Ctx, actor: ApiActor, incident: Id, body: RunIn) -> RunOut:
    result = incidents.postpone(ctx, actor, incident, expected=body.expected)
    return RunOut(run=result.run, moved=result.moved, reopened=result.reopened, notified=result.notified)


@router.put("/notices/{reference}/watch", status_code=204, summary="Watch a notice (관심공고; signed-in)")
def watch_notice(ctx: Ctx, actor: ApiActor, reference: str) -> Response:
    watch.watch(ctx, actor, parse_notice_reference(reference)[0])
    return Response(status_code=204)


@router.delete("/notices/{reference}/watch", status_code=204, summary="Stop watching a notice")
def unwatch_notice(ctx: Ctx, actor: ApiActor, reference: str) -> Response:
    watch.unwatch(ctx, actor, parse_notice_reference(reference)[0])
    return Response(status_code=204)
