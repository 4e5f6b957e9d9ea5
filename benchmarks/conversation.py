"""Conversations through each Telegram runtime, against the echo floor of that runtime.

Updates go in through the framework's own entry point (python-telegram-bot's
`process_update`, aiogram's `feed_webhook_update`); every reply goes out through the
framework's HTTP client to the Bot API server of the tests on 127.0.0.1. The floor is the
same framework answering every update with a fixed message and no database. Runs
alternate floor and bot; the headline is our throughput as a share of the floor's.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.tg_door import Door
from bot.tg_sender import Pacer, Sender
from core.app import Sportello
from core.clock import FixedClock
from core.config import Settings
from core.db import create_engine, migrate
from core.importer import apply, parse_data
from handlers.engine import Engine
from tests.fake_telegram import FakeTelegram, Sent, User

DAY = __import__("datetime").date(2026, 11, 21)
MIX = [("browse", 40), ("renew", 20), ("cancel", 10), ("upgrade", 10), ("text", 10),
       ("ticket", 10)]


class NoWait(Pacer):
    """Telegram's pacing is Telegram's limit, not the cost of our logic: off here."""

    async def wait(self, chat_id: int) -> None:
        return None


def catalogue(customers: int, offset: int) -> dict[str, Any]:
    plans = [
        {"code": "DOM", "name": "Dominio .it", "category": "dominio", "price": "9.90"},
        {"code": "START", "name": "Hosting Start", "category": "hosting", "price": "60.00",
         "changes_to": ["PRO"]},
        {"code": "PRO", "name": "Hosting Pro", "category": "hosting", "price": "120.00",
         "changes_to": ["START"]},
        {"code": "PEC", "name": "PEC Standard", "category": "pec", "price": "5.00"},
    ]
    people, services = [], []
    for i in range(offset, offset + customers):
        code = f"B{i:05d}"
        people.append({"code": code, "name": f"Cliente Numero{i}"})
        for plan, name, days in (("DOM", f"cliente{i}.it", 20), ("START", f"www.cliente{i}.it",
                                                                 200), ("PEC", f"c{i}@pec.it", 6)):
            services.append({"customer": code, "plan": plan, "name": name,
                             "expires_on": DAY + __import__("datetime").timedelta(days=days)})
    return {"plans": plans, "customers": people, "services": services}


async def prepare(url: str, customers: int) -> tuple[Sportello, Any]:
    engine = create_engine(url)
    await migrate(engine)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    app = Sportello(sessions, settings, FixedClock(DAY))
    async with sessions() as session, session.begin():
        await apply(session, parse_data(catalogue(customers * 2, 0), "bench"))
    linker = Engine(app)
    for i in range(customers * 2):  # each simulated Telegram user is a linked customer
        await linker.link(f"tg:{900_000 + i}", i + 1)
    return app, engine


def script(kind: str, i: int) -> list[tuple[str, str]]:
    """What a customer of each kind does: ("text", ...), ("command", ...), ("press", label)."""
    return {
        "browse": [("command", "menu"), ("press", "I miei prodotti"),
                   ("press", f"cliente{i}.it")],
        "renew": [("text", f"vorrei rinnovare cliente{i}.it"), ("press", "Bonifico bancario"),
                  ("press", "Accetto le condizioni generali"),
                  ("press", "Procedi al pagamento")],
        "cancel": [("text", "disdici l'hosting"), ("press", "Costo troppo alto"),
                   ("text", f"Cliente Numero{i}"), ("press", "Ok")],
        "upgrade": [("text", "quanto costa passare al piano pro?")],
        "text": [("text", "ciao"), ("text", "che servizi ho?")],
        "ticket": [("command", "ticket"), ("press", "Problema tecnico"),
                   ("text", "Il sito è lento")],
    }[kind]


def kinds(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    population = [k for k, weight in MIX for _ in range(weight)]
    return [rng.choice(population) for _ in range(count)]


async def drive(fake: FakeTelegram, feed: Any, customers: list[tuple[int, str]],
                record: list[dict[str, Any]] | None, replay: list[dict[str, Any]] | None,
                every: float = 0.0, harness: list[float] | None = None) -> list[float]:
    """Each customer runs its script concurrently with the others; returns latencies.
    With `every`, customers arrive one per `every` seconds instead of all at once.
    `harness` collects the time spent finding buttons and composing updates (the floor
    replays ready updates, so the caller takes this time out of ours)."""
    latencies: list[float] = []
    spent = harness if harness is not None else []

    async def send(update: dict[str, Any]) -> None:
        started = time.perf_counter()
        await feed(update)
        latencies.append(time.perf_counter() - started)

    if replay is not None:
        queues: dict[int, list[dict[str, Any]]] = {}
        for update in replay:
            chat = (update.get("message") or update["callback_query"]["message"])["chat"]["id"]
            queues.setdefault(chat, []).append(update)

        async def replay_one(n: int, items: list[dict[str, Any]]) -> None:
            await asyncio.sleep(n * every)
            for update in items:
                await send(update)
        await asyncio.gather(*(replay_one(n, items) for n, items in enumerate(queues.values())))
        return latencies

    async def one(n: int, i: int, kind: str) -> None:
        await asyncio.sleep(n * every)
        user = User(900_000 + i, "Cliente", f"Numero{i}")
        for action, value in script(kind, i):
            composing = time.perf_counter()
            if action == "press":
                last: Sent | None = next((s for s in reversed(fake.to(user.id))
                                          if any(lb.startswith(value) for lb in s.labels())),
                                         None)
                if last is None:
                    spent.append(time.perf_counter() - composing)
                    return
                update = fake.press(user, last, value)
            else:
                text = value if action == "text" else f"/{value}"
                update = fake.user_message(user, text)
            fake._updates.clear()
            if record is not None:
                record.append(update)
            spent.append(time.perf_counter() - composing)
            await send(update)
    await asyncio.gather(*(one(n, i, kind) for n, (i, kind) in enumerate(customers)))
    return latencies


async def runtime(framework: str, fake: FakeTelegram, base: str, app: Sportello | None
                  ) -> tuple[Any, Any]:
    """(feed, close) for our door on `framework`, or for its echo floor when app is None."""
    if framework == "ptb":
        from telegram import Update
        from telegram.ext import ApplicationBuilder, TypeHandler

        from bot import ptb_runtime

        if app is None:
            application = ApplicationBuilder().token(fake.token).base_url(
                f"{base}/bot").build()

            async def echo(update: object, context: Any) -> None:
                assert isinstance(update, Update)
                if update.callback_query:
                    await update.callback_query.answer()
                    chat = update.callback_query.message.chat.id  # type: ignore[union-attr]
                else:
                    chat = update.message.chat.id  # type: ignore[union-attr]
                await context.bot.send_message(chat, "eco")
            application.add_handler(TypeHandler(Update, echo))
        else:
            application, attach = ptb_runtime.build(fake.token, base, None)
            attach(Door(app, Engine(app), ptb_runtime.PTBIO(application.bot),
                        Sender(NoWait())))
        await application.initialize()

        async def feed(data: dict[str, Any]) -> None:
            await application.process_update(Update.de_json(data, application.bot))
        return feed, application.shutdown
    from aiogram import Bot, Dispatcher, Router
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import CallbackQuery, Message

    from bot import aiogram_runtime

    if app is None:
        bot = Bot(fake.token, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
        dispatcher, router = Dispatcher(), Router()

        @router.message()
        async def on_message(message: Message) -> None:
            await bot.send_message(message.chat.id, "eco")

        @router.callback_query()
        async def on_press(press: CallbackQuery) -> None:
            await press.answer()
            await bot.send_message(press.message.chat.id, "eco")  # type: ignore[union-attr]
        dispatcher.include_router(router)
    else:
        bot, dispatcher, attach = aiogram_runtime.build(fake.token, base, None)
        attach(Door(app, Engine(app), aiogram_runtime.AiogramIO(bot), Sender(NoWait())))

    async def feed_ag(data: dict[str, Any]) -> None:
        await dispatcher.feed_webhook_update(bot, data)
    return feed_ag, bot.session.close


class DatabaseWork:
    """Counts the statements and transactions our runtime sends to the database while
    inside `with` (the throughput rounds), to show what one update costs."""

    def __init__(self, engine: Any) -> None:
        self.statements = self.transactions = 0
        self._sync = engine.sync_engine

    def _statement(self, *_args: Any) -> None:
        self.statements += 1

    def _begin(self, *_args: Any) -> None:
        self.transactions += 1

    def __enter__(self) -> None:
        event.listen(self._sync, "before_cursor_execute", self._statement)
        event.listen(self._sync, "begin", self._begin)

    def __exit__(self, *_exc: object) -> None:
        event.remove(self._sync, "before_cursor_execute", self._statement)
        event.remove(self._sync, "begin", self._begin)


def figures(latencies: list[float], seconds: float) -> dict[str, float]:
    ordered = sorted(latencies)
    return {"updates": len(ordered), "per_second": round(len(ordered) / seconds, 1),
            "p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(ordered[int(len(ordered) * 0.95)] * 1000, 2),
            "p99_ms": round(ordered[int(len(ordered) * 0.99)] * 1000, 2)}


async def run(folder: Path, customers: int = 60, rounds: int = 2,
              pg_url: str | None = None, paced: int = 40, arrivals: float = 4.0
              ) -> list[dict[str, Any]]:
    """Per database and runtime: throughput with `customers` at once (ours and the floor,
    alternating for `rounds`), then latency at a steady load: `paced` customers arriving
    `arrivals` per second, each going through its script."""
    rows = []
    databases = [("sqlite", None)] + ([("postgresql", pg_url)] if pg_url else [])
    for db_name, url in databases:
        for framework in ("ptb", "aiogram"):
            if url is None:
                path = folder / f"conv-{framework}.db"
                path.unlink(missing_ok=True)
                db_url = f"sqlite+aiosqlite:///{path}"
            else:
                from benchmarks.sweep import reset_postgres

                await reset_postgres(url)
                db_url = url
            fake = FakeTelegram()
            base = await fake.start()
            app, engine = await prepare(db_url, customers * rounds + paced)
            ours_feed, ours_close = await runtime(framework, fake, base, app)
            floor_feed, floor_close = await runtime(framework, fake, base, None)
            ours, floor = [], []
            ours_time = floor_time = 0.0
            work = DatabaseWork(engine)
            for r in range(rounds):
                batch = list(enumerate(kinds(customers, r), start=r * customers))
                record: list[dict[str, Any]] = []
                harness: list[float] = []
                started = time.perf_counter()
                with work:
                    ours += await drive(fake, ours_feed, batch, record, None, harness=harness)
                ours_time += time.perf_counter() - started - sum(harness)
                started = time.perf_counter()
                floor += await drive(fake, floor_feed, [], None, record)
                floor_time += time.perf_counter() - started
            steady = list(enumerate(kinds(paced, 99), start=rounds * customers))
            record = []
            ours_steady = await drive(fake, ours_feed, steady, record, None, 1 / arrivals)
            floor_steady = await drive(fake, floor_feed, [], None, record, 1 / arrivals)
            await ours_close()
            await floor_close()
            await engine.dispose()
            await fake.stop()
            mine, base_figures = figures(ours, ours_time), figures(floor, floor_time)
            calm, calm_floor = figures(ours_steady, 1.0), figures(floor_steady, 1.0)
            rows.append({"db": db_name, "framework": framework, **mine,
                         "floor_per_second": base_figures["per_second"],
                         "floor_p99_ms": base_figures["p99_ms"],
                         "ratio": round(mine["per_second"] / base_figures["per_second"], 2),
                         "statements_per_update": round(work.statements / len(ours), 1),
                         "transactions_per_update": round(work.transactions / len(ours), 2),
                         "steady_p50_ms": calm["p50_ms"], "steady_p99_ms": calm["p99_ms"],
                         "steady_floor_p99_ms": calm_floor["p99_ms"]})
    return rows
