"""Money at the edges: stale orders, pending transfers around expiry, money that cannot be
applied, complete tickets. Each case runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.app import Sportello
from core.clock import FixedClock
from core.models import (
    AuditEntry,
    Invoice,
    Notice,
    Order,
    Payment,
    SandboxCharge,
    Service,
    Ticket,
    UnappliedPayment,
)
from core.payments import SUCCESS_TEST_CARD, ChargeResult, SandboxCardGateway
from tests.chat_helpers import Chat
from tests.helpers import ACCEPTED, customer_id, seed, svc

D = Decimal


async def count(app: Sportello, model: type, *where: object) -> int:
    async with app.sessions() as session:
        return (await session.execute(
            select(func.count()).select_from(model).where(*where))).scalar_one()  # type: ignore[arg-type]


async def row(app: Sportello, model: type, ident: int):  # type: ignore[no-untyped-def]
    async with app.sessions() as session:
        return await session.get(model, ident)


async def notice_kinds(app: Sportello) -> list[str]:
    async with app.sessions() as session:
        return list((await session.execute(select(Notice.kind).order_by(Notice.id))).scalars())


# --- §1 a stale order is voided, and no route pays it -----------------------------------


async def upgrade_by_transfer_then_by_card(app: Sportello) -> tuple[Chat, int, int]:
    ids = await seed(app, [svc("mariorossi.it", "H60", date(2027, 6, 8))])
    chat = await Chat.open(app, await customer_id(app, "C001"))
    for _ in range(2):
        await chat.command("menu")
        await chat.press("Upgrade / cambio piano")
        await chat.press("mariorossi.it")
        await chat.press("Hosting Pro")
        if _ == 0:
            await chat.press("Bonifico bancario")
            assert "SPT-000001" in await chat.press("Procedi al pagamento")
        else:
            await chat.press("Carta di credito")
            await chat.press("Procedi al pagamento")
            assert "Hosting Pro" in await chat.say(SUCCESS_TEST_CARD)
    return chat, ids["mariorossi.it"], await customer_id(app, "C001")


async def test_a_paid_change_voids_the_other_pending_order_and_it_cannot_be_paid(
    app: Sportello,
) -> None:
    chat, sid, cid = await upgrade_by_transfer_then_by_card(app)
    first = await row(app, Order, 1)
    assert (first.status, first.void_reason, first.voided_by) == (
        "void", "plan_changed", "SPT-000002")
    async with app.sessions() as session:
        voided = (await session.execute(select(AuditEntry).where(
            AuditEntry.entity == "order", AuditEntry.entity_id == 1,
            AuditEntry.action == "voided"))).scalar_one()
    assert voided.detail == {"by": "SPT-000002"} and voided.reason == "plan_changed"
    # «Ordini e fatture» shows it void, with the reason, and offers no payment for it.
    await chat.command("menu")
    listing = await chat.press("Ordini e fatture")
    assert "SPT-000001" in listing and "Annullato d'ufficio" in listing
    assert "il servizio ha cambiato piano dopo l'ordine" in listing
    assert "Paga SPT-000001" not in chat.labels
    charges = await count(app, SandboxCharge)
    # An old «Paga» button (from the moment it was pending) is refused with the reason.
    refused = await chat.engine.app.pay_order(cid, 1, SUCCESS_TEST_CARD, key="late-tap")
    assert refused.outcome == "void" and refused.order.status == "void"
    assert await count(app, SandboxCharge) == charges
    assert await count(app, Invoice) == 1
    assert (await row(app, Service, sid)).plan.code == "H120"


async def test_the_customer_gets_a_fresh_quote_for_a_void_order(app: Sportello) -> None:
    ids = await seed(app, [svc("mariorossi.it", "H60", date(2027, 6, 8))])
    cid, sid = await customer_id(app, "C001"), ids["mariorossi.it"]
    chat = await Chat.open(app, cid)
    await chat.say("vorrei rinnovare mariorossi.it")
    await chat.press("Bonifico bancario")
    await chat.press("Procedi al pagamento")
    await chat.press("Ordini e fatture")
    assert "Paga SPT-000001" in chat.labels
    # Meanwhile, from another device, the customer upgrades by card: the renewal at the
    # old plan's price no longer fits the service.
    upgrade = await app.checkout(cid, (await app.quote_change(cid, sid, "H120")).id, "carta",
                                 card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    assert upgrade.outcome == "paid"
    refused = await chat.press("Paga SPT-000001")
    assert "L'ordine SPT-000001 è stato annullato d'ufficio" in refused
    assert "il servizio ha cambiato piano" in refused and "Non è stato addebitato" in refused
    fresh = await chat.press("Nuovo preventivo")
    assert "Ecco il preventivo aggiornato" in fresh
    assert "€ 120,00" in fresh  # the renewal of Hosting Pro, the plan it is on now
    assert "Bonifico bancario" in chat.labels


async def test_every_route_refuses_a_void_order(app: Sportello) -> None:
    """Telegram Payments' pre-checkout, a card in chat, a registered transfer: the void
    order is never paid; money that arrives anyway is kept, with a ticket."""
    ids = await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    cid, sid = await customer_id(app, "C001"), ids["mariorossi.it"]
    quote = await app.quote_renewal(cid, [sid])
    pending = await app.checkout(cid, quote.id, "bonifico", terms=ACCEPTED)
    # The service moves on under the order (renewed by another path, e.g. support).
    async with app.sessions() as session, session.begin():
        service = await session.get(Service, sid)
        service.expires_on = date(2027, 12, 11)  # renewed by some other path
    assert await app.order_total(cid, pending.order.id) == ("void", D("12.08"))
    order = await row(app, Order, pending.order.id)
    assert order.void_reason == "period_changed"
    paid = await app.pay_order(cid, pending.order.id, SUCCESS_TEST_CARD)
    assert paid.outcome == "void" and await count(app, SandboxCharge) == 0
    late = await app.register_payment(pending.order.reference, D("12.08"), "anna",
                                      bank_ref="TRN-1")
    assert (late.outcome, late.reason) == ("unapplied", "order_void")
    card = await app.register_card_payment(pending.order.id, D("12.08"), "tg-charge-1", cid)
    assert card.outcome == "unapplied" and card.ticket_id is not None
    assert await count(app, Invoice) == 0
    assert await count(app, Payment, Payment.status == "succeeded") == 0
    assert await count(app, UnappliedPayment) == 2
    assert (await row(app, Service, sid)).expires_on == date(2027, 12, 11)


async def test_registering_a_transfer_for_an_outgrown_order_voids_it_and_keeps_the_money(
    app: Sportello,
) -> None:
    ids = await seed(app, [svc("mariorossi.it", "H60", date(2027, 6, 8))])
    cid, sid = await customer_id(app, "C001"), ids["mariorossi.it"]
    transfer = await app.checkout(cid, (await app.quote_change(cid, sid, "H120")).id,
                                  "bonifico", terms=ACCEPTED)
    by_card = await app.checkout(cid, (await app.quote_change(cid, sid, "H120")).id, "carta",
                                 card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    assert by_card.outcome == "paid"
    done = await app.register_payment(transfer.order.reference, transfer.order.total, "anna",
                                      bank_ref="CRO-77")
    assert (done.outcome, done.reason) == ("unapplied", "order_void")
    assert done.order is not None and done.order.invoice_number is None
    assert [i.number for i in await app.list_invoices(cid)] == ["2026/000001"]
    ticket = await app.get_ticket(done.ticket_id or 0)
    assert ticket.service_id == sid and ticket.category == "pagamenti"
    assert ticket.context["reason"] == "unapplied_payment"
    assert ticket.context["order"] == transfer.order.reference
    assert ticket.context["bank_ref"] == "CRO-77"
    # What the support group's card (and the command line) says about it.
    from handlers import ticket_text

    said = ticket_text.reason(ticket.context) or ""
    assert "pagamento NON applicato" in said and "rif. CRO-77" in said
    assert f"sportello payments refund|apply {done.unapplied_id}" in said
    assert "€ " in said and "l'ordine è annullato d'ufficio" in said
    kinds = await notice_kinds(app)
    assert kinds.count("order_paid") == 1 and "payment_unapplied" in kinds


# --- §2 pending transfers around expiry -------------------------------------------------


async def recovery_by_transfer(app: Sportello, clock: FixedClock) -> tuple[int, int, str]:
    """Expired on day 0, recovered by bank transfer on day 9 (order pending)."""
    day0 = date(2026, 11, 1)
    ids = await seed(app, [svc("mariorossi.it", "DOM", day0)])
    cid, sid = await customer_id(app, "C001"), ids["mariorossi.it"]
    await app.run_lifecycle(day0)
    clock.day = day0 + timedelta(days=9)
    recovered = await app.recover(cid, sid)
    assert recovered.outcome == "renewal_quote" and recovered.quote is not None
    pending = await app.checkout(cid, recovered.quote.id, "bonifico", terms=ACCEPTED)
    for day in range(10, 15):
        await app.run_lifecycle(day0 + timedelta(days=day))
    return cid, sid, pending.order.reference


async def test_a_pending_recovery_keeps_the_service_and_the_late_transfer_renews_it(
    app: Sportello, clock: FixedClock,
) -> None:
    _cid, sid, reference = await recovery_by_transfer(app, clock)
    service = await row(app, Service, sid)
    assert service.status == "scaduto"  # suspended, not deleted, on day 14
    clock.day = date(2026, 11, 15)
    done = await app.register_payment(reference, D("12.08"), "anna", bank_ref="CRO-14")
    assert done.outcome == "applied" and done.order is not None
    assert done.order.invoice_number == "2026/000001"
    service = await row(app, Service, sid)
    assert (service.status, service.expires_on) == ("attivo", date(2027, 11, 1))


async def test_after_the_grace_the_order_is_voided_the_service_deleted_and_support_told(
    app: Sportello, clock: FixedClock,
) -> None:
    cid, sid, reference = await recovery_by_transfer(app, clock)
    # Deletion is due on day 11; the pending order holds it 15 days more (day 26).
    await app.run_lifecycle(date(2026, 11, 26))
    assert (await row(app, Service, sid)).status == "scaduto"
    result = await app.run_lifecycle(date(2026, 11, 27))
    assert result.counts["deleted_unpaid"] == 1
    service = await row(app, Service, sid)
    assert service.status == "eliminato"
    order = await row(app, Order, 1)
    assert (order.status, order.void_reason) == ("void", "grace_over")
    assert "deleted_unpaid" in await notice_kinds(app)
    assert "deleted" not in await notice_kinds(app)  # told once, with the order
    [ticket] = await app.list_tickets(cid)
    assert ticket.service_id == sid and ticket.context["reason"] == "grace_over"
    assert ticket.context["order"] == reference
    # The transfer arrives on day 30: no «Pagato», no fattura, no «Grazie!», a ticket.
    clock.day = date(2026, 11, 30)
    done = await app.register_payment(reference, D("12.08"), "anna", bank_ref="CRO-30")
    assert (done.outcome, done.reason) == ("unapplied", "order_void")
    assert await count(app, Invoice) == 0
    assert "order_paid" not in await notice_kinds(app)
    assert (await row(app, Service, sid)).status == "eliminato"
    assert len(await app.list_tickets(cid)) == 2


async def test_the_grace_follows_the_setting(app: Sportello, clock: FixedClock) -> None:
    app.settings = app.settings.model_copy(update={"pending_grace_days": 2})
    _cid, sid, _ = await recovery_by_transfer(app, clock)
    assert (await row(app, Service, sid)).status == "eliminato"  # day 13 > 10 + 2


async def test_an_automatic_renewal_already_ordered_is_on_sight(app: Sportello) -> None:
    expiry = date(2026, 11, 25)
    ids = await seed(app, [svc("vps", "V50", expiry, renewal="automatico")])
    cid, sid = await customer_id(app, "C001"), ids["vps"]
    pending = await app.checkout(cid, (await app.quote_renewal(cid, [sid])).id, "bonifico",
                                 terms=ACCEPTED)
    for day in range(0, 11):  # the payment window (10 days): active, no second order
        await app.run_lifecycle(expiry + timedelta(days=day))
        assert (await row(app, Service, sid)).status == "attivo"
    await app.run_lifecycle(expiry + timedelta(days=11))
    assert (await row(app, Service, sid)).status == "scaduto"
    assert [o.reference for o in await app.list_orders(cid)] == [pending.order.reference]
    assert await count(app, Invoice) == 0


async def test_no_reminder_for_a_renewal_already_ordered(app: Sportello) -> None:
    ids = await seed(app, [svc("a.it", "DOM", date(2026, 12, 21)),
                           svc("b.it", "DOM", date(2026, 12, 21))])
    cid = await customer_id(app, "C001")
    await app.checkout(cid, (await app.quote_renewal(cid, [ids["a.it"]])).id, "bonifico",
                       terms=ACCEPTED)
    result = await app.run_lifecycle(date(2026, 11, 21))
    assert [(n.kind, n.service_id) for n in result.notices] == [("reminder_30", ids["b.it"])]


# --- §3 money that cannot be applied is never swallowed ----------------------------------


async def test_the_same_bank_reference_twice_and_a_second_transfer(app: Sportello) -> None:
    ids = await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    cid = await customer_id(app, "C001")
    order = (await app.checkout(cid, (await app.quote_renewal(
        cid, [ids["mariorossi.it"]])).id, "bonifico", terms=ACCEPTED)).order
    first = await app.register_payment(order.reference, D("12.08"), "anna", bank_ref="A1")
    again = await app.register_payment(order.reference, D("12.08"), "luca", bank_ref="A1")
    second = await app.register_payment(order.reference, D("12.08"), "luca", bank_ref="B2")
    assert [first.outcome, again.outcome, second.outcome] == ["applied", "duplicate",
                                                              "unapplied"]
    assert second.reason == "order_paid"
    [kept] = await app.list_unapplied()
    assert (kept.amount, kept.bank_ref, kept.registered_by, kept.customer_code) == (
        D("12.08"), "B2", "support:luca", "C001")
    assert kept.ticket_id == second.ticket_id and kept.status == "open"
    assert await count(app, Invoice) == 1
    assert (await row(app, Service, ids["mariorossi.it"])).expires_on == date(2027, 12, 11)
    # Support gives it back: closed, still listed, never invoiced.
    refunded = await app.refund_unapplied(kept.id, "anna", "bonifico di restituzione CRO9")
    assert refunded.status == "refunded" and await app.list_unapplied(open_only=True) == []


async def test_unapplied_money_can_be_applied_to_another_order(app: Sportello) -> None:
    ids = await seed(app, [svc("a.it", "DOM", date(2026, 12, 11)),
                           svc("b.it", "DOM", date(2026, 12, 15))])
    cid = await customer_id(app, "C001")
    a = (await app.checkout(cid, (await app.quote_renewal(cid, [ids["a.it"]])).id,
                            "bonifico", terms=ACCEPTED)).order
    await app.register_payment(a.reference, D("12.08"), "anna", bank_ref="X1")
    kept = await app.register_payment(a.reference, D("12.08"), "anna", bank_ref="X2")
    b = (await app.checkout(cid, (await app.quote_renewal(cid, [ids["b.it"]])).id,
                            "bonifico", terms=ACCEPTED)).order
    done = await app.apply_unapplied(kept.unapplied_id or 0, b.reference, "anna")
    assert done.order is not None and done.order.status == "paid"
    assert (await row(app, Service, ids["b.it"])).expires_on == date(2027, 12, 15)
    [item] = await app.list_unapplied()
    assert (item.status, item.applied_reference) == ("applied", b.reference)
    assert await count(app, Invoice) == 2


class _RacingGateway(SandboxCardGateway):
    """Charges like the sandbox, but the bank transfer is registered while the card is
    being charged: the charge then finds its order paid."""

    def __init__(self, app: Sportello) -> None:
        super().__init__(app.sessions)
        self.app = app

    async def charge(self, idempotency_key: str, amount: Decimal, card: str) -> ChargeResult:
        result = await super().charge(idempotency_key, amount, card)
        await self.app.register_payment("SPT-000001", amount, "anna", bank_ref="RACE")
        return result


async def test_a_card_charge_that_races_a_transfer_is_kept_not_lost(app: Sportello) -> None:
    ids = await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    cid = await customer_id(app, "C001")
    order = (await app.checkout(cid, (await app.quote_renewal(
        cid, [ids["mariorossi.it"]])).id, "bonifico", terms=ACCEPTED)).order
    app.gateway = _RacingGateway(app)
    result = await app.pay_order(cid, order.id, SUCCESS_TEST_CARD, key="tap")
    assert result.outcome == "unapplied" and result.ticket_id is not None
    [kept] = await app.list_unapplied()
    assert (kept.method, kept.reason, kept.amount) == ("carta", "order_paid", D("12.08"))
    assert await count(app, Invoice) == 1
    assert (await row(app, Service, ids["mariorossi.it"])).expires_on == date(2027, 12, 11)


# --- §7 tickets are complete and not doubled -----------------------------------------


async def test_asking_for_an_operator_three_times_opens_one_ticket(demo: Sportello) -> None:
    chat = await Chat.open(demo, (await demo.customer_by_code("C001")).id)
    await chat.say("voglio parlare con un operatore")
    await chat.press("Sì, apri la richiesta")
    await chat.say("voglio parlare con un operatore subito")
    second = await chat.press("Sì, apri la richiesta")
    await chat.press("Menu principale")
    await chat.press("Assistenza")
    third = await chat.press("Parla con un operatore")
    assert "ho aggiunto lì la tua richiesta" in second and "ho aggiunto lì" in third
    [ticket] = await demo.list_tickets()
    assert [m.text for m in ticket.messages] == [
        "voglio parlare con un operatore", "voglio parlare con un operatore subito",
        "Parla con un operatore"]
    assert ticket.context["reason"] == "operator_request"
    assert ticket.context["conversation"][0].startswith("in: /start")


@pytest.mark.parametrize("policy", ["mensilita-residue", "pro-rata-giorni", "mesi-arrotondati",
                                    "mese-intero"])
async def test_the_dedicated_downgrade_refusal_opens_a_sales_ticket_with_the_service(
    app: Sportello, policy: str,
) -> None:
    """Seed 002 whatever the policy: under mensilita-residue it was quoted at € 1.317,60 and
    payable, under pro-rata-giorni and mese-intero confirmed at € 0,00."""
    app.settings = app.settings.model_copy(update={"policy": policy})
    ids = await seed(app, [svc("srv1", "DED2", date(2027, 6, 1))])
    chat = await Chat.open(app, await customer_id(app, "C001"))
    await chat.press("Upgrade / cambio piano")
    await chat.press("srv1")
    refused = await chat.press("Dedicato 1")
    assert "downgrade dei server dedicati non è previsto" in refused
    done = await chat.press("Apri ticket commerciale")
    assert "Ho aperto il ticket" in done
    [ticket] = await app.list_tickets()
    assert (ticket.service_id, ticket.category) == (ids["srv1"], "commerciale")
    assert ticket.context["reason"] == "dedicated_downgrade"
    assert "srv1" in ticket.messages[0].text
    assert ticket.context["conversation"]


async def test_the_late_recovery_ticket_carries_the_request_and_the_conversation(
    app: Sportello, clock: FixedClock,
) -> None:
    ids = await seed(app, [svc("vecchio.it", "DOM", date(2026, 10, 1))])
    chat = await Chat.open(app, await customer_id(app, "C001"))
    await chat.press("Recupera prodotto")
    answer = await chat.press("vecchio.it")
    assert "ticket n. 1" in answer
    ticket = await app.get_ticket(1)
    assert ticket.service_id == ids["vecchio.it"]
    assert ticket.messages and ticket.messages[0].text.strip()
    assert ticket.context["reason"] == "late_recovery"
    assert any("Recupera prodotto" in line for line in ticket.context["conversation"])
    # Asking again adds nothing new: one recovery ticket per service.
    await chat.press("Menu principale")
    await chat.press("Recupera prodotto")
    await chat.press("vecchio.it")
    assert await count(app, Ticket) == 1


# --- §3 through the real command line ---------------------------------------------------


def test_payments_through_the_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from core.clock import FixedClock
    from tests.conftest import make_settings
    from tests.test_import_and_cli import run

    db = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    assert run("demo", "--today", "2026-11-21", db=db).returncode == 0

    async def order_by_transfer() -> str:
        app = await Sportello.open(make_settings(db), FixedClock(date(2026, 11, 21)))
        try:
            cid = (await app.customer_by_code("C001")).id
            sid = next(s.id for s in await app.list_services(cid) if s.name == "mariorossi.it")
            quote = await app.quote_renewal(cid, [sid])
            return (await app.checkout(cid, quote.id, "bonifico", terms=ACCEPTED)).order.reference
        finally:
            await app.close()

    reference = asyncio.run(order_by_transfer())
    pay = ["payments", "register", reference, "--amount", "12,08", "--by", "anna",
           "--today", "2026-11-21", "--bank-ref"]
    first = run(*pay, "CRO-1", db=db)
    assert first.returncode == 0 and "stato Pagato" in first.stdout, first.stderr
    again = run(*pay, "CRO-1", db=db)
    assert again.stdout.startswith("Già registrato: il riferimento CRO-1")
    second = run(*pay, "CRO-2", db=db)
    assert second.stdout.startswith(f"Pagamento NON applicato all'ordine {reference} "
                                    "(l'ordine è già pagato): registrato come non applicato "
                                    "n. 1 (€ 12,08), aperto il ticket n. 1")
    kept = run("payments", "list", "--unapplied", db=db).stdout
    assert "n. 1 · 21 novembre 2026 · da gestire · € 12,08 · Bonifico bancario · rif. CRO-2" \
        in kept and "C001 Mario Rossi · l'ordine è già pagato · registrato da anna" in kept
    shown = run("tickets", "show", "1", db=db).stdout
    assert "pagamento NON applicato di € 12,08 (Bonifico bancario, rif. CRO-2)" in shown
    refunded = run("payments", "refund", "1", "--by", "anna", "--note", "CRO di ritorno 9",
                   db=db)
    assert refunded.stdout == "Pagamento non applicato n. 1 (€ 12,08) chiuso come restituito.\n"
    twice = run("payments", "refund", "1", "--by", "anna", "--note", "ancora", db=db)
    assert twice.returncode == 1 and "già stato gestito (restituito)" in twice.stderr
    listing = run("payments", "list", db=db).stdout
    assert f"{reference} · C001 Mario Rossi · € 12,08 · Bonifico bancario · rif. CRO-1 · " \
        "registrato da anna" in listing
    assert "restituito" in listing and run("payments", "list", "--unapplied", db=db).stdout \
        == "Nessun pagamento non applicato.\n"
