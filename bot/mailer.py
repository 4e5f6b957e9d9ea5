"""The mailer: queues the emails owed (`core.mail`) and sends the outbox over SMTP.

One round (`Mailer.round`): recent events with no outbox row are composed and queued
under their unique key, then the due rows are claimed with a lease, sent one by one and
marked. Several workers (processes, machines) may run rounds at once: the unique key gives
one row per event, the lease gives one sender per row.

Failures: a refused connection, a timeout, a 4xx answer are tried again after a pause that
doubles (from `RETRY_FIRST` up to `RETRY_MAX`), `MAX_ATTEMPTS` times in all; a 5xx refusal
of the recipient or of the message is final: the row is marked failed with the server's
answer (a lost fattura or receipt opens a ticket for support).

The one window: the SMTP server has accepted the message and the worker dies (or loses the
database) before the row is marked sent. When the lease ends another worker sends it again,
with the same Message-ID (derived from the row's key and creation time), so the receiving
side can recognise the copy; the message is never lost, and sent twice only in that window.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

import aiosmtplib

from core.app import Sportello
from core.mail import Claimed
from handlers.mail_text import compose, pdf_file_name

log = logging.getLogger("sportello.mail")
RETRY_FIRST = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=6)
MAX_ATTEMPTS = 12  # about a day and a half of trying
BATCH = 20


def _real_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class RoundResult:
    queued: int = 0
    sent: int = 0
    retry: int = 0
    failed: int = 0


class Permanent(Exception):
    """The server refused the recipient or the message for good (5xx)."""


@dataclass
class Mailer:
    app: Sportello
    worker: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    now: Callable[[], datetime] = _real_now
    lease: timedelta | None = None  # default: ten SMTP timeouts

    @property
    def enabled(self) -> bool:
        return bool(self.app.settings.smtp_host)

    def _lease(self) -> timedelta:
        return self.lease or timedelta(seconds=10 * self.app.settings.smtp_timeout)

    async def round(self) -> RoundResult:
        """Queue what is owed, then send what is due. Nothing at all when mail is off."""
        result = RoundResult()
        if not self.enabled:
            return result
        result.queued = await self.feed()
        while True:
            claimed = await self.app.claim_mail(self.worker, self.now(), self._lease(), BATCH)
            if not claimed:
                return result
            for row in claimed:
                outcome = await self._send(row)
                setattr(result, outcome, getattr(result, outcome) + 1)

    async def feed(self) -> int:
        events = await self.app.mail_events()
        if not events:
            return 0
        return await self.app.queue_mail([compose(e, self.app.settings) for e in events])

    async def _send(self, row: Claimed) -> str:
        try:
            message = await self.message(row)
            await self._deliver(message)
        except Permanent as refused:
            reason = self._clean(str(refused))
            log.warning("mail refused for good", extra={"mail": row.key, "error": reason})
            await self.app.mail_failed(row.id, self.worker, reason)
            return "failed"
        except Exception as error:  # the network, the server, a timeout: try again later
            reason = self._clean(f"{type(error).__name__}: {error}")
            if row.attempts + 1 >= MAX_ATTEMPTS:
                await self.app.mail_failed(row.id, self.worker, reason)
                return "failed"
            pause = min(RETRY_FIRST * (2 ** row.attempts), RETRY_MAX)
            log.info("mail not sent, retrying", extra={"mail": row.key, "error": reason,
                                                       "pause": pause.total_seconds()})
            await self.app.mail_retry(row.id, self.worker, reason, self.now() + pause)
            return "retry"
        if not await self.app.mail_sent(row.id, self.worker, self.now()):
            log.warning("mail sent after its lease ended", extra={"mail": row.key})
        return "sent"

    async def message(self, row: Claimed) -> EmailMessage:
        settings = self.app.settings
        message = EmailMessage()
        message["From"] = settings.smtp_from
        message["To"] = row.recipient
        message["Subject"] = row.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = message_id(row.key, row.created_at, settings.smtp_from)
        message.set_content(row.text)
        message.add_alternative(row.html, subtype="html")
        if row.invoice_id is not None:
            from handlers.document_pdf import render_pdf  # fpdf2, loaded when first needed

            document = await self.app.mail_document(row.invoice_id)
            if document is None:
                raise Permanent(f"document {row.invoice_id} not found")
            message.add_attachment(render_pdf(document), maintype="application",
                                   subtype="pdf", filename=pdf_file_name(document.number))
        return message

    async def _deliver(self, message: EmailMessage) -> None:
        settings = self.app.settings
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        try:
            await aiosmtplib.send(
                message, hostname=settings.smtp_host, port=settings.smtp_port,
                username=settings.smtp_user, password=password, use_tls=settings.smtp_tls,
                start_tls=settings.smtp_starttls and not settings.smtp_tls,
                timeout=settings.smtp_timeout)
        except aiosmtplib.SMTPRecipientsRefused as refused:
            codes = [r.code for r in refused.recipients]
            if codes and all(code >= 500 for code in codes):
                raise Permanent("; ".join(f"{r.code} {r.message}" for r in refused.recipients)
                                ) from None
            raise
        except (aiosmtplib.SMTPRecipientRefused, aiosmtplib.SMTPDataError) as refused:
            if refused.code >= 500:
                raise Permanent(f"{refused.code} {refused.message}") from None
            raise

    def _clean(self, text: str) -> str:
        """An error as stored and logged: one line, never the password."""
        secret = self.app.settings.smtp_password
        if secret is not None and secret.get_secret_value():
            text = text.replace(secret.get_secret_value(), "***")
        return " ".join(text.split())[:500]


def message_id(key: str, created_at: datetime, sender: str) -> str:
    """The same for every attempt at one row: `<notice.12.5f1c…@sportello.example>`."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "sportello.invalid"
    stamp = hashlib.sha256(f"{key}|{created_at.isoformat()}".encode()).hexdigest()[:16]
    return f"<{key.replace(':', '.')}.{stamp}@{domain}>"
