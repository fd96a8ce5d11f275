"""What the import reads out of a release for comparison and analytics, and how a process's releases add up.

The release itself is kept whole; this is only the summary (title, buyer, method, status, values, dates). Rules:

* A value is taken only from where OCDS puts it (``tender.title``, ``buyer.name`` or the party with the role
  ``buyer``, ``tender.procurementMethod``, ``tender.status``, ``tender.value``, ``tender.tenderPeriod``,
  ``awards[].value``, ``contracts[].value``); a value that is not readable is left empty and reported.
* Codelist fields are kept as written (Moldova writes "Licitaţie publică"); a value outside the codelist is reported.
* Award total: the awards that are not ``pending``, ``cancelled`` or ``unsuccessful``; contract total: the contracts
  that are not ``pending`` or ``cancelled``. Identical objects in one list count once. A total over several
  currencies is not made (reported); amounts without a currency add up to a total without a currency.
* A process's summary takes each field from its latest release (by ``date``) that has it; a record counts through its
  ``compiledRelease`` (or, without one, through the full releases it embeds).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from jangter.opendata.imports.domain.packages import RECORD_FIELDS, RELEASE_FIELDS
from jangter.opendata.imports.domain.report import Report
from jangter.opendata.imports.domain.values import parse_amount, parse_currency, parse_datetime, summary_amount

METHODS = frozenset({"open", "selective", "limited", "direct"})
TENDER_STATUSES = frozenset({"planning", "planned", "active", "cancelled", "unsuccessful", "complete", "withdrawn"})
AWARD_STATUSES = frozenset({"pending", "active", "cancelled", "unsuccessful"})
CONTRACT_STATUSES = frozenset({"pending", "active", "cancelled", "terminated"})
TAGS = frozenset(
    {
        "planning",
        "planningUpdate",
        "tender",
        "tenderAmendment",
        "tenderUpdate",
        "tenderCancellation",
        "award",
        "awardUpdate",
        "awardCancellation",
        "contract",
        "contractUpdate",
        "contractAmendment",
        "implementation",
        "implementationUpdate",
        "contractTermination",
        "compiled",
    }
)
NOT_AWARDED = frozenset({"pending", "cancelled", "unsuccessful"})
NOT_CONTRACTED = frozenset({"pending", "cancelled"})
VALUE_FIELDS = frozenset({"amount", "currency"})
#: A linked release in a record (``{"url", "date", "tag"}``) says nothing to summarise.
LINK_FIELDS = frozenset({"url", "date", "tag"})

_EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Money:
    amount: Decimal | None
    currency: str | None


@dataclass(frozen=True)
class Totals:
    count: int
    money: Money  # amount None: no total (nothing readable, or several currencies)
    latest: datetime | None  # the latest award date or contract signature


@dataclass(frozen=True)
class Facts:
    """What one release says about its process (``None``: it does not say, or not readably)."""

    date: datetime | None
    title: str | None
    buyer_name: str | None
    procurement_method: str | None
    tender_status: str | None
    tender_value: Money | None
    tender_start: datetime | None
    tender_end: datetime | None
    awards: Totals | None
    contracts: Totals | None


@dataclass(frozen=True)
class Summary:
    title: str | None
    buyer_name: str | None
    procurement_method: str | None
    tender_status: str | None
    tender_value: Money | None
    tender_start: datetime | None
    tender_end: datetime | None
    awards: Totals | None
    contracts: Totals | None
    last_release_at: datetime | None
    releases: int


def read_release(release: dict[str, Any], at: str, report: Report) -> Facts:
    for name in release:
        if name not in RELEASE_FIELDS:
            report.note("unknown_field", f"{at}.{name}", name)
    tags = release.get("tag")
    if isinstance(tags, list):
        for i, tag in enumerate(tags):
            if tag not in TAGS:
                report.note("codelist_value", f"{at}.tag[{i}]", tag)
    elif "tag" in release:
        report.note("wrong_type", f"{at}.tag", tags)
    planning = release.get("planning")
    if planning is not None and not isinstance(planning, dict):
        report.note("wrong_type", f"{at}.planning", type(planning).__name__)
    tender = _object(release, "tender", at, report)
    period = _object(tender, "tenderPeriod", f"{at}.tender", report)
    return Facts(
        date=_date(release, "date", at, report, required=True),
        title=_text(tender, "title", f"{at}.tender", report),
        buyer_name=_buyer(release, at, report),
        procurement_method=_code(tender, "procurementMethod", METHODS, f"{at}.tender", report),
        tender_status=_code(tender, "status", TENDER_STATUSES, f"{at}.tender", report),
        tender_value=_money(tender["value"], f"{at}.tender.value", report) if "value" in tender else None,
        tender_start=_date(period, "startDate", f"{at}.tender.tenderPeriod", report),
        tender_end=_date(period, "endDate", f"{at}.tender.tenderPeriod", report),
        awards=_totals(release, "awards", "date", AWARD_STATUSES, NOT_AWARDED, at, report),
        contracts=_totals(release, "contracts", "dateSigned", CONTRACT_STATUSES, NOT_CONTRACTED, at, report),
    )


def read_record(record: dict[str, Any], at: str, report: Report) -> list[Facts]:
    for name in record:
        if name not in RECORD_FIELDS:
            report.note("unknown_field", f"{at}.{name}", name)
    compiled = record.get("compiledRelease")
    if isinstance(compiled, dict):
        return [read_release(compiled, f"{at}.compiledRelease", report)]
    if compiled is not None:
        report.note("wrong_type", f"{at}.compiledRelease", type(compiled).__name__)
    report.note("record_without_compiled_release", at, record.get("ocid"))
    releases = record.get("releases")
    if not isinstance(releases, list):
        return []
    return [
        read_release(r, f"{at}.releases[{i}]", report)
        for i, r in enumerate(releases)
        if isinstance(r, dict) and set(r) - LINK_FIELDS
    ]


def combine(facts: Iterable[Facts]) -> Summary:
    """A process's summary: each field from its latest release (by date; undated ones first) that has it."""
    ordered = sorted(facts, key=lambda f: (f.date is not None, f.date or _EARLIEST))
    dates = [f.date for f in ordered if f.date is not None]

    def last(name: str) -> Any:
        values = [getattr(f, name) for f in ordered if getattr(f, name) is not None]
        return values[-1] if values else None

    return Summary(
        title=last("title"),
        buyer_name=last("buyer_name"),
        procurement_method=last("procurement_method"),
        tender_status=last("tender_status"),
        tender_value=last("tender_value"),
        tender_start=last("tender_start"),
        tender_end=last("tender_end"),
        awards=last("awards"),
        contracts=last("contracts"),
        last_release_at=max(dates) if dates else None,
        releases=len(ordered),
    )


def _object(parent: dict[str, Any], name: str, at: str, report: Report) -> dict[str, Any]:
    value = parent.get(name)
    if isinstance(value, dict):
        return value
    if value is not None:
        report.note("wrong_type", f"{at}.{name}", type(value).__name__)
    return {}


def _text(parent: dict[str, Any], name: str, at: str, report: Report) -> str | None:
    value = parent.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        report.note("wrong_type", f"{at}.{name}", value)
        return None
    return value.strip() or None


def _code(parent: dict[str, Any], name: str, codes: frozenset[str], at: str, report: Report) -> str | None:
    value = _text(parent, name, at, report)
    if value is not None and value not in codes:
        report.note("codelist_value", f"{at}.{name}", value)
    return value


def _date(parent: dict[str, Any], name: str, at: str, report: Report, *, required: bool = False) -> datetime | None:
    if name not in parent and not required:
        return None
    value, issue = parse_datetime(parent.get(name))
    if issue:
        report.note(issue, f"{at}.{name}", parent.get(name))
    return value


def _buyer(release: dict[str, Any], at: str, report: Report) -> str | None:
    buyer = _object(release, "buyer", at, report)
    name = _text(buyer, "name", f"{at}.buyer", report)
    if name is not None:
        return name
    parties = release.get("parties")
    if not isinstance(parties, list):
        if parties is not None:
            report.note("wrong_type", f"{at}.parties", type(parties).__name__)
        return None
    for i, party in enumerate(parties):
        if isinstance(party, dict) and isinstance(party.get("roles"), list) and "buyer" in party["roles"]:
            found = _text(party, "name", f"{at}.parties[{i}]", report)
            if found:
                return found
    return None


def _money(value: object, at: str, report: Report) -> Money | None:
    if not isinstance(value, dict):
        report.note("wrong_type", at, type(value).__name__)
        return None
    for name in value:
        if name not in VALUE_FIELDS:
            report.note("unknown_field", f"{at}.{name}", name)
    if "amount" not in value and "currency" not in value:
        return None
    amount, issue = parse_amount(value.get("amount"))
    if issue:
        report.note(issue, f"{at}.amount", value.get("amount"))
    if amount is not None:
        amount, rounded = summary_amount(amount)
        if rounded:
            report.note("amount_precision", f"{at}.amount", value.get("amount"))
    currency, currency_issue = parse_currency(value.get("currency"))
    if currency_issue and (amount is not None or currency_issue != "currency_missing"):
        report.note(currency_issue, f"{at}.currency", value.get("currency"))
    return Money(amount, currency) if amount is not None else None


def _totals(
    release: dict[str, Any],
    name: str,
    date_field: str,
    codes: frozenset[str],
    left_out: frozenset[str],
    at: str,
    report: Report,
) -> Totals | None:
    objects = release.get(name)
    if objects is None:
        return None
    if not isinstance(objects, list):
        report.note("wrong_type", f"{at}.{name}", type(objects).__name__)
        return None
    seen: list[dict[str, Any]] = []
    monies: list[Money] = []
    latest: datetime | None = None
    counted = 0
    for i, obj in enumerate(objects):
        where = f"{at}.{name}[{i}]"
        if not isinstance(obj, dict):
            report.note("wrong_type", where, type(obj).__name__)
            continue
        if obj in seen:
            report.note("duplicate_object", where, obj.get("id"))
            continue
        seen.append(obj)
        status = _code(obj, "status", codes, where, report)
        if status in left_out:
            continue
        counted += 1
        when = _date(obj, date_field, where, report)
        latest = when if latest is None or (when is not None and when > latest) else latest
        money = _money(obj["value"], f"{where}.value", report) if "value" in obj else None
        if money is not None:
            monies.append(money)
    currencies = {m.currency for m in monies}
    if len(currencies) > 1:
        report.note("mixed_currencies", f"{at}.{name}", ", ".join(sorted(c or "-" for c in currencies)))
        return Totals(counted, Money(None, None), latest)
    total = sum((m.amount for m in monies if m.amount is not None), Decimal(0)) if monies else None
    return Totals(counted, Money(total, currencies.pop() if currencies else None), latest)
