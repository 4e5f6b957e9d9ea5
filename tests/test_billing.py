"""Renewals, orders, payments and fatture through the application service."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.app import Sportello, parse_order_ref
from core.clock import FixedClock
from core.errors import (
    AmountMismatch,
    NotAllowed,
    NotFound,
    QuoteExpired,
    RenewalAlreadyOrdered,
)
from core.models import Invoice, Payment, SandboxCharge, Service
from core.payments import DECLINED_TEST_CARD, SUCCESS_TEST_CARD
from tests.helpers import ACCEPTED, customer_id, seed, svc

D = Decimal


@pytest.fixture
async def mario(app: Sportello) -> tuple[int, dict[str, int]]:
    ids = await seed(app, [
        svc("mariorossi.it", "DOM", date(2026, 12, 11)),
        svc("www.mariorossi.it", "H60", date(2027, 6, 8)),
        svc("cloud-rossi", "C29", date(2026, 12, 1), period_start=date(2026, 11, 1)),
        svc("giulia.it", "DOM", date(2026, 12, 20), customer="C002"),
    ])
    return await customer_id(app, "C001"), ids


async def expiry(app: Sportello, service_id: int) -> date:
    async with app.sessions() as session:
        service = await session.get(Service, service_id)
        assert service is not None
        return service.expires_on


async def count(app: Sportello, model: type) -> int:
    async with app.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_card_renewal_extends_one_period_and_issues_fattura(app, mario) -> None:
    cid, ids = mario
    quote = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    assert (quote.subtotal, quote.vat, quote.total) == (D("9.90"), D("2.18"), D("12.08"))
    result = await app.checkout(cid, quote.id, "carta", key="u1", card=SUCCESS_TEST_CARD,
                                terms=ACCEPTED)
    assert result.outcome == "paid"
    assert result.order.invoice_number == "2026/000001"
    assert await expiry(app, ids["mariorossi.it"]) == date(2027, 12, 11)
    invoices = await app.list_invoices(cid)
    assert [(i.number, i.total, i.paid) for i in invoices] == [("2026/000001", D("12.08"), True)]


async def test_cart_renews_several_services_in_one_order(app, mario) -> None:
    cid, ids = mario
    quote = await app.quote_renewal(cid, [ids["mariorossi.it"], ids["cloud-rossi"],
                                          ids["mariorossi.it"]])
    assert len(quote.lines) == 2  # a service listed twice is renewed once
    assert quote.subtotal == D("38.90")
    result = await app.checkout(cid, quote.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    assert result.outcome == "paid" and len(result.order.lines) == 2
    assert await expiry(app, ids["cloud-rossi"]) == date(2027, 1, 1)
    assert await expiry(app, ids["mariorossi.it"]) == date(2027, 12, 11)


async def test_fattura_numbers_are_progressive_without_gaps(app, mario) -> None:
    cid, ids = mario
    failed = await app.quote_renewal(cid, [ids["cloud-rossi"]])
    result = await app.checkout(cid, failed.id, "carta", card=DECLINED_TEST_CARD, terms=ACCEPTED)
    assert result.outcome == "payment_failed"  # no number is consumed by a failure
    numbers = []
    for name in ("mariorossi.it", "www.mariorossi.it"):
        quote = await app.quote_renewal(cid, [ids[name]])
        numbers.append((await app.checkout(cid, quote.id, "carta",
                                           card=SUCCESS_TEST_CARD,
                                           terms=ACCEPTED)).order.invoice_number)
    assert numbers == ["2026/000001", "2026/000002"]


async def test_fattura_numbering_restarts_each_year(app, mario, clock: FixedClock) -> None:
    cid, ids = mario
    quote = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    await app.checkout(cid, quote.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    clock.day = date(2027, 1, 2)
    quote = await app.quote_renewal(cid, [ids["www.mariorossi.it"]])
    result = await app.checkout(cid, quote.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    assert result.order.invoice_number == "2027/000001"


async def test_double_tap_on_procedi_al_pagamento_charges_once(app, mario) -> None:
    cid, ids = mario
    quote = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    first = await app.checkout(cid, quote.id, "carta", key="tap-1", card=SUCCESS_TEST_CARD,
                               terms=ACCEPTED)
    again = await app.checkout(cid, quote.id, "carta", key="tap-1", card=SUCCESS_TEST_CARD,
                               terms=ACCEPTED)
    other = await app.checkout(cid, quote.id, "carta", key="tap-2", card=SUCCESS_TEST_CARD,
                               terms=ACCEPTED)
    assert first.order.id == again.order.id == other.order.id
    assert other.outcome == "paid"
    assert await expiry(app, ids["mariorossi.it"]) == date(2027, 12, 11)
    assert await count(app, SandboxCharge) == 1
    assert await count(app, Invoice) == 1


async def test_concurrent_checkouts_of_one_quote_make_one_order(app, mario) -> None:
    cid, ids = mario
    quote = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    results = await asyncio.gather(*(
        app.checkout(cid, quote.id, "carta", key=f"c{i}", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
        for i in range(4)))
    assert len({r.order.id for r in results}) == 1
    assert await count(app, SandboxCharge) == 1
    assert await expiry(app, ids["mariorossi.it"]) == date(2027, 12, 11)


async def test_declined_card_leaves_order_pending_and_retry_pays(app, mario) -> None:
    cid, ids = mario
    quote = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    failed = await app.checkout(cid, quote.id, "carta", card=DECLINED_TEST_CARD, terms=ACCEPTED)
    assert failed.outcome == "payment_failed" and failed.failure == "declined"
    assert failed.order.status == "pending" and failed.order.invoice_number is None
    assert await expiry(app, ids["mariorossi.it"]) == date(2026, 12, 11)
    orders = await app.list_orders(cid)
    assert [o.status for o in orders] == ["pending"]
    retried = await app.pay_order(cid, failed.order.id, SUCCESS_TEST_CARD, key="retry")
    assert retried.outcome == "paid"
    assert await expiry(app, ids["mariorossi.it"]) == date(2027, 12, 11)
    repeated = await app.pay_order(cid, failed.order.id, SUCCESS_TEST_CARD, key="retry-2")
    assert repeated.outcome == "paid"
    assert await count(app, SandboxCharge) == 2  # one declined, one paid


async def test_invalid_card_number_is_a_failure_not_a_crash(app, mario) -> None:
    cid, ids = mario
    quote = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    result = await app.checkout(cid, quote.id, "carta", card="1234 5678", terms=ACCEPTED)
    assert (result.outcome, result.failure) == ("payment_failed", "invalid_card")


async def test_crash_between_charge_and_registration_never_charges_twice(
    sessions, settings, clock, mario
) -> None:
    """The gateway charged, then the worker died before recording it: the retry settles the
    same attempt (same gateway idempotency key) instead of charging again."""
    cid, ids = mario

    class Crashing(Sportello):
        crashed = False

        async def _settle_attempt(self, *args, **kwargs):  # type: ignore[override]
            if not Crashing.crashed:
                Crashing.crashed = True
                raise ConnectionError("worker died")
            return await super()._settle_attempt(*args, **kwargs)

    app = Crashing(sessions, settings, clock)
    quote = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    with pytest.raises(ConnectionError):
        await app.checkout(cid, quote.id, "carta", key="k", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    assert await expiry(app, ids["mariorossi.it"]) == date(2026, 12, 11)
    order_id = (await app.list_orders(cid))[0].id
    result = await app.pay_order(cid, order_id, SUCCESS_TEST_CARD, key="after-restart")
    assert result.outcome == "paid"
    assert await count(app, SandboxCharge) == 1
    assert await expiry(app, ids["mariorossi.it"]) == date(2027, 12, 11)


@pytest.mark.parametrize(("method", "field"), [
    ("bonifico", "iban"), ("bollettino", "postal_account"), ("paypal", "paypal_address")])
async def test_offline_payment_waits_for_registration(app, mario, method, field) -> None:
    cid, ids = mario
    quote = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    result = await app.checkout(cid, quote.id, method, key="k", terms=ACCEPTED)
    assert result.outcome == "pending"
    assert result.instructions is not None
    assert getattr(result.instructions, field)
    assert result.instructions.reference == result.order.reference
    assert result.instructions.amount == D("12.08")
    assert await expiry(app, ids["mariorossi.it"]) == date(2026, 12, 11)
    assert await app.list_invoices(cid) == []
    paid = await app.register_payment(result.order.reference, D("12.08"), "anna",
                                      bank_ref="CRO1", key="r1")
    assert paid.outcome == "applied" and paid.order is not None
    assert paid.order.status == "paid" and paid.order.invoice_number == "2026/000001"
    assert await expiry(app, ids["mariorossi.it"]) == date(2027, 12, 11)
    # The same bank reference again is recognised and changes nothing.
    again = await app.register_payment(result.order.reference, D("12.08"), "anna",
                                       bank_ref="CRO1", key="r2")
    assert again.outcome == "duplicate"
    assert await expiry(app, ids["mariorossi.it"]) == date(2027, 12, 11)
    async with app.sessions() as session:
        assert (await session.execute(select(func.count(Payment.id)))).scalar_one() == 1


async def test_registering_a_wrong_amount_changes_nothing(app, mario) -> None:
    cid, ids = mario
    quote = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    result = await app.checkout(cid, quote.id, "bonifico", terms=ACCEPTED)
    with pytest.raises(AmountMismatch):
        await app.register_payment(result.order.reference, D("12.00"), "anna")
    assert (await app.list_orders(cid))[0].status == "pending"
    assert await count(app, Payment) == 0


async def test_a_period_can_be_ordered_only_once(app, mario) -> None:
    cid, ids = mario
    first = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    second = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    pending = await app.checkout(cid, first.id, "bonifico", terms=ACCEPTED)
    with pytest.raises(RenewalAlreadyOrdered) as err:
        await app.checkout(cid, second.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    assert err.value.facts["reference"] == pending.order.reference
    await app.cancel_order(cid, pending.order.id)
    paid = await app.checkout(cid, second.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    assert paid.outcome == "paid"
    # A transfer for the cancelled order arrives anyway: kept, not applied, not invoiced.
    late = await app.register_payment(pending.order.reference, D("12.08"), "anna")
    assert (late.outcome, late.reason) == ("unapplied", "order_cancelled")
    assert len(await app.list_invoices(cid)) == 1


async def test_quote_from_yesterday_is_refused_with_a_fresh_one(app, mario, clock) -> None:
    cid, ids = mario
    quote = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    clock.day = date(2026, 11, 22)
    with pytest.raises(QuoteExpired) as err:
        await app.checkout(cid, quote.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    fresh = err.value.facts["quote"]
    assert fresh.id != quote.id and fresh.computed_for == date(2026, 11, 22)
    assert await count(app, SandboxCharge) == 0
    assert (await app.checkout(cid, fresh.id, "carta", card=SUCCESS_TEST_CARD,
                               terms=ACCEPTED)).outcome == "paid"


async def test_quote_for_a_service_that_moved_on_is_recomputed(app, mario) -> None:
    cid, ids = mario
    stale = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    other = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    await app.checkout(cid, other.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    with pytest.raises(QuoteExpired) as err:
        await app.checkout(cid, stale.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    assert err.value.facts["quote"].renewals[0]["period_from"] == "2027-12-11"
    assert await expiry(app, ids["mariorossi.it"]) == date(2027, 12, 11)


async def test_another_customers_things_are_not_found(app, mario) -> None:
    cid, ids = mario
    giulia = await customer_id(app, "C002")
    with pytest.raises(NotFound):
        await app.quote_renewal(cid, [ids["giulia.it"]])
    with pytest.raises(NotFound):
        await app.get_service(cid, ids["giulia.it"])
    quote = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    with pytest.raises(NotFound):
        await app.checkout(giulia, quote.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    order = await app.checkout(cid, quote.id, "bonifico", terms=ACCEPTED)
    with pytest.raises(NotFound):
        await app.pay_order(giulia, order.order.id, SUCCESS_TEST_CARD)
    with pytest.raises(NotFound):
        await app.cancel_order(giulia, order.order.id)
    with pytest.raises(NotFound):
        await app.quote_renewal(cid, [999_999])
    assert [s.name for s in await app.list_services(giulia)] == ["giulia.it"]


async def test_unknown_payment_method_and_missing_card_are_refused(app, mario) -> None:
    cid, ids = mario
    quote = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    with pytest.raises(NotAllowed):
        await app.checkout(cid, quote.id, "contanti", terms=ACCEPTED)
    with pytest.raises(NotAllowed):
        await app.checkout(cid, quote.id, "carta", terms=ACCEPTED)
    assert await app.list_orders(cid) == []


async def test_zero_priced_renewal_needs_no_payment_and_no_fattura(app) -> None:
    ids = await seed(app, [svc("pec-gratis", "FREE", date(2026, 12, 1))])
    cid = await customer_id(app, "C001")
    quote = await app.quote_renewal(cid, [ids["pec-gratis"]])
    result = await app.checkout(cid, quote.id, "bonifico", terms=ACCEPTED)
    assert result.outcome == "paid" and result.order.invoice_number is None
    assert await expiry(app, ids["pec-gratis"]) == date(2027, 12, 1)


def test_order_references_parse() -> None:
    assert parse_order_ref("SPT-000042") == parse_order_ref("spt42") == parse_order_ref("42") == 42
    with pytest.raises(NotFound):
        parse_order_ref("ordine 42")


async def test_credit_notes_never_exceed_the_fattura(app, mario) -> None:
    cid, ids = mario
    quote = await app.quote_renewal(cid, [ids["www.mariorossi.it"]])
    await app.checkout(cid, quote.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    [fattura] = await app.list_invoices(cid)
    assert (fattura.number, fattura.subtotal, fattura.vat) == ("2026/000001", D("60.00"),
                                                               D("13.20"))
    first = await app.issue_credit_note("2026/000001", D("20.00"), "anna", "rimborso parziale",
                                        key="nc-1")
    assert (first.number, first.doc_type, first.subtotal, first.vat, first.total) == (
        "NC 2026/000001", "nota_credito", D("20.00"), D("4.40"), D("24.40"))
    again = await app.issue_credit_note("2026/000001", D("20.00"), "anna", "x", key="nc-1")
    assert again.number == first.number  # the same request twice issues one note
    with pytest.raises(AmountMismatch):
        await app.issue_credit_note("2026/000001", D("40.01"), "anna", "troppo")
    with pytest.raises(AmountMismatch):
        await app.issue_credit_note("2026/000001", D("-5"), "anna", "negativo")
    with pytest.raises(NotFound):
        await app.issue_credit_note("2026/000099", D("1"), "anna", "non esiste")
    last = await app.issue_credit_note("2026/000001", D("40.00"), "anna", "saldo")
    assert last.number == "NC 2026/000002" and last.vat == D("8.80")
    documents = await app.list_invoices(cid)
    notes = [d for d in documents if d.doc_type == "nota_credito"]
    assert sum(n.total for n in notes) == fattura.total
    assert all(d.total > 0 for d in documents)  # never a negative fattura
