"""협상에 의한 계약: technical and price scores, the differential point system, the negotiation order
(koneps-rules §4; addendum Q5).

- Technical score: each evaluator scores each item separately; per item the evaluators' scores are averaged (the
  rule set says whether the highest and the lowest are dropped first); the items are summed.
- Eligibility: a raw technical score of at least ``technical_threshold_pct`` % of the technical maximum (85 %).
- 차등점수제 (when the agency chose it): eligible firms are ranked by raw technical score; rank 1 gets the
  technical maximum, each next rank ``step`` less (step ≤ 3); equal raw scores share a rank (dense ranking by
  default, [U] addendum Q5). The raw and the differential scores are both kept (``techEvlNaturVal``,
  ``techEvlVal`` in the open API).
- Price score (계약예규 협상에 의한 계약체결기준, §4): with ``ref`` the estimated price (the reserve price if one is
  set), a bid at or above 80 % of ``ref`` scores ``max × lowest ÷ bid``; below 80 %,
  ``max × lowest ÷ (80 % ref) + 2 × (80 % ref − bid) ÷ (80 % ref − 60 % ref)``; bids below 60 % are scored as 60 %.
  "lowest" is the lowest bid, itself taken as at least 60 %.
- Order: by total (technical + price) descending; equal totals go to the higher technical score, then to the
  lottery (§4 [S]).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from jangter.evaluation.domain.ranking import Standing
from jangter.kernel.lottery import lottery_ticket
from jangter.kernel.money import percent
from jangter.rules.domain import NegotiatedRules, TieRanking


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def technical_maximum(rules: NegotiatedRules, *, software_project: bool) -> Decimal:
    """The technical share of 100 points: 80 by default, 90 for public software projects (§4)."""
    return rules.software_technical_weight if software_project else rules.technical_weight


def price_maximum(rules: NegotiatedRules, *, software_project: bool) -> Decimal:
    return Decimal(100) - technical_maximum(rules, software_project=software_project)


def item_average(scores: Sequence[Decimal], *, trim_extremes: bool) -> Decimal:
    """One item's score: the evaluators' mean, without the highest and the lowest when the rule says so and at
    least three evaluators scored."""
    if not scores:
        raise ValueError("no evaluator scored this item")
    kept = sorted(scores)[1:-1] if trim_extremes and len(scores) >= 3 else list(scores)
    return sum(kept, Decimal(0)) / len(kept)


def technical_score(by_item: Mapping[str, Sequence[Decimal]], rules: NegotiatedRules) -> Decimal:
    """The raw technical score (기술평가 점수): the sum over items of each item's evaluator average."""
    total = sum((item_average(s, trim_extremes=rules.trim_extremes) for s in by_item.values()), Decimal(0))
    return _round(total, rules.score_places)


def eligible(raw: Decimal, technical_max: Decimal, rules: NegotiatedRules) -> bool:
    """협상적격자: the raw technical score reaches the threshold share of the maximum."""
    return raw * 100 >= technical_max * rules.technical_threshold_pct


def differential_scores(
    raw: Mapping[str, Decimal], technical_max: Decimal, step: Decimal, rules: NegotiatedRules
) -> dict[str, Decimal]:
    """차등점수제: rank by raw score (highest first); rank k gets ``max − (k − 1) × step`` (never below 0)."""
    if not Decimal(0) < step <= rules.differential_max_step:
        raise ValueError(f"the step must be above 0 and at most {rules.differential_max_step} points")
    dense = rules.differential_ties is TieRanking.DENSE
    ranking = sorted(set(raw.values()) if dense else raw.values(), reverse=True)
    return {
        key: _round(max(technical_max - step * ranking.index(score), Decimal(0)), rules.score_places)
        for key, score in raw.items()
    }


def price_score(bid: int, lowest: int, reference: int, price_max: Decimal, rules: NegotiatedRules) -> Decimal:
    """The price score of ``bid`` when ``lowest`` is the lowest bid and ``reference`` the estimated (or reserve)
    price."""
    if not 0 < lowest <= bid:
        raise ValueError("the lowest bid must be positive and not above the bid")
    low = Decimal(reference) * rules.price_low_ratio_pct / 100
    floor = Decimal(reference) * rules.price_floor_ratio_pct / 100
    effective = max(Decimal(bid), floor)
    lowest_effective = max(Decimal(lowest), floor)
    if effective >= low:
        score = price_max * lowest_effective / effective
    else:
        bonus = rules.low_price_bonus * (low - effective) / (low - floor) if low > floor else Decimal(0)
        score = price_max * lowest_effective / low + bonus
    return _round(score, rules.score_places)


@dataclass(frozen=True)
class Proposal:
    key: str
    raw_technical: Decimal
    technical: Decimal  # after the differential points, or the raw score when they do not apply
    price: Decimal

    @property
    def total(self) -> Decimal:
        return self.technical + self.price


def negotiation_order(proposals: Sequence[Proposal], lottery_seed: bytes) -> list[Proposal]:
    """Eligible proposals in the order the agency negotiates with them (``opengRank``)."""
    return sorted(proposals, key=lambda p: (-p.total, -p.technical, lottery_ticket(lottery_seed, p.key), p.key))


@dataclass(frozen=True)
class TechnicalResult:
    raw: Decimal  # techEvlNaturVal
    technical: Decimal  # techEvlVal: the differential score of an eligible firm, else the raw score
    eligible: bool


def evaluate_technical(
    sheets: Mapping[str, Sequence[Mapping[str, Decimal]]],
    items: Sequence[str],
    technical_max: Decimal,
    step: Decimal | None,
    rules: NegotiatedRules,
    competing: Collection[str] | None = None,
) -> dict[str, TechnicalResult]:
    """Every firm's technical result from the evaluators' sheets (firm → one sheet per evaluator)."""
    raw = {
        firm: technical_score({item: [sheet[item] for sheet in by_evaluator] for item in items}, rules)
        for firm, by_evaluator in sheets.items()
    }
    return technical_results(raw, technical_max, step, rules, competing)


def technical_results(
    raw: Mapping[str, Decimal],
    technical_max: Decimal,
    step: Decimal | None,
    rules: NegotiatedRules,
    competing: Collection[str] | None = None,
) -> dict[str, TechnicalResult]:
    """Eligibility is judged on the raw score; the 차등점수제, when the notice chose a step, ranks the eligible
    firms that compete (``competing``: those with a sealed bid in the round; everyone when ``None``). An
    ineligible firm, or one that proposed without bidding, takes no rank and keeps its raw score. The draw check
    recomputes the logged scores with this same function."""
    passed = {firm: score for firm, score in raw.items() if eligible(score, technical_max, rules)}
    ranked = {f: score for f, score in passed.items() if competing is None or f in competing}
    differential = differential_scores(ranked, technical_max, step, rules) if step is not None and ranked else {}
    return {firm: TechnicalResult(score, differential.get(firm, score), firm in passed) for firm, score in raw.items()}


@dataclass(frozen=True)
class PricedBid:
    key: str  # the bid's receipt
    firm: str
    amount: int


@dataclass(frozen=True)
class NegotiatedRanking:
    standing: dict[str, Standing]  # every bid
    rate: dict[str, Decimal]  # bid ÷ reserve × 100
    order: list[Proposal]  # the eligible bids in negotiation order (rank = position + 1)


def rank_negotiated(
    bids: Sequence[PricedBid],
    technical: Mapping[str, TechnicalResult],
    *,
    reserve_price: int,
    price_max: Decimal,
    rules: NegotiatedRules,
    lottery_seed: bytes,
) -> NegotiatedRanking:
    """The opening of a negotiated round: only bids of technically eligible firms at or below the reserve price
    are priced; the reserve price is the reference of the price formula, and "lowest" is the lowest of them."""
    standing: dict[str, Standing] = {}
    for bid in bids:
        result = technical.get(bid.firm)
        if result is None:
            standing[bid.key] = Standing.NO_PROPOSAL
        elif not result.eligible:
            standing[bid.key] = Standing.BELOW_TECHNICAL
        elif bid.amount > reserve_price:
            standing[bid.key] = Standing.ABOVE_RESERVE
        else:
            standing[bid.key] = Standing.ELIGIBLE
    priced = [b for b in bids if standing[b.key] is Standing.ELIGIBLE]
    proposals = []
    if priced:
        lowest = min(b.amount for b in priced)
        proposals = [
            Proposal(
                b.key,
                technical[b.firm].raw,
                technical[b.firm].technical,
                price_score(b.amount, lowest, reserve_price, price_max, rules),
            )
            for b in priced
        ]
    return NegotiatedRanking(
        standing,
        {b.key: percent(b.amount, reserve_price) for b in bids},
        negotiation_order(proposals, lottery_seed),
    )
