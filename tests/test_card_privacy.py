"""Card numbers are never stored: only the card step sees the digits, everything else
(history, stored replies, tickets, audit log, routing) gets them masked, and every message
carrying one asks the door to delete it."""

from __future__ import annotations

import argparse
import asyncio
import itertools

from sqlalchemy import func, select

from bot.cli import _tickets
from core.app import Sportello
from core.context import Actor
from core.models import Conversation, Order, Payment, SandboxCharge, Ticket
from handlers.engine import Engine, Handled
from handlers.ui import Incoming
from tests.card_leaks import CARD, CARD_DIGITS, stored_with
from tests.chat_helpers import Chat
from tests.cli_run import sportello
from tests.test_import_and_cli import cli_db, run  # noqa: F401 - fixture reused

REFUSED = "Qui non serve il numero della carta"
REFUSED_INVOICES = "Non chiediamo mai il numero della carta in chat"
_updates = itertools.count(1)


async def typed(chat: Chat, text: str) -> Handled:
    """`text` typed in `chat`, as a door sends it: the engine's whole answer."""
    handled = await chat.engine.handle_update(
        Incoming(chat.chat_id, text=text, update_id=f"{chat.chat_id}:card:{next(_updates)}"))
    chat.replies = handled.replies
    return handled


async def count(app: Sportello, model: type) -> int:
    async with app.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def step_of(app: Sportello, chat_id: str) -> str:
    async with app.sessions() as session:
        row = await session.get(Conversation, chat_id)
        assert row is not None
        return f"{row.flow}.{row.step}"


async def to_card_step(chat: Chat) -> None:
    await chat.say("vorrei rinnovare mariorossi.it")
    await chat.press("Carta di credito")
    assert "numero della carta" in await chat.press("Procedi al pagamento")


async def tickets_show(app: Sportello, ticket_id: int, capsys) -> str:  # type: ignore[no-untyped-def]
    """What `sportello tickets show ID` prints."""
    capsys.readouterr()
    await _tickets(app, argparse.Namespace(action="show", ticket=ticket_id))
    return str(capsys.readouterr().out)


async def test_a_card_typed_at_the_menu_is_refused_deleted_and_stored_nowhere(
        demo: Sportello, capsys) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    handled = await typed(chat, f"ecco la mia carta {CARD} per il rinnovo")
    assert handled.delete_incoming and REFUSED in chat.text
    assert "I miei prodotti" in chat.labels  # the menu, one tap away
    assert (await count(demo, Order), await count(demo, Ticket)) == (0, 0)
    typed_in = [h["t"] for h in await chat.engine.history(chat.chat_id) if h["d"] == "in"]
    assert typed_in[-1] == "ecco la mia carta •••• •••• •••• 4444 per il rinnovo"
    # What brought this to light: a ticket opened next carried the conversation in clear.
    await chat.say("voglio parlare con un operatore")
    assert "Ho aperto il ticket n. 1" in await chat.press("Sì, apri la richiesta")
    assert "•••• •••• •••• 4444" in await tickets_show(demo, 1, capsys)
    assert CARD not in await tickets_show(demo, 1, capsys)
    assert await stored_with(demo) == []


async def test_a_card_in_a_ticket_description_opens_nothing(demo: Sportello, capsys) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    await chat.press("Assistenza")
    await chat.press("Apri un ticket")
    await chat.press("Problema tecnico")
    handled = await typed(chat, f"Il pagamento con la carta {CARD} non passa")
    assert handled.delete_incoming and REFUSED in chat.text and chat.labels == ["Annulla"]
    assert await count(demo, Ticket) == 0
    assert await step_of(demo, chat.chat_id) == "support.describe"  # still waiting for it
    assert "Ticket n. 1 aperto" in await chat.say("Il pagamento con carta non passa")
    shown = await tickets_show(demo, 1, capsys)
    assert "Il pagamento con carta non passa" in shown and CARD not in shown
    assert await stored_with(demo) == []


async def test_a_card_typed_after_start_at_the_card_step_is_not_charged(
        demo: Sportello) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    await to_card_step(chat)
    await chat.command("start")
    handled = await typed(chat, CARD)
    assert handled.delete_incoming and REFUSED in chat.text
    assert (await count(demo, Payment), await count(demo, SandboxCharge)) == (0, 0)
    assert await stored_with(demo) == []


async def test_at_the_card_step_the_digits_pay_and_the_message_is_deleted(
        demo: Sportello) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    await to_card_step(chat)
    handled = await typed(chat, "٥٥٥٥ ٥٥٥٥ ٥٥٥٥ ٤٤٤٤")  # Arabic-Indic digits: still a card
    assert handled.delete_incoming and "Pagamento riuscito: € 12,08" in chat.text
    again = await typed(chat, CARD)  # a second time, after the payment
    assert again.delete_incoming and REFUSED in chat.text
    assert (await count(demo, Payment), await count(demo, SandboxCharge)) == (1, 1)
    assert await stored_with(demo) == []


async def test_the_same_card_in_two_chats_at_once(demo: Sportello) -> None:
    mario = (await demo.customer_by_code("C001")).id
    engine = Engine(demo)
    paying = Chat(engine, "test:paying")
    await engine.link(paying.chat_id, mario)
    idle = Chat(engine, "test:idle")
    await engine.link(idle.chat_id, mario)
    giulia = Chat(engine, "test:giulia")
    await engine.link(giulia.chat_id, (await demo.customer_by_code("C002")).id)
    for chat in (paying, idle, giulia):
        await chat.command("start")
    await to_card_step(paying)
    results = await asyncio.gather(*(typed(chat, CARD) for chat in (paying, idle, giulia)))
    assert all(result.delete_incoming for result in results)
    assert "Pagamento riuscito" in "\n".join(r.text for r in results[0].replies)
    for result in results[1:]:
        assert REFUSED in result.replies[0].text
    assert (await count(demo, Payment), await count(demo, Order)) == (1, 1)
    assert await stored_with(demo) == []


async def test_card_numbers_in_commands_and_unlinked_chats_are_masked(demo: Sportello) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    echoed = await chat.engine.handle_update(Incoming(chat.chat_id, command="5555555555554444",
                                                      update_id="cmd-1"))
    assert echoed.delete_incoming and "/•••• •••• •••• 4444" in echoed.replies[0].text
    stranger = await chat.engine.handle_update(Incoming("tg:999", text=CARD, update_id="u-1"))
    assert stranger.delete_incoming and "non è ancora collegata" in stranger.replies[0].text
    code = await chat.engine.handle_update(Incoming("tg:999", command="start", argument=CARD,
                                                    update_id="u-2"))
    assert code.delete_incoming and "codice di collegamento non è valido" in \
        code.replies[0].text
    assert await stored_with(demo) == []


async def test_with_telegram_payments_no_route_reaches_a_card_step(demo: Sportello) -> None:
    """pay.go, orders.card and the retry after a failed payment all send an invoice."""
    mario = (await demo.customer_by_code("C001")).id
    sandbox = await Chat.open(demo, mario, "test:sandbox")
    await to_card_step(sandbox)
    assert "Pagamento non riuscito" in await sandbox.say("4000 0000 0000 0002")
    retry = sandbox.payload("Riprova il pagamento")
    chat = Chat(Engine(demo, invoices=True), sandbox.chat_id)  # the provider token arrives

    async def no_card_step() -> None:
        assert chat.replies[0].invoice is not None and "richiesta di pagamento" in chat.text
        assert await step_of(demo, chat.chat_id) not in chat.engine.registry.card_steps
        handled = await typed(chat, CARD)
        assert handled.delete_incoming and REFUSED_INVOICES in chat.text

    await chat.send(Incoming(chat.chat_id, payload=retry, update_id="retry"))  # retry
    await no_card_step()
    await chat.press("Ordini e fatture")
    await chat.press("Paga SPT-000001")
    await chat.press("Paga con carta")  # orders.card
    await no_card_step()
    await chat.say("vorrei rinnovare www.mariorossi.it")
    await chat.press("Carta di credito")
    await chat.press("Procedi al pagamento")  # pay.go
    await no_card_step()
    assert await count(demo, SandboxCharge) == 1  # only the declined one, before
    assert await stored_with(demo) == []


async def test_core_masks_card_numbers_in_tickets_and_the_audit_log(demo: Sportello) -> None:
    """Defence in depth: whoever calls core (the command line, a future door) cannot store
    a card number in a ticket or in the audit log."""
    mario = (await demo.customer_by_code("C001")).id
    long = "x" * 70 + f" {CARD}"  # the subject is cut at 80: masked before the cut
    ticket = await demo.open_ticket(mario, "altro", long,
                                    context={"conversation": [f"in: {CARD}"], CARD: CARD})
    assert ticket.subject == ("x" * 70 + " •••• •••• •••• 4444")[:80]
    assert ticket.messages[0].text.endswith("•••• •••• •••• 4444")
    assert ticket.context == {"conversation": ["in: •••• •••• •••• 4444"],
                              "•••• •••• •••• 4444": "•••• •••• •••• 4444"}
    await demo.add_ticket_message(ticket.id, f"la carta {CARD.replace(' ', '-')} è scaduta",
                                  Actor.support("anna"))
    await demo.close_ticket(ticket.id, "anna", reason=f"carta {CARD}")
    assert await stored_with(demo) == []


def test_cli_tickets_show_never_prints_the_digits(cli_db: str) -> None:  # noqa: F811
    """The terminal chat and the command line, as a person runs them."""
    import os

    assert run("demo", "--today", "2026-11-21", db=cli_db).returncode == 0
    script = sportello(["chat", "--today", "2026-11-21"],
                       {**os.environ, "SPORTELLO_DATABASE_URL": cli_db},
                       stdin=f"{CARD}\nvoglio parlare con un operatore\nSì, apri la richiesta\n")
    assert REFUSED in script.stdout and "Ho aperto il ticket n. 1" in script.stdout
    run("tickets", "reply", "1", f"Non scriva {CARD} qui", "--by", "anna", db=cli_db)
    shown = run("tickets", "show", "1", db=cli_db).stdout
    assert "•••• •••• •••• 4444" in shown.split("Non scriva")[0]  # the conversation
    assert "Non scriva •••• •••• •••• 4444" in shown
    assert CARD_DIGITS not in shown.replace(" ", "")

