"""`sportello run`: the bot on Telegram, by long polling or webhook, with its daily work.

One process runs: the chosen runtime (python-telegram-bot by default, or aiogram), the
outbox loop that relays ticket messages and sends lifecycle notices, the email outbox
loop (when `SPORTELLO_SMTP_HOST` is set: `bot.mailer`), and the daily
lifecycle sweep at `SPORTELLO_SWEEP_HOUR` (Rome time). Several processes may share one
PostgreSQL: the sweep is idempotent and serialised by an advisory lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from aiohttp import web

from bot.tg_door import Door
from bot.tg_io import ALLOWED_UPDATES, Temporary
from bot.tg_sender import Sender
from core.app import Sportello
from core.clock import ROME
from handlers.engine import Engine, FloodGate
from handlers.i18n import t

log = logging.getLogger("sportello.bot")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
STOP_GRACE = 10.0  # seconds an update in flight may take to finish when the bot stops
MAX_CONNECT_PAUSE = 60.0  # the longest wait between two attempts to reach the Bot API


def seconds_until(now: datetime, hour: int) -> float:
    """Seconds from `now` (aware) to the next `hour`:00 on the Rome wall clock, counted in
    real time (a night when the clocks change is 23 or 25 hours long)."""
    local = now.astimezone(ROME)
    run_at = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if run_at <= local:
        run_at = datetime.combine(run_at.date() + timedelta(days=1), run_at.timetz())
    elapsed = run_at.astimezone(UTC) - now.astimezone(UTC)
    return max(elapsed.total_seconds(), 1.0)


class ConfigError(Exception):
    """A missing or malformed setting: one line for the person starting the bot."""


@dataclass
class BotRunner:
    app: Sportello
    framework: str = "ptb"
    webhook_url: str | None = None
    outbox_every: float = 2.0
    mail_every: float = 10.0  # seconds between two rounds of the email outbox
    sender: Sender | None = None  # how Telegram calls are paced and retried (tests: faster)
    connect_pause: float = 1.0  # the first wait when the Bot API is unreachable at start
    door: Door | None = None
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _web: web.AppRunner | None = None
    _runtime: dict[str, Any] = field(default_factory=dict)
    _stopped: bool = False

    async def start(self) -> None:
        """Reach the Bot API (retrying while it is unreachable), then serve. A rejected
        token raises `TokenRejected`; a stop requested meanwhile returns early. What was
        opened is closed again when starting fails."""
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        settings = self.app.settings
        if settings.bot_token is None:
            raise ConfigError("SPORTELLO_BOT_TOKEN")
        token = settings.bot_token.get_secret_value()
        engine = Engine(self.app, invoices=settings.payment_provider_token is not None,
                        flood=FloodGate())
        if self.framework == "aiogram":
            from bot import aiogram_internals, aiogram_runtime

            bot, dispatcher, attach = aiogram_runtime.build(token, settings.api_url, None)
            aiogram_internals.update_tasks(dispatcher)  # a changed aiogram: warned at start
            io: Any = aiogram_runtime.AiogramIO(bot)
            self._runtime.update(bot=bot, dispatcher=dispatcher)
            connect: Any = lambda: aiogram_runtime.connect(bot)  # noqa: E731
        else:
            from bot import ptb_runtime

            application, attach = ptb_runtime.build(token, settings.api_url, None)
            io = ptb_runtime.PTBIO(application.bot)
            self._runtime.update(application=application)
            connect = lambda: ptb_runtime.connect(application)  # noqa: E731
        if not await self._reach(connect):
            return
        self.door = Door(self.app, engine, io, self.sender or Sender())
        attach(self.door)
        await self.door.start()
        if self.webhook_url:
            await self._start_webhook(io)
        else:
            await io.delete_webhook()
            await self._start_polling()
        self._tasks.append(asyncio.create_task(self._outbox_loop(), name="outbox"))
        self._tasks.append(asyncio.create_task(self._daily_sweep(), name="sweep"))
        if settings.smtp_host:  # email to customers: its own loop, so SMTP never slows chats
            self._tasks.append(asyncio.create_task(self._mail_loop(), name="mail"))
        log.info("bot started", extra={"framework": self.framework,
                                       "mode": "webhook" if self.webhook_url else "polling"})

    async def _reach(self, connect: Any) -> bool:
        """`connect()` until the Bot API answers, one line per failed attempt and a pause
        that doubles up to a minute; False if a stop was requested meanwhile."""
        pause, attempt = self.connect_pause, 1
        while not self._stop.is_set():
            try:
                await connect()
                return True
            except Temporary as down:
                detail = (str(down).strip().splitlines() or [type(down).__name__])[0][:200]
                log.warning(t("cli-run-unreachable", attempt=attempt, detail=detail,
                              seconds=f"{pause:g}"))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), pause)
            pause, attempt = min(pause * 2, MAX_CONNECT_PAUSE), attempt + 1
        return False

    async def _start_polling(self) -> None:
        timeout = self.app.settings.poll_timeout
        if self.framework == "aiogram":
            dispatcher, bot = self._runtime["dispatcher"], self._runtime["bot"]
            self._tasks.append(asyncio.create_task(dispatcher.start_polling(
                bot, handle_signals=False, polling_timeout=timeout, close_bot_session=False,
                allowed_updates=ALLOWED_UPDATES), name="polling"))
        else:
            application = self._runtime["application"]
            await application.start()
            await application.updater.start_polling(
                timeout=timeout, poll_interval=0.0, allowed_updates=ALLOWED_UPDATES)

    async def _start_webhook(self, io: Any) -> None:
        settings = self.app.settings
        secret = (settings.webhook_secret.get_secret_value() if settings.webhook_secret
                  else secrets.token_urlsafe(32))
        assert self.webhook_url is not None
        path = urlparse(self.webhook_url).path or "/telegram"
        if self.framework != "aiogram":
            await self._runtime["application"].start()

        async def receive(request: web.Request) -> web.Response:
            if not secrets.compare_digest(request.headers.get(SECRET_HEADER, ""), secret):
                log.warning("webhook call with a wrong secret",
                            extra={"peer": request.remote})
                return web.Response(status=401)
            data = await request.json()
            await self.feed(data)
            assert self.door is not None
            update_id = data.get("update_id")
            if update_id in self.door.unacknowledged:
                self.door.unacknowledged.discard(update_id)
                # Not acknowledged: Telegram delivers the update again later.
                return web.json_response({"ok": False}, status=503)
            return web.json_response({"ok": True})

        async def health(request: web.Request) -> web.Response:
            try:
                await self.app.unsent_notices(limit=1)
            except Exception:
                return web.json_response({"status": "database unavailable"}, status=503)
            return web.json_response({"status": "ok"})

        server = web.Application()
        server.router.add_post(path, receive)
        server.router.add_get("/healthz", health)
        self._web = web.AppRunner(server, access_log=None)
        await self._web.setup()
        await web.TCPSite(self._web, settings.webhook_listen, settings.webhook_port).start()
        await io.set_webhook(self.webhook_url, secret)

    async def feed(self, data: dict[str, Any]) -> None:
        if self.framework == "aiogram":
            from bot import aiogram_runtime

            await aiogram_runtime.feed(self._runtime["bot"], self._runtime["dispatcher"], data)
        else:
            from bot import ptb_runtime

            await ptb_runtime.feed(self._runtime["application"], data)

    async def _outbox_loop(self) -> None:
        assert self.door is not None
        while not self._stop.is_set():
            try:
                await self.door.relay_pending()
                await self.door.send_notices()
            except Exception:
                log.exception("outbox round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.outbox_every)

    async def _mail_loop(self) -> None:
        from bot.mailer import Mailer

        mailer = Mailer(self.app)
        while not self._stop.is_set():
            try:
                await mailer.round()
            except Exception:
                log.exception("mail round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.mail_every)

    async def _daily_sweep(self) -> None:
        while not self._stop.is_set():
            wait = seconds_until(datetime.now(ROME), self.app.settings.sweep_hour)
            try:
                await asyncio.wait_for(self._stop.wait(), wait)
                return
            except TimeoutError:
                pass
            await self.daily_work()

    async def daily_work(self) -> None:
        """The lifecycle sweep, then the day's digest for the support group (claimed once
        whatever the number of workers; the outbox loop posts it)."""
        try:
            result = await self.app.run_lifecycle()
            log.info("daily sweep done", extra={"counts": result.counts})
        except Exception:
            log.exception("daily sweep failed")
        try:
            await self.app.claim_digest()
        except Exception:
            log.exception("daily digest not queued")

    def request_stop(self) -> None:
        """From a signal handler: `wait()` returns and the caller calls `stop()`."""
        self._stop.set()

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._stop.set()
        if self.framework == "aiogram" and "dispatcher" in self._runtime:
            from bot import aiogram_internals

            dispatcher = self._runtime["dispatcher"]
            with contextlib.suppress(RuntimeError):  # not polling (webhook mode)
                await dispatcher.stop_polling()
            # aiogram handles each polled update in its own task, which stopping the
            # polling does not wait for: let updates in flight finish (bounded), so none
            # is cut half-way or left running after the runner (found by the e2e tests,
            # where such a task went on sending to a server already gone).
            in_flight = set(aiogram_internals.update_tasks(dispatcher) or ())
            if in_flight:
                _, unfinished = await asyncio.wait(in_flight, timeout=STOP_GRACE)
                for task in unfinished:
                    task.cancel()
                await asyncio.gather(*unfinished, return_exceptions=True)
        elif "application" in self._runtime:
            application = self._runtime["application"]
            if application.updater and application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            await application.shutdown()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._web is not None:
            await self._web.cleanup()
        if "bot" in self._runtime:
            await self._runtime["bot"].session.close()

    async def wait(self) -> None:
        await self._stop.wait()
