"""OCDS over HTTP and on the command line: every package Jangter produces for the demo validates against OCDS 1.1.5
with the extensions it declares (Jangter's own included); lists page by cursor; errors are problem+json."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from jangter.app import create_app
from jangter.cli import app as cli
from jangter.config import Environment, Settings
from jangter.demo import load_demo
from jangter.kernel.calendar import KoreanCalendar
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.db import Database
from jangter.kernel.randomness import SystemRandomSource
from jangter.kernel.signing import PlatformSigner
from jangter.opendata.ocds.api import EXTENSION_DIR
from jangter.opendata.ocds.export import export
from jangter.rules.loader import load_rule_book
from jangter.tendering import service as tendering
from tests.ocds_check import validate
from tests.support import make_world, terms


@pytest.fixture
def demo_client(database_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, AppContext]]:
    clock = OffsetClock()  # real time: the demo is built around today
    ctx = AppContext(
        db=Database(database_url, clock, pool_size=5),
        clock=clock,
        calendar=KoreanCalendar(),
        rules=load_rule_book(),
        rng=SystemRandomSource(),
        signer=PlatformSigner.generate(),
        base_url="http://testserver",
    )
    load_demo(ctx, key_dir=tmp_path / "demo-keys")
    settings = Settings(env=Environment.TEST, database_url=database_url, secret_key="o" * 40, embedded_worker=False)
    with TestClient(create_app(settings, ctx, run_worker=False), base_url="http://testserver") as client:
        yield client, ctx
    ctx.db.dispose()


def test_every_ocds_package_of_the_demo_validates(demo_client: tuple[TestClient, AppContext], tmp_path: Path) -> None:
    client, ctx = demo_client
    processes, cursor, pages = [], None, 0
    while True:
        page = client.get("/api/v1/ocds/processes", params={"limit": 4, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        body = page.json()
        processes += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages > 1
    numbers = [p["notice_number"] for p in processes]
    assert len(numbers) == len(set(numbers)) >= 10  # every published notice once; the draft is not a process
    failures = []
    tags: set[str] = set()
    for process in processes:
        for kind, url in (("releases", process["releases_url"]), ("record", process["record_url"])):
            response = client.get(url.removeprefix("http://testserver"))
            assert response.status_code == 200, response.text
            document = response.json()
            for release in document.get("releases", []):
                tags.update(release["tag"])
            path = tmp_path / f"{process['notice_number']}-{kind}.json"
            path.write_text(response.text, encoding="utf-8")
            ok, output = validate(path)
            if not ok:
                failures.append(output)
    # the demo takes a notice through planning, tender, amendment, update, cancellation, award and contract
    assert {"planning", "tender", "tenderAmendment", "tenderUpdate", "tenderCancellation", "award", "contract"} <= tags
    report = export(ctx, tmp_path / "bulk")
    assert report.processes == len(processes)
    for path in report.files:
        ok, output = validate(path)
        if not ok:
            failures.append(output)
    assert not failures, "\n".join(failures)


def test_jangters_extension_is_served_at_its_stable_url(client: TestClient) -> None:
    for name in ("extension.json", "release-schema.json"):
        response = client.get(f"/ocds/extensions/jangter/{name}")
        assert response.status_code == 200
        served, stored = response.json(), json.loads((EXTENSION_DIR / name).read_text(encoding="utf-8"))
        if name == "extension.json":
            assert served["documentationUrl"] == {"en": "http://127.0.0.1:8000/ocds/extensions/jangter/README.md"}
            served.pop("documentationUrl"), stored.pop("documentationUrl")
        assert served == stored
    readme = client.get("/ocds/extensions/jangter/README.md")
    assert readme.status_code == 200
    assert "preliminaryPrices" in readme.text


def test_ocds_errors_are_problems_with_stable_codes(ctx: AppContext, client: TestClient) -> None:
    world = make_world(ctx, firms=1)
    draft = tendering.create_draft(ctx, world.officer, terms())
    for path, status, code in (
        (f"/api/v1/ocds/processes/{draft}/releases", 404, "notice_not_found"),
        (f"/api/v1/ocds/processes/{draft}/record", 404, "notice_not_found"),
        ("/api/v1/ocds/processes/R26BK99999999/record", 404, "notice_not_found"),
        ("/api/v1/ocds/processes/R26BK99999999-000/releases", 404, "notice_not_found"),
        ("/api/v1/ocds/processes/not-a-notice/releases", 404, "invalid_notice_number"),
        ("/api/v1/ocds/processes?cursor=%%%", 400, "cursor_invalid"),
        ("/api/v1/ocds/processes?since=yesterday", 400, "since_invalid"),
        ("/api/v1/ocds/processes?since=2026-11-02T09:00:00", 400, "since_invalid"),
    ):
        response = client.get(path)
        assert response.status_code == status, (path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == code
    assert client.get("/api/v1/ocds/processes?limit=0").status_code == 422


def test_the_list_filters_by_change_and_pages_by_cursor(
    ctx: AppContext, clock: OffsetClock, client: TestClient
) -> None:
    world = make_world(ctx, firms=1)
    numbers = [world.publish() for _ in range(3)]
    with_order = client.get(f"/api/v1/ocds/processes/{numbers[0]}-000/releases").json()  # as notices are cited
    assert with_order["releases"][0]["ocid"] == f"ocds-jangtr-{numbers[0]}"
    first = client.get("/api/v1/ocds/processes", params={"limit": 2}).json()
    rest = client.get("/api/v1/ocds/processes", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [p["notice_number"] for p in first["items"] + rest["items"]] == numbers[::-1]
    assert rest["next_cursor"] is None
    assert first["items"][0]["ocid"] == f"ocds-jangtr-{numbers[-1]}"
    since = ctx.clock.now().isoformat()
    assert client.get("/api/v1/ocds/processes", params={"since": since}).json()["items"] == []
    tendering.cancel(ctx, world.officer, numbers[0], "취소")
    changed = client.get("/api/v1/ocds/processes", params={"since": since}).json()["items"]
    assert [p["notice_number"] for p in changed] == [numbers[0]]


def test_jangter_export_ocds_writes_daily_files_with_a_progress_bar(
    ctx: AppContext, database_url: str, tmp_path: Path
) -> None:
    world = make_world(ctx, firms=1)
    number = world.publish()
    out = tmp_path / "ocds"
    env = {
        "JANGTER_DATABASE_URL": database_url,
        "JANGTER_VAR_DIR": str(tmp_path),
        "JANGTER_SECRET_KEY": "e" * 40,
        "JANGTER_LOG_LEVEL": "warning",
        "JANGTER_OCID_PREFIX": "ocds-a1b2c3",
    }
    result = CliRunner().invoke(cli, ["export", "ocds", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "OCDS" in result.output and "1/1" in result.output  # the progress bar
    files = sorted(p.name for p in out.iterdir())
    assert "records.json" in files
    assert any(name.startswith("releases-") for name in files)
    records = json.loads((out / "records.json").read_text(encoding="utf-8"))
    assert [r["ocid"] for r in records["records"]] == [f"ocds-a1b2c3-{number}"]
    for name in files:
        ok, output = validate(out / name)
        assert ok, output
    bad = CliRunner().invoke(cli, ["export", "ocds", "--day", "tomorrow"], env=env)
    assert bad.exit_code == 2
    wrong = CliRunner().invoke(cli, ["export", "ocds"], env=env | {"JANGTER_OCID_PREFIX": "jangter"})
    assert wrong.exit_code == 2
    assert "JANGTER_OCID_PREFIX" in wrong.output
