"""협상에 의한 계약: technical scores, 차등점수제, price scores, negotiation order (koneps-rules §4; addendum Q5)."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jangter.evaluation.domain.negotiated import (
    Proposal,
    differential_scores,
    eligible,
    item_average,
    negotiation_order,
    price_score,
    technical_score,
)
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
