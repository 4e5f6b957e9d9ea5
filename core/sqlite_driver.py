"""aiosqlite, one thread hop per statement.

SQLAlchemy's aiosqlite adapter makes four trips to aiosqlite's worker thread for each
statement (open a cursor, execute, fetch, close). A trip costs about 0.1 ms on a small
machine, far more than SQLite needs to run the statement, and the conversation benchmark
showed these trips were most of the database time of an update. This adapter keeps
aiosqlite (its thread, its connection, its error handling) and SQLAlchemy's dialect, and
runs the four steps as one function in the worker thread. It also carries a `BEGIN`
over to the statement that follows it (one trip for both), and skips the trip for a
commit or rollback when no transaction is open (a transaction with no statement in it).

A connection can also run its statements in the event loop's own thread (`in_loop`): a
conversation's unit of work holds SQLite's one write lock from its first statement to its
commit, and every trip to the worker thread hands the loop to other updates while the lock
waits. Its statements take microseconds, so running them in place keeps the lock for the
time the update's own code needs. A `BEGIN` that would wait (another process is writing)
is not waited for in the loop: it goes to the worker thread, which waits.

`create_engine` in `core.db` uses it for every `sqlite+aiosqlite` URL; nothing else
changes for the caller.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)
from sqlalchemy.util import EMPTY_DICT

DRIVER = "sportello_aiosqlite"


class _Outcome:
    """What a finished statement leaves for SQLAlchemy to read (the cursor is closed)."""

    __slots__ = ("arraysize", "description", "lastrowid", "rowcount")

    def __init__(self) -> None:
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    async def close(self) -> None:
        return None


_BEGINS = frozenset({"BEGIN", "BEGIN IMMEDIATE"})


def _run(raw: Any, begin: str | None, operation: str, parameters: Any, many: bool
         ) -> tuple[Any, int, Any, list]:
    """In aiosqlite's worker thread: the pending BEGIN, then the whole statement, from
    cursor to close."""
    if begin is not None:
        raw.execute(begin)
    cursor = raw.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


BUSY_TIMEOUT_MS = 30_000  # how long a statement in the worker thread waits for a lock


def _run_in_loop(raw: Any, begin: str | None, operation: str, parameters: Any, many: bool
                 ) -> tuple[Any, int, Any, list] | None:
    """`_run` in the calling thread; None (nothing done) if its BEGIN would have to wait."""
    if begin is not None:
        raw.execute("PRAGMA busy_timeout=0")
        try:
            raw.execute(begin)
        except sqlite3.OperationalError as busy:
            if busy.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                raise
            return None
        finally:
            raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return _run(raw, None, operation, parameters, many)


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def __init__(self, adapt_connection: Any) -> None:  # no cursor opened up front
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = _Outcome()  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()

    async def _go(self, operation: Any, parameters: Any, many: bool) -> Any:
        adapted: Any = self._adapt_connection
        if operation in _BEGINS and not parameters:
            adapted._begin = operation  # sent with the next statement
            return self
        begin, adapted._begin = adapted._begin, None
        async with adapted._execute_mutex:
            raw = self._connection._conn
            done = (_run_in_loop(raw, begin, operation, parameters, many)
                    if adapted.in_loop else None)
            if done is None:
                done = await self._connection._execute(
                    _run, raw, begin, operation, parameters, many)
            description, rowcount, lastrowid, rows = done
        outcome = self._cursor
        outcome.description, outcome.rowcount, outcome.lastrowid = (  # type: ignore[misc]
            description, rowcount, lastrowid)
        self._rows = collections.deque(rows)
        return self

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        return await self._go(operation, parameters, False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        return await self._go(operation, seq_of_parameters, True)

    async def _async_soft_close(self) -> None:
        return None

    def close(self) -> None:
        self._rows.clear()


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("_begin", "in_loop")
    _cursor_cls = OneHopCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self._begin: str | None = None
        self.in_loop = False  # run statements in the event loop's thread (see above)

    def defer_begin(self, statement: str) -> None:
        """Send `statement` (a BEGIN) with the next statement, in the same trip."""
        self._begin = statement

    def _open(self) -> bool:
        """Whether SQLite has a transaction open (False: nothing to commit or undo)."""
        if self._begin is not None:
            self._begin = None  # a BEGIN with no statement after it never ran
            return False
        raw = self._connection._connection
        return raw is not None and raw.in_transaction

    def commit(self) -> None:
        if self._open():
            if self.in_loop:
                self._connection._conn.commit()
            else:
                super().commit()

    def rollback(self) -> None:
        if self._open():
            if self.in_loop:
                self._connection._conn.rollback()
            else:
                super().rollback()


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        adapted = super().connect(*arg, **kw)
        return OneHopConnection(self, adapted._connection)


class OneHopDialect(SQLiteDialect_aiosqlite):
    driver = DRIVER
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> OneHopDBAPI:  # type: ignore[override]
        return OneHopDBAPI(__import__("aiosqlite"), __import__("sqlite3"))


registry.register(f"sqlite.{DRIVER}", __name__, "OneHopDialect")
