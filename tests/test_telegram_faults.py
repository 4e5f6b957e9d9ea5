"""Telegram faults, for both runtimes, against `tests/fake_telegram.py`: proxies' HTML error
pages, 5xx on any method, a rejected token, an unreachable Bot API, non-text messages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from bot.runner import BotRunner
from bot.tg_sender import Sender
from core.app import Sportello
from core.demo import load_demo_if_empty
from tests.conftest import make_settings
from tests.fake_telegram import FakeTelegram
from tests.test_telegram_e2e import MARIO, STAFF, SUPPORT, linked

FRAMEWORKS = ["ptb", "aiogram"]


async def quick(seconds: float) -> None:
    """The sender's pauses, a hundred times shorter: retries exhaust in a fraction of a second."""
    await asyncio.sleep(seconds / 100)


@asynccontextmanager
async def running(framework: str, sessions: Any, database_url: str, clock: Any,
                  fake: FakeTelegram | None = None, **runner: Any
                  ) -> AsyncIterator[tuple[FakeTelegram, Sportello, BotRunner]]:
    fake = fake or FakeTelegram(members={SUPPORT: {STAFF.id}})
    base = await fake.start()
    app = Sportello(sessions, make_settings(
        database_url, bot_token=fake.token, api_url=base, support_chat_id=SUPPORT,
        poll_timeout=1), clock)
    async with app.sessions() as session, session.begin():
        await load_demo_if_empty(session, clock.today())
    bot = BotRunner(app, framework=framework, outbox_every=0.1, **runner)
    await bot.start()
    try:
        yield fake, app, bot
    finally:
        await bot.stop()
        await fake.stop()


@pytest.fixture(params=FRAMEWORKS)
async def telegram(request: pytest.FixtureRequest, sessions, database_url, clock
                   ) -> AsyncIterator[tuple[FakeTelegram, Sportello, BotRunner]]:
    async with running(request.param, sessions, database_url, clock,
                       sender=Sender(sleep=quick)) as bot:
        yield bot


# --- error bodies that are not Telegram's --------------------------------------------------


@pytest.mark.parametrize("status", [502, 500])
async def test_a_proxy_html_error_page_is_temporary_and_the_reply_arrives(
        telegram, status: int) -> None:
    fake, app, _ = telegram
    await linked(fake, app)
    fake.fail("sendMessage", status, html=True)
    fake.user_message(MARIO, "/aiuto")
    await fake.wait_for(MARIO.id, "Posso aiutarti con i tuoi servizi")
    assert fake.failed("sendMessage") == 1


async def test_html_error_pages_while_polling_do_not_stop_the_bot(telegram) -> None:
    fake, app, _ = telegram
    fake.fail("getUpdates", 502, html=True, times=2)
    await fake.until(lambda: fake.failed("getUpdates") == 2, timeout=30)
    await linked(fake, app)
