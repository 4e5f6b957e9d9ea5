"""The daily lifecycle sweep over generated services: seconds and peak memory per size."""

from __future__ import annotations

import asyncio
import random
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from core.app import Sportello
from core.clock import FixedClock
from core.config import Settings
from core.db import create_engine, migrate
from core.models import Customer, Plan, Service

TODAY = date(2026, 11, 21)
CHUNK = 20_000


async def build(url: str, services: int, seed: int = 7) -> None:
    """Plans, one customer per three services, and services with a realistic spread:
    expiries over the next year and the last 40 days, 80% active, a tenth automatic."""
    engine = create_engine(url)
    await migrate(engine)
    rng = random.Random(seed)
    async with engine.begin() as conn:
        await conn.execute(insert(Plan), [
            dict(code=f"P{i}", name=f"Piano {i}", category="hosting", price=1000 * i,
                 period_months=1 if i % 4 == 0 else 12, change_fee=0, limits={},
                 features=[], active=True) for i in range(1, 9)])
        customers = max(services // 3, 1)
        now = datetime(2026, 1, 1)
        for start in range(0, customers, CHUNK):
            await conn.execute(insert(Customer), [
                dict(code=f"C{i:07d}", nominativo=f"Cliente {i}", preferred_method="bonifico",
                     created_at=now) for i in range(start, min(start + CHUNK, customers))])
        states = ["attivo"] * 8 + ["disdetto", "scaduto"]
        for start in range(0, services, CHUNK):
            rows = []
            for i in range(start, min(start + CHUNK, services)):
                expiry = TODAY + timedelta(days=rng.randint(-40, 365))
                rows.append(dict(
                    customer_id=1 + i % customers, plan_id=1 + i % 8, name=f"s{i}.it",
                    started_on=expiry - timedelta(days=365), period_start=expiry -
                    timedelta(days=365), expires_on=expiry,
                    renewal_mode="automatico" if i % 10 == 0 else "su_richiesta",
                    status=rng.choice(states), paid_for_period=1000, usage={}))
            await conn.execute(insert(Service), rows)
    await engine.dispose()


async def measure(url: str, services: int) -> dict[str, Any]:
    await build(url, services)
    from sqlalchemy.ext.asyncio import async_sessionmaker

    engine = create_engine(url)
    settings = Settings(_env_file=None, database_url=url, tacit_renewal=True)  # type: ignore[call-arg]
    app = Sportello(async_sessionmaker(engine, expire_on_commit=False), settings,
                    FixedClock(TODAY))
    tracemalloc.start()
    started = time.perf_counter()
    result = await app.run_lifecycle(TODAY)
    first = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    started = time.perf_counter()
    await app.run_lifecycle(TODAY)
    second = time.perf_counter() - started
    await engine.dispose()
    return {"services": services, "seconds": round(first, 2), "rerun_seconds": round(second, 2),
            "peak_mb": round(peak / 2**20, 1), "changes": sum(result.counts.values())}


async def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def run(sizes: list[int], folder: Path, pg_url: str | None) -> list[dict[str, Any]]:
    rows = []
    for size in sizes:
        path = folder / f"sweep-{size}.db"
        path.unlink(missing_ok=True)
        rows.append({"db": "sqlite", **await measure(f"sqlite+aiosqlite:///{path}", size)})
        path.unlink(missing_ok=True)
        if pg_url:
            await reset_postgres(pg_url)
            rows.append({"db": "postgresql", **await measure(pg_url, size)})
    return rows


if __name__ == "__main__":  # pragma: no cover
    import sys
    import tempfile

    print(asyncio.run(run([int(a) for a in sys.argv[1:]] or [10_000],
                          Path(tempfile.mkdtemp()), None)))
