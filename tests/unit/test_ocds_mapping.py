"""The OCDS mapping's pure pieces: the ocid, dates and amounts, parties, bids, and the merge of releases."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from jangter.config import Environment, SettingsError, load_settings
from jangter.opendata.ocds import mapping
from jangter.opendata.ocds.ids import notice_number, ocid
from jangter.opendata.ocds.mapping import Org, PublicBid
from jangter.opendata.ocds.records import compile_releases, merge_value

FIRM = Org(7, "(주)한빛건설", "supplier", business_number="1208154323")
AGENCY = Org(2, "행정안전부", "agency", agency_code="1741000", name_en="Ministry of the Interior and Safety")


def test_the_ocid_is_the_registered_prefix_and_the_notice_number() -> None:
    assert ocid("R26BK00000001", "ocds-a1b2c3") == "ocds-a1b2c3-R26BK00000001"
    assert ocid("R26BK00000001") == "ocds-jangtr-R26BK00000001"
    assert notice_number("ocds-a1b2c3-R26BK00000001", "ocds-a1b2c3") == "R26BK00000001"
    assert notice_number("ocds-zzzzzz-R26BK00000001", "ocds-a1b2c3") is None
    for prefix in ("jangter", "ocds-ABCDEF", "ocds-abc", "ocds-abcdefg"):
        with pytest.raises(ValueError, match="prefix"):
            ocid("R26BK00000001", prefix)
    with pytest.raises(ValueError, match="notice number"):
        ocid("R26BK-1", "ocds-a1b2c3")


def test_the_prefix_setting_is_checked_at_start() -> None:
    assert (
        load_settings(env=Environment.TEST, secret_key="s" * 40, ocid_prefix="ocds-a1b2c3").ocid_prefix == "ocds-a1b2c3"
    )
    with pytest.raises(SettingsError, match="JANGTER_OCID_PREFIX"):
        load_settings(env=Environment.TEST, secret_key="s" * 40, ocid_prefix="ocds-Jangter")


def test_dates_carry_the_seoul_offset_and_amounts_are_won() -> None:
    assert mapping.when(datetime(2026, 11, 2, 0, 0, tzinfo=UTC)) == "2026-11-02T09:00:00+09:00"
    assert mapping.day_start(date(2026, 12, 1)) == "2026-12-01T00:00:00+09:00"
    assert mapping.day_end(date(2027, 3, 31)) == "2027-03-31T23:59:59+09:00"
    assert mapping.value(842_000_000) == {"amount": 842_000_000, "currency": "KRW"}
    assert mapping.number(Decimal("87.745")) == 87.745
    assert mapping.number(Decimal("2.000")) == 2


def test_organisations_are_named_by_their_public_numbers_and_nothing_personal() -> None:
    assert FIRM.party_id == "KR-BRN-1208154323"
    assert AGENCY.party_id == "KR-PPSAC-1741000"
    assert Org(9, "보증기관", "guarantor").party_id == "XX-JANGTER-9"
    party = AGENCY.party(["procuringEntity", "buyer", "buyer"])
    assert party["roles"] == ["buyer", "procuringEntity"]
    assert party["additionalIdentifiers"][0]["legalName"] == "Ministry of the Interior and Safety"
    assert set(FIRM.party(["tenderer"])) == {"id", "name", "identifier", "roles"}  # no address, no contact person


def test_an_invalid_bid_shows_no_amount_and_a_valid_one_shows_its_picks_and_rank() -> None:
    at = datetime(2026, 11, 11, 0, 30, tzinfo=UTC)
    refused = PublicBid(FIRM, at, False, None, None, (), None, None, "서명 불일치")
    assert mapping.bid_detail(1, refused) == {
        "id": "1-KR-BRN-1208154323",
        "date": "2026-11-11T09:30:00+09:00",
        "status": "disqualified",
        "tenderers": [{"id": "KR-BRN-1208154323", "name": "(주)한빛건설"}],
        "invalidReason": "서명 불일치",
    }
    valid = PublicBid(FIRM, at, True, 88_700_000, Decimal("88.912"), (2, 6), 1, "eligible", None)
    detail = mapping.bid_detail(2, valid)
    assert detail["id"] == "2-KR-BRN-1208154323"
    assert (detail["value"]["amount"], detail["picks"], detail["rate"], detail["rank"]) == (
        88_700_000,
        [2, 6],
        88.912,
        1,
    )


def test_the_tender_of_a_revision_says_what_was_announced() -> None:
    snapshot = {
        "title": "청사 LED 조명 교체 구매",
        "description": "",
        "category": "goods",
        "contract_method": "general_competitive",
        "base_amount": 100_000_000,
        "estimated_price": 90_909_090,
        "a_value": 0,
        "bid_start_at": "2026-11-02T00:00:00+00:00",
        "deadline_at": "2026-11-11T01:00:00+00:00",
        "opening_at": "2026-11-11T02:00:00+00:00",
        "award_method": "lowest_price",
        "bid_bond": "guarantee",
        "round": 1,
    }
    tender = mapping.tender_terms(snapshot, notice_number="R26BK00000001")
    assert tender["tenderPeriod"] == {"startDate": "2026-11-02T09:00:00+09:00", "endDate": "2026-11-11T10:00:00+09:00"}
    assert tender["bidOpening"]["date"] == "2026-11-11T11:00:00+09:00"
    assert (tender["procurementMethod"], tender["awardCriteria"], tender["bidBondForm"]) == (
        "open",
        "priceOnly",
        "guarantee",
    )
    assert "description" not in tender and "aValue" not in tender
    assert "bids" not in tender


def test_the_merge_keeps_items_by_id_and_replaces_plain_lists() -> None:
    old: dict[str, Any] = {
        "parties": [{"id": "a", "roles": ["buyer"], "name": "A"}],
        "tag": ["x"],
        "tender": {"status": "active"},
    }
    new = {"parties": [{"id": "a", "roles": ["tenderer"]}, {"id": "b", "roles": ["supplier"]}], "tender": {"x": 1}}
    merged = merge_value(old, new)
    assert merged["parties"] == [{"id": "a", "roles": ["tenderer"], "name": "A"}, {"id": "b", "roles": ["supplier"]}]
    assert merged["tender"] == {"status": "active", "x": 1}
    assert old["parties"][0]["roles"] == ["buyer"]  # the inputs are not changed


def test_the_compiled_release_is_the_last_state_with_its_own_id_and_tag() -> None:
    releases = [
        {"ocid": "o", "id": "o-tender-000", "date": "d1", "tag": ["tender"], "tender": {"id": "t", "status": "active"}},
        {
            "ocid": "o",
            "id": "o-cancellation",
            "date": "d2",
            "tag": ["tenderCancellation"],
            "tender": {"status": "cancelled"},
        },
    ]
    compiled = compile_releases(releases)
    assert compiled == {
        "ocid": "o",
        "id": "o-compiled",
        "date": "d2",
        "tag": ["compiled"],
        "tender": {"id": "t", "status": "cancelled"},
    }
    with pytest.raises(ValueError, match="at least one"):
        compile_releases([])
