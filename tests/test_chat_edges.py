"""Two edges of issue 15, through the terminal chat with the demo data (today is 21 November
2026): «Upgrade / cambio piano» is offered only for a service with a plan to move to, and the
order summary's «Rinnovo automatico» is confirmed before it is switched on."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update

from core.app import Sportello
from core.models import AuditEntry, Order, Plan, Service, Ticket
from handlers.ui import Incoming
from tests.chat_helpers import Chat
from tests.helpers import customer_id, seed, svc

CHANGE = "Upgrade / cambio piano"
CONFIRM = "Attiva il rinnovo automatico"
KEEP_OFF = "No, lascia il rinnovo su richiesta"


async def mario(app: Sportello) -> Chat:
    return await Chat.open(app, await customer_id(app, "C001"))


async def tap(chat: Chat, payload: str) -> str:
    """A button of an earlier message pressed again (Telegram keeps old keyboards)."""
    await chat.send(Incoming(chat.chat_id, payload=payload, update_id=f"{payload}:again"))
    return chat.text


async def snapshot(app: Sportello) -> tuple[object, ...]:
    """What a press could change: the services, and how many orders, tickets, audit rows."""
    async with app.sessions() as session:
        services = (await session.execute(select(
            Service.id, Service.status, Service.expires_on, Service.plan_id,
            Service.renewal_mode, Service.renewal_months).order_by(Service.id))).all()
        counts = [(await session.execute(select(func.count()).select_from(m))).scalar_one()
                  for m in (Order, Ticket, AuditEntry)]
    return (tuple(services), *counts)


async def service(app: Sportello, name: str) -> Service:
    async with app.sessions() as session:
        return (await session.execute(select(Service).where(Service.name == name))).scalar_one()


async def only_order(app: Sportello) -> Order:
    async with app.sessions() as session:
        return (await session.execute(select(Order))).scalar_one()


# --- «Upgrade / cambio piano» only where there is a plan to move to ----------------------


async def test_the_card_offers_a_change_only_with_a_plan_to_move_to(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.press("I miei prodotti")
    await chat.press("mariorossi.it")  # Dominio .it: the catalogue names no plan after it
    assert chat.labels == ["Rinnova ora", "Passa al rinnovo automatico", "Non rinnovare",
                           "◀ I miei prodotti", "Menu principale"]
    await chat.press("◀ I miei prodotti")
    await chat.press("www.mariorossi.it")  # Hosting Start: other hostings, the domain alone
    assert CHANGE in chat.labels
    options = await chat.press(CHANGE)
    assert "www.mariorossi.it" in options
    assert "non ci sono altri piani" not in options


async def test_the_change_picker_lists_only_services_with_a_plan_to_move_to(
        demo: Sportello) -> None:
    chat = await mario(demo)
    assert await chat.press(CHANGE) == "Di quale servizio vuoi cambiare piano?"
    assert chat.labels == ["mario.rossi@pec.it · PEC Standard",
                           "www.mariorossi.it · Hosting Start", "Menu principale"]
    # The domain named anyway: said plainly, support one tap away, nothing changed.
    before = await snapshot(demo)
    answer = await chat.say("mariorossi.it")
    assert answer == ("Per mariorossi.it non ci sono altri piani disponibili. Vuoi chiedere "
                      "al supporto?")
    assert chat.labels == ["Apri un ticket", "Menu principale"]
    assert await snapshot(demo) == before


async def test_no_service_with_a_plan_to_move_to(app: Sportello) -> None:
    await seed(app, [svc("mariorossi.it", "DOM", date(2027, 3, 1)),
                     svc("pec", "FREE", date(2027, 3, 1))])
    chat = await mario(app)
    answer = await chat.press(CHANGE)
    assert answer == ("Per i tuoi servizi attivi non ci sono altri piani a cui passare. Se ti "
                      "serve qualcosa di diverso, puoi chiedere al supporto.")
    assert chat.labels == ["Apri un ticket", "Menu principale"]
    await chat.press("Menu principale")
    await chat.press("I miei prodotti")
    await chat.press("mariorossi.it")
    assert CHANGE not in chat.labels


async def test_a_custom_solution_keeps_the_way_to_sales(app: Sportello) -> None:
    """A custom solution never gets an automatic quote (RULES.md): its button leads to
    the sales office, so it stays."""
    await seed(app, [svc("cluster", "CUST", date(2027, 3, 1))])
    async with app.sessions() as session, session.begin():  # whatever the catalogue says
        await session.execute(update(Plan).where(Plan.code == "DED2").values(active=False))
    chat = await mario(app)
    await chat.press("I miei prodotti")
    await chat.press("cluster")
    assert "Le soluzioni personalizzate si modificano con il tuo commerciale" in \
        await chat.press(CHANGE)


async def test_a_stale_change_button_answers_and_changes_nothing(demo: Sportello) -> None:
    """The card showed «Upgrade», then the catalogue withdrew every plan it led to."""
    chat = await mario(demo)
    await chat.press("I miei prodotti")
    await chat.press("www.mariorossi.it")
    hosting = await service(demo, "www.mariorossi.it")
    targets = [p.code for p in await demo.change_options(await customer_id(demo, "C001"),
                                                         hosting.id)]
    async with demo.sessions() as session, session.begin():
        await session.execute(update(Plan).where(Plan.code.in_(targets)).values(active=False))
    before = await snapshot(demo)
    answer = await chat.press(CHANGE)
    assert answer == ("Per www.mariorossi.it non ci sono altri piani disponibili. Vuoi "
                      "chiedere al supporto?")
    assert await snapshot(demo) == before


# --- «Rinnovo automatico» in the order summary: asked before it is on ----------------------


async def summary_of(chat: Chat, *names: str) -> str:
    await chat.press("Rinnova")
    for name in names:
        await chat.press(f"☐ {name}")
    return await chat.press("Continua")


async def test_the_order_summary_asks_before_switching_automatic_renewal_on(
        demo: Sportello) -> None:
    days = demo.settings.tacit_payment_days
    chat = await mario(demo)
    chat.accept_terms = False
    await summary_of(chat, "mariorossi.it")
    await chat.press("Accetto le condizioni generali")  # ticked before: stays ticked
    await chat.press("2 anni")
    before = await snapshot(demo)
    asked = await chat.press("Rinnovo automatico: no")
    assert asked == (
        "Vuoi attivare il rinnovo automatico di mariorossi.it?\n"
        "Alla scadenza, l'11 dicembre 2028, lo rinnoveremo senza chiederti altro "
        f"(€ 19,80 ogni 2 anni + IVA) e ti invieremo la fattura, da pagare a vista entro {days} "
        "giorni.\n"
        "Se la fattura non viene pagata entro quel termine, il servizio viene sospeso.\n"
        "Puoi tornare al rinnovo su richiesta in qualsiasi momento prima della scadenza.\n"
        "Il rinnovo automatico si attiva con il pagamento di questo ordine; fino ad allora non "
        "cambia nulla.")
    assert chat.labels == [CONFIRM, KEEP_OFF]
    assert await snapshot(demo) == before

    summary = await chat.press(CONFIRM)
    assert "• mariorossi.it: durata 2 anni, rinnovo automatico sì, ogni 2 anni" in summary
    assert "✅ Condizioni generali di contratto accettate" in summary
    assert "Rinnovo automatico: sì" in chat.labels and "2 anni ✓" in chat.labels
    assert await snapshot(demo) == before  # still only a choice in the summary

    await chat.press("Carta di credito")
    await chat.press("Procedi al pagamento")
    assert "Pagamento riuscito" in await chat.say("4242 4242 4242 4242")
    order = await only_order(demo)
    assert order.lines[0].detail["auto_renew"] is True
    assert order.lines[0].detail["months"] == 24
    domain = await service(demo, "mariorossi.it")
    assert (domain.renewal_mode, domain.renewal_months, domain.expires_on) == (
        "automatico", 24, date(2028, 12, 11))


async def test_keeping_it_off_goes_back_to_the_summary_unchanged(demo: Sportello) -> None:
    chat = await mario(demo)
    await summary_of(chat, "mariorossi.it")
    await chat.press("Rinnovo automatico: no")
    summary = await chat.press(KEEP_OFF)
    assert summary.startswith("Ecco il riepilogo del rinnovo:")
    assert "• mariorossi.it: durata 1 anno, rinnovo automatico no" in summary
    assert "Rinnovo automatico: no" in chat.labels
    await chat.press("Bonifico bancario")
    await chat.press("Procedi al pagamento")
    order = await only_order(demo)
    assert order.lines[0].detail["auto_renew"] is False
    assert (await service(demo, "mariorossi.it")).renewal_mode == "su_richiesta"


async def test_switching_it_off_needs_no_confirmation(demo: Sportello) -> None:
    chat = await mario(demo)
    await summary_of(chat, "mariorossi.it")
    await chat.press("Rinnovo automatico: no")
    await chat.press(CONFIRM)
    summary = await chat.press("Rinnovo automatico: sì")
    assert summary.startswith("Ecco il riepilogo del rinnovo:")
    assert "• mariorossi.it: durata 1 anno, rinnovo automatico no" in summary
    assert "Rinnovo automatico: no" in chat.labels


async def test_a_repeated_or_old_answer_changes_nothing(demo: Sportello) -> None:
    chat = await mario(demo)
    await summary_of(chat, "mariorossi.it")
    await chat.press("Rinnovo automatico: no")
    confirm, keep_off = chat.payload(CONFIRM), chat.payload(KEEP_OFF)
    await chat.press(KEEP_OFF)
    before = await snapshot(demo)
    # «Attiva» from the question already answered «no»: refused, the choice stays off.
    assert "Questa azione non è più valida" in await tap(chat, confirm)
    assert await snapshot(demo) == before
    await summary_of(chat, "mariorossi.it")
    assert "rinnovo automatico no" in chat.text

    await chat.press("Rinnovo automatico: no")
    await chat.press(CONFIRM)
    assert "Rinnovo automatico: sì" in chat.labels
    assert "Questa azione non è più valida" in await tap(chat, keep_off)  # an old question
    assert await snapshot(demo) == before
    # Nothing was ordered by any of it; the service keeps its mode.
    assert (await service(demo, "mariorossi.it")).renewal_mode == "su_richiesta"


async def test_several_services_the_question_names_the_one(demo: Sportello) -> None:
    chat = await mario(demo)
    await summary_of(chat, "mario.rossi@pec.it", "mariorossi.it")
    asked = await chat.press("Rinnovo automatico mariorossi.it: no")
    assert asked.startswith("Vuoi attivare il rinnovo automatico di mariorossi.it?\n"
                            "Alla scadenza, l'11 dicembre 2027,")
    summary = await chat.press(CONFIRM)
    assert "• mariorossi.it: durata 1 anno, rinnovo automatico sì, ogni 1 anno" in summary
    assert "• mario.rossi@pec.it: durata 1 anno, rinnovo automatico no" in summary


async def test_the_question_states_the_configured_payment_days(demo: Sportello) -> None:
    demo.settings = demo.settings.model_copy(update={"tacit_payment_days": 1})
    chat = await mario(demo)
    await summary_of(chat, "mariorossi.it")
    assert "da pagare a vista entro un giorno." in await chat.press("Rinnovo automatico: no")
