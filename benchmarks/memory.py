"""Resident memory of the real bot process with a large database and many conversations.

The database gets 100,000 customers and 300,000 services (the sweep's generator) and
10,000 linked chats with a conversation in progress. Then `sportello run` starts as its own
process in webhook mode against the Bot API server of the tests on 127.0.0.1, every chat
sends an update (so the process has met every conversation), and the process's resident
memory is read from /proc: after start, after the updates, and its peak.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import insert

from benchmarks.sweep import build
from core.db import create_engine
from core.models import Conversation
from tests.fake_telegram import FakeTelegram, User, wait_ready

ROOT = Path(__file__).parent.parent
SECRET = "bench-secret"
CHAT_BASE = 700_000_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak) of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = round(int(value.split()[0]) / 1024, 1)
    return fields


async def _conversations(url: str, chats: int) -> None:
    """`chats` linked chats, each half-way through browsing its products."""
    engine = create_engine(url)
    now = datetime(2026, 11, 21, 9, 0)
    async with engine.begin() as conn:
        for start in range(0, chats, 5_000):
            await conn.execute(insert(Conversation), [dict(
                chat_id=f"tg:{CHAT_BASE + i}", customer_id=i + 1, flow="products",
                step=None, data={"flow": {}, "buttons": {}, "screen": 1, "misses": 0},
                history=[{"d": "in", "t": "i miei prodotti"}], version=1, updated_at=now)
                for i in range(start, min(start + chats, start + 5_000, chats))])
    await engine.dispose()


async def run(folder: Path, services: int = 300_000, chats: int = 10_000,
              framework: str = "ptb", concurrency: int = 16) -> dict[str, Any]:
    path = folder / "memory.db"
    path.unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{path}"
    await build(url, services)
    await _conversations(url, chats)
    fake = FakeTelegram()
    base = await fake.start()
    port = _free_port()
    env = {**os.environ, "SPORTELLO_DATABASE_URL": url, "SPORTELLO_BOT_TOKEN": fake.token,
           "SPORTELLO_API_URL": base, "SPORTELLO_WEBHOOK_SECRET": SECRET,
           "SPORTELLO_WEBHOOK_PORT": str(port)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--framework", framework, "--webhook-url",
        f"http://127.0.0.1:{port}/telegram", env=env, cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    hook = f"http://127.0.0.1:{port}/telegram"
    try:
        async with aiohttp.ClientSession() as client:
            await wait_ready(port, timeout=300)
            started = _memory_mb(process.pid)
            queue: asyncio.Queue[int] = asyncio.Queue()
            for i in range(chats):
                queue.put_nowait(i)
            failures = 0

            async def worker() -> None:
                nonlocal failures
                while not queue.empty():
                    i = queue.get_nowait()
                    user = User(CHAT_BASE + i, "Cliente", str(i))
                    update = fake.user_message(user, "i miei prodotti")
                    fake._updates.clear()  # delivered by webhook here, not by polling
                    async with client.post(hook, json=update, headers={
                            "X-Telegram-Bot-Api-Secret-Token": SECRET}) as response:
                        failures += response.status != 200
            clock = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            seconds = time.perf_counter() - clock
            answered = len({sent.chat_id for sent in fake.sent})
            after = _memory_mb(process.pid)
    finally:
        process.terminate()
        await process.wait()
        await fake.stop()
    return {"framework": framework, "services": services, "chats": chats,
            "answered_chats": answered, "failed_posts": failures,
            "rss_start_mb": started["VmRSS"], "rss_after_mb": after["VmRSS"],
            "peak_mb": after["VmHWM"], "seconds": round(seconds, 1)}
