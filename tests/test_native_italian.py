"""Italian a native would write (issue 15): plurals that agree, one form for the first of
the month, no stale reminder and no negative count, natural sentences and unambiguous
buttons, through the chat where a customer reads them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.app import Sportello
from core.models import Notice, Order
from handlers.desk import Desk
from handlers.i18n import day, days_list, t
from tests.chat_helpers import Chat
from tests.helpers import customer_id, seed, svc
from tests.test_desk import MemoryChats, MemoryRoom


async def mario(app: Sportello) -> Chat:
    return await Chat.open(app, await customer_id(app, "C001"))


# --- 1. lists of days: one noun, plural --------------------------------------------------


def test_a_list_of_days_takes_one_plural_noun() -> None:
    assert days_list((30, 7, 1)) == "30, 7 e 1 giorni"
    assert days_list((7, 1)) == "7 e 1 giorni"
    assert days_list((1,)) == "1 giorno"
    assert days_list((7,)) == "7 giorni"
    explained = t("mode-explain-su_richiesta", count=3, reminders=days_list((30, 7, 1)))
    assert explained.endswith("ti ricorderemo la scadenza 30, 7 e 1 giorni prima.")
    assert "1 giorno prima" not in explained


async def test_switching_renewal_mode_reads_naturally(demo: Sportello) -> None:
    chat = await mario(demo)
    listing = await chat.press("I miei prodotti")
    assert "Rinnovo su richiesta · In scadenza" in listing
    assert "Rinnovo Su richiesta" not in listing
    await chat.press("mariorossi.it")
    assert "Passa al rinnovo automatico" in chat.labels
    await chat.press("Passa al rinnovo automatico")  # explained first (test_chat_confirm)
    automatic = await chat.press("Attiva il rinnovo automatico")
    assert automatic.startswith("Il rinnovo di mariorossi.it ora è automatico.")
    await chat.press("I miei prodotti")
    assert "Rinnovo automatico · In scadenza" in chat.text
    await chat.press("mariorossi.it")
    manual = await chat.press("Passa al rinnovo su richiesta")
    assert manual.startswith("Il rinnovo di mariorossi.it ora è su richiesta.\n")
    assert manual.endswith("ti ricorderemo la scadenza 30, 7 e 1 giorni prima.")
    for wrong in ("impostato su", "Su richiesta", "passa a Su", "passa ad Automatico",
                  "1 giorno prima"):
        assert wrong not in automatic + manual


# --- 2. «scaduto oggi», «scaduto ieri» -----------------------------------------------------


async def test_expired_today_and_yesterday(app: Sportello, clock) -> None:
    await seed(app, [svc("oggi.it", "DOM", date(2026, 11, 21), status="scaduto"),
                     svc("ieri.it", "DOM", date(2026, 11, 20), status="scaduto")])
    chat = await mario(app)
    await chat.press("I miei prodotti")
    assert (await chat.press("oggi.it")).endswith(
        "Scaduto oggi: recuperabile senza costi aggiuntivi fino al 1° dicembre 2026.")
    await chat.press("I miei prodotti")
    assert "Scaduto ieri: recuperabile" in await chat.press("ieri.it")
    await chat.command("menu")
    await chat.press("Recupera prodotto")
    today = await chat.press("oggi.it")
    assert today.startswith("oggi.it è scaduto oggi: puoi recuperarlo senza costi aggiuntivi")
    await chat.command("menu")
    await chat.press("Recupera prodotto")
    assert (await chat.press("ieri.it")).startswith("ieri.it è scaduto ieri: puoi recuperarlo")
    assert "scaduto da oggi" not in chat.text and "da un giorno" not in chat.text


# --- 3. counts with a noun in the command line ------------------------------------------


def test_command_line_counts_agree_with_their_nouns() -> None:
    one = t("cli-import-ok", plans=1, customers=1, services=1, summary="3 nuovi")
    assert one == "Importazione riuscita: 1 piano, 1 cliente e 1 servizio (3 nuovi)."
    many = t("cli-import-ok", plans=2, customers=3, services=4, summary="9 nuovi")
    assert many == "Importazione riuscita: 2 piani, 3 clienti e 4 servizi (9 nuovi)."
    assert t("cli-demo-loaded", plans=1, customers=1, services=1) == (
        "Dati dimostrativi caricati: 1 piano, 1 cliente e 1 servizio.")
    assert t("cli-import-failed", count=1).endswith("Un problema:")
    assert t("cli-import-failed", count=3).endswith("3 problemi:")
    assert t("cli-lifecycle-more", count=1) == "… e un altro avviso, in coda per l'invio."
    assert t("cli-unlink-done", count=1, customer="C001") == "Scollegata 1 chat di C001."
    assert t("cli-unlink-done", count=0, customer="C001") == (
        "Nessuna chat da scollegare per C001.")
    assert t("quote-upgrade-free", days=1).startswith(
        "Upgrade fino alla scadenza: gratuito (meno di un giorno")


# --- 4. no stale reminder, no negative count ----------------------------------------------


def test_no_count_is_ever_printed_negative() -> None:
    reminder = t("notice-text-reminder", name="x.it", days=-1, expiry=date(2026, 11, 20))
    assert "-1" not in reminder and reminder.startswith("x.it scade oggi")
    assert t("product-detail-days-left", days=-3) == "Scade oggi."
    assert "-" not in t("mail-reminder-subject", service="x", days=-2)
    assert "-" not in t("days-list", days="1", plural=-1)


async def test_a_reminder_delivered_late_is_dropped(demo: Sportello, clock) -> None:
    """Reminders made on 21 November, delivered on 28 November: the PEC expired on the
    27th (its reminder is dropped, never «scade tra -1 giorni»); the domain's reminder
    says the days left on the day it is delivered."""
    await demo.run_lifecycle()
    chat = await mario(demo)
    clock.day = date(2026, 11, 28)
    chats = MemoryChats()
    desk = Desk(demo, chat.engine, MemoryRoom(), chats)
    await desk.send_notices()
    said = "\n".join(text for _, text in chats.delivered)
    assert "mario.rossi@pec.it" not in said and "-1" not in said
    assert "mariorossi.it scade tra 13 giorni, l'11 dicembre 2026." in said
    async with demo.sessions() as session:
        unsent = (await session.execute(select(Notice).where(Notice.sent_at.is_(None)))).all()
    assert unsent == []  # the stale one is done with, not retried
    assert await desk.send_notices() == 0


async def test_a_reminder_for_a_renewed_service_is_dropped(demo: Sportello) -> None:
    await demo.run_lifecycle()
    chat = await mario(demo)
    await chat.say("vorrei rinnovare mariorossi.it")
    await chat.press("Carta di credito")
    await chat.press("Procedi al pagamento")
    assert "Pagamento riuscito" in await chat.say("4242 4242 4242 4242")
    chats = MemoryChats()
    await Desk(demo, chat.engine, MemoryRoom(), chats).send_notices()
    said = "\n".join(text for _, text in chats.delivered)
    assert "mariorossi.it scade" not in said
    assert "mario.rossi@pec.it scade tra 6 giorni, il 27 novembre 2026." in said
    # The dropped reminder left the chat as it was: its buttons still work.
    assert "Pagamento riuscito" in chat.text


# --- 5. one form for the first of the month ------------------------------------------------


def test_the_first_of_the_month_is_always_1st() -> None:
    assert day(date(2028, 3, 1)) == "1° marzo 2028"
    assert day(date(2028, 3, 21)) == "21 marzo 2028"
    assert t("quote-new-expiry", date=date(2028, 3, 1)) == "Nuova scadenza: 1° marzo 2028"
    assert t("quote-expiry-unchanged", date=date(2027, 3, 1)) == (
        "La scadenza resta il 1° marzo 2027.")
    assert t("pay-renewed", name="x", until=date(2027, 8, 1)) == (
        "• x rinnovato fino al 1° agosto 2027")
    assert t("pay-renewed", name="x", until=date(2027, 8, 11)) == (
        "• x rinnovato fino all'11 agosto 2027")


# --- 6. plan change by transfer, cancel buttons, paid labels, + IVA ---------------------------


async def test_plan_change_by_transfer_and_keeping_the_order(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.press("Upgrade / cambio piano")
    await chat.press("www.mariorossi.it")
    await chat.press("Hosting")
    await chat.press("Hosting Pro")
    await chat.press("Bonifico bancario")
    done = await chat.press("Procedi al pagamento")
    assert ("Ordine SPT-000001 registrato, in attesa di pagamento (€ 109,80). Il cambio di "
            "piano sarà confermato quando registreremo il pagamento.") in done
    assert "rinnovato" not in done
    await chat.press("Ordini e fatture")
    await chat.press("Paga SPT-000001")
    ask = await chat.press("Annulla SPT-000001")
    assert ask == "Vuoi annullare l'ordine SPT-000001 (€ 109,80)? Il piano non cambierà."
    assert chat.labels == ["Sì, annulla l'ordine", "No, tienilo"]
    kept = await chat.press("No, tienilo")
    assert ("SPT-000001 · 21 novembre 2026 · Cambio piano · € 109,80 · "
            "In attesa di pagamento") in kept
    async with demo.sessions() as session:
        assert (await session.execute(select(Order.status))).scalar_one() == "pending"


async def test_renewal_texts_agree_with_how_many_services(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.press("Rinnova")
    assert all(label.endswith("+ IVA") for label in chat.labels if "€" in label)
    await chat.press("☐ mario.rossi@pec.it")
    await chat.press("☐ mariorossi.it")
    await chat.press("Continua")
    await chat.press("Bonifico bancario")
    done = await chat.press("Procedi al pagamento")
    assert "I servizi saranno rinnovati quando registreremo il pagamento." in done
    await chat.press("Ordini e fatture")
    await chat.press("Paga SPT-000001")
    ask = await chat.press("Annulla SPT-000001")
    assert ask.endswith("I servizi non saranno rinnovati.")


async def test_paid_labels_are_capitalised_alike(demo: Sportello) -> None:
    chat = await mario(demo)
    await chat.say("vorrei rinnovare mariorossi.it")
    await chat.press("Carta di credito")
    await chat.press("Procedi al pagamento")
    await chat.say("4242 4242 4242 4242")
    await chat.command("menu")
    orders = await chat.press("Ordini e fatture")
    assert "· € 12,08 · Pagato\n" in orders and "· Totale € 12,08 · Pagata" in orders
    assert "· pagata" not in orders
