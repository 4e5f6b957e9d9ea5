"""Outbound pacing within Telegram's limits, and what to do when Telegram says no.

Limits (Telegram's FAQ for bots): about 30 messages a second overall, one a second per
chat, 20 a minute per group, as token buckets that allow a short burst (the two or three
messages of one reply) and then hold the rate. `retry_after` from a 429 is honoured;
network errors and 5xx are retried a few times with a growing pause; a 403 (blocked by
the user) is not retried.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.tg_io import Blocked, Rejected, RetryAfter, Temporary

T = TypeVar("T")
log = logging.getLogger("sportello.telegram")

GLOBAL_RATE, GLOBAL_BURST = 30.0, 30.0  # messages a second overall
PRIVATE_RATE, PRIVATE_BURST = 1.0, 3.0  # one a second per chat; a reply of 3 goes at once
GROUP_RATE, GROUP_BURST = 20 / 60, 3.0  # 20 a minute per group
MAX_ATTEMPTS = 5
MAX_RETRY_AFTER = 120.0


class GiveUp(Exception):
    """Still failing after MAX_ATTEMPTS: leave it for the next round (outbox stays)."""


@dataclass
class Bucket:
    """A token bucket: `burst` sends at once, then `rate` a second."""

    rate: float
    burst: float
    tokens: float
    at: float

    def delay(self, now: float) -> float:
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1 - 1e-9:  # float rounding must not leave us a hair short
            return 0.0
        return max((1 - self.tokens) / self.rate, 1e-3)

    def take(self) -> None:
        self.tokens = max(self.tokens - 1, 0.0)


class Pacer:
    """Waits as long as needed before each send; one instance per bot."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._global = Bucket(GLOBAL_RATE, GLOBAL_BURST, GLOBAL_BURST, clock())
        self._chats: dict[int, Bucket] = {}
        self._lock = asyncio.Lock()

    async def wait(self, chat_id: int) -> None:
        async with self._lock:
            now = self._clock()
            chat = self._chats.get(chat_id)
            if chat is None:
                rate, burst = (GROUP_RATE, GROUP_BURST) if chat_id < 0 else (
                    PRIVATE_RATE, PRIVATE_BURST)
                chat = self._chats[chat_id] = Bucket(rate, burst, burst, now)
            while True:
                delay = max(chat.delay(now), self._global.delay(now))
                if delay <= 0:
                    break
                await self._sleep(delay)
                now = self._clock()
            chat.take()
            self._global.take()
            if len(self._chats) > 10_000:  # forget chats whose bucket is full again
                self._chats = {c: b for c, b in self._chats.items()
                               if b.delay(now) > 0 or b.tokens < b.burst}


class Sender:
    def __init__(self, pacer: Pacer | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.pacer = pacer or Pacer()
        self._sleep = sleep

    async def call(self, chat_id: int, request: Callable[[], Awaitable[T]],
                   paced: bool = True) -> T:
        """Run `request` for `chat_id`, paced and retried. Raises Blocked, Rejected or
        GiveUp; the caller decides what a failure means."""
        pause = 1.0
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if paced:
                await self.pacer.wait(chat_id)
            try:
                return await request()
            except RetryAfter as slow:
                log.warning("telegram asks to wait", extra={"chat": chat_id,
                                                            "seconds": slow.seconds})
                await self._sleep(min(max(slow.seconds, 0.1), MAX_RETRY_AFTER))
            except Temporary as down:
                log.warning("telegram temporarily unavailable: %s", down,
                            extra={"chat": chat_id, "attempt": attempt})
                await self._sleep(pause)
                pause = min(pause * 2, 30.0)
            except (Blocked, Rejected):
                raise
        raise GiveUp(chat_id)
