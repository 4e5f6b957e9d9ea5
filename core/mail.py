"""Email to customers through an outbox (`MailMessage`, table `mail_outbox`).

Where a mail comes from: every event that deserves one already leaves a durable record in
its own transaction (a lifecycle or payment `Notice`, a support `TicketMessage`, the
cancellation's `RoomPost`). `new_events` finds the recent ones not yet in the outbox, the
mailer composes them (Italian, `handlers.mail_text`) and `queue` inserts them under their
unique key (`notice:<id>`, `ticket-message:<id>`, `cancellation:<id>`): whatever the number
of workers and crashes, one row per event, none lost while the event is younger than
`CATCH_UP_DAYS`.

How a row is sent: `claim` gives a worker a lease on due rows (a conditional UPDATE: two
workers never hold one row), the worker sends, then `mark_sent` / `mark_retry` /
`mark_failed` (only while it still holds the lease).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, cast, exists, literal, or_, select, update
from sqlalchemy.exc import IntegrityError

from core.context import SYSTEM, Ctx
from core.models import (
    Customer,
    Invoice,
    MailMessage,
    Notice,
    Order,
    RoomPost,
    Service,
    Ticket,
    TicketMessage,
)
from core.tickets import open_ticket

CATCH_UP_DAYS = 7  # an event older than this when the mailer first sees it is not mailed
MAILED_NOTICES = ("tacit_invoice", "order_paid")  # and every reminder_<days>
DOCUMENT_KINDS = ("tacit_invoice", "order_paid")  # a lost one opens a ticket for support
ERROR_LENGTH = 500


@dataclass(frozen=True)
class MailEvent:
    """An event a customer gets an email for, with the facts its text needs."""

    key: str
    kind: str  # reminder | tacit_invoice | order_paid | cancellation | ticket_reply
    customer_id: int
    email: str
    name: str
    facts: dict[str, Any] = field(default_factory=dict)
    invoice_id: int | None = None


@dataclass(frozen=True)
class Composed:
    """A mail ready for the outbox."""

    event: MailEvent
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Claimed:
    """A row a worker holds the lease of."""

    id: int
    key: str
    kind: str
    customer_id: int
    recipient: str
    subject: str
    text: str
    html: str
    invoice_id: int | None
    attempts: int
    created_at: datetime


def _has_email() -> Any:
    return and_(Customer.email.is_not(None), Customer.email != "")


def _not_queued(prefix: str, column: Any) -> Any:
    key = literal(prefix, String) + cast(column, String)
    return ~exists().where(MailMessage.key == key)


async def new_events(ctx: Ctx, limit: int = 200) -> list[MailEvent]:
    """Recent events with a customer email and no outbox row yet, oldest first per source.
    Reminders only for customers who keep reminder emails on."""
    since_day = ctx.today - timedelta(days=CATCH_UP_DAYS)
    since = ctx.now - timedelta(days=CATCH_UP_DAYS)
    events: list[MailEvent] = []
    notices = await ctx.session.execute(
        select(Notice.id, Notice.kind, Notice.ref_date, Notice.created_on, Notice.customer_id,
               Customer.email, Customer.nominativo, Service.name, Service.expires_on,
               Order.id, Order.total, Order.method, Invoice.id,
               Invoice.year, Invoice.seq, Invoice.doc_type, Invoice.total, Invoice.due_on)
        .join(Customer, Customer.id == Notice.customer_id)
        .join(Service, Service.id == Notice.service_id)
        .outerjoin(Order, Order.id == Notice.order_id)
        .outerjoin(Invoice, Invoice.order_id == Notice.order_id)
        .where(Notice.created_on >= since_day, _has_email(),
               or_(Notice.kind.in_(MAILED_NOTICES),
                   # A reminder still true today: same expiry, not past, still on request.
                   and_(Notice.kind.like("reminder_%"), Customer.reminder_emails.is_(True),
                        Notice.ref_date == Service.expires_on, Notice.ref_date >= ctx.today,
                        Service.status == "attivo", Service.renewal_mode == "su_richiesta")),
               _not_queued("notice:", Notice.id))
        .order_by(Notice.id).limit(limit))
    for (nid, kind, ref_date, _created_on, cid, email, name, service, expires_on, order_id,
         order_total, method, invoice_id, year, seq, doc_type, invoice_total,
         due_on) in notices.all():
        number = (Invoice(year=year, seq=seq, doc_type=doc_type).number
                  if invoice_id is not None else None)
        facts: dict[str, Any] = {"service": service, "expiry": expires_on}
        if kind.startswith("reminder_"):
            kind = "reminder"
            facts.update(expiry=ref_date, days=(ref_date - ctx.today).days)
        elif kind == "tacit_invoice":
            if invoice_id is None:
                continue
            facts.update(invoice=number, total=invoice_total, due=due_on, method=method)
        elif kind == "order_paid":
            if order_id is None:
                continue
            facts.update(reference=f"SPT-{order_id:06d}", total=order_total, invoice=number,
                         method=method)
        events.append(MailEvent(f"notice:{nid}", kind, cid, email, name, facts, invoice_id))
    replies = await ctx.session.execute(
        select(TicketMessage.id, TicketMessage.text, TicketMessage.attachment, Ticket.id,
               Ticket.subject, Ticket.customer_id, Customer.email, Customer.nominativo)
        .join(Ticket, Ticket.id == TicketMessage.ticket_id)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(TicketMessage.created_at >= since, TicketMessage.author_kind == "support",
               _has_email(), _not_queued("ticket-message:", TicketMessage.id))
        .order_by(TicketMessage.id).limit(limit))
    for mid, text, attachment, tid, subject, cid, email, name in replies.all():
        events.append(MailEvent(f"ticket-message:{mid}", "ticket_reply", cid, email, name,
                                {"ticket": tid, "subject": subject, "text": text,
                                 "file": attachment is not None}))
    posts = (await ctx.session.execute(
        select(RoomPost.id, RoomPost.payload)
        .where(RoomPost.kind == "cancellation", RoomPost.created_at >= since,
               _not_queued("cancellation:", RoomPost.id))
        .order_by(RoomPost.id).limit(limit))).all()
    codes = {str(payload.get("customer")) for _, payload in posts}
    customers = {c.code: c for c in (await ctx.session.execute(
        select(Customer).where(Customer.code.in_(codes), _has_email()))).scalars()}
    for pid, payload in posts:
        customer = customers.get(str(payload.get("customer")))
        expiry = payload.get("expires_on")
        if customer is None or not expiry:
            continue
        events.append(MailEvent(
            f"cancellation:{pid}", "cancellation", customer.id, str(customer.email),
            customer.nominativo,
            {"service": payload.get("service", ""), "expiry": date.fromisoformat(expiry),
             "reason": payload.get("reason", "")}))
    return events


async def queue(ctx: Ctx, items: list[Composed]) -> int:
    """Insert each composed mail under its event's key; one already there (another worker
    queued it) is skipped. Returns how many were queued here."""
    queued = 0
    for item in items:
        event = item.event
        if (await ctx.session.execute(select(MailMessage.id).where(
                MailMessage.key == event.key))).first() is not None:
            continue
        try:
            async with ctx.session.begin_nested():
                ctx.session.add(MailMessage(
                    key=event.key, customer_id=event.customer_id, recipient=event.email,
                    kind=event.kind, subject=item.subject[:300], body_text=item.text,
                    body_html=item.html, invoice_id=event.invoice_id, status="pending",
                    attempts=0, next_attempt_at=ctx.now, created_at=ctx.now))
            queued += 1
        except IntegrityError:
            continue
    return queued


def _free(now: datetime) -> Any:
    return or_(MailMessage.claimed_until.is_(None), MailMessage.claimed_until < now)


async def claim(ctx: Ctx, worker: str, now: datetime, lease: timedelta,
                limit: int) -> list[Claimed]:
    """Due rows (pending, next attempt reached, no live lease) now held by `worker`."""
    due = (await ctx.session.execute(
        select(MailMessage.id).where(MailMessage.status == "pending",
                                     MailMessage.next_attempt_at <= now, _free(now))
        .order_by(MailMessage.next_attempt_at, MailMessage.id).limit(limit))).scalars().all()
    held = []
    for row_id in due:
        taken = await ctx.session.execute(
            update(MailMessage).where(MailMessage.id == row_id, MailMessage.status == "pending",
                                      _free(now))
            .values(claimed_by=worker, claimed_until=now + lease)
            .execution_options(synchronize_session=False))
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            held.append(row_id)
    if not held:
        return []
    rows = (await ctx.session.execute(
        select(MailMessage).where(MailMessage.id.in_(held)).order_by(MailMessage.id)
    )).scalars().all()
    return [Claimed(r.id, r.key, r.kind, r.customer_id, r.recipient, r.subject, r.body_text,
                    r.body_html, r.invoice_id, r.attempts, r.created_at) for r in rows]


def _held(row_id: int, worker: str) -> Any:
    return and_(MailMessage.id == row_id, MailMessage.claimed_by == worker,
                MailMessage.status == "pending")


async def mark_sent(ctx: Ctx, row_id: int, worker: str, now: datetime) -> bool:
    """False if the lease was lost meanwhile (another worker may have sent it too)."""
    done = await ctx.session.execute(
        update(MailMessage).where(_held(row_id, worker))
        .values(status="sent", sent_at=now, attempts=MailMessage.attempts + 1,
                claimed_by=None, claimed_until=None, last_error=None)
        .execution_options(synchronize_session=False))
    return done.rowcount == 1  # type: ignore[attr-defined]


async def mark_retry(ctx: Ctx, row_id: int, worker: str, error: str,
                     next_at: datetime) -> bool:
    done = await ctx.session.execute(
        update(MailMessage).where(_held(row_id, worker))
        .values(attempts=MailMessage.attempts + 1, next_attempt_at=next_at,
                claimed_by=None, claimed_until=None, last_error=error[:ERROR_LENGTH])
        .execution_options(synchronize_session=False))
    return done.rowcount == 1  # type: ignore[attr-defined]


async def mark_failed(ctx: Ctx, row_id: int, worker: str, error: str) -> bool:
    """Given up: left for support with the reason. A lost document (a fattura, a receipt)
    opens a ticket, so that someone sends it another way."""
    row = await ctx.session.get(MailMessage, row_id)
    done = await ctx.session.execute(
        update(MailMessage).where(_held(row_id, worker))
        .values(status="failed", attempts=MailMessage.attempts + 1, claimed_by=None,
                claimed_until=None, last_error=error[:ERROR_LENGTH])
        .execution_options(synchronize_session=False))
    if done.rowcount != 1 or row is None:  # type: ignore[attr-defined]
        return False
    if row.kind in DOCUMENT_KINDS:
        number = None
        if row.invoice_id is not None:
            invoice = await ctx.session.get(Invoice, row.invoice_id)
            number = invoice.number if invoice is not None else None
        await open_ticket(ctx, row.customer_id, "pagamenti", number or row.key, "",
                          author=SYSTEM,
                          context={"reason": "mail_failed", "recipient": row.recipient,
                                   "document": number or "—", "mail": row.key,
                                   "error": error[:200]})
    return True


async def set_reminder_emails(ctx: Ctx, customer_id: int, on: bool) -> tuple[str | None, bool]:
    """The customer's choice; returns (email, reminder emails on)."""
    customer = await ctx.session.get(Customer, customer_id)
    assert customer is not None
    if customer.reminder_emails != on:
        customer.reminder_emails = on
        await ctx.audit("customer", customer_id, "reminder_emails", on=on)
    return customer.email or None, on
