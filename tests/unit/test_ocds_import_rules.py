"""The pure rules of the OCDS import: reading messy values, telling what a file is, which items are kept, and what
a process's releases add up to (issue #10 point 4)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from jangter.opendata.imports.domain.packages import NotOcds, PackageType, detect, sort_items
from jangter.opendata.imports.domain.report import KINDS, Report
from jangter.opendata.imports.domain.summary import combine, read_record, read_release
from jangter.opendata.imports.domain.values import parse_amount, parse_currency, parse_datetime, summary_amount


@pytest.mark.parametrize(
    ("raw", "value", "issue"),
    [
        (1000, Decimal(1000), None),
        (0.01, Decimal("0.01"), None),
        (6708.37, Decimal("6708.37"), None),
        ("1 000,50", Decimal("1000.50"), "amount_string"),
        ("1\u00a0000,50", Decimal("1000.50"), "amount_string"),
        ("1.000,50", Decimal("1000.50"), "amount_string"),
        ("1,000.50", Decimal("1000.50"), "amount_string"),
        ("1,000,000", Decimal(1000000), "amount_string"),
        ("1.000.000", Decimal(1000000), "amount_string"),
        ("1000,5", Decimal("1000.5"), "amount_string"),
        ("-12.5", Decimal("-12.5"), "amount_string"),
        ("1,000", None, "amount_ambiguous"),
        ("", None, "amount_empty"),
        ("  ", None, "amount_empty"),
        ("12 USD", None, "amount_unparseable"),
        ("1.00.0", None, "amount_unparseable"),
        (None, None, "amount_missing"),
        (True, None, "amount_malformed"),
        (float("nan"), None, "amount_malformed"),
        ({"amount": 1}, None, "amount_malformed"),
        (10**21, None, "amount_out_of_range"),
    ],
)
def test_an_amount_is_read_only_when_its_form_is_unambiguous(raw: object, value: Decimal | None, issue: str) -> None:
    assert parse_amount(raw) == (value, issue)


def test_the_summary_keeps_four_decimals_and_says_when_it_rounded() -> None:
    assert summary_amount(Decimal("0.01")) == (Decimal("0.0100"), False)
    assert summary_amount(Decimal("1.23456")) == (Decimal("1.2346"), True)


@pytest.mark.parametrize(
    ("raw", "value", "issue"),
    [
        ("UAH", "UAH", None),
        ("uah", "UAH", "currency_lowercase"),
        ("", None, "currency_missing"),
        (None, None, "currency_missing"),
        ("Lei", None, "currency_invalid"),
        ("₩", None, "currency_invalid"),
        (840, None, "currency_invalid"),
    ],
)
def test_a_currency_is_an_iso_code_or_nothing(raw: object, value: str | None, issue: str | None) -> None:
    assert parse_currency(raw) == (value, issue)


def test_dates_with_an_offset_are_read_as_they_are() -> None:
    assert parse_datetime("2016-11-04T23:44:10.254150+02:00") == (
        datetime(2016, 11, 4, 21, 44, 10, 254150, tzinfo=UTC),
        None,
    )
    assert parse_datetime("2016-06-30T14:32:40.000000Z") == (datetime(2016, 6, 30, 14, 32, 40, tzinfo=UTC), None)


def test_a_date_without_offset_is_assumed_utc_and_reported() -> None:
    assert parse_datetime("2017-06-02T10:00:00") == (datetime(2017, 6, 2, 10, tzinfo=UTC), "date_without_offset")
    assert parse_datetime("2017-06-02") == (datetime(2017, 6, 2, tzinfo=UTC), "date_without_time")


@pytest.mark.parametrize(
    ("raw", "issue"),
    [(None, "date_missing"), ("", "date_empty"), ("02/06/2017", "date_unparseable"), (20170602, "date_malformed")],
)
def test_an_unreadable_date_is_not_read(raw: object, issue: str) -> None:
    assert parse_datetime(raw) == (None, issue)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"uri": "x", "releases": []}, PackageType.RELEASE_PACKAGE),
        ({"records": [{"ocid": "a"}]}, PackageType.RECORD_PACKAGE),
        ({"ocid": "a", "id": "1", "date": "2020-01-01T00:00:00Z", "tag": ["tender"]}, PackageType.RELEASE),
        ({"ocid": "a", "releases": [{"url": "u"}], "compiledRelease": {}}, PackageType.RECORD),
        ({"ocid": "a", "compiledRelease": {}}, PackageType.RECORD),
        ({"id": "1", "tag": ["tender"]}, PackageType.RELEASE),  # a release that lost its ocid: dropped later
    ],
)
def test_the_kind_of_document_is_told_by_its_top_level(document: object, expected: PackageType) -> None:
    assert detect(document) is expected


@pytest.mark.parametrize(
    "document", [[], "x", {}, {"response": {"header": {}, "body": {"items": []}}}, {"releases": {"a": 1}}]
)
def test_what_is_not_ocds_is_refused_with_a_code(document: object) -> None:
    with pytest.raises(NotOcds) as refused:
        detect(document)
    assert refused.value.code in ("ocds_not_recognised", "ocds_malformed_package")


def test_the_koneps_portal_response_is_named_in_the_refusal() -> None:
    with pytest.raises(NotOcds, match="public data portal"):
        detect({"response": {"header": {"resultCode": "00"}, "body": {"items": []}}})


def test_items_without_ocid_or_id_and_repeated_ids_are_dropped_and_reported() -> None:
    items = [
        {"ocid": "ocds-a-1", "id": "r1"},
        {"ocid": "ocds-a-1", "id": "r1", "date": "other"},  # same ocid and id: the later one is dropped
        {"id": "r2"},
        {"ocid": "ocds-a-2"},
        "not an object",
        {"ocid": "ocds-a-3", "id": 7},  # a number id is kept, read as text, reported
        {"ocid": "ocds-a-4", "id": "r4", "tender": {"title": "a\x00b"}},
        {"ocid": "OCDS-A-1", "id": "r1"},  # ocids are case-sensitive: another process
    ]
    report = Report()
    kept = sort_items(items, "release", PackageType.RELEASE_PACKAGE, report)
    assert [i.position for i in kept] == [0, 5, 7]
    assert kept[1].key == "7"
    assert [(d.position, d.reason) for d in report.dropped] == [
        (1, "duplicate_release_id"),
        (2, "missing_ocid"),
        (3, "missing_release_id"),
        (4, "not_an_object"),
        (6, "nul_character"),
    ]
    assert report.issues["release_id_not_a_string"].examples == [{"where": "releases[5].id", "value": "7"}]


def test_a_record_is_kept_by_content_so_only_an_identical_copy_is_dropped() -> None:
    record = {"ocid": "ocds-a-1", "releases": [{"url": "u", "date": "d", "tag": ["tender"]}]}
    report = Report()
    kept = sort_items([record, dict(record), {**record, "releases": []}], "record", PackageType.RECORD_PACKAGE, report)
    assert [i.position for i in kept] == [0, 2]
    assert [d.reason for d in report.dropped] == ["duplicate_record"]


def release(**fields: object) -> dict[str, object]:
    return {"ocid": "ocds-a-1", "id": "1", "date": "2020-01-01T00:00:00Z", "tag": ["tender"], **fields}


def test_awards_that_did_not_happen_and_identical_copies_are_left_out_of_the_total() -> None:
    awards = [
        {"id": "a1", "status": "unsuccessful", "value": {"amount": 6708.37, "currency": "UAH"}},
        {"id": "a2", "status": "active", "value": {"amount": 8154.0, "currency": "UAH"}, "date": "2017-04-21"},
        {"id": "a2", "status": "active", "value": {"amount": 8154.0, "currency": "UAH"}, "date": "2017-04-21"},
        {"id": "a3", "value": {"amount": "1 000,50", "currency": "UAH"}},
    ]
    report = Report()
    facts = read_release(release(awards=awards), "$", report)
    assert facts.awards is not None
    assert (facts.awards.count, facts.awards.money.amount, facts.awards.money.currency) == (
        2,
        Decimal("9154.5000"),
        "UAH",
    )
    assert facts.awards.latest == datetime(2017, 4, 21, tzinfo=UTC)
    assert set(report.issues) == {"duplicate_object", "amount_string", "date_without_time"}


def test_a_total_over_several_currencies_is_not_made() -> None:
    contracts = [{"value": {"amount": 1, "currency": "USD"}}, {"value": {"amount": 2, "currency": "EUR"}}]
    report = Report()
    facts = read_release(release(contracts=contracts), "$", report)
    assert facts.contracts is not None and facts.contracts.money.amount is None
    assert report.issues["mixed_currencies"].count == 1


def test_a_missing_currency_is_reported_and_never_filled_in() -> None:
    report = Report()
    facts = read_release(release(tender={"value": {"amount": 0}}), "$", report)
    assert facts.tender_value is not None and facts.tender_value.currency is None
    assert report.issues["currency_missing"].examples[0]["where"] == "$.tender.value.currency"


def test_odd_shapes_and_foreign_codes_are_reported_and_kept_as_written() -> None:
    report = Report()
    facts = read_release(
        release(
            planning=[{"budget": {}}],
            tender={"procurementMethod": "Licitaţie publică", "status": "Primirea ofertelor", "value": []},
            tag=["tender", "bid"],
            urlSECOP="x",
        ),
        "$",
        report,
    )
    assert facts.procurement_method == "Licitaţie publică"
    assert facts.tender_value is None
    assert report.issues["wrong_type"].count == 2
    assert report.issues["codelist_value"].count == 3
    assert report.issues["unknown_field"].examples[0]["where"] == "$.urlSECOP"


def test_the_buyer_comes_from_the_parties_when_buyer_has_no_name() -> None:
    parties = [{"name": "Supplier", "roles": ["supplier"]}, {"name": "Met Office", "roles": ["buyer"]}]
    assert read_release(release(parties=parties), "$", Report()).buyer_name == "Met Office"


def test_a_process_takes_each_field_from_its_latest_release_that_has_it() -> None:
    first = read_release(release(tender={"title": "Old", "value": {"amount": 1, "currency": "MXN"}}), "$", Report())
    later = read_release(release(id="2", date="2021-01-01T00:00:00Z", tender={"title": "New"}), "$", Report())
    combined = combine([later, first])
    assert combined.title == "New"
    assert combined.tender_value is not None and combined.tender_value.amount == Decimal("1.0000")
    assert combined.last_release_at == datetime(2021, 1, 1, tzinfo=UTC)
    assert combined.releases == 2


def test_a_record_without_compiled_release_is_summarised_from_its_full_releases() -> None:
    report = Report()
    record = {
        "ocid": "ocds-a-1",
        "releases": [{"url": "u", "date": "d", "tag": ["tender"]}, release(tender={"title": "Full"})],
    }
    facts = read_record(record, "records[0]", report)
    assert [f.title for f in facts] == ["Full"]
    assert "record_without_compiled_release" in report.issues


def test_every_reported_kind_has_a_korean_and_an_english_message() -> None:
    assert all(ko and en for ko, en in KINDS.values())


def test_a_file_nested_too_deeply_is_refused_not_crashed_on() -> None:
    from jangter.kernel.errors import DomainError
    from jangter.opendata.imports.service import parse

    with pytest.raises(DomainError) as refused:
        parse(b"[" * 200_000 + b"]" * 200_000)
    assert refused.value.code == "ocds_invalid_json" and "nested" in refused.value.message_en
