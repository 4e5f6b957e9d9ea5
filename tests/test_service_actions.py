"""Renewal mode, cancellation with the typed name, recovery, plan changes, idempotency, audit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from core.app import Sportello
from core.errors import (
    ChangeNotAllowed,
    NameMismatch,
    NotAllowed,
    NotFound,
    PendingOrderExists,
    SalesOnly,
)
from core.models import AuditEntry, Service
from core.names import names_match
from core.payments import SUCCESS_TEST_CARD
from tests.helpers import ACCEPTED, customer_id, seed, svc

D = Decimal


async def service_row(app: Sportello, service_id: int) -> Service:
    async with app.sessions() as session:
        service = await session.get(Service, service_id)
        assert service is not None
        return service


@pytest.mark.parametrize(("typed", "ok"), [
    ("Mario Rossi", True), ("ROSSI mario", True), ("  mario   rossi ", True),
    ("Màrio Rossì", True), ("Rossi, Mario", True), ("Mario", False), ("Mario Rossi Jr", False),
    ("Maria Rossi", False), ("", False), ("🙂", False), ("x" * 4096, False),
])
def test_name_check(typed: str, ok: bool) -> None:
    assert names_match(typed, "Mario Rossi") is ok


def test_name_check_folds_apostrophes() -> None:
    assert names_match("luca damico ferrari", "Luca D'Amico Ferrari")
    assert names_match("FERRARI Luca D’Amico", "Luca D'Amico Ferrari")


async def test_cancel_with_the_right_name(app: Sportello) -> None:
    ids = await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    cid = await customer_id(app, "C001")
    result = await app.cancel_service(cid, ids["mariorossi.it"], "Non mi serve più",
                                      "rossi MARIO", key="k1")
    assert result.service.state == "disdetto"
    assert result.active_until == date(2026, 12, 11)
    assert result.recover_until == date(2026, 12, 21)
    assert result.service.actions == ("recover",)
    row = await service_row(app, ids["mariorossi.it"])
    assert (row.status, row.cancellation_reason, row.cancelled_on) == (
        "disdetto", "Non mi serve più", date(2026, 11, 21))
    # The same update delivered again: same answer, nothing new.
    again = await app.cancel_service(cid, ids["mariorossi.it"], "x", "wrong", key="k1")
    assert again.service.state == "disdetto"


async def test_wrong_name_changes_nothing(app: Sportello) -> None:
    ids = await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    cid = await customer_id(app, "C001")
    for attempt in range(3):
        with pytest.raises(NameMismatch):
            await app.cancel_service(cid, ids["mariorossi.it"], "motivo", "Giulia Bianchi",
                                     key=f"k{attempt}")
    row = await service_row(app, ids["mariorossi.it"])
    assert row.status == "attivo" and row.cancellation_reason is None


async def test_cannot_cancel_someone_elses_service(app: Sportello) -> None:
    ids = await seed(app, [svc("giulia.it", "DOM", date(2026, 12, 11), customer="C002")])
    with pytest.raises(NotFound):
        await app.cancel_service(await customer_id(app, "C001"), ids["giulia.it"], "",
                                 "Mario Rossi")
    assert (await service_row(app, ids["giulia.it"])).status == "attivo"


async def test_cancel_refused_while_a_renewal_order_is_pending(app: Sportello) -> None:
    ids = await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    cid = await customer_id(app, "C001")
    quote = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    pending = await app.checkout(cid, quote.id, "bonifico", terms=ACCEPTED)
    with pytest.raises(PendingOrderExists) as err:
        await app.cancel_service(cid, ids["mariorossi.it"], "", "Mario Rossi")
    assert err.value.facts["reference"] == pending.order.reference


async def test_undo_cancellation_before_expiry_is_free(app: Sportello) -> None:
    ids = await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11), status="disdetto",
                               cancellation_reason="prezzo")])
    cid = await customer_id(app, "C001")
    result = await app.recover(cid, ids["mariorossi.it"], key="r1")
    assert result.outcome == "reinstated" and result.quote is None
    assert result.service.state == "in_scadenza"
    row = await service_row(app, ids["mariorossi.it"])
    assert (row.status, row.cancellation_reason, row.expires_on) == (
        "attivo", None, date(2026, 12, 11))
    assert await app.list_orders(cid) == []


@pytest.mark.parametrize(("today", "outcome"), [
    (date(2026, 11, 20), "renewal_quote"),  # 10 days after expiry: free recovery
    (date(2026, 11, 21), "ticket"),         # 11 days: restoration costs, support decides
])
async def test_recovery_window_example(app: Sportello, clock, today, outcome) -> None:
    ids = await seed(app, [svc("mariorossi.it", "DOM", date(2026, 11, 10), status="scaduto")])
    cid = await customer_id(app, "C001")
    clock.day = today
    result = await app.recover(cid, ids["mariorossi.it"])
    assert result.outcome == outcome
    assert result.days_since_expiry == (today - date(2026, 11, 10)).days
    if outcome == "renewal_quote":
        assert result.quote is not None and result.quote.total == D("12.08")
        # Renewal extends from the old expiry, even when recovering late.
        assert result.quote.renewals[0]["period_to"] == "2027-11-10"
        paid = await app.checkout(cid, result.quote.id, "carta", card=SUCCESS_TEST_CARD,
                                  terms=ACCEPTED)
        assert paid.outcome == "paid"
        row = await service_row(app, ids["mariorossi.it"])
        assert (row.status, row.expires_on) == ("attivo", date(2027, 11, 10))
    else:
        ticket = await app.get_ticket(result.ticket_id, cid)
        assert ticket.category == "recupero" and ticket.service_id == ids["mariorossi.it"]
        assert ticket.context["days_since_expiry"] == 11
        again = await app.recover(cid, ids["mariorossi.it"])
        assert again.ticket_id == result.ticket_id  # one ticket per service, not one per tap
        with pytest.raises(NotAllowed):
            await app.quote_renewal(cid, [ids["mariorossi.it"]])


async def test_recovering_an_active_service_is_refused(app: Sportello) -> None:
    ids = await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    with pytest.raises(NotAllowed):
        await app.recover(await customer_id(app, "C001"), ids["mariorossi.it"])


async def test_renewal_mode_switch(app: Sportello) -> None:
    ids = await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    cid = await customer_id(app, "C001")
    view = await app.set_renewal_mode(cid, ids["mariorossi.it"], "automatico")
    assert view.renewal_mode == "automatico"
    view = await app.set_renewal_mode(cid, ids["mariorossi.it"], "su_richiesta")
    assert view.renewal_mode == "su_richiesta"
    with pytest.raises(NotAllowed):
        await app.set_renewal_mode(cid, ids["mariorossi.it"], "sempre")


async def test_idempotency_key_cannot_be_reused_for_another_operation(app: Sportello) -> None:
    ids = await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    cid = await customer_id(app, "C001")
    await app.set_renewal_mode(cid, ids["mariorossi.it"], "automatico", key="update-7")
    with pytest.raises(NotAllowed):
        await app.cancel_service(cid, ids["mariorossi.it"], "", "Mario Rossi", key="update-7")
    assert (await service_row(app, ids["mariorossi.it"])).status == "attivo"


# --- plan changes applied --------------------------------------------------------------


async def change_app(app: Sportello, policy: str) -> Sportello:
    app.settings = app.settings.model_copy(update={"policy": policy})
    return app


async def test_upgrade_paid_applies_mensilita_residue(app: Sportello, clock) -> None:
    clock.day = date(2026, 3, 10)
    ids = await seed(app, [svc("www.mariorossi.it", "H60", date(2026, 9, 25))])
    cid = await customer_id(app, "C001")
    options = await app.change_options(cid, ids["www.mariorossi.it"])
    assert [p.code for p in options] == ["H120"]
    quote = await app.quote_change(cid, ids["www.mariorossi.it"], "H120")
    assert quote.total == D("109.80")
    result = await app.checkout(cid, quote.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    assert result.outcome == "paid" and result.order.total == D("109.80")
    row = await service_row(app, ids["www.mariorossi.it"])
    assert (row.plan.code, row.expires_on, row.period_start) == (
        "H120", date(2027, 3, 10), date(2026, 3, 10))
    assert row.paid_for_period == D("120.00")
    # Straight back down: no refund, and the credit cannot exceed what was paid.
    back = await app.quote_change(cid, ids["www.mariorossi.it"], "H60")
    assert back.total == D("0.00") and back.direction == "downgrade"


async def test_plan_not_in_catalogue_transitions_is_not_found(app: Sportello) -> None:
    ids = await seed(app, [svc("www.mariorossi.it", "H60", date(2027, 9, 25))])
    with pytest.raises(NotFound):
        await app.quote_change(await customer_id(app, "C001"), ids["www.mariorossi.it"], "DED2")


async def test_mese_intero_downgrade_is_scheduled_then_applied_by_the_sweep(
    app: Sportello,
) -> None:
    await change_app(app, "mese-intero")
    ids = await seed(app, [svc("cloud", "C99", date(2026, 12, 1), period_start=date(2026, 11, 1))])
    cid = await customer_id(app, "C001")
    quote = await app.quote_change(cid, ids["cloud"], "C29")
    assert quote.effective_on == date(2026, 12, 1) and quote.total == D("0.00")
    result = await app.checkout(cid, quote.id, "bonifico", terms=ACCEPTED)
    assert result.outcome == "paid" and result.order.invoice_number is None
    view = await app.get_service(cid, ids["cloud"])
    assert (view.plan_code, view.pending_plan_code, view.pending_change_on) == (
        "C99", "C29", date(2026, 12, 1))
    await app.run_lifecycle(date(2026, 11, 30))
    assert (await app.get_service(cid, ids["cloud"])).plan_code == "C99"
    sweep = await app.run_lifecycle(date(2026, 12, 1))
    assert "plan_changed" in [n.kind for n in sweep.notices]
    view = await app.get_service(cid, ids["cloud"])
    assert (view.plan_code, view.pending_plan_code) == ("C29", None)


async def test_mese_intero_upgrade_starts_a_new_cycle(app: Sportello) -> None:
    await change_app(app, "mese-intero")
    ids = await seed(app, [svc("cloud", "C29", date(2026, 12, 1), period_start=date(2026, 11, 1))])
    cid = await customer_id(app, "C001")
    quote = await app.quote_change(cid, ids["cloud"], "C99")
    assert quote.subtotal == D("89.33")
    await app.checkout(cid, quote.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    row = await service_row(app, ids["cloud"])
    assert (row.plan.code, row.period_start, row.expires_on) == (
        "C99", date(2026, 11, 21), date(2026, 12, 21))


async def test_mesi_arrotondati_late_upgrade_renews_now(app: Sportello, clock) -> None:
    await change_app(app, "mesi-arrotondati")
    clock.day = date(2026, 12, 20)
    ids = await seed(app, [svc("vps", "V50", date(2026, 12, 31))])
    cid = await customer_id(app, "C001")
    quote = await app.quote_change(cid, ids["vps"], "V70")
    assert quote.renewal_required and quote.subtotal == D("840.00")
    result = await app.checkout(cid, quote.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    assert result.outcome == "paid"
    row = await service_row(app, ids["vps"])
    assert (row.plan.code, row.expires_on, row.period_start) == (
        "V70", date(2027, 12, 31), date(2026, 12, 31))
    # The next renewal starts after the period this upgrade already paid for.
    renewal = await app.quote_renewal(cid, [ids["vps"]])
    assert renewal.renewals[0]["period_from"] == "2027-12-31"
    assert renewal.subtotal == D("840.00")


async def test_dedicated_downgrade_and_custom_changes_refused(app: Sportello) -> None:
    await change_app(app, "mesi-arrotondati")
    ids = await seed(app, [svc("srv", "DED2", date(2027, 6, 1)),
                           svc("cluster", "CUST", date(2027, 6, 1))])
    cid = await customer_id(app, "C001")
    with pytest.raises(ChangeNotAllowed):
        await app.quote_change(cid, ids["srv"], "DED1")
    with pytest.raises(SalesOnly):
        await app.quote_change(cid, ids["cluster"], "DED2")


async def test_pro_rata_downgrade_fee_paid_by_transfer(app: Sportello) -> None:
    await change_app(app, "pro-rata-giorni")
    ids = await seed(app, [svc("www.mariorossi.it", "H120", date(2027, 6, 1),
                               usage={"databases": 3, "mailboxes": 2})])
    cid = await customer_id(app, "C001")
    quote = await app.quote_change(cid, ids["www.mariorossi.it"], "H60")
    assert quote.total == D("18.30")
    assert {r.key for r in quote.removed} == {"databases", "staging"}
    pending = await app.checkout(cid, quote.id, "bonifico", terms=ACCEPTED)
    assert (await service_row(app, ids["www.mariorossi.it"])).plan.code == "H120"
    await app.register_payment(pending.order.reference, D("18.30"), "anna")
    row = await service_row(app, ids["www.mariorossi.it"])
    assert (row.plan.code, row.expires_on) == ("H60", date(2027, 6, 1))


# --- audit ------------------------------------------------------------------------------


async def test_every_change_is_audited_and_the_log_is_append_only(app: Sportello) -> None:
    ids = await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    cid = await customer_id(app, "C001")
    await app.set_renewal_mode(cid, ids["mariorossi.it"], "automatico")
    await app.cancel_service(cid, ids["mariorossi.it"], "costi", "Mario Rossi")
    async with app.sessions() as session:
        rows = (await session.execute(
            select(AuditEntry).where(AuditEntry.entity == "service").order_by(AuditEntry.id)
        )).scalars().all()
    assert [(r.action, r.actor_kind, r.actor) for r in rows] == [
        ("import_create", "support", "import"),  # the seed goes through the importer
        ("renewal_mode", "customer", str(cid)), ("cancelled", "customer", str(cid))]
    assert rows[2].reason == "costi"
    async with app.sessions() as session:
        logged = (await session.execute(text("SELECT count(*) FROM audit_log"))).scalar_one()
    for statement in (update(AuditEntry).values(action="forged"), delete(AuditEntry)):
        async with app.sessions() as session:
            with pytest.raises(DBAPIError, match="append-only"):
                async with session.begin():
                    await session.execute(statement)
    async with app.sessions() as session:
        count = (await session.execute(text("SELECT count(*) FROM audit_log"))).scalar_one()
    assert count == logged
