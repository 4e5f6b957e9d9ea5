"""The email outbox as the mailer and the chat use it (see `core.mail`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from core import documents, mail
from core.app.base import AppBase
from core.context import SYSTEM, Actor, Ctx
from core.documents import Document
from core.mail import Claimed, Composed, MailEvent
from core.models import Customer, Invoice, MailMessage


class Mail(AppBase):
    async def mail_events(self, limit: int = 200) -> list[MailEvent]:
        """Recent events owed an email and not yet in the outbox."""
        return await self._read(lambda ctx: mail.new_events(ctx, limit))

    async def queue_mail(self, items: list[Composed]) -> int:
        async with self._ctx(SYSTEM) as ctx:
            return await mail.queue(ctx, items)

    async def claim_mail(self, worker: str, now: datetime, lease: timedelta,
                         limit: int = 20) -> list[Claimed]:
        async with self._ctx(SYSTEM) as ctx:
            return await mail.claim(ctx, worker, now, lease, limit)

    async def mail_sent(self, row_id: int, worker: str, now: datetime) -> bool:
        async with self._ctx(SYSTEM) as ctx:
            return await mail.mark_sent(ctx, row_id, worker, now)

    async def mail_retry(self, row_id: int, worker: str, error: str,
                         next_at: datetime) -> bool:
        async with self._ctx(SYSTEM) as ctx:
            return await mail.mark_retry(ctx, row_id, worker, error, next_at)

    async def mail_failed(self, row_id: int, worker: str, error: str) -> bool:
        async with self._ctx(SYSTEM) as ctx:
            return await mail.mark_failed(ctx, row_id, worker, error)

    async def mail_document(self, invoice_id: int) -> Document | None:
        """The frozen document a mail attaches (its PDF is rendered at send time)."""
        async def work(ctx: Ctx) -> Document | None:
            invoice = await ctx.session.get(Invoice, invoice_id)
            return documents.read(invoice) if invoice is not None else None
        return await self._read(work)

    async def mail_counts(self) -> dict[str, int]:
        """Outbox rows by status (pending, sent, failed)."""
        async def work(ctx: Ctx) -> dict[str, int]:
            rows = await ctx.session.execute(
                select(MailMessage.status, func.count()).group_by(MailMessage.status))
            return {str(status): int(n) for status, n in rows.all()}
        return await self._read(work)

    async def reminder_emails(self, customer_id: int) -> tuple[str | None, bool]:
        """(the customer's email or None, whether they get reminder emails)."""
        customer = await self._read(lambda ctx: ctx.session.get(Customer, customer_id))
        assert customer is not None
        return customer.email or None, bool(customer.reminder_emails)

    async def set_reminder_emails(self, customer_id: int, on: bool,
                                  key: str | None = None) -> tuple[str | None, bool]:
        async def work(ctx: Ctx) -> dict[str, Any]:
            email, state = await mail.set_reminder_emails(ctx, customer_id, on)
            return {"email": email, "on": state}
        result = await self._write(key, "reminder_emails", Actor.customer(customer_id), work)
        return result["email"], bool(result["on"])
