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
