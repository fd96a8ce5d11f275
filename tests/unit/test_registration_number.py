"""Business, corporate and resident registration numbers (koneps-rules §1.2, §1.3)."""

import pytest

from jangter.identity.domain.registration_number import (
    brn_check_digit,
    format_brn,
    is_valid_brn,
    normalise_brn,
    normalise_corporate_number,
    normalise_resident_number,
)
from jangter.kernel.errors import DomainError


@pytest.mark.parametrize("number", ["124-81-00998", "220-81-62517", "1248100998"])
def test_known_real_numbers_pass_the_check_digit(number: str) -> None:
    # koneps-rules §1.3: Samsung Electronics 124-81-00998 and Naver 220-81-62517 both pass.
    assert is_valid_brn(number)


def test_check_digit_worked_by_hand() -> None:
    # 124-81-0099?: weights 1,3,7,1,3,7,1,3,5 → 1+6+28+8+3+0+0+27+45 = 118, plus ⌊9×5/10⌋ = 4 → 122;
    # (10 − 122 mod 10) mod 10 = 8.
    assert brn_check_digit("124810099") == 8


def test_a_wrong_check_digit_is_refused_with_a_message_that_says_so() -> None:
    with pytest.raises(DomainError) as refused:
        normalise_brn("124-81-00997")
    assert refused.value.code == "business_number_check_digit"
    assert "검증번호" in refused.value.message_ko
    assert "check digit" in refused.value.message_en
    assert refused.value.field == "business_number"


@pytest.mark.parametrize("number", ["", "124-81-0099", "124-81-009981", "12a-81-00998", "１２４８１００９９８"])
def test_malformed_numbers_are_refused_as_malformed(number: str) -> None:
    with pytest.raises(DomainError) as refused:
        normalise_brn(number)
    assert refused.value.code == "business_number_malformed"


def test_numbers_are_stored_as_ten_digits_and_shown_with_dashes() -> None:
    assert normalise_brn(" 220-81-62517 ") == "2208162517"
    assert format_brn("2208162517") == "220-81-62517"


def test_corporate_number_check_digit() -> None:
    # koneps-rules §1.3: weights 1,2,1,2,… over 12 digits; check = (10 − sum mod 10) mod 10.
    # 110111-123456?: 1+2+0+2+1+2+1+4+3+8+5+12 = 41 → check 9.
    assert normalise_corporate_number("110111-1234569") == "1101111234569"
    with pytest.raises(DomainError) as refused:
        normalise_corporate_number("110111-1234568")
    assert refused.value.code == "corporate_number_check_digit"


@pytest.mark.parametrize(
    ("number", "born"),
    [("800101-1234567", "1980"), ("0501013234567", "2005"), ("991231-2000000", "1999"), ("000229-3000001", "2000")],
)
def test_a_sole_proprietors_resident_number_needs_a_real_birth_date(number: str, born: str) -> None:
    # koneps-rules §1.2 (one firm per sole proprietor) needs the person; the 7th digit gives the century.
    assert normalise_resident_number(number) == number.replace("-", "")


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("800101-123456", "resident_number_malformed"),
        ("８００１０１-1234567", "resident_number_malformed"),
        ("801301-1234567", "resident_number_birth_date"),
        ("010229-3000000", "resident_number_birth_date"),  # 2001 was not a leap year
        ("000229-1000000", "resident_number_birth_date"),  # neither was 1900
    ],
)
def test_a_malformed_resident_number_is_refused_next_to_its_field(number: str, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        normalise_resident_number(number)
    assert refused.value.code == code
    assert refused.value.field == "proprietor_number"
