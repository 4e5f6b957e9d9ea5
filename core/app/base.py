"""The application service's plumbing: sessions, units of work, idempotent writes."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Self, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.clock import Clock, SystemClock
from core.config import Settings
from core.context import SYSTEM, Actor, Ctx
from core.db import READ_ONLY, open_database
from core.errors import NotAllowed
from core.models import (
    IdempotencyRecord,
)
from core.payments import CardGateway, SandboxCardGateway
from core.unit import ADVISORY_LOCK, Unit, dialect, lock_key

T = TypeVar("T")

class AppBase:
    """What every part of the application service shares: the database, the settings,
    the clock, the card gateway and the unit of work."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], settings: Settings | None = None,
        clock: Clock | None = None, gateway: CardGateway | None = None,
        engine: AsyncEngine | None = None,
    ) -> None:
        self.sessions = sessions
        self.settings = settings or Settings()
        self.clock = clock or SystemClock()
        self.gateway = gateway or SandboxCardGateway(sessions)
        self.engine = engine
        self._unit: Unit | None = None

    @classmethod
    async def open(cls, settings: Settings | None = None, clock: Clock | None = None) -> Self:
        """Open (and migrate) the configured database."""
        settings = settings or Settings()
        engine, sessions = await open_database(settings.database_url)
        return cls(sessions, settings, clock, engine=engine)

    async def close(self) -> None:
        if self.engine is not None:
            await self.engine.dispose()

    # --- plumbing -----------------------------------------------------------------------

    @asynccontextmanager
    async def unit(self, lock: str | None = None) -> AsyncIterator[Self]:
        """One unit of work: a `Sportello` whose every call uses one session and one
        transaction, committed when the block ends and rolled back if it raises.

        The conversation engine handles each update in one (`lock` is the chat: on
        PostgreSQL an advisory lock held by the transaction keeps other workers off the
        chat until it commits). Inside, a write that fails is undone alone (a savepoint)
        and writes need no idempotency records: the update's own record commits with them,
        so a repeat or a crash half-way never applies anything twice.
        """
        session = self.sessions()
        try:
            key = None
            if lock is not None and dialect(self.sessions) == "postgresql":
                key = lock_key(lock)
                await session.execute(ADVISORY_LOCK, {"k": key})
            bound = copy.copy(self)
            bound._unit = Unit(session, key)
            yield bound
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        finally:
            await session.close()

    @property
    def session(self) -> AsyncSession:
        """The unit of work's session (only inside `unit`)."""
        if self._unit is None:
            raise RuntimeError("not in a unit of work")
        return self._unit.session

    @property
    def queued(self) -> bool:
        """Inside a unit: whether it added something to an outbox (a ticket message, a
        notice) that a door should deliver once the unit commits."""
        return self._unit is not None and self._unit.queued

    async def checkpoint(self) -> None:
        """Inside a unit: commit what is done so far (a card attempt, before the gateway
        is called). Outside one, every write is already committed: nothing to do."""
        if self._unit is not None:
            await self._unit.checkpoint()

    @asynccontextmanager
    async def _ctx(self, actor: Actor):  # type: ignore[no-untyped-def]
        if self._unit is not None:
            async with self._unit.session.begin_nested():
                yield Ctx(self._unit.session, self.clock.today(), self.clock.now(),
                          self.settings, actor)
            return
        async with self.sessions() as session, session.begin():
            yield Ctx(session, self.clock.today(), self.clock.now(), self.settings, actor)

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only: on SQLite it runs outside a transaction and holds no
        lock (see `core.db.READ_ONLY`). Inside a unit, the unit's session."""
        if self._unit is not None:
            yield self._unit.session
            return
        async with self.sessions() as session, session.begin():
            await session.connection(execution_options={READ_ONLY: True})
            yield session

    async def _read(self, work: Callable[[Ctx], Awaitable[T]], actor: Actor = SYSTEM) -> T:
        """`work` only reads (see `read_session`)."""
        async with self.read_session() as session:
            return await work(Ctx(session, self.clock.today(), self.clock.now(),
                                  self.settings, actor))

    async def _write(
        self, key: str | None, operation: str, actor: Actor,
        work: Callable[[Ctx], Awaitable[dict[str, Any]]],
    ) -> dict[str, Any]:
        """Run `work` once per `key`; a repeat returns the stored result of the first run.
        Inside a unit the key is not needed (see `unit`) and not recorded."""
        if self._unit is not None:
            key = None
        for _attempt in range(3):
            try:
                async with self._ctx(actor) as ctx:
                    record = None
                    if key is not None:
                        record = await ctx.session.get(IdempotencyRecord, key)
                        if record is not None:
                            if record.operation != operation:
                                raise NotAllowed(reason="key_reused", key=key)
                            return dict(record.result or {})
                        record = IdempotencyRecord(key=key, operation=operation,
                                                   created_at=ctx.now)
                        ctx.session.add(record)
                        await ctx.session.flush()
                    result = await work(ctx)
                    if record is not None:
                        record.result = result
                    return result
            except IntegrityError:
                # A concurrent call with the same key (or racing on the same row) committed
                # first: try again, and the stored result or the constraint answers.
                continue
        raise NotAllowed(reason="busy", operation=operation)

