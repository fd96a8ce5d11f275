"""Normalisers for the values other systems write in odd forms: amounts, currencies and dates.

Each returns the value it could read (or ``None``) and the report kind of what was odd about it (or ``None``). A
normaliser never guesses: an amount whose decimal separator is ambiguous ("1,000") is not read at all; a date
without a UTC offset is read as UTC *and reported*, so the report says every place an assumption was made.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

#: Amounts are summarised with 4 decimals at most, below 10^20 (the columns' NUMERIC(24, 4)).
AMOUNT_PLACES = 4
AMOUNT_LIMIT = Decimal(10) ** 20

_SPACES = re.compile(r"[\s\u00a0\u2009\u202f'’_]")
_PLAIN = re.compile(r"^[+-]?\d+(\.\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")  # "1,000,000" (commas only, thousands groups)
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def parse_amount(raw: object) -> tuple[Decimal | None, str | None]:
    """An OCDS ``amount``: a JSON number is read as it is; a string is read when its form is unambiguous
    ("1 000,50", "1.000,50", "1,000.50", "1000.5") and reported as ``amount_string``."""
    if raw is None:
        return None, "amount_missing"
    if isinstance(raw, bool):
        return None, "amount_malformed"
    if isinstance(raw, int):
        return _bounded(Decimal(raw), None)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            return None, "amount_malformed"
        return _bounded(Decimal(repr(raw)), None)
    if isinstance(raw, str):
        text = _SPACES.sub("", raw)
        if not text:
            return None, "amount_empty"
        value, issue = _amount_text(text)
        return (None, issue) if value is None else _bounded(value, "amount_string")
    return None, "amount_malformed"


def _amount_text(text: str) -> tuple[Decimal | None, str]:
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in text:
        if _GROUPED.match(text):
            if text.count(",") == 1:
                return None, "amount_ambiguous"  # "1,000": a thousand, or one with a decimal comma?
            text = text.replace(",", "")
        elif text.count(",") == 1:
            text = text.replace(",", ".")  # "1000,5": a decimal comma
        else:
            return None, "amount_unparseable"
    elif text.count(".") > 1:
        parts = text.split(".")
        if not all(len(p) == 3 for p in parts[1:]):
            return None, "amount_unparseable"
        text = text.replace(".", "")  # "1.000.000": thousands dots
    if not _PLAIN.match(text):
        return None, "amount_unparseable"
    try:
        return Decimal(text), ""
    except InvalidOperation:  # pragma: no cover - the pattern above admits only valid decimals
        return None, "amount_unparseable"


def _bounded(value: Decimal, issue: str | None) -> tuple[Decimal | None, str | None]:
    if abs(value) >= AMOUNT_LIMIT:
        return None, "amount_out_of_range"
    return value, issue


def summary_amount(value: Decimal) -> tuple[Decimal, bool]:
    """The amount as the summary columns keep it (4 decimals), and whether that rounded it."""
    rounded = value.quantize(Decimal(1).scaleb(-AMOUNT_PLACES))
    return rounded, rounded != value


def parse_currency(raw: object) -> tuple[str | None, str | None]:
    """An ISO 4217 code: three capital letters. An all-lower-case code is upper-cased (and reported); anything else
    is not read (a missing currency is never filled in)."""
    if raw is None or raw == "":
        return None, "currency_missing"
    if not isinstance(raw, str):
        return None, "currency_invalid"
    code = raw.strip()
    if _CURRENCY.match(code):
        return code, None
    if code.islower() and _CURRENCY.match(code.upper()):  # "uah"; but "Lei" is a name, not a code
        return code.upper(), "currency_lowercase"
    return None, "currency_invalid"


def parse_datetime(raw: object) -> tuple[datetime | None, str | None]:
    """An OCDS date-time. One with no UTC offset is read as UTC (``date_without_offset``); a bare date as its
    midnight UTC (``date_without_time``); anything else that is not ISO 8601 is not read."""
    if raw is None:
        return None, "date_missing"
    if not isinstance(raw, str):
        return None, "date_malformed"
    text = raw.strip()
    if not text:
        return None, "date_empty"
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time(), tzinfo=UTC), "date_without_time"
        value = datetime.fromisoformat(text)
    except ValueError:
        return None, "date_unparseable"
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC), "date_without_offset"
    return value.astimezone(UTC), None
