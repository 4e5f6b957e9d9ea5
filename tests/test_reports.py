"""«Seeing the day» (issue 12): the digest, cancellations announced in the support group,
and the support commands. Core and desk on the test database (SQLite, or PostgreSQL with
SPORTELLO_TEST_DATABASE_URL), the group through both runtimes against the Bot API emulator,
the commands in process through `main(argv)`."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from core.app import Sportello
from core.clock import FixedClock
from core.models import RoomPost, Service
from handlers.desk import Desk
from handlers.desk_reports import send_room_posts
from handlers.engine import Engine
from tests.cli_run import sportello
from tests.helpers import ACCEPTED
from tests.test_desk import MemoryChats, MemoryRoom
from tests.test_telegram_e2e import SUPPORT, cancel_the_hosting, linked, running

TODAY = date(2026, 11, 21)
REASON = "Passo a un altro provider, costa meno"


async def _service(app: Sportello, code: str, name: str) -> tuple[int, int]:
    customer = await app.customer_by_code(code)
    async with app.sessions() as session:
        sid = (await session.execute(select(Service.id).where(
            Service.customer_id == customer.id, Service.name == name))).scalar_one()
    return customer.id, sid


async def _busy_day(demo: Sportello) -> None:
    """A cancellation today, a ticket, and a bank transfer pending for a week."""
    cid, sid = await _service(demo, "C001", "www.mariorossi.it")
    await demo.cancel_service(cid, sid, REASON, "Mario Rossi", key="cancel-1")
    c2, _ = await _service(demo, "C002", "vps-bianchi-01")
    await demo.open_ticket(c2, "tecnico", "Il VPS non risponde")
    earlier = Sportello(demo.sessions, demo.settings, FixedClock(date(2026, 11, 14)))
    c3, s3 = await _service(demo, "C003", "cloud-ferrari")
    quote = await earlier.quote_renewal(c3, [s3])
    await earlier.checkout(c3, quote.id, "bonifico", terms=ACCEPTED)


async def _posts(app: Sportello, kind: str) -> int:
    async with app.sessions() as session:
        return (await session.execute(select(func.count()).select_from(RoomPost).where(
            RoomPost.kind == kind))).scalar_one()


async def test_digest_lists_the_day_by_customer_code_and_service_name(demo: Sportello) -> None:
    await _busy_day(demo)
    facts = await demo.digest()
    assert facts["day"] == "2026-11-21"
    assert [(r["customer"], r["service"], r["days"]) for r in facts["expiring"]] == [
        ("C001", "mario.rossi@pec.it", 6)]
    assert [(r["customer"], r["days"], r["total"]) for r in facts["transfers"]] == [
        ("C003", 7, facts["transfers"][0]["total"])]
    assert facts["transfers"][0]["reference"].startswith("SPT-")
    assert [(r["customer"], r["name"], r["service"], r["reason"])
            for r in facts["cancellations"]] == [
        ("C001", "Mario Rossi", "www.mariorossi.it", REASON)]
    assert [r["customer"] for r in facts["tickets"]] == ["C002"]
    assert facts["suspended"] == [] and facts["unapplied"] == []
    assert "id" not in json.dumps(facts["expiring"])  # names, never internal ids


async def test_a_cancellation_is_queued_for_the_group_in_its_own_transaction(
        demo: Sportello) -> None:
    cid, sid = await _service(demo, "C001", "www.mariorossi.it")
    # Rolled back with the cancellation: neither happened.
    with pytest.raises(RuntimeError):
        async with demo.unit() as unit:
            await unit.cancel_service(cid, sid, REASON, "Mario Rossi")
            raise RuntimeError("crash before the commit")
    assert await _posts(demo, "cancellation") == 0
    # Committed, then the process dies before the desk runs: the announcement waits.
    await demo.cancel_service(cid, sid, REASON, "Mario Rossi", key="k1")
    await demo.cancel_service(cid, sid, REASON, "Mario Rossi", key="k1")  # a repeat: once
    assert await _posts(demo, "cancellation") == 1
    room = MemoryRoom(down=True)
    desk = Desk(demo, Engine(demo), room, MemoryChats())
    assert await send_room_posts(desk) == 0  # the group is unreachable: kept
    room.down = False
    assert await send_room_posts(desk) == 1
    assert await send_room_posts(desk) == 0  # never twice
    [(_, text, buttons, _, _)] = room.sent
    assert text.startswith("Disdetta: C001 Mario Rossi · www.mariorossi.it · attivo fino "
                           "all'8 giugno 2027")
    assert f"Motivo: {REASON}" in text and buttons is None


async def test_the_digest_is_posted_once_whatever_the_number_of_workers(
        demo: Sportello) -> None:
    await _busy_day(demo)
    workers = [Sportello(demo.sessions, demo.settings, demo.clock) for _ in range(4)]
    claimed = await asyncio.gather(*(w.claim_digest() for w in workers))
    assert sorted(claimed) == [False, False, False, True]
    assert await demo.claim_digest() is False  # the same day again, later
    assert await _posts(demo, "digest") == 1
    room = MemoryRoom()
    desk = Desk(demo, Engine(demo), room, MemoryChats())
    await send_room_posts(desk)
    await send_room_posts(desk)
    digests = [text for _, text, _, _, _ in room.sent if text.startswith("Riepilogo")]
    assert len(digests) == 1
    text = digests[0]
    assert text.startswith("Riepilogo del 21 novembre 2026")
    assert "Servizi in scadenza entro 7 giorni senza ordine (1)" in text
    assert "• C001 Mario Rossi · mario.rossi@pec.it · 27 novembre 2026 · 6 giorni" in text
    assert f"• C001 Mario Rossi · www.mariorossi.it · 8 giugno 2027 · {REASON}" in text
    assert "Bonifici in attesa da più di 5 giorni (1)" in text and "7 giorni" in text
    assert "€ " in text and "Ticket aperti (1)" in text


# --- the support group, both runtimes ------------------------------------------------


@pytest.fixture(params=["ptb", "aiogram"])
async def group(request: pytest.FixtureRequest, sessions: Any, database_url: str,
                clock: FixedClock) -> Any:
    async with running(request.param, sessions, database_url, clock) as bot:
        yield bot


async def test_cancellation_in_chat_is_announced_in_the_group_then_the_digest_once(
        group: Any) -> None:
    fake, app, runner = group
    await linked(fake, app)
    await cancel_the_hosting(fake)
    said = await fake.wait_for(SUPPORT, "Disdetta: C001 Mario Rossi · www.mariorossi.it")
    assert "Motivo: " in said.text
    await runner.daily_work()
    await runner.daily_work()  # a second worker, or a restart, the same day
    digest = await fake.wait_for(SUPPORT, "Riepilogo del 21 novembre 2026")
    assert "Disdette del giorno (1)" in digest.text
    assert await _posts(app, "digest") == 1
    assert sum(1 for m in fake.to(SUPPORT) if m.text.startswith("Riepilogo")) == 1


# --- the command line -----------------------------------------------------------------


def _run(db: str, *args: str) -> Any:
    return sportello([*args, "--db", db, "--today", TODAY.isoformat()])


async def test_cli_digest_customers_orders_cancellations(demo: Sportello,
                                                         database_url: str) -> None:
    await _busy_day(demo)
    out = _run(database_url, "digest")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Riepilogo del 21 novembre 2026\n")
    lines = out.stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("Servizi in scadenza"))
    heading, row = lines[head + 1], lines[head + 2]
    assert heading.split()[:2] == ["Cliente", "Servizio"]
    assert heading.index("Servizio") == row.index("mario.rossi@pec.it")  # aligned
    data = json.loads(_run(database_url, "digest", "--json").stdout)
    assert data["cancellations"][0]["reason"] == REASON

    card = _run(database_url, "customers", "show", "C001")
    assert card.returncode == 0, card.stderr
    assert card.stdout.startswith("Cliente C001 · Mario Rossi\n")
    assert ("Indirizzo di fatturazione: Via Garibaldi 12 00153 Roma (RM) IT · "
            "Codice destinatario: 0000000 · PEC: — · Promemoria via email: sì") in card.stdout
    for heading in ("Servizi (4)", "Ordini (0)", "Fatture (0)", "Ticket (0)",
                    "Chat collegate (0)", "Ultime operazioni"):
        assert heading in card.stdout
    [done] = [line for line in card.stdout.splitlines() if " disdetta " in line]
    assert "cliente" in done and "www.mariorossi.it" in done and done.endswith(REASON)
    assert json.loads(_run(database_url, "customers", "show", "C001", "--json").stdout)[
        "services"][0]["service"] == "rossipizzeria.it"

    orders = _run(database_url, "orders", "list", "--pending", "--older-than", "5")
    assert orders.returncode == 0, orders.stderr
    [heading, row] = orders.stdout.splitlines()[1:]
    assert "C003 Luca D'Amico Ferrari" in row and "cloud-ferrari" in row
    assert "Bonifico bancario" in row and "14 novembre 2026" in row and "€ " in row
    assert heading.index("Cliente") == row.index("C003")
    assert _run(database_url, "orders", "list", "--older-than", "8").stdout == "Nessun ordine.\n"
    [order] = json.loads(_run(database_url, "orders", "list", "--json").stdout)
    assert order["customer"] == "C003" and order["services"] == ["cloud-ferrari"]

    cancels = _run(database_url, "cancellations", "--from", "2026-11-01")
    assert cancels.stdout.startswith("Disdette dal 1° novembre 2026")
    assert REASON in cancels.stdout and "21 novembre 2026" in cancels.stdout
    assert _run(database_url, "cancellations", "--from", "2026-11-22").stdout == (
        "Nessuna disdetta dal 22 novembre 2026.\n")
    [cancel] = json.loads(_run(database_url, "cancellations", "--json").stdout)
    assert cancel["service"] == "www.mariorossi.it"


@pytest.mark.parametrize(("args", "line"), [
    (["orders", "list", "--older-than", "tre"], "Numero di giorni non valido: «tre»"),
    (["orders", "list", "--older-than", "-1"], "Numero di giorni non valido"),
    (["cancellations", "--from", "21/11/2026"], "Data non valida: «21/11/2026»"),
    (["customers", "show"], "Manca un argomento obbligatorio: CLIENTE."),
    (["customers", "show", "C999"], "Cliente C999 non trovato."),
    (["digest", "--pending"], "Argomento non riconosciuto"),
])
async def test_cli_bad_arguments_are_one_italian_line(demo: Sportello, database_url: str,
                                                      args: list[str], line: str) -> None:
    before = await _posts(demo, "digest")
    result = _run(database_url, *args)
    assert result.returncode == (1 if "non trovato" in line else 2)
    assert result.stdout == "" and result.stderr.count("\n") == 1
    assert result.stderr.startswith(line) and "Traceback" not in result.stderr
    assert await _posts(demo, "digest") == before


async def test_on_sight_invoices_by_days_left_then_suspended_today(demo: Sportello) -> None:
    renewed, overdue = date(2027, 1, 5), date(2027, 1, 16)
    await demo.run_lifecycle(renewed)  # vps-bianchi-01 renews on sight: a fattura to pay
    [row] = (await demo.digest(renewed))["on_sight"]
    assert (row["customer"], row["services"], row["days_left"]) == (
        "C002", ["vps-bianchi-01"], demo.settings.tacit_payment_days)
    assert row["number"].startswith("2027/")
    await demo.run_lifecycle(overdue)  # unpaid past its due date: suspended
    facts = await demo.digest(overdue)
    assert [(r["customer"], r["service"]) for r in facts["suspended"]] == [
        ("C002", "vps-bianchi-01")]
    assert [r["days_left"] for r in facts["on_sight"]] == [-1]
    assert (await demo.digest(overdue + timedelta(days=1)))["suspended"] == []
    from handlers.reports_text import digest_for_terminal

    text = digest_for_terminal(facts)
    assert "Sospesi oggi (1)" in text and "Fatture a vista da pagare (1)" in text


def test_a_cancellation_registered_by_staff_names_them() -> None:
    from handlers.desk_reports import render

    text = render("cancellation", {"customer": "C002", "name": "Giulia Bianchi",
                                   "service": "vps-bianchi-01", "reason": "",
                                   "expires_on": "2027-01-05", "by": "support",
                                   "staff": "anna"})
    assert text == ("Disdetta registrata da anna: C002 Giulia Bianchi · vps-bianchi-01 · "
                    "attivo fino al 5 gennaio 2027\nMotivo: (nessun motivo indicato)")


def test_a_long_post_is_cut_at_line_ends_into_messages_telegram_takes() -> None:
    from handlers.desk_reports import parts

    text = "\n".join(f"• riga {n} " + "x" * 50 for n in range(300))
    pieces = parts(text)
    assert len(pieces) > 1 and all(len(p) <= 4096 for p in pieces)
    assert "\n".join(pieces) == text
    assert parts("y" * 5000) == ["y" * 4096, "y" * 904] and parts("") == [""]


async def test_a_digest_cut_by_an_outage_goes_on_from_the_part_not_posted(
        demo: Sportello) -> None:
    from handlers.desk_reports import parts, render

    for n in range(80):  # enough open tickets for a digest longer than one message
        customer = await demo.customer_by_code("C00" + str(1 + n % 3))
        await demo.open_ticket(customer.id, "tecnico", f"Problema numero {n} " + "z" * 40)
    assert await demo.claim_digest()
    [(_, kind, payload)] = await demo.unsent_room_posts()
    expected = parts(render(kind, payload))
    assert len(expected) >= 2

    class FlakyRoom(MemoryRoom):
        async def send(self, text: str, *args: Any, **kwargs: Any) -> int:
            if len(self.sent) == 1 and not self.down:
                self.down = True  # the group goes away after the first part
            return await super().send(text, *args, **kwargs)

    room = FlakyRoom()
    desk = Desk(demo, Engine(demo), room, MemoryChats())
    assert await send_room_posts(desk) == 0
    room.down = False
    room.__class__ = MemoryRoom
    assert await send_room_posts(desk) == 1
    assert [text for _, text, _, _, _ in room.sent] == expected  # each part once, in order


async def test_cancel_undo_cancel_announces_each_cancellation(demo: Sportello) -> None:
    from core import actions
    from core.context import Actor, Ctx

    cid, sid = await _service(demo, "C001", "www.mariorossi.it")
    for round_ in range(2):
        await demo.cancel_service(cid, sid, f"motivo {round_}", "Mario Rossi")
        async with demo.sessions() as session, session.begin():
            ctx = Ctx(session, demo.clock.today(), demo.clock.now(), demo.settings,
                      Actor.support("anna"))
            await actions.undo_cancel(ctx, await session.get(Service, sid))
    reasons = [payload["reason"] for _, kind, payload in await demo.unsent_room_posts()
               if kind == "cancellation"]
    assert reasons == ["motivo 0", "motivo 1"]
