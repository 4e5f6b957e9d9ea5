"""Tickets: every dead end becomes one, carrying what support needs to act without asking."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from core.cards import mask_cards, mask_within
from core.context import Actor, Ctx
from core.errors import NotAllowed, NotFound, TicketClosed
from core.models import Customer, Service, Ticket, TicketMessage, TicketNotice

OPEN_STATES = ("aperto", "in_carico")
IDLE = "idle"  # the reason of a ticket closed for no answer from the customer
MAX_TEXT = 4000


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """Text as stored: no NUL (PostgreSQL refuses it), card numbers masked (before the cut,
    so none is cut to a shorter run of its digits), at most `limit` characters."""
    return mask_cards(text.replace("\x00", ""))[:limit]


def subject_of(text: str) -> str:
    """A subject made from the first words of a message (masked before it is cut)."""
    return mask_cards(text).strip()[:80]


async def open_ticket(
    ctx: Ctx, customer_id: int, category: str, subject: str, text: str,
    service_id: int | None = None, context: dict[str, Any] | None = None,
    author: Actor | None = None, attachment: dict[str, Any] | None = None,
) -> Ticket:
    """A new ticket; its first message is `text`, written by `author` (default: whoever
    acts; the system for tickets the bot opens on its own, so they go to support)."""
    if await ctx.session.get(Customer, customer_id) is None:
        raise NotFound(entity="customer", id=customer_id)
    if service_id is not None:
        service = await ctx.session.get(Service, service_id)
        if service is None or service.customer_id != customer_id:
            raise NotFound(entity="service", id=service_id)
    ticket = Ticket(
        customer_id=customer_id, service_id=service_id, category=category,
        subject=clean_text(subject, 200), status="aperto", context=mask_within(context or {}),
        created_at=ctx.now,
        messages=[],
    )
    ctx.session.add(ticket)
    await ctx.session.flush()
    # Always a first message, even an empty one: it is what carries the ticket to the
    # support group (see the relay outbox, `relayed_at`).
    writer = author or ctx.actor
    ctx.session.add(TicketMessage(ticket_id=ticket.id, author_kind=writer.kind,
                                  author=writer.id, text=clean_text(text),
                                  created_at=ctx.now, attachment=attachment))
    await ctx.audit("ticket", ticket.id, "opened", category=category, service_id=service_id)
    return ticket


async def open_ticket_of(ctx: Ctx, customer_id: int) -> Ticket | None:
    """The customer's most recent open ticket, if any."""
    return (await ctx.session.execute(
        select(Ticket).where(Ticket.customer_id == customer_id,
                             Ticket.status.in_(OPEN_STATES))
        .order_by(Ticket.id.desc()).limit(1))).scalars().first()


async def open_ticket_for(
    ctx: Ctx, customer_id: int, service_id: int | None, category: str
) -> Ticket | None:
    """An open ticket of this category for this service, if there is one (avoid duplicates)."""
    return (await ctx.session.execute(
        select(Ticket).where(Ticket.customer_id == customer_id,
                             Ticket.service_id.is_(None) if service_id is None
                             else Ticket.service_id == service_id,
                             Ticket.category == category, Ticket.status.in_(OPEN_STATES))
    )).scalars().first()


async def get_ticket(ctx: Ctx, ticket_id: int, customer_id: int | None = None) -> Ticket:
    """A ticket; with `customer_id`, only if it is theirs."""
    ticket = await ctx.session.get(Ticket, ticket_id)
    if ticket is None or (customer_id is not None and ticket.customer_id != customer_id):
        raise NotFound(entity="ticket", id=ticket_id)
    return ticket


async def add_message(ctx: Ctx, ticket: Ticket, text: str,
                      attachment: dict[str, Any] | None = None) -> TicketMessage:
    """A message on an open ticket: some text, or a file (`attachment`) with its caption."""
    if ticket.status == "chiuso":
        raise TicketClosed(ticket_id=ticket.id)
    if not text.strip() and not attachment:
        raise NotAllowed(reason="empty_message")
    message = TicketMessage(ticket_id=ticket.id, author_kind=ctx.actor.kind,
                            author=ctx.actor.id, text=clean_text(text), created_at=ctx.now,
                            attachment=attachment)
    ctx.session.add(message)
    await ctx.audit("ticket", ticket.id, "message", author_kind=ctx.actor.kind)
    return message


async def assign(ctx: Ctx, ticket: Ticket, staff: str) -> None:
    if ticket.status == "chiuso":
        raise TicketClosed(ticket_id=ticket.id)
    ticket.status, ticket.assigned_to = "in_carico", staff
    await ctx.audit("ticket", ticket.id, "assigned", staff=staff)


async def close(ctx: Ctx, ticket: Ticket, reason: str | None = None) -> None:
    if ticket.status == "chiuso":
        return
    ticket.status, ticket.closed_at = "chiuso", ctx.now
    ticket.closed_reason = IDLE if reason == IDLE else None
    # The customer is told (and asked for a rating) through the outbox, in this same
    # transaction: a crash before the message goes out loses nothing. One notice per
    # closing: keyed by the ticket's last message (a reopening always adds one), so two
    # workers closing the same idle ticket at once collide and the second finds it closed.
    last = (await ctx.session.execute(select(func.max(TicketMessage.id)).where(
        TicketMessage.ticket_id == ticket.id))).scalar_one_or_none()
    ctx.session.add(TicketNotice(
        ticket_id=ticket.id, customer_id=ticket.customer_id,
        kind="closed_idle" if reason == IDLE else "closed",
        dedup_key=f"closed:{ticket.id}:{last}", created_at=ctx.now))
    await ctx.session.flush()
    await ctx.audit("ticket", ticket.id, "closed", reason=reason)
