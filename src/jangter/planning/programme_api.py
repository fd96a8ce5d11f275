"""REST routes for e-government programmes and their briefings: public reads; the operator or the ministry defines
them and moderates; approved firms ask. ``GET /briefings/{briefing}/answers?after=N`` is what the live page polls."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jangter.planning import programmes
from jangter.planning.programme_domain import (
    BriefingPhase,
    DraftBriefing,
    DraftProgramme,
    DraftProject,
    Progress,
    ServiceType,
    Technology,
)
from jangter.web.http import ApiActor, Ctx, idempotency_claim

router = APIRouter(prefix="/api/v1", tags=["programmes"])

Id = Annotated[int, Path(ge=1, le=2**62)]


class ProgrammeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=300)
    year: int = Field(strict=True)
    budget: int = Field(strict=True, description="총사업비 (won)")
    description: str = Field(default="", max_length=4000)


class ProjectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(max_length=300)
    agency: str = Field(max_length=200, description="주관기관")
    budget: int = Field(strict=True, description="won")
    service_type: ServiceType
    stage: int = Field(strict=True, description="1단계, 2단계, …")
    continuing: bool = Field(description="계속사업 (false: 신규)")
    multi_year: bool = Field(default=False, description="장기계속계약")
    technologies: list[Technology] = Field(default=[], max_length=len(Technology))
    plan_items: list[Annotated[str, Field(pattern=r"^R\d{2}DD\d{8}$")]] = Field(default=[], max_length=50)
    description: str = Field(default="", max_length=4000)


class BriefingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(max_length=300)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    stream_url: str = Field(default="", max_length=500)
    place: str = Field(default="", max_length=300)
    projects: list[Annotated[int, Field(ge=1, le=1000)]] = Field(default=[], max_length=200)


class QuestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(max_length=4000)
    project: int | None = Field(default=None, ge=1, le=1000, description="The project it is about")


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer: str = Field(max_length=4000)


class ProgressOut(BaseModel):
    budget: int
    ordered: int = Field(description="기초금액 of the notices published against its order-plan items")
    contracted: int = Field(description="Amounts of the contracts signed from those notices")
    notices: int
    contracts: int

    @classmethod
    def of(cls, p: Progress) -> ProgressOut:
        return cls(
            budget=p.budget, ordered=p.ordered, contracted=p.contracted, notices=p.notices, contracts=p.contracts
        )


class ProjectOut(BaseModel):
    number: int
    title: str
    agency: str
    budget: int
    service_type: ServiceType
    stage: int
    continuing: bool
    multi_year: bool
    technologies: list[Technology]
    plan_items: list[str]
    description: str
    progress: ProgressOut


class QuestionOut(BaseModel):
    number: int
    project: int | None
    firm: str
    question: str
    asked_at: datetime
    live: bool = Field(description="Asked during the session (else in advance)")
    answer: str | None
    answered_at: datetime | None
    answer_order: int | None = Field(description="Place in the order of publication")

    @classmethod
    def of(cls, q: programmes.QuestionView) -> QuestionOut:
        return cls(
            number=q.seq,
            project=q.project,
            firm=q.firm_name,
            question=q.text,
            asked_at=q.asked_at,
            live=q.live,
            answer=q.answer,
            answered_at=q.answered_at,
            answer_order=q.answer_seq,
        )


class BriefingOut(BaseModel):
    id: int
    programme: int
    title: str
    starts_at: datetime
    ends_at: datetime
    stream_url: str
    place: str
    projects: list[int]
    phase: BriefingPhase
    answered: list[QuestionOut] = Field(description="Published answers, in order of publication")
    waiting: list[QuestionOut] = Field(description="Unanswered questions the caller may see (moderators: all)")
    waiting_count: int
    last_answer: int = Field(description="Pass it back as ?after= to get only newer answers")

    @classmethod
    def of(cls, b: programmes.BriefingView) -> BriefingOut:
        return cls(
            id=b.id,
            programme=b.programme_id,
            title=b.title,
            starts_at=b.starts_at,
            ends_at=b.ends_at,
            stream_url=b.stream_url,
            place=b.place,
            projects=list(b.projects),
            phase=b.phase,
            answered=[QuestionOut.of(q) for q in b.answered],
            waiting=[QuestionOut.of(q) for q in b.waiting],
            waiting_count=b.waiting_count,
            last_answer=b.last_answer,
        )


class ProgrammeOut(BaseModel):
    id: int
    name: str
    year: int
    budget: int
    description: str
    owner: dict[str, int | str]
    progress: ProgressOut
    projects: list[ProjectOut]
    briefings: list[BriefingOut]

    @classmethod
    def of(cls, v: programmes.ProgrammeView) -> ProgrammeOut:
        return cls(
            id=v.id,
            name=v.name,
            year=v.year,
            budget=v.budget,
            description=v.description,
            owner={"id": v.owner_id, "name": v.owner_name},
            progress=ProgressOut.of(v.progress),
            projects=[
                ProjectOut(
                    number=p.seq,
                    title=p.title,
                    agency=p.agency,
                    budget=p.budget,
                    service_type=p.service_type,
                    stage=p.stage,
                    continuing=p.continuing,
                    multi_year=p.multi_year,
                    technologies=list(p.technologies),
                    plan_items=list(p.plan_items),
                    description=p.description,
                    progress=ProgressOut.of(p.progress),
                )
                for p in v.projects
            ],
            briefings=[BriefingOut.of(b) for b in v.briefings],
        )


class ProgrammeSummaryOut(BaseModel):
    id: int
    name: str
    year: int
    budget: int
    owner: str
    projects: int
    briefings: int


@router.get("/programmes", response_model=list[ProgrammeSummaryOut], summary="E-government programmes (public)")
def list_programmes(ctx: Ctx, year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> list[ProgrammeSummaryOut]:
    return [
        ProgrammeSummaryOut(
            id=p.id,
            name=p.name,
            year=p.year,
            budget=p.budget,
            owner=p.owner_name,
            projects=p.projects,
            briefings=p.briefings,
        )
        for p in programmes.list_programmes(ctx, year)
    ]


@router.post(
    "/programmes", status_code=201, response_model=ProgrammeOut, summary="Define a programme (operator, officer)"
)
def create_programme(
    ctx: Ctx, actor: ApiActor, body: ProgrammeIn, request: Request, response: Response
) -> ProgrammeOut:
    claim = idempotency_claim(request, actor, "POST /programmes", body.model_dump(mode="json"))
    programme = programmes.create(
        ctx, actor, DraftProgramme(body.name, body.year, body.budget, body.description), claim
    )
    response.headers["Location"] = f"/api/v1/programmes/{programme}"
    return ProgrammeOut.of(programmes.get_programme(ctx, programme, actor))


@router.get(
    "/programmes/{programme}", response_model=ProgrammeOut, summary="A programme: projects, progress, briefings"
)
def get_programme(ctx: Ctx, actor: ApiActor, programme: Id) -> ProgrammeOut:
    return ProgrammeOut.of(programmes.get_programme(ctx, programme, actor))


@router.post(
    "/programmes/{programme}/projects",
    status_code=201,
    response_model=ProgrammeOut,
    summary="Add a project with its order-plan items (the programme's managers)",
)
def add_project(ctx: Ctx, actor: ApiActor, programme: Id, body: ProjectIn) -> ProgrammeOut:
    draft = DraftProject(
        title=body.title,
        agency=body.agency,
        budget=body.budget,
        service_type=body.service_type,
        stage=body.stage,
        continuing=body.continuing,
        multi_year=body.multi_year,
        technologies=tuple(dict.fromkeys(body.technologies)),
        plan_items=tuple(body.plan_items),
        description=body.description,
    )
    programmes.add_project(ctx, actor, programme, draft)
    return ProgrammeOut.of(programmes.get_programme(ctx, programme, actor))


@router.post(
    "/programmes/{programme}/briefings",
    status_code=201,
    response_model=BriefingOut,
    summary="Schedule a briefing session (the programme's managers)",
)
def schedule_briefing(ctx: Ctx, actor: ApiActor, programme: Id, body: BriefingIn, response: Response) -> BriefingOut:
    draft = DraftBriefing(
        title=body.title,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        stream_url=body.stream_url,
        projects=tuple(body.projects),
        place=body.place,
    )
    briefing = programmes.schedule_briefing(ctx, actor, programme, draft)
    response.headers["Location"] = f"/api/v1/briefings/{briefing}"
    return BriefingOut.of(programmes.get_briefing(ctx, briefing, actor))


@router.get("/briefings/{briefing}", response_model=BriefingOut, summary="A briefing with its published answers")
def get_briefing(ctx: Ctx, actor: ApiActor, briefing: Id) -> BriefingOut:
    return BriefingOut.of(programmes.get_briefing(ctx, briefing, actor))


@router.get(
    "/briefings/{briefing}/answers",
    response_model=BriefingOut,
    summary="Answers published after ?after= (what the live page polls)",
)
def answers_after(
    ctx: Ctx, actor: ApiActor, briefing: Id, after: Annotated[int, Query(ge=0, le=2**31)] = 0
) -> BriefingOut:
    return BriefingOut.of(programmes.get_briefing(ctx, briefing, actor, after=after))


@router.post(
    "/briefings/{briefing}/questions",
    status_code=201,
    response_model=QuestionOut,
    summary="Ask a question, in advance or live (an approved firm's member)",
)
def ask(ctx: Ctx, actor: ApiActor, briefing: Id, body: QuestionIn, request: Request) -> QuestionOut:
    claim = idempotency_claim(request, actor, f"POST /briefings/{briefing}/questions", body.model_dump(mode="json"))
    seq = programmes.ask(ctx, actor, briefing, body.question, body.project, claim)
    view = programmes.get_briefing(ctx, briefing, actor)
    return QuestionOut.of(next(q for q in (*view.waiting, *view.answered) if q.seq == seq))


@router.post(
    "/briefings/{briefing}/questions/{question}/answer",
    response_model=QuestionOut,
    summary="Publish the answer to a question (the moderator)",
)
def answer(
    ctx: Ctx, actor: ApiActor, briefing: Id, question: Annotated[int, Path(ge=1, le=1_000_000)], body: AnswerIn
) -> QuestionOut:
    order = programmes.answer(ctx, actor, briefing, question, body.answer)
    view = programmes.get_briefing(ctx, briefing, actor, after=order - 1)
    return QuestionOut.of(view.answered[0])
