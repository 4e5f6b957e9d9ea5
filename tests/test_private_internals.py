"""The private parts of SQLAlchemy, aiosqlite and aiogram we lean on: checked at start,
and when they changed, the stock code with one warning, still correct.

Below SQLAlchemy 2.1 the aiosqlite adapter's cursor never called the method
`core/sqlite_driver.py` replaces: the deferred `BEGIN IMMEDIATE` was never sent and every
statement committed on its own. These tests look at what SQLite really receives.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from sqlalchemy import event, text
from sqlalchemy.dialects.sqlite import aiosqlite as stock

from core import sqlite_internals
from core.db import READ_ONLY, create_engine


@pytest.fixture
def fresh_check() -> Iterator[None]:
    """The check runs once per process: forget its answer around a test that fakes a
    changed library."""
    sqlite_internals.one_trip_usable.cache_clear()
    yield
    sqlite_internals.one_trip_usable.cache_clear()


def traced(url: str) -> tuple[Any, list[str]]:
    """An engine made by `core.db`, and the statements SQLite itself receives."""
    engine = create_engine(url)
    seen: list[str] = []

    @event.listens_for(engine.sync_engine, "connect")
    def trace(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection._connection._connection.set_trace_callback(seen.append)

    return engine, seen


async def a_write_is_one_transaction(tmp_path: Path) -> str:
    """Writes through `core.db` are transactions: BEGIN IMMEDIATE first, invisible to
    another connection until COMMIT, undone entirely by a rollback. Returns the driver."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'tx.db'}"
    engine, seen = traced(url)
    reader = create_engine(url)
    other = reader.execution_options(**{READ_ONLY: True})  # a reader: takes no lock
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER)"))
        seen.clear()
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t VALUES (1)"))
            async with other.connect() as look:  # another connection, as another process
                assert (await look.execute(text("SELECT count(*) FROM t"))).scalar() == 0
            await conn.execute(text("INSERT INTO t VALUES (2)"))
        assert seen == ["BEGIN IMMEDIATE", "INSERT INTO t VALUES (1)",
                        "INSERT INTO t VALUES (2)", "COMMIT"]
        with pytest.raises(RuntimeError):
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t VALUES (3)"))
                raise RuntimeError("half-way")
        async with other.connect() as look:
            assert (await look.execute(text("SELECT x FROM t ORDER BY x"))).scalars().all() \
                == [1, 2]
        return engine.dialect.driver
    finally:
        await engine.dispose()
        await reader.dispose()


async def test_a_write_transaction_is_one_on_the_installed_versions(tmp_path: Path) -> None:
    driver = await a_write_is_one_transaction(tmp_path)
    if sqlite_internals.problem() is None:
        assert driver == "sportello_aiosqlite"  # one trip per statement
    else:
        assert driver == "aiosqlite"


def test_the_one_trip_adapter_fits_sqlalchemy_2_1() -> None:
    """Where we know it fits (SQLAlchemy 2.1, as locked), the check must say so: a false
    alarm would quietly cost four thread trips per statement."""
    if sqlalchemy.__version__.startswith("2.0."):
        assert sqlite_internals.problem() == (
            "the aiosqlite cursor is not SQLAlchemy's shared async cursor")
    else:
        assert sqlite_internals.problem() is None


async def test_a_changed_cursor_falls_back_to_the_stock_dialect_with_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        fresh_check: None) -> None:
    def execute(self: Any, operation: Any, parameters: Any = None) -> Any:
        raise AssertionError("never called: the check looks at the source only")

    if sqlite_internals.problem() is None:
        monkeypatch.setattr(stock.AsyncAdapt_aiosqlite_cursor, "execute", execute)
        assert sqlite_internals.problem() == "cursor.execute does not call _execute_async"
    with caplog.at_level(logging.WARNING, logger="sportello.db"):
        monkeypatch.undo()  # the statements must run: only the check's answer is kept
        monkeypatch.setattr(sqlite_internals, "problem", lambda: "faked change")
        driver = await a_write_is_one_transaction(tmp_path)
        await create_engine(f"sqlite+aiosqlite:///{tmp_path / 'again.db'}").dispose()
    assert driver == "aiosqlite"
    warnings = [r.getMessage() for r in caplog.records if r.name == "sportello.db"]
    assert len(warnings) == 1 and "faked change" in warnings[0]


@pytest.mark.parametrize("change", ["no _execute", "no _conn", "no cursor slot",
                                    "no _cursor_cls"])
def test_each_private_name_is_checked(change: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import aiosqlite

    if sqlite_internals.problem() is not None:
        pytest.skip("the stock dialect is already in use here")
    if change == "no _execute":
        monkeypatch.delattr(aiosqlite.Connection, "_execute")
    elif change == "no _conn":
        monkeypatch.delattr(aiosqlite.Connection, "_conn")
    elif change == "no cursor slot":
        monkeypatch.setattr(sqlite_internals, "CURSOR_SLOTS",
                            (*sqlite_internals.CURSOR_SLOTS, "_renamed_rows"))
    else:
        def cursor(self: Any, server_side: bool = False) -> Any:
            return stock.AsyncAdapt_aiosqlite_cursor(self)

        monkeypatch.setattr(stock.AsyncAdapt_aiosqlite_connection, "cursor", cursor)
    assert sqlite_internals.problem() is not None


def test_aiogram_update_tasks_and_response_models(caplog: pytest.LogCaptureFixture) -> None:
    from aiogram import Dispatcher
    from aiogram import methods as ag_methods

    from bot import aiogram_internals

    assert isinstance(aiogram_internals.update_tasks(Dispatcher()), set)
    assert len(aiogram_internals.response_models([ag_methods.SendMessage])) == 1
    assert not [r for r in caplog.records if r.name == "sportello.bot"]

    class Renamed:  # an aiogram that changed: neither private name is there
        pass

    with caplog.at_level(logging.WARNING, logger="sportello.bot"):
        assert aiogram_internals.update_tasks(Renamed()) is None
        assert aiogram_internals.response_models([Renamed]) == []
    assert len([r for r in caplog.records if r.name == "sportello.bot"]) == 2
