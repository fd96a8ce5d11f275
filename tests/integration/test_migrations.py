"""Migrations run from empty on every engine, and the models match them (the drift check, STYLE 12)."""

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from jangter.migrations import drift, upgrade
from jangter.schema import metadata
from tests.conftest import ENGINES


@pytest.mark.parametrize("engine", ENGINES)
def test_upgrade_from_empty_creates_every_table_and_leaves_no_drift(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if engine == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
        upgrade(url)
    else:
        url = request.getfixturevalue("pg_database")  # migrated from empty at the start of the run
    assert drift(url) == []
    engine_ = create_engine(url)
    try:
        assert set(metadata.tables) <= set(inspect(engine_).get_table_names())
    finally:
        engine_.dispose()
    assert make_url(url).get_backend_name() in ("sqlite", "postgresql")


def test_drift_is_detected_when_a_model_changes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url)
    from sqlalchemy import Column, Integer

    table = metadata.tables["counter"]
    extra = Column("drift_probe", Integer)
    table.append_column(extra)
    try:
        differences = drift(url)
    finally:
        table._columns.remove(extra)
    assert any("drift_probe" in str(d) for d in differences)
