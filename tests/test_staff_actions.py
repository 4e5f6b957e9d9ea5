"""Support acting for a customer (issue 12): the core operations, then the command line.

Each action goes through the customer's own operation as the support member, once per key,
audited with the ticket, and the customer's notice is written with it (one transaction).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, update

from core import staff
from core.app import Sportello
from core.app.staff import Target
from core.clock import FixedClock
from core.errors import AmountMismatch, NotAllowed, PendingOrderExists
from core.models import AuditEntry, Invoice, Notice, Order, Service, Ticket, UnappliedPayment
from handlers.desk import Desk, StaffMessage
from handlers.ui import Reply
from tests.chat_helpers import Chat
from tests.helpers import customer_id, seed, svc
from tests.test_desk import MemoryChats, MemoryRoom
from tests.test_telegram_e2e import telegram  # noqa: F401 - the fixture, both runtimes

D = Decimal
TODAY = date(2026, 11, 21)


async def target(app: Sportello, name: str, ticket: int | None = None) -> Target:
    found = await app.staff_target(customer_code="C001", service_name=name)
    return Target(**{**found.__dict__, "ticket_id": ticket})


async def rows(app: Sportello, model: Any, *where: Any) -> list[Any]:
    async with app.sessions() as session:
        return list((await session.execute(select(model).where(*where))).scalars())


async def service_row(app: Sportello, name: str) -> Service:
    return (await rows(app, Service, Service.name == name))[0]


async def open_ticket(app: Sportello, name: str) -> int:
    cid = await customer_id(app, "C001")
    sid = (await service_row(app, name)).id
    view = await app.open_ticket(cid, "operatore", "Rinnovo per telefono", service_id=sid)
    return view.id


async def test_renew_sends_the_order_once_audited_with_the_ticket(app: Sportello) -> None:
    await seed(app, [svc("rossi.it", "H60", TODAY + timedelta(days=20))])
    ticket = await open_ticket(app, "rossi.it")
    found = await app.staff_target(ticket_id=ticket)
    assert (found.customer_code, found.service_name) == ("C001", "rossi.it")
    first = await app.staff_renew(found, "anna", key="tap-1")
    again = await app.staff_renew(found, "anna", key="tap-1")
    assert first == again
    assert (first.outcome, first.total) == ("order_sent", D("73.20"))
    orders = await rows(app, Order)
    assert [(o.status, o.kind, o.method) for o in orders] == [("pending", "renewal", "bonifico")]
    notices = await rows(app, Notice, Notice.kind == "staff_order")
    assert [(n.order_id, n.detail) for n in notices] == [(orders[0].id, {"ticket": ticket})]
    audit = await rows(app, AuditEntry, AuditEntry.action == "staff_renew")
    assert [(a.actor_kind, a.actor, a.detail["ticket"]) for a in audit] == [
        ("support", "anna", ticket)]


async def test_renew_with_the_payment_received_applies_and_invoices(app: Sportello) -> None:
    await seed(app, [svc("rossi.it", "H60", TODAY + timedelta(days=20))])
    where = await target(app, "rossi.it")
    with pytest.raises(AmountMismatch):
        await app.staff_renew(where, "anna", amount=D("70.00"), bank_ref="CRO1")
    assert await rows(app, Order) == []  # nothing half done
    done = await app.staff_renew(where, "anna", amount=D("73.20"), bank_ref="CRO1")
    assert (done.outcome, done.expires_on) == ("paid", date(2027, 12, 11))
    assert [i.total for i in await rows(app, Invoice)] == [D("73.20")]
    assert [n.kind for n in await rows(app, Notice)] == ["order_paid"]
    with pytest.raises(NotAllowed):
        await app.staff_renew(where, "anna", method="carta", amount=D("73.20"))


async def test_cancel_with_reason_and_undo(app: Sportello) -> None:
    await seed(app, [svc("rossi.it", "H60", TODAY + timedelta(days=20))])
    where = await target(app, "rossi.it", ticket=None)
    with pytest.raises(NotAllowed):
        await app.staff_uncancel(where, "anna")
    with pytest.raises(NotAllowed):
        await app.staff_cancel(where, "anna", "   ")
    done = await app.staff_cancel(where, "anna", "Chiude l'attività (telefonata)", key="c1")
    assert done.outcome == "cancelled"
    row = await service_row(app, "rossi.it")
    assert (row.status, row.cancellation_reason) == ("disdetto", "Chiude l'attività (telefonata)")
    assert (await app.staff_uncancel(where, "anna", key="u1")).outcome == "uncancelled"
    assert (await service_row(app, "rossi.it")).status == "attivo"
    kinds = [n.kind for n in await rows(app, Notice)]
    assert kinds == ["staff_cancelled", "staff_uncancelled"]


async def test_recover_within_the_window_and_after_it_with_a_fee(app: Sportello) -> None:
    await seed(app, [svc("late.it", "H60", TODAY - timedelta(days=30), status="scaduto"),
                     svc("soon.it", "H60", TODAY - timedelta(days=3), status="scaduto")])
    soon = await app.staff_recover(await target(app, "soon.it"), "anna")
    assert (soon.outcome, soon.total) == ("order_sent", D("73.20"))
    late = await target(app, "late.it")
    with pytest.raises(NotAllowed) as refused:
        await app.staff_recover(late, "anna")
    assert refused.value.facts["reason"] == "fee_required"
    done = await app.staff_recover(late, "anna", fee=D("25.00"), key="r1")
    assert (done.outcome, done.total) == ("restoration_sent", D("103.70"))
    with pytest.raises(PendingOrderExists):  # one restoration order at a time
        await app.staff_recover(late, "anna", fee=D("25.00"), key="r2")
    assert done.order_reference is not None
    paid = await app.register_payment(done.order_reference, D("103.70"), "anna",
                                      bank_ref="CRO9")
    assert paid.outcome == "applied"
    row = await service_row(app, "late.it")
    assert (row.status, row.period_start, row.expires_on) == (
        "attivo", TODAY, date(2027, 11, 21))
    assert D("103.70") in [i.total for i in await rows(app, Invoice)]


async def test_a_deleted_service_is_restorable_for_90_days(app: Sportello) -> None:
    await seed(app, [svc("gone.it", "DOM", TODAY - timedelta(days=200), status="scaduto")])
    async with app.sessions() as session, session.begin():
        await session.execute(update(Service).values(status="eliminato",
                                                     deleted_on=TODAY - timedelta(days=89)))
    where = await target(app, "gone.it")
    done = await app.staff_recover(where, "anna", fee=D("10.00"))
    assert done.outcome == "restoration_sent"
    async with app.sessions() as session, session.begin():
        await session.execute(update(Order).values(status="cancelled"))
        await session.execute(update(Service).values(deleted_on=TODAY - timedelta(days=91)))
    with pytest.raises(NotAllowed):
        await app.staff_recover(where, "anna", fee=D("10.00"))


async def test_a_restoration_order_voids_when_the_service_moves_on(app: Sportello) -> None:
    await seed(app, [svc("late.it", "H60", TODAY - timedelta(days=30), status="scaduto")])
    done = await app.staff_recover(await target(app, "late.it"), "anna", fee=D("5.00"))
    async with app.sessions() as session, session.begin():
        await session.execute(update(Service).values(status="eliminato", deleted_on=TODAY))
    assert done.order_reference is not None
    paid = await app.register_payment(done.order_reference, done.total or D(0), "anna",
                                      bank_ref="CRO5")
    assert (paid.outcome, paid.reason) == ("unapplied", "order_void")
    assert (await service_row(app, "late.it")).status == "eliminato"


async def test_quote_is_sent_not_ordered(app: Sportello) -> None:
    await seed(app, [svc("rossi.it", "H60", TODAY + timedelta(days=200))])
    done = await app.staff_quote(await target(app, "rossi.it", ticket=None), "anna", "H120")
    assert (done.outcome, done.plan) == ("quote_sent", "Hosting Pro")
    assert await rows(app, Order) == []
    notice = (await rows(app, Notice))[0]
    assert (notice.kind, notice.detail["plan"]) == ("staff_quote", "H120")
    assert await app.staff_notice_detail(notice.id) == notice.detail


async def test_autorenew_on_and_off(app: Sportello) -> None:
    await seed(app, [svc("rossi.it", "H60", TODAY + timedelta(days=200))])
    where = await target(app, "rossi.it")
    assert (await app.staff_autorenew(where, "anna", True)).mode == "automatico"
    assert (await service_row(app, "rossi.it")).renewal_mode == "automatico"
    await app.staff_autorenew(where, "anna", False)
    assert (await service_row(app, "rossi.it")).renewal_mode == "su_richiesta"


async def test_payment_without_an_order(app: Sportello) -> None:
    await seed(app, [svc("rossi.it", "H60", TODAY + timedelta(days=20))])
    wrong = await app.register_unmatched_payment("C001", "ROSSI.IT", D("50.00"), "anna",
                                                 bank_ref="TRN-A")
    assert (wrong.outcome, wrong.order) == ("unapplied", None)
    kept = await rows(app, UnappliedPayment)
    assert [(k.amount, k.ticket_id is not None) for k in kept] == [(D("50.00"), True)]
    assert len(await rows(app, Ticket)) == 1
    done = await app.register_unmatched_payment("C001", "rossi.it", D("73.20"), "anna",
                                                bank_ref="TRN-B")
    assert done.outcome == "applied" and done.order is not None
    assert done.order.status == "paid"
    assert (await service_row(app, "rossi.it")).expires_on == date(2027, 12, 11)
    assert len(await rows(app, Invoice)) == 1
    again = await app.register_unmatched_payment("C001", "rossi.it", D("73.20"), "anna",
                                                 bank_ref="TRN-B")
    assert again.outcome == "duplicate"
    assert len(await rows(app, Invoice)) == 1


async def test_the_notice_commits_with_the_action(app: Sportello,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash while writing the notice undoes the action: never one without the other."""
    await seed(app, [svc("rossi.it", "H60", TODAY + timedelta(days=20))])
    where = await target(app, "rossi.it")

    async def crash(*_args: Any, **_kw: Any) -> None:
        raise RuntimeError("crash")
    monkeypatch.setattr(staff, "notify", crash)
    with pytest.raises(RuntimeError):
        await app.staff_cancel(where, "anna", "per email")
    assert (await service_row(app, "rossi.it")).status == "attivo"
    assert await rows(app, AuditEntry, AuditEntry.action == "staff_cancel") == []


# --- the command line, through main(argv) (tests/cli_run.py), on the test database --------


def cli(database_url: str, *args: str) -> Any:
    from tests.cli_run import sportello

    return sportello([*args, "--today", TODAY.isoformat()],
                     {**os.environ, "SPORTELLO_DATABASE_URL": database_url})


async def test_cli_renews_cancels_and_reads_in_italian(app: Sportello, database_url: str) -> None:
    await seed(app, [svc("rossi.it", "H60", TODAY + timedelta(days=20))])
    ticket = await open_ticket(app, "rossi.it")
    done = cli(database_url, "staff", "renew", "--ticket", str(ticket), "--by", "Anna")
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert lines[0] == f"Ticket n. {ticket} · C001 · Mario Rossi · rossi.it"
    assert "ordine inviato al cliente con «Paga»" in lines[1]
    assert [line.index("SPT-") for line in lines if "SPT-" in line]
    columns = {line.index(value) for line in lines[1:] for value in ("ordine", "SPT-", "€")
               if value in line}
    assert len(columns) == 1  # values aligned in one column
    card = cli(database_url, "customers", "show", "C001")
    [order] = [line for line in card.stdout.splitlines() if line.strip().startswith("SPT-")]
    assert order.endswith("ordine del supporto (Anna)")  # no acceptance by the customer
    as_json = cli(database_url, "staff", "autorenew", "--customer", "C001", "--service",
                  "rossi.it", "--on", "--by", "Anna", "--json")
    assert json.loads(as_json.stdout)["renewal_mode"] == "automatico"
    cancelled = cli(database_url, "staff", "cancel", "--customer", "C001", "--service",
                    "rossi.it", "--reason", "Chiude l'attività", "--by", "Anna")
    assert cancelled.returncode == 1  # an order is pending: refused, in Italian
    assert "ordine in attesa" in cancelled.stderr
    assert (await service_row(app, "rossi.it")).status == "attivo"


@pytest.mark.parametrize("args", [
    ["staff", "renew", "--by", "Anna"],  # no ticket, no customer and service
    ["staff", "renew", "--customer", "C001", "--by", "Anna"],
    ["staff", "renew", "--ticket", "x", "--by", "Anna"],
    ["staff", "recover", "--ticket", "1", "--fee", "-5", "--by", "Anna"],
    ["staff", "autorenew", "--ticket", "1", "--on", "--off", "--by", "Anna"],
    ["staff", "renew", "--ticket", "1", "--bank-ref", "CRO", "--by", "Anna"],
    ["payments", "register", "--customer", "C001", "--amount", "5", "--by", "Anna"],
    ["payments", "register", "SPT-1", "--customer", "C001", "--service", "rossi.it",
     "--amount", "5", "--by", "Anna"],
])
async def test_cli_bad_arguments_are_one_line_and_change_nothing(
        app: Sportello, database_url: str, args: list[str]) -> None:
    await seed(app, [svc("rossi.it", "H60", TODAY + timedelta(days=20))])
    await open_ticket(app, "rossi.it")
    done = cli(database_url, *args)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert await rows(app, Order) == []
    assert await rows(app, UnappliedPayment) == []


async def test_cli_payment_without_an_order(app: Sportello, database_url: str) -> None:
    await seed(app, [svc("rossi.it", "H60", TODAY + timedelta(days=20))])
    base = ["payments", "register", "--customer", "C001", "--service", "rossi.it", "--by",
            "Anna"]
    done = cli(database_url, *base, "--amount", "73,20", "--bank-ref", "TRN1")
    assert done.returncode == 0, done.stderr
    assert "abbinato al prossimo rinnovo" in done.stdout and "fattura 2026/" in done.stdout
    wrong = cli(database_url, *base, "--amount", "12", "--bank-ref", "TRN2")
    assert wrong.returncode == 0 and "non applicato n. 1, ticket n. 1" in wrong.stdout
    again = cli(database_url, *base, "--amount", "73,20", "--bank-ref", "TRN1")
    assert again.returncode == 0 and len(await rows(app, Invoice)) == 1


# --- the support group, through the desk on in-memory ports (tests/test_desk.py) ----------


@dataclass
class KeptChats(MemoryChats):
    """Chats that also keep the replies, so the test can press their buttons."""

    replies: list[Reply] = field(default_factory=list)

    async def deliver(self, chat: str, replies: list[Reply], strict: bool = False) -> bool:
        await super().deliver(chat, replies, strict)
        self.replies = list(replies)
        return True


async def desk_with_ticket(demo: Sportello, service: str
                           ) -> tuple[Desk, MemoryRoom, KeptChats, Chat, int, int]:
    """A linked customer's ticket on `service`, its card posted: (…, ticket, card)."""
    cid = await customer_id(demo, "C001")
    chat = await Chat.open(demo, cid)
    sid = (await service_row(demo, service)).id
    ticket = (await demo.open_ticket(cid, "operatore", "Chiamata", service_id=sid)).id
    room, chats = MemoryRoom(), KeptChats()
    desk = Desk(demo, chat.engine, room, chats)
    await desk.relay_pending()
    card = next(mid for mid, text, *_ in room.sent if text.startswith(f"Ticket n. {ticket}"))
    return desk, room, chats, chat, ticket, card


def said(message_id: int, text: str, user: int = 7, update: str | None = None) -> StaffMessage:
    return StaffMessage(user, "Anna", text, message_id, reply_to=1001,
                        update_id=update or f"u{message_id}")


async def test_a_member_renews_from_the_group_once_and_the_customer_can_pay(
        demo: Sportello) -> None:
    desk, room, chats, chat, ticket, card = await desk_with_ticket(demo, "mariorossi.it")
    assert card == 1001
    await desk.on_message(said(2001, "/rinnova", user=8))  # not a member: nothing done
    assert await rows(demo, Order) == []
    await desk.on_message(said(2002, "/rinnova@SportelloBot"))
    await desk.on_message(said(2002, "/rinnova@SportelloBot"))  # the same update again
    orders = await rows(demo, Order)
    assert [(o.status, o.method) for o in orders] == [("pending", "bonifico")]
    assert room.sent[-1][1].startswith("Anna · mariorossi.it: ordine inviato al cliente")
    assert room.sent[-1][4] == 2002  # in reply to the command
    assert "abbiamo preparato l'ordine SPT-" in chats.delivered[-1][1]
    assert [b.payload.split(":")[0] for r in chats.replies for b in r.flat_buttons][:1] == [
        chats.replies[0].flat_buttons[0].payload.split(":")[0]]
    chat.replies = chats.replies
    assert "Paga SPT-" in " ".join(chat.labels)
    await chat.press("Paga")
    assert "SPT-" in chat.text
    audit = await rows(demo, AuditEntry, AuditEntry.action == "staff_renew")
    assert [(a.actor, a.detail["ticket"]) for a in audit] == [("Anna", ticket)]


async def test_panel_buttons_act_once_and_refuse_strangers(demo: Sportello) -> None:
    desk, room, _chats, _chat, ticket, _card = await desk_with_ticket(demo, "www.mariorossi.it")
    await desk.on_message(said(2001, "/azioni"))
    buttons = room.sent[-1][2]
    assert buttons is not None
    auto_on = next(b for row in buttons for b in row if b.label == "Rinnovo automatico: sì")
    refused = await desk.on_press(8, "Eve", auto_on.payload, 2002, "cb1")
    assert refused.alert and "Solo i membri" in str(refused.text)
    first = await desk.on_press(7, "Anna", auto_on.payload, 2002, "cb2")
    second = await desk.on_press(7, "Anna", auto_on.payload, 2002, "cb3")  # a double tap
    assert first.text == second.text and "Automatico" in str(first.text)
    assert (await service_row(demo, "www.mariorossi.it")).renewal_mode == "automatico"
    assert len(await rows(demo, Notice, Notice.kind == "staff_autorenew")) == 1
    assert len(await rows(demo, AuditEntry, AuditEntry.action == "staff_autorenew")) == 1
    forged = await desk.on_press(7, "Anna", f"st:delete:{ticket}", 2002, "cb4")
    assert forged.alert


async def test_commands_with_arguments_and_their_errors(demo: Sportello) -> None:
    desk, room, chats, chat, _ticket, _ = await desk_with_ticket(demo, "www.mariorossi.it")
    await desk.on_message(said(2001, "/disdici"))
    assert room.sent[-1][1].startswith("Uso: /disdici")
    await desk.on_message(said(2002, "/preventivo HOST-PRO"))
    assert "preventivo inviato" in room.sent[-1][1]
    chat.replies = chats.replies
    await chat.press("Vedi il preventivo")
    assert "Hosting Pro" in chat.text
    assert await rows(demo, Order) == []  # staff never commit the customer to a charge
    await desk.on_message(said(2003, "/disdici Chiude l'attività, telefonata del 20"))
    row = await service_row(demo, "www.mariorossi.it")
    assert (row.status, row.cancellation_reason) == (
        "disdetto", "Chiude l'attività, telefonata del 20")
    assert "non sarà rinnovato" in chats.delivered[-1][1]
    await desk.on_message(said(2004, "/annulladisdetta"))
    assert (await service_row(demo, "www.mariorossi.it")).status == "attivo"
    await desk.on_message(said(2005, "/annulladisdetta"))
    assert "non è disdetto" in room.sent[-1][1]
    await desk.on_message(said(2006, "/rinnovoauto forse"))
    assert room.sent[-1][1].startswith("Uso: /rinnovoauto")


async def test_late_recovery_with_a_fee_and_a_payment_from_the_topic(
        demo: Sportello, clock: FixedClock) -> None:
    desk, room, chats, _chat, _ticket, _ = await desk_with_ticket(demo, "rossipizzeria.it")
    clock.day = TODAY + timedelta(days=20)  # past the free window
    await desk.on_message(said(2001, "/recupera"))
    assert "indica i costi di ripristino" in room.sent[-1][1]
    await desk.on_message(said(2002, "/recupera 25"))
    assert "ordine di ripristino inviato" in room.sent[-1][1]
    assert "costi di ripristino inclusi" in chats.delivered[-1][1]
    order = (await rows(demo, Order))[0]
    assert order.kind == "restoration"
    await desk.on_message(said(2003, f"/pagamento {order.total} TRN77"))
    assert "abbinato al prossimo rinnovo di rossipizzeria.it" in room.sent[-1][1]
    row = await service_row(demo, "rossipizzeria.it")
    assert (row.status, row.expires_on) == ("attivo", date(2027, 12, 11))


async def test_a_crash_before_the_notice_is_sent_loses_nothing(demo: Sportello) -> None:
    desk, room, chats, chat, _ticket, _ = await desk_with_ticket(demo, "www.mariorossi.it")
    chats.down = True  # the customer's side is unreachable: as if the bot died here
    await desk.on_message(said(2001, "/rinnovoauto si"))
    assert (await service_row(demo, "www.mariorossi.it")).renewal_mode == "automatico"
    pending = await rows(demo, Notice, Notice.sent_at.is_(None), Notice.kind == "staff_autorenew")
    assert len(pending) == 1
    # A new desk (the bot restarted) delivers it from the outbox.
    fresh = Desk(demo, chat.engine, room, KeptChats())
    assert await fresh.send_notices() >= 1
    assert any("Il rinnovo di www.mariorossi.it ora è: Automatico" in text
               for _, text in fresh.chats.delivered)  # type: ignore[attr-defined]


# --- the support group end to end, both runtimes (tests/test_telegram_e2e.py) --------------


async def test_staff_act_from_the_topic_on_telegram(telegram: Any) -> None:  # noqa: F811
    from tests.test_telegram_e2e import MARIO, STAFF, STRANGER, SUPPORT, linked

    fake, app, _ = telegram
    fake.forum_chats.add(SUPPORT)
    await linked(fake, app)
    cid = await customer_id(app, "C001")
    sid = (await service_row(app, "www.mariorossi.it")).id
    await app.open_ticket(cid, "operatore", "Il cliente ha chiamato", service_id=sid)
    card = await fake.wait_for(SUPPORT, "Ticket n. 1")
    fake.user_message(STRANGER, "/rinnovoauto si", chat_id=SUPPORT, thread_id=card.thread_id)
    fake.user_message(STAFF, "/azioni", chat_id=SUPPORT, thread_id=card.thread_id)
    panel = await fake.wait_for(SUPPORT, "Azioni per il cliente del ticket n. 1")
    assert (await service_row(app, "www.mariorossi.it")).renewal_mode == "su_richiesta"
    answered = len(fake.callback_answers)
    fake.press(STRANGER, panel, "Rinnovo automatico: sì")
    await fake.until(lambda: len(fake.callback_answers) > answered)
    assert "Solo i membri del gruppo" in str(fake.callback_answers[-1].get("text"))
    fake.press(STAFF, panel, "Rinnovo automatico: sì")
    fake.press(STAFF, panel, "Rinnovo automatico: sì")  # a double tap
    await fake.wait_for(MARIO.id, "Il rinnovo di www.mariorossi.it ora è: Automatico")
    await fake.until(lambda: len(fake.callback_answers) >= answered + 3)
    await fake.idle()
    assert len([s for s in fake.to(MARIO.id) if "ora è: Automatico" in s.text]) == 1
    assert len(await rows(app, AuditEntry, AuditEntry.action == "staff_autorenew")) == 1
    fake.user_message(STAFF, "/preventivo HOST-PRO", chat_id=SUPPORT, thread_id=card.thread_id)
    quote = await fake.wait_for(MARIO.id, "ti propone il passaggio di www.mariorossi.it")
    await fake.wait_for(SUPPORT, "preventivo inviato al cliente")
    fake.press(MARIO, quote, "Vedi il preventivo e conferma")
    await fake.wait_for(MARIO.id, "Hosting Pro")
    assert await rows(app, Order) == []
