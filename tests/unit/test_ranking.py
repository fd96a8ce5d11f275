"""Ranking and the winner (koneps-rules §3.3, §3.4; addendum Q7)."""

from hypothesis import given
from hypothesis import strategies as st

from jangter.evaluation.domain.ranking import BidAmount, FailureReason, Standing, failure_before_opening, rank_bids

SEED = b"opening-seed"


def test_fewer_than_two_valid_bids_fail_the_notice() -> None:
    # addendum Q7: two valid bids make a tender; koneps-rules §3.4: a single bid is 단독응찰.
    assert failure_before_opening(0, 2) is FailureReason.NO_BIDS
    assert failure_before_opening(1, 2) is FailureReason.SINGLE_BID
    assert failure_before_opening(2, 2) is None


def test_the_lowest_bid_at_or_above_the_floor_and_within_the_reserve_wins() -> None:
    # Reserve 100,000,000; floor 87,745,000. A below the floor, B exactly at it, C and D above, E over the reserve.
    bids = [
        BidAmount("A", 87_744_999),
        BidAmount("B", 87_745_000),
        BidAmount("C", 90_000_000),
        BidAmount("D", 88_000_000),
        BidAmount("E", 100_000_001),
    ]
    ranking = rank_bids(bids, reserve_price=100_000_000, floor_price=87_745_000, lottery_seed=SEED)
    assert ranking.winner == "B"
    assert [(b.key, b.rank, b.standing) for b in ranking.bids] == [
        ("B", 1, Standing.ELIGIBLE),
        ("D", 2, Standing.ELIGIBLE),
        ("C", 3, Standing.ELIGIBLE),
        ("A", None, Standing.BELOW_FLOOR),
        ("E", None, Standing.ABOVE_RESERVE),
    ]
    assert str(ranking.bids[0].rate) == "87.745"


def test_no_bid_that_can_win_fails_the_notice() -> None:
    ranking = rank_bids([BidAmount("A", 1), BidAmount("B", 2)], reserve_price=100, floor_price=80, lottery_seed=SEED)
    assert ranking.winner is None
    assert ranking.failure is FailureReason.NO_ELIGIBLE_BID


def test_exact_ties_are_ordered_by_a_reproducible_lottery() -> None:
    # koneps-rules §3.3: ties at the same price are broken by lottery.
    bids = [BidAmount(k, 90_000_000) for k in "PQRSTU"]
    first = rank_bids(bids, reserve_price=100_000_000, floor_price=87_745_000, lottery_seed=SEED)
    again = rank_bids(list(reversed(bids)), reserve_price=100_000_000, floor_price=87_745_000, lottery_seed=SEED)
    other = rank_bids(bids, reserve_price=100_000_000, floor_price=87_745_000, lottery_seed=b"another opening")
    assert [b.key for b in first.bids] == [b.key for b in again.bids]
    assert all(b.tied for b in first.bids)
    assert {first.winner, other.winner} <= set("PQRSTU")


@given(st.lists(st.integers(1, 200), min_size=2, max_size=40, unique=True), st.integers(50, 150), st.integers(0, 49))
def test_the_winner_is_always_the_lowest_eligible_amount(amounts: list[int], reserve: int, below: int) -> None:
    floor = reserve - below
    ranking = rank_bids(
        [BidAmount(str(a), a) for a in amounts], reserve_price=reserve, floor_price=floor, lottery_seed=SEED
    )
    eligible = [a for a in amounts if floor <= a <= reserve]
    assert ranking.winner == (str(min(eligible)) if eligible else None)
    ranks = [b.rank for b in ranking.bids if b.rank is not None]
    assert ranks == list(range(1, len(eligible) + 1))
