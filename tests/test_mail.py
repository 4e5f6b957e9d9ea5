"""Email to customers through the outbox, against a real SMTP server (aiosmtpd) the tests
start on 127.0.0.1: what is sent when, one message per event whatever the workers and
crashes, retries while the server is down, a final refusal left for support."""

from __future__ import annotations

import asyncio
import email
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from bot.mailer import Mailer
from core.app import Sportello
from core.config import Settings
from core.context import Actor
from core.models import Customer, MailMessage, Ticket
from core.payments import SUCCESS_TEST_CARD
from tests.chat_helpers import Chat
from tests.conftest import make_settings
from tests.helpers import ACCEPTED, customer_id, seed, svc

ROOT = Path(__file__).resolve().parent.parent
WAIT = 30.0  # generous: every wait ends as soon as its event happens


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Inbox:
    """What the SMTP server received; it can refuse addresses (550) and hold one DATA."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    hold_next: bool = False
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 Utente sconosciuto"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.hold_next:
            self.hold_next = False
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, WAIT)
            return "451 4.3.0 Interrotto"
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def start_server(inbox: Inbox) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    return controller


@pytest.fixture
def smtp() -> Any:
    inbox = Inbox(free_port())
    controller = start_server(inbox)
    yield inbox
    inbox.release.set()
    controller.stop()


@pytest.fixture
def settings(database_url: str, smtp: Inbox) -> Settings:
    return make_settings(database_url, smtp_host="127.0.0.1", smtp_port=smtp.port,
                         smtp_starttls=False, smtp_timeout=10,
                         smtp_from="Sportello Hosting <fatture@sportello.example>")


MARIO, GIULIA = "mario@example.com", "giulia@example.com"


async def with_emails(app: Sportello, **emails: str | None) -> None:
    async with app.sessions() as session, session.begin():
        for code, address in emails.items():
            await session.execute(update(Customer).where(Customer.code == code)
                                  .values(email=address))


@pytest.fixture
async def shop(app: Sportello) -> dict[str, int]:
    """Mario (C001) and Giulia (C002), with emails, no chat linked."""
    ids = await seed(app, [
        svc("mariorossi.it", "DOM", date(2026, 12, 11)),  # a reminder today (30 days)
        svc("vps", "V50", date(2026, 11, 21), renewal="automatico"),  # renewed on sight today
        svc("giulia.it", "DOM", date(2027, 6, 1), customer="C002"),
    ])
    await with_emails(app, C001=MARIO, C002=GIULIA)
    return ids


async def rows(app: Sportello) -> dict[str, MailMessage]:
    async with app.sessions() as session:
        found = (await session.execute(select(MailMessage))).scalars().all()
        return {r.key: r for r in found}


def later(delta: timedelta) -> Callable[[], datetime]:
    return lambda: datetime.now(UTC) + delta


async def pay_renewal(app: Sportello, code: str, service_id: int) -> None:
    cid = await customer_id(app, code)
    quote = await app.quote_renewal(cid, [service_id])
    await app.checkout(cid, quote.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)


async def wait_for(check: Callable[[], Awaitable[bool]] | Callable[[], bool],
                   what: str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        outcome = check()
        if asyncio.iscoroutine(outcome):
            outcome = await outcome
        if outcome:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"waited {WAIT}s in vain for {what}")


def pdf_of(message: EmailMessage) -> tuple[str, bytes]:
    [part] = [p for p in message.iter_attachments()]
    assert part.get_content_type() == "application/pdf"
    return str(part.get_filename()), part.get_content()


def bodies(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return (text.get_content().replace("\r\n", "\n"),
            html.get_content().replace("\r\n", "\n"))


# --- what is sent ------------------------------------------------------------------------


async def test_reminder_renewal_receipt_cancellation_and_reply(
        app: Sportello, shop: dict[str, int], smtp: Inbox) -> None:
    await app.run_lifecycle()
    await pay_renewal(app, "C002", shop["giulia.it"])
    mario = await customer_id(app, "C001")
    await app.cancel_service(await customer_id(app, "C002"), shop["giulia.it"],
                             "Costo troppo alto", "Giulia Bianchi")
    ticket = await app.open_ticket(mario, "altro", "Il sito è lento")
    await app.add_ticket_message(ticket.id, "Abbiamo aumentato le risorse.",
                                 Actor.support("anna"))
    done = await Mailer(app).round()
    assert (done.queued, done.sent, done.retry, done.failed) == (5, 5, 0, 0)

    subjects = {m["Subject"]: m for m in smtp.messages}
    assert set(subjects) == {
        "mariorossi.it scade tra 20 giorni",
        "Fattura 2026/000001: rinnovo di vps",
        "Pagamento ricevuto: ordine SPT-000002",
        "Disdetta confermata: giulia.it",
        f"Risposta alla tua richiesta n. {ticket.id}: Il sito è lento",
    }
    reminder = subjects["mariorossi.it scade tra 20 giorni"]
    assert reminder["To"] == MARIO
    assert reminder["From"] == "Sportello Hosting <fatture@sportello.example>"
    text, html = bodies(reminder)
    assert text.startswith("Gentile Mario Rossi,\n\nil servizio mariorossi.it scade "
                           "l'11 dicembre 2026.")
    assert "disattivarli dalla chat" in text and "l'11 dicembre 2026" in html
    assert "<p>Gentile Mario Rossi,</p>" in html
    assert not list(reminder.iter_attachments())

    renewal = subjects["Fattura 2026/000001: rinnovo di vps"]
    text, _ = bodies(renewal)
    assert "rinnovato automaticamente fino al 21 novembre 2027" in text
    assert "fattura 2026/000001 di € 732,00, da saldare entro il 1° dicembre 2026" in text
    name, pdf = pdf_of(renewal)
    assert name == "Fattura_2026-000001.pdf" and pdf.startswith(b"%PDF")

    receipt = subjects["Pagamento ricevuto: ordine SPT-000002"]
    assert receipt["To"] == GIULIA
    text, _ = bodies(receipt)
    assert "pagamento di € 12,08 per l'ordine SPT-000002" in text
    assert "In allegato trovi la fattura 2026/000002." in text
    name, pdf = pdf_of(receipt)
    assert name == "Fattura_2026-000002.pdf" and pdf.startswith(b"%PDF")

    cancel = subjects["Disdetta confermata: giulia.it"]
    assert cancel["To"] == GIULIA
    assert "resta attivo fino al 1° giugno 2028" in bodies(cancel)[0]  # renewed above

    reply = subjects[f"Risposta alla tua richiesta n. {ticket.id}: Il sito è lento"]
    assert reply["To"] == MARIO and "Abbiamo aumentato le risorse." in bodies(reply)[0]
    # A second round finds nothing new: one message per event.
    again = await Mailer(app).round()
    assert (again.queued, again.sent) == (0, 0) and len(smtp.messages) == 5
    assert {r.status for r in (await rows(app)).values()} == {"sent"}


async def test_a_customer_without_a_chat_gets_email_only_and_none_without_address(
        app: Sportello, shop: dict[str, int], smtp: Inbox) -> None:
    await with_emails(app, C001=None)
    assert await app.chats_of(await customer_id(app, "C002")) == []
    await pay_renewal(app, "C002", shop["giulia.it"])
    await pay_renewal(app, "C001", shop["mariorossi.it"])
    await Mailer(app).round()
    assert [m["To"] for m in smtp.messages] == [GIULIA]
    assert list(await rows(app)) == ["notice:1"]


async def test_mail_off_queues_nothing(app: Sportello, shop: dict[str, int],
                                       smtp: Inbox) -> None:
    app.settings = app.settings.model_copy(update={"smtp_host": None})
    await pay_renewal(app, "C002", shop["giulia.it"])
    assert (await Mailer(app).round()).queued == 0
    assert await rows(app) == {} and smtp.messages == []


async def test_reminder_emails_off_and_on_from_the_chat(
        app: Sportello, shop: dict[str, int], smtp: Inbox) -> None:
    chat = await Chat.open(app, await customer_id(app, "C001"))
    await chat.press("I miei prodotti")
    text = await chat.press("Disattiva promemoria email")
    assert text == ("Fatto: non ti invieremo più i promemoria di scadenza via email. "
                    f"Fatture e ricevute continueranno ad arrivare a {MARIO}.")
    await app.run_lifecycle()  # a reminder for mariorossi.it, a fattura for vps
    await pay_renewal(app, "C001", shop["mariorossi.it"])
    await Mailer(app).round()
    assert sorted(m["Subject"] for m in smtp.messages) == [
        "Fattura 2026/000001: rinnovo di vps", "Pagamento ricevuto: ordine SPT-000002"]
    await chat.press("I miei prodotti")
    assert "Disattiva promemoria email" not in chat.labels
    assert "ti invieremo di nuovo" in await chat.press("Attiva promemoria email")
    await chat.press("I miei prodotti")
    assert "Disattiva promemoria email" in chat.labels


# --- one message per event ---------------------------------------------------------------


async def replies(app: Sportello, count: int) -> None:
    mario = await customer_id(app, "C001")
    ticket = await app.open_ticket(mario, "altro", "Domanda")
    for n in range(count):
        await app.add_ticket_message(ticket.id, f"Risposta {n}", Actor.support("anna"))


async def test_two_workers_at_once_send_each_message_once(
        app: Sportello, shop: dict[str, int], smtp: Inbox) -> None:
    await replies(app, 12)
    first, second = Mailer(app, worker="uno"), Mailer(app, worker="due")
    done = await asyncio.gather(first.round(), second.round(), first.round(), second.round())
    assert sum(d.queued for d in done) == 12 and sum(d.sent for d in done) == 12
    ids = [m["Message-ID"] for m in smtp.messages]
    assert len(ids) == 12 and len(set(ids)) == 12
    assert sorted(bodies(m)[0].split("\n\n")[2] for m in smtp.messages) == sorted(
        f"Risposta {n}" for n in range(12))


async def test_a_worker_killed_while_the_server_holds_data_then_another_sends_once(
        app: Sportello, shop: dict[str, int], smtp: Inbox, database_url: str) -> None:
    await replies(app, 1)
    assert await Mailer(app).feed() == 1  # queued; the killed process sends it
    smtp.hold_next = True
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SPORTELLO_SMTP_HOST": "127.0.0.1",
           "SPORTELLO_SMTP_PORT": str(smtp.port), "SPORTELLO_SMTP_STARTTLS": "false"}
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "mail", "send", "--db", database_url,
        "--today", "2026-11-21", cwd=str(ROOT), env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        assert await asyncio.to_thread(smtp.holding.wait, WAIT), "the worker never sent"
        worker.send_signal(signal.SIGKILL)
        await worker.wait()
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
    smtp.release.set()
    [row] = (await rows(app)).values()
    assert row.status == "pending" and row.claimed_by is not None  # the dead worker's lease
    assert smtp.messages == []
    # While the lease lasts nobody else sends it; once it is over, one worker does.
    assert (await Mailer(app).round()).sent == 0
    assert (await Mailer(app, now=later(timedelta(hours=1))).round()).sent == 1
    assert (await Mailer(app, now=later(timedelta(hours=2))).round()).sent == 0
    [message] = smtp.messages
    assert "Risposta 0" in bodies(message)[0]
    assert message["Message-ID"].startswith("<ticket-message.2.")


# --- failures --------------------------------------------------------------------------


async def test_server_down_then_back_is_retried_and_delivered_once(
        app: Sportello, shop: dict[str, int]) -> None:
    inbox = Inbox(free_port())  # nothing listens there yet
    app.settings = app.settings.model_copy(update={"smtp_port": inbox.port})
    await pay_renewal(app, "C002", shop["giulia.it"])
    done = await Mailer(app).round()
    assert (done.sent, done.retry) == (0, 1)
    [row] = (await rows(app)).values()
    assert row.status == "pending" and row.attempts == 1 and row.claimed_by is None
    assert row.last_error and "SMTPConnect" in row.last_error
    assert row.next_attempt_at > datetime.now(UTC)  # a pause before the next try
    assert (await Mailer(app).round()).retry == 0  # not due yet
    done = await Mailer(app, now=later(timedelta(minutes=2))).round()  # still down
    [row] = (await rows(app)).values()
    assert done.retry == 1 and row.attempts == 2
    pause = row.next_attempt_at - datetime.now(UTC)
    assert pause > timedelta(minutes=3)  # it grows: two minutes more than «now + 2 min»
    controller = start_server(inbox)
    try:
        done = await Mailer(app, now=later(timedelta(hours=1))).round()
        assert done.sent == 1
        assert (await Mailer(app, now=later(timedelta(days=1))).round()).sent == 0
    finally:
        controller.stop()
    [message] = inbox.messages
    assert message["To"] == GIULIA and pdf_of(message)[1].startswith(b"%PDF")
    [row] = (await rows(app)).values()
    assert row.status == "sent" and row.attempts == 3 and row.last_error is None


async def test_a_refused_recipient_fails_with_its_reason_and_support_gets_a_ticket(
        app: Sportello, shop: dict[str, int], smtp: Inbox) -> None:
    smtp.refuse.add(GIULIA)
    await pay_renewal(app, "C002", shop["giulia.it"])
    done = await Mailer(app).round()
    assert (done.sent, done.failed) == (0, 1)
    [row] = (await rows(app)).values()
    assert row.status == "failed" and row.attempts == 1
    assert row.last_error is not None and "550" in row.last_error
    assert "Utente sconosciuto" in row.last_error
    # Not tried again, however late.
    assert (await Mailer(app, now=later(timedelta(days=30))).round()).failed == 0
    assert smtp.messages == [] and (await rows(app))[row.key].attempts == 1
    async with app.sessions() as session:
        [ticket] = (await session.execute(select(Ticket))).scalars().all()
    assert ticket.category == "pagamenti" and ticket.subject == "2026/000001"
    assert ticket.context["reason"] == "mail_failed" and ticket.context["recipient"] == GIULIA
    from handlers.ticket_text import reason

    assert reason(ticket.context) == (
        "Motivo: l'email con un documento non è stata consegnata al cliente. Inviarlo in un "
        "altro modo e correggere l'indirizzo email del cliente.")
    assert ticket.context["document"] == "2026/000001"
    assert ticket.context["error"] == "550 5.1.1 Utente sconosciuto"


def test_message_id_is_stable_per_row() -> None:
    from bot.mailer import message_id

    at = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    first = message_id("notice:12", at, "Sportello <fatture@sportello.example>")
    assert first == message_id("notice:12", at, "Sportello <fatture@sportello.example>")
    assert first.startswith("<notice.12.") and first.endswith("@sportello.example>")
    assert first != message_id("notice:13", at, "fatture@sportello.example")


async def test_sportello_mail_send_one_pass(
        app: Sportello, shop: dict[str, int], smtp: Inbox, database_url: str,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    await pay_renewal(app, "C002", shop["giulia.it"])
    from bot import cli

    monkeypatch.setenv("SPORTELLO_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("SPORTELLO_SMTP_STARTTLS", "false")
    monkeypatch.delenv("SPORTELLO_SMTP_HOST", raising=False)
    args = ["mail", "send", "--db", database_url, "--today", "2026-11-21"]
    assert await asyncio.to_thread(cli.main, args) == 2
    assert "SPORTELLO_SMTP_HOST" in capsys.readouterr().err
    monkeypatch.setenv("SPORTELLO_SMTP_HOST", "127.0.0.1")
    assert await asyncio.to_thread(cli.main, args) == 0
    assert capsys.readouterr().out.strip() == (
        "Email accodate: 1. Inviate: 1. Da riprovare: 0. Non consegnabili: 0.")
    assert [m["To"] for m in smtp.messages] == [GIULIA]
