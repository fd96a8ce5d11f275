"""Pre-specification disclosure (사전규격 공개) as data and rules (koneps-rules §2.2; issue #9 point 2).

Before the notice, the agency publishes the draft specification so the market can object to specifications that
favour one supplier: firms file opinions until the opinion deadline (opninRgstClseDt), the agency answers each, and
the notice links its pre-specification. The period is the rule set's (``pre_specification.days``: 5, or
``urgent_days``: 3 when urgent [U]); goods and services at or above ``exempt_below`` (₩100M national, ₩50M local
[S]) need one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from jangter.kernel.calendar import SEOUL, WorkingCalendar, next_working_day
from jangter.kernel.errors import DomainError, FieldProblem, ValidationProblems
from jangter.kernel.money import require_won
from jangter.kernel.procurement import Category
from jangter.rules.domain import Ruled, RuleSet

TITLE_MAX = 300
TEXT_MAX = 20_000
OPINION_MAX = 4_000


@dataclass(frozen=True)
class DraftSpec:
    title: str
    category: Category
    estimated_price: int
    description: str  # the draft specification itself (or its summary)
    urgent: bool = False
    order_plan: str | None = None


def check_spec(spec: DraftSpec) -> None:
    problems: list[FieldProblem] = []
    if not spec.title.strip():
        problems.append(FieldProblem("title", "title_required", "사업명을 입력하십시오.", "Give the project's name."))
    elif len(spec.title.strip()) > TITLE_MAX:
        problems.append(FieldProblem("title", "title_too_long", "사업명이 너무 깁니다.", "The name is too long."))
    if not spec.description.strip():
        problems.append(
            FieldProblem("description", "spec_required", "규격서 내용을 입력하십시오.", "Give the draft specification.")
        )
    elif len(spec.description) > TEXT_MAX:
        problems.append(FieldProblem("description", "spec_too_long", "규격서가 너무 깁니다.", "Too long."))
    try:
        require_won(spec.estimated_price, "estimated_price")
    except DomainError as exc:
        problems.extend(exc.problems())
    if problems:
        raise ValidationProblems(problems)


def opinion_deadline(rules: RuleSet, calendar: WorkingCalendar, opened_at: datetime, urgent: bool) -> Ruled[datetime]:
    """의견 등록 마감: ``days`` (``urgent_days`` when urgent) after the opening, counted in calendar days or, where the
    rule set says so, working days; the same time of day as the opening."""
    rule = rules.pre_specification
    days = rule.urgent_days if urgent else rule.days
    key = "pre_specification.urgent_days" if urgent else "pre_specification.days"
    local = opened_at.astimezone(SEOUL)
    if not rule.working_days:
        return rules.ruled(opened_at + timedelta(days=days), key, rule.source)
    day = local.date()
    for _ in range(days):
        day = next_working_day(calendar, day)
    return rules.ruled(datetime.combine(day, local.timetz()), key, rule.source)


def needed(rules: RuleSet, category: Category, estimated_price: int) -> bool:
    """Whether a notice needs a pre-specification: goods and services from ``exempt_below`` up ([S] 집행기준 §77)."""
    rule = rules.pre_specification
    return category in rule.categories and estimated_price >= rule.exempt_below


@dataclass(frozen=True)
class LinkedSpec:
    """What the publication check needs to know of the pre-specification a notice names."""

    agency_id: int
    category: Category
    opinion_deadline: datetime
    unanswered: int


def spec_problem(
    rules: RuleSet,
    *,
    category: Category,
    estimated_price: int,
    agencies: tuple[int, ...],
    spec: LinkedSpec | None,
    now: datetime,
) -> DomainError | None:
    """Why a notice cannot go public with this pre-specification (None: it can). One is needed where ``needed``
    says so; a named one must be the agency's, of the notice's category, past its opinion deadline, with every
    opinion answered."""
    if spec is None:
        if not needed(rules, category, estimated_price):
            return None
        return DomainError(
            "pre_spec_required",
            f"추정가격 {rules.pre_specification.exempt_below:,}원 이상의 물품·용역은 사전규격을 공개한 뒤에 "
            "공고합니다. 사전규격을 선택하십시오.",
            f"Goods and services from ₩{rules.pre_specification.exempt_below:,} are noticed after a "
            "pre-specification; choose it.",
            field="pre_specification",
        )
    if spec.agency_id not in agencies:
        return DomainError(
            "pre_spec_other_agency",
            "다른 기관의 사전규격입니다.",
            "That pre-specification belongs to another agency.",
            field="pre_specification",
        )
    if spec.category is not category:
        return DomainError(
            "pre_spec_category",
            "사전규격의 업무 구분이 공고와 다릅니다.",
            "The pre-specification is for another category.",
            field="pre_specification",
        )
    if now < spec.opinion_deadline:
        return DomainError(
            "pre_spec_open",
            "사전규격의 의견 등록 기간이 아직 끝나지 않았습니다.",
            "The pre-specification is still open for opinions.",
            field="pre_specification",
        )
    if spec.unanswered:
        return DomainError(
            "pre_spec_unanswered",
            f"답변하지 않은 사전규격 의견이 {spec.unanswered}건 있습니다.",
            f"{spec.unanswered} opinion(s) on the pre-specification are not answered yet.",
            field="pre_specification",
        )
    return None
