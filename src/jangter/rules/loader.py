"""Read rule sets from TOML files.

A file may ``extends`` another version and override only what changed (tables merge key by key, arrays
replace). Every value is checked; a bad file is refused with the file, the key and the reason.
Decimals are written as strings in the files (``"87.745"``) so that no value passes through a float.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from jangter.kernel.money import Rounding
from jangter.kernel.procurement import Category, Jurisdiction
from jangter.rules.domain import (
    AnnouncementRules,
    AwardRules,
    ClosingRules,
    ContractRules,
    DeadlineRules,
    DefectClass,
    DepositRules,
    FailedBidRules,
    FloorTier,
    GapCounting,
    HelpdeskRules,
    IdentityRules,
    IncidentRules,
    Measure,
    MeasureClash,
    NegotiatedRules,
    NonPriceItemRule,
    OrderPlanRules,
    PeriodTier,
    PreSpecRules,
    PrivateContractAfter,
    ReservePriceRules,
    RuleBook,
    RuleSet,
    SameOrigin,
    TieBreak,
    TieRanking,
)

E = TypeVar(
    "E",
    Rounding,
    GapCounting,
    TieBreak,
    Category,
    Jurisdiction,
    DefectClass,
    PrivateContractAfter,
    TieRanking,
    SameOrigin,
)


class RuleSetError(ValueError):
    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(f"{source}: {key}: {problem}")
        self.source = source
        self.key = key
        self.problem = problem


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


HELPDESK_KINDS = ("inquiry", "error_report")


def _helpdesk(r: _Reader) -> HelpdeskRules:
    rules = HelpdeskRules(
        first_response_hours={k: r.integer(f"helpdesk.first_response_hours.{k}", 1, 24 * 30) for k in HELPDESK_KINDS},
        resolution_hours={k: r.integer(f"helpdesk.resolution_hours.{k}", 1, 24 * 90) for k in HELPDESK_KINDS},
        working_hours=r.boolean("helpdesk.working_hours"),
        day_start=r.integer("helpdesk.day_start", 0, 23),
        day_end=r.integer("helpdesk.day_end", 1, 24),
        source=r.text("helpdesk.source"),
    )
    if rules.day_start >= rules.day_end:
        raise RuleSetError(r.source, "helpdesk", "day_start must be before day_end")
    for kind in HELPDESK_KINDS:
        if rules.first_response_hours[kind] > rules.resolution_hours[kind]:
            raise RuleSetError(r.source, f"helpdesk.first_response_hours.{kind}", "must not exceed resolution_hours")
    return rules


class _Reader:
    def __init__(self, source: str, data: Mapping[str, Any]) -> None:
        self.source = source
        self.data = data

    def _get(self, path: str) -> Any:
        node: Any = self.data
        for part in path.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise RuleSetError(self.source, path, "missing")
            node = node[part]
        return node

    def text(self, path: str) -> str:
        value = self._get(path)
        if not isinstance(value, str) or not value.strip():
            raise RuleSetError(self.source, path, "must be a non-empty string")
        return value

    def integer(self, path: str, low: int, high: int, value: Any = None) -> int:
        value = self._get(path) if value is None else value
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise RuleSetError(self.source, path, f"must be a whole number from {low} to {high}")
        return value

    def decimal(self, path: str, low: Decimal, high: Decimal, value: Any = None) -> Decimal:
        value = self._get(path) if value is None else value
        if not isinstance(value, str):
            raise RuleSetError(self.source, path, 'must be a decimal written as a string, e.g. "2.5"')
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise RuleSetError(self.source, path, f"not a decimal: {value!r}") from None
        if not low <= number <= high:
            raise RuleSetError(self.source, path, f"must be from {low} to {high}")
        return number

    def boolean(self, path: str) -> bool:
        value = self._get(path)
        if not isinstance(value, bool):
            raise RuleSetError(self.source, path, "must be true or false")
        return value

    def day(self, path: str) -> date:
        value = self._get(path)
        if not isinstance(value, date):
            raise RuleSetError(self.source, path, "must be a date (YYYY-MM-DD)")
        return value

    def choice(self, path: str, enum: type[E], value: Any = None) -> E:
        value = self._get(path) if value is None else value
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            raise RuleSetError(self.source, path, f"must be one of: {allowed}") from None

    def table_list(self, path: str) -> list[Mapping[str, Any]]:
        value = self._get(path)
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise RuleSetError(self.source, path, "must be a list of tables")
        return value


def _amount_tiers_in_order(source: str, path: str, belows: list[int | None]) -> None:
    bounded = [b for b in belows if b is not None]
    if bounded != sorted(bounded) or len(set(bounded)) != len(bounded):
        raise RuleSetError(source, path, "tiers must be in increasing order of 'below'")
    if belows.count(None) > 1 or (None in belows and belows[-1] is not None):
        raise RuleSetError(source, path, "only the last tier may omit 'below'")


def _period_tiers(r: _Reader) -> tuple[PeriodTier, ...]:
    tiers = []
    for i, row in enumerate(r.table_list("announcement.works_tiers")):
        path = f"announcement.works_tiers[{i}]"
        below = row.get("below")
        if below is not None:
            below = r.integer(f"{path}.below", 1, 10**15, below)
        tiers.append(PeriodTier(below=below, days=r.integer(f"{path}.days", 1, 120, row.get("days"))))
    _amount_tiers_in_order(r.source, "announcement.works_tiers", [t.below for t in tiers])
    return tuple(tiers)


def _floor_tiers(r: _Reader) -> tuple[FloorTier, ...]:
    tiers = []
    for i, row in enumerate(r.table_list("award.floor_tiers")):
        path = f"award.floor_tiers[{i}]"
        below = row.get("below")
        if below is not None:
            below = r.integer(f"{path}.below", 1, 10**15, below)
        source = row.get("source")
        if not isinstance(source, str) or not source:
            raise RuleSetError(r.source, f"{path}.source", "every floor tier must cite its source")
        tier = FloorTier(
            category=r.choice(f"{path}.category", Category, row.get("category")),
            below=below,
            pivot=r.decimal(f"{path}.pivot", Decimal(50), Decimal(100), row.get("pivot")),
            slope=r.decimal(f"{path}.slope", Decimal("0.01"), Decimal(100), row.get("slope")),
            price_points=r.decimal(f"{path}.price_points", Decimal(1), Decimal(100), row.get("price_points")),
            other_points=r.decimal(f"{path}.other_points", Decimal(0), Decimal(100), row.get("other_points")),
            pass_mark=r.decimal(f"{path}.pass_mark", Decimal(1), Decimal(100), row.get("pass_mark")),
            source=source,
        )
        if tier.pass_mark > tier.price_points + tier.other_points:
            raise RuleSetError(r.source, path, "pass_mark is above the maximum score")
        tiers.append(tier)
    for category in Category:
        _amount_tiers_in_order(
            r.source, f"award.floor_tiers ({category})", [t.below for t in tiers if t.category is category]
        )
    return tuple(tiers)


def _non_price_items(r: _Reader) -> tuple[NonPriceItemRule, ...]:
    items = []
    for i, row in enumerate(r.table_list("award.non_price_items")):
        path = f"award.non_price_items[{i}]"
        for name in ("key", "title_ko", "title_en"):
            if not isinstance(row.get(name), str) or not row[name].strip():
                raise RuleSetError(r.source, f"{path}.{name}", "must be a non-empty string")
        items.append(
            NonPriceItemRule(
                row["key"],
                row["title_ko"],
                row["title_en"],
                r.decimal(f"{path}.share_pct", Decimal("0.01"), Decimal(100), row.get("share_pct")),
            )
        )
    if not items or sum(i.share_pct for i in items) != 100:
        raise RuleSetError(r.source, "award.non_price_items", "the shares must add up to 100")
    if len({i.key for i in items}) != len(items):
        raise RuleSetError(r.source, "award.non_price_items", "keys must be unique")
    return tuple(items)


def _negotiated(r: _Reader) -> NegotiatedRules:
    hundred = Decimal(100)
    rules = NegotiatedRules(
        technical_weight=r.decimal("negotiated.technical_weight", Decimal(1), Decimal(99)),
        software_technical_weight=r.decimal("negotiated.software_technical_weight", Decimal(1), Decimal(99)),
        technical_threshold_pct=r.decimal("negotiated.technical_threshold_pct", Decimal(1), hundred),
        differential_max_step=r.decimal("negotiated.differential_max_step", Decimal("0.01"), Decimal(10)),
        differential_ties=r.choice("negotiated.differential_ties", TieRanking),
        price_low_ratio_pct=r.decimal("negotiated.price_low_ratio_pct", Decimal(1), hundred),
        price_floor_ratio_pct=r.decimal("negotiated.price_floor_ratio_pct", Decimal(1), hundred),
        low_price_bonus=r.decimal("negotiated.low_price_bonus", Decimal(0), Decimal(20)),
        trim_extremes=r.boolean("negotiated.trim_extremes"),
        score_places=r.integer("negotiated.score_places", 0, 6),
        min_evaluators=r.integer("negotiated.min_evaluators", 1, 30),
        proposal_days=r.integer("negotiated.proposal_days", 1, 120),
        source=r.text("negotiated.source"),
    )
    if rules.price_floor_ratio_pct > rules.price_low_ratio_pct:
        raise RuleSetError(r.source, "negotiated.price_floor_ratio_pct", "must not be above price_low_ratio_pct")
    return rules


def _percent_table(r: _Reader, path: str, enum: type[E], required: Iterable[E]) -> dict[E, Decimal]:
    table = r._get(path)
    if not isinstance(table, Mapping):
        raise RuleSetError(r.source, path, "must be a table")
    values = {
        r.choice(f"{path}.{key}", enum, key): r.decimal(f"{path}.{key}", Decimal(0), Decimal(100), value)
        for key, value in table.items()
    }
    missing = [m.value for m in required if m not in values]
    if missing:
        raise RuleSetError(r.source, path, f"missing {', '.join(missing)}")
    return values


def _years_table(r: _Reader, path: str, required: Iterable[DefectClass]) -> dict[DefectClass, int]:
    table = r._get(path)
    if not isinstance(table, Mapping):
        raise RuleSetError(r.source, path, "must be a table")
    values = {
        r.choice(f"{path}.{key}", DefectClass, key): r.integer(f"{path}.{key}", 1, 10, value)
        for key, value in table.items()
    }
    missing = [m.value for m in required if m not in values]
    if missing:
        raise RuleSetError(r.source, path, f"missing {', '.join(missing)}")
    return values


def _deposits(r: _Reader) -> DepositRules:
    return DepositRules(
        bid_bond_pct=r.decimal("deposits.bid_bond_pct", Decimal(0), Decimal(100)),
        bid_bond_undertaking=r.boolean("deposits.bid_bond_undertaking"),
        bid_bond_cover_days=r.integer("deposits.bid_bond_cover_days", 1, 365),
        contract_deposit_pct=_percent_table(r, "deposits.contract_deposit_pct", Category, Category),
        defect_deposit_pct=_percent_table(
            r,
            "deposits.defect_deposit_pct",
            DefectClass,
            (DefectClass.MAJOR, DefectClass.PORT, DefectClass.GENERAL, DefectClass.OTHER),
        ),
        rounding=r.choice("deposits.rounding", Rounding),
        source=r.text("deposits.source"),
    )


def _build(source: str, data: Mapping[str, Any]) -> RuleSet:
    r = _Reader(source, data)
    rounding_table = r._get("reserve_price.preliminary_rounding")
    if not isinstance(rounding_table, Mapping):
        raise RuleSetError(source, "reserve_price.preliminary_rounding", "must be a table")
    preliminary_rounding = {
        category: r.choice(
            f"reserve_price.preliminary_rounding.{category.value}",
            Rounding,
            rounding_table.get(category.value),
        )
        for category in Category
    }
    closing = ClosingRules(
        on_the_hour=r.boolean("closing.on_the_hour"),
        earliest_hour=r.integer("closing.earliest_hour", 0, 23),
        latest_hour=r.integer("closing.latest_hour", 0, 23),
        working_days_only=r.boolean("closing.working_days_only"),
        max_closings_per_hour=r.integer("closing.max_closings_per_hour", 1, 10**7)
        if "max_closings_per_hour" in r._get("closing")
        else None,
    )
    if closing.earliest_hour > closing.latest_hour:
        raise RuleSetError(source, "closing", "earliest_hour is after latest_hour")
    reserve = ReservePriceRules(
        slots=r.integer("reserve_price.slots", 2, 100),
        picks_per_bid=r.integer("reserve_price.picks_per_bid", 1, 10),
        drawn=r.integer("reserve_price.drawn", 1, 100),
        range_pct=r.decimal("reserve_price.range_pct", Decimal("0.1"), Decimal(10)),
        preliminary_rounding=preliminary_rounding,
        reserve_rounding=r.choice("reserve_price.reserve_rounding", Rounding),
        tie_break=r.choice("reserve_price.tie_break", TieBreak),
    )
    if not reserve.picks_per_bid <= reserve.slots or not reserve.drawn <= reserve.slots:
        raise RuleSetError(source, "reserve_price", "picks_per_bid and drawn must not exceed slots")
    sources = r._get("sources")
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) for s in sources):
        raise RuleSetError(source, "sources", "must be a non-empty list of citations")
    return RuleSet(
        negotiated=_negotiated(r),
        deposits=_deposits(r),
        deadlines=DeadlineRules(
            inspection_days=r.integer("deadlines.inspection_days", 1, 90),
            payment_days=r.integer("deadlines.payment_days", 1, 90),
            payment_working_days=r.boolean("deadlines.payment_working_days"),
            source=r.text("deadlines.source"),
        ),
        contracts=ContractRules(
            delay_per_mille=_percent_table(r, "contracts.delay_per_mille", Category, Category),
            delay_cap_pct=r.decimal("contracts.delay_cap_pct", Decimal(0), Decimal(100)),
            delay_rounding=r.choice("contracts.delay_rounding", Rounding),
            advance_max_pct=r.decimal("contracts.advance_max_pct", Decimal(0), Decimal(100)),
            contract_days=r.integer("contracts.contract_days", 1, 90),
            pass_on_days=r.integer("contracts.pass_on_days", 1, 90),
            defect_years=_years_table(
                r,
                "contracts.defect_years",
                (DefectClass.MAJOR, DefectClass.PORT, DefectClass.GENERAL, DefectClass.OTHER),
            ),
            defect_guarantee_before_final=r.boolean("contracts.defect_guarantee_before_final"),
            source=r.text("contracts.source"),
        ),
        order_plans=OrderPlanRules(
            required=r.boolean("order_plans.required"),
            exempt_below=r.integer("order_plans.exempt_below", 0, 10**13),
            source=r.text("order_plans.source"),
        ),
        pre_specification=PreSpecRules(
            days=r.integer("pre_specification.days", 1, 30),
            urgent_days=r.integer("pre_specification.urgent_days", 1, 30),
            working_days=r.boolean("pre_specification.working_days"),
            categories=frozenset(
                r.choice("pre_specification.categories", Category, value)
                for value in r._get("pre_specification.categories")
            ),
            exempt_below=r.integer("pre_specification.exempt_below", 0, 10**13),
            source=r.text("pre_specification.source"),
        ),
        incidents=IncidentRules(
            grace_hours=r.integer("incidents.grace_hours", 0, 48),
            min_remaining_hours=r.integer("incidents.min_remaining_hours", 0, 24 * 30),
            source=r.text("incidents.source"),
        ),
        helpdesk=_helpdesk(r),
        identity=IdentityRules(
            same_ip=r.choice("identity.same_ip", SameOrigin),
            same_device=r.choice("identity.same_device", SameOrigin),
            step_up_minutes=r.integer("identity.step_up_minutes", 1, 24 * 60),
            fallback_max=r.integer("identity.fallback_max", 0, 100),
            fallback_hours=r.integer("identity.fallback_hours", 1, 24 * 30),
            source=r.text("identity.source"),
        ),
        failed_bids=FailedBidRules(
            rebid_allowed=r.boolean("failed_bids.rebid_allowed"),
            private_contract_after=r.choice("failed_bids.private_contract_after", PrivateContractAfter),
            single_bid_counts_as_none=r.boolean("failed_bids.single_bid_counts_as_none"),
            source=r.text("failed_bids.source"),
        ),
        version=r.text("version"),
        track=r.choice("track", Jurisdiction),
        effective_from=r.day("effective_from"),
        title_ko=r.text("title_ko"),
        title_en=r.text("title_en"),
        sources=tuple(sources),
        announcement=AnnouncementRules(
            general_days=r.integer("announcement.general_days", 1, 120),
            works_tiers=_period_tiers(r),
            reannouncement_days=r.integer("announcement.reannouncement_days", 1, 120),
            gap_counting=r.choice("announcement.gap_counting", GapCounting),
        ),
        closing=closing,
        reserve_price=reserve,
        award=AwardRules(
            min_valid_bids=r.integer("award.min_valid_bids", 1, 100),
            floor_price_rounding=r.choice("award.floor_price_rounding", Rounding),
            floor_tiers=_floor_tiers(r),
            floor_above_pivot=r.boolean("award.floor_above_pivot"),
            non_price_items=_non_price_items(r),
        ),
    )


def parse_rule_sets(documents: Iterable[tuple[str, str]]) -> list[RuleSet]:
    """Parse ``(source name, TOML text)`` pairs of base rule sets, resolving ``extends`` among them."""
    return parse_rule_book(list(documents)).all()


_VERSION = re.compile(r"[a-z0-9][a-z0-9.-]{0,39}")

#: Top-level keys a measure may not set: they identify a rule set rather than state a rule.
_IDENTITY_KEYS = {"version", "track", "effective_from", "title_ko", "title_en", "sources", "extends"}


def _dotted_keys(data: Mapping[str, Any], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            keys |= _dotted_keys(value, path + ".")
        else:
            keys.add(path)
    return keys


def _measure(source: str, data: Mapping[str, Any]) -> tuple[Measure, dict[str, Any]]:
    r = _Reader(source, data)
    tracks = r._get("tracks")
    if not isinstance(tracks, list) or not tracks:
        raise RuleSetError(source, "tracks", 'must be a non-empty list, e.g. ["national"]')
    sources = r._get("sources")
    if not isinstance(sources, list) or not sources or not all(isinstance(x, str) for x in sources):
        raise RuleSetError(source, "sources", "must be a non-empty list of citations")
    overrides = {k: v for k, v in data.items() if k not in {"kind", "tracks", "effective_until", *_IDENTITY_KEYS}}
    if not overrides:
        raise RuleSetError(source, "-", "a measure must override at least one value")
    measure = Measure(
        version=r.text("version"),
        tracks=frozenset(r.choice(f"tracks[{i}]", Jurisdiction, t) for i, t in enumerate(tracks)),
        effective_from=r.day("effective_from"),
        effective_until=r.day("effective_until"),
        title_ko=r.text("title_ko"),
        title_en=r.text("title_en"),
        sources=tuple(sources),
        keys=frozenset(_dotted_keys(overrides)),
    )
    if measure.effective_until < measure.effective_from:
        raise RuleSetError(source, "effective_until", "is before effective_from")
    if "+" in measure.version:
        raise RuleSetError(source, "version", "may not contain '+'")
    return measure, overrides


def parse_rule_book(documents: Sequence[tuple[str, str]]) -> RuleBook:
    """Parse rule sets and temporary measures (``kind = "measure"``) into a book; every problem names its file."""
    raw: dict[str, tuple[str, dict[str, Any]]] = {}
    measures: dict[str, tuple[Measure, dict[str, Any]]] = {}
    measure_files: dict[str, str] = {}
    for source, text in documents:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise RuleSetError(source, "-", f"not valid TOML: {exc}") from None
        version = data.get("version")
        if not isinstance(version, str):
            raise RuleSetError(source, "version", "missing")
        if not _VERSION.fullmatch(version):
            raise RuleSetError(source, "version", "lower-case letters, digits, '.' and '-', at most 40 characters")
        if version in raw or version in measures:
            raise RuleSetError(source, "version", f"{version} is defined twice")
        if data.get("kind", "rule_set") == "measure":
            measures[version] = _measure(source, data)
            measure_files[version] = source
        elif data.get("kind", "rule_set") == "rule_set":
            if "+" in version:
                raise RuleSetError(source, "version", "may not contain '+'")
            raw[version] = (source, data)
        else:
            raise RuleSetError(source, "kind", "must be rule_set or measure")

    resolved: dict[str, dict[str, Any]] = {}

    def resolve(version: str, chain: tuple[str, ...]) -> dict[str, Any]:
        if version in resolved:
            return resolved[version]
        source, data = raw[version]
        parent = data.get("extends")
        if parent is None:
            merged = data
        else:
            if parent not in raw:
                raise RuleSetError(source, "extends", f"unknown version {parent}")
            if parent in chain:
                raise RuleSetError(source, "extends", "circular 'extends'")
            own = {k: v for k, v in data.items() if k != "extends"}
            merged = _merge(resolve(parent, (*chain, version)), own)
        resolved[version] = merged
        return merged

    sets = [_build(raw[v][0], resolve(v, (v,))) for v in raw]

    def compose(base: RuleSet, layers: Sequence[Measure]) -> RuleSet:
        data = resolved[base.version]
        sources = [raw[base.version][0]]
        for layer in layers:
            data = _merge(data, measures[layer.version][1])
            sources.append(measure_files[layer.version])
        version = "+".join([base.version, *(m.version for m in layers)])
        built = _build(" + ".join(sources), {**data, "version": version})
        return replace(built, measures=tuple(layers))

    try:
        book = RuleBook(sets, [m for m, _ in measures.values()], compose)
    except MeasureClash as exc:
        raise RuleSetError(" and ".join(measure_files[v] for v in exc.versions), "effective dates", str(exc)) from None
    book.documents = list(documents)
    # Every measure must make a valid rule set with every base set it can meet.
    for measure, _ in measures.values():
        for rule_set in sets:
            if rule_set.track in measure.tracks:
                book.version(f"{rule_set.version}+{measure.version}")
    return book


def builtin_documents() -> list[tuple[str, str]]:
    folder = resources.files("jangter.rules").joinpath("data")
    return sorted(
        (f"rules/data/{entry.name}", entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    )


def load_rule_book(extra_files: Iterable[Path] = (), stored: Sequence[tuple[str, str]] = ()) -> RuleBook:
    """The shipped rule sets, the files named in ``JANGTER_RULE_FILES``, and the files operators loaded."""
    documents = builtin_documents()
    documents += [(str(path), path.read_text(encoding="utf-8")) for path in extra_files]
    return parse_rule_book([*documents, *stored])
