"""The command line a newcomer meets (`make run` calls it) and the OpenAPI contract."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

from jangter.cli import app
from jangter.tendering.orm import Notice

runner = CliRunner()


def test_migrate_then_demo_builds_a_living_system(tmp_path: Path, monkeypatch: object) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    env = {
        "JANGTER_DATABASE_URL": url,
        "JANGTER_VAR_DIR": str(tmp_path),
        "JANGTER_SECRET_KEY": "d" * 40,
        "JANGTER_LOG_LEVEL": "warning",
    }
    migrated = runner.invoke(app, ["migrate"], env=env)
    assert migrated.exit_code == 0, migrated.output
    loaded = runner.invoke(app, ["demo"], env=env)
    assert loaded.exit_code == 0, loaded.output
    assert "demo data loaded" in loaded.output
    engine = create_engine(url)
    with engine.connect() as connection:
        statuses = {row[0] for row in connection.execute(select(Notice.status).distinct())}
        people = connection.execute(text("SELECT count(*) FROM person")).scalar_one()
        orders = connection.execute(select(func.max(Notice.order))).scalar_one()
    engine.dispose()
    assert statuses == {"draft", "published", "closed", "opened", "awarded", "failed", "cancelled"}
    assert people >= 12 + 6 + 1
    assert orders >= 1  # an amended or re-announced notice
    again = runner.invoke(app, ["demo"], env=env)
    assert "already has data" in again.output


def test_bad_settings_stop_the_command_with_a_clear_message(tmp_path: Path) -> None:
    result = runner.invoke(app, ["migrate"], env={"JANGTER_DATABASE_URL": "oracle://x"})
    assert result.exit_code == 2
    assert "JANGTER_DATABASE_URL" in result.output


def test_the_openapi_document_describes_the_api(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    paths = document["paths"]
    for path in (
        "/api/v1/notices",
        "/api/v1/notices/{reference}/bids",
        "/api/v1/notices/{reference}/open",
        "/api/v1/notices/{reference}/results",
        "/api/v1/auth/token",
        "/api/v1/firms",
    ):
        assert path in paths
    assert not any(p.startswith("/agency") or p.startswith("/notices") for p in paths)  # pages are not API
    assert client.get("/api/docs").status_code == 200


def test_an_operator_checks_and_loads_a_rule_file_from_the_command_line(tmp_path: Path) -> None:
    from tests.integration.test_rule_files import MEASURE

    env = {
        "JANGTER_DATABASE_URL": f"sqlite:///{tmp_path / 'rules.db'}",
        "JANGTER_VAR_DIR": str(tmp_path),
        "JANGTER_SECRET_KEY": "r" * 40,
        "JANGTER_LOG_LEVEL": "warning",
    }
    assert runner.invoke(app, ["migrate"], env=env).exit_code == 0
    good = tmp_path / "special-2027.toml"
    good.write_text(MEASURE)
    checked = runner.invoke(app, ["rules", "check", str(good)], env=env)
    assert checked.exit_code == 0 and "adds measure-national-2027.03.01" in checked.output
    assert "measure-national-2027.03.01" not in runner.invoke(app, ["rules", "list"], env=env).output
    loaded = runner.invoke(app, ["rules", "load", str(good)], env=env)
    assert loaded.exit_code == 0 and "loaded measure measure-national-2027.03.01" in loaded.output
    listed = runner.invoke(app, ["rules", "list"], env=env).output
    assert "measure   measure-national-2027.03.01" in listed and "loaded    measure-national-2027.03.01" in listed
    bad = tmp_path / "bad.toml"
    later = MEASURE.replace("measure-national-2027.03.01", "measure-x").replace("2027-03-01", "2027-07-01")
    bad.write_text(later.replace("2027-06-30", "2027-12-31").replace('"5"', '"500"'))
    refused = runner.invoke(app, ["rules", "load", str(bad)], env=env)
    assert refused.exit_code == 1 and "rule_file_invalid" in refused.output and "bad.toml" in refused.output
    assert "must be from 0 to 100" in refused.output
    clash = tmp_path / "clash.toml"
    clash.write_text(MEASURE.replace("measure-national-2027.03.01", "measure-y"))
    overlapping = runner.invoke(app, ["rules", "check", str(clash)], env=env)
    assert overlapping.exit_code == 1 and "both in force on the same days" in overlapping.output
    assert "special-2027.toml and loaded:clash.toml" in overlapping.output


def test_the_rules_page_shows_the_rules_in_force_and_the_temporary_measures(client: TestClient) -> None:
    page = client.get("/rules")
    assert page.status_code == 200
    assert "measure-local-2024.07.01" in page.text and "지방계약 한시적 특례" in page.text
    assert "계약보증금" in page.text and "하자보수보증금" in page.text and "협상계약 기술 : 가격" in page.text
    assert "national-2026.01.30" in page.text.split("오늘 시행 중")[1][:400]
    # koneps-rules §1.4: one firm per PC and per IP address in a tender, the 30-minute check, 예외적용 2 × 48 hours
    assert "같은 IP: refuse · 같은 PC: refuse · 본인 확인 30분 · 예외적용 2 × 48h" in page.text
    assert "평가위원 ≥ 3 · 제안서 공고 40일" in page.text
