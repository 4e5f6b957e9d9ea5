"""The daily lifecycle sweep: reminders, renewal on sight, suspension, expiry, deletion."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.app import Sportello
from core.models import AuditEntry, Invoice, Notice, Order, Service
from core.payments import SUCCESS_TEST_CARD
from tests.helpers import ACCEPTED, customer_id, seed, svc

D = Decimal


async def status(app: Sportello, service_id: int) -> tuple[str, date]:
    async with app.sessions() as session:
        service = await session.get(Service, service_id)
        assert service is not None
        return service.status, service.expires_on


async def kinds(app: Sportello, day: date) -> list[tuple[str, int]]:
    result = await app.run_lifecycle(day)
    return [(n.kind, n.service_id) for n in result.notices]


async def test_example_5_tacit_renewal(app: Sportello) -> None:
    """Automatic service expiring 2026-11-30, unpaid: invoice on 2026-11-30, due by
    2026-12-10, suspended on 2026-12-11."""
    ids = await seed(app, [svc("vps", "V50", date(2026, 11, 30), renewal="automatico")])
    sid, cid = ids["vps"], await customer_id(app, "C001")
    assert await kinds(app, date(2026, 11, 29)) == []
    assert await kinds(app, date(2026, 11, 30)) == [("tacit_invoice", sid)]
    [invoice] = await app.list_invoices(cid)
    assert (invoice.number, invoice.issued_on, invoice.due_on, invoice.paid) == (
        "2026/000001", date(2026, 11, 30), date(2026, 12, 10), False)
    assert invoice.total == D("732.00")
    assert await status(app, sid) == ("attivo", date(2027, 11, 30))
    assert await kinds(app, date(2026, 12, 10)) == []
    assert await status(app, sid) == ("attivo", date(2027, 11, 30))
    assert await kinds(app, date(2026, 12, 11)) == [("suspended_unpaid", sid)]
    assert await status(app, sid) == ("sospeso", date(2027, 11, 30))
    view = await app.get_service(cid, sid)
    assert view.state == "sospeso" and view.actions == ("orders", "ticket")
    # Paying the on-sight invoice lifts the suspension; it does not renew a second time.
    [order] = await app.list_orders(cid)
    assert order.kind == "tacit" and order.status == "pending"
    paid = await app.pay_order(cid, order.id, SUCCESS_TEST_CARD)
    assert paid.outcome == "paid" and paid.order.invoice_number == "2026/000001"
    assert await status(app, sid) == ("attivo", date(2027, 11, 30))
    assert (await app.list_invoices(cid))[0].paid


async def test_tacit_switch_renews_su_richiesta_services(app: Sportello) -> None:
    app.settings = app.settings.model_copy(update={"tacit_renewal": True})
    ids = await seed(app, [svc("srv", "DED1", date(2026, 11, 30)),
                           svc("gone", "DOM", date(2026, 11, 30), status="disdetto")])
    assert await kinds(app, date(2026, 11, 30)) == [("tacit_invoice", ids["srv"]),
                                                    ("cancelled_expired", ids["gone"])]
    assert await status(app, ids["srv"]) == ("attivo", date(2027, 11, 30))


async def test_without_tacit_renewal_su_richiesta_expires(app: Sportello) -> None:
    ids = await seed(app, [svc("srv", "DED1", date(2026, 11, 30))])
    assert await kinds(app, date(2026, 11, 30)) == [("expired", ids["srv"])]
    assert await status(app, ids["srv"]) == ("scaduto", date(2026, 11, 30))


async def test_reminders_30_7_1_days_before_once_each(app: Sportello) -> None:
    expiry = date(2026, 12, 31)
    ids = await seed(app, [
        svc("remind", "DOM", expiry),
        svc("auto", "DOM", expiry, renewal="automatico"),
        svc("cancelled", "DOM", expiry, status="disdetto"),
    ])
    sent = []
    day = expiry - timedelta(days=35)
    while day < expiry:
        sent += [(day, kind) for kind, sid in await kinds(app, day) if sid == ids["remind"]]
        day += timedelta(days=1)
    assert sent == [(date(2026, 12, 1), "reminder_30"), (date(2026, 12, 24), "reminder_7"),
                    (date(2026, 12, 30), "reminder_1")]
    async with app.sessions() as session:
        others = (await session.execute(select(func.count(Notice.id)).where(
            Notice.service_id.in_([ids["auto"], ids["cancelled"]])))).scalar_one()
    assert others == 0


async def test_missed_days_send_only_the_reminder_now_due(app: Sportello) -> None:
    ids = await seed(app, [svc("remind", "DOM", date(2026, 12, 31))])
    # The bot was down for weeks: on 27 December (4 days left) only the 7-day one is due.
    assert await kinds(app, date(2026, 12, 27)) == [("reminder_7", ids["remind"])]


async def test_expiry_then_deletion_after_ten_days(app: Sportello) -> None:
    ids = await seed(app, [svc("dom", "DOM", date(2026, 11, 10))])
    sid, cid = ids["dom"], await customer_id(app, "C001")
    assert await kinds(app, date(2026, 11, 10)) == [("expired", sid)]
    assert (await app.get_service(cid, sid)).state == "scaduto"
    assert await kinds(app, date(2026, 11, 20)) == []
    assert await status(app, sid) == ("scaduto", date(2026, 11, 10))
    assert await kinds(app, date(2026, 11, 21)) == [("deleted", sid)]
    assert await status(app, sid) == ("eliminato", date(2026, 11, 10))
    view = (await app.list_services(cid))[0]
    assert view.state == "eliminato" and view.actions == ("recover_ticket",)


async def test_second_run_for_the_same_day_changes_nothing(app: Sportello) -> None:
    app.settings = app.settings.model_copy(update={"tacit_renewal": True})
    ids = await seed(app, [
        svc("a", "DOM", date(2026, 11, 21)), svc("b", "V50", date(2026, 11, 21),
                                                  renewal="automatico"),
        svc("c", "DOM", date(2026, 12, 21)), svc("d", "DOM", date(2026, 11, 5),
                                                  status="scaduto"),
        svc("e", "DOM", date(2026, 11, 10), status="disdetto"),
        # Renewed on sight for one month: its new expiry is already within 30 days.
        svc("f", "C29", date(2026, 11, 15), period_start=date(2026, 10, 15)),
    ])

    async def snapshot() -> tuple[object, ...]:
        async with app.sessions() as session:
            counts = []
            for model in (Notice, Order, Invoice, AuditEntry):
                counts.append((await session.execute(
                    select(func.count()).select_from(model))).scalar_one())
            services = (await session.execute(select(
                Service.id, Service.status, Service.expires_on).order_by(Service.id))).all()
            return (*counts, tuple(services))

    first = await app.run_lifecycle(date(2026, 11, 21))
    assert sum(first.counts.values()) > 0
    assert {"tacit_invoice", "reminder_30"} <= {n.kind for n in first.notices
                                                if n.service_id == ids["f"]}
    before = await snapshot()
    second = await app.run_lifecycle(date(2026, 11, 21))
    assert second.notices == () and sum(second.counts.values()) == 0
    assert await snapshot() == before


async def test_payment_racing_the_sweep_renews_once(app: Sportello) -> None:
    """Transfer ordered before expiry, the sweep suspends at expiry, the money arrives:
    the service is renewed exactly one period from its old expiry."""
    ids = await seed(app, [svc("dom", "DOM", date(2026, 11, 25), renewal="automatico")])
    sid, cid = ids["dom"], await customer_id(app, "C001")
    quote = await app.quote_renewal(cid, [sid])
    pending = await app.checkout(cid, quote.id, "bonifico", terms=ACCEPTED)
    # The automatic renewal must not create a second order for the period already ordered:
    # the order is treated as on sight, the service stays active for the payment window.
    assert await kinds(app, date(2026, 11, 25)) == []
    assert await status(app, sid) == ("attivo", date(2026, 11, 25))
    await app.register_payment(pending.order.reference, D("12.08"), "anna")
    assert await status(app, sid) == ("attivo", date(2027, 11, 25))
    assert await kinds(app, date(2026, 11, 26)) == []
    assert await status(app, sid) == ("attivo", date(2027, 11, 25))
    assert len(await app.list_orders(cid)) == 1


async def test_customer_paying_after_an_on_sight_renewal_is_not_charged_again(
    app: Sportello,
) -> None:
    ids = await seed(app, [svc("vps", "V50", date(2026, 11, 21), renewal="automatico")])
    sid, cid = ids["vps"], await customer_id(app, "C001")
    await app.run_lifecycle(date(2026, 11, 21))
    # The customer now asks to renew: the next quote is for the following period, and the
    # on-sight order is the one to pay for this one.
    quote = await app.quote_renewal(cid, [sid])
    assert quote.renewals[0]["period_from"] == "2027-11-21"
    assert [o.kind for o in await app.list_orders(cid)] == ["tacit"]


async def test_sweep_notices_are_an_outbox(app: Sportello) -> None:
    await seed(app, [svc("dom", "DOM", date(2026, 11, 22))])
    result = await app.run_lifecycle(date(2026, 11, 21))
    assert [n.kind for n in await app.unsent_notices()] == [n.kind for n in result.notices]
    for notice in result.notices:
        await app.mark_notice_sent(notice.id)
    assert await app.unsent_notices() == []


@pytest.mark.parametrize("leap", [True, False])
async def test_on_sight_renewal_clamps_month_ends(app: Sportello, leap: bool) -> None:
    expiry = date(2028, 1, 31) if leap else date(2026, 1, 31)
    ids = await seed(app, [svc("cloud", "C29", expiry, renewal="automatico")])
    await app.run_lifecycle(expiry)
    assert (await status(app, ids["cloud"]))[1] == (date(2028, 2, 29) if leap else
                                                   date(2026, 2, 28))
