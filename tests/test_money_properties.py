"""Property-based runs of the money paths: random sequences of orders, card payments,
transfers registered late, twice, for void or cancelled orders and after plan changes,
Telegram Payments charges, cancelled orders, recoveries and days passing. After every step:

- every euro received is applied to exactly one paid order whose effect happened, or kept
  as unapplied with an open ticket;
- no fattura without its effect, and one fattura per paid order;
- an expiry moves only when an order was applied or renewed on sight, and no period is
  renewed twice.
"""

from __future__ import annotations

import asyncio
import itertools
import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import async_sessionmaker

from core.app import Sportello
from core.clock import FixedClock
from core.db import create_engine
from core.errors import SportelloError
from core.models import (
    Base,
    Invoice,
    Order,
    OrderLine,
    Payment,
    SandboxCharge,
    Service,
    Ticket,
    UnappliedPayment,
)
from core.payments import SUCCESS_TEST_CARD
from tests.conftest import PG_URL, make_settings
from tests.helpers import ACCEPTED, customer_id, seed, svc

START = date(2026, 11, 21)
RUNS = {"sequences": 0, "steps": 0, "applied": 0, "unapplied": 0, "void": 0}
SERVICES = [svc("dominio.it", "DOM", date(2026, 12, 5)),
            svc("sito.it", "H60", date(2027, 1, 10)),
            svc("vps", "V50", date(2026, 11, 28), renewal="automatico")]
NAMES = [s["name"] for s in SERVICES]

step = st.one_of(
    st.tuples(st.just("renew"), st.integers(0, 2), st.sampled_from(["bonifico", "carta"])),
    st.tuples(st.just("change"), st.just(1), st.sampled_from(["bonifico", "carta"])),
    st.tuples(st.just("register"), st.integers(0, 9), st.integers(0, 3), st.booleans()),
    st.tuples(st.just("card"), st.integers(0, 9)),
    st.tuples(st.just("telegram"), st.integers(0, 9)),
    st.tuples(st.just("cancel_order"), st.integers(0, 9)),
    st.tuples(st.just("recover"), st.integers(0, 2)),
    st.tuples(st.just("days"), st.integers(1, 14)),
)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=4, max_size=16))
def test_money_holds_for_any_sequence(template: str, tmp_path_factory: Any,
                                      steps: list[tuple[Any, ...]]) -> None:
    if PG_URL:
        url = PG_URL
    else:
        folder = tmp_path_factory.mktemp("money")
        shutil.copy(template, folder / "money.db")
        url = f"sqlite+aiosqlite:///{Path(folder) / 'money.db'}"
    asyncio.run(_scenario(url, steps))
    RUNS["sequences"] += 1
    RUNS["steps"] += len(steps)


def test_report_runs() -> None:
    print(f"\nmoney property runs: {RUNS['sequences']} sequences, {RUNS['steps']} steps; "
          f"{RUNS['applied']} payments applied, {RUNS['unapplied']} kept as unapplied, "
          f"{RUNS['void']} orders voided")


async def _scenario(url: str, steps: list[tuple[Any, ...]]) -> None:
    engine = create_engine(url)
    if PG_URL:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    clock = FixedClock(START)
    app = Sportello(async_sessionmaker(engine, expire_on_commit=False), make_settings(url),
                    clock)
    try:
        ids = await seed(app, SERVICES)
        cid = await customer_id(app, "C001")
        ledger = Ledger()
        before = await _state(app)
        for n, action in enumerate(steps):
            await _do(app, clock, cid, [ids[name] for name in NAMES], action, n, ledger)
            after = await _state(app)
            await _check(app, ledger, before, after, action)
            before = after
        async with app.sessions() as session:
            for key, query in (
                    ("applied", select(func.count(Payment.id)).where(
                        Payment.status == "succeeded")),
                    ("unapplied", select(func.count(UnappliedPayment.id))),
                    ("void", select(func.count(Order.id)).where(Order.status == "void"))):
                RUNS[key] += (await session.execute(query)).scalar_one()
    finally:
        await engine.dispose()


class Ledger:
    """The money the outside world sent: transfers and provider charges registered."""

    def __init__(self) -> None:
        self.received = Decimal(0)
        self.charges = itertools.count(1)


async def _orders(app: Sportello) -> list[Order]:
    async with app.sessions() as session:
        return list((await session.execute(select(Order).order_by(Order.id))).scalars())


async def _do(app: Sportello, clock: FixedClock, cid: int, sids: list[int],
              action: tuple[Any, ...], n: int, ledger: Ledger) -> None:
    kind = action[0]
    orders = await _orders(app)
    pick = orders[action[1] % len(orders)] if orders and kind in (
        "register", "card", "telegram", "cancel_order") else None
    try:
        if kind == "renew":
            quote = await app.quote_renewal(cid, [sids[action[1]]])
            await app.checkout(cid, quote.id, action[2], key=f"k{n}",
                               card=SUCCESS_TEST_CARD if action[2] == "carta" else None,
                               terms=ACCEPTED)
        elif kind == "change":
            service = await app.get_service(cid, sids[1])
            target = "H120" if service.plan_code == "H60" else "H60"
            quote = await app.quote_change(cid, sids[1], target)
            await app.checkout(cid, quote.id, action[2], key=f"k{n}",
                               card=SUCCESS_TEST_CARD if action[2] == "carta" else None,
                               terms=ACCEPTED)
        elif kind == "register" and pick is not None:
            amount = pick.total if action[3] else pick.total + Decimal("1.00")
            done = await app.register_payment(pick.reference, amount, "anna",
                                              bank_ref=f"CRO-{action[2]}")
            if done.outcome != "duplicate":
                ledger.received += amount
        elif kind == "card" and pick is not None:
            await app.pay_order(cid, pick.id, SUCCESS_TEST_CARD, key=f"k{n}")
        elif kind == "telegram" and pick is not None:
            await app.register_card_payment(pick.id, pick.total,
                                            f"tg-{next(ledger.charges)}", cid)
            ledger.received += pick.total
        elif kind == "cancel_order" and pick is not None:
            await app.cancel_order(cid, pick.id, key=f"k{n}")
        elif kind == "recover":
            await app.recover(cid, sids[action[1]], key=f"k{n}")
        elif kind == "days":
            for _ in range(action[1]):
                clock.day = clock.day + timedelta(days=1)
                await app.run_lifecycle()
    except SportelloError:
        pass  # refused in the open: the checks below hold all the same


async def _state(app: Sportello) -> dict[str, Any]:
    async with app.sessions() as session:
        expiries = dict((await session.execute(select(Service.id, Service.expires_on))).all())
        applied = (await session.execute(
            select(func.count(Order.id)).where(Order.status == "paid"))).scalar_one()
        tacit = (await session.execute(
            select(func.count(Order.id)).where(Order.kind == "tacit"))).scalar_one()
    return {"expiries": expiries, "moves": applied + tacit}


async def _check(app: Sportello, ledger: Ledger, before: dict[str, Any],
                 after: dict[str, Any], action: tuple[Any, ...]) -> None:
    async with app.sessions() as session:
        charged = Decimal((await session.execute(select(func.coalesce(func.sum(
            SandboxCharge.amount), 0)).where(SandboxCharge.succeeded.is_(True)))).scalar_one())
        payments = (await session.execute(
            select(Payment).where(Payment.status == "succeeded"))).scalars().all()
        kept = (await session.execute(select(UnappliedPayment))).scalars().all()
        # Every euro is applied once or kept with an open ticket.
        assert sum((p.amount for p in payments), Decimal(0)) + sum(
            (k.amount for k in kept), Decimal(0)) == ledger.received + charged, action
        for item in kept:
            ticket = await session.get(Ticket, item.ticket_id)
            assert ticket is not None and ticket.status == "aperto", action
        orders = {o.id: o for o in (await session.execute(select(Order))).scalars()}
        paid_by = [p.order_id for p in payments]
        assert len(paid_by) == len(set(paid_by)), action
        for order_id in paid_by:
            order = orders[order_id]
            assert order.status == "paid" and not order.needs_review, action
            assert all(line.applied for line in order.lines), action
        # No fattura without its effect; one per paid order with something to pay.
        invoices = (await session.execute(
            select(Invoice).where(Invoice.doc_type == "fattura"))).scalars().all()
        invoiced = [i.order_id for i in invoices]
        assert len(invoiced) == len(set(invoiced)), action
        for invoice in invoices:
            order = orders[invoice.order_id]
            assert order.kind == "tacit" or (
                order.status == "paid" and all(line.applied for line in order.lines)), action
        for order in orders.values():
            if order.status == "paid" and order.kind != "tacit" and order.total > 0:
                assert order.id in invoiced, action
        # No service period renewed twice.
        renewed = (await session.execute(
            select(OrderLine.service_id, OrderLine.detail)
            .join(Order, Order.id == OrderLine.order_id)
            .where(OrderLine.kind == "renewal", OrderLine.applied.is_(True),
                   Order.status == "paid"))).all()
        periods = [(sid, (detail or {}).get("period_from")) for sid, detail in renewed]
        assert len(periods) == len(set(periods)), action
    # An expiry moves only with an applied order or an on-sight renewal.
    if after["expiries"] != before["expiries"]:
        assert after["moves"] > before["moves"], action
