"""E-government programmes and their briefings as data, and their rules (issue #9 point 3).

A ministry (or the operator) announces a programme of projects for a year with a total budget: the 2022 e-government
support programme had 11 projects worth ₩69.4bn, 5 public services and 6 administrative ones, first- and third-stage,
new and continuing, one a long-term continuing contract. Each project names the order-plan items through which it
is bought, so the programme shows its budget next to what was put out to tender and what was contracted.

A briefing session (사업설명회) covers some of the projects: it collects questions in advance, then answers them
live; the answers stay on the programme's page as its transcript.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from jangter.kernel.errors import DomainError, FieldProblem, ValidationProblems
from jangter.kernel.money import require_won

NAME_MAX = 300
TEXT_MAX = 4000
STAGE_MAX = 5  # a project is built in stages (1단계 … ); five is more than any programme has used


class ServiceType(StrEnum):
    PUBLIC = "public"  # 대국민 서비스
    ADMINISTRATIVE = "administrative"  # 행정 서비스


SERVICE_TYPE_LABELS: dict[ServiceType, tuple[str, str]] = {
    ServiceType.PUBLIC: ("대국민 서비스", "Public service"),
    ServiceType.ADMINISTRATIVE: ("행정 서비스", "Administrative service"),
}


class Technology(StrEnum):
    CLOUD = "cloud"
    AI = "ai"
    BIG_DATA = "big_data"
    BLOCKCHAIN = "blockchain"
    IOT = "iot"
    MOBILE = "mobile"


TECHNOLOGY_LABELS: dict[Technology, tuple[str, str]] = {
    Technology.CLOUD: ("클라우드", "Cloud"),
    Technology.AI: ("인공지능", "AI"),
    Technology.BIG_DATA: ("빅데이터", "Big data"),
    Technology.BLOCKCHAIN: ("블록체인", "Blockchain"),
    Technology.IOT: ("사물인터넷", "IoT"),
    Technology.MOBILE: ("모바일", "Mobile"),
}


@dataclass(frozen=True)
class DraftProgramme:
    name: str
    year: int
    budget: int
    description: str = ""


@dataclass(frozen=True)
class DraftProject:
    title: str
    agency: str  # the ministry or agency that runs it (주관기관), as the announcement names it
    budget: int
    service_type: ServiceType
    stage: int
    continuing: bool  # 계속사업 (else 신규)
    multi_year: bool  # 장기계속계약
    technologies: tuple[Technology, ...] = ()
    plan_items: tuple[str, ...] = ()  # order-plan numbers (R26DD…)
    description: str = ""


@dataclass(frozen=True)
class DraftBriefing:
    title: str
    starts_at: datetime
    ends_at: datetime
    stream_url: str
    projects: tuple[int, ...] = ()  # project numbers within the programme (1, 2, …)
    place: str = ""


def _text(problems: list[FieldProblem], name: str, value: str, label: tuple[str, str], limit: int) -> None:
    if not value.strip():
        problems.append(
            FieldProblem(name, f"{name}_required", f"{label[0]}을(를) 입력하십시오.", f"Give the {label[1]}.")
        )
    elif len(value.strip()) > limit:
        problems.append(
            FieldProblem(name, f"{name}_too_long", f"{limit}자까지 입력할 수 있습니다.", f"At most {limit} characters.")
        )


def _amount(problems: list[FieldProblem], name: str, amount: int) -> None:
    try:
        require_won(amount, name)
    except DomainError as exc:
        problems.append(FieldProblem(name, exc.code, exc.message_ko, exc.message_en))


def check_programme(draft: DraftProgramme, this_year: int) -> None:
    problems: list[FieldProblem] = []
    _text(problems, "name", draft.name, ("사업명", "programme's name"), NAME_MAX)
    if not 2000 <= draft.year <= this_year + 2:
        problems.append(
            FieldProblem(
                "year",
                "year_out_of_range",
                f"2000년부터 {this_year + 2}년까지입니다.",
                f"From 2000 to {this_year + 2}.",
            )
        )
    _amount(problems, "budget", draft.budget)
    if len(draft.description) > TEXT_MAX:
        problems.append(FieldProblem("description", "description_too_long", "설명이 너무 깁니다.", "Too long."))
    if problems:
        raise ValidationProblems(problems)


def check_project(draft: DraftProject, *, budget_left: int) -> None:
    """``budget_left``: the programme's budget less its other projects' budgets; a project may not exceed it."""
    problems: list[FieldProblem] = []
    _text(problems, "title", draft.title, ("과제명", "project's name"), NAME_MAX)
    _text(problems, "agency", draft.agency, ("주관기관", "running agency"), 200)
    _amount(problems, "budget", draft.budget)
    if draft.budget > budget_left >= 0 and not any(p.field == "budget" for p in problems):
        problems.append(
            FieldProblem(
                "budget",
                "programme_budget_exceeded",
                f"사업 총예산을 넘습니다: 남은 예산은 {budget_left:,}원입니다.",
                f"More than the programme's budget: ₩{budget_left:,} is left.",
            )
        )
    if not 1 <= draft.stage <= STAGE_MAX:
        problems.append(
            FieldProblem(
                "stage", "stage_out_of_range", f"1단계부터 {STAGE_MAX}단계까지입니다.", f"Stage 1 to {STAGE_MAX}."
            )
        )
    if draft.stage > 1 and not draft.continuing:
        problems.append(
            FieldProblem(
                "continuing",
                "later_stage_is_continuing",
                "2단계 이후 과제는 계속사업입니다.",
                "A project past its first stage continues an earlier one.",
            )
        )
    if len(set(draft.plan_items)) != len(draft.plan_items):
        problems.append(
            FieldProblem("plan_items", "plan_item_repeated", "같은 발주계획이 두 번 있습니다.", "An item is repeated.")
        )
    if problems:
        raise ValidationProblems(problems)


def check_briefing(draft: DraftBriefing, now: datetime, project_count: int) -> None:
    problems: list[FieldProblem] = []
    _text(problems, "title", draft.title, ("설명회명", "briefing's title"), NAME_MAX)
    if draft.starts_at <= now:
        problems.append(
            FieldProblem("starts_at", "briefing_in_past", "앞으로의 일시를 입력하십시오.", "Choose a time to come.")
        )
    if draft.ends_at <= draft.starts_at:
        problems.append(
            FieldProblem(
                "ends_at",
                "briefing_ends_before_start",
                "끝나는 시각이 시작보다 늦어야 합니다.",
                "Ends after it starts.",
            )
        )
    url = draft.stream_url.strip()
    if url and not url.startswith(("https://", "http://")):
        problems.append(
            FieldProblem("stream_url", "url_invalid", "http(s)://로 시작하는 주소입니다.", "An http(s):// address.")
        )
    if any(not 1 <= n <= project_count for n in draft.projects):
        problems.append(
            FieldProblem(
                "projects", "project_unknown", "이 사업에 없는 과제입니다.", "Not a project of this programme."
            )
        )
    if problems:
        raise ValidationProblems(problems)


class BriefingPhase(StrEnum):
    ADVANCE = "advance"  # questions collected before the session (사전질의)
    LIVE = "live"  # the session is on: questions and answers in the chat
    ENDED = "ended"  # the transcript stays


BRIEFING_PHASE_LABELS: dict[BriefingPhase, tuple[str, str]] = {
    BriefingPhase.ADVANCE: ("사전 질의 접수 중", "Taking questions in advance"),
    BriefingPhase.LIVE: ("진행 중 (실시간 질의응답)", "Live (questions answered now)"),
    BriefingPhase.ENDED: ("종료", "Ended"),
}


def phase(starts_at: datetime, ends_at: datetime, now: datetime) -> BriefingPhase:
    if now < starts_at:
        return BriefingPhase.ADVANCE
    return BriefingPhase.LIVE if now < ends_at else BriefingPhase.ENDED


def check_question(text: str, current: BriefingPhase) -> None:
    if current is BriefingPhase.ENDED:
        raise DomainError(
            "briefing_ended",
            "설명회가 끝나 질의를 받지 않습니다.",
            "The briefing has ended; it takes no more questions.",
            status=409,
        )
    if not text.strip():
        raise DomainError("question_required", "질의 내용을 입력하십시오.", "Write your question.", field="question")
    if len(text.strip()) > TEXT_MAX:
        raise DomainError(
            "question_too_long",
            f"{TEXT_MAX}자까지 입력할 수 있습니다.",
            f"At most {TEXT_MAX} characters.",
            field="question",
        )


def check_answer(text: str) -> None:
    if not text.strip():
        raise DomainError("answer_required", "답변을 입력하십시오.", "Write the answer.", field="answer")
    if len(text.strip()) > TEXT_MAX:
        raise DomainError(
            "answer_too_long",
            f"{TEXT_MAX}자까지 입력할 수 있습니다.",
            f"At most {TEXT_MAX} characters.",
            field="answer",
        )


@dataclass(frozen=True)
class Progress:
    """A project's (or the programme's) budget beside what went out to tender and what was contracted."""

    budget: int
    ordered: int = 0  # 기초금액 of the notices published against its order-plan items
    contracted: int = 0  # amounts of the contracts signed from those notices
    notices: int = 0
    contracts: int = 0

    def percent(self, amount: int) -> int:
        """Whole per cent of the budget, rounded down (a bar's width; never shown as more than it is)."""
        return amount * 100 // self.budget if self.budget > 0 else 0


def total(parts: list[Progress], budget: int) -> Progress:
    return Progress(
        budget=budget,
        ordered=sum(p.ordered for p in parts),
        contracted=sum(p.contracted for p in parts),
        notices=sum(p.notices for p in parts),
        contracts=sum(p.contracts for p in parts),
    )


@dataclass(frozen=True)
class Composition:
    """What a programme is made of, counted the way the announcement counts it."""

    projects: int
    by_type: dict[ServiceType, int] = field(default_factory=dict)
    new: int = 0
    continuing: int = 0
    multi_year: int = 0
    stages: tuple[int, ...] = ()


def composition(projects: list[DraftProject]) -> Composition:
    return Composition(
        projects=len(projects),
        by_type={t: sum(1 for p in projects if p.service_type is t) for t in ServiceType},
        new=sum(1 for p in projects if not p.continuing),
        continuing=sum(1 for p in projects if p.continuing),
        multi_year=sum(1 for p in projects if p.multi_year),
        stages=tuple(sorted({p.stage for p in projects})),
    )
