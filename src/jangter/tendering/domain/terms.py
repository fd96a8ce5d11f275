"""What a procurement officer writes in a notice, and the checks on each field (koneps-rules §2.4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from jangter.kernel.errors import DomainError, FieldProblem, ValidationProblems
from jangter.kernel.money import require_won
from jangter.kernel.procurement import REGIONS, Category, ContractMethod
from jangter.tendering.domain.timetable import Timetable

TITLE_MAX = 300
DESCRIPTION_MAX = 20_000


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
    if problems:
        raise ValidationProblems(problems)
