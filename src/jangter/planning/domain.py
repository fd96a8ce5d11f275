"""Order plans as data and their rules (koneps-rules §2.1; issue #9 point 1).

Agencies publish their quarterly order plans item by item (title, category, amount, quarter, contract method). A
notice is published only against a plan item of its agency (or of its demand agency) in the same category and not
withdrawn, unless the rule set exempts it (``order_plans``): Nara Jangter refuses to register a notice whose order
information was not registered first [C].
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from jangter.kernel.errors import DomainError, FieldProblem, ValidationProblems
from jangter.kernel.money import require_won
from jangter.kernel.procurement import Category, ContractMethod
from jangter.rules.domain import RuleSet

TITLE_MAX = 300


class PlanStatus(StrEnum):
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


PLAN_STATUS_LABELS: dict[PlanStatus, tuple[str, str]] = {
    PlanStatus.PUBLISHED: ("공개", "Published"),
    PlanStatus.WITHDRAWN: ("철회", "Withdrawn"),
}


@dataclass(frozen=True)
class PlanItem:
    year: int
    quarter: int
    title: str
    category: Category
    contract_method: ContractMethod
    amount: int
    month: int | None = None
    description: str = ""


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


def check_item(item: PlanItem, this_year: int) -> None:
    """Every field problem at once, so a form can mark all of them."""
    problems: list[FieldProblem] = []
    if not item.title.strip():
        problems.append(FieldProblem("title", "title_required", "사업명을 입력하십시오.", "Give the project's name."))
    elif len(item.title.strip()) > TITLE_MAX:
        problems.append(
            FieldProblem(
                "title", "title_too_long", f"사업명은 {TITLE_MAX}자까지입니다.", f"At most {TITLE_MAX} characters."
            )
        )
    if not this_year - 1 <= item.year <= this_year + 2:
        problems.append(
            FieldProblem(
                "year",
                "plan_year_invalid",
                f"발주연도는 {this_year - 1}년부터 {this_year + 2}년까지입니다.",
                f"The year is from {this_year - 1} to {this_year + 2}.",
            )
        )
    if not 1 <= item.quarter <= 4:
        problems.append(FieldProblem("quarter", "quarter_invalid", "분기는 1~4입니다.", "The quarter is 1 to 4."))
    if item.month is not None and (not 1 <= item.month <= 12 or quarter_of(item.month) != item.quarter):
        problems.append(
            FieldProblem(
                "month",
                "month_not_in_quarter",
                "발주월이 분기와 맞지 않습니다.",
                "The month is not in the quarter.",
            )
        )
    try:
        require_won(item.amount, "amount")
    except DomainError as exc:
        problems.extend(exc.problems())
    if problems:
        raise ValidationProblems(problems)


def plan_problem(
    rules: RuleSet,
    *,
    estimated_price: int,
    category: Category,
    agencies: tuple[int, ...],
    plan: tuple[int, str, str] | None,
) -> DomainError | None:
    """Why a notice cannot be published against this plan item (``plan``: its agency, category and status; None:
    no item named), or None when it can."""
    if plan is None:
        if not rules.order_plans.required or estimated_price < rules.order_plans.exempt_below:
            return None
        return DomainError(
            "order_plan_required",
            "발주계획에 등록된 사업만 공고할 수 있습니다. 발주계획 항목을 선택하십시오.",
            "A notice is published against a registered order-plan item; choose one.",
            field="order_plan",
        )
    agency_id, plan_category, status = plan
    if status != PlanStatus.PUBLISHED.value:
        return DomainError(
            "order_plan_withdrawn", "철회된 발주계획입니다.", "That order-plan item was withdrawn.", field="order_plan"
        )
    if agency_id not in agencies:
        return DomainError(
            "order_plan_other_agency",
            "다른 기관의 발주계획입니다.",
            "That order-plan item belongs to another agency.",
            field="order_plan",
        )
    if plan_category != category.value:
        return DomainError(
            "order_plan_category",
            "발주계획의 업무 구분(물품·용역·공사)이 공고와 다릅니다.",
            "The order-plan item is for another category (goods, services, works).",
            field="order_plan",
        )
    return None
