"""The order step through the chat (seed 002 «Riepilogo Ordine»; seed 004 «Declassamento»):
the general conditions accepted before paying and stored on the order, the Durata of a
renewal, the automatic renewal and its frequency, and «Rinnova ora» while a downgrade is
scheduled for the period end."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from core.app import Sportello
from core.clock import FixedClock
from core.models import AuditEntry, Order, Service
from handlers.ui import Incoming
from tests.chat_helpers import Chat
from tests.helpers import customer_id, seed, svc

D = Decimal
ACCEPT = "Accetto le condizioni generali"


async def row(app: Sportello, model: type, **where: object) -> object:
    async with app.sessions() as session:
        query = select(model).filter_by(**where)
        return (await session.execute(query)).scalar_one()


async def orders(app: Sportello) -> list[Order]:
    async with app.sessions() as session:
        return list((await session.execute(select(Order).order_by(Order.id))).scalars())


async def chat_for(app: Sportello, accept: bool = True) -> Chat:
    chat = await Chat.open(app, await customer_id(app, "C001"))
    chat.accept_terms = accept
    return chat


async def renew_now(chat: Chat, name: str) -> str:
    await chat.press("I miei prodotti")
    await chat.press(name)
    return await chat.press("Rinnova ora")


# --- the general conditions --------------------------------------------------------------


async def test_no_order_without_the_conditions_accepted_and_acceptance_is_stored(
        app: Sportello, clock: FixedClock) -> None:
    await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    chat = await chat_for(app, accept=False)
    summary = await renew_now(chat, "mariorossi.it")
    assert ("Per confermare l'ordine devi accettare le condizioni generali di contratto "
            "(versione 2026-01): https://sportello.example/condizioni-generali") in summary
    assert ACCEPT in chat.labels and "Procedi al pagamento" not in chat.labels
    chosen = await chat.press("Bonifico bancario")
    assert chosen.startswith("Metodo scelto: Bonifico bancario. Prima di procedere accetta")
    assert "Procedi al pagamento" not in chat.labels and ACCEPT in chat.labels
    assert await orders(app) == []
    before = clock.now()
    accepted = await chat.press(ACCEPT)
    assert "Condizioni generali di contratto accettate (versione 2026-01)" in accepted
    assert chat.labels[0] == "Procedi al pagamento"
    assert "SPT-000001" in await chat.press("Procedi al pagamento")
    [order] = await orders(app)
    assert order.terms_version == "2026-01"
    assert order.terms_accepted_at is not None and order.terms_accepted_at >= before
    assert order.placed_by == f"customer:{await customer_id(app, 'C001')}"
    audit = await row(app, AuditEntry, entity="order", entity_id=order.id, action="created")
    assert audit.detail["terms_version"] == "2026-01"  # type: ignore[attr-defined]


async def test_the_conditions_can_be_accepted_on_the_summary_first(app: Sportello) -> None:
    await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    chat = await chat_for(app, accept=False)
    await renew_now(chat, "mariorossi.it")
    summary = await chat.press(ACCEPT)
    assert "Totale: € 12,08" in summary and "accettate (versione 2026-01)" in summary
    assert ACCEPT not in chat.labels and "Procedi al pagamento" not in chat.labels
    await chat.press("Bonifico bancario")
    assert chat.labels[0] == "Procedi al pagamento"  # method chosen and conditions accepted


async def test_a_stale_or_forged_accept_tap_changes_nothing(app: Sportello) -> None:
    await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    chat = await chat_for(app, accept=False)
    await renew_now(chat, "mariorossi.it")
    old_accept = chat.payload(ACCEPT)
    await chat.press("2 anni")  # a new summary: the old screen's buttons are gone
    await chat.send(Incoming(chat.chat_id, payload=old_accept, update_id="stale-accept"))
    assert chat.text.startswith("Questa azione non è più valida: nulla è stato modificato.")
    await chat.send(Incoming(chat.chat_id, payload="forged-token", update_id="forged"))
    assert chat.text.startswith("Questa azione non è più valida: nulla è stato modificato.")
    # Back to a summary: nothing was accepted by either tap.
    await renew_now(chat, "mariorossi.it")
    assert ACCEPT in chat.labels
    await chat.press("Bonifico bancario")
    assert "Procedi al pagamento" not in chat.labels
    assert await orders(app) == []


async def test_conditions_of_an_older_version_are_asked_again(app: Sportello) -> None:
    await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    chat = await chat_for(app, accept=False)
    await renew_now(chat, "mariorossi.it")
    await chat.press("Bonifico bancario")
    await chat.press(ACCEPT)
    app.settings = app.settings.model_copy(update={"terms_version": "2027-01"})
    again = await chat.press("Procedi al pagamento")
    assert "(versione 2027-01)" in again and ACCEPT in chat.labels
    assert await orders(app) == []
    await chat.press(ACCEPT)
    await chat.press("Procedi al pagamento")
    [order] = await orders(app)
    assert order.terms_version == "2027-01"


async def test_support_orders_record_support_and_no_acceptance(app: Sportello) -> None:
    await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    target = await app.staff_target(customer_code="C001", service_name="mariorossi.it")
    result = await app.staff_renew(target, "anna")
    assert result.outcome == "order_sent"
    [order] = await orders(app)
    assert order.placed_by == "support:anna" and order.terms_version is None
    assert order.terms_accepted_at is None


# --- Durata ------------------------------------------------------------------------------


async def test_a_domain_renewed_for_three_years(app: Sportello) -> None:
    ids = await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    chat = await chat_for(app)
    summary = await renew_now(chat, "mariorossi.it")
    assert "durata 1 anno, rinnovo automatico no" in summary
    assert chat.labels[:5] == ["1 anno ✓", "2 anni", "3 anni", "4 anni", "5 anni"]
    summary = await chat.press("3 anni")
    assert ("• mariorossi.it: € 29,70 + IVA, dall'11 dicembre 2026 all'11 dicembre 2029"
            in summary)
    assert "Totale: € 36,23" in summary and "durata 3 anni" in summary
    assert "3 anni ✓" in chat.labels
    await chat.press("Carta di credito")
    await chat.press("Procedi al pagamento")
    assert "Pagamento riuscito: € 36,23" in await chat.say("4242 4242 4242 4242")
    service = await row(app, Service, id=ids["mariorossi.it"])
    assert service.expires_on == date(2029, 12, 11)  # type: ignore[attr-defined]
    assert service.paid_for_period == D("29.70")  # type: ignore[attr-defined]
    [order] = await orders(app)
    assert order.lines[0].detail["months"] == 36


async def test_a_monthly_plan_renewed_for_six_months(app: Sportello) -> None:
    ids = await seed(app, [svc("cloud", "C29", date(2026, 11, 30))])
    chat = await chat_for(app)
    await renew_now(chat, "cloud")
    assert chat.labels[:4] == ["1 mese ✓", "3 mesi", "6 mesi", "1 anno"]
    summary = await chat.press("6 mesi")
    assert "• cloud: € 174,00 + IVA, dal 30 novembre 2026 al 30 maggio 2027" in summary
    await chat.press("Bonifico bancario")
    await chat.press("Procedi al pagamento")
    [order] = await orders(app)
    assert order.total == D("212.28")
    await app.register_payment(order.reference, D("212.28"), "anna", bank_ref="CRO-1")
    service = await row(app, Service, id=ids["cloud"])
    assert service.expires_on == date(2027, 5, 30)  # type: ignore[attr-defined]
    assert service.renewal_mode == "su_richiesta"  # type: ignore[attr-defined]


async def test_plan_durations_from_the_catalogue(app: Sportello) -> None:
    from core.importer import apply, parse_data

    await seed(app, [svc("www.mariorossi.it", "H60", date(2026, 12, 11))])
    raw = {"plans": [{"code": "H60", "name": "Hosting Start", "category": "hosting",
                      "price": "60.00", "durations": [24, 12, 12]}]}
    async with app.sessions() as session, session.begin():
        await apply(session, parse_data(raw, "test"))
    chat = await chat_for(app)
    await renew_now(chat, "www.mariorossi.it")
    assert chat.labels[:2] == ["1 anno ✓", "2 anni"]
    assert "€ 120,00 + IVA" in await chat.press("2 anni")


# --- automatic renewal -------------------------------------------------------------------


async def test_automatic_renewal_chosen_with_its_frequency(
        app: Sportello, clock: FixedClock) -> None:
    ids = await seed(app, [svc("cloud", "C29", date(2026, 11, 30))])
    chat = await chat_for(app)
    await renew_now(chat, "cloud")
    await chat.press("3 mesi")
    await chat.press("Rinnovo automatico: no")  # asked first (tests/test_chat_edges.py)
    summary = await chat.press("Attiva il rinnovo automatico")
    assert "durata 3 mesi, rinnovo automatico sì, ogni 3 mesi" in summary
    assert "Rinnovo automatico: sì" in chat.labels
    await chat.press("Carta di credito")
    await chat.press("Procedi al pagamento")
    assert "Pagamento riuscito: € 106,14" in await chat.say("4242 4242 4242 4242")
    service = await row(app, Service, id=ids["cloud"])
    assert (service.renewal_mode, service.renewal_months,  # type: ignore[attr-defined]
            service.expires_on) == ("automatico", 3, date(2027, 2, 28))  # type: ignore[attr-defined]
    audit = await row(app, AuditEntry, entity="service", entity_id=ids["cloud"],
                      action="renewal_mode")
    assert audit.detail["new"] == "automatico" and audit.detail["months"] == 3  # type: ignore[attr-defined]
    # The sweep's automatic renewal at expiry buys the same three months.
    result = await app.run_lifecycle(date(2027, 2, 28))
    assert result.counts["renewed_on_sight"] == 1
    tacit = (await orders(app))[-1]
    assert tacit.kind == "tacit" and tacit.subtotal == D("87.00")
    service = await row(app, Service, id=ids["cloud"])
    assert service.expires_on == date(2027, 5, 28)  # type: ignore[attr-defined]
    assert service.paid_for_period == D("87.00")  # type: ignore[attr-defined]


async def test_an_automatic_service_renewed_without_it_goes_back_to_on_request(
        app: Sportello) -> None:
    ids = await seed(app, [svc("vps", "V50", date(2026, 12, 11), renewal="automatico")])
    chat = await chat_for(app)
    summary = await renew_now(chat, "vps")
    assert "rinnovo automatico sì, ogni 1 anno" in summary  # the service's mode by default
    await chat.press("Rinnovo automatico: sì")
    await chat.press("Carta di credito")
    await chat.press("Procedi al pagamento")
    await chat.say("4242 4242 4242 4242")
    service = await row(app, Service, id=ids["vps"])
    assert service.renewal_mode == "su_richiesta"  # type: ignore[attr-defined]


# --- early renewal with a downgrade scheduled (seed 004) ------------------------------------


async def scheduled_downgrade(app: Sportello, clock: FixedClock) -> tuple[int, Chat]:
    app.settings = app.settings.model_copy(update={"policy": "mese-intero"})
    ids = await seed(app, [svc("cloud", "C99", date(2026, 12, 1),
                               period_start=date(2026, 11, 1))])
    chat = await chat_for(app)
    await chat.press("Upgrade / cambio piano")
    await chat.press("cloud")
    await chat.press("Cloud 29")
    await chat.press("Conferma")  # free: the change is scheduled for the period end
    service = await row(app, Service, id=ids["cloud"])
    assert service.pending_change_on == date(2026, 12, 1)  # type: ignore[attr-defined]
    clock.day = date(2026, 11, 24)  # a week before the change
    return ids["cloud"], chat


async def test_early_renewal_is_priced_on_the_scheduled_plan_which_applies_at_period_end(
        app: Sportello, clock: FixedClock) -> None:
    """Seed 004: the customer stays on the current plan until the end of the period, then
    pays the new, lower rate for the next one; a renewal paid early is that payment."""
    sid, chat = await scheduled_downgrade(app, clock)
    summary = await renew_now(chat, "cloud")
    assert "• cloud: € 29,00 + IVA, dal 1° dicembre 2026 al 1° gennaio 2027" in summary
    assert "Totale: € 35,38" in summary and "€ 120,78" not in summary
    assert "cloud: rinnovo dal 1° dicembre 2026 al piano Cloud 29" in summary
    await chat.press("Carta di credito")
    await chat.press("Procedi al pagamento")
    assert "Pagamento riuscito: € 35,38" in await chat.say("4242 4242 4242 4242")
    service = await row(app, Service, id=sid)
    assert (service.plan.code, service.pending_change_on,  # type: ignore[attr-defined]
            service.expires_on) == ("C99", date(2026, 12, 1), date(2027, 1, 1))  # type: ignore[attr-defined]
    assert service.paid_for_period == D("29.00")  # type: ignore[attr-defined]
    # The sweep makes the change on its day, once; the paid period is untouched.
    result = await app.run_lifecycle(date(2026, 12, 1))
    assert result.counts["plan_changes"] == 1 and result.counts["orders_voided"] == 0
    again = await app.run_lifecycle(date(2026, 12, 1))
    assert again.counts["plan_changes"] == 0
    service = await row(app, Service, id=sid)
    assert (service.plan.code, service.pending_plan_id,  # type: ignore[attr-defined]
            service.expires_on) == ("C29", None, date(2027, 1, 1))  # type: ignore[attr-defined]


async def test_the_sweep_s_change_and_a_late_payment_do_not_void_each_other(
        app: Sportello, clock: FixedClock) -> None:
    sid, chat = await scheduled_downgrade(app, clock)
    await renew_now(chat, "cloud")
    await chat.press("Bonifico bancario")
    await chat.press("Procedi al pagamento")
    order = (await orders(app))[-1]
    assert order.total == D("35.38") and order.status == "pending"
    result = await app.run_lifecycle(date(2026, 12, 1))  # the sweep makes the change first
    assert result.counts["plan_changes"] == 1 and result.counts["orders_voided"] == 0
    clock.day = date(2026, 12, 3)
    registered = await app.register_payment(order.reference, D("35.38"), "anna",
                                            bank_ref="CRO-7")
    assert registered.outcome == "applied"
    service = await row(app, Service, id=sid)
    assert (service.plan.code, service.status,  # type: ignore[attr-defined]
            service.expires_on) == ("C29", "attivo", date(2027, 1, 1))  # type: ignore[attr-defined]


async def test_a_renewal_priced_on_a_change_no_longer_scheduled_is_void(
        app: Sportello, clock: FixedClock) -> None:
    """The scheduled change is dropped meanwhile (the service stays on its plan): the
    renewal priced on the smaller plan no longer fits and cannot be paid."""
    sid, chat = await scheduled_downgrade(app, clock)
    await renew_now(chat, "cloud")
    await chat.press("Bonifico bancario")
    await chat.press("Procedi al pagamento")
    order = (await orders(app))[-1]
    async with app.sessions() as session, session.begin():
        service = await session.get(Service, sid)
        assert service is not None
        service.pending_plan_id = service.pending_change_on = None
    registered = await app.register_payment(order.reference, D("35.38"), "anna",
                                            bank_ref="CRO-8")
    assert registered.outcome == "unapplied" and registered.order.status == "void"


async def test_a_recovery_picks_its_durata_too(app: Sportello, clock: FixedClock) -> None:
    ids = await seed(app, [svc("rossipizzeria.it", "DOM", date(2026, 11, 16),
                               status="scaduto")])
    chat = await chat_for(app)
    await chat.press("Recupera prodotto")
    await chat.press("rossipizzeria.it")
    assert "2 anni" in chat.labels
    summary = await chat.press("2 anni")
    assert "€ 19,80 + IVA, dal 16 novembre 2026 al 16 novembre 2028" in summary
    await chat.press("Carta di credito")
    await chat.press("Procedi al pagamento")
    assert "Pagamento riuscito: € 24,16" in await chat.say("4242 4242 4242 4242")
    service = await row(app, Service, id=ids["rossipizzeria.it"])
    assert (service.status, service.expires_on) == (  # type: ignore[attr-defined]
        "attivo", date(2028, 11, 16))


async def test_support_reads_the_consent_of_each_order_in_the_customer_card(
        app: Sportello, clock: FixedClock, database_url: str) -> None:
    import json

    from tests.cli_run import sportello

    await seed(app, [svc("rossi.it", "DOM", date(2026, 12, 10))])
    chat = await chat_for(app)
    await renew_now(chat, "rossi.it")
    await chat.press("Bonifico bancario")
    await chat.press("Procedi al pagamento")
    card = sportello(["customers", "show", "C001", "--db", database_url,
                      "--today", clock.today().isoformat()])
    assert card.returncode == 0, card.stderr
    [row] = [line for line in card.stdout.splitlines() if line.strip().startswith("SPT-")]
    assert "accettate v. 2026-01, 21 novembre 2026" in row
    data = json.loads(sportello(["customers", "show", "C001", "--json", "--db", database_url,
                                 "--today", clock.today().isoformat()]).stdout)
    assert data["orders"][0]["terms_version"] == "2026-01"
    assert data["orders"][0]["placed_by_support"] is None


async def test_the_core_places_no_customer_order_without_the_conditions_accepted(
        app: Sportello) -> None:
    """Not only the chat: any caller acting for a customer needs the acceptance."""
    import pytest

    from core.errors import NotAllowed

    ids = await seed(app, [svc("rossi.it", "DOM", date(2026, 12, 10))])
    cid = await customer_id(app, "C001")
    quote = await app.quote_renewal(cid, [ids["rossi.it"]])
    for place in (app.checkout, app.place_order):
        with pytest.raises(NotAllowed) as refused:
            await place(cid, quote.id, "bonifico")
        assert refused.value.facts["reason"] == "terms_required"
    assert await orders(app) == []
