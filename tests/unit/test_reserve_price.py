"""The 15 preliminary prices and the reserve-price draw (koneps-rules §3.2, addendum Q4)."""

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from jangter.evaluation.domain import price_commitment
from jangter.evaluation.domain.preliminary_prices import generate_preliminary_prices, interval_bounds
from jangter.evaluation.domain.reserve_price import count_picks, draw_reserve_price
from jangter.kernel.money import Rounding
from jangter.kernel.randomness import SeededRandomSource
from jangter.rules.domain import RuleSet, TieBreak

SEED = b"\x00" * 32

# A worked example, computed by hand. Base amount ₩100,000,000 (goods, ±2 %), 15 prices:
PRICES = [
    98_500_000,
    101_200_000,
    99_100_000,
    100_400_000,
    98_900_000,
    101_800_000,
    99_700_000,
    100_100_000,
    98_100_000,
    101_500_000,
    99_400_000,
    100_700_000,
    98_300_000,
    101_000_000,
    99_900_000,
]


def test_prices_fall_one_in_each_of_fifteen_equal_intervals_of_plus_minus_two_percent() -> None:
    # koneps-rules §3.2: the ±2 % range is split into 15 equal intervals; one random value in each.
    prices = generate_preliminary_prices(100_000_000, Decimal(2), 15, Rounding.CEIL_WON, SeededRandomSource(1))
    bounds = interval_bounds(100_000_000, Decimal(2), 15)
    assert bounds[0][0] == Decimal(98_000_000) and bounds[-1][1] == Decimal(102_000_000)
    for (low, high), price in zip(bounds, sorted(prices), strict=True):
        assert low <= price <= high + 1  # rounded up below ₩1, so at most one won above the bound


def test_slots_are_drawn_at_the_opening_from_the_nonce_and_every_sealed_bid(national: RuleSet) -> None:
    # koneps-rules §3.2 / addendum Q4: since 2012-10 the slot order is re-arranged at the opening stage; Jangter
    # seeds that permutation with the committed nonce and the hashes of all sealed bids (DESIGN §4).
    prices = generate_preliminary_prices(100_000_000, Decimal(2), 15, Rounding.CEIL_WON, SeededRandomSource(1))
    assert prices == sorted(prices)  # made in interval order; nothing is shuffled before the opening
    nonce = bytes(range(32))
    seed = price_commitment.slot_seed(nonce, ["aa" * 32, "bb" * 32])
    slots = price_commitment.assign_slots(prices, seed)
    assert sorted(slots) == prices and slots != prices
    assert price_commitment.assign_slots(prices, price_commitment.slot_seed(nonce, ["bb" * 32, "aa" * 32])) == slots
    assert price_commitment.assign_slots(prices, price_commitment.slot_seed(nonce, ["aa" * 32, "cc" * 32])) != slots


def test_the_commitment_binds_the_prices_and_the_nonce() -> None:
    prices, nonce = [98_100_000 + i * 260_000 for i in range(15)], b"\x01" * 32
    commitment = price_commitment.commitment(prices, nonce)
    assert len(commitment) == 64
    assert price_commitment.commitment([*prices[:-1], prices[-1] + 1], nonce) != commitment
    assert price_commitment.commitment(prices, b"\x02" * 32) != commitment


def test_works_prices_are_rounded_up_to_a_hundred_won() -> None:
    # koneps-rules §3.2: facility works round preliminary prices up to ₩100.
    prices = generate_preliminary_prices(842_000_000, Decimal(2), 15, Rounding.CEIL_100_WON, SeededRandomSource(3))
    assert all(p % 100 == 0 for p in prices)


def test_the_reserve_price_is_the_mean_of_the_four_most_picked_worked_by_hand(national: RuleSet) -> None:
    # Five bidders pick (1,4) (4,8) (8,2) (4,12) (8,15):
    # counts: slot 4 → 3, slot 8 → 3, slots 1, 2, 12, 15 → 1 each.
    # The 4 most picked: 4 and 8, then the tie among 1, 2, 12, 15 goes to the lower slots 1 and 2.
    # Mean of 100,400,000 + 100,100,000 + 98,500,000 + 101,200,000 = 400,200,000 / 4 = 100,050,000.
    picks = [(1, 4), (4, 8), (8, 2), (4, 12), (8, 15)]
    draw = draw_reserve_price(PRICES, picks, national.reserve_price, lottery_seed=SEED)
    assert draw.counts[3] == 3 and draw.counts[7] == 3
    assert draw.drawn_slots == (4, 8, 1, 2)
    assert draw.reserve_price == 100_050_000
    assert draw.tie_broken


def test_a_fractional_mean_is_rounded_up_to_the_won(national: RuleSet) -> None:
    # koneps-rules §3.2: the reserve price is rounded up at the first decimal.
    prices = [100_000_001, 100_000_000, 100_000_000, 100_000_000] + [99_000_000] * 11
    draw = draw_reserve_price(prices, [(1, 2), (3, 4)], national.reserve_price, lottery_seed=SEED)
    assert draw.drawn_slots == (1, 2, 3, 4)
    assert draw.reserve_price == 100_000_001  # 400,000,001 / 4 = 100,000,000.25 → 100,000,001
    assert not draw.tie_broken


def test_the_lottery_tie_break_is_reproducible_from_the_seed(national: RuleSet) -> None:
    rules = replace(national.reserve_price, tie_break=TieBreak.LOTTERY)
    picks = [(1, 2), (3, 4)]  # every picked slot has 1; 4 of 4 picked → no tie at the cut
    first = draw_reserve_price(PRICES, [*picks, (5, 6)], rules, lottery_seed=b"seed-a")
    again = draw_reserve_price(PRICES, [*picks, (5, 6)], rules, lottery_seed=b"seed-a")
    assert first == again
    assert first.tie_broken


@settings(max_examples=200)
@given(
    st.lists(st.tuples(st.integers(1, 15), st.integers(1, 15)).filter(lambda p: p[0] != p[1]), min_size=2, max_size=60),
    st.integers(0, 10_000),
)
def test_every_draw_counts_each_pick_and_averages_within_the_drawn_prices(
    national: RuleSet, picks: list[tuple[int, int]], seed: int
) -> None:
    prices = generate_preliminary_prices(50_000_000, Decimal(2), 15, Rounding.CEIL_WON, SeededRandomSource(seed))
    draw = draw_reserve_price(prices, picks, national.reserve_price, lottery_seed=SEED)
    assert sum(draw.counts) == 2 * len(picks)
    assert draw.counts == tuple(count_picks(picks, 15))
    drawn = [prices[s - 1] for s in draw.drawn_slots]
    assert min(drawn) <= draw.reserve_price <= max(drawn)
    assert len(set(draw.drawn_slots)) == 4
    undrawn = set(range(1, 16)) - set(draw.drawn_slots)
    assert all(draw.counts[s - 1] >= max(draw.counts[u - 1] for u in undrawn) for s in draw.drawn_slots)
