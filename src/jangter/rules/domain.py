"""Rule sets: the values of the Korean procurement rules, versioned by effective date.

A :class:`RuleSet` is plain frozen data. The rule *functions* live next to the context that applies them
(``tendering/domain/timetable.py``, ``evaluation/domain/…``) and take the rule set as an argument, so each
computed figure can name the rule and the version that produced it (:class:`Ruled`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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
class NonPriceItemRule:
    """One non-price item of the qualification review and its share of the tier's non-price points."""

    key: str
    title_ko: str
    title_en: str
    share_pct: Decimal


@dataclass(frozen=True)
class AwardRules:
    min_valid_bids: int
    floor_price_rounding: Rounding
    floor_tiers: tuple[FloorTier, ...]
    floor_above_pivot: bool = True  # above the pivot the price score keeps what passes with full marks ([U])
    non_price_items: tuple[NonPriceItemRule, ...] = ()

    def item_maximum(self, item: NonPriceItemRule, tier: FloorTier) -> Decimal:
        return tier.other_points * item.share_pct / 100


class DefectClass(StrEnum):
    """Work types of the defect-repair deposit (하자보수보증금, 시행규칙 §72; addendum Q8)."""

    MAJOR = "major"  # 철도·댐·터널·철강교·발전소·교량·상하수도 구조물·조경 (5 %)
    PORT = "port"  # 공항·항만·삭도·방파제·사방·간척 (4 %)
    GENERAL = "general"  # 관개수로·도로·상하수도 관로·하천·일반 건축 (3 %)
    OTHER = "other"  # 그 밖의 공사 (2 %)
    GOODS = "goods"  # 물품 제조 (local contracts, 3 %)
    SERVICES = "services"  # 용역 (local contracts, 2 %)


DEFECT_CLASS_LABELS: dict[DefectClass, tuple[str, str]] = {
    DefectClass.MAJOR: ("철도·댐·터널·교량·발전소·조경 등", "Rail, dams, tunnels, bridges, power plants, landscaping"),
    DefectClass.PORT: ("공항·항만·방파제·간척 등", "Airports, ports, breakwaters, reclamation"),
    DefectClass.GENERAL: ("도로·하천·상하수도 관로·일반 건축 등", "Roads, rivers, pipes, general buildings"),
    DefectClass.OTHER: ("그 밖의 공사", "Other works"),
    DefectClass.GOODS: ("물품 제조", "Goods manufacturing"),
    DefectClass.SERVICES: ("용역", "Services"),
}


class PrivateContractAfter(StrEnum):
    """When a failed tender may become a private contract on its original terms (시행령 §27; addendum Q6, Q7)."""

    FAILED_REANNOUNCEMENT = "failed_reannouncement"  # §27① 2호: the re-announced tender failed too
    FIRST_FAILURE = "first_failure"  # temporary measures: after one failed tender with a single bidder
    NEVER = "never"


class TieRanking(StrEnum):
    """How equal raw technical scores are ranked for the differential points (addendum Q5: not found, [U])."""

    DENSE = "dense"  # equal scores share a rank; the next score takes the next rank (1, 1, 2)
    COMPETITION = "competition"  # equal scores share a rank; the next skips (1, 1, 3)


@dataclass(frozen=True)
class NegotiatedRules:
    """협상에 의한 계약 (koneps-rules §4; addendum Q5). Weights are points out of 100."""

    technical_weight: Decimal  # default technical share (80 : 20)
    software_technical_weight: Decimal  # public software projects (90 : 10)
    technical_threshold_pct: Decimal  # eligible for negotiation at ≥ this % of the technical maximum (raw score)
    differential_max_step: Decimal  # 차등점수제: points between consecutive ranks, at most this
    differential_ties: TieRanking
    price_low_ratio_pct: Decimal  # below this share of the estimated price the low-price formula applies
    price_floor_ratio_pct: Decimal  # bids below this share are treated as this share
    low_price_bonus: Decimal  # the "+ 2 × (80 % − bid) ÷ (80 % − 60 %)" coefficient
    trim_extremes: bool  # drop each item's highest and lowest evaluator before averaging ([U])
    score_places: int  # technical and price scores are rounded half-up to this many decimals ([U])
    min_evaluators: int  # the technical evaluation closes with at least this many evaluators' sheets ([U])
    proposal_days: int  # 제안서 제출마감일 전날부터 40일 전 공고 (시행령 §43)
    source: str


@dataclass(frozen=True)
class DepositRules:
    """Bid bond, contract deposit and defect deposit as % of the amount (koneps-rules §3.5, §5; addendum Q8)."""

    bid_bond_pct: Decimal
    bid_bond_undertaking: bool  # a notice may take the bond as a payment undertaking (지급각서) instead [C] §3.5
    bid_bond_cover_days: int  # a bid-bond guarantee runs at least this many days after the opening ([U])
    contract_deposit_pct: dict[Category, Decimal]
    defect_deposit_pct: dict[DefectClass, Decimal]
    rounding: Rounding  # "at least N %": rounded up to the won ([U] the rules say "이상")
    source: str


@dataclass(frozen=True)
class DeadlineRules:
    """검사 and 대가 지급 (시행령 §55, §58; koneps-rules §6; addendum Q8)."""

    inspection_days: int
    payment_days: int
    payment_working_days: bool  # [U] whether Saturdays and holidays are left out of the payment days
    source: str


@dataclass(frozen=True)
class ContractRules:
    """지체상금 and 선금 (koneps-rules §5): the cap is [C]; the daily rates and the advance limit are [U] here."""

    delay_per_mille: dict[Category, Decimal]  # per day late, of the contract amount (시행규칙 §75, [U] the rates)
    delay_cap_pct: Decimal  # at most this % of the contract amount [C]
    delay_rounding: Rounding  # a penalty is never more than the rule: rounded down to the won ([U])
    advance_max_pct: Decimal  # 선금: at most this % of the contract amount ([U] 집행기준 §34)
    contract_days: int  # days from the award to sign before the award may be cancelled ([U] 시행령 §69: 10 days)
    pass_on_days: int  # the prime passes a subcontractor's share on within this many days of being paid ([U])
    defect_years: dict[DefectClass, int]  # 하자담보책임기간 by work type: how long the defect guarantee runs ([U])
    defect_guarantee_before_final: bool  # the defect guarantee is accepted before the final payment ([U] 시행령 §62)
    source: str


@dataclass(frozen=True)
class OrderPlanRules:
    """발주계획 (koneps-rules §2.1): a notice only against a registered order-plan item [C], unless exempted."""

    required: bool
    exempt_below: int  # a notice whose estimated price is below this needs no plan item ([U]: 0, none exempt)
    source: str


@dataclass(frozen=True)
class PreSpecRules:
    """사전규격 공개 (koneps-rules §2.2): the opinion period and who needs one ([U] and [S] there)."""

    days: int  # the opinion period ([U]/[S] 5 days)
    urgent_days: int  # when urgent ([U]/[S] 3 days)
    working_days: bool  # [U] counted in calendar days (false) or working days (true)
    categories: frozenset[Category]  # goods and services
    exempt_below: int  # [S] 집행기준 §77: estimated price below ₩100M (national) / ₩50M (local) needs none
    source: str


@dataclass(frozen=True)
class IncidentRules:
    """Postponing deadlines after a system failure (koneps-rules §2.6)."""

    grace_hours: int  # [C] a deadline within this long after recovery is postponed too (2 hours)
    min_remaining_hours: int  # [C]/[U] a postponed notice keeps at least this bidding window (48 h, 2025 fire)
    source: str


@dataclass(frozen=True)
class HelpdeskRules:
    """고객지원 (issue #9 point 4; koneps-rules §7.2, §8.2): the service-level targets of the helpdesk, per kind of
    ticket. Jangter's own choice, not law ([U] all of it)."""

    first_response_hours: dict[str, int]  # by ticket kind (inquiry, error_report): hours until the first answer
    resolution_hours: dict[str, int]  # by ticket kind: hours from filing until the ticket is closed
    working_hours: bool  # counted in working hours (day_start to day_end on working days), or wall-clock hours
    day_start: int  # the helpdesk's working day, Seoul time (hour of the day)
    day_end: int
    source: str


@dataclass(frozen=True)
class FailedBidRules:
    """유찰 후 (시행령 §20, §27; koneps-rules §3.4; addendum Q7)."""

    rebid_allowed: bool  # 재입찰: same notice, same prices, re-bid number 001, 002, …
    private_contract_after: PrivateContractAfter
    single_bid_counts_as_none: bool  # MOEF 계약제도과-712: a single bidder in the re-announced tender = no bidder
    source: str


class SameOrigin(StrEnum):
    """What happens when two firms bid in one tender from the same device or the same IP address (§1.4)."""

    REFUSE = "refuse"  # the second firm's bid is refused (PPS since 2014: "same PC and same IP → one bid")
    FLAG = "flag"  # accepted, and flagged in the security log for the operator
    OFF = "off"


@dataclass(frozen=True)
class IdentityRules:
    """Identity assurance at submission (koneps-rules §1.4; security.md AT-15)."""

    same_ip: SameOrigin
    same_device: SameOrigin
    step_up_minutes: int  # a fresh user verification is valid this long (fingerprint login: 30 minutes, 2010)
    fallback_max: int  # exception requests (예외적용) per bidder
    fallback_hours: int  # how long one exception lasts
    source: str


@dataclass(frozen=True)
class Measure:
    """A temporary measure (한시적 특례): values that override the base rule set between two dates.

    It is switched on by a notice (고시) that fixes the period (addendum Q6), so it is data with an end date,
    not an edit of the base rules: the rule set in force on a day is the base set with every measure in force
    that day laid over it.
    """

    version: str
    tracks: frozenset[Jurisdiction]
    effective_from: date
    effective_until: date  # the last day in force
    title_ko: str
    title_en: str
    sources: tuple[str, ...]
    keys: frozenset[str]  # the dotted keys it overrides, e.g. "deposits.contract_deposit_pct.goods"

    def in_force(self, track: Jurisdiction, day: date) -> bool:
        return track in self.tracks and self.effective_from <= day <= self.effective_until


@dataclass(frozen=True)
class RuleSet:
    version: str  # "national-2026.01.30", or with measures laid over it "national-2026.01.30+measure-…"
    track: Jurisdiction
    effective_from: date
    title_ko: str
    title_en: str
    sources: tuple[str, ...]
    announcement: AnnouncementRules
    closing: ClosingRules
    reserve_price: ReservePriceRules
    award: AwardRules
    negotiated: NegotiatedRules
    deposits: DepositRules
    deadlines: DeadlineRules
    contracts: ContractRules
    order_plans: OrderPlanRules
    pre_specification: PreSpecRules
    incidents: IncidentRules
    helpdesk: HelpdeskRules
    failed_bids: FailedBidRules
    identity: IdentityRules
    measures: tuple[Measure, ...] = ()

    @property
    def base_version(self) -> str:
        return self.version.split("+")[0]

    def measure_for(self, key: str) -> Measure | None:
        """The temporary measure that set ``key`` (a dotted rule-set key), if one did."""
        return next(
            (m for m in reversed(self.measures) if any(key == k or key.startswith(k + ".") for k in m.keys)), None
        )

    def ruled(self, value: T, key: str, source: str) -> Ruled[T]:
        """``value`` with its rule, this version, and its source (the measure's title when a measure set it)."""
        measure = self.measure_for(key)
        return Ruled(value, key, self.version, f"{measure.title_en} ({measure.version})" if measure else source)


@dataclass(frozen=True)
class Ruled(Generic[T]):
    """A computed figure with the rule and the rule-set version that produced it."""

    value: T
    rule: str
    version: str
    source: str


Compose = Callable[[RuleSet, Sequence[Measure]], RuleSet]


class RuleBook:
    """Every known rule set and temporary measure; answers "which rules were in force for this track on this day".

    ``compose`` lays measures over a base set (the loader supplies it: it merges the files' values and checks the
    result as for any rule set); composed sets are built once and kept.
    """

    def __init__(
        self, rule_sets: Iterable[RuleSet], measures: Iterable[Measure] = (), compose: Compose | None = None
    ) -> None:
        self._measures = {m.version: m for m in measures}
        self._compose = compose
        self._composed: dict[str, RuleSet] = {}
        _check_measures(list(self._measures.values()))
        if self._measures and compose is None:
            raise ValueError("measures need a compose function")
        #: the ``(source, TOML text)`` documents the loader built this book from, to rebuild it with more
        self.documents: list[tuple[str, str]] = []
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
        """The base set in force on ``day`` with every temporary measure in force that day laid over it."""
        candidates = [r for r in self._by_track.get(track, []) if r.effective_from <= day]
        if not candidates:
            raise DomainError(
                "no_rules_in_force",
                f"{day.isoformat()}에 시행 중인 규칙 세트가 없습니다.",
                f"No rule set is in force on {day.isoformat()}.",
                status=409,
            )
        active = sorted(
            (m for m in self._measures.values() if m.in_force(track, day)), key=lambda m: (m.effective_from, m.version)
        )
        return self._with(candidates[-1], active) if active else candidates[-1]

    def version(self, version: str) -> RuleSet:
        base, *measures = version.split("+")
        try:
            rule_set = self._by_version[base]
            layers = [self._measures[m] for m in measures]
        except KeyError:
            raise DomainError(
                "unknown_rule_set",
                f"규칙 세트 {version}을(를) 찾을 수 없습니다.",
                f"Rule set {version} is not known.",
                status=404,
            ) from None
        return self._with(rule_set, layers) if layers else rule_set

    def _with(self, base: RuleSet, measures: Sequence[Measure]) -> RuleSet:
        version = "+".join([base.version, *(m.version for m in measures)])
        if version not in self._composed:
            assert self._compose is not None
            self._composed[version] = self._compose(base, measures)
        return self._composed[version]

    def all(self) -> list[RuleSet]:
        return sorted(self._by_version.values(), key=lambda r: (r.track, r.effective_from))

    def adopt(self, other: RuleBook) -> None:
        """Take over ``other``'s rule sets and measures (a file was loaded while this process runs). Versions never
        change meaning, so a lookup racing with this sees either the old or the new book, both right."""
        self._measures, self._compose, self._composed = other._measures, other._compose, other._composed
        self._by_version, self._by_track = other._by_version, other._by_track
        self.documents = other.documents

    def measures(self) -> list[Measure]:
        return sorted(self._measures.values(), key=lambda m: (m.effective_from, m.version))


def _check_measures(measures: Sequence[Measure]) -> None:
    """Two measures may overlap in time only if they set different values (no silent winner)."""
    for i, first in enumerate(measures):
        if first.effective_until < first.effective_from:
            raise ValueError(f"measure {first.version} ends before it starts")
        for second in measures[i + 1 :]:
            shared_track = first.tracks & second.tracks
            overlap = first.effective_from <= second.effective_until and second.effective_from <= first.effective_until
            clash = {
                a for a in first.keys for b in second.keys if a == b or a.startswith(b + ".") or b.startswith(a + ".")
            }
            if shared_track and overlap and clash:
                raise MeasureClash(first.version, second.version, sorted(clash))


class MeasureClash(ValueError):
    def __init__(self, first: str, second: str, keys: Sequence[str]) -> None:
        super().__init__(
            f"measures {first} and {second} are both in force on the same days and both set {', '.join(keys)}"
        )
        self.versions = (first, second)
