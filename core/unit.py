"""A unit of work: the one session (and transaction) every core call of an update uses."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Notice, TicketMessage, TicketNotice

# Held by the transaction: released by its commit or rollback, whatever happens.
ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:k)")


def lock_key(name: str) -> int:
    """A PostgreSQL advisory lock key (64-bit signed) for `name`, a chat say."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def dialect(sessions: Any) -> str | None:
    """The database a sessionmaker talks to: "sqlite", "postgresql" (None if unbound)."""
    bind = sessions.kw.get("bind")
    return None if bind is None else str(bind.dialect.name)


# Rows a door delivers: a unit that adds one says so (`queued`), so the door delivers right
# after the update instead of at its next outbox round.
OUTBOX_ROWS = (TicketMessage, Notice, TicketNotice)


@dataclass
class Unit:
    session: AsyncSession
    lock: int | None = None  # the advisory lock key the transaction holds (PostgreSQL)
    queued: bool = False  # something was added to an outbox

    def __post_init__(self) -> None:
        event.listen(self.session.sync_session, "before_flush", self._flushing)
        event.listen(self.session.sync_session, "after_begin", self._began)

    @staticmethod
    def _began(_session: Any, _transaction: Any, connection: Any) -> None:
        """On SQLite, the unit's statements run in the event loop's thread: it holds the
        write lock, and a trip to the driver's thread would hand the loop to other
        updates meanwhile (see `core.sqlite_driver`; the pool clears it at check-in)."""
        dbapi = connection.connection.dbapi_connection
        if hasattr(dbapi, "in_loop"):
            dbapi.in_loop = True

    def _flushing(self, session: Any, _context: Any, _instances: Any) -> None:
        if not self.queued and any(isinstance(row, OUTBOX_ROWS) for row in session.new):
            self.queued = True

    async def checkpoint(self) -> None:
        """Commit what is done so far; the transaction that follows takes the lock again
        (on SQLite the connection goes back to the pool until the next statement)."""
        await self.session.commit()
        if self.lock is not None:
            await self.session.execute(ADVISORY_LOCK, {"k": self.lock})
