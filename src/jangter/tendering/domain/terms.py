"""What a procurement officer writes in a notice, and the checks on each field (koneps-rules §2.4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from jangter.evaluation.domain.negotiated import technical_maximum
from jangter.kernel.errors import DomainError, FieldProblem, ValidationProblems
from jangter.kernel.money import require_won
from jangter.kernel.procurement import REGIONS, AwardMethod, BidBond, Category, ContractMethod
from jangter.rules.domain import RuleSet
from jangter.tendering.domain.timetable import Timetable

TITLE_MAX = 300
DESCRIPTION_MAX = 20_000
ITEMS_MAX = 20


@dataclass(frozen=True)
class TechnicalItem:
    """One item of a negotiated notice's technical evaluation (기술능력 평가항목) and its maximum points."""

    name: str
    points: Decimal


#: What the notice form offers for a negotiated notice, as shares of the technical maximum ([U] a typical 제안요청서
#: layout; the agency writes its own items).
DEFAULT_TECHNICAL_ITEMS: tuple[tuple[str, Decimal], ...] = (
    ("사업 이해도", Decimal("0.25")),  # understanding of the project
    ("수행 계획", Decimal("0.375")),  # delivery plan
    ("수행 역량", Decimal("0.25")),  # team and track record
    ("사업 관리", Decimal("0.125")),  # management
)


def default_items(technical_max: Decimal) -> tuple[TechnicalItem, ...]:
    return tuple(TechnicalItem(name, technical_max * share) for name, share in DEFAULT_TECHNICAL_ITEMS)


@dataclass(frozen=True)
class NoticeTerms:
    title: str
    description: str
    category: Category
    contract_method: ContractMethod
    demand_agency_id: int | None
    region: str
    base_amount: int  # 기초금액
    estimated_price: int  # 추정가격
    a_value: int  # A값: mandatory costs outside the price competition (works)
    reserve_range_pct: Decimal | None  # None: the rule set's range (±2 % national, ±3 % local)
    award_floor_rate: Decimal | None  # None: derived from the rule set
    bid_start_at: datetime
    deadline_at: datetime
    opening_at: datetime
    committee_quorum: int = 3  # k: committee members needed to open (security.md §3.2: 3 of 5 by default)
    committee_size: int = 5  # n: members holding a share
    pq_allowed: bool = True  # bidders may seal with the post-quantum hybrid suite
    bid_bond: BidBond = BidBond.UNDERTAKING  # 입찰보증금: a payment undertaking, or a guarantee before the bid
    order_plan: str | None = None  # the 발주계획 item's number (R26DD…) the notice is published against
    pre_specification: str | None = None  # the 사전규격 it follows (R26BD…)
    award_method: AwardMethod = AwardMethod.QUALIFICATION_REVIEW  # 적격심사 unless the notice says otherwise
    # 협상에 의한 계약 only: a public software project (90 : 10), the 차등점수제 step the agency chose (None: raw
    # technical scores), and the technical items, whose points add up to the technical maximum.
    software_project: bool = False
    differential_step: Decimal | None = None
    technical_items: tuple[TechnicalItem, ...] = ()

    @property
    def timetable(self) -> Timetable:
        return Timetable(self.bid_start_at, self.deadline_at, self.opening_at)


def check_terms(terms: NoticeTerms) -> None:
    """Every field problem at once, so a form can mark all of them."""
    problems: list[FieldProblem] = []

    def problem(field: str, code: str, ko: str, en: str) -> None:
        problems.append(FieldProblem(field, code, ko, en))

    if not terms.title.strip():
        problem("title", "title_required", "공고명을 입력하십시오.", "Please enter the notice title.")
    elif len(terms.title) > TITLE_MAX:
        problem(
            "title",
            "title_too_long",
            f"공고명은 {TITLE_MAX}자 이내로 입력하십시오.",
            f"The title must be at most {TITLE_MAX} characters.",
        )
    if len(terms.description) > DESCRIPTION_MAX:
        problem(
            "description",
            "description_too_long",
            f"공고 내용은 {DESCRIPTION_MAX:,}자 이내입니다.",
            f"The description must be at most {DESCRIPTION_MAX:,} characters.",
        )
    if terms.region not in REGIONS:
        problem("region", "region_invalid", "지역을 선택하십시오.", "Please choose a region.")
    for field in ("base_amount", "estimated_price"):
        try:
            require_won(getattr(terms, field), field)
        except DomainError as exc:
            problems.extend(exc.problems())
    if isinstance(terms.a_value, bool) or not isinstance(terms.a_value, int) or terms.a_value < 0:
        problem(
            "a_value",
            "a_value_invalid",
            "A값은 0원 이상의 정수로 입력하십시오.",
            "The A value must be a whole number of won, zero or more.",
        )
    elif terms.a_value and terms.category is not Category.WORKS:
        problem(
            "a_value",
            "a_value_works_only",
            "A값은 공사에만 적용합니다.",
            "The A value applies to works only.",
        )
    elif isinstance(terms.base_amount, int) and terms.a_value >= terms.base_amount * 9 // 10:
        problem(
            "a_value",
            "a_value_too_large",
            "A값이 기초금액에 비해 너무 큽니다.",
            "The A value is too large for the base amount.",
        )
    if terms.reserve_range_pct is not None and not Decimal("0.1") <= terms.reserve_range_pct <= Decimal(10):
        problem(
            "reserve_range_pct",
            "reserve_range_invalid",
            "예비가격 범위는 ±0.1%에서 ±10% 사이입니다.",
            "The preliminary-price range must be between ±0.1 % and ±10 %.",
        )
    if terms.award_floor_rate is not None and not Decimal(50) <= terms.award_floor_rate < Decimal(100):
        problem(
            "award_floor_rate",
            "award_floor_rate_invalid",
            "낙찰하한율은 50% 이상 100% 미만입니다.",
            "The award floor rate must be at least 50 % and below 100 %.",
        )
    if not (2 <= terms.committee_quorum <= terms.committee_size <= 7):
        problem(
            "committee_quorum",
            "committee_invalid",
            "개찰위원은 2~7명, 필요 인원(k)은 2명 이상 전체(n) 이하입니다.",
            "The opening committee has 2 to 7 members and needs k of them, 2 ≤ k ≤ n.",
        )
    if terms.award_method is AwardMethod.NEGOTIATED:
        names = [item.name.strip() for item in terms.technical_items]
        if not names or len(names) > ITEMS_MAX:
            problem(
                "technical_items",
                "technical_items_required",
                f"기술평가 항목을 1~{ITEMS_MAX}개 입력하십시오.",
                f"Enter 1 to {ITEMS_MAX} technical evaluation items.",
            )
        elif not all(names) or len(set(names)) != len(names) or any(len(n) > 100 for n in names):
            problem(
                "technical_items",
                "technical_items_names",
                "항목명은 100자 이내로, 서로 다르게 입력하십시오.",
                "Each item needs its own name of at most 100 characters.",
            )
        elif any(not Decimal(0) < item.points <= Decimal(100) for item in terms.technical_items):
            problem(
                "technical_items",
                "technical_items_points",
                "항목 배점은 0점 초과 100점 이하입니다.",
                "Each item's points must be above 0 and at most 100.",
            )
        if terms.differential_step is not None and not Decimal(0) < terms.differential_step <= Decimal(10):
            problem(
                "differential_step",
                "differential_step_invalid",
                "차등점수 간격은 0점 초과로 입력하십시오.",
                "The differential step must be above 0 points.",
            )
    if problems:
        raise ValidationProblems(problems)


def check_negotiated_terms(rules: RuleSet, terms: NoticeTerms) -> None:
    """A negotiated notice's items add up to the technical maximum, and its 차등점수 step is within the rule (§4)."""
    maximum = technical_maximum(rules.negotiated, software_project=terms.software_project)
    total = sum((item.points for item in terms.technical_items), Decimal(0))
    problems: list[FieldProblem] = []
    if total != maximum:
        problems.append(
            FieldProblem(
                "technical_items",
                "technical_items_total",
                f"기술평가 항목 배점의 합({total}점)이 기술능력 배점({maximum}점)과 같아야 합니다 "
                f"(negotiated.technical_weight · {rules.version}).",
                f"The items' points add up to {total}; they must add up to the technical maximum of {maximum} "
                f"(negotiated.technical_weight · {rules.version}).",
            )
        )
    step = terms.differential_step
    if step is not None and step > rules.negotiated.differential_max_step:
        problems.append(
            FieldProblem(
                "differential_step",
                "differential_step_too_large",
                f"차등점수 간격은 {rules.negotiated.differential_max_step}점 이하입니다 "
                f"(negotiated.differential_max_step · {rules.version}).",
                f"The differential step is at most {rules.negotiated.differential_max_step} points "
                f"(negotiated.differential_max_step · {rules.version}).",
            )
        )
    if problems:
        raise ValidationProblems(problems)


def check_bid_bond(rules: RuleSet, bid_bond: BidBond) -> None:
    """A payment undertaking (지급각서) instead of the bid bond only where the rule set allows it (§3.5)."""
    if bid_bond is BidBond.UNDERTAKING and not rules.deposits.bid_bond_undertaking:
        raise DomainError(
            "bid_bond_undertaking_not_allowed",
            f"{rules.version} 규칙은 입찰보증금 지급각서를 받지 않습니다. 보증서 전자납부를 선택하십시오.",
            f"{rules.version} does not take a payment undertaking instead of the bid bond; choose a guarantee.",
            field="bid_bond",
        )
