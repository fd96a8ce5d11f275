"""Notice numbers in the next-generation format (koneps-rules §2.4)."""

import pytest

from jangter.kernel.errors import DomainError
from jangter.kernel.ids import Stage, display_number, is_notice_number, make_number, parse_notice_reference


def test_notice_number_is_r_year_stage_and_eight_digits_shown_with_a_three_digit_order() -> None:
    number = make_number(Stage.BID, 2026, 916502)
    assert number == "R26BK00916502"
    assert len(number) == 13
    assert display_number(number, 0) == "R26BK00916502-000"
    assert display_number(number, 12) == "R26BK00916502-012"


def test_references_are_read_with_or_without_the_order() -> None:
    assert parse_notice_reference("R25BK00916502-000") == ("R25BK00916502", 0)
    assert parse_notice_reference("r25bk00916502") == ("R25BK00916502", None)
    assert is_notice_number("R25BK00916502")


@pytest.mark.parametrize("text", ["R25BK0091650", "X25BK00916502", "R25ZZ00916502", "R25BK00916502-1"])
def test_malformed_references_are_refused(text: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_notice_reference(text)
    assert refused.value.code == "invalid_notice_number"
