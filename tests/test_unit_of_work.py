"""One unit of work per update: one transaction for everything an update does, and on
SQLite a unit that never waits for a lock inside the event loop."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from core.app import Sportello
from core.models import Conversation, Ticket
from handlers.engine import Engine
from tests.chat_helpers import Chat
from tests.conftest import PG_URL


@contextmanager
def transactions(app: Sportello) -> Iterator[list[str]]:
    """The transactions begun on `app`'s database meanwhile (one entry each)."""
    sync = app.sessions.kw["bind"].sync_engine
    begun: list[str] = []

    def began(*_args: Any) -> None:
        begun.append("begin")
    event.listen(sync, "begin", began)
    try:
        yield begun
    finally:
        event.remove(sync, "begin", began)


async def test_each_step_of_a_renewal_is_one_transaction(demo: Sportello) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    for label in ("I miei prodotti", "mariorossi.it", "Rinnova ora", "Bonifico", "Accetto"):
        with transactions(demo) as begun:
            await chat.press(label)
        assert len(begun) == 1, (label, chat.text)
    with transactions(demo) as begun:
        await chat.press("Procedi")
    assert len(begun) == 1 and "SPT-" in chat.text  # the order, with the update's own record


async def test_a_card_attempt_is_committed_before_the_gateway_is_called(
        demo: Sportello) -> None:
    seen: list[int] = []
    gateway = demo.gateway
    charge = gateway.charge

    async def watched(key: str, amount: Any, card: str) -> Any:
        # Another session sees the attempt already: it is on disk before the charge.
        from core.models import Payment

        async with demo.sessions() as session:
            seen.append(int(await session.scalar(select(func.count()).select_from(
                Payment).where(Payment.status == "started")) or 0))
        return await charge(key, amount, card)
    gateway.charge = watched  # type: ignore[method-assign]
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    for label in ("I miei prodotti", "mariorossi.it", "Rinnova ora", "Carta", "Procedi"):
        await chat.press(label)
    await chat.say("4242 4242 4242 4242")
    assert seen == [1], chat.text


async def test_an_update_that_fails_half_way_leaves_nothing_and_runs_once_again(
        demo: Sportello, monkeypatch: pytest.MonkeyPatch) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    save = Engine._save
    failures: list[OperationalError] = []

    async def failing_save(self: Engine, *args: Any) -> None:
        if failures:
            raise failures.pop()
        await save(self, *args)
    monkeypatch.setattr(Engine, "_save", failing_save)
    update = chat.engine.handle
    from dataclasses import replace

    from bot.terminal import to_incoming

    await chat.say("voglio parlare con un operatore")  # asks first: the tap opens the ticket
    failures.append(OperationalError("UPDATE conversations", {}, Exception("disk I/O error")))
    said = replace(to_incoming(chat.chat_id, "Sì, apri la richiesta", chat.buttons_all),
                   update_id="u-op")
    first = await update(said)
    assert "riprova" in "\n".join(r.text for r in first).lower()
    async with demo.sessions() as session:
        # The ticket the flow opened went with the failed save: nothing half-done.
        assert await session.scalar(select(func.count()).select_from(Ticket)) == 0
        version = (await session.get(Conversation, chat.chat_id)).version  # type: ignore[union-attr]
    again = await update(said)  # Telegram delivers the update again
    async with demo.sessions() as session:
        # PostgreSQL's sequences do not roll back: the number is whatever the row got.
        ticket_id = await session.scalar(select(Ticket.id))
    assert ticket_id is not None
    assert any(f"ticket n. {ticket_id}" in r.text for r in again)
    assert await update(said) == again  # and a third time: the stored answer, nothing new
    async with demo.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Ticket)) == 1
        row = await session.get(Conversation, chat.chat_id)
        assert row is not None and row.version == version + 1


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's write lock")
async def test_a_unit_waiting_for_another_process_s_write_lock_leaves_the_loop_free(
        demo: Sportello, database_url: str) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    path = database_url.split("///", 1)[1]
    locked, release = threading.Event(), threading.Event()

    def other_process() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(60)
        other.execute("COMMIT")
        other.close()
    holder = threading.Thread(target=other_process)
    holder.start()
    await asyncio.to_thread(locked.wait, 60)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)
    ticking = asyncio.create_task(ticker())
    pressed = asyncio.create_task(chat.press("I miei prodotti"))
    before = ticks
    while ticks < before + 50:  # the loop runs while the unit waits for the lock
        await asyncio.sleep(0)
    assert not pressed.done()
    release.set()
    await asyncio.wait_for(pressed, 60)
    ticking.cancel()
    holder.join(60)
    assert "mariorossi.it" in chat.text


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's driver")
async def test_only_a_unit_runs_statements_in_the_loop(demo: Sportello) -> None:
    from core.sqlite_internals import one_trip_usable

    if not one_trip_usable():
        pytest.skip("the stock aiosqlite dialect runs every statement in its thread")
    bind = demo.sessions.kw["bind"]
    async with demo.unit() as app:
        await app.session.execute(select(1))
        raw = await (await app.session.connection()).get_raw_connection()
        assert raw.dbapi_connection.in_loop is True
    async with bind.connect() as conn:  # the same pooled connection, outside a unit
        raw = await conn.get_raw_connection()
        assert raw.dbapi_connection.in_loop is False
