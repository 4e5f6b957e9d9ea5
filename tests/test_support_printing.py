"""What support reads on the command line: customer codes and names, service names, the
ticket's context in Italian labels; never internal ids or raw keys."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from core.app import Sportello
from core.clock import FixedClock
from core.context import Actor
from core.views import TicketView
from handlers import ticket_text
from handlers.i18n import has, t
from tests.chat_helpers import Chat
from tests.cli_run import sportello
from tests.conftest import PG_URL, make_settings
from tests.helpers import customer_id, seed, svc
from tests.test_catalogue import CODE, context_keys_in_code

ROOT = Path(__file__).parent.parent
RAW = ("cliente 1", "cliente 2", "cliente 3", "None", "days_since_expiry", "expired_on",
       "[customer", "[support", "flow:", "step:", "action:")


def run(*args: str, db: str, **env: str) -> subprocess.CompletedProcess[str]:
    return sportello(args, {**os.environ, "SPORTELLO_DATABASE_URL": db, **env})


@pytest.fixture
def cli_db(tmp_path: Path) -> str:
    if PG_URL:
        pytest.skip("the command line is exercised on the embedded SQLite")
    return f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"


def assert_no_raw(out: str) -> None:
    found = [raw for raw in RAW if raw in out]
    assert found == [], out
    assert not re.search(r"\b(cliente|servizio) \d", out), out


async def open_tickets(db: str) -> tuple[int, int]:
    """Through the real code: Giulia recovers a service expired 20 days ago (a recovery
    ticket); Mario asks for an operator while cancelling; support answers him."""
    app = await Sportello.open(make_settings(db), FixedClock(date(2026, 11, 21)))
    try:
        giulia = (await app.customer_by_code("C002")).id
        old = next(s for s in await app.list_services(giulia) if s.name == "bianchi-vecchio.it")
        recovery = await app.recover(giulia, old.id)
        assert recovery.outcome == "ticket" and recovery.ticket_id is not None
        chat = await Chat.open(app, (await app.customer_by_code("C001")).id)
        await chat.say("vorrei disdire mariorossi.it")
        await chat.say("voglio parlare con un operatore")
        await chat.press("Sì, apri la richiesta")
        operator = max(x.id for x in await app.list_tickets())
        await app.add_ticket_message(operator, "Certo, la chiamo io.", Actor.support("anna"))
        return recovery.ticket_id, operator
    finally:
        await app.close()


def test_tickets_print_codes_names_and_italian_context(cli_db: str) -> None:
    assert run("demo", "--today", "2026-11-21", db=cli_db).returncode == 0
    recovery, operator = asyncio.run(open_tickets(cli_db))

    listing = run("tickets", "list", db=cli_db)
    assert listing.returncode == 0, listing.stderr
    assert (f"n. {recovery} · Aperto · C002 Giulia Bianchi · bianchi-vecchio.it · "
            "21 novembre 2026 · bianchi-vecchio.it") in listing.stdout
    # Asked for while cancelling mariorossi.it: the ticket is about that service.
    assert (f"n. {operator} · Aperto · C001 Mario Rossi · mariorossi.it · 21 novembre 2026 · "
            ) in listing.stdout
    assert "servizio " not in listing.stdout
    assert_no_raw(listing.stdout)

    shown = run("tickets", "show", str(recovery), db=cli_db)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].startswith(f"n. {recovery} · Aperto · C002 Giulia Bianchi · "
                               "bianchi-vecchio.it · ")
    assert lines[1].startswith("  Motivo: recupero oltre la finestra gratuita (servizio "
                               "scaduto il 1° novembre 2026, da 20 giorni)")
    assert lines[2:6] == ["  Azione: recupero", "  Piano: Dominio .it",
                          "  Scadenza: 1° novembre 2026", "  Scaduto da: 20 giorni"]
    assert_no_raw(shown.stdout)

    shown = run("tickets", "show", str(operator), db=cli_db)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "  Operazione in corso: disdetta\n  Passo: motivo della disdetta\n" in out
    assert ("  Conversazione:\n  | Cliente: /start\n  | Sportello: Ciao Mario! Sono Sportello, "
            "l'assistente clienti. Cosa vuoi fare?\n  | Cliente: vorrei disdire mariorossi.it\n"
            "  | Sportello: Se non rinnovi mariorossi.it:\n  | • resta attivo") in out
    assert "] voglio parlare con un operatore" in out
    assert re.search(r"^\[C001 Mario Rossi · \d+ \w+ \d{4}\] voglio parlare con un operatore$",
                     out, re.M), out
    assert re.search(r"^\[Supporto \(anna\) · \d+ \w+ \d{4}\] Certo, la chiamo io\.$", out,
                     re.M), out
    outside_conversation = "\n".join(x for x in out.splitlines() if not x.startswith("  | "))
    assert "servizio " not in outside_conversation
    assert_no_raw(outside_conversation)


def test_lifecycle_prints_codes_names_and_any_reminder_day(cli_db: str) -> None:
    assert run("demo", "--today", "2026-11-21", db=cli_db).returncode == 0
    result = run("lifecycle", "--today", "2026-11-21", db=cli_db,
                 SPORTELLO_REMINDER_DAYS="[45, 15, 3]")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.splitlines()[1:] == [
        "  Eliminato · C002 Giulia Bianchi · bianchi-vecchio.it · 1° novembre 2026",
        "  Promemoria di scadenza (45 giorni) · C001 Mario Rossi · mariorossi.it · "
        "11 dicembre 2026",
        "  Promemoria di scadenza (15 giorni) · C001 Mario Rossi · mario.rossi@pec.it · "
        "27 novembre 2026",
        "  Promemoria di scadenza (15 giorni) · C003 Luca D'Amico Ferrari · cloud-ferrari · "
        "1° dicembre 2026"]
    assert "servizio " not in out and "reminder_" not in out
    assert_no_raw(out)


# --- the views behind it -------------------------------------------------------------


async def test_ticket_views_carry_codes_and_names(app: Sportello) -> None:
    ids = await seed(app, [svc("mariorossi.it", "H60", date(2026, 12, 11))])
    mario = await customer_id(app, "C001")
    with_service = await app.open_ticket(
        mario, "commerciale", "Preventivo", service_id=ids["mariorossi.it"],
        context={"action": "change_plan", "service": "mariorossi.it", "plan": "H60"})
    without = await app.open_ticket(mario, "altro", "Domanda")
    assert (with_service.customer_code, with_service.customer_name) == ("C001", "Mario Rossi")
    assert (with_service.service_name, with_service.plan_name) == ("mariorossi.it",
                                                                   "Hosting Start")
    assert (without.service_name, without.plan_name) == (None, None)
    listed = {v.id: v for v in await app.list_tickets()}
    assert listed[with_service.id] == await app.get_ticket(with_service.id)
    assert (listed[without.id].customer_code, listed[without.id].service_name) == ("C001", None)


async def test_sweep_notices_carry_codes_and_names(app: Sportello) -> None:
    await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 1)),
                     svc("giulia.it", "DOM", date(2026, 11, 21), customer="C002")])
    result = await app.run_lifecycle()
    printed = {(n.kind, n.customer_code, n.customer_name, n.service_name)
               for n in result.notices}
    assert printed == {("reminder_30", "C001", "Mario Rossi", "mariorossi.it"),
                       ("expired", "C002", "Giulia Bianchi", "giulia.it")}
    unsent = {(n.customer_code, n.service_name) for n in await app.unsent_notices()}
    assert unsent == {("C001", "mariorossi.it"), ("C002", "giulia.it")}


# --- the labels ----------------------------------------------------------------------


def test_every_context_key_in_code_has_its_label() -> None:
    keys = context_keys_in_code()
    assert {"action", "plan", "expired_on", "days_since_expiry", "flow", "step",
            "conversation", "reason"} <= keys  # the scan finds what the code writes today
    assert [k for k in sorted(keys) if not has(f"ticket-context-{k}")] == []


def _flows_and_steps() -> tuple[set[str], set[str]]:
    """Flow and step names the code enters (`goto`, `step`, `text_step`)."""
    import ast

    flows: set[str] = set()
    steps: set[str] = set()
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            texts = [a.value for a in node.args if isinstance(a, ast.Constant)
                     and isinstance(a.value, str)]
            if name == "goto" and len(texts) >= 2:
                flows.add(texts[0])
                steps.add(texts[1])
            elif name == "step" and texts:
                steps.add(texts[0])
            elif name == "text_step" and texts and "." in texts[0]:
                flow, step = texts[0].split(".", 1)
                flows.add(flow)
                steps.add(step)
    return flows, steps


@pytest.mark.parametrize("key", ["flow", "step"])
def test_every_flow_and_step_reads_in_italian(key: str) -> None:
    flows, steps = _flows_and_steps()
    names = flows if key == "flow" else steps
    assert {"renew", "cancel", "pay"} <= flows and {"reason", "confirm", "card"} <= steps
    raw = [n for n in sorted(names) if re.search(rf"\b{n}\b", t(f"ticket-context-{key}",
                                                                  value=n))]
    assert raw == []


def test_context_values_are_printed_as_italian_with_none_omitted() -> None:
    from datetime import datetime

    view = TicketView(
        id=1, customer_id=1, service_id=None, category="recupero", subject="x", status="aperto",
        assigned_to=None, created_at=datetime(2026, 11, 21),
        context={"action": "recover", "flow": None, "step": "", "days_since_expiry": 1,
                 "expired_on": "2026-11-20", "plan": "DOM", "unknown_key": "raw",
                 "conversation": ["in: ciao"]},
        customer_code="C001", customer_name="Mario Rossi", plan_name="Dominio .it")
    assert ticket_text.context_lines(view) == [
        "Azione: recupero", "Scaduto da: 1 giorno", "Scadenza: 20 novembre 2026",
        "Piano: Dominio .it"]
    assert ticket_text.conversation(view) == ["Conversazione:", "Cliente: ciao"]
    assert ticket_text.customer(view) == "C001 Mario Rossi"
