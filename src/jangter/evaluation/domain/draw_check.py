"""Recompute an opening from what the public log published (issue #4 item 6; security.md AT-14; koneps-rules §3.2–§3.4).

Input: the ``notice.published`` event of the round (the commitment made before any bid) and its ``notice.opened``
event (the revealed prices and nonce, every sealed bid's hash, the opened amounts and picks, the terms in force),
plus the rule set named there. Output: each step of the opening recomputed with the formula used, next to what
the platform published. Nothing here reads the database: the same function runs on the public page, in the API
and offline in ``jangter verify-log draw`` on an export of the log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jangter.evaluation.domain import negotiated, price_commitment
from jangter.evaluation.domain.award_floor import award_floor_rate, floor_price
from jangter.evaluation.domain.ranking import BidAmount, rank_bids
from jangter.evaluation.domain.reserve_price import draw_reserve_price
from jangter.kernel.lottery import seed_from
from jangter.kernel.procurement import Category
from jangter.rules.domain import RuleSet


@dataclass(frozen=True)
class Step:
    key: str
    title_ko: str
    title_en: str
    formula: str
    published: Any
    recomputed: Any

    @property
    def ok(self) -> bool:
        return bool(self.published == self.recomputed)


@dataclass(frozen=True)
class DrawCheck:
    notice: str
    round: int
    rule_set_version: str
    prices: tuple[int, ...]  # in interval order, as committed
    slots: tuple[int, ...]  # slot 1..15 after the draw's permutation
    counts: tuple[int, ...]
    drawn_slots: tuple[int, ...]
    steps: tuple[Step, ...]

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)

    @property
    def first_failure(self) -> Step | None:
        return next((step for step in self.steps if not step.ok), None)


class NotRecomputable(ValueError):
    """The round has no opening with revealed prices (it failed before any price was opened, or is not open yet)."""


def recompute(
    number: str,
    published: Mapping[str, Any],
    opened: Mapping[str, Any],
    rules: RuleSet,
    technical: Mapping[str, Any] | None = None,
) -> DrawCheck:
    """Recompute a round's opening from its log events; ``technical`` is the round's ``notice.technical_evaluated``
    event (negotiated notices: the technical scores committed before the prices were opened)."""
    if "prices" not in opened or "nonce" not in opened:
        raise NotRecomputable(f"round {opened.get('round')} of {number} revealed no prices")
    round_no = int(opened["round"])
    prices = [int(p) for p in opened["prices"]]
    nonce = bytes.fromhex(opened["nonce"])
    bids = list(opened["bids"])
    hashes = [b["ciphertext_sha256"] for b in bids]
    terms = opened["terms"]
    steps: list[Step] = []

    def step(key: str, ko: str, en: str, formula: str, published_value: Any, recomputed_value: Any) -> None:
        steps.append(Step(key, ko, en, formula, published_value, recomputed_value))

    step(
        "commitment",
        "예비가격 약속값 (공고 때 기록)",
        "Commitment to the prices (logged at publication)",
        'SHA-256("jangter-prices/1" ‖ canonical JSON {nonce, prices})',
        published["price_commitment"],
        price_commitment.commitment(prices, nonce),
    )
    lottery_seed = seed_from([number, str(round_no), *sorted(hashes)])
    step(
        "lottery_seed",
        "추첨 시드 (동점 처리)",
        "Lottery seed (ties)",
        "SHA-256 over notice number, round and every sealed bid's hash (sorted), each length-prefixed",
        opened.get("lottery_seed"),
        lottery_seed.hex(),
    )
    slot_seed = price_commitment.slot_seed(nonce, hashes)
    step(
        "slot_seed",
        "예비가격 배치 시드",
        "Slot seed",
        'SHA-256("jangter-slots/1" ‖ nonce ‖ every sealed bid\'s hash, sorted)',
        opened["slot_seed"],
        slot_seed.hex(),
    )
    slots = price_commitment.assign_slots(prices, slot_seed)
    valid = [b for b in bids if b["status"] == "valid"]
    step(
        "valid_bids",
        "유효 입찰 수",
        "Valid bids",
        "bids whose signature verified and whose envelope decrypted to a well-formed bid",
        opened["valid_bid_count"],
        len(valid),
    )
    draw = draw_reserve_price(slots, [b["picks"] for b in valid], rules.reserve_price, lottery_seed=lottery_seed)
    step(
        "reserve_price",
        "예정가격",
        "Reserve price",
        f"mean of the {rules.reserve_price.drawn} most-picked of {rules.reserve_price.slots} slots, "
        f"rounded {rules.reserve_price.reserve_rounding.value} (koneps-rules §3.2)",
        opened["reserve_price"],
        draw.reserve_price,
    )
    if terms.get("award_method") == "negotiated":
        if "negotiation" in opened:  # absent when the round failed before any ranking
            _negotiation_steps(step, opened, technical, valid, draw.reserve_price, rules, lottery_seed)
        return DrawCheck(
            number, round_no, rules.version, tuple(prices), tuple(slots), draw.counts, draw.drawn_slots, tuple(steps)
        )
    stated = terms.get("award_floor_rate")
    rate = award_floor_rate(
        rules,
        Category(terms["category"]),
        int(terms["estimated_price"]),
        Decimal(stated) if stated is not None else None,
    )
    a_value = int(terms["a_value"])
    floor = floor_price(draw.reserve_price, rate.value, a_value, rules.award.floor_price_rounding)
    step(
        "floor_rate",
        "낙찰하한율",
        "Award floor rate",
        f"{rate.rule} · {rate.version} · {rate.source}",
        _decimal(opened.get("floor_rate")),
        rate.value,
    )
    step(
        "floor_price",
        "낙찰하한가",
        "Award floor price",
        f"(reserve − A) × rate + A, A = {a_value:,}, rounded {rules.award.floor_price_rounding.value} "
        "(koneps-rules §3.3)",
        opened["floor_price"],
        floor,
    )
    ranking = rank_bids(
        [BidAmount(b["receipt"], int(b["amount"])) for b in valid],
        reserve_price=draw.reserve_price,
        floor_price=floor,
        lottery_seed=lottery_seed,
    )
    step(
        "ranking",
        "순위",
        "Ranking",
        "lowest amount between the floor and the reserve price first; equal amounts by the lottery (§3.4)",
        {b["receipt"]: b["rank"] for b in valid if b.get("rank")},
        {r.key: r.rank for r in ranking.bids if r.rank},
    )
    return DrawCheck(
        number,
        round_no,
        rules.version,
        tuple(prices),
        tuple(slots),
        draw.counts,
        draw.drawn_slots,
        tuple(steps),
    )


def _negotiation_steps(
    step: Any,
    opened: Mapping[str, Any],
    committed: Mapping[str, Any] | None,
    valid: Sequence[Mapping[str, Any]],
    reserve_price: int,
    rules: RuleSet,
    lottery_seed: bytes,
) -> None:
    """협상에 의한 계약 (koneps-rules §4, ADR 0005): the technical scores the opening used are those committed to the
    log before any price was known; eligibility and the differential scores follow from the committed raw scores;
    then the price scores and the negotiation order."""
    logged = opened["negotiation"]
    used = {str(t["firm_id"]): [t["technical"], t["eligible"]] for t in logged["technical"].values()}
    firms = (committed or {}).get("firms", [])
    before = {str(f["firm_id"]): [f["technical"], f["eligible"]] for f in firms if str(f["firm_id"]) in used}
    step(
        "technical_committed",
        "개찰에 쓴 기술점수 = 개찰 전 공개 로그의 기술점수",
        "Technical scores used = those logged before the opening",
        "notice.technical_evaluated (logged at the close of the technical evaluation) against notice.opened",
        before if committed else "missing",
        used,
    )
    if committed:
        maximum = Decimal(committed["technical_max"])
        raw = {str(f["firm_id"]): Decimal(f["raw"]) for f in firms if f.get("raw") is not None}
        step_points = _decimal(committed.get("differential_step"))
        recomputed = negotiated.technical_results(
            raw, maximum, step_points, rules.negotiated, {str(f["firm_id"]) for f in firms if f.get("bid")}
        )
        step(
            "technical_scores",
            "협상적격 (85%) · 차등점수",
            "Eligibility (85 %) and differential scores",
            f"eligible at ≥ {rules.negotiated.technical_threshold_pct} % of {maximum} on the raw score; rank k of the "
            f"eligible bidders gets max − (k − 1) × {step_points} (koneps-rules §4, addendum Q5)",
            {str(f["firm_id"]): [f["technical"], f["eligible"]] for f in firms if f.get("raw") is not None},
            {firm: [str(r.technical), r.eligible] for firm, r in recomputed.items()},
        )
        step(
            "price_max",
            "가격점수 배점",
            "Price points",
            "100 − the technical maximum (80 : 20, software 90 : 10)",
            logged["price_max"],
            str(Decimal(100) - maximum),
        )
    technical = {
        str(t["firm_id"]): negotiated.TechnicalResult(Decimal(t["raw"]), Decimal(t["technical"]), bool(t["eligible"]))
        for t in logged["technical"].values()
    }
    firm_of = {receipt: str(t["firm_id"]) for receipt, t in logged["technical"].items()}
    ranking = negotiated.rank_negotiated(
        [negotiated.PricedBid(b["receipt"], firm_of.get(b["receipt"], ""), int(b["amount"])) for b in valid],
        technical,
        reserve_price=reserve_price,
        price_max=Decimal(logged["price_max"]),
        rules=rules.negotiated,
        lottery_seed=lottery_seed,
    )
    step(
        "negotiation_order",
        "협상순위 (기술 + 가격)",
        "Negotiation order (technical + price)",
        "eligible firms at or below the reserve price; price score max × lowest ÷ bid (≥ 80 %) or the low-price "
        "formula; by total, then technical score, then the lottery (koneps-rules §4)",
        [[o["receipt"], o["price"], o["total"]] for o in logged["negotiation_order"]],
        [[p.key, str(p.price), str(p.total)] for p in ranking.order],
    )


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def round_events(
    events: Sequence[tuple[str, Mapping[str, Any]]], round_no: int | None = None
) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """The (published, opened) pair of a round (the latest opened round by default) from a notice's events."""
    opened = [body for kind, body in events if kind == "notice.opened" and "prices" in body]
    if round_no is not None:
        opened = [body for body in opened if body["round"] == round_no]
    if not opened:
        raise NotRecomputable("no opening with revealed prices")
    chosen = opened[-1]
    published = [body for kind, body in events if kind == "notice.published" and body["round"] == chosen["round"]]
    if not published:
        raise NotRecomputable(f"no publication of round {chosen['round']} in the log")
    return published[-1], chosen


def technical_event(events: Sequence[tuple[str, Mapping[str, Any]]], round_no: int) -> Mapping[str, Any] | None:
    """The round's ``notice.technical_evaluated`` event (negotiated notices), if any."""
    found = [body for kind, body in events if kind == "notice.technical_evaluated" and body["round"] == round_no]
    return found[-1] if found else None
