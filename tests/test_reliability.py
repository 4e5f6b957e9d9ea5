"""Flood control, an unreachable database, and per-chat ordering across workers."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import async_sessionmaker

from core.app import Sportello
from core.db import create_engine
from handlers.engine import Engine, FloodGate
from handlers.ui import Incoming
from tests.chat_helpers import Chat
from tests.conftest import make_settings
from tests.helpers import ACCEPTED


def test_flood_gate_slows_one_chat_only() -> None:
    now = [0.0]
    gate = FloodGate(lambda: now[0])
    verdicts = [gate.check("a") for _ in range(12)]
    assert verdicts[:8] == ["ok"] * 8 and verdicts[8] == "warn" and verdicts[9:] == ["drop"] * 3
    assert gate.check("b") == "ok"  # another customer is unaffected
    now[0] += 1.0
    assert [gate.check("a") for _ in range(2)] == ["ok", "ok"]


async def test_a_flooding_customer_is_told_once_and_nothing_changes(demo: Sportello) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    giulia = await Chat.open(demo, (await demo.customer_by_code("C002")).id, "test:giulia")
    gate = FloodGate()
    chat.engine.flood = giulia.engine.flood = gate  # one gate, as in one bot process
    answers = [await chat.engine.handle(Incoming(chat.chat_id, text="disdici l'hosting"))
               for _ in range(30)]
    told = [a for a in answers if a and "molto velocemente" in a[0].text]
    assert len(told) == 1 and sum(1 for a in answers if not a) >= 10
    assert "I miei prodotti" in await giulia.press("I miei prodotti")


async def test_database_unreachable_answers_retry_and_stores_nothing(
    demo: Sportello, clock
) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    # Nothing listens on port 1: every connection is refused.
    broken_engine = create_engine("postgresql+asyncpg://sportello@127.0.0.1:1/sportello")
    broken = Sportello(async_sessionmaker(broken_engine), make_settings("sqlite://"), clock)
    try:
        replies = await Engine(broken).handle(Incoming(chat.chat_id, text="i miei prodotti",
                                                       update_id="down-1"))
    finally:
        await broken_engine.dispose()
    assert [r.text for r in replies] == [
        "Il servizio è momentaneamente non disponibile: riprova tra poco. Nulla è stato "
        "modificato."]
    # The update was not recorded as handled: delivered again later, it is processed.
    again = await chat.engine.handle(Incoming(chat.chat_id, text="i miei prodotti",
                                              update_id="down-1"))
    assert "I miei prodotti" in again[0].text


async def test_two_workers_pressing_one_screen_apply_one_press(demo: Sportello) -> None:
    """Two engines (two workers) get presses of buttons of the same screen at the same
    time: exactly one is applied, the others are refused as stale, none half-applied."""
    from sqlalchemy import select

    from core.models import Conversation

    customer = await demo.customer_by_code("C001")
    first, second = Engine(demo), Engine(demo)
    await first.link("tg:77", customer.id)
    replies = await first.handle(Incoming("tg:77", text="rinnova"))
    toggles = [b.payload for b in replies[0].flat_buttons if b.label.startswith("☐")]
    assert len(toggles) == 4
    results = await asyncio.gather(*(
        (first if i % 2 else second).handle(Incoming("tg:77", payload=token,
                                                     update_id=f"t{i}"))
        for i, token in enumerate(toggles)))
    applied = [r for r in results if "Quali servizi vuoi rinnovare" in r[0].text]
    refused = [r for r in results if "non è più valida" in r[0].text]
    assert (len(applied), len(refused)) == (1, 3)
    async with demo.sessions() as session:
        row = (await session.execute(select(Conversation).where(
            Conversation.chat_id == "tg:77"))).scalar_one()
    assert len(row.data["flow"].get("selected", [])) <= 1


async def test_two_chats_of_one_customer_paying_the_same_renewal_at_once(
    demo: Sportello,
) -> None:
    from sqlalchemy import func, select

    from core.errors import QuoteExpired, RenewalAlreadyOrdered
    from core.models import SandboxCharge
    from core.payments import SUCCESS_TEST_CARD

    customer = await demo.customer_by_code("C001")
    service = next(s for s in await demo.list_services(customer.id)
                   if s.name == "mariorossi.it")
    quotes = [await demo.quote_renewal(customer.id, [service.id]) for _ in range(2)]
    results = await asyncio.gather(*(
        demo.checkout(customer.id, q.id, "carta", key=f"chat{i}", card=SUCCESS_TEST_CARD,
                      terms=ACCEPTED)
        for i, q in enumerate(quotes)), return_exceptions=True)
    paid = [r for r in results if not isinstance(r, BaseException)]
    # The loser finds the period already ordered, or its quote outdated: either way it
    # is refused in the open and charged nothing.
    refused = [r for r in results if isinstance(r, RenewalAlreadyOrdered | QuoteExpired)]
    assert (len(paid), len(refused)) == (1, 1)
    async with demo.sessions() as session:
        assert (await session.execute(select(func.count(SandboxCharge.charge_id)))
                ).scalar_one() == 1
    after = await demo.get_service(customer.id, service.id)
    assert after.expires_on.year == service.expires_on.year + 1


async def test_a_notice_is_not_lost_while_telegram_is_down(demo: Sportello) -> None:
    from bot.tg_door import Door
    from bot.tg_io import Temporary
    from bot.tg_sender import Pacer, Sender

    class Down:
        calls = 0

        async def send(self, *args: object, **kwargs: object) -> int:
            Down.calls += 1
            raise Temporary("502 Bad Gateway")

    async def no_wait(seconds: float) -> None:
        return None

    engine = Engine(demo)
    customer = await demo.customer_by_code("C001")
    await engine.link("tg:4242", customer.id)
    door = Door(demo, engine, Down(), Sender(Pacer(sleep=no_wait), sleep=no_wait))  # type: ignore[arg-type]
    await demo.run_lifecycle()
    mine = [n for n in await demo.unsent_notices() if n.customer_id == customer.id]
    assert mine
    await door.send_notices()
    still = [n for n in await demo.unsent_notices() if n.customer_id == customer.id]
    assert still == mine  # kept for the next round
    assert Down.calls == 5  # bounded: no tight loop


async def test_payment_registration_racing_the_sweep_renews_once(demo: Sportello) -> None:
    """FOSSBilling #3106: a payment notice and the daily job at the same moment."""
    from datetime import date
    from decimal import Decimal

    customer = await demo.customer_by_code("C002")
    vps = next(s for s in await demo.list_services(customer.id) if s.name == "vps-bianchi-01")
    quote = await demo.quote_renewal(customer.id, [vps.id])
    order = await demo.checkout(customer.id, quote.id, "bonifico", terms=ACCEPTED)
    await asyncio.gather(
        demo.register_payment(order.order.reference, Decimal(order.order.total), "anna"),
        demo.run_lifecycle(vps.expires_on),
        demo.run_lifecycle(vps.expires_on))
    after = await demo.get_service(customer.id, vps.id)
    assert after.expires_on == date(vps.expires_on.year + 1, vps.expires_on.month,
                                    vps.expires_on.day)
    orders = await demo.list_orders(customer.id)
    assert [o.status for o in orders] == ["paid"]  # no on-sight renewal on top


async def test_more_chats_at_once_than_database_connections(demo: Sportello) -> None:
    """Fifty chats each sending an update at the same moment: every one is answered.
    On PostgreSQL a chat's advisory lock holds a pooled connection while the update needs
    another; the benchmark found sixty chats at once starving the pool (each waited for a
    second connection until the pool gave up). The lock table empties afterwards."""
    from core.db import PG_CONNECTIONS

    customer = await demo.customer_by_code("C001")
    engine = Engine(demo)
    chats = [f"tg:{5000 + i}" for i in range(max(50, PG_CONNECTIONS * 2 + 10))]
    for chat in chats:
        await engine.link(chat, customer.id)
    results = await asyncio.wait_for(asyncio.gather(*(
        engine.handle(Incoming(chat, text="i miei prodotti", update_id=f"many-{chat}"))
        for chat in chats)), timeout=120)
    assert all("mariorossi.it" in replies[0].text for replies in results)
    assert engine._locks == {}
