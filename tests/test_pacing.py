"""Pacing of outbound Telegram traffic: the token bucket, the pacer on an injected clock,
and two chats end to end (a customer answered while the support group is being paced)."""

from __future__ import annotations

import asyncio

import pytest

from bot.tg_io import RetryAfter
from bot.tg_sender import Pacer, Sender
from core.ratelimit import TokenBucket
from tests.helpers import FakeTime
from tests.test_telegram_e2e import MARIO, SUPPORT, linked, running

GROUP = -100_555


class ManualTime:
    """A clock that moves only when the test says; sleepers wake when their time comes."""

    def __init__(self) -> None:
        self.now = 1000.0
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        self._sleepers.append((self.now + seconds, future))
        await future

    def sleeping(self) -> int:
        return sum(1 for _, future in self._sleepers if not future.done())

    async def advance(self, seconds: float) -> None:
        self.now += seconds
        for until, future in self._sleepers:
            if until <= self.now + 1e-9 and not future.done():
                future.set_result(None)
        for _ in range(5):  # let the woken tasks run up to their next wait
            await asyncio.sleep(0)


# --- the token bucket --------------------------------------------------------------------


def test_bucket_bursts_then_holds_the_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(2.0, 4.0, lambda: now[0])
    assert [bucket.try_take() for _ in range(5)] == [True] * 4 + [False]
    now[0] = 0.5
    assert [bucket.try_take() for _ in range(2)] == [True, False]
    assert not bucket.full()
    now[0] = 10.0
    assert bucket.full()


def test_bucket_reserves_future_slots_in_order() -> None:
    now = [0.0]
    bucket = TokenBucket(1.0, 2.0, lambda: now[0])
    assert [bucket.reserve() for _ in range(4)] == [0.0, 0.0, 1.0, 2.0]
    now[0] = 1.0  # the third token was reserved for now: nothing is there yet
    assert bucket.reserve() == pytest.approx(2.0)
    assert TokenBucket(1.0, 3.0, lambda: now[0]).reserve(not_before=5.0) == 4.0


# --- the pacer on an injected clock -------------------------------------------------------


async def test_a_group_gets_a_small_burst_then_one_every_three_seconds() -> None:
    time = FakeTime()
    pacer = Pacer(time.clock, time.sleep)
    for _ in range(5):
        await pacer.wait(GROUP)
    assert time.slept == [pytest.approx(3.0), pytest.approx(3.0)]


async def test_private_chats_are_never_paced_one_by_one() -> None:
    time = FakeTime()
    pacer = Pacer(time.clock, time.sleep)
    for _ in range(30):  # one chat, as fast as replies come: only the overall limit
        await pacer.wait(42)
    assert time.slept == []
    for _ in range(30):
        await pacer.wait(42)
    assert time.now - 1000.0 == pytest.approx(1.0)  # past 30 at once, 30 a second overall


async def test_a_chat_never_waits_for_another_chats_sleep() -> None:
    time = ManualTime()
    pacer = Pacer(time.clock, time.sleep)
    for _ in range(3):
        await pacer.wait(GROUP)  # the group's burst
    paced = asyncio.create_task(pacer.wait(GROUP))  # its 4th message: 3 seconds away
    await time.advance(0)
    assert time.sleeping() == 1 and not paced.done()
    # Meanwhile, with the clock standing still: a customer, another group, and enough
    # private messages to use the overall burst the group's future slot must not take.
    await asyncio.wait_for(pacer.wait(42), 5)
    await asyncio.wait_for(pacer.wait(-100_666), 5)
    for chat in range(25):
        await asyncio.wait_for(pacer.wait(chat + 1), 5)
    assert not paced.done()
    await time.advance(3.0)
    await asyncio.wait_for(paced, 5)


async def test_group_messages_queue_up_in_reserved_slots() -> None:
    time = ManualTime()
    pacer = Pacer(time.clock, time.sleep)
    waits = [asyncio.create_task(pacer.wait(GROUP)) for _ in range(6)]
    await time.advance(0)
    assert sum(w.done() for w in waits) == 3
    for expected in (4, 5, 6):
        await time.advance(3.0)
        assert sum(w.done() for w in waits) == expected


async def test_retry_after_holds_that_chat_only() -> None:
    time = ManualTime()
    pacer = Pacer(time.clock, time.sleep)
    sender = Sender(pacer, time.sleep)
    sent: list[tuple[int, float]] = []
    refusals = {42: 1}

    def request(chat: int):  # type: ignore[no-untyped-def]
        async def go() -> str:
            if refusals.get(chat):
                refusals[chat] -= 1
                raise RetryAfter(7)
            sent.append((chat, time.now))
            return "ok"
        return go

    held = asyncio.create_task(sender.call(42, request(42)))
    await time.advance(0)
    assert sent == [] and not held.done()
    assert await asyncio.wait_for(sender.call(43, request(43)), 5) == "ok"
    assert await asyncio.wait_for(sender.call(GROUP, request(GROUP)), 5) == "ok"
    assert sent == [(43, 1000.0), (GROUP, 1000.0)]  # other chats went at once
    later = asyncio.create_task(sender.call(42, request(42)))  # the held chat waits too
    await time.advance(6.9)
    assert not held.done() and not later.done()
    await time.advance(0.1)
    assert await asyncio.wait_for(held, 5) == "ok" and await asyncio.wait_for(later, 5) == "ok"
    assert [at for chat, at in sent if chat == 42] == [1007.0, 1007.0]


# --- two chats end to end ------------------------------------------------------------------


@pytest.mark.parametrize("framework", ["ptb", "aiogram"])
async def test_a_customer_is_answered_while_the_support_group_is_paced(
    framework: str, sessions, database_url, clock
) -> None:
    async with running(framework, sessions, database_url, clock) as (fake, app, _):
        await linked(fake, app)
        giulia = await app.customer_by_code("C002")
        for n in range(5):  # five cards for the group: three at once, then one every 3 s
            await app.open_ticket(giulia.id, "altro", f"Domanda numero {n}")
        await fake.until(lambda: len(fake.to(SUPPORT)) >= 3)
        shown = fake.shown(MARIO.id)
        fake.user_message(MARIO, "/menu")
        await fake.shown_after(MARIO.id, shown)
        menu = fake.to(MARIO.id)[-1]
        shown = fake.shown(MARIO.id)
        fake.press(MARIO, menu, "I miei prodotti")
        await fake.shown_after(MARIO.id, shown)
        assert "I miei prodotti" in fake.to(MARIO.id)[-1].text
        # The customer did not queue behind the group: its 4th card is seconds away.
        assert len(fake.to(SUPPORT)) == 3
        await fake.until(lambda: len(fake.to(SUPPORT)) == 5, timeout=20)

