"""Money is integer won; every rounding names its rule (koneps-rules §3.2)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jangter.kernel.errors import DomainError
from jangter.kernel.money import Rounding, format_won, parse_won, percent, require_won, round_won, won_in_words


@pytest.mark.parametrize("text", ["1,234,000", "1234000", "1234000원", "₩1,234,000", " 1,234,000 원 "])
def test_amounts_typed_by_people_are_read_as_whole_won(text: str) -> None:
    assert parse_won(text, "amount") == 1_234_000


@pytest.mark.parametrize("text", ["", "0", "-5", "1.5", "1,234.00", "abc", "1e6"])
def test_amounts_that_are_not_positive_whole_won_are_refused(text: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_won(text, "amount")
    assert refused.value.code == "amount_not_positive_whole_won"
    assert refused.value.field == "amount"


@pytest.mark.parametrize("value", [0, -1, 1.0, 1.5, True, "100", None])
def test_api_values_that_are_not_positive_integers_are_refused(value: object) -> None:
    with pytest.raises(DomainError):
        require_won(value, "amount")


def test_roundings_of_the_reserve_price_rules() -> None:
    # koneps-rules §3.2: goods round up below ₩1; works round preliminary prices up to ₩100.
    assert round_won(Decimal("98123456.01"), Rounding.CEIL_WON) == 98_123_457
    assert round_won(Decimal("98123456.00"), Rounding.CEIL_WON) == 98_123_456
    assert round_won(Decimal("98123401"), Rounding.CEIL_100_WON) == 98_123_500
    assert round_won(Decimal("98123400"), Rounding.CEIL_100_WON) == 98_123_400
    assert round_won(Decimal("10.5"), Rounding.HALF_UP_WON) == 11
    assert round_won(Decimal("10.9"), Rounding.FLOOR_WON) == 10


def test_bid_rate_is_shown_with_three_decimals_half_up() -> None:
    # As the Korean open API's bidprcrt: 14,433,930 ÷ 16,025,000 × 100 = 90.0713… → 90.071
    assert percent(14_433_930, 16_025_000) == Decimal("90.071")
    assert percent(1, 8) == Decimal("12.500")


def test_won_is_formatted_with_thousands_separators() -> None:
    assert format_won(87_650_000) == "87,650,000원"


@given(st.integers(min_value=1, max_value=10**14))
def test_formatted_amounts_read_back_to_the_same_number(amount: int) -> None:
    assert parse_won(format_won(amount), "amount") == amount


def test_amounts_in_korean_words_write_every_digit() -> None:
    # how contracts write the amount next to the figures: 금 일억이천삼백만원정 (₩123,000,000)
    assert won_in_words(123_000_000) == "일억이천삼백만"
    assert won_in_words(86_900_000) == "팔천육백구십만"
    assert won_in_words(10_001) == "일만일"
    assert won_in_words(1_111) == "일천일백일십일"
    assert won_in_words(10**15) == "일천조"
    assert won_in_words(0) == "영"
    with pytest.raises(ValueError, match="not an amount of won"):
        won_in_words(10**15 + 1)
