"""External processes (issue #10 point 4) from the outside: the `jangter import ocds` command, the read-only API
with problem+json errors, and the public page in Korean and English."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from jangter.cli import app
from jangter.kernel.context import AppContext
from jangter.opendata.imports import service
from tests.integration.test_ocds_import import KONEPS_FILES, OCDS_FILES, SAMPLES

runner = CliRunner()
assert OCDS_FILES, f"the OCDS samples are missing: {SAMPLES} (the shared material must sit at ../shared)"


def test_an_operator_imports_a_file_reimports_it_and_exports_what_was_kept(tmp_path: Path) -> None:
    env = {
        "JANGTER_DATABASE_URL": f"sqlite:///{tmp_path / 'import.db'}",
        "JANGTER_VAR_DIR": str(tmp_path),
        "JANGTER_SECRET_KEY": "i" * 40,
        "JANGTER_LOG_LEVEL": "warning",
    }
    assert runner.invoke(app, ["migrate"], env=env).exit_code == 0
    sample = SAMPLES / "moldova-mtender_release_ocds-ngfbwp-19689876.json"
    imported = runner.invoke(app, ["import", "ocds", str(sample), "--country", "MD"], env=env)
    assert imported.exit_code == 0, imported.output
    assert "items 1: kept 1 (new 1, already imported 0), dropped 0; processes 1" in imported.output
    assert "amount_empty: 1" in imported.output and "$.tender.value.amount" in imported.output
    assert "codelist_value: 2" in imported.output
    again = runner.invoke(app, ["import", "ocds", str(sample), "--json"], env=env)
    assert again.exit_code == 0
    assert again.output.startswith("already imported as batch 1")
    report = json.loads(again.output.split("\n", 1)[1])
    assert report["counts"]["kept"] == 1 and report["country"] == "MD"
    out = tmp_path / "back.json"
    exported = runner.invoke(app, ["import", "export", "1", "--out", str(out)], env=env)
    assert exported.exit_code == 0, exported.output
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(sample.read_text(encoding="utf-8"))
    listed = runner.invoke(app, ["import", "batches"], env=env)
    assert "moldova-mtender_release_ocds-ngfbwp-19689876.json" in listed.output and "(MD)" in listed.output


def test_the_command_refuses_what_is_not_ocds_and_bad_options(tmp_path: Path) -> None:
    env = {
        "JANGTER_DATABASE_URL": f"sqlite:///{tmp_path / 'import.db'}",
        "JANGTER_VAR_DIR": str(tmp_path),
        "JANGTER_SECRET_KEY": "i" * 40,
        "JANGTER_LOG_LEVEL": "warning",
    }
    assert runner.invoke(app, ["migrate"], env=env).exit_code == 0
    refused = runner.invoke(app, ["import", "ocds", str(KONEPS_FILES[0])], env=env)
    assert refused.exit_code == 1
    assert "ocds_not_recognised" in refused.output and "public data portal" in refused.output
    broken = tmp_path / "broken.json"
    broken.write_text('{"releases": [', encoding="utf-8")
    assert "ocds_invalid_json" in runner.invoke(app, ["import", "ocds", str(broken)], env=env).output
    bad_country = runner.invoke(app, ["import", "ocds", str(OCDS_FILES[0]), "--country", "Korea"], env=env)
    assert bad_country.exit_code == 1 and "country_invalid" in bad_country.output
    missing = runner.invoke(app, ["import", "ocds", str(tmp_path / "nothing.json")], env=env)
    assert missing.exit_code == 2
    assert runner.invoke(app, ["import", "batches"], env=env).output.strip() == ""  # nothing was stored


@pytest.fixture
def imported(ctx: AppContext) -> AppContext:
    countries = {"armenia": "AM", "ukraine": "UA", "mexico": "MX", "paraguay": "PY", "colombia": "CO", "uk": "GB"}
    for path in OCDS_FILES:
        country = countries.get(path.name.split("-")[0])
        service.import_ocds(ctx, path.read_bytes(), path.name, by="test", country=country)
    return ctx


def test_anyone_lists_the_external_processes_page_by_page(client: TestClient, imported: AppContext) -> None:
    first = client.get("/api/v1/external-processes", params={"country": "AM", "limit": 60})
    assert first.status_code == 200
    body = first.json()
    assert body["count"] == 100 and len(body["items"]) == 60 and body["next_cursor"]
    rest = client.get("/api/v1/external-processes", params={"country": "AM", "cursor": body["next_cursor"]}).json()
    assert len(rest["items"]) == 40 and rest["next_cursor"] is None
    ocids = {p["ocid"] for p in body["items"]} | {p["ocid"] for p in rest["items"]}
    assert len(ocids) == 100
    found = client.get("/api/v1/external-processes", params={"q": "Met Office"}).json()
    assert [p["ocid"] for p in found["items"]] == ["ocds-b5fd17-2c330cf9-adc8-11e6-9901-0019b9f3037b"]
    assert found["items"][0]["tender_value"] == {"amount": "464500.0000", "currency": "GBP"}
    by_source = client.get("/api/v1/external-processes", params={"source": "CDMX-SEFIN"}).json()
    assert by_source["count"] == 1 and by_source["items"][0]["releases"] == 2


def test_one_process_shows_its_releases_as_imported(client: TestClient, imported: AppContext) -> None:
    sample = SAMPLES / "ukraine-prozorro_release_UA-2017-04-10-002020-b.json"
    response = client.get("/api/v1/external-processes/ocds-be6bcu-UA-2017-04-10-002020-b")
    assert response.status_code == 200
    body = response.json()
    assert body["documents"] == [json.loads(sample.read_text(encoding="utf-8"))]
    assert body["awards"] == {"amount": "8154.0000", "currency": "UAH", "count": 1, "latest": body["awards"]["latest"]}
    assert {b["file_name"] for b in body["batches"]} == {
        "ukraine-prozorro_release-package_2-releases.json",
        "ukraine-prozorro_release_UA-2017-04-10-002020-b.json",
    }


def test_errors_are_problem_json_with_stable_codes(client: TestClient, imported: AppContext) -> None:
    missing = client.get("/api/v1/external-processes/ocds-nothing", headers={"Accept-Language": "en"})
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert missing.json()["code"] == "external_process_not_found"
    bad_cursor = client.get("/api/v1/external-processes", params={"cursor": "!!"})
    assert bad_cursor.status_code == 400 and bad_cursor.json()["code"] == "cursor_invalid"
    bad_country = client.get("/api/v1/external-processes", params={"country": "korea"})
    assert bad_country.status_code == 422
    assert bad_country.headers["content-type"].startswith("application/problem+json")


def test_no_route_writes_external_processes(client: TestClient) -> None:
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert client.request(method, "/api/v1/external-processes").status_code == 405
        assert client.request(method, "/api/v1/external-processes/ocds-x").status_code == 405


def test_the_page_shows_totals_by_source_in_korean_then_english(client: TestClient, imported: AppContext) -> None:
    page = client.get("/external-processes")
    assert page.status_code == 200
    assert "해외 조달 절차" in page.text and "출처별 합계" in page.text
    assert "Armeps/PPCM" in page.text and "AMD" in page.text
    english = client.get("/external-processes", params={"lang": "en", "country": "UA"})
    assert "Totals by source" in english.text and "2 processes" in english.text
    one = client.get("/external-processes/ocds-ngfbwp-19689876", params={"lang": "en"})
    assert one.status_code == 200 and "Licitaţie publică" in one.text
    assert client.get("/external-processes/ocds-nothing").status_code == 404


def test_the_empty_page_says_nothing_was_imported(client: TestClient) -> None:
    assert "아직 가져온 자료가 없습니다." in client.get("/external-processes").text
