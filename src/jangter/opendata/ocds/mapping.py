"""Pure pieces of the OCDS mapping: dates, amounts, parties, the tender block of a 차수 and the bids of an opening.

Everything here works on plain values (no database); ``releases.py`` reads the records and calls these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from jangter.kernel.calendar import SEOUL
from jangter.opendata.ocds.ids import party_identifier

CURRENCY = "KRW"

#: Jangter's categories are OCDS's procurement categories.
CATEGORIES = {"goods": "goods", "services": "services", "works": "works"}

#: 낙찰자 결정방법 → OCDS awardCriteria (open codelist) and words for awardCriteriaDetails.
AWARD_CRITERIA = {
    "qualification_review": (
        "ratedCriteria",
        "적격심사: 낙찰하한율 이상 최저가 순으로 이행능력 심사 (qualification review)",
    ),
    "lowest_price": ("priceOnly", "최저가: 낙찰하한율 이상 최저가 (lowest price at or above the award floor)"),
    "negotiated": (
        "ratedCriteria",
        "협상에 의한 계약: 기술평가와 가격평가 후 협상 (negotiated: technical and price scores)",
    ),
}

#: 계약방법 → OCDS procurementMethod (closed codelist) and its details.
METHODS = {"general_competitive": ("open", "일반경쟁 (general competitive tendering)")}

#: guarantee kind → the guarantees extension's obligations codelist.
OBLIGATIONS = {
    "contract_deposit": "fulfillment",
    "advance_payment": "prepaid",
    "defect_repair": "latentDefects",
}


def when(instant: datetime) -> str:
    """An instant as OCDS wants it: ISO 8601 with the offset, in Seoul time (the database keeps UTC)."""
    return instant.astimezone(SEOUL).isoformat(timespec="seconds")


def day_start(day: date) -> str:
    return datetime.combine(day, time(0, 0), tzinfo=SEOUL).isoformat(timespec="seconds")


def day_end(day: date) -> str:
    return datetime.combine(day, time(23, 59, 59), tzinfo=SEOUL).isoformat(timespec="seconds")


def value(amount: int) -> dict[str, Any]:
    """Integer won as an OCDS Value."""
    return {"amount": amount, "currency": CURRENCY}


def number(decimal: Decimal | str) -> int | float:
    """A rate or a score as a JSON number (integers stay integers)."""
    d = Decimal(decimal)
    return int(d) if d == d.to_integral_value() else float(d)


@dataclass(frozen=True)
class Org:
    """What OCDS publishes of an organisation: its name and its public identifier, never its people."""

    id: int
    name: str
    kind: str  # OrgKind: agency | supplier | operator | guarantor
    business_number: str | None = None
    agency_code: str | None = None
    name_en: str | None = None

    @property
    def identifier(self) -> tuple[str, str]:
        return party_identifier(
            self.id,
            business_number=self.business_number,
            agency_code=self.agency_code,
            is_agency=self.kind == "agency",
        )

    @property
    def party_id(self) -> str:
        scheme, ident = self.identifier
        return f"{scheme}-{ident}"

    def reference(self) -> dict[str, str]:
        return {"id": self.party_id, "name": self.name}

    def party(self, roles: Iterable[str]) -> dict[str, Any]:
        scheme, ident = self.identifier
        party: dict[str, Any] = {
            "id": self.party_id,
            "name": self.name,
            "identifier": {"scheme": scheme, "id": ident, "legalName": self.name},
            "roles": sorted(set(roles)),
        }
        if self.name_en:
            party["additionalIdentifiers"] = [{"scheme": scheme, "id": ident, "legalName": self.name_en}]
        return party


@dataclass(frozen=True)
class Amendment:
    order: int
    at: datetime
    reason: str | None


def amendments(history: Sequence[Amendment]) -> list[dict[str, Any]]:
    """The amendments (정정공고) so far, oldest first: OCDS keeps the whole list in each release."""
    out = []
    for a in history:
        item: dict[str, Any] = {"id": f"{a.order:03d}", "date": when(a.at)}
        if a.reason:
            item["rationale"] = a.reason
        out.append(item)
    return out


def tender_terms(snapshot: Mapping[str, Any], *, notice_number: str) -> dict[str, Any]:
    """The tender block of one 차수 from its stored snapshot (``notice_revision.snapshot``): what was announced."""
    method, method_details = METHODS.get(snapshot["contract_method"], ("open", snapshot["contract_method"]))
    award_method = snapshot.get("award_method") or "qualification_review"
    criteria, criteria_details = AWARD_CRITERIA[award_method]
    tender: dict[str, Any] = {
        "id": notice_number,
        "title": snapshot["title"],
        "status": "active",
        "value": value(int(snapshot["base_amount"])),
        "procurementMethod": method,
        "procurementMethodDetails": method_details,
        "mainProcurementCategory": CATEGORIES[snapshot["category"]],
        "awardCriteria": criteria,
        "awardCriteriaDetails": criteria_details,
        "submissionMethod": ["electronicSubmission"],
        "submissionTerms": {
            "electronicSubmissionPolicy": "required",
            "variantPolicy": "notAllowed",
            "languages": ["ko"],
        },
        "tenderPeriod": {
            "startDate": when(datetime.fromisoformat(snapshot["bid_start_at"])),
            "endDate": when(datetime.fromisoformat(snapshot["deadline_at"])),
        },
        "bidOpening": {
            "date": when(datetime.fromisoformat(snapshot["opening_at"])),
            "description": "전자개찰: 개찰위원의 키 조각으로 봉인을 풀고 결과를 즉시 공개 (electronic opening, "
            "results published at once)",
        },
        "estimatedPrice": value(int(snapshot["estimated_price"])),
        "bidBondForm": snapshot.get("bid_bond") or "undertaking",
        "awardMethod": award_method,
        "round": int(snapshot["round"]),
    }
    if snapshot.get("description"):
        tender["description"] = snapshot["description"]
    if int(snapshot.get("a_value") or 0):
        tender["aValue"] = value(int(snapshot["a_value"]))
    return tender


@dataclass(frozen=True)
class PublicBid:
    """One bid of an opened round, as the public results show it (``evaluation.queries.ResultRow``)."""

    firm: Org
    received_at: datetime
    valid: bool
    amount: int | None
    rate: Decimal | None
    picks: tuple[int, ...]
    rank: int | None
    standing: str | None
    invalid_reason: str | None
    technical_raw: Decimal | None = None
    technical: Decimal | None = None
    technical_eligible: bool | None = None
    price_score: Decimal | None = None
    total: Decimal | None = None


def bid_id(round_no: int, firm: Org) -> str:
    """A bid is one firm's in one round (one bid per firm and round): stable whatever the order of the list."""
    return f"{round_no}-{firm.party_id}"


def bid_detail(round_no: int, bid: PublicBid) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "id": bid_id(round_no, bid.firm),
        "date": when(bid.received_at),
        "status": "valid" if bid.valid else "disqualified",
        "tenderers": [bid.firm.reference()],
    }
    if bid.amount is not None:
        detail["value"] = value(bid.amount)
    if bid.picks:
        detail["picks"] = list(bid.picks)
    if bid.rate is not None:
        detail["rate"] = number(bid.rate)
    if bid.rank is not None:
        detail["rank"] = bid.rank
    if bid.standing:
        detail["standing"] = bid.standing
    if bid.invalid_reason:
        detail["invalidReason"] = bid.invalid_reason
    score: dict[str, Any] = {}
    if bid.technical_raw is not None:
        score["raw"] = number(bid.technical_raw)
    if bid.technical is not None:
        score["differential"] = number(bid.technical)
    if bid.technical_eligible is not None:
        score["eligible"] = bid.technical_eligible
    if score:
        detail["technicalScore"] = score
    if bid.price_score is not None:
        detail["priceScore"] = number(bid.price_score)
    if bid.total is not None:
        detail["totalScore"] = number(bid.total)
    return detail


def bid_statistics(round_no: int, at: datetime, received: int, valid: int) -> list[dict[str, Any]]:
    return [
        {"id": f"{round_no}-bids", "measure": "bids", "date": when(at), "value": received},
        {"id": f"{round_no}-validBids", "measure": "validBids", "date": when(at), "value": valid},
    ]
