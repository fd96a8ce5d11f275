"""Shared fixtures: databases (SQLite always; PostgreSQL when JANGTER_TEST_DATABASE_URL is set), clocks, contexts.

Each test gets an empty, migrated database: SQLite copies a migrated template file; PostgreSQL migrates a private
database once per run and truncates every table before each test.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from jangter.identity import keys, passwords
from jangter.kernel.calendar import SEOUL, KoreanCalendar
from jangter.kernel.clock import OffsetClock
from jangter.kernel.context import AppContext
from jangter.kernel.db import Database
from jangter.kernel.randomness import SeededRandomSource
from jangter.kernel.signing import PlatformSigner
from jangter.migrations import upgrade
from jangter.rules.loader import load_rule_book
from jangter.schema import metadata

PG_URL = os.environ.get("JANGTER_TEST_DATABASE_URL", "")
ENGINES = ["sqlite"] + (["postgresql"] if PG_URL else [])

PLATFORM_KEY = PlatformSigner.generate()

#: Monday 2 November 2026, 09:00 in Seoul: a working day, with no holiday in the next three weeks.
SCENARIO_START = datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL)


@pytest.fixture(scope="session", autouse=True)
def _cheaper_password_hashing() -> Iterator[None]:
    """Real argon2id with test-sized cost, so that creating people does not dominate the run time."""
    original, original_wrap = passwords._HASHER, dict(keys.WRAP_COST)
    passwords._HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    keys.WRAP_COST.update(time_cost=1, memory_cost=1024)
    yield
    passwords._HASHER = original
    keys.WRAP_COST.update(original_wrap)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A private, migrated PostgreSQL database for this run, dropped at the end."""
    if not PG_URL:
        pytest.fail("PostgreSQL tests need JANGTER_TEST_DATABASE_URL")
    name = f"jangter_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "jangter.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_database")
    _truncate(url)
    return url


@pytest.fixture
def clock() -> OffsetClock:
    return OffsetClock(SCENARIO_START)


@pytest.fixture
def ctx(database_url: str, clock: OffsetClock) -> Iterator[AppContext]:
    db = Database(database_url, clock, pool_size=5)
    yield AppContext(
        db=db,
        clock=clock,
        calendar=KoreanCalendar(),
        rules=load_rule_book(),
        rng=SeededRandomSource(7),
        signer=PLATFORM_KEY,
    )
    db.dispose()
