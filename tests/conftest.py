"""Test database: SQLite by default, PostgreSQL when SPORTELLO_TEST_DATABASE_URL says so.

The schema always comes from the real Alembic migrations. SQLite tests each get a copy of a
migrated template file; PostgreSQL tests share one migrated database, emptied between tests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.app import Sportello
from core.clock import FixedClock
from core.config import Settings
from core.db import create_engine, migrate
from core.models import Base

PG_URL = os.environ.get("SPORTELLO_TEST_DATABASE_URL", "")
BACKEND = "postgresql" if PG_URL else "sqlite"


def pytest_report_header(config: pytest.Config) -> str:
    return f"sportello test database: {BACKEND}"


@pytest.fixture(scope="session")
async def template(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    if PG_URL:
        engine = create_engine(PG_URL)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await migrate(engine)
        await engine.dispose()
        yield PG_URL
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await migrate(engine)
    await engine.dispose()  # closing the last connection checkpoints the WAL into the file
    assert not Path(f"{path}-wal").exists()
    yield str(path)


@pytest.fixture
async def database_url(template: str, tmp_path: Path) -> AsyncIterator[str]:
    if PG_URL:
        engine = create_engine(PG_URL)
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await engine.dispose()
        yield PG_URL
        return
    path = tmp_path / "test.db"
    shutil.copy(template, path)
    yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(date(2026, 11, 21))


def make_settings(database_url: str, **overrides: object) -> Settings:
    return Settings(_env_file=None, database_url=database_url, **overrides)  # type: ignore[call-arg]


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def app(sessions: async_sessionmaker[AsyncSession], settings: Settings,
        clock: FixedClock) -> Sportello:
    return Sportello(sessions, settings, clock)


@pytest.fixture
async def demo(app: Sportello, clock: FixedClock) -> Sportello:
    """The app with the built-in demo data loaded for the fixed test day."""
    from core.demo import load_demo_if_empty

    async with app.sessions() as session, session.begin():
        await load_demo_if_empty(session, clock.today())
    return app


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "no_document_check: the test leaves documents that "
                                       "cannot be exported on purpose")


@pytest.fixture(autouse=True)
def _every_document_is_a_valid_fatturapa(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test that used the database: every document it holds is a valid FatturaPA
    that an independent parser reads back the same (tests/document_check.py)."""
    if ("database_url" not in request.fixturenames
            or request.node.get_closest_marker("no_document_check")):
        yield
        return
    url = request.getfixturevalue("database_url")  # set up now, so torn down after this
    yield
    from tests.document_check import check_database

    check_database(url)
