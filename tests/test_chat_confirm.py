"""What a choice commits the customer to, said before it is made, and pickers that keep
the conversation where it is (issue 15, through the terminal chat with the demo data;
today is 21 November 2026)."""

from __future__ import annotations

from sqlalchemy import select

from core.app import Sportello
from core.models import Service
from tests.chat_helpers import Chat


async def mario(app: Sportello) -> Chat:
    return await Chat.open(app, (await app.customer_by_code("C001")).id)


async def mode_of(app: Sportello, name: str) -> str:
    async with app.sessions() as session:
        return (await session.execute(select(Service.renewal_mode).where(
            Service.name == name))).scalar_one()


async def status_of(app: Sportello, name: str) -> str:
    async with app.sessions() as session:
        return (await session.execute(select(Service.status).where(
            Service.name == name))).scalar_one()


# --- «Automatico» is confirmed, «Su richiesta» is one tap ---------------------------------


async def test_automatic_renewal_is_explained_and_confirmed_first(demo: Sportello) -> None:
    days = demo.settings.tacit_payment_days
    chat = await mario(demo)
    await chat.press("I miei prodotti")
    await chat.press("mariorossi.it")
    asked = await chat.press("Passa al rinnovo automatico")
    assert asked == (
        "Vuoi attivare il rinnovo automatico di mariorossi.it?\n"
        "Alla scadenza, l'11 dicembre 2026, lo rinnoveremo senza chiederti altro "
        f"(€ 9,90/anno + IVA) e ti invieremo la fattura, da pagare a vista entro {days} "
        "giorni.\n"
        "Se la fattura non viene pagata entro quel termine, il servizio viene sospeso.\n"
        "Puoi tornare al rinnovo su richiesta in qualsiasi momento prima della scadenza.")
    assert chat.labels == ["Attiva il rinnovo automatico", "Annulla"]
    assert await mode_of(demo, "mariorossi.it") == "su_richiesta"  # nothing yet

    assert await chat.press("Annulla") == "Operazione annullata: non è stato modificato nulla."
    assert await mode_of(demo, "mariorossi.it") == "su_richiesta"

    await chat.press("I miei prodotti")
    await chat.press("mariorossi.it")
    await chat.press("Passa al rinnovo automatico")
    done = await chat.press("Attiva il rinnovo automatico")
    assert done.startswith("Il rinnovo di mariorossi.it ora è automatico.")
    assert await mode_of(demo, "mariorossi.it") == "automatico"

    # Back to «Su richiesta»: one tap, nothing to confirm.
    await chat.press("I miei prodotti")
    await chat.press("mariorossi.it")
    back = await chat.press("Passa al rinnovo su richiesta")
    assert back.startswith("Il rinnovo di mariorossi.it ora è su richiesta.")
    assert await mode_of(demo, "mariorossi.it") == "su_richiesta"


async def test_the_confirmation_states_the_configured_payment_days(demo: Sportello) -> None:
    demo.settings = demo.settings.model_copy(update={"tacit_payment_days": 1})
    chat = await mario(demo)
    await chat.press("I miei prodotti")
    await chat.press("mariorossi.it")
    assert "da pagare a vista entro un giorno." in await chat.press(
        "Passa al rinnovo automatico")


async def test_an_old_confirmation_button_changes_nothing(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.press("I miei prodotti")
    await chat.press("mariorossi.it")
    await chat.press("Passa al rinnovo automatico")
    stale = chat.payload("Attiva il rinnovo automatico")
    await chat.command("menu")
    await chat.type(stale)
    assert await mode_of(demo, "mariorossi.it") == "su_richiesta"


# --- the cancellation warning says what is deleted, before the name is typed --------------


async def test_cancelling_a_domain_says_it_becomes_free_for_anyone(demo: Sportello) -> None:
    days = demo.settings.recovery_days
    chat = await mario(demo)
    await chat.press("Non rinnovare")
    warning = await chat.press("mariorossi.it")
    assert warning.startswith("Se non rinnovi mariorossi.it:\n"
                              "• resta attivo fino alla scadenza, l'11 dicembre 2026;\n")
    assert ("il dominio smette di funzionare, e con lui il sito e le caselle email che lo "
            "usano") in warning
    assert (f"• per {days} giorni dopo la scadenza, fino al 21 dicembre 2026, puoi ancora "
            "recuperarlo con «Recupera prodotto»;") in warning
    assert ("• poi il dominio viene cancellato e torna libero: chiunque potrà registrarlo al "
            "posto tuo.") in warning
    assert warning.endswith("Perché vuoi disdirlo? Scegli un motivo o scrivilo.")
    name_asked = await chat.press("Non mi serve più")
    assert "nome e cognome" in name_asked and "cancellat" not in name_asked


async def test_cancelling_a_hosting_or_a_pec_says_what_is_deleted(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.press("Non rinnovare")
    hosting = await chat.press("www.mariorossi.it")
    assert "il sito e le caselle email smettono di funzionare" in hosting
    assert ("• poi vengono cancellati definitivamente il sito (tutti i file), i database e le "
            "caselle email con i messaggi che contengono.") in hosting
    assert "salva una copia di tutto ciò che vuoi conservare" in hosting
    assert "registrarlo" not in hosting
    await chat.command("annulla")
    await chat.press("Non rinnovare")
    pec = await chat.press("mario.rossi@pec.it")
    assert ("la casella PEC viene cancellata definitivamente, con tutti i messaggi e le "
            "ricevute che contiene") in pec


async def test_cancelling_a_server_and_no_recovery_window(demo: Sportello) -> None:
    demo.settings = demo.settings.model_copy(update={"recovery_days": 0})
    chat = await Chat.open(demo, (await demo.customer_by_code("C002")).id)
    await chat.press("Non rinnovare")
    vps = await chat.press("vps-bianchi-01")
    assert "il server viene cancellato definitivamente, con tutti i dati" in vps
    assert "• dopo la scadenza non sarà più possibile recuperarlo;" in vps
    assert "0 giorni" not in vps


# --- /start greets, /menu does not repeat the introduction ---------------------------------


async def test_only_start_introduces_the_bot(demo: Sportello) -> None:
    chat = await mario(demo)
    assert chat.text == "Ciao Mario! Sono Sportello, l'assistente clienti. Cosa vuoi fare?"
    menu = await chat.command("menu")
    assert menu == "Cosa vuoi fare?" and "Sportello" not in menu
    assert chat.labels[0] == "I miei prodotti"
    assert await chat.say("buongiorno") == "Ciao Mario! Cosa vuoi fare?"
    assert chat.labels[0] == "I miei prodotti"
    assert (await chat.command("start")).startswith("Ciao Mario! Sono Sportello")


# --- a service's name typed at a picker picks it -----------------------------------------


async def test_a_name_typed_at_the_cancel_picker_goes_on_with_the_cancellation(
    demo: Sportello,
) -> None:
    chat = await mario(demo)
    await chat.press("Non rinnovare")
    warning = await chat.say("mariorossi.it")
    assert warning.startswith("Se non rinnovi mariorossi.it:")
    assert "Costo troppo alto" in chat.labels  # the flow goes on: the reason is asked
    await chat.press("Costo troppo alto")
    await chat.say("Mario Rossi")
    await chat.press("Ok")
    assert await status_of(demo, "mariorossi.it") == "disdetto"


async def test_other_text_at_a_picker_keeps_it_with_a_hint(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.press("Non rinnovare")
    shown = chat.labels
    hint = await chat.say("boh, quello che scade prima")
    assert hint == ("Non trovo tra i servizi qui sotto quello che hai scritto. Tocca un "
                    "pulsante oppure scrivi il nome del servizio, per esempio "
                    "mario.rossi@pec.it. Per uscire scrivi /annulla.\n"
                    "Quale servizio non vuoi rinnovare?")
    assert chat.labels == shown
    assert (await chat.say("la pec")).startswith("Se non rinnovi mario.rossi@pec.it:")


async def test_a_name_typed_at_the_other_pickers(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.press("Upgrade / cambio piano")
    options = await chat.say("www.mariorossi.it")
    assert options.startswith("Verso quale tipo di servizio vuoi passare con "
                              "www.mariorossi.it")

    await chat.command("menu")
    await chat.press("Recupera prodotto")
    asked = await chat.say("rossipizzeria")
    assert asked == "Vuoi recuperare rossipizzeria.it?"  # typed text asks for a tap first
    assert await status_of(demo, "rossipizzeria.it") == "scaduto"
    assert "Recupera prodotto" in chat.labels

    await chat.command("menu")
    await chat.press("Rinnova")
    ticked = await chat.say("la pec")
    assert ticked.startswith("Ho selezionato mario.rossi@pec.it.\nQuali servizi vuoi rinnovare?")
    assert any(label.startswith("☑ mario.rossi@pec.it") for label in chat.labels)
    review = await chat.press("Continua")
    assert "mario.rossi@pec.it" in review and "Imponibile" in review


async def test_a_clear_request_at_a_picker_still_goes_where_it_asks(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.press("Recupera prodotto")
    assert "Se non rinnovi mario.rossi@pec.it" in await chat.say(
        "non voglio rinnovare la pec")


# --- «Continua» with nothing ticked keeps the picker --------------------------------------


async def test_continue_with_nothing_ticked_keeps_the_picker(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.press("Rinnova")
    shown = chat.labels
    await chat.press("Continua")
    assert len(chat.replies) == 1  # one message: the pressed picker is replaced by it
    assert chat.text == ("Seleziona almeno un servizio.\n"
                         "Quali servizi vuoi rinnovare? Tocca per selezionare, poi «Continua».")
    assert chat.labels == shown
    await chat.press("☐ mariorossi.it")
    assert "mariorossi.it" in await chat.press("Continua")


# --- a domain is never offered another category's plan -----------------------------------


async def test_the_demo_never_offers_a_domain_a_plan_of_another_category(
    demo: Sportello,
) -> None:
    """Changes stay within a category; the one exception in the demo is seed 001's
    hosting dropped to the domain alone (a downgrade, never an «upgrade» of a domain)."""
    for code in ("C001", "C002", "C003"):
        customer = await demo.customer_by_code(code)
        for view in await demo.list_services(customer.id):
            if "change_plan" not in view.actions or view.category == "custom":
                continue
            offered = {p.category for p in await demo.change_options(customer.id, view.id)}
            allowed = {view.category, "dominio"} if view.category == "hosting" \
                else {view.category}
            assert offered <= allowed, (view.name, offered)

    chat = await mario(demo)
    await chat.press("Upgrade / cambio piano")
    assert not any(label.startswith("mariorossi.it") for label in chat.labels)  # no targets
    text = await chat.say("mariorossi.it")
    assert "Hosting" not in text and not any("Hosting" in label for label in chat.labels)
