"""What a statistics request may ask: a period of Seoul days, a granularity, an agency type and a category.

The API and the page read the same raw query values through :func:`parse_request`, so they refuse the same things
with the same codes: ``date_invalid`` and ``choice_invalid`` (the codes the forms use), ``period_reversed`` and
``period_too_long``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from jangter.kernel.errors import DomainError, FieldProblem, ValidationProblems
from jangter.kernel.procurement import Category, Jurisdiction
from jangter.opendata.domain.periods import MAX_BUCKETS, Granularity, bucket_count, default_first

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class StatisticsRequest:
    first: date  # the first Seoul day counted
    last: date  # the last Seoul day counted (included)
    granularity: Granularity = Granularity.WEEK
    agency_type: Jurisdiction | None = None  # None: every agency
    category: Category | None = None  # None: goods, services and works

    def as_query(self) -> dict[str, str]:
        """The request as query parameters (for links to the same figures in another format)."""
        query = {"from": self.first.isoformat(), "to": self.last.isoformat(), "granularity": self.granularity.value}
        if self.agency_type is not None:
            query["agency_type"] = self.agency_type.value
        if self.category is not None:
            query["category"] = self.category.value
        return query


def _date(raw: str, name: str, problems: list[FieldProblem]) -> date | None:
    try:
        if len(raw) != 10:  # YYYY-MM-DD only (fromisoformat would also take 20261102)
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(
            FieldProblem(
                name, "date_invalid", "날짜를 YYYY-MM-DD 형식으로 입력하십시오.", "Enter a date as YYYY-MM-DD."
            )
        )
        return None


def _choice(raw: str, name: str, kind: type[E], problems: list[FieldProblem]) -> E | None:
    try:
        return kind(raw)
    except ValueError:
        allowed = ", ".join(k.value for k in kind)
        problems.append(
            FieldProblem(name, "choice_invalid", f"다음 중 하나를 고르십시오: {allowed}", f"Choose one of: {allowed}")
        )
        return None


def parse_request(raw: Mapping[str, str | None], today: date) -> StatisticsRequest:
    """Read ``from``, ``to`` (YYYY-MM-DD), ``granularity``, ``agency_type`` and ``category``; an absent or empty
    value takes its default (to: today; from: ``DEFAULT_BUCKETS`` whole buckets ending with ``to``'s). Every
    problem is reported at once; a single one is raised with its own code."""

    def value(name: str) -> str:
        return (raw.get(name) or "").strip()

    problems: list[FieldProblem] = []
    granularity = _choice(value("granularity"), "granularity", Granularity, problems) if value("granularity") else None
    granularity = granularity or Granularity.WEEK
    agency_type = _choice(value("agency_type"), "agency_type", Jurisdiction, problems) if value("agency_type") else None
    category = _choice(value("category"), "category", Category, problems) if value("category") else None
    last = _date(value("to"), "to", problems) if value("to") else today
    first = _date(value("from"), "from", problems) if value("from") else None
    if first is None and last is not None:
        first = default_first(last, granularity)
    if first is not None and last is not None and not problems:
        if last < first:
            problems.append(
                FieldProblem(
                    "to",
                    "period_reversed",
                    "끝 날짜가 시작 날짜보다 앞섭니다.",
                    "The end date is before the start date.",
                )
            )
        elif bucket_count(first, last, granularity) > MAX_BUCKETS:
            problems.append(
                FieldProblem(
                    "from",
                    "period_too_long",
                    f"기간이 너무 깁니다: 구간은 {MAX_BUCKETS}개까지입니다. "
                    "기간을 줄이거나 더 긴 단위(주·월)를 고르십시오.",
                    f"The period is too long: at most {MAX_BUCKETS} buckets. Shorten it or choose weeks or months.",
                )
            )
    if len(problems) == 1:
        [p] = problems
        raise DomainError(p.code, p.message_ko, p.message_en, field=p.field)
    if problems:
        raise ValidationProblems(problems)
    assert first is not None
    assert last is not None
    return StatisticsRequest(first, last, granularity, agency_type, category)
