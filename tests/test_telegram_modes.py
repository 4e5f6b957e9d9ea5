"""Webhook mode, the real `sportello run` process, and secrets kept out of the logs."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.runner import BotRunner
from core.app import Sportello
from core.demo import load_demo_if_empty
from tests.cli_run import sportello
from tests.conftest import PG_URL, make_settings
from tests.fake_telegram import FakeTelegram, User

MARIO = User(424242, "Mario", "Rossi", "mariorossi")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("framework", ["ptb", "aiogram"])
async def test_webhook_checks_the_secret_and_serves_health(
    framework: str, sessions, database_url, clock
) -> None:
    fake = FakeTelegram()
    base = await fake.start()
    port = free_port()
    settings = make_settings(database_url, bot_token=fake.token, api_url=base,
                             webhook_secret="s3cr3t-webhook", webhook_port=port)
    app = Sportello(sessions, settings, clock)
    async with app.sessions() as session, session.begin():
        await load_demo_if_empty(session, clock.today())
    url = f"http://127.0.0.1:{port}/telegram"
    runner = BotRunner(app, framework=framework, webhook_url=url, outbox_every=0.1)
    await runner.start()
    try:
        assert fake.webhook["url"] == url and fake.webhook["secret_token"] == "s3cr3t-webhook"
        code, _, _ = await app.create_link_code("C001")
        update = {"update_id": 1, "message": {
            "message_id": 1, "date": 1763700000, "chat": {"id": MARIO.id, "type": "private",
                                                          "first_name": "Mario"},
            "from": MARIO.as_api(), "text": f"/start {code}",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}
        async with aiohttp.ClientSession() as client:
            async with client.post(url, json=update) as response:
                assert response.status == 401  # no secret
            async with client.post(url, json=update, headers={
                    "X-Telegram-Bot-Api-Secret-Token": "wrong"}) as response:
                assert response.status == 401
            assert fake.to(MARIO.id) == []  # nothing was processed
            async with client.post(url, json=update, headers={
                    "X-Telegram-Bot-Api-Secret-Token": "s3cr3t-webhook"}) as response:
                assert response.status == 200
            async with client.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 200 and (await response.json())["status"] == "ok"
        await fake.wait_for(MARIO.id, "Ciao Mario! Sono Sportello")
    finally:
        await runner.stop()
        await fake.stop()


async def test_sportello_run_process_with_logs_free_of_secrets(tmp_path: Path) -> None:
    if PG_URL:
        pytest.skip("the process test runs on the embedded SQLite")
    fake = FakeTelegram()
    base = await fake.start()
    db = f"sqlite+aiosqlite:///{tmp_path / 'run.db'}"
    env = {**os.environ, "SPORTELLO_DATABASE_URL": db, "SPORTELLO_BOT_TOKEN": fake.token,
           "SPORTELLO_API_URL": base, "SPORTELLO_POLL_TIMEOUT": "1",
           "SPORTELLO_PAYMENT_PROVIDER_TOKEN": "284685063:TEST:provider-secret-1234"}
    root = Path(__file__).parent.parent
    assert (await asyncio.to_thread(sportello, ["demo"], env)).returncode == 0
    link = await asyncio.to_thread(sportello, ["link", "C001"], env)
    code = link.stdout.split("/start ")[1].split()[0]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--framework", "ptb", env={**env,
                                                                       "PYTHONUNBUFFERED": "1"},
        cwd=root, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        fake.user_message(MARIO, f"/start {code}")
        await fake.wait_for(MARIO.id, "Ciao Mario!", timeout=30)
        fake.user_message(MARIO, "vorrei rinnovare mariorossi.it")
        review = await fake.wait_for(MARIO.id, "Totale: € 12,08")
        fake.press(MARIO, review, "Carta di credito")
        chosen = await fake.wait_for(MARIO.id, "Metodo scelto")
        chosen = await fake.accept_terms(MARIO, chosen)
        fake.press(MARIO, chosen, "Procedi al pagamento")
        await fake.wait_for(MARIO.id, "<invoice>")
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
        await fake.stop()
    assert process.returncode == 0, stderr.decode()
    logs = stdout.decode() + stderr.decode()
    assert "Sportello è in linea su Telegram (ptb)" in logs
    for secret in (fake.token, fake.token.split(":")[1], "provider-secret-1234"):
        assert secret not in logs


async def test_webhook_leaves_an_update_unacknowledged_when_the_database_is_down(
    sessions, database_url, clock
) -> None:
    """503 to Telegram (which delivers it again) and «riprova tra poco» to the customer."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from core.db import create_engine

    fake = FakeTelegram()
    base = await fake.start()
    port = free_port()
    dead = create_engine("postgresql+asyncpg://sportello@127.0.0.1:1/sportello")
    settings = make_settings(database_url, bot_token=fake.token, api_url=base,
                             webhook_secret="s3cr3t", webhook_port=port)
    app = Sportello(async_sessionmaker(dead), settings, clock)
    url = f"http://127.0.0.1:{port}/telegram"
    runner = BotRunner(app, framework="aiogram", webhook_url=url, outbox_every=60)
    await runner.start()
    try:
        update = {"update_id": 9, "message": {
            "message_id": 1, "date": 1763700000, "chat": {"id": MARIO.id, "type": "private",
                                                          "first_name": "Mario"},
            "from": MARIO.as_api(), "text": "i miei prodotti"}}
        async with aiohttp.ClientSession() as client, client.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cr3t"}
        ) as response:
            assert response.status == 503
        await fake.wait_for(MARIO.id, "riprova tra poco")
    finally:
        await runner.stop()
        await dead.dispose()
        await fake.stop()
