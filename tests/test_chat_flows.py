"""Scripted terminal conversations, one per flow and per error path (see chat_helpers)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.app import Sportello
from core.models import Order, SandboxCharge, Service
from tests.chat_helpers import Chat


async def mario(app: Sportello) -> Chat:
    return await Chat.open(app, (await app.customer_by_code("C001")).id)


async def service(app: Sportello, name: str) -> Service:
    async with app.sessions() as session:
        return (await session.execute(select(Service).where(Service.name == name))).scalar_one()


async def count(app: Sportello, model: type) -> int:
    async with app.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


# --- start, menu, help, annulla -------------------------------------------------------


async def test_start_menu_and_help(demo: Sportello) -> None:
    chat = await mario(demo)
    assert chat.text == "Ciao Mario! Sono Sportello, l'assistente clienti. Cosa vuoi fare?"
    assert chat.labels == ["I miei prodotti", "Rinnova", "Non rinnovare", "Recupera prodotto",
                           "Upgrade / cambio piano", "Ordini e fatture", "Assistenza"]
    assert "/annulla" in await chat.command("aiuto")
    assert "Non conosco il comando /boh" in await chat.command("boh")
    assert await chat.command("annulla") == "Non c'è nessuna operazione in corso."


async def test_annulla_leaves_any_flow_and_changes_nothing(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.press("Non rinnovare")
    await chat.press("mariorossi.it")
    await chat.press("Costo troppo alto")
    assert "scrivi il nome" in chat.text
    assert await chat.command("annulla") == "Operazione annullata: non è stato modificato nulla."
    assert (await service(demo, "mariorossi.it")).status == "attivo"
    # The flow's buttons are gone: pressing an old one is refused.
    assert "Mario Rossi" not in await chat.say("Mario Rossi")


# --- I miei prodotti -----------------------------------------------------------------


async def test_products_list_and_actions_by_state(demo: Sportello) -> None:
    chat = await mario(demo)
    text = await chat.press("I miei prodotti")
    current, lapsed = text.split("Prodotti scaduti o disdetti")
    assert current.index("mario.rossi@pec.it") < current.index("mariorossi.it ·")
    assert current.index("mariorossi.it ·") < current.index("www.mariorossi.it")
    assert ("• mariorossi.it · Dominio .it\n  € 9,90/anno + IVA · Scadenza 11 dicembre 2026 · "
            "Rinnovo su richiesta · In scadenza") in current
    assert "rossipizzeria.it" in lapsed and "Scaduto" in lapsed
    detail = await chat.press("mariorossi.it")
    assert "Scade tra 20 giorni." in detail
    # The domain's plan changes to no other (tests/test_chat_edges.py): no «Upgrade».
    assert chat.labels[:3] == ["Rinnova ora", "Passa al rinnovo automatico", "Non rinnovare"]
    await chat.press("I miei prodotti")
    await chat.press("www.mariorossi.it")
    assert chat.labels[:4] == ["Rinnova ora", "Passa al rinnovo automatico",
                               "Upgrade / cambio piano", "Non rinnovare"]
    await chat.press("I miei prodotti")
    detail = await chat.press("rossipizzeria.it")
    assert ("Scaduto da 5 giorni: recuperabile senza costi aggiuntivi fino al 26 novembre "
            "2026") in detail
    assert chat.labels[0] == "Recupera prodotto"
    assert "Rinnova ora" not in chat.labels and "Non rinnovare" not in chat.labels


async def test_long_product_lists_are_paged(app: Sportello) -> None:
    from tests.helpers import customer_id, seed, svc

    await seed(app, [svc(f"dominio-{i:02d}.it", "DOM", date(2027, 1, 1 + i)) for i in range(19)])
    chat = await Chat.open(app, await customer_id(app, "C001"))
    first = await chat.press("I miei prodotti")
    assert "Pagina 1 di 3" in first and "dominio-07.it" in first and "dominio-08.it" not in first
    second = await chat.press("Avanti")
    assert "Pagina 2 di 3" in second and "dominio-08.it" in second
    assert all(len(r.text) <= 4096 for r in chat.replies)


async def test_renewal_mode_switch(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.press("I miei prodotti")
    await chat.press("mariorossi.it")
    await chat.press("Passa al rinnovo automatico")  # explained first (test_chat_confirm)
    text = await chat.press("Attiva il rinnovo automatico")
    assert text.startswith("Il rinnovo di mariorossi.it ora è automatico.")
    assert (await service(demo, "mariorossi.it")).renewal_mode == "automatico"


# --- Rinnova -------------------------------------------------------------------------


async def test_renew_by_card_shows_fattura_and_new_expiry(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.press("I miei prodotti")
    await chat.press("mariorossi.it")
    review = await chat.press("Rinnova ora")
    assert ("• mariorossi.it: € 9,90 + IVA, dall'11 dicembre 2026 all'11 dicembre 2027\n"
            "Imponibile: € 9,90\nIVA 22%: € 2,18\nTotale: € 12,08") in review
    assert "Procedi al pagamento" not in chat.labels  # only after a method is chosen
    await chat.press("Carta di credito")
    await chat.press("Accetto le condizioni generali")
    assert chat.labels[0] == "Procedi al pagamento"
    assert "numero della carta" in await chat.press("Procedi al pagamento")
    paid = await chat.say("4242 4242 4242 4242")
    assert "Pagamento riuscito: € 12,08. Fattura n. 2026/000001." in paid
    assert "• mariorossi.it rinnovato fino all'11 dicembre 2027" in paid
    assert (await service(demo, "mariorossi.it")).expires_on == date(2027, 12, 11)
    typed = [h["t"] for h in await chat.engine.history(chat.chat_id) if h["d"] == "in"]
    assert "(dato riservato)" in typed
    assert "4242" not in str(typed)  # the card number never reaches the stored history


async def test_renew_cart_by_transfer_leaves_a_pending_order(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.press("Rinnova")
    assert chat.labels[:4] == [
        "☐ rossipizzeria.it · € 9,90/anno + IVA", "☐ mario.rossi@pec.it · € 5,00/anno + IVA",
        "☐ mariorossi.it · € 9,90/anno + IVA", "☐ www.mariorossi.it · € 60,00/anno + IVA"]
    await chat.press("☐ mario.rossi@pec.it")
    await chat.press("☐ mariorossi.it")
    assert chat.labels[1:3] == ["☑ mario.rossi@pec.it · € 5,00/anno + IVA",
                                "☑ mariorossi.it · € 9,90/anno + IVA"]
    review = await chat.press("Continua")
    assert "Imponibile: € 14,90\nIVA 22%: € 3,28\nTotale: € 18,18" in review
    await chat.press("Bonifico bancario")
    done = await chat.press("Procedi al pagamento")
    assert "Ordine SPT-000001 registrato, in attesa di pagamento (€ 18,18)." in done
    assert "IBAN IT60X0542811101000000123456, importo € 18,18, causale SPT-000001." in done
    assert (await service(demo, "mariorossi.it")).expires_on == date(2026, 12, 11)
    orders = await chat.press("Ordini e fatture")
    assert "SPT-000001 · 21 novembre 2026 · Rinnovo · € 18,18 · In attesa di pagamento" in orders


async def test_card_declined_then_retry_from_orders(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.press("I miei prodotti")
    await chat.press("mariorossi.it")
    await chat.press("Rinnova ora")
    await chat.press("Carta di credito")
    await chat.press("Procedi al pagamento")
    failed = await chat.say("4000 0000 0000 0002")
    assert ("Pagamento non riuscito (carta rifiutata). L'ordine SPT-000001 resta in attesa"
            in failed)
    assert (await service(demo, "mariorossi.it")).expires_on == date(2026, 12, 11)
    await chat.press("Ordini e fatture")
    await chat.press("Paga SPT-000001")
    await chat.press("Paga con carta")
    paid = await chat.say("4242424242424242")
    assert "Pagamento riuscito: € 12,08. Fattura n. 2026/000001." in paid
    assert (await service(demo, "mariorossi.it")).expires_on == date(2027, 12, 11)


async def test_invalid_card_number_is_asked_again(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.say("vorrei rinnovare mariorossi.it")
    await chat.press("Carta di credito")
    await chat.press("Procedi al pagamento")
    assert "numero della carta non è valido" in await chat.say("la mia carta è la visa")
    assert await count(demo, Order) == 0
    assert "Pagamento riuscito" in await chat.say("4242 4242 4242 4242")


async def test_double_tap_on_procedi_al_pagamento_pays_once(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.say("vorrei rinnovare mariorossi.it")
    await chat.press("Bonifico bancario")
    await chat.press("Accetto le condizioni generali")
    pay = chat.payload("Procedi al pagamento")
    from handlers.ui import Incoming

    first = await chat.send(Incoming(chat.chat_id, payload=pay, update_id="tap-1"))
    second = await chat.send(Incoming(chat.chat_id, payload=pay, update_id="tap-2"))
    assert "SPT-000001" in first[0].text
    assert "non è più valida" in second[0].text
    assert await count(demo, Order) == 1


async def test_quote_from_yesterday_is_shown_again_updated(demo: Sportello, clock) -> None:
    chat = await mario(demo)
    await chat.say("vorrei rinnovare mariorossi.it")
    await chat.press("Carta di credito")
    clock.day = date(2026, 11, 22)
    await chat.press("Procedi al pagamento")
    text = await chat.say("4242 4242 4242 4242")
    assert "Il preventivo non è più valido" in text and "Totale: € 12,08" in text
    assert await count(demo, SandboxCharge) == 0
    assert "Procedi al pagamento" not in chat.labels


# --- Non rinnovare ---------------------------------------------------------------------


async def test_cancel_with_reason_name_and_ok(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.press("Non rinnovare")
    assert chat.labels[:3] == ["mario.rossi@pec.it", "mariorossi.it", "www.mariorossi.it"]
    explained = await chat.press("www.mariorossi.it")
    assert "resta attivo fino alla scadenza, l'8 giugno 2027" in explained
    assert "fino al 18 giugno 2027, puoi ancora recuperarlo" in explained
    await chat.press("Altro motivo")
    assert "scrivi il nome" in await chat.say("Chiudo l'attività 😢")
    ok = await chat.say("ROSSI mario")
    assert "Nome verificato" in ok and chat.labels[0] == "Ok"
    done = await chat.press("Ok")
    assert ("Fatto: www.mariorossi.it non sarà rinnovato. Ora lo trovi in «Prodotti scaduti o "
            "disdetti»; resta attivo fino all'8 giugno 2027 e puoi recuperarlo fino al 18 "
            "giugno 2027") in done
    row = await service(demo, "www.mariorossi.it")
    assert (row.status, row.cancellation_reason) == ("disdetto", "Chiudo l'attività 😢")


async def test_three_wrong_names_abandon_the_cancellation(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.say("disdici l'hosting")
    await chat.press("Non mi serve più")
    assert "Ti restano 2 tentativi." in await chat.say("Giulia Bianchi")
    assert "Ti resta un tentativo." in await chat.say("Mario")
    assert "Disdetta annullata dopo tre tentativi" in await chat.say("Rossi Maria")
    assert (await service(demo, "www.mariorossi.it")).status == "attivo"


async def test_ok_pressed_twice_cancels_once(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.say("disdici l'hosting")
    await chat.press("Costo troppo alto")
    await chat.say("Mario Rossi")
    ok = chat.payload("Ok")
    from handlers.ui import Incoming

    await chat.send(Incoming(chat.chat_id, payload=ok, update_id="ok-1"))
    again = await chat.send(Incoming(chat.chat_id, payload=ok, update_id="ok-2"))
    assert "non è più valida" in again[0].text


async def test_cancel_refused_while_renewal_pending(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.say("vorrei rinnovare mariorossi.it")
    await chat.press("Bonifico bancario")
    await chat.press("Procedi al pagamento")
    # Said up front, before the reason or the holder's name are asked.
    refused = await chat.say("non voglio più rinnovare mariorossi.it")
    assert "c'è già l'ordine SPT-000001 (Rinnovo, € 12,08) in attesa di pagamento" in refused
    assert chat.labels == ["Paga SPT-000001", "Ordini e fatture", "Menu principale"]
    assert (await service(demo, "mariorossi.it")).status == "attivo"
    # The renewal and recovery flows say the same at their first step.
    assert "c'è già l'ordine SPT-000001" in await chat.say("vorrei rinnovare mariorossi.it")
    assert "Costo troppo alto" not in chat.labels


# --- Recupera prodotto ----------------------------------------------------------------


async def test_recover_undoes_a_cancellation_for_free(demo: Sportello) -> None:
    giulia = await Chat.open(demo, (await demo.customer_by_code("C002")).id, "test:giulia")
    await giulia.press("Recupera prodotto")
    assert giulia.labels[:2] == ["bianchi-vecchio.it · Scaduto", "www.bianchisrl.it · Disdetto"]
    done = await giulia.press("www.bianchisrl.it")
    assert done.startswith("Disdetta annullata: www.bianchisrl.it resta attivo")
    assert (await service(demo, "www.bianchisrl.it")).status == "attivo"
    assert await count(demo, Order) == 0


async def test_recovery_example_through_the_chat(app: Sportello, clock) -> None:
    """Expiry 2026-11-10: on 2026-11-20 recovery is free, on 2026-11-21 it is a ticket."""
    from tests.helpers import customer_id, seed, svc

    await seed(app, [svc("mariorossi.it", "DOM", date(2026, 11, 10), status="scaduto")])
    chat = await Chat.open(app, await customer_id(app, "C001"))
    clock.day = date(2026, 11, 20)
    await chat.press("Recupera prodotto")
    quote = await chat.press("mariorossi.it")
    assert ("mariorossi.it è scaduto da 10 giorni: puoi recuperarlo senza costi aggiuntivi "
            "pagando il rinnovo (dal 10 novembre 2026 al 10 novembre 2027) entro il 20 "
            "novembre 2026") in quote
    assert "Totale: € 12,08" in quote
    clock.day = date(2026, 11, 21)
    await chat.command("menu")
    await chat.press("Recupera prodotto")
    ticket = await chat.press("mariorossi.it")
    assert ("mariorossi.it è scaduto da 11 giorni: oltre i 10 giorni il recupero prevede costi "
            "di ripristino e lo gestisce il supporto. Ho aperto il ticket n. 1") in ticket


# --- Ordini e fatture ------------------------------------------------------------------


async def test_orders_cancel_a_pending_order(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.say("vorrei rinnovare mariorossi.it")
    await chat.press("PayPal")
    await chat.press("Procedi al pagamento")
    await chat.press("Ordini e fatture")
    detail = await chat.press("Paga SPT-000001")
    assert "PayPal all'indirizzo pagamenti@sportello.example, importo € 12,08" in detail
    ask = await chat.press("Annulla SPT-000001")
    assert "Vuoi annullare l'ordine SPT-000001 (€ 12,08)?" in ask
    assert "Ordine SPT-000001 annullato." in await chat.press("Sì, annulla l'ordine")
    orders = await chat.press("Ordini e fatture")
    assert "SPT-000001 · 21 novembre 2026 · Rinnovo · € 12,08 · Annullato" in orders


async def test_orders_show_invoices(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.say("vorrei rinnovare mariorossi.it")
    await chat.press("Carta di credito")
    await chat.press("Procedi al pagamento")
    await chat.say("4242 4242 4242 4242")
    orders = await chat.press("Menu principale") and await chat.press("Ordini e fatture")
    assert ("• Fattura 2026/000001 del 21 novembre 2026\n"
            "  Imponibile € 9,90 · IVA € 2,18 · Totale € 12,08 · Pagata") in orders


# --- Assistenza ---------------------------------------------------------------------


async def test_ticket_open_list_and_write(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.press("Assistenza")
    await chat.press("Apri un ticket")
    await chat.press("Problema tecnico")
    opened = await chat.say("Il sito mostra un errore 500 da stamattina")
    assert opened.startswith("Ticket n. 1 aperto.")
    listing = await chat.press("I miei ticket")
    assert "• n. 1 · Il sito mostra un errore 500 da stamattina · Aperto" in listing
    await chat.press("Scrivi sul ticket n. 1")
    assert "Messaggio aggiunto al ticket n. 1." in await chat.say("Anche la posta è lenta")
    ticket = await demo.get_ticket(1)
    assert [m.text for m in ticket.messages] == ["Il sito mostra un errore 500 da stamattina",
                                                 "Anche la posta è lenta"]
    assert ticket.category == "tecnico"


async def test_operator_request_mid_flow_carries_the_conversation(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.press("Non rinnovare")
    await chat.press("mariorossi.it")
    assert "Apro una richiesta al supporto?" in await chat.say("voglio parlare con un operatore")
    reply = await chat.press("Sì, apri la richiesta")
    assert reply.startswith("Ho aperto il ticket n. 1 con la nostra conversazione")
    ticket = await demo.get_ticket(1)
    assert ticket.category == "operatore"
    assert ticket.context["flow"] == "cancel"
    assert any("[Non rinnovare]" in line for line in ticket.context["conversation"])
    assert (await service(demo, "mariorossi.it")).status == "attivo"


# --- free text ------------------------------------------------------------------------


async def test_free_text_jumps_into_the_right_flow(demo: Sportello) -> None:
    chat = await mario(demo)
    assert "• mariorossi.it: € 9,90 + IVA" in await chat.say("vorrei rinnovare mariorossi.it")
    await chat.command("annulla")
    assert "Se non rinnovi www.mariorossi.it" in await chat.say("disdici l'hosting")
    await chat.command("annulla")
    business = await chat.say("quanto costa passare al piano business?")
    assert "Cambio di www.mariorossi.it: da Hosting Start a Hosting Business" in business
    await chat.command("annulla")
    recover = await chat.say("il mio dominio è scaduto la settimana scorsa, posso recuperarlo?")
    assert "Quale servizio vuoi recuperare?" in recover
    assert chat.labels[0] == "rossipizzeria.it · Scaduto"
    negated = await chat.say("non voglio rinnovare la pec")
    assert "Se non rinnovi mario.rossi@pec.it" in negated  # a cancellation, not a renewal


async def test_not_understood_twice_offers_a_ticket(demo: Sportello) -> None:
    chat = await mario(demo)
    assert "Non sono sicuro di aver capito" in await chat.say("che tempo fa a Roma?")
    assert "Vuoi che apra un ticket" in await chat.say("🍕🍕🍕")
    assert "Ho aperto il ticket n. 1" in await chat.press("Apri un ticket")


# --- worked examples of docs/regole.md through the chat --------------------------------------


async def quote_for(app: Sportello, clock, policy: str, today: date, plan: str, expiry: date,
                    target_label: str, **extra) -> str:
    from tests.helpers import customer_id, seed, svc

    app.settings = app.settings.model_copy(update={"policy": policy})
    clock.day = today
    await seed(app, [svc("servizio", plan, expiry, **extra)])
    chat = await Chat.open(app, await customer_id(app, "C001"))
    await chat.press("Upgrade / cambio piano")
    await chat.press("servizio")
    return await chat.press(target_label)


async def test_example_1_through_the_chat(app: Sportello, clock) -> None:
    text = await quote_for(app, clock, "mensilita-residue", date(2026, 3, 10), "H60",
                           date(2026, 9, 25), "Hosting Pro")
    assert ("Nuovo piano Hosting Pro per un anno da oggi: € 120,00\n"
            "Credito per 6 mensilità non usufruite del piano attuale: -€ 30,00\n"
            "Imponibile: € 90,00\nIVA 22%: € 19,80\nTotale: € 109,80\n"
            "Nuova scadenza: 10 marzo 2027") in text


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 7, 2), ["Imponibile: € 30,08", "La scadenza resta il 1° gennaio 2027."]),
    (date(2026, 11, 15), ["Imponibile: € 110,00", "Nuova scadenza: 1° gennaio 2028"]),
])
async def test_example_2_through_the_chat(app: Sportello, clock, today, expected) -> None:
    from tests.helpers import PLANS

    PLANS.append({"code": "P50", "name": "Base 50", "category": "hosting", "price": "50.00",
                  "changes_to": ["P110"]})
    PLANS.append({"code": "P110", "name": "Plus 110", "category": "hosting", "price": "110.00"})
    try:
        text = await quote_for(app, clock, "pro-rata-giorni", today, "P50", date(2027, 1, 1),
                               "Plus 110", period_start=date(2026, 1, 1))
        assert all(line in text for line in expected), text
    finally:
        del PLANS[-2:]


@pytest.mark.parametrize(("today", "due"), [
    (date(2026, 12, 16), "€ 20,00"), (date(2026, 11, 21), "€ 20,00"),
    (date(2026, 11, 16), "€ 40,00"), (date(2026, 10, 12), "€ 60,00"),
])
async def test_example_3_through_the_chat(app: Sportello, clock, today, due) -> None:
    text = await quote_for(app, clock, "mesi-arrotondati", today, "V50", date(2026, 12, 31),
                           "VPS 70")
    assert f"Imponibile: {due}" in text
    assert "La scadenza resta il 31 dicembre 2026." in text
    assert "Rinnovo richiesto ora" not in text


async def test_example_3_last_days_through_the_chat(app: Sportello, clock) -> None:
    text = await quote_for(app, clock, "mesi-arrotondati", date(2026, 12, 20), "V50",
                           date(2026, 12, 31), "VPS 70")
    assert "Upgrade fino alla scadenza: gratuito" in text
    assert "Rinnovo richiesto ora" in text
    assert "Rinnovo con il nuovo piano fino al 31 dicembre 2027: € 840,00" in text


async def test_example_4_through_the_chat(app: Sportello, clock) -> None:
    text = await quote_for(app, clock, "mese-intero", date(2026, 11, 21), "C29",
                           date(2026, 12, 1), "Cloud 99", period_start=date(2026, 11, 1))
    assert "Nuovo piano Cloud 99 per un mese da oggi: € 99,00" in text
    assert "Rimborso del piano attuale per 10 giorni su 30 non usufruiti: -€ 9,67" in text
    assert "Imponibile: € 89,33" in text and "Nuova scadenza: 21 dicembre 2026" in text


async def test_example_4_downgrade_through_the_chat(app: Sportello, clock) -> None:
    text = await quote_for(app, clock, "mese-intero", date(2026, 11, 21), "C99",
                           date(2026, 12, 1), "Cloud 29", period_start=date(2026, 11, 1))
    assert "Il cambio avrà effetto dal 1° dicembre 2026" in text
    chat_total = "Totale: € 0,00"
    assert chat_total in text


async def test_example_5_tacit_renewal_through_the_chat(app: Sportello, clock) -> None:
    from tests.helpers import customer_id, seed, svc

    await seed(app, [svc("vps", "V50", date(2026, 11, 30), renewal="automatico")])
    await app.run_lifecycle(date(2026, 11, 30))
    await app.run_lifecycle(date(2026, 12, 11))
    clock.day = date(2026, 12, 11)
    chat = await Chat.open(app, await customer_id(app, "C001"))
    await chat.press("I miei prodotti")
    detail = await chat.press("vps")
    assert "Sospeso per una fattura non saldata" in detail
    orders = await chat.press("Ordini e fatture")
    assert ("• Fattura 2026/000001 del 30 novembre 2026\n  Imponibile € 600,00 · IVA € 132,00 "
            "· Totale € 732,00 · Da saldare entro il 10 dicembre 2026") in orders
    await chat.press("Paga SPT-000001")
    await chat.press("Paga con carta")
    assert "Pagamento riuscito: € 732,00" in await chat.say("4242 4242 4242 4242")
    assert (await service(app, "vps")).status == "attivo"


async def test_refusals_explained(app: Sportello, clock) -> None:
    from tests.helpers import customer_id, seed, svc

    app.settings = app.settings.model_copy(update={"policy": "mesi-arrotondati"})
    await seed(app, [svc("srv", "DED2", date(2027, 6, 1)),
                     svc("cluster", "CUST", date(2027, 6, 1))])
    chat = await Chat.open(app, await customer_id(app, "C001"))
    await chat.press("Upgrade / cambio piano")
    await chat.press("srv")
    assert "Il downgrade dei server dedicati non è previsto" in await chat.press("Dedicato 1")
    await chat.press("Menu principale")
    await chat.press("Upgrade / cambio piano")
    sales = await chat.press("cluster")
    assert "Le soluzioni personalizzate si modificano con il tuo commerciale" in sales
    assert "Ho aperto il ticket n. 1 per l'ufficio commerciale" in await chat.press(
        "Apri ticket commerciale")


