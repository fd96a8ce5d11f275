"""Public identifiers in the next-generation Nara Jangter format (koneps-rules §2.4).

A notice number is ``R`` + two-digit year + stage code + 8-digit serial (13 characters), shown with the
3-digit order (차수): ``R26BK00000123-000``. Stage codes: BK bid notice, TA contract, DD order plan,
BD pre-specification.
"""

from __future__ import annotations

import re
from enum import StrEnum

from jangter.kernel.errors import DomainError

_NUMBER = re.compile(r"^R(\d{2})(BK|TA|DD|BD)(\d{8})$")
_DISPLAY = re.compile(r"^(R\d{2}(?:BK|TA|DD|BD)\d{8})(?:-(\d{3}))?$")


class Stage(StrEnum):
    BID = "BK"
    CONTRACT = "TA"
    ORDER_PLAN = "DD"
    PRE_SPECIFICATION = "BD"


def make_number(stage: Stage, year: int, serial: int) -> str:
    if not 0 < serial < 10**8:
        raise ValueError(f"serial out of range: {serial}")
    return f"R{year % 100:02d}{stage.value}{serial:08d}"


def display_number(number: str, order: int) -> str:
    """``R26BK00000123`` and order 1 → ``R26BK00000123-001``."""
    return f"{number}-{order:03d}"


def parse_notice_reference(text: str) -> tuple[str, int | None]:
    """Read ``R26BK00000123`` or ``R26BK00000123-001`` (as typed or pasted) into (number, order)."""
    match = _DISPLAY.match(text.strip().upper())
    if match is None:
        raise DomainError(
            "invalid_notice_number",
            "공고번호 형식이 올바르지 않습니다 (예: R26BK00000123-000).",
            "The notice number is not in the expected form (e.g. R26BK00000123-000).",
            field="number",
            status=404,
        )
    order = match.group(2)
    return match.group(1), int(order) if order is not None else None


def is_notice_number(text: str) -> bool:
    return _NUMBER.match(text) is not None
