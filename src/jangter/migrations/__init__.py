"""Alembic migrations, shipped inside the package so ``jangter migrate`` works wherever Jangter is installed."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

HERE = Path(__file__).parent


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        if path.parent != Path(""):
            path.parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), revision)


#: What a search engine keeps for itself, made by migrations 0017 and 0019 for one database only: not in the models.
ENGINE_OWNED_PREFIXES = ("notice_fts", "ix_notice_search_document", "ix_notice_search_tsdocument", "tsdocument")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave the search engine's own tables and indexes out of the comparison with the models."""
    return not (name and name.startswith(ENGINE_OWNED_PREFIXES))


def drift(database_url: str) -> list[object]:
    """Differences between the models and the migrated database (empty when they agree)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from jangter.schema import metadata

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()
