"""A unit of work: the one session (and transaction) every core call of an update uses."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# Held by the transaction: released by its commit or rollback, whatever happens.
ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:k)")


def lock_key(name: str) -> int:
    """A PostgreSQL advisory lock key (64-bit signed) for `name`, a chat say."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def dialect(sessions: Any) -> str | None:
    """The database a sessionmaker talks to: "sqlite", "postgresql" (None if unbound)."""
    bind = sessions.kw.get("bind")
    return None if bind is None else str(bind.dialect.name)


@dataclass
class Unit:
    session: AsyncSession
    lock: int | None = None  # the advisory lock key the transaction holds (PostgreSQL)

    async def checkpoint(self) -> None:
        """Commit what is done so far; the transaction that follows takes the lock again
        (on SQLite the connection goes back to the pool until the next statement)."""
        await self.session.commit()
        if self.lock is not None:
            await self.session.execute(ADVISORY_LOCK, {"k": self.lock})
