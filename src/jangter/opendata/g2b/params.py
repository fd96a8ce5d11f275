"""Reading the portal's query parameters, refused with the portal's codes (CONTRACT.md §1, §3).

Pure. Date-times are ``yyyyMMddHHmm`` in Korean time (a bad one is 06), months ``yyyyMM``; a missing mandatory
value is 08; a value out of range (an unknown ``inqryDiv``, a window longer than 31 days or reversed, a page size
over 999, a page number below 1) is 07.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from jangter.kernel.calendar import SEOUL
from jangter.opendata.g2b.envelope import ProviderError, ResultCode

MAX_ROWS = 999
DEFAULT_ROWS = 10
#: The longest window of the date-time modes (the portal's "about one month", CONTRACT.md §1).
MAX_WINDOW = timedelta(days=31)


@dataclass(frozen=True)
class Window:
    """From ``start`` (included) to ``end`` (excluded), in UTC; ``inqryEndDt`` names its last minute, included."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class MonthRange:
    first: int  # yyyymm
    last: int


def parse_minute(text: str, name: str) -> datetime:
    if len(text) != 12 or not text.isdigit():
        raise ProviderError(ResultCode.DATE_FORMAT, name)
    try:
        return datetime.strptime(text, "%Y%m%d%H%M").replace(tzinfo=SEOUL)
    except ValueError:
        raise ProviderError(ResultCode.DATE_FORMAT, name) from None


def parse_month(text: str, name: str) -> int:
    if len(text) != 6 or not text.isdigit() or not 1 <= int(text[4:]) <= 12:
        raise ProviderError(ResultCode.DATE_FORMAT, name)
    return int(text)


class Params:
    """The query string of one request. Empty values count as absent (clients send ``bidNtceNo=`` freely)."""

    def __init__(self, raw: Mapping[str, str]) -> None:
        self.raw = {k: v.strip() for k, v in raw.items() if v is not None and v.strip()}

    def text(self, name: str) -> str | None:
        return self.raw.get(name)

    def required(self, name: str) -> str:
        value = self.raw.get(name)
        if value is None:
            raise ProviderError(ResultCode.REQUIRED, name)
        return value

    def wants_json(self) -> bool:
        """``type=json`` → JSON; anything else, or nothing, → XML (the portal's default)."""
        return (self.raw.get("type") or "").lower() == "json"

    def paging(self) -> tuple[int, int]:
        """(pageNo, numOfRows): 1 and 10 when absent."""
        page = self._positive("pageNo", 1)
        rows = self._positive("numOfRows", DEFAULT_ROWS)
        if rows > MAX_ROWS:
            raise ProviderError(ResultCode.OUT_OF_RANGE, "numOfRows")
        return page, rows

    def _positive(self, name: str, default: int) -> int:
        value = self.raw.get(name)
        if value is None:
            return default
        if not value.isdigit() or int(value) < 1 or len(value) > 9:
            raise ProviderError(ResultCode.OUT_OF_RANGE, name)
        return int(value)

    def inqry_div(self, allowed: str) -> str:
        """The query mode, one of the characters of ``allowed``."""
        value = self.required("inqryDiv")
        if len(value) != 1 or value not in allowed:
            raise ProviderError(ResultCode.OUT_OF_RANGE, "inqryDiv")
        return value

    def window(self, *, required: bool) -> Window | None:
        """``inqryBgnDt`` … ``inqryEndDt``: both or neither (08 when one is missing, or both and ``required``)."""
        begin, end = self.raw.get("inqryBgnDt"), self.raw.get("inqryEndDt")
        if begin is None and end is None and not required:
            return None
        if begin is None:
            raise ProviderError(ResultCode.REQUIRED, "inqryBgnDt")
        if end is None:
            raise ProviderError(ResultCode.REQUIRED, "inqryEndDt")
        start, last = parse_minute(begin, "inqryBgnDt"), parse_minute(end, "inqryEndDt")
        if last < start or last - start > MAX_WINDOW:
            raise ProviderError(ResultCode.OUT_OF_RANGE, "inqryEndDt")
        return Window(start.astimezone(UTC), (last + timedelta(minutes=1)).astimezone(UTC))

    def months(self, *, required: bool) -> MonthRange | None:
        """``orderBgnYm`` … ``orderEndYm`` (yyyyMM), both or neither."""
        begin, end = self.raw.get("orderBgnYm"), self.raw.get("orderEndYm")
        if begin is None and end is None and not required:
            return None
        if begin is None:
            raise ProviderError(ResultCode.REQUIRED, "orderBgnYm")
        if end is None:
            raise ProviderError(ResultCode.REQUIRED, "orderEndYm")
        first, last = parse_month(begin, "orderBgnYm"), parse_month(end, "orderEndYm")
        if last < first:
            raise ProviderError(ResultCode.OUT_OF_RANGE, "orderEndYm")
        return MonthRange(first, last)

    def amount(self, name: str) -> int | None:
        value = self.raw.get(name)
        if value is None:
            return None
        if not value.isdigit() or len(value) > 18:
            raise ProviderError(ResultCode.OUT_OF_RANGE, name)
        return int(value)

    def flag(self, name: str) -> bool | None:
        """A ``Y``/``N`` parameter."""
        value = self.raw.get(name)
        if value is None:
            return None
        if value.upper() not in ("Y", "N"):
            raise ProviderError(ResultCode.OUT_OF_RANGE, name)
        return value.upper() == "Y"
