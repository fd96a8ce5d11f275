"""Importing other systems' OCDS (issue #10 point 4): every real sample under ``../shared/ocds/samples/`` imports
with a report whose counts add up, a second import changes nothing, and the export of each batch is JSON-equal to
the kept part of its file (see ``opendata/imports/domain/packages.py`` for "kept")."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError
from jangter.opendata.imports import service
from jangter.opendata.imports.orm import ExternalProcess, ExternalRelease, ImportBatch
from tests.shared_material import SHARED

SAMPLES = SHARED / "ocds" / "samples"
OCDS_FILES = sorted(p for p in SAMPLES.rglob("*.json") if "koneps" not in p.parts)
KONEPS_FILES = sorted((SAMPLES / "koneps").glob("*.json"))

assert OCDS_FILES, f"the OCDS samples are missing: {SAMPLES} (the shared material must sit at ../shared)"


def kept_part(document: Any, report: dict[str, Any]) -> Any:
    """The input minus the items the report says were dropped: the export must equal exactly this."""
    dropped = {d["position"] for d in report["dropped"]}
    array = {"release_package": "releases", "record_package": "records"}.get(report["package_type"])
    if array is None:
        return None if dropped else document
    return {**document, array: [item for i, item in enumerate(document[array]) if i not in dropped]}


def independent_kept_positions(document: Any, package_type: str) -> list[int]:
    """The definition of "kept", written again here from the docs, to check the import against."""
    array = {"release_package": "releases", "record_package": "records"}.get(package_type)
    items = document[array] if array else [document]
    seen, kept = set(), []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("ocid"), str) or not item["ocid"].strip():
            continue
        if array != "records" and "ocid" in item and not item.get("id"):
            continue
        key = (item["ocid"], str(item.get("id")) if array != "records" else json.dumps(item, sort_keys=True))
        if key not in seen:
            seen.add(key)
            kept.append(i)
    return kept


def import_file(ctx: AppContext, path: Path, **options: Any) -> service.ImportResult:
    return service.import_ocds(ctx, path.read_bytes(), path.name, by="test", **options)


def test_the_samples_are_there() -> None:
    assert len(OCDS_FILES) >= 11
    assert KONEPS_FILES


def test_every_sample_imports_with_a_report_and_round_trips_what_it_kept(ctx: AppContext) -> None:
    for path in OCDS_FILES:
        document = json.loads(path.read_text(encoding="utf-8"))
        result = import_file(ctx, path)
        report = result.report
        counts = report["counts"]
        assert not result.already_imported, path.name
        assert counts["items"] == counts["kept"] + counts["dropped"], path.name
        assert counts["kept"] == counts["new"] + counts["unchanged"], path.name
        assert counts["dropped"] == len(report["dropped"]), path.name
        assert counts["kept"] >= 1, path.name
        assert [
            i for i in range(counts["items"]) if i not in {d["position"] for d in report["dropped"]}
        ] == independent_kept_positions(document, report["package_type"]), path.name
        for kind, issue in report["issues"].items():
            assert issue["count"] >= len(issue["examples"]) >= 1, (path.name, kind)
        exported = service.export_batch(ctx, result.batch_id)
        assert exported == kept_part(document, report), path.name
        with ctx.db.reading() as session:
            stored = session.get(ImportBatch, result.batch_id)
            assert stored is not None and stored.report == report
    with ctx.db.reading() as session:
        processes = session.scalar(select(func.count()).select_from(ExternalProcess))
        releases = session.scalar(select(func.count()).select_from(ExternalRelease))
    assert processes == 100 + 1 + 2 + 1 + 1 + 1 + 1 + 1 + 1  # Armenia 100, CDMX one ocid in 2 releases, …
    assert releases == 100 + 1 + 2 + 1 + 2 + 1 + 1 + 1 + 1  # the two Ukraine singles are the derived package's


def test_importing_the_same_files_again_changes_nothing(ctx: AppContext) -> None:
    first = [import_file(ctx, path) for path in OCDS_FILES]
    with ctx.db.reading() as session:
        before = [session.scalar(select(func.count()).select_from(t)) for t in (ImportBatch, ExternalRelease)]
    again = [import_file(ctx, path) for path in OCDS_FILES]
    assert all(r.already_imported for r in again)
    assert [r.batch_id for r in again] == [r.batch_id for r in first]
    with ctx.db.reading() as session:
        after = [session.scalar(select(func.count()).select_from(t)) for t in (ImportBatch, ExternalRelease)]
    assert after == before


def test_a_release_already_imported_from_another_file_is_linked_not_duplicated(ctx: AppContext) -> None:
    singles = [p for p in OCDS_FILES if p.name.startswith("ukraine-prozorro_release_")]
    package = next(p for p in OCDS_FILES if p.name.startswith("ukraine-prozorro_release-package"))
    for path in singles:
        assert import_file(ctx, path).report["counts"]["new"] == 1
    result = import_file(ctx, package)
    assert result.report["counts"] == {
        "items": 2,
        "kept": 2,
        "new": 0,
        "unchanged": 2,
        "dropped": 0,
        "processes": 2,
    }
    assert service.export_batch(ctx, result.batch_id) == json.loads(package.read_text(encoding="utf-8"))


def test_the_koneps_portal_response_is_refused_as_not_ocds(ctx: AppContext) -> None:
    for path in KONEPS_FILES:
        with pytest.raises(DomainError) as refused:
            import_file(ctx, path)
        assert refused.value.code == "ocds_not_recognised"
        assert "public data portal" in refused.value.message_en
    with ctx.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_a_messy_package_reports_every_drop_and_round_trips_the_rest(ctx: AppContext, tmp_path: Path) -> None:
    source = next(p for p in OCDS_FILES if p.name.startswith("mexico-cdmx"))
    document = json.loads(source.read_text(encoding="utf-8"))
    good, other = document["releases"]
    messy = json.loads(json.dumps(good))
    messy["id"] = "03"
    messy["tender"]["value"] = {"amount": "1 311 264,50", "currency": "mxn"}
    messy["date"] = "2018-01-01T00:00:00"
    document["releases"] = [
        good,
        {k: v for k, v in other.items() if k != "ocid"},
        good,  # the same ocid and id again
        "garbage",
        other,
        {k: v for k, v in other.items() if k != "id"},
        messy,
    ]
    path = tmp_path / "messy.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = import_file(ctx, path, source="CDMX", country="MX").report
    assert report["counts"] == {"items": 7, "kept": 3, "new": 3, "unchanged": 0, "dropped": 4, "processes": 1}
    assert [(d["position"], d["reason"]) for d in report["dropped"]] == [
        (1, "missing_ocid"),
        (2, "duplicate_release_id"),
        (3, "not_an_object"),
        (5, "missing_release_id"),
    ]
    issues = report["issues"]
    assert issues["amount_string"]["examples"] == [
        {"where": "releases[6].tender.value.amount", "value": "1 311 264,50"}
    ]
    assert issues["currency_lowercase"]["count"] == 1
    assert issues["date_without_offset"]["examples"][0]["where"] == "releases[6].date"
    assert service.export_batch(ctx, report["batch"]) == kept_part(document, report)
    page = service.search_processes(ctx, service.ProcessQuery(country="MX"))
    [process] = page.items
    assert (process.source, process.releases) == ("CDMX", 3)
    assert (process.tender_amount, process.tender_currency) == (Decimal("1311264.5"), "MXN")  # the latest release


def test_a_release_that_changed_under_the_same_id_is_dropped_as_conflicting(ctx: AppContext, tmp_path: Path) -> None:
    source = next(p for p in OCDS_FILES if p.name.startswith("uk-contracts-finder"))
    import_file(ctx, source)
    changed = json.loads(source.read_text(encoding="utf-8"))
    changed["tender"]["title"] = "Rewritten"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    report = import_file(ctx, path).report
    assert report["counts"]["kept"] == 0 and report["dropped"][0]["reason"] == "conflicting_release"
    assert service.export_batch(ctx, report["batch"]) is None


def test_the_summaries_follow_the_documented_rules(ctx: AppContext) -> None:
    for path in OCDS_FILES:
        import_file(ctx, path)
    ukraine = service.get_process(ctx, "ocds-be6bcu-UA-2017-04-10-002020-b").process
    assert (ukraine.award_count, ukraine.award_total, ukraine.award_currency) == (1, Decimal("8154"), "UAH")
    moldova = service.get_process(ctx, "ocds-ngfbwp-19689876").process
    assert moldova.procurement_method == "Licitaţie publică" and moldova.tender_amount is None
    apf = service.get_process(ctx, "ocds-07smqs-993235").process
    assert (apf.tender_amount, apf.tender_currency) == (Decimal(0), None)  # the source gave no currency
    totals = {t.source: t for t in service.totals_by_source(ctx)}
    assert totals["Armeps/PPCM"].processes == 100
    assert [c.currency for c in totals["Armeps/PPCM"].currencies] == ["AMD"]
    with pytest.raises(DomainError) as missing:
        service.get_process(ctx, "ocds-be6bcu-ua-2017-04-10-002020-b")  # ocids are case-sensitive
    assert missing.value.code == "external_process_not_found"
