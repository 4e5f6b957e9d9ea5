"""Tap to screen: how long a customer waits for the next screen, with the pacer on.

`sportello run`'s own runner (long polling, the real `Sender` and `Pacer`) talks to the
Bot API emulator of the tests, in the same process. One customer taps through «I miei
prodotti» → a service → «Menu principale» and round again, each tap as soon as the
previous screen has arrived. Meanwhile another customer browses the same way at a brisk
human pace (a tap every quarter of a second), and a third opens a ticket every half
second, so the support group is fed far faster than its 20 messages a minute and its
cards are being paced throughout. A tap's figure is the time from the update being
offered to the bot until the emulator has the new screen.

The flood gate (2 updates a second per chat after a burst of 8) is off here: it would
rightly tell a customer tapping this fast to slow down, and it is the input side, not
the pacing of what we send.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from benchmarks.conversation import DAY, catalogue
from bot.runner import BotRunner
from core.app import Sportello
from core.clock import FixedClock
from core.config import Settings
from core.db import create_engine, migrate
from core.importer import apply, parse_data
from handlers.engine import Engine
from tests.fake_telegram import FakeTelegram, Sent, User

SUPPORT = -100_777_000_111
STAFF = 515_151
FIRST_USER = 900_000
LOOP = ("I miei prodotti", "cliente{i}.it", "Menu principale")


async def _tapper(fake: FakeTelegram, i: int, taps: int, out: list[float],
                  pause: float = 0.0) -> None:
    """`taps` taps, each `pause` seconds after the previous screen arrived."""
    user = User(FIRST_USER + i, "Cliente", f"Numero{i}")
    shown = fake.shown(user.id)
    fake.user_message(user, "/menu")
    await fake.shown_after(user.id, shown)
    for n in range(taps):
        await asyncio.sleep(pause)
        label = LOOP[n % len(LOOP)].format(i=i)
        screen: Sent = fake.to(user.id)[-1]
        shown = fake.shown(user.id)
        started = time.perf_counter()
        fake.press(user, screen, label)
        await fake.shown_after(user.id, shown, timeout=30)
        out.append(time.perf_counter() - started)


async def _ticket_writer(fake: FakeTelegram, i: int, stop: asyncio.Event) -> None:
    """A ticket every half second: each one is a card for the support group."""
    user = User(FIRST_USER + i, "Cliente", f"Numero{i}")
    n = 0
    while not stop.is_set():
        n += 1
        await asyncio.sleep(0.5)
        for step in ("/ticket", "Problema tecnico", f"Il sito è lento ({n})"):
            shown = fake.shown(user.id)
            if step == "Problema tecnico":
                fake.press(user, fake.to(user.id)[-1], step)
            else:
                fake.user_message(user, step)
            await fake.shown_after(user.id, shown, timeout=60)


async def one(framework: str, folder: Path, taps: int) -> dict[str, Any]:
    path = folder / f"tap-{framework}.db"
    path.unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{path}"
    engine = create_engine(url)
    await migrate(engine)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    fake = FakeTelegram(members={SUPPORT: {STAFF}})
    base = await fake.start()
    settings = Settings(_env_file=None, database_url=url,  # type: ignore[call-arg]
                        bot_token=fake.token, api_url=base, support_chat_id=SUPPORT,
                        poll_timeout=1)
    app = Sportello(sessions, settings, FixedClock(DAY))
    async with sessions() as session, session.begin():
        await apply(session, parse_data(catalogue(3, 0), "bench"))
    linker = Engine(app)
    for i in range(3):
        await linker.link(f"tg:{FIRST_USER + i}", i + 1)
    runner = BotRunner(app, framework=framework, outbox_every=0.5)
    await runner.start()
    assert runner.door is not None
    runner.door.engine.flood = None  # see the module's docstring
    stop = asyncio.Event()
    latencies: list[float] = []
    try:
        writer = asyncio.create_task(_ticket_writer(fake, 2, stop))
        browser = asyncio.create_task(_tapper(fake, 1, 10**6, [], pause=0.25))
        await _tapper(fake, 0, taps, latencies)
        stop.set()
        browser.cancel()
        group_messages = len(fake.to(SUPPORT))
        writer.cancel()
        await asyncio.gather(writer, browser, return_exceptions=True)
    finally:
        await runner.stop()
        await fake.stop()
        await engine.dispose()
    ordered = sorted(latencies)
    return {"framework": framework, "taps": len(ordered),
            "tap_p50_ms": round(statistics.median(ordered) * 1000, 1),
            "tap_p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
                                * 1000, 1),
            "tap_max_ms": round(ordered[-1] * 1000, 1),
            "group_messages": group_messages}


async def run(folder: Path, taps: int = 100) -> list[dict[str, Any]]:
    """Per runtime: a customer tapping `taps` times, another browsing, the group busy."""
    return [await one(framework, folder, taps) for framework in ("ptb", "aiogram")]
