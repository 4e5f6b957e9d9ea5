"""Telegram faults, for both runtimes, against `tests/fake_telegram.py`: proxies' HTML error
pages, 5xx on any method, a rejected token, an unreachable Bot API, non-text messages."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.runner import BotRunner
from bot.tg_sender import Sender
from core.app import Sportello
from core.demo import load_demo_if_empty
from tests.conftest import PG_URL, make_settings
from tests.fake_telegram import FakeTelegram, closed_port
from tests.test_telegram_e2e import MARIO, STAFF, SUPPORT, linked

FRAMEWORKS = ["ptb", "aiogram"]
ROOT = Path(__file__).parent.parent


async def quick(seconds: float) -> None:
    """The sender's pauses, a hundred times shorter: retries exhaust in a fraction of a second."""
    await asyncio.sleep(seconds / 100)


@asynccontextmanager
async def running(framework: str, sessions: Any, database_url: str, clock: Any,
                  fake: FakeTelegram | None = None, settings: dict[str, Any] | None = None,
                  **runner: Any
                  ) -> AsyncIterator[tuple[FakeTelegram, Sportello, BotRunner]]:
    fake = fake or FakeTelegram(members={SUPPORT: {STAFF.id}})
    base = await fake.start()
    app = Sportello(sessions, make_settings(
        database_url, bot_token=fake.token, api_url=base, support_chat_id=SUPPORT,
        poll_timeout=1, **(settings or {})), clock)
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


# --- starting: a rejected token, an unreachable Bot API ------------------------------------

WRONG_TOKEN = "123456789:AAHwrongwrongwrongwrongwrongwrongwr"


async def sportello_run(framework: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--framework", framework,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **env}, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def next_line(stream: asyncio.StreamReader | None, timeout: float = 60) -> str:
    assert stream is not None
    line = await asyncio.wait_for(stream.readline(), timeout)
    assert line, "the process ended"
    return line.decode()


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_a_rejected_token_is_one_italian_line_without_the_token_and_exit_2(
        framework: str, tmp_path: Path) -> None:
    if PG_URL:
        pytest.skip("the process test runs on the embedded SQLite")
    fake = FakeTelegram()
    base = await fake.start()
    try:
        process = await sportello_run(framework, {
            "SPORTELLO_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
            "SPORTELLO_BOT_TOKEN": WRONG_TOKEN, "SPORTELLO_API_URL": base})
        stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    finally:
        await fake.stop()
    assert process.returncode == 2
    assert stdout == b""
    assert stderr.decode().splitlines() == [
        "Telegram rifiuta il token del bot (SPORTELLO_BOT_TOKEN): controllalo con @BotFather."]
    assert fake.unauthorized == ["getMe"]


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_an_unreachable_bot_api_is_retried_one_line_an_attempt_until_it_answers(
        framework: str, tmp_path: Path) -> None:
    if PG_URL:
        pytest.skip("the process test runs on the embedded SQLite")
    port = closed_port()
    fake = FakeTelegram()
    process = await sportello_run(framework, {
        "SPORTELLO_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        "SPORTELLO_BOT_TOKEN": fake.token, "SPORTELLO_POLL_TIMEOUT": "1",
        "SPORTELLO_API_URL": f"http://127.0.0.1:{port}"})
    try:
        first, second = await next_line(process.stderr), await next_line(process.stderr)
        assert "Bot API non raggiungibile (tentativo 1:" in first and "tra 1 s." in first
        assert "Bot API non raggiungibile (tentativo 2:" in second and "tra 2 s." in second
        await fake.start(port)  # Telegram is back: the next attempt gets through
        assert "Sportello è in linea su Telegram" in await next_line(process.stdout)
        await fake.until(lambda: any(name == "getUpdates" for name, _ in fake.calls), 30)
    finally:
        process.send_signal(signal.SIGTERM)
        _, rest = await asyncio.wait_for(process.communicate(), 30)
        await fake.stop()
    assert process.returncode == 0
    assert "Traceback" not in rest.decode() and fake.token not in rest.decode()


# --- what every call says: no link previews, the same updates in both modes -----------------


async def test_no_link_previews_and_replies_by_reply_parameters(telegram) -> None:
    fake, app, _ = telegram
    await linked(fake, app)
    fake.user_message(MARIO, "vorrei rinnovare mariorossi.it")
    review = await fake.wait_for(MARIO.id, "Totale: € 12,08")
    fake.press(MARIO, review, "Carta di credito")
    await fake.wait_for(MARIO.id, "Metodo scelto: Carta di credito")
    fake.user_message(MARIO, "/ticket")
    fake.press(MARIO, await fake.wait_for(MARIO.id, "Di cosa si tratta?"), "Problema tecnico")
    await fake.wait_for(MARIO.id, "Descrivi la richiesta")
    fake.user_message(MARIO, "Il sito www.mariorossi.it dà errore 500")
    card = await fake.wait_for(SUPPORT, "Ticket n. 1")
    fake.user_message(STAFF, "Scriva a info@mariorossi.it", chat_id=SUPPORT, reply_to=card)
    reply = await fake.wait_for(MARIO.id, "Risposta del supporto sul ticket n. 1:")
    fake.press(MARIO, reply, "Rispondi")  # the customer's answer: in reply to the card
    await fake.wait_for(MARIO.id, "Scrivi il messaggio da aggiungere al ticket n. 1")
    fake.user_message(MARIO, "Anche la posta info@mariorossi.it")
    relayed = await fake.wait_for(SUPPORT, "Anche la posta info@mariorossi.it")
    assert relayed.reply_to == card.message_id
    texts = [p for name, p in fake.calls if name in ("sendMessage", "editMessageText")]
    assert texts and all(p.get("link_preview_options") == {"is_disabled": True} for p in texts)
    assert not any("reply_to_message_id" in p for p in texts)


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_polling_and_webhook_ask_for_the_same_updates(
        framework: str, sessions, database_url, clock) -> None:
    async with running(framework, sessions, database_url, clock) as (fake, _, _):
        await fake.until(lambda: any(name == "getUpdates" for name, _ in fake.calls))
        polled = next(p for name, p in fake.calls if name == "getUpdates")["allowed_updates"]
    port = closed_port()  # free: the webhook listens there
    async with running(framework, sessions, database_url, clock, settings={"webhook_port": port},
                       webhook_url=f"http://127.0.0.1:{port}/telegram") as (fake, _app, _):
        assert fake.webhook["allowed_updates"] == polled
    assert polled == ["message", "callback_query", "pre_checkout_query"]


# --- 5xx on the support group's reads -------------------------------------------------------


async def open_ticket(fake: FakeTelegram, app: Sportello, text: str) -> None:
    await linked(fake, app)
    fake.user_message(MARIO, "/ticket")
    fake.press(MARIO, await fake.wait_for(MARIO.id, "Di cosa si tratta?"), "Problema tecnico")
    await fake.wait_for(MARIO.id, "Descrivi la richiesta")
    fake.user_message(MARIO, text)


async def test_a_card_reaches_the_group_after_get_chat_failed_past_the_retries(
        telegram, caplog: pytest.LogCaptureFixture) -> None:
    fake, app, _ = telegram
    fault = fake.fail("getChat", 500, times=12)  # more than one round of retries
    await open_ticket(fake, app, "Il sito dà errore 500")
    await fake.wait_for(SUPPORT, "Ticket n. 1 · Problema tecnico", timeout=30)
    assert fault.hits == 12
    assert not [r for r in caplog.records if r.exc_info]  # no traceback on each round


@pytest.mark.parametrize("html", [False, True])
async def test_a_staff_reply_whose_membership_check_fails_is_deferred_not_lost(
        telegram, html: bool) -> None:
    fake, app, _ = telegram
    await open_ticket(fake, app, "Il sito dà errore 500")
    card = await fake.wait_for(SUPPORT, "Ticket n. 1 · Problema tecnico")
    fault = fake.fail("getChatMember", 500, html=html, times=None)
    fake.user_message(STAFF, "Stiamo controllando", chat_id=SUPPORT, reply_to=card)
    await fake.until(lambda: fault.hits >= 10, timeout=30)  # retried, then again next round
    assert not any("Stiamo controllando" in s.text for s in fake.to(MARIO.id))
    fault.times = fault.hits  # getChatMember answers again
    reply = await fake.wait_for(MARIO.id, "Risposta del supporto sul ticket n. 1:", timeout=30)
    assert "Stiamo controllando" in reply.text
    await fake.idle()
    assert sum("Stiamo controllando" in s.text for s in fake.to(MARIO.id)) == 1
    messages = (await app.get_ticket(1)).messages
    assert [m.text for m in messages].count("Stiamo controllando") == 1


async def test_a_button_pressed_while_membership_cannot_be_checked_says_try_again(
        telegram) -> None:
    fake, app, _ = telegram
    await open_ticket(fake, app, "Il sito dà errore 500")
    card = await fake.wait_for(SUPPORT, "Ticket n. 1 · Problema tecnico")
    fault = fake.fail("getChatMember", 502, html=True, times=None)
    answered = len(fake.callback_answers)
    fake.press(STAFF, card, "Prendi in carico")
    await fake.until(lambda: len(fake.callback_answers) > answered, timeout=30)
    assert "riprova tra poco" in str(fake.callback_answers[-1].get("text"))
    fault.times = fault.hits
    fake.press(STAFF, card, "Prendi in carico")
    await fake.wait_for(SUPPORT, "Preso in carico da Anna Supporto")


# --- photos and documents -------------------------------------------------------------------


async def test_a_photo_caption_is_read_as_text(telegram) -> None:
    fake, app, _ = telegram
    await linked(fake, app)
    fake.user_message(MARIO, "vorrei rinnovare mariorossi.it", file="photo")
    await fake.wait_for(MARIO.id, "Totale: € 12,08")


async def test_files_go_both_ways_in_a_ticket_and_are_recorded(telegram) -> None:
    fake, app, _ = telegram
    await linked(fake, app)
    fake.user_message(MARIO, "/ticket")
    fake.press(MARIO, await fake.wait_for(MARIO.id, "Di cosa si tratta?"), "Problema tecnico")
    await fake.wait_for(MARIO.id, "Descrivi la richiesta")
    shot = fake.user_message(MARIO, "", file="photo")  # a screenshot, no caption
    await fake.wait_for(MARIO.id, "Ticket n. 1 aperto.")
    card = await fake.wait_for(SUPPORT, "Ticket n. 1 · Problema tecnico")
    assert "Messaggio: [foto]" in card.text
    await fake.until(lambda: any(s.copy_of for s in fake.to(SUPPORT)))
    copied = next(s for s in fake.to(SUPPORT) if s.copy_of)
    assert copied.copy_of == (MARIO.id, shot["message"]["message_id"])
    assert copied.file == "photo" and copied.reply_to == card.message_id
    fake.user_message(STAFF, "Ecco come fare", chat_id=SUPPORT, reply_to=card, file="document")
    reply = await fake.wait_for(MARIO.id, "Risposta del supporto sul ticket n. 1:")
    assert "Ecco come fare" in reply.text
    to_mario = fake.to(MARIO.id)
    document = to_mario[to_mario.index(reply) - 1]  # the file, then the words and button
    assert document.file == "document" and document.copy_of is not None
    fake.press(MARIO, reply, "Rispondi")
    await fake.wait_for(MARIO.id, "Scrivi il messaggio da aggiungere al ticket n. 1")
    fake.user_message(MARIO, "Ecco il log", file="document")
    relayed = await fake.wait_for(SUPPORT, "Il cliente scrive sul ticket n. 1")
    assert relayed.file == "document" and "Ecco il log" in relayed.text
    assert relayed.reply_to == card.message_id
    ticket = await app.get_ticket(1)
    assert [(m.author_kind, m.text, m.attachment and m.attachment.kind)
            for m in ticket.messages] == [("customer", "", "photo"),
                                          ("support", "Ecco come fare", "document"),
                                          ("customer", "Ecco il log", "document")]
    first = ticket.messages[0].attachment
    assert first is not None and first.ref.startswith("photo-") and first.ref.endswith("-1280")
