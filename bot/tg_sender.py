"""Outbound pacing within Telegram's limits, and what to do when Telegram says no.

Limits (Telegram's FAQ for bots), as python-telegram-bot's `AIORateLimiter` applies them:
about 30 messages a second overall and 20 a minute per group (a short burst of three,
then one every three seconds); private chats are not paced one by one, so a customer's
screen goes out as soon as it is ready. A 429's `retry_after` holds the chat that got
it, and only that chat (`AIORateLimiter` stops every chat; then one busy support group
would keep every customer waiting). Network errors and 5xx are retried a few times with
a growing pause; a 403 (blocked by the user) is not retried.

A caller reserves its slot (synchronously: nothing else runs on the event loop between
reading the buckets and writing them) and then sleeps until the slot holding nothing, so
one chat never waits for another chat's pause.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.tg_io import Blocked, Rejected, RetryAfter, Temporary
from core.ratelimit import TokenBucket

T = TypeVar("T")
log = logging.getLogger("sportello.telegram")

GLOBAL_RATE, GLOBAL_BURST = 30.0, 30.0  # messages a second overall
GROUP_RATE, GROUP_BURST = 20 / 60, 3.0  # 20 a minute per group; a reply of 3 goes at once
MAX_ATTEMPTS = 5
MAX_RETRY_AFTER = 120.0
KEPT_GROUPS = 10_000  # past this many, buckets of idle groups are forgotten


class GiveUp(Exception):
    """Still failing after MAX_ATTEMPTS: leave it for the next round (outbox stays)."""


class Pacer:
    """Waits as long as needed before each send; one instance per bot."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._global = TokenBucket(GLOBAL_RATE, GLOBAL_BURST, clock)
        self._groups: dict[int, TokenBucket] = {}
        self._held: dict[int, float] = {}  # chat -> until when Telegram told it to wait

    async def wait(self, chat_id: int) -> None:
        # The chat's own wait first (a hold, a group's rate), then the overall slot: a
        # group's next message, seconds away, must not take a slot everyone else needs now
        # (AIORateLimiter nests its limiters in the same order).
        delay = self._reserve_chat(chat_id)
        if delay > 0:
            await self._sleep(delay)
        delay = self._global.reserve()
        if delay > 0:
            await self._sleep(delay)

    def hold(self, chat_id: int, seconds: float) -> None:
        """Telegram said `retry_after`: nothing more to this chat for `seconds`."""
        until = self._clock() + seconds
        self._held[chat_id] = max(until, self._held.get(chat_id, until))

    def _reserve_chat(self, chat_id: int) -> float:
        now = self._clock()
        held = self._held.get(chat_id)
        if held is not None and held <= now:
            del self._held[chat_id]
            held = None
        if chat_id >= 0:  # a private chat: only a hold makes it wait
            return 0.0 if held is None else held - now
        group = self._groups.get(chat_id)
        if group is None:
            if len(self._groups) >= KEPT_GROUPS:
                self._groups = {c: b for c, b in self._groups.items() if not b.full()}
            group = self._groups[chat_id] = TokenBucket(GROUP_RATE, GROUP_BURST, self._clock)
        return group.reserve(held)


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
                seconds = min(max(slow.seconds, 0.1), MAX_RETRY_AFTER)
                self.pacer.hold(chat_id, seconds)  # other sends to this chat wait too
                if not paced:
                    await self._sleep(seconds)
            except Temporary as down:
                log.warning("telegram temporarily unavailable: %s", down,
                            extra={"chat": chat_id, "attempt": attempt})
                await self._sleep(pause)
                pause = min(pause * 2, 30.0)
            except (Blocked, Rejected):
                raise
        raise GiveUp(chat_id)
