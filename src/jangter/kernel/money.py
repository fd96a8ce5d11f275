"""Money is integer won. Rates are ``Decimal`` and every rounding names its rule.

``Rounding`` lists the roundings the Korean rules use (koneps-rules §3.2):
goods and general services round preliminary prices *up* below ₩1, facility works round them *up* to ₩100,
and the reserve price of works is rounded up at the first decimal (that is, up to the won).
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum

from jangter.kernel.errors import DomainError

#: The largest amount Jangter accepts: ₩1,000 trillion (far above any single procurement).
MAX_WON = 10**15

_WON_TEXT = re.compile(r"^\s*₩?\s*([0-9][0-9,]*)\s*(원)?\s*$")


class Rounding(StrEnum):
    CEIL_WON = "ceil_won"  # 원 미만 올림
    CEIL_100_WON = "ceil_100_won"  # 100원 미만 올림
    HALF_UP_WON = "half_up_won"  # 원 미만 반올림
    FLOOR_WON = "floor_won"  # 원 미만 버림


def round_won(value: Decimal, rounding: Rounding) -> int:
    """Turn an exact amount into whole won by the named rule."""
    if rounding is Rounding.CEIL_WON:
        return int(value.to_integral_value(rounding=ROUND_CEILING))
    if rounding is Rounding.CEIL_100_WON:
        hundreds = (value / 100).to_integral_value(rounding=ROUND_CEILING)
        return int(hundreds) * 100
    if rounding is Rounding.HALF_UP_WON:
        return int(value.to_integral_value(rounding=ROUND_HALF_UP))
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def invalid_amount(field: str) -> DomainError:
    return DomainError(
        "amount_not_positive_whole_won",
        "금액은 1원 이상의 정수(원 단위)로 입력하십시오.",
        "The amount must be a positive whole number of won.",
        field=field,
    )


def require_won(value: object, field: str) -> int:
    """Accept a positive whole number of won; refuse floats, booleans, fractions, zero and negatives."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise invalid_amount(field)
    if value > MAX_WON:
        raise DomainError(
            "amount_too_large",
            "금액이 허용 범위(1,000조 원)를 넘습니다.",
            "The amount exceeds the permitted maximum (₩1,000 trillion).",
            field=field,
        )
    return value


def parse_won(text: str, field: str) -> int:
    """Read an amount typed by a person: ``1,234,000``, ``1234000원`` or ``₩1,234,000``."""
    match = _WON_TEXT.match(text)
    if match is None:
        raise invalid_amount(field)
    digits = match.group(1).replace(",", "")
    return require_won(int(digits), field)


def format_won(amount: int) -> str:
    return f"{amount:,}원"


def percent(numerator: int, denominator: int, places: int = 3) -> Decimal:
    """``numerator / denominator × 100``, rounded half-up to ``places`` decimals (as ``bidprcrt`` shows it)."""
    exact = Decimal(numerator) * 100 / Decimal(denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


_DIGITS = "영일이삼사오육칠팔구"
_SMALL = ("", "십", "백", "천")
_LARGE = ("", "만", "억", "조")


def won_in_words(amount: int) -> str:
    """``123_000_000`` → ``일억이천삼백만``: an amount in Korean numerals, as contracts write it next to the figures
    ("금 일억이천삼백만원정"). Every digit is written, 일 included (일천, 일백), so nothing can be added in front."""
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MAX_WON:
        raise ValueError(f"not an amount of won: {amount!r}")
    if amount == 0:
        return _DIGITS[0]
    words = []
    for place in range(len(_LARGE)):  # up to 조: MAX_WON is 1,000조
        group = amount // 10 ** (4 * place) % 10_000
        if not group:
            continue
        text = "".join(
            _DIGITS[digit] + _SMALL[position] for position in range(3, -1, -1) if (digit := group // 10**position % 10)
        )
        words.append(text + _LARGE[place])
    return "".join(reversed(words))
