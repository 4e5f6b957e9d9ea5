"""Account linking rules, the bot's schedule, and the Telegram-side command line."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.runner import seconds_until
from core.app import Sportello
from core.clock import ROME
from handlers.engine import Engine
from handlers.ui import Incoming
from tests.cli_run import sportello
from tests.test_import_and_cli import cli_db, run  # noqa: F401 - fixture reused


async def test_code_is_single_use_and_expires(demo: Sportello, clock) -> None:
    engine = Engine(demo)
    code, customer, expires = await demo.create_link_code("C001")
    assert len(code) == 10 and expires - clock.now() > timedelta(hours=23)
    replies = await engine.handle(Incoming("tg:1", user_id="1", command="start",
                                           argument=code))
    assert replies[0].text.startswith("Ciao Mario!")
    again = await engine.handle(Incoming("tg:2", user_id="2", command="start", argument=code))
    assert "già stato usato" in again[0].text
    old, _, _ = await demo.create_link_code("C002")
    clock.day = clock.day + timedelta(days=2)
    late = await engine.handle(Incoming("tg:3", user_id="3", command="start", argument=old))
    assert "scaduto" in late[0].text
    assert await demo.chats_of(customer.id) == ["tg:1"]


async def test_codes_are_stored_hashed(demo: Sportello) -> None:
    from sqlalchemy import select

    from core.models import LinkCode

    code, _, _ = await demo.create_link_code("C001")
    async with demo.sessions() as session:
        stored = (await session.execute(select(LinkCode.code_hash))).scalars().all()
    assert code not in stored and len(stored[0]) == 64


async def test_guessing_is_rate_limited(demo: Sportello) -> None:
    engine = Engine(demo)
    for text in ("buongiorno", "ciao, come faccio?"):  # chatting is not guessing
        reply = await engine.handle(Incoming("tg:9", user_id="9", text=text))
        assert "non è ancora collegata" in reply[0].text
    for i in range(5):
        reply = await engine.handle(Incoming("tg:9", user_id="9", text=f"ABCDEFGHJ{i + 2}"))
        assert "non è valido" in reply[0].text
    code, _, _ = await demo.create_link_code("C001")
    refused = await engine.handle(Incoming("tg:9", user_id="9", command="start",
                                           argument=code))
    assert "Troppi tentativi" in refused[0].text  # even the right code, for an hour
    other = await engine.handle(Incoming("tg:8", user_id="8", command="start", argument=code))
    assert other[0].text.startswith("Ciao Mario!")  # another user is not affected


async def test_unlinking_every_chat_of_a_customer(demo: Sportello) -> None:
    engine = Engine(demo)
    customer = await demo.customer_by_code("C001")
    for chat in ("tg:1", "tg:2"):
        code, _, _ = await demo.create_link_code("C001")
        await engine.handle(Incoming(chat, user_id=chat, command="start", argument=code))
    assert sorted(await demo.chats_of(customer.id)) == ["tg:1", "tg:2"]
    assert await demo.unlink_customer("C001") == 2
    assert await demo.chats_of(customer.id) == []
    reply = await engine.handle(Incoming("tg:1", text="i miei prodotti"))
    assert "non è ancora collegata" in reply[0].text


def test_daily_sweep_time() -> None:
    at = datetime(2026, 11, 21, 7, 30, tzinfo=ROME)
    assert seconds_until(at, 8) == 30 * 60
    assert seconds_until(at.replace(hour=9), 8) == 22.5 * 3600
    # The night the clocks go back (25 October 2026), 8:00 is 25 hours after 8:00.
    before = datetime(2026, 10, 24, 8, 0, 1, tzinfo=ROME)
    assert round(seconds_until(before, 8)) == 25 * 3600 - 1


def test_cli_run_without_or_with_a_bad_token(cli_db: str) -> None:  # noqa: F811
    missing = run("run", db=cli_db)
    assert missing.returncode == 2
    assert missing.stderr.strip().startswith("Manca SPORTELLO_BOT_TOKEN")
    assert "Traceback" not in missing.stderr and len(missing.stderr.strip().splitlines()) == 1
    import os

    bad = sportello(["run"], {**os.environ, "SPORTELLO_DATABASE_URL": cli_db,
                              "SPORTELLO_BOT_TOKEN": "not-a-token"})
    assert bad.returncode == 2 and "SPORTELLO_BOT_TOKEN" in bad.stderr
    assert "not-a-token" not in bad.stderr and "Traceback" not in bad.stderr


def test_cli_link_and_tickets(cli_db: str) -> None:  # noqa: F811
    assert run("demo", "--today", "2026-11-21", db=cli_db).returncode == 0
    link = run("link", "C001", db=cli_db)
    assert link.returncode == 0 and "Codice di collegamento per Mario Rossi (C001)" in \
        link.stdout and "/start " in link.stdout
    assert run("tickets", "list", db=cli_db).stdout.strip() == "Nessun ticket aperto."
    chat = run("chat", "--today", "2026-11-21", db=cli_db)  # opens the chat once
    assert chat.returncode == 0
    import os

    script = sportello(["chat", "--today", "2026-11-21"],
                       {**os.environ, "SPORTELLO_DATABASE_URL": cli_db},
                       stdin="voglio parlare con un operatore\nSì, apri la richiesta\n")
    assert "Ho aperto il ticket n. 1" in script.stdout
    listed = run("tickets", "list", db=cli_db)
    assert listed.stdout.startswith("n. 1 · Aperto · C001 Mario Rossi · ")
    shown = run("tickets", "show", "1", db=cli_db)
    assert "voglio parlare con un operatore" in shown.stdout
    replied = run("tickets", "reply", "1", "Ciao Mario, ti chiamo alle 15", "--by", "anna",
                  db=cli_db)
    assert "Risposta aggiunta al ticket n. 1" in replied.stdout
    closed = run("tickets", "close", "1", "--by", "anna", db=cli_db)
    assert closed.stdout.strip() == "Ticket n. 1 chiuso."
    assert run("tickets", "list", db=cli_db).stdout.strip() == "Nessun ticket aperto."

