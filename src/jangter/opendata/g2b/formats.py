"""How the portal writes values: every item value a string, ``""`` when absent (CONTRACT.md §2.1)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from jangter.kernel.calendar import SEOUL
from jangter.opendata.g2b.envelope import Item
from jangter.opendata.g2b.fields import FIELDS


def instant(value: datetime | None) -> str:
    """``2025-07-04 11:12:46`` in Korean time."""
    return value.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M:%S") if value is not None else ""


def day(value: datetime | date | None) -> str:
    """``2025-07-01``; an instant is taken on its Korean day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(SEOUL).date()
    return value.isoformat()


def number(value: int | None) -> str:
    return "" if value is None else str(value)


def rate(value: Decimal | None) -> str:
    """``87.745``: as stored, without trailing zeros (``90`` rather than ``90.000``)."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def yn(value: bool) -> str:
    return "Y" if value else "N"


def order(value: int) -> str:
    """A 차수 or a re-bid number: three digits (``000``)."""
    return f"{value:03d}"


def shape(operation: str, values: Mapping[str, str]) -> Item:
    """The operation's full field set, in the guide's order: the given values, ``""`` for the rest. A mapper may
    give fields another business type of the same family has; they are dropped here."""
    return {name: values.get(name, "") for name in FIELDS[operation]}
