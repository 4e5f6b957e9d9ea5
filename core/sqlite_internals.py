"""Whether `core/sqlite_driver.py` fits the installed SQLAlchemy and aiosqlite.

The one-trip adapter subclasses SQLAlchemy's aiosqlite adapter and reaches into private
parts of both libraries. Those parts changed before (below SQLAlchemy 2.0.38 the adapter's
cursor ran its own `execute` and never called ours: no `BEGIN` was sent, every statement
committed on its own) and may change again. So they are checked once, when the first
SQLite engine is made; if any is missing, the stock `sqlite+aiosqlite` dialect is used
with one warning, and transactions begin with a plain `BEGIN IMMEDIATE` statement
(`core.db`). Slower (four trips per statement), never wrong.

The check imports nothing it cannot survive losing: it returns why not, never raises.
"""

from __future__ import annotations

import inspect
import logging
from functools import cache

log = logging.getLogger("sportello.db")

# Instance attributes our cursor sets in place of the stock `__init__` (they must be slots
# of the stock cursor: it has no `__dict__`).
CURSOR_SLOTS = ("_adapt_connection", "_connection", "_cursor", "_rows", "_soft_closed_memoized")


def problem() -> str | None:
    """Why the one-trip adapter cannot be used here, or None when it can."""
    try:
        import aiosqlite
        from sqlalchemy.connectors import asyncio as connectors
        from sqlalchemy.dialects.sqlite import aiosqlite as dialect
        from sqlalchemy.util import EMPTY_DICT  # noqa: F401 - used by the adapter
    except ImportError as missing:
        return f"missing {missing.name or missing}"
    cursor = getattr(dialect, "AsyncAdapt_aiosqlite_cursor", None)
    connection = getattr(dialect, "AsyncAdapt_aiosqlite_connection", None)
    base_cursor = getattr(connectors, "AsyncAdapt_dbapi_cursor", None)
    base_connection = getattr(connectors, "AsyncAdapt_dbapi_connection", None)
    for name, found in (("AsyncAdapt_aiosqlite_cursor", cursor),
                        ("AsyncAdapt_aiosqlite_connection", connection),
                        ("AsyncAdapt_dbapi_cursor", base_cursor),
                        ("AsyncAdapt_dbapi_connection", base_connection),
                        ("AsyncAdapt_aiosqlite_dbapi",
                         getattr(dialect, "AsyncAdapt_aiosqlite_dbapi", None)),
                        ("SQLiteDialect_aiosqlite",
                         getattr(dialect, "SQLiteDialect_aiosqlite", None))):
        if found is None:
            return f"sqlalchemy has no {name}"
    assert cursor and connection and base_cursor and base_connection
    # Statements must reach `_execute_async`/`_executemany_async`, which we replace.
    if not issubclass(cursor, base_cursor):
        return "the aiosqlite cursor is not SQLAlchemy's shared async cursor"
    for method, goes_to in (("execute", "_execute_async"),
                            ("executemany", "_executemany_async")):
        if not hasattr(cursor, goes_to) or goes_to not in _source(getattr(cursor, method)):
            return f"cursor.{method} does not call {goes_to}"
    slots = {s for klass in cursor.__mro__ for s in getattr(klass, "__slots__", ())}
    missing = [s for s in CURSOR_SLOTS if s not in slots]
    if missing:
        return f"the cursor has no {', '.join(missing)}"
    # The connection must build its cursors from `_cursor_cls` and hold `_execute_mutex`.
    if not issubclass(connection, base_connection) or "_cursor_cls" not in _source(
            connection.cursor):
        return "the connection does not build cursors from _cursor_cls"
    if "_execute_mutex" not in _source(base_connection.__init__):
        return "the connection has no _execute_mutex"
    # aiosqlite: `_execute` runs a function in its thread, `_conn`/`_connection` is sqlite3's.
    if not inspect.iscoroutinefunction(getattr(aiosqlite.Connection, "_execute", None)):
        return "aiosqlite.Connection has no coroutine _execute"
    if not isinstance(inspect.getattr_static(aiosqlite.Connection, "_conn", None), property):
        return "aiosqlite.Connection has no _conn property"
    if "self._connection" not in _source(aiosqlite.Connection.__init__):
        return "aiosqlite.Connection keeps no _connection"
    return None


def _source(function: object) -> str:
    try:
        return inspect.getsource(function)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return ""


@cache
def one_trip_usable() -> bool:
    """Checked once per process; a mismatch is one warning, then the stock dialect."""
    why = problem()
    if why is None:
        return True
    log.warning("SQLite: the one-trip aiosqlite adapter does not fit the installed "
                "SQLAlchemy/aiosqlite (%s); using the stock sqlite+aiosqlite dialect", why)
    return False


def report() -> None:
    """The warning again, for a process whose logs were set up after its first engine
    (`sportello run`): only if a SQLite engine was made and fell back."""
    if one_trip_usable.cache_info().currsize and not one_trip_usable():
        log.warning("SQLite: stock sqlite+aiosqlite dialect in use (%s)", problem())
