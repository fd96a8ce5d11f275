"""Rule sets: the values of the Korean procurement rules, versioned by effective date.

A :class:`RuleSet` is plain frozen data. The rule *functions* live next to the context that applies them
(``tendering/domain/timetable.py``, ``evaluation/domain/…``) and take the rule set as an argument, so each
computed figure can name the rule and the version that produced it (:class:`Ruled`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

from jangter.kernel.errors import DomainError
from jangter.kernel.money import Rounding
from jangter.kernel.procurement import Category, Jurisdiction

T = TypeVar("T")


class GapCounting(StrEnum):
    """How "N days before the deadline" is counted (koneps-rules-addendum Q1).

    ``exclusive``: count back from the day before the deadline, so the notice date must be at least N+1
    calendar days before the deadline date (the reading the addendum recommends).
    ``inclusive``: N calendar days suffice (the practitioners' lenient reading).
    """

    EXCLUSIVE = "exclusive"
    INCLUSIVE = "inclusive"


class TieBreak(StrEnum):
    """How equal pick counts at the 4th place are ordered (koneps-rules-addendum Q4: not documented, [U])."""

    LOWEST_SLOT = "lowest_slot"
    LOTTERY = "lottery"


@dataclass(frozen=True)
class PeriodTier:
    """``days`` applies when the estimated price is below ``below`` won (``None``: no upper bound)."""

    below: int | None
    days: int


@dataclass(frozen=True)
class AnnouncementRules:
    general_days: int
    works_tiers: tuple[PeriodTier, ...]
    reannouncement_days: int
    gap_counting: GapCounting


@dataclass(frozen=True)
class ClosingRules:
    on_the_hour: bool
    earliest_hour: int
    latest_hour: int
    working_days_only: bool
    max_closings_per_hour: int | None


@dataclass(frozen=True)
class ReservePriceRules:
    slots: int
    picks_per_bid: int
    drawn: int
    range_pct: Decimal
    preliminary_rounding: dict[Category, Rounding]
    reserve_rounding: Rounding
    tie_break: TieBreak


@dataclass(frozen=True)
class FloorTier:
    """One row of the qualification-review price score: ``price_points − slope × |pivot − r|``.

    ``r`` is the bid-to-reserve ratio in percent after rounding the ratio half-up at its 5th decimal. With full
    marks on the ``other_points`` items, a bid passes when the total reaches ``pass_mark``; the award floor
    rate is the lowest ratio that does (``evaluation/domain/award_floor.py``).
    """

    category: Category
    below: int | None
    pivot: Decimal
    slope: Decimal
    price_points: Decimal
    other_points: Decimal
    pass_mark: Decimal
    source: str


@dataclass(frozen=True)
class AwardRules:
    min_valid_bids: int
    floor_price_rounding: Rounding
    floor_tiers: tuple[FloorTier, ...]


@dataclass(frozen=True)
class RuleSet:
    version: str
    track: Jurisdiction
    effective_from: date
    title_ko: str
    title_en: str
    sources: tuple[str, ...]
    announcement: AnnouncementRules
    closing: ClosingRules
    reserve_price: ReservePriceRules
    award: AwardRules


@dataclass(frozen=True)
class Ruled(Generic[T]):
    """A computed figure with the rule and the rule-set version that produced it."""

    value: T
    rule: str
    version: str
    source: str


class RuleBook:
    """Every known rule set; answers "which rules were in force for this track on this day"."""

    def __init__(self, rule_sets: Iterable[RuleSet]) -> None:
        self._by_version: dict[str, RuleSet] = {}
        for rule_set in rule_sets:
            if rule_set.version in self._by_version:
                raise ValueError(f"duplicate rule-set version {rule_set.version}")
            self._by_version[rule_set.version] = rule_set
        self._by_track: dict[Jurisdiction, list[RuleSet]] = {}
        for rule_set in sorted(self._by_version.values(), key=lambda r: r.effective_from):
            track = self._by_track.setdefault(rule_set.track, [])
            if track and track[-1].effective_from == rule_set.effective_from:
                raise ValueError(f"rule sets {track[-1].version} and {rule_set.version} take effect on the same day")
            track.append(rule_set)

    def in_force(self, track: Jurisdiction, day: date) -> RuleSet:
        candidates = [r for r in self._by_track.get(track, []) if r.effective_from <= day]
        if not candidates:
            raise DomainError(
                "no_rules_in_force",
                f"{day.isoformat()}에 시행 중인 규칙 세트가 없습니다.",
                f"No rule set is in force on {day.isoformat()}.",
                status=409,
            )
        return candidates[-1]

    def version(self, version: str) -> RuleSet:
        try:
            return self._by_version[version]
        except KeyError:
            raise DomainError(
                "unknown_rule_set",
                f"규칙 세트 {version}을(를) 찾을 수 없습니다.",
                f"Rule set {version} is not known.",
                status=404,
            ) from None

    def all(self) -> list[RuleSet]:
        return sorted(self._by_version.values(), key=lambda r: (r.track, r.effective_from))
