"""Property-based runs of the conversation engine: random texts, commands and button
presses (valid, stale, forged, another customer's) for three customers, checked after
every step. The numbers of sequences and steps are printed."""

from __future__ import annotations

import asyncio
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.app import Sportello
from core.clock import FixedClock
from core.dates import add_months
from core.db import create_engine
from core.demo import load_demo_if_empty
from core.models import Invoice, Order, OrderLine, Payment, Plan, Service
from handlers.engine import Engine
from handlers.ui import Incoming, Reply
from tests.conftest import PG_URL, make_settings

TODAY = date(2026, 11, 21)
CUSTOMERS = ("C001", "C002", "C003")
TEXTS = ["i miei prodotti", "vorrei rinnovare mariorossi.it", "disdici l'hosting", "rinnova",
         "quanto costa passare al piano pro?", "Mario Rossi", "Giulia Bianchi", "ok",
         "4242 4242 4242 4242", "4000 0000 0000 0002", "voglio parlare con un operatore",
         "non voglio rinnovare", "recupera rossipizzeria.it", "fatture", "🙂", "x" * 5000,
         "il sito non va", "srv-bianchi-db", "1", ""]
COMMANDS = ["start", "menu", "aiuto", "annulla", "ticket", "scollega", "boh"]
RUNS = {"sequences": 0, "steps": 0}

step = st.one_of(
    st.tuples(st.just("text"), st.integers(0, 2),
              st.one_of(st.sampled_from(TEXTS), st.text(max_size=40))),
    st.tuples(st.just("command"), st.integers(0, 2), st.sampled_from(COMMANDS)),
    st.tuples(st.just("press"), st.integers(0, 2), st.integers(0, 12)),
    st.tuples(st.just("press_other"), st.integers(0, 2), st.integers(0, 12)),
    st.tuples(st.just("forged"), st.integers(0, 2),
              st.text(alphabet=st.characters(codec="utf-8"), max_size=70)),
)


@pytest.fixture
def template_path(template: str) -> str:
    if PG_URL:
        pytest.skip("the property runs use fresh embedded SQLite files")
    return template


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=5, max_size=30))
def test_engine_survives_any_sequence(template_path: str, tmp_path_factory, steps) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copy(template_path, folder / "fuzz.db")
    asyncio.run(_scenario(folder / "fuzz.db", steps))
    RUNS["sequences"] += 1
    RUNS["steps"] += len(steps)


async def _scenario(path: Path, steps: list[tuple[str, int, object]]) -> None:
    url = f"sqlite+aiosqlite:///{path}"
    engine_db = create_engine(url)
    from sqlalchemy.ext.asyncio import async_sessionmaker

    sessions = async_sessionmaker(engine_db, expire_on_commit=False)
    app = Sportello(sessions, make_settings(url), FixedClock(TODAY))
    try:
        async with app.sessions() as session, session.begin():
            await load_demo_if_empty(session, TODAY)
        start = await _expiries(app)
        engine = Engine(app)
        customers = [await app.customer_by_code(code) for code in CUSTOMERS]
        own = {c.id: {s.name for s in await app.list_services(c.id)} for c in customers}
        names = {c.id: c.nominativo for c in customers}
        last: dict[int, list[Reply]] = {}
        for c in customers:
            await engine.link(f"fuzz:{c.id}", c.id)
            last[c.id] = await engine.handle(Incoming(f"fuzz:{c.id}", command="start"))
        for n, (kind, who, value) in enumerate(steps):
            customer = customers[who]
            chat = f"fuzz:{customer.id}"
            if kind == "text":
                incoming = Incoming(chat, text=str(value), update_id=f"u{n}")
            elif kind == "command":
                incoming = Incoming(chat, command=str(value), update_id=f"u{n}")
            elif kind in ("press", "press_other"):
                source = customer if kind == "press" else customers[(who + 1) % 3]
                buttons = [b for r in last.get(source.id, []) for b in r.flat_buttons]
                payload = buttons[int(value) % len(buttons)].payload if buttons else "none"  # type: ignore[call-overload]
                incoming = Incoming(chat, payload=payload, update_id=f"u{n}")
            else:
                incoming = Incoming(chat, payload=str(value), update_id=f"u{n}")
            replies = await engine.handle(incoming)
            if replies:
                last[customer.id] = replies
            _check_replies(replies, customer.id, own, names)
        await _check_money(app, start)
    finally:
        await engine_db.dispose()


def _check_replies(replies: list[Reply], customer_id: int, own: dict[int, set[str]],
                   names: dict[int, str]) -> None:
    assert replies, "every update gets an answer"
    for reply in replies:
        assert reply.text and len(reply.text) <= 4096
        for button in reply.flat_buttons:
            assert len(button.payload.encode()) <= 64 and len(button.label) <= 200
        for other, services in own.items():
            if other == customer_id:
                continue
            assert names[other] not in reply.text
            for name in services - own[customer_id]:
                assert name not in reply.text and all(name != b.label
                                                      for b in reply.flat_buttons)


async def _expiries(app: Sportello) -> dict[int, tuple[date, int]]:
    async with app.sessions() as session:
        rows = await session.execute(select(Service.id, Service.expires_on, Plan.period_months)
                                     .join(Plan, Plan.id == Service.plan_id))
        return {sid: (expiry, months) for sid, expiry, months in rows.all()}


async def _check_money(app: Sportello, start: dict[int, tuple[date, int]]) -> None:
    """Payments equal invoiced totals; every expiry moved by whole periods only."""
    async with app.sessions() as session:
        orders = (await session.execute(select(Order))).scalars().all()
        for order in orders:
            lines = (await session.execute(select(OrderLine.amount).where(
                OrderLine.order_id == order.id))).scalars().all()
            assert sum(lines, Decimal(0)) == order.subtotal
            assert order.total == order.subtotal + order.vat
            paid = (await session.execute(select(Payment.amount).where(
                Payment.order_id == order.id, Payment.status == "succeeded"))).scalars().all()
            invoice = (await session.execute(select(Invoice).where(
                Invoice.order_id == order.id))).scalar_one_or_none()
            if order.status == "paid" and order.total > 0:
                assert paid == [order.total]
                assert invoice is not None and invoice.total == order.total
            else:
                assert paid == [] and (invoice is None or order.kind == "tacit")
        for sid, expiry in (await session.execute(select(Service.id, Service.expires_on))).all():
            original, months = start[sid]
            moved = original
            while moved < expiry:
                moved = add_months(moved, months)
            assert moved == expiry or expiry.year > original.year, (sid, original, expiry)


def test_print_fuzz_figures(capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(f"\nengine property runs: {RUNS['sequences']} sequences, {RUNS['steps']} steps")
