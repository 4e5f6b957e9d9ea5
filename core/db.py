"""Engines, sessions and the schema: SQLite (aiosqlite) by default, PostgreSQL (asyncpg) by URL.

The schema is applied by Alembic on start (`open_database`), never by `create_all`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool

from core.errors import BadDatabaseUrl

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# Execution option for sessions that only read: on SQLite they open no transaction (no
# BEGIN, no COMMIT, no lock held); on PostgreSQL it changes nothing.
READ_ONLY = "sportello_read_only"
PG_CONNECTIONS = 20  # per process; the engine lets at most half hold a chat's lock


def rows_changed(result: Any) -> int:
    """Rows matched by an UPDATE/INSERT/DELETE (a `CursorResult`'s rowcount)."""
    return int(result.rowcount or 0)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
SQLITE_HEADER = b"SQLite format 3\x00"


def check_database_url(url: str) -> None:
    """Refuse, before touching anything, a URL that cannot work: malformed, another database,
    a synchronous or missing driver, a SQLite path in a folder that does not exist (never
    created) or a file that is not a SQLite database. Raises `BadDatabaseUrl(reason=...)`."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise BadDatabaseUrl(reason="malformed") from None
    backend = parsed.get_backend_name()
    if backend not in DRIVERS:
        raise BadDatabaseUrl(reason="unknown_scheme", scheme=parsed.drivername)
    driver = DRIVERS[backend]
    if parsed.get_driver_name() != driver:
        raise BadDatabaseUrl(reason="wrong_driver", scheme=parsed.drivername,
                             expected=f"{backend}+{driver}")
    if importlib.util.find_spec(driver) is None:
        raise BadDatabaseUrl(reason="missing_driver", driver=driver)
    database = parsed.database or ":memory:"
    if backend == "sqlite" and database != ":memory:" and not database.startswith("file:"):
        _check_sqlite_file(Path(database))


def _check_sqlite_file(path: Path) -> None:
    if path.is_dir():
        raise BadDatabaseUrl(reason="not_a_database", path=str(path))
    if not path.parent.is_dir():
        raise BadDatabaseUrl(reason="missing_folder", path=str(path.parent))
    if not path.exists():
        return  # a new database, created and migrated on open
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError:
        raise BadDatabaseUrl(reason="unreadable", path=str(path)) from None
    if header and header != SQLITE_HEADER:
        raise BadDatabaseUrl(reason="not_a_database", path=str(path))


def create_engine(url: str) -> AsyncEngine:
    """An async engine; SQLite gets foreign keys, WAL and writer-serialising transactions."""
    parsed = make_url(url)
    if not is_sqlite(url):
        return create_async_engine(url, pool_pre_ping=True, pool_size=PG_CONNECTIONS // 2,
                                   max_overflow=PG_CONNECTIONS - PG_CONNECTIONS // 2)
    database = parsed.database or ":memory:"
    kwargs: dict[str, Any] = {}
    if database == ":memory:":
        kwargs["poolclass"] = StaticPool
    else:
        # SQLite has one writer at a time, and every transaction here takes the write lock
        # (see "begin"). One pooled connection makes updates of different chats queue in
        # asyncio, in order, instead of in SQLite's busy handler, which sleeps and retries
        # (up to 100 ms a time: the benchmark's p99 was a second under load). Other
        # processes on the same file still meet the busy handler.
        kwargs.update(pool_size=1, max_overflow=0)
    if parsed.get_driver_name() == "aiosqlite":
        from core.sqlite_internals import one_trip_usable

        if one_trip_usable():  # else the stock dialect, with one warning
            # Still aiosqlite underneath; one trip to its thread per statement.
            from core import sqlite_driver

            parsed = parsed.set(drivername=f"sqlite+{sqlite_driver.DRIVER}")
    # A session rolls back its own transaction when it closes; the pool's extra rollback
    # on every return would be one more trip to aiosqlite's thread for nothing.
    engine = create_async_engine(parsed, connect_args={"timeout": 30},
                                 pool_reset_on_return=None, **kwargs)
    _tune_sqlite(engine, in_memory=database == ":memory:")
    return engine


def _tune_sqlite(engine: AsyncEngine, in_memory: bool) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin (see "begin").
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "checkin")
    def _on_checkin(dbapi_conn: Any, _record: Any) -> None:
        if getattr(dbapi_conn, "in_loop", False):
            dbapi_conn.in_loop = False  # only a unit of work's statements run in the loop

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            return  # reads only: each statement sees committed data, no lock is held
        # IMMEDIATE takes the write lock up front: two writers queue instead of one of them
        # failing half-way when it upgrades a read lock.
        dbapi: Any = conn.connection.dbapi_connection
        if hasattr(dbapi, "defer_begin"):
            dbapi.defer_begin("BEGIN IMMEDIATE")  # sent with the first statement
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config  # imported when needed: a fifth of the CLI's start

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), "head")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the newest migration (safe to call on every start)."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade)


async def open_database(url: str) -> tuple[AsyncEngine, async_sessionmaker[Any]]:
    engine = create_engine(url)
    try:
        await migrate(engine)
    except BaseException:
        await engine.dispose()
        raise
    return engine, async_sessionmaker(engine, expire_on_commit=False)
