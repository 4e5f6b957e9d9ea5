"""Bad input at every step gets a clear Italian answer and changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.app import Sportello
from core.models import AuditEntry, Order, Service, Ticket
from handlers.ui import Incoming
from tests.chat_helpers import Chat

BAD_TEXTS = ["asdfgh qwerty", "🙂🙃🙂", "x" * 5000, "", "   ", "'; DROP TABLE services; --",
             "<b>ciao</b>", "\u202e\u0000rinnova"]


async def snapshot(app: Sportello) -> tuple[object, ...]:
    async with app.sessions() as session:
        services = (await session.execute(select(
            Service.id, Service.status, Service.expires_on, Service.plan_id,
            Service.renewal_mode).order_by(Service.id))).all()
        counts = [(await session.execute(select(func.count()).select_from(m))).scalar_one()
                  for m in (Order, Ticket, AuditEntry)]
    return (tuple(services), *counts)


async def walk_to(chat: Chat, step: str) -> None:
    """Bring the conversation to a step where something is pending."""
    if step == "menu":
        return
    if step == "renew_method":
        await chat.say("vorrei rinnovare mariorossi.it")
    elif step == "renew_confirm":
        await chat.say("vorrei rinnovare mariorossi.it")
        await chat.press("Bonifico bancario")
    elif step == "cancel_reason":
        await chat.say("disdici l'hosting")
    elif step == "cancel_confirm":
        await chat.say("disdici l'hosting")
        await chat.press("Costo troppo alto")
        await chat.say("Mario Rossi")
    elif step == "change_options":
        await chat.press("Upgrade / cambio piano")
        await chat.press("www.mariorossi.it")
    elif step == "orders":
        await chat.press("Ordini e fatture")
    elif step == "ticket_category":
        await chat.press("Assistenza")
        await chat.press("Apri un ticket")


STEPS = ["menu", "renew_method", "renew_confirm", "cancel_reason", "cancel_confirm",
         "change_options", "orders", "ticket_category"]


@pytest.mark.parametrize("step", STEPS)
async def test_bad_text_changes_nothing(demo: Sportello, step: str) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    await walk_to(chat, step)
    before = await snapshot(demo)
    for text in BAD_TEXTS:
        replies = await chat.send(Incoming(chat.chat_id, text=text, update_id=f"{step}{text[:9]}"
                                           f"{len(text)}"))
        assert replies and all(r.text for r in replies)
        assert all(len(r.text) <= 4096 for r in replies)
        assert all(len(b.payload.encode()) <= 64 for r in replies for b in r.flat_buttons)
    assert await snapshot(demo) == before
    long = await chat.send(Incoming(chat.chat_id, text="rinnova " * 700))
    assert "troppo lungo" in long[0].text


@pytest.mark.parametrize("step", STEPS)
async def test_forged_and_stale_buttons_change_nothing(demo: Sportello, step: str) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    old_menu = chat.payload("Non rinnovare")
    await walk_to(chat, step)
    before = await snapshot(demo)
    for forged in ["x", "renew.for:1", "a" * 64, "ü" * 40, "", old_menu + "x",
                   "products.detail?sid=5"]:
        replies = await chat.send(Incoming(chat.chat_id, payload=forged))
        assert "Questa azione non è più valida" in replies[0].text
    assert await snapshot(demo) == before


async def test_another_customers_button_is_refused(demo: Sportello) -> None:
    mario = await Chat.open(demo, (await demo.customer_by_code("C001")).id, "test:mario")
    giulia = await Chat.open(demo, (await demo.customer_by_code("C002")).id, "test:giulia")
    await giulia.press("Non rinnovare")
    stolen = giulia.payload("srv-bianchi-db")
    before = await snapshot(demo)
    replies = await mario.send(Incoming(mario.chat_id, payload=stolen))
    assert "Questa azione non è più valida" in replies[0].text
    assert "srv-bianchi-db" not in replies[0].text
    assert await snapshot(demo) == before


async def test_someone_elses_service_named_in_text_is_not_found(demo: Sportello) -> None:
    mario = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    text = await mario.say("disdici srv-bianchi-db")
    assert "srv-bianchi-db" not in text
    assert "Quale servizio non vuoi rinnovare?" in text  # only his own are offered
    assert "srv-bianchi-db" not in mario.labels


async def test_the_same_update_twice_is_handled_once(demo: Sportello) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    await chat.say("disdici l'hosting")
    await chat.press("Costo troppo alto")
    await chat.say("Mario Rossi")
    ok = Incoming(chat.chat_id, payload=chat.payload("Ok"), update_id="tg-update-77")
    first = await chat.send(ok)
    again = await chat.send(ok)
    assert [r.text for r in first] == [r.text for r in again]
    assert first[0].text.startswith("Fatto: www.mariorossi.it non sarà rinnovato.")
    async with demo.sessions() as session:
        cancels = (await session.execute(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "cancelled"))).scalar_one()
    assert cancels == 1


async def test_unlinked_chat_sees_nothing(demo: Sportello) -> None:
    from handlers.engine import Engine

    replies = await Engine(demo).handle(Incoming("tg:999", text="i miei prodotti"))
    assert replies[0].text.startswith("Questa chat non è ancora collegata a un cliente.")
    assert not replies[0].buttons


async def test_lapsed_service_button_refused_after_state_change(demo: Sportello, clock) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    await chat.press("I miei prodotti")
    await chat.press("mariorossi.it")
    renew = chat.payload("Rinnova ora")
    await demo.run_lifecycle(date(2027, 1, 5))  # expired and deleted meanwhile
    clock.day = date(2027, 1, 5)
    replies = await chat.send(Incoming(chat.chat_id, payload=renew))
    assert "Non trovo quello che hai chiesto" in replies[0].text or "non è possibile" in \
        replies[0].text
