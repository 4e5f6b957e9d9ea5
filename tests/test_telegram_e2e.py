"""End to end through a Bot API server on 127.0.0.1, for both runtimes.

The real framework stacks (python-telegram-bot with httpx, aiogram with aiohttp) talk HTTP
to `tests/fake_telegram.py`; the test plays the customer and the support staff there.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.runner import BotRunner
from core.app import Sportello
from core.demo import load_demo_if_empty
from core.models import Order, Payment, Service
from tests.card_leaks import CARD, CARD_DIGITS, digits_of, stored_with
from tests.conftest import make_settings
from tests.fake_telegram import FakeTelegram, User

SUPPORT = -1001234567890
MARIO = User(424242, "Mario", "Rossi", "mariorossi")
STAFF = User(515151, "Anna", "Supporto", "anna")
STRANGER = User(616161, "Eve", "Curiosa", "eve")


@asynccontextmanager
async def running(framework: str, sessions: Any, database_url: str, clock: Any,
                  **settings: Any) -> AsyncIterator[tuple[FakeTelegram, Sportello, BotRunner]]:
    """The bot on `framework` against a fresh fake Telegram, with the demo data."""
    fake = FakeTelegram(members={SUPPORT: {STAFF.id}})
    base = await fake.start()
    app = Sportello(sessions, make_settings(
        database_url, bot_token=fake.token, api_url=base, support_chat_id=SUPPORT,
        poll_timeout=1, **settings), clock)
    async with app.sessions() as session, session.begin():
        await load_demo_if_empty(session, clock.today())
    runner = BotRunner(app, framework=framework, outbox_every=0.1)
    await runner.start()
    try:
        yield fake, app, runner
    finally:
        await runner.stop()
        await fake.stop()


@pytest.fixture(params=["ptb", "aiogram"])
async def telegram(request: pytest.FixtureRequest, sessions, database_url, clock
                   ) -> AsyncIterator[tuple[FakeTelegram, Sportello, BotRunner]]:
    async with running(request.param, sessions, database_url, clock,
                       payment_provider_token="284685063:TEST:sportello") as bot:
        yield bot


@pytest.fixture(params=["ptb", "aiogram"])
async def telegram_sandbox(request: pytest.FixtureRequest, sessions, database_url, clock
                           ) -> AsyncIterator[tuple[FakeTelegram, Sportello, BotRunner]]:
    """No payment provider token: cards are typed at the card step (sandbox gateway)."""
    async with running(request.param, sessions, database_url, clock) as bot:
        yield bot


async def linked(fake: FakeTelegram, app: Sportello, user: User = MARIO,
                 customer: str = "C001") -> None:
    code, _, _ = await app.create_link_code(customer)
    fake.user_message(user, f"/start {code}")
    await fake.wait_for(user.id, "Ciao Mario! Sono Sportello")


async def test_commands_registered_in_italian(telegram) -> None:
    fake, _, _ = telegram
    await fake.idle(0.1)
    assert [(c["command"], c["description"]) for c in fake.commands][:2] == [
        ("start", "Inizia e collega il tuo account"), ("menu", "Menu principale")]


async def test_unlinked_user_sees_nothing_then_links_with_a_code(telegram) -> None:
    fake, app, _ = telegram
    fake.user_message(STRANGER, "i miei prodotti")
    await fake.wait_for(STRANGER.id, "Questa chat non è ancora collegata a un cliente")
    fake.user_message(STRANGER, "/start SBAGLIATO1")
    await fake.wait_for(STRANGER.id, "Il codice di collegamento non è valido")
    code, _, _ = await app.create_link_code("C001")
    fake.user_message(MARIO, f"/start {code}")
    menu = await fake.wait_for(MARIO.id, "Ciao Mario!")
    assert menu.labels()[:2] == ["I miei prodotti", "Rinnova"]
    fake.user_message(STRANGER, f"/start {code}")  # single use
    await fake.wait_for(STRANGER.id, "già stato usato")


async def test_renewal_paid_by_card_through_telegram_payments(telegram) -> None:
    fake, app, _ = telegram
    await linked(fake, app)
    fake.user_message(MARIO, "vorrei rinnovare mariorossi.it")
    review = await fake.wait_for(MARIO.id, "Totale: € 12,08")
    fake.press(MARIO, review, "Carta di credito")
    chosen = await fake.wait_for(MARIO.id, "Metodo scelto: Carta di credito")
    assert chosen.message_id == review.message_id and chosen.edits == 1  # edited in place
    chosen = await fake.accept_terms(MARIO, chosen)
    fake.press(MARIO, chosen, "Procedi al pagamento")
    invoice = (await fake.wait_for(MARIO.id, "<invoice>")).invoice
    assert invoice is not None and invoice["total_amount"] == 1208
    assert invoice["currency"] == "EUR" and invoice["payload"] == "order:1"
    fake.pre_checkout(MARIO, invoice, amount=1100)  # tampered amount: refused
    await fake.until(lambda: len(fake.pre_checkout_answers) == 1)
    assert str(fake.pre_checkout_answers[0]["ok"]).lower() == "false"
    fake.pre_checkout(MARIO, invoice)
    await fake.until(lambda: len(fake.pre_checkout_answers) == 2)
    assert str(fake.pre_checkout_answers[1]["ok"]).lower() == "true"
    paid = fake.successful_payment(MARIO, invoice, "tg-charge-1")
    await fake.wait_for(MARIO.id, "Pagamento riuscito: € 12,08. Fattura n. 2026/000001.")
    fake.redeliver(paid)  # the same update again: registered once
    await fake.idle()
    async with app.sessions() as session:
        service = (await session.execute(
            select(Service).where(Service.name == "mariorossi.it"))).scalar_one()
        payments = (await session.execute(select(func.count(Payment.id)))).scalar_one()
    assert service.expires_on == date(2027, 12, 11) and payments == 1
    assert sum("Pagamento riuscito" in s.text for s in fake.to(MARIO.id)) == 1


async def test_an_order_outgrown_before_the_charge_is_refused_and_money_kept(
    telegram,
) -> None:
    """The service moves on after the invoice was sent: pre-checkout refuses, saying why;
    a charge that arrives anyway is kept for support, the customer told, no fattura."""
    fake, app, _ = telegram
    await linked(fake, app)
    fake.user_message(MARIO, "vorrei rinnovare mariorossi.it")
    review = await fake.wait_for(MARIO.id, "Totale: € 12,08")
    fake.press(MARIO, review, "Carta di credito")
    chosen = await fake.wait_for(MARIO.id, "Metodo scelto: Carta di credito")
    chosen = await fake.accept_terms(MARIO, chosen)
    fake.press(MARIO, chosen, "Procedi al pagamento")
    invoice = (await fake.wait_for(MARIO.id, "<invoice>")).invoice
    assert invoice is not None
    async with app.sessions() as session, session.begin():  # renewed by another path
        service = (await session.execute(
            select(Service).where(Service.name == "mariorossi.it"))).scalar_one()
        service.expires_on = date(2027, 12, 11)
    fake.pre_checkout(MARIO, invoice)
    await fake.until(lambda: len(fake.pre_checkout_answers) == 1)
    answer = fake.pre_checkout_answers[0]
    assert str(answer["ok"]).lower() == "false"
    assert "annullato d'ufficio" in answer["error_message"]
    fake.successful_payment(MARIO, invoice, "tg-charge-late")
    told = await fake.wait_for(MARIO.id, "Il denaro non è perso")
    assert "Ticket n. 1" in told.text
    card = await fake.wait_for(SUPPORT, "pagamento NON applicato di € 12,08")
    assert "rif. tg-charge-late" in card.text and "Cliente: Mario Rossi (C001)" in card.text
    async with app.sessions() as session:
        order = await session.get(Order, 1)
        payments = (await session.execute(select(func.count(Payment.id)))).scalar_one()
    assert order is not None and (order.status, order.void_reason) == ("void",
                                                                       "period_changed")
    assert payments == 0 and await app.list_invoices(order.customer_id) == []


async def cancel_the_hosting(fake: FakeTelegram) -> None:
    """Mario cancels www.mariorossi.it in chat: reason «Non mi serve più», name typed."""
    fake.user_message(MARIO, "disdici l'hosting")
    explain = await fake.wait_for(MARIO.id, "Se non rinnovi www.mariorossi.it")
    fake.press(MARIO, explain, "Non mi serve più")
    await fake.wait_for(MARIO.id, "scrivi il nome")
    fake.user_message(MARIO, "rossi mario")
    ok = await fake.wait_for(MARIO.id, "Nome verificato")
    fake.press(MARIO, ok, "Ok")
    await fake.wait_for(MARIO.id, "Fatto: www.mariorossi.it non sarà rinnovato.")


async def test_cancellation_with_the_typed_name(telegram) -> None:
    fake, app, _ = telegram
    await linked(fake, app)
    await cancel_the_hosting(fake)
    async with app.sessions() as session:
        status = (await session.execute(select(Service.status).where(
            Service.name == "www.mariorossi.it"))).scalar_one()
    assert status == "disdetto"


async def test_recovery_and_upgrade_quote(telegram) -> None:
    fake, app, _ = telegram
    await linked(fake, app)
    fake.user_message(MARIO, "/menu")
    menu = await fake.wait_for(MARIO.id, "Cosa vuoi fare?", after=1)
    fake.press(MARIO, menu, "Recupera prodotto")
    pick = await fake.wait_for(MARIO.id, "Quale servizio vuoi recuperare?")
    fake.press(MARIO, pick, "rossipizzeria.it")
    await fake.wait_for(MARIO.id, "rossipizzeria.it è scaduto da 5 giorni")
    fake.user_message(MARIO, "quanto costa passare al piano business?")
    quote = await fake.wait_for(MARIO.id, "Cambio di www.mariorossi.it: da Hosting Start a "
                                          "Hosting Business")
    assert "Totale:" in quote.text and "Nuova scadenza" in quote.text


async def test_ticket_goes_to_the_support_group_and_the_reply_comes_back(telegram) -> None:
    fake, app, _ = telegram
    await linked(fake, app)
    fake.user_message(MARIO, "/ticket")
    category = await fake.wait_for(MARIO.id, "Di cosa si tratta?")
    fake.press(MARIO, category, "Problema tecnico")
    await fake.wait_for(MARIO.id, "Descrivi la richiesta")
    fake.user_message(MARIO, "Il sito dà errore 500")
    await fake.wait_for(MARIO.id, "Ticket n. 1 aperto.")
    card = await fake.wait_for(SUPPORT, "Ticket n. 1 · Problema tecnico")
    assert "Cliente: Mario Rossi (C001)" in card.text and "Il sito dà errore 500" in card.text
    assert card.labels() == ["Prendi in carico", "Chiudi"]
    answered = len(fake.callback_answers)
    fake.press(STRANGER, card, "Prendi in carico")  # not a member of the support group
    await fake.until(lambda: len(fake.callback_answers) > answered)
    assert "Solo i membri del gruppo" in str(fake.callback_answers[-1].get("text"))
    fake.press(STAFF, card, "Prendi in carico")
    await fake.wait_for(SUPPORT, "Preso in carico da Anna Supporto")
    assert (await app.get_ticket(1)).status == "in_carico"
    fake.user_message(STAFF, "Stiamo controllando, un attimo", chat_id=SUPPORT, reply_to=card)
    reply = await fake.wait_for(MARIO.id, "Risposta del supporto sul ticket n. 1:")
    assert "Stiamo controllando, un attimo" in reply.text
    fake.press(MARIO, reply, "Rispondi")
    await fake.wait_for(MARIO.id, "Scrivi il messaggio da aggiungere al ticket n. 1")
    fake.user_message(MARIO, "Grazie, ora funziona")
    relayed = await fake.wait_for(SUPPORT, "Il cliente scrive sul ticket n. 1")
    assert relayed.reply_to == card.message_id and "Grazie, ora funziona" in relayed.text
    fake.press(STAFF, card, "Chiudi")
    await fake.wait_for(MARIO.id, "Il ticket n. 1 è stato chiuso.")


async def test_forged_callback_refused_and_duplicate_update_once(telegram) -> None:
    fake, app, _ = telegram
    await linked(fake, app)
    menu = fake.to(MARIO.id)[-1]
    fake.press(MARIO, menu, data="products.detail:999")
    await fake.wait_for(MARIO.id, "Questa azione non è più valida")
    fake.user_message(MARIO, "disdici l'hosting")
    explain = await fake.wait_for(MARIO.id, "Se non rinnovi www.mariorossi.it")
    fake.press(MARIO, explain, "Costo troppo alto")
    await fake.wait_for(MARIO.id, "scrivi il nome")
    fake.user_message(MARIO, "Mario Rossi")
    ok = await fake.wait_for(MARIO.id, "Nome verificato")
    press = fake.press(MARIO, ok, "Ok")
    await fake.wait_for(MARIO.id, "non sarà rinnovato")
    await fake.wait_for(SUPPORT, "Disdetta: C001")  # announced in the group (issue 12)
    before = len(fake.sent)
    fake.redeliver(press)
    await fake.idle()
    assert len(fake.sent) == before  # nothing sent again
    async with app.sessions() as session:
        orders = (await session.execute(select(func.count(Order.id)))).scalar_one()
    assert orders == 0


async def test_lifecycle_notices_reach_the_customer_with_their_button(telegram) -> None:
    fake, app, _ = telegram
    await linked(fake, app)
    result = await app.run_lifecycle()
    assert any(n.kind == "reminder_30" for n in result.notices)
    reminder = await fake.wait_for(MARIO.id, "mariorossi.it scade tra 20 giorni, l'11 "
                                             "dicembre 2026")
    assert reminder.labels()[0] == "Rinnova ora"
    fake.press(MARIO, reminder, "Rinnova ora")
    await fake.wait_for(MARIO.id, "Totale: € 12,08")
    for _ in range(100):
        if not await app.unsent_notices():
            break
        await fake.idle(0.1)
    assert await app.unsent_notices() == []


async def test_blocked_customer_is_marked_and_skipped(telegram) -> None:
    fake, app, _ = telegram
    await linked(fake, app)
    fake.blocked.add(MARIO.id)
    await app.run_lifecycle()
    await fake.until(lambda: any(c[0] == "sendMessage" and c[1].get("chat_id") in
                                 (str(MARIO.id), MARIO.id) for c in fake.calls[-5:]))
    customer = await app.customer_by_code("C001")
    for _ in range(50):
        if await app.chats_of(customer.id) == []:
            break
        await fake.idle(0.1)
    assert await app.chats_of(customer.id) == []  # marked blocked: no more attempts
    attempts = sum(1 for name, p in fake.calls if name == "sendMessage"
                   and str(p.get("chat_id")) == str(MARIO.id))
    await app.run_lifecycle(date(2026, 11, 27))
    await fake.idle(0.5)
    assert sum(1 for name, p in fake.calls if name == "sendMessage"
               and str(p.get("chat_id")) == str(MARIO.id)) == attempts


async def test_retry_after_from_telegram_is_honoured(telegram) -> None:
    fake, app, _ = telegram
    await linked(fake, app)
    fake.failures.append(("sendMessage", 429, {"description": "Too Many Requests: retry "
                                               "after 1", "parameters": {"retry_after": 1}}))
    fake.user_message(MARIO, "/aiuto")
    await fake.wait_for(MARIO.id, "Posso aiutarti con i tuoi servizi")
    refused = [c for c in fake.calls if c[0] == "sendMessage"]
    assert len(refused) >= 2  # the refused attempt, then the one that went through


async def test_support_forum_gets_one_topic_per_ticket_and_cli_replies_reach_the_chat(
    telegram,
) -> None:
    fake, app, _ = telegram
    fake.forum_chats.add(SUPPORT)
    await linked(fake, app)
    fake.user_message(MARIO, "voglio parlare con un operatore")
    ask = await fake.wait_for(MARIO.id, "Apro una richiesta al supporto?")
    fake.press(MARIO, ask, "Sì, apri la richiesta")
    await fake.wait_for(MARIO.id, "Ho aperto il ticket n. 1")
    card = await fake.wait_for(SUPPORT, "Ticket n. 1")
    assert card.thread_id is not None
    assert any(name == "createForumTopic" for name, _ in fake.calls)
    fake.user_message(STAFF, "Eccomi, dimmi pure", chat_id=SUPPORT, thread_id=card.thread_id)
    # Written the moment the card appears: the topic must already lead to its ticket.
    await fake.wait_for(MARIO.id, "Eccomi, dimmi pure")
    from core.context import Actor

    await app.add_ticket_message(1, "Ti richiamo domattina", Actor.support("bruno"))
    await fake.wait_for(MARIO.id, "Ti richiamo domattina")


async def test_unlink_from_the_chat(telegram) -> None:
    fake, app, _ = telegram
    await linked(fake, app)
    fake.user_message(MARIO, "/scollega")
    ask = await fake.wait_for(MARIO.id, "Vuoi scollegare questa chat")
    fake.press(MARIO, ask, "Sì, scollega")
    await fake.wait_for(MARIO.id, "Chat scollegata")
    fake.user_message(MARIO, "i miei prodotti")
    await fake.wait_for(MARIO.id, "Questa chat non è ancora collegata")


async def test_a_card_number_typed_at_the_menu_is_deleted_answered_and_stored_nowhere(
    telegram,
) -> None:
    fake, app, _ = telegram
    await linked(fake, app)
    typed = fake.user_message(MARIO, f"la mia carta è {CARD}")["message"]["message_id"]
    await fake.wait_for(MARIO.id, "Non chiediamo mai il numero della carta in chat")
    assert fake.deleted == [(MARIO.id, typed)] and (MARIO.id, typed) not in fake.received
    await fake.wait_for(MARIO.id, "Ho cancellato il tuo messaggio dalla chat")
    fake.user_message(MARIO, "voglio parlare con un operatore")  # the conversation travels
    ask = await fake.wait_for(MARIO.id, "Apro una richiesta al supporto?")
    fake.press(MARIO, ask, "Sì, apri la richiesta")
    card = await fake.wait_for(SUPPORT, "Ticket n. 1")
    assert "Cliente: la mia carta è •••• •••• •••• 4444" in card.text
    assert not any(CARD_DIGITS[:-4] in digits_of(sent.text) for sent in fake.sent)
    assert await stored_with(app) == []  # history, processed updates, tickets, audit log…


async def test_a_card_message_telegram_will_not_delete_is_logged_without_the_number(
    telegram, caplog: pytest.LogCaptureFixture,
) -> None:
    fake, app, _ = telegram
    caplog.set_level(logging.INFO)
    await linked(fake, app)
    fake.failures.append(("deleteMessage", 400,
                          {"description": "Bad Request: message can't be deleted for everyone"}))
    fake.user_message(MARIO, CARD)
    await fake.wait_for(MARIO.id, "Non chiediamo mai il numero della carta in chat")
    assert any("card number not deleted" in r.getMessage() for r in caplog.records)
    assert CARD_DIGITS[:-4] not in digits_of(caplog.text)
    assert not any("Ho cancellato" in sent.text for sent in fake.to(MARIO.id))
    fake.user_message(MARIO, "/aiuto")  # and the bot carries on
    await fake.wait_for(MARIO.id, "Posso aiutarti con i tuoi servizi")
    assert await stored_with(app) == []


async def test_a_card_number_at_the_sandbox_card_step_pays_and_is_deleted(
    telegram_sandbox,
) -> None:
    fake, app, _ = telegram_sandbox
    await linked(fake, app)
    fake.user_message(MARIO, "vorrei rinnovare mariorossi.it")
    review = await fake.wait_for(MARIO.id, "Totale: € 12,08")
    fake.press(MARIO, review, "Carta di credito")
    chosen = await fake.wait_for(MARIO.id, "Metodo scelto: Carta di credito")
    chosen = await fake.accept_terms(MARIO, chosen)
    fake.press(MARIO, chosen, "Procedi al pagamento")
    await fake.wait_for(MARIO.id, "Inserisci il numero della carta")
    typed = fake.user_message(MARIO, CARD)["message"]["message_id"]
    await fake.wait_for(MARIO.id, "Pagamento riuscito: € 12,08")
    assert (MARIO.id, typed) in fake.deleted
    await fake.wait_for(MARIO.id, "Ho cancellato il tuo messaggio dalla chat")
    assert await stored_with(app) == []
