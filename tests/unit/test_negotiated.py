"""협상에 의한 계약: technical scores, 차등점수제, price scores, negotiation order (koneps-rules §4; addendum Q5)."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jangter.evaluation.domain.negotiated import (
    PricedBid,
    Proposal,
    TechnicalResult,
    differential_scores,
    eligible,
    evaluate_technical,
    item_average,
    negotiation_order,
    price_maximum,
    price_score,
    rank_negotiated,
    technical_maximum,
    technical_results,
    technical_score,
)
from jangter.evaluation.domain.ranking import Standing
from jangter.rules.domain import RuleSet, TieRanking
from jangter.rules.loader import load_rule_book

D = Decimal
REF = 1_000_000_000  # the estimated price
_BOOK = load_rule_book()
NATIONAL = _BOOK.version("national-2026.01.30").negotiated
LOCAL = _BOOK.version("local-2025.07.01").negotiated


def test_weights_threshold_and_step_come_from_the_rule_set(national: RuleSet) -> None:
    # koneps-rules §4: 80 : 20 by default, 90 : 10 for software, 85 % threshold; addendum Q5: step ≤ 3
    n = national.negotiated
    assert (n.technical_weight, n.software_technical_weight, n.technical_threshold_pct) == (D(80), D(90), D(85))
    assert n.differential_max_step == D(3) and n.proposal_days == 40


def test_price_score_at_or_above_80_percent_is_max_times_lowest_over_bid() -> None:
    # §4: bid ≥ 80 % of the estimated price → max × (lowest ÷ bid)
    assert price_score(900_000_000, 850_000_000, REF, D(20), NATIONAL) == D("18.8889")  # 20 × 850/900
    assert price_score(850_000_000, 850_000_000, REF, D(20), NATIONAL) == D("20.0000")


def test_price_score_below_80_percent_adds_the_low_price_term() -> None:
    # §4: max × lowest ÷ (80 % ref) + 2 × (80 % ref − bid) ÷ (80 % ref − 60 % ref)
    assert price_score(700_000_000, 700_000_000, REF, D(20), NATIONAL) == D("18.5000")  # 17.5 + 1
    assert price_score(900_000_000, 700_000_000, REF, D(20), NATIONAL) == D("15.5556")  # 20 × 700/900
    # below 60 % the bid is scored as 60 %: 20 × 600/800 + 2 × 200/200
    assert price_score(500_000_000, 500_000_000, REF, D(20), NATIONAL) == D("17.0000")


def test_local_contracts_score_bids_below_80_percent_as_80() -> None:
    # §4: local governments raised the low-price floor from 60 % to 80 % in 2014
    assert price_score(700_000_000, 700_000_000, REF, D(20), LOCAL) == D("20.0000")
    assert price_score(900_000_000, 700_000_000, REF, D(20), LOCAL) == D("17.7778")  # 20 × 800/900


@given(
    lowest=st.integers(min_value=1, max_value=REF),
    a=st.integers(min_value=0, max_value=REF),
    b=st.integers(min_value=0, max_value=REF),
)
def test_a_higher_bid_never_gets_a_higher_price_score(lowest: int, a: int, b: int) -> None:
    low, high = sorted((lowest + a, lowest + b))
    for rules in (NATIONAL, LOCAL):
        assert price_score(high, lowest, REF, D(20), rules) <= price_score(low, lowest, REF, D(20), rules)
        assert D(0) <= price_score(high, lowest, REF, D(20), rules) <= D(20) + rules.low_price_bonus


def test_item_average_drops_the_highest_and_lowest_only_when_the_rule_says() -> None:
    # §4 [U]: trimming the highest and lowest evaluator
    scores = [D(10), D(8), D(9), D(7), D(2)]
    assert item_average(scores, trim_extremes=True) == D(8)  # (7 + 8 + 9) / 3
    assert item_average(scores, trim_extremes=False) == D("7.2")
    assert item_average([D(4), D(6)], trim_extremes=True) == D(5)  # fewer than three: nothing dropped


def test_technical_score_sums_the_item_averages() -> None:
    by_item = {"이해도": [D(18), D(16), D(17)], "수행계획": [D(40), D(38), D(36)], "인력": [D("13.5"), D(14), D(15)]}
    assert technical_score(by_item, NATIONAL) == D("69.1667")  # 17 + 38 + 14.1666…
    trimmed = replace(NATIONAL, trim_extremes=True)
    assert technical_score(by_item, trimmed) == D(69)  # 17 + 38 + 14


def test_eligibility_is_85_percent_of_the_technical_maximum_on_the_raw_score() -> None:
    # §4 and addendum Q5: ≥ 85 % of the maximum, on the raw (not the differential) score
    assert eligible(D(68), D(80), NATIONAL) and not eligible(D("67.99"), D(80), NATIONAL)


def test_differential_points_replace_raw_scores_by_rank() -> None:
    # addendum Q5: rank 1 gets the maximum, each next rank the step less; ties share a rank ([U] dense)
    raw = {"A": D("78.5"), "B": D(76), "C": D(76), "D": D(70)}
    assert differential_scores(raw, D(80), D(3), NATIONAL) == {"A": D(80), "B": D(77), "C": D(77), "D": D(74)}
    competition = replace(NATIONAL, differential_ties=TieRanking.COMPETITION)
    assert differential_scores(raw, D(80), D(3), competition)["D"] == D(71)
    with pytest.raises(ValueError, match="at most 3"):
        differential_scores(raw, D(80), D("3.5"), NATIONAL)


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.decimals(min_value=0, max_value=80, places=2), max_size=12))
def test_differential_ranks_keep_the_order_of_the_raw_scores(raw: dict[str, Decimal]) -> None:
    diff = differential_scores(raw, D(80), D(2), NATIONAL)
    for a in raw:
        for b in raw:
            if raw[a] > raw[b]:
                assert diff[a] >= diff[b]
            if raw[a] == raw[b]:
                assert diff[a] == diff[b]
        assert D(0) <= diff[a] <= D(80)


def test_negotiation_order_by_total_then_technical_score() -> None:
    # §4: ranked by total; equal totals → the higher technical score [S]
    proposals = [
        Proposal("p", D(70), D(70), D(18)),  # 88
        Proposal("q", D(72), D(72), D(16)),  # 88, higher technical
        Proposal("r", D(75), D(75), D(14)),  # 89
    ]
    assert [p.key for p in negotiation_order(proposals, b"seed")] == ["r", "q", "p"]


def test_the_technical_maximum_is_80_or_90_for_software() -> None:
    # §4: 기술 80 : 가격 20 by default; public software projects 90 : 10
    assert technical_maximum(NATIONAL, software_project=False) == D(80)
    assert technical_maximum(NATIONAL, software_project=True) == D(90)
    assert price_maximum(NATIONAL, software_project=True) == D(10)


def _sheet(*points: str) -> dict[str, Decimal]:
    return dict(zip(("이해도", "계획", "역량", "관리"), (D(p) for p in points), strict=True))


ITEMS = ("이해도", "계획", "역량", "관리")


def test_evaluate_technical_judges_eligibility_on_raw_scores_and_ranks_only_the_eligible() -> None:
    # §4 and addendum Q5, worked by hand: firm a averages 18 + 27 + 17.6667 + 9 = 71.6667, firm b 70, firm c 60;
    # 85 % of 80 is 68, so c is out; with step 1 the eligible get 80 and 79, and c keeps its raw 60.
    sheets = {
        "a": [_sheet("18", "27", "18", "9"), _sheet("18", "27", "18", "9"), _sheet("18", "27", "17", "9")],
        "b": [_sheet("17", "27", "17", "9"), _sheet("18", "26", "17", "9"), _sheet("16", "28", "17", "9")],
        "c": [_sheet("15", "22", "15", "8")] * 3,
    }
    results = evaluate_technical(sheets, ITEMS, D(80), D(1), NATIONAL)
    assert results == {
        "a": TechnicalResult(D("71.6667"), D(80), True),
        "b": TechnicalResult(D(70), D(79), True),
        "c": TechnicalResult(D(60), D(60), False),
    }
    raw_only = evaluate_technical(sheets, ITEMS, D(80), None, NATIONAL)  # no 차등점수제: the raw scores stand
    assert raw_only["a"] == TechnicalResult(D("71.6667"), D("71.6667"), True)


def test_rank_negotiated_prices_only_eligible_bids_at_or_below_the_reserve_price() -> None:
    # §4: the reserve price is the reference; "lowest" is the lowest priced (eligible) bid: 450,000,000.
    # a: 80 + 20 × 450/480 = 98.75; b: 79 + 20 = 99 → b first. c is below the technical threshold, d above the
    # reserve price, e submitted no proposal.
    technical = {
        "A": TechnicalResult(D("71.6667"), D(80), True),
        "B": TechnicalResult(D(70), D(79), True),
        "C": TechnicalResult(D(60), D(60), False),
        "D": TechnicalResult(D(75), D(80), True),
    }
    bids = [
        PricedBid("a", "A", 480_000_000),
        PricedBid("b", "B", 450_000_000),
        PricedBid("c", "C", 400_000_000),
        PricedBid("d", "D", 560_000_001),
        PricedBid("e", "E", 430_000_000),
    ]
    ranking = rank_negotiated(
        bids, technical, reserve_price=560_000_000, price_max=D(20), rules=NATIONAL, lottery_seed=b"s"
    )
    assert [(p.key, p.price, p.total) for p in ranking.order] == [
        ("b", D(20), D(99)),
        ("a", D("18.7500"), D("98.7500")),
    ]
    assert ranking.standing == {
        "a": Standing.ELIGIBLE,
        "b": Standing.ELIGIBLE,
        "c": Standing.BELOW_TECHNICAL,
        "d": Standing.ABOVE_RESERVE,
        "e": Standing.NO_PROPOSAL,
    }
    assert ranking.rate["a"] == D("85.714")  # 480 ÷ 560 × 100


@given(
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=10**9), st.decimals(min_value=68, max_value=80, places=2)),
        min_size=1,
        max_size=8,
    )
)
def test_every_priced_bid_is_ranked_once_with_scores_in_their_bounds(rows: list[tuple[int, Decimal]]) -> None:
    technical = {str(i): TechnicalResult(t, t, True) for i, (_, t) in enumerate(rows)}
    bids = [PricedBid(f"bid{i}", str(i), amount) for i, (amount, _) in enumerate(rows)]
    ranking = rank_negotiated(bids, technical, reserve_price=10**9, price_max=D(20), rules=NATIONAL, lottery_seed=b"s")
    assert sorted(p.key for p in ranking.order) == sorted(b.key for b in bids)
    totals = [p.total for p in ranking.order]
    assert totals == sorted(totals, reverse=True)
    for p in ranking.order:
        assert D(0) <= p.price <= D(20) + NATIONAL.low_price_bonus


def test_only_eligible_competitors_take_a_differential_rank() -> None:
    # Q5 [U] (docs/rules.md): a firm that proposed without sealing a price takes no rank and keeps its raw score
    raw = {"a": D(79), "b": D(72), "c": D(70), "d": D(60)}
    results = technical_results(raw, D(80), D(2), NATIONAL, competing={"b", "c", "d"})
    assert {f: (r.technical, r.eligible) for f, r in results.items()} == {
        "a": (D(79), True),  # did not bid: no rank
        "b": (D(80), True),
        "c": (D(78), True),
        "d": (D(60), False),  # 60 < 68: out
    }
