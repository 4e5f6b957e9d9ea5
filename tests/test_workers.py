"""Real processes: two webhook workers on one PostgreSQL, concurrent sweeps, and workers
killed with SIGKILL in the middle of their work."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import sys
from datetime import date
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from core.app import Sportello
from core.demo import load_demo_if_empty
from core.models import (
    Invoice,
    Notice,
    Order,
    Payment,
    SandboxCharge,
    Service,
    Ticket,
    TicketMessage,
)
from tests.conftest import PG_URL
from tests.fake_telegram import FakeTelegram, User, wait_ready

ROOT = Path(__file__).parent.parent
MARIO = User(424242, "Mario", "Rossi", "mariorossi")
SECRET = "workers-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def spawn(*args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env={**os.environ, **env}, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


@pytest.fixture
def pg_only(database_url: str) -> str:
    if not PG_URL:
        pytest.skip("several workers need the shared PostgreSQL")
    return database_url


async def test_two_workers_behave_as_one_bot(pg_only: str, app: Sportello, clock) -> None:
    async with app.sessions() as session, session.begin():
        await load_demo_if_empty(session, clock.today())
    fake = FakeTelegram()
    base = await fake.start()
    ports = [free_port(), free_port()]
    env = {"SPORTELLO_DATABASE_URL": pg_only, "SPORTELLO_BOT_TOKEN": fake.token,
           "SPORTELLO_API_URL": base, "SPORTELLO_WEBHOOK_SECRET": SECRET}
    workers = [await spawn("run", "--webhook-url", f"http://127.0.0.1:{port}/telegram",
                           env={**env, "SPORTELLO_WEBHOOK_PORT": str(port)})
               for port in ports]
    try:
        for port in ports:
            await wait_ready(port)
        turn = 0

        async def post(update: dict[str, object]) -> None:
            nonlocal turn
            port = ports[turn % 2]  # alternate workers, as a load balancer would
            turn += 1
            async with aiohttp.ClientSession() as client, client.post(
                    f"http://127.0.0.1:{port}/telegram", json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as response:
                assert response.status == 200

        from core.clock import SystemClock

        app.clock = SystemClock()  # the workers run on the real clock: so must the code
        code, _, _ = await app.create_link_code("C001")
        await post(fake.user_message(MARIO, f"/start {code}"))
        await fake.wait_for(MARIO.id, "Ciao Mario!", timeout=60)  # cold workers are slow
        await post(fake.user_message(MARIO, "vorrei rinnovare mariorossi.it"))
        review = await fake.wait_for(MARIO.id, "Totale: € 12,08")
        await post(fake.press(MARIO, review, "Bonifico bancario"))
        chosen = await fake.wait_for(MARIO.id, "Metodo scelto: Bonifico")
        await post(fake.press(MARIO, chosen, "Accetto le condizioni generali"))
        chosen = await fake.wait_for(MARIO.id, "Condizioni generali di contratto accettate")
        await post(fake.press(MARIO, chosen, "Procedi al pagamento"))
        await fake.wait_for(MARIO.id, "Ordine SPT-000001 registrato")
        await post(fake.user_message(MARIO, "disdici l'hosting"))
        explain = await fake.wait_for(MARIO.id, "Se non rinnovi www.mariorossi.it")
        await post(fake.press(MARIO, explain, "Costo troppo alto"))
        await fake.wait_for(MARIO.id, "scrivi il nome")
        await post(fake.user_message(MARIO, "Mario Rossi"))
        ok = await fake.wait_for(MARIO.id, "Nome verificato")
        press = fake.press(MARIO, ok, "Ok")
        await asyncio.gather(post(press), post(press))  # the same update to both workers
        await fake.wait_for(MARIO.id, "non sarà rinnovato")
        await fake.idle(0.5)
        assert sum("non sarà rinnovato" in s.text for s in fake.to(MARIO.id)) == 1
        async with app.sessions() as session:
            orders = (await session.execute(select(func.count(Order.id)))).scalar_one()
            hosting = (await session.execute(select(Service.status).where(
                Service.name == "www.mariorossi.it"))).scalar_one()
        assert (orders, hosting) == (1, "disdetto")
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            _, stderr = await asyncio.wait_for(worker.communicate(), 30)
            assert worker.returncode == 0, stderr.decode()[-2000:]
        await fake.stop()


async def test_the_sweep_started_twice_at_once_works_once(pg_only: str, app: Sportello,
                                                           clock) -> None:
    async with app.sessions() as session, session.begin():
        await load_demo_if_empty(session, clock.today())
    env = {"SPORTELLO_DATABASE_URL": pg_only}
    runs = [await spawn("lifecycle", "--today", "2026-12-20", env=env) for _ in range(3)]
    outputs = [await asyncio.wait_for(run.communicate(), 60) for run in runs]
    assert all(run.returncode == 0 for run in runs), [o[1] for o in outputs]
    none_left = sum("Nessun avviso da inviare." in o[0].decode() for o in outputs)
    assert none_left == 2  # one run did the day's work, the others found nothing to do
    async with app.sessions() as session:
        notices = (await session.execute(select(Notice.dedup_key))).scalars().all()
    assert len(notices) == len(set(notices)) > 0


async def test_workers_killed_mid_payment_never_charge_twice(
    tmp_path: Path, database_url: str
) -> None:
    """A worker paying renewals by card and opening tickets is SIGKILLed at random
    moments, again and again; after each restart the customer retries from Ordini. Every
    charge the gateway made is registered exactly once, nothing is half-written. Runs on
    the PostgreSQL of CI too."""
    db = (PG_URL and database_url) or f"sqlite+aiosqlite:///{tmp_path / 'crash.db'}"
    env = {"SPORTELLO_DATABASE_URL": db}
    script = "\n".join(["vorrei rinnovare mariorossi.it", "1", "1",
                        "4242 4242 4242 4242", "voglio parlare con un operatore",
                        "Sì, apri la richiesta"] * 3) + "\n"
    retry = "\n".join(["/menu", "6", "1", "1", "4242 4242 4242 4242"] * 2
                      + ["voglio parlare con un operatore", "Sì, apri la richiesta"]) + "\n"
    rng = random.Random(20261121)
    kills = 0
    for _round in range(6):
        worker = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "chat", "--today", "2026-11-21",
            env={**os.environ, **env}, cwd=ROOT, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
        assert worker.stdin is not None and worker.stdout is not None
        worker.stdin.write(script.encode())
        await worker.stdin.drain()
        # Killed while handling a random message of the script: the chat echoes each one
        # ("> …") as it starts on it, so the moment follows progress, not the clock.
        target, seen = rng.randint(1, script.count("\n")), 0
        while seen < target:
            line = await asyncio.wait_for(worker.stdout.readline(), 120)
            if not line:
                break
            seen += line.startswith(b"> ")
        if worker.returncode is None:
            worker.send_signal(signal.SIGKILL)
            kills += 1
        await worker.communicate()
        # Restart: the customer goes to Ordini and pays what is still pending.
        again = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "chat", "--today", "2026-11-21",
            env={**os.environ, **env}, cwd=ROOT, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        await asyncio.wait_for(again.communicate(retry.encode()), 120)
    assert kills >= 3
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from core.db import create_engine

    engine = create_engine(db)
    try:
        sessions = async_sessionmaker(engine)
        async with sessions() as session:
            charges = (await session.execute(select(SandboxCharge).where(
                SandboxCharge.succeeded.is_(True)))).scalars().all()
            payments = (await session.execute(select(Payment).where(
                Payment.status == "succeeded"))).scalars().all()
            started = (await session.execute(select(Payment).where(
                Payment.status == "started"))).scalars().all()
            paid = (await session.execute(select(Order).where(
                Order.status == "paid"))).scalars().all()
            invoices = (await session.execute(select(Invoice))).scalars().all()
            tickets = (await session.execute(select(Ticket))).scalars().all()
            empty = [t.id for t in tickets if not (await session.execute(select(
                TicketMessage.id).where(TicketMessage.ticket_id == t.id))).first()]
            expiry = (await session.execute(select(Service.expires_on).where(
                Service.name == "mariorossi.it"))).scalar_one()
    finally:
        await engine.dispose()
    # Every successful charge is one registered payment (or one attempt still to settle,
    # whose retry will find the same charge), never two payments for one charge.
    assert len({p.gateway_ref for p in payments}) == len(payments)
    assert len(charges) == len(payments) + len(started)
    assert len(paid) == len(payments) == len(invoices)
    renewals = len(paid)
    year = 2026 + renewals
    assert expiry == date(year, 12, 11)  # one period per paid order, no more
    assert tickets and empty == []  # every ticket written whole, with its first message
