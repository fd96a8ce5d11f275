"""Storage: one SQLAlchemy metadata, UTC timestamps, engines for SQLite and PostgreSQL, the unit of work.

The database clock decides deadlines. ``jangter_now()`` is a SQL function on both engines:
PostgreSQL defines it in the migrations as ``clock_timestamp()`` plus an optional per-transaction offset (set only
by tests and the demo clock); SQLite gets it as a Python function bound to the application's :class:`Clock` on
every connection. The bid deadline trigger and the receipt time both use it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, Self

from sqlalchemy import JSON, BigInteger, Date, DateTime, Engine, Integer, MetaData, create_engine, event, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from jangter.kernel.clock import Clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


JSONType = JSON().with_variant(JSONB(), "postgresql")

#: 64-bit primary keys on PostgreSQL; SQLite needs plain INTEGER for an auto-incrementing rowid.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")

SQLITE_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out. PostgreSQL stores ``timestamptz``; SQLite stores UTC text."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class seoul_day(FunctionElement[Any]):
    """The Asia/Seoul calendar day of a stored UTC time, in SQL, on both engines (for grouping by day).

    PostgreSQL converts with the time zone database; SQLite adds nine hours to the stored UTC text, which is the
    same thing because Korea has kept UTC+9 without summer time since 1988. The zone is written into the SQL (not a
    parameter), so the expression can be repeated in ``GROUP BY``.
    """

    type = Date()
    inherit_cache = True
    name = "seoul_day"


@compiles(seoul_day, "sqlite")
def _seoul_day_sqlite(element: seoul_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+9 hours')"


@compiles(seoul_day, "postgresql")
def _seoul_day_postgresql(element: seoul_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'Asia/Seoul' AS DATE)"


class DeadlinePassed(Exception):
    """The database refused a bid because its clock was past the deadline at commit."""


DEADLINE_SQLSTATE = "JA001"
DEADLINE_SQLITE_MESSAGE = "jangter:deadline_passed"


def is_deadline_violation(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) == DEADLINE_SQLSTATE:
        return True
    return isinstance(orig, sqlite3.DatabaseError) and DEADLINE_SQLITE_MESSAGE in str(orig)


class Database:
    """An engine plus session factories, set up for the dialect and bound to the platform clock."""

    def __init__(self, url: str, clock: Clock, *, pool_size: int = 10, echo: bool = False) -> None:
        self.url = url
        self.clock = clock
        self.engine = self._create_engine(url, pool_size=pool_size, echo=echo)
        self.dialect = self.engine.dialect.name
        self._write = sessionmaker(bind=self.engine.execution_options(jangter_write=True), expire_on_commit=False)
        # Reads on PostgreSQL run in autocommit: at READ COMMITTED every statement takes its own snapshot anyway,
        # and this saves the BEGIN and ROLLBACK round trips on every page and every token check.
        # A second pool whose connections stay in autocommit (set once per connection, not at every checkout).
        self.read_engine = (
            create_engine(
                url,
                echo=echo,
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_recycle=1800,
                isolation_level="AUTOCOMMIT",
            )
            if self.dialect == "postgresql"
            else self.engine
        )
        self._read = sessionmaker(bind=self.read_engine, expire_on_commit=False)

    def _create_engine(self, url: str, *, pool_size: int, echo: bool) -> Engine:
        if url.startswith("sqlite"):
            engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30})
            self._configure_sqlite(engine)
            return engine
        # No pre-ping (it costs a round trip per checkout): a connection that died with the server is discarded
        # with the whole pool on the first error, and clients retry with their Idempotency-Key.
        return create_engine(url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)

    def _configure_sqlite(self, engine: Engine) -> None:
        clock = self.clock

        def jangter_now() -> str:
            return clock.now().astimezone(UTC).replace(tzinfo=None).strftime(SQLITE_TIME_FORMAT)

        @event.listens_for(engine, "connect")
        def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
            dbapi_connection.create_function("jangter_now", 0, jangter_now)
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def on_begin(connection: Any) -> None:
            # A writing unit of work takes the write lock at BEGIN, so two writers never deadlock upgrading
            # their locks, and a bid's deadline check (its last statement) runs under that lock.
            immediate = connection.get_execution_options().get("jangter_write", False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    def write_session(self) -> Session:
        return self._write()

    def read_session(self) -> Session:
        return self._read()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        session = self.read_session()
        try:
            yield session
        finally:
            session.close()  # ends the transaction; loaded objects stay readable (detached, not expired)

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()


class UnitOfWork:
    """One use case, one transaction: ``with UnitOfWork(db) as uow: …; uow.commit()``.

    Leaving the block without ``commit()`` rolls everything back, so an error leaves nothing half-written.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self.session: Session
        self._guards: list[Callable[[Session], None]] = []

    def __enter__(self) -> Self:
        self.session = self.db.write_session()
        offset = self.db.clock.offset()
        if self.db.dialect == "postgresql" and offset != timedelta(0):
            micros = offset // timedelta(microseconds=1)
            self.session.execute(
                text("SELECT set_config('jangter.clock_offset_us', :offset, true)"), {"offset": str(micros)}
            )
        return self

    def add_commit_guard(self, guard: Callable[[Session], None]) -> None:
        """Run ``guard`` as the very last statement before COMMIT; it may refuse the commit by raising."""
        self._guards.append(guard)

    def commit(self) -> None:
        for guard in self._guards:
            guard(self.session)
        self.session.commit()

    def __exit__(self, *exc_info: object) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()


def sql_now() -> Any:
    """The database clock as a SQL expression (``jangter_now()`` on both engines)."""
    from sqlalchemy import func

    return func.jangter_now()
