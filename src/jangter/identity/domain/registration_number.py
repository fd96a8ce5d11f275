"""Korean business and corporate registration numbers (koneps-rules §1.3).

Business registration number (사업자등록번호): 10 digits written ``XXX-YY-ZZZZZ``; the last digit checks the
first nine with weights 1,3,7,1,3,7,1,3,5 plus ``⌊9th digit × 5 / 10⌋``.
Corporate registration number (법인등록번호): 13 digits; weights 1,2,1,2,… over the first 12, check digit
``(10 − sum mod 10) mod 10``.
Resident registration number (주민등록번호) of a sole proprietor: birth date and century digit only.
"""

from __future__ import annotations

import re
from datetime import date

from jangter.kernel.errors import DomainError

_BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
_SEPARATORS = re.compile(r"[\s\-]")


def brn_check_digit(first_nine: str) -> int:
    digits = [int(c) for c in first_nine]
    total = sum(d * w for d, w in zip(digits, _BRN_WEIGHTS, strict=True)) + (digits[8] * 5) // 10
    return (10 - total % 10) % 10


def is_valid_brn(text: str) -> bool:
    digits = _SEPARATORS.sub("", text)
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    return brn_check_digit(digits[:9]) == int(digits[9])


def normalise_brn(text: str, field: str = "business_number") -> str:
    """Return the 10 digits of a valid number, or refuse it saying what is wrong."""
    digits = _SEPARATORS.sub("", text)
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        raise DomainError(
            "business_number_malformed",
            "사업자등록번호는 숫자 10자리입니다 (예: 124-81-00998).",
            "A business registration number has 10 digits (e.g. 124-81-00998).",
            field=field,
        )
    if brn_check_digit(digits[:9]) != int(digits[9]):
        raise DomainError(
            "business_number_check_digit",
            "사업자등록번호의 검증번호(마지막 자리)가 맞지 않습니다. 번호를 다시 확인하십시오.",
            "The check digit (last digit) of the business registration number does not match; please check the number.",
            field=field,
        )
    return digits


def format_brn(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def corporate_check_digit(first_twelve: str) -> int:
    total = sum(int(c) * (1 if i % 2 == 0 else 2) for i, c in enumerate(first_twelve))
    return (10 - total % 10) % 10


def normalise_corporate_number(text: str, field: str = "corporate_number") -> str:
    digits = _SEPARATORS.sub("", text)
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit():
        raise DomainError(
            "corporate_number_malformed",
            "법인등록번호는 숫자 13자리입니다 (예: 110111-1234567).",
            "A corporate registration number has 13 digits (e.g. 110111-1234567).",
            field=field,
        )
    if corporate_check_digit(digits[:12]) != int(digits[12]):
        raise DomainError(
            "corporate_number_check_digit",
            "법인등록번호의 검증번호(마지막 자리)가 맞지 않습니다.",
            "The check digit of the corporate registration number does not match.",
            field=field,
        )
    return digits


def format_corporate_number(digits: str) -> str:
    return f"{digits[:6]}-{digits[6:]}"


def normalise_resident_number(text: str, field: str = "proprietor_number") -> str:
    """주민등록번호 (or 외국인등록번호) of a sole proprietor: 13 digits, ``YYMMDD-GNNNNNN``.

    The first six digits are the birth date and the seventh gives the century (9/0: 1800s, 1/2/5/6: 1900s,
    3/4/7/8: 2000s). The old check digit is not checked: numbers issued since October 2020 have a random last
    digit. The number itself is never stored (see ``identity.service.proprietor_key``).
    """
    digits = _SEPARATORS.sub("", text)
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit():
        raise DomainError(
            "resident_number_malformed",
            "주민등록번호는 숫자 13자리입니다 (예: 800101-1234567).",
            "A resident registration number has 13 digits (e.g. 800101-1234567).",
            field=field,
        )
    century = {"9": 1800, "0": 1800, "1": 1900, "2": 1900, "5": 1900, "6": 1900}.get(digits[6], 2000)
    try:
        date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        raise DomainError(
            "resident_number_birth_date",
            "주민등록번호 앞 6자리가 올바른 생년월일이 아닙니다.",
            "The first six digits of the resident registration number are not a valid date of birth.",
            field=field,
        ) from None
    return digits
