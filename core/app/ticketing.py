"""Support tickets: opened by the bot or the customer, written on by both sides."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.sql import Select

from core import tickets
from core.app.base import AppBase
from core.context import Actor, Ctx
from core.models import (
    Customer,
    Plan,
    Service,
    Ticket,
)
from core.views import (
    Attachment,
    TicketView,
    ticket_view,
)

# Tickets with what support reads instead of ids: the customer's code and name, the
# service's name (tickets without a service have none).
_TICKETS = (
    select(Ticket, Customer.code, Customer.nominativo, Service.name)
    .join(Customer, Customer.id == Ticket.customer_id)
    .outerjoin(Service, Service.id == Ticket.service_id))


async def _ticket_views(ctx: Ctx, query: Select[Any]) -> list[TicketView]:
    """`query` (built on `_TICKETS`) as views; the plan codes the contexts name are read as
    plan names in one more statement."""
    rows = (await ctx.session.execute(query)).all()
    codes = {str(row[0].context["plan"]) for row in rows if (row[0].context or {}).get("plan")}
    plans: dict[str, str] = {}
    if codes:
        plans = dict((await ctx.session.execute(
            select(Plan.code, Plan.name).where(Plan.code.in_(codes)))).all())
    return [ticket_view(ticket, code, name, service,
                        plans.get(str((ticket.context or {}).get("plan"))))
            for ticket, code, name, service in rows]


class Ticketing(AppBase):

    async def open_ticket(self, customer_id: int, category: str, text: str,
                          service_id: int | None = None, context: dict[str, Any] | None = None,
                          subject: str | None = None, key: str | None = None,
                          join_open: bool = False,
                          attachment: Attachment | None = None) -> TicketView:
        """A new ticket; with `join_open`, `text` is added to the ticket already open for
        the same need instead (any open ticket of the customer for an operator request,
        else one of the same category and service): asking twice never opens two.
        `attachment`: a file sent with `text` (its caption)."""
        stored = attachment.as_json() if attachment else None
        async def work(ctx: Ctx) -> dict[str, Any]:
            existing = None
            if join_open:
                existing = (await tickets.open_ticket_of(ctx, customer_id)
                            if category == "operatore"
                            else await tickets.open_ticket_for(ctx, customer_id, service_id,
                                                               category))
            if existing is not None:
                await tickets.add_message(ctx, existing, text or category, stored)
                return {"ticket_id": existing.id, "reused": True}
            ticket = await tickets.open_ticket(
                ctx, customer_id, category, subject or tickets.subject_of(text) or category, text,
                service_id, context, attachment=stored)
            return {"ticket_id": ticket.id, "reused": False}
        result = await self._write(key, "open_ticket", Actor.customer(customer_id), work)
        view = await self.get_ticket(result["ticket_id"], customer_id)
        return replace(view, reused=bool(result.get("reused")))

    async def get_ticket(self, ticket_id: int, customer_id: int | None = None) -> TicketView:
        async def work(ctx: Ctx) -> TicketView:
            ticket = await tickets.get_ticket(ctx, ticket_id, customer_id)
            return (await _ticket_views(ctx, _TICKETS.where(Ticket.id == ticket.id)))[0]
        return await self._read(work)

    async def list_tickets(self, customer_id: int | None = None,
                           open_only: bool = False) -> list[TicketView]:
        async def work(ctx: Ctx) -> list[TicketView]:
            query = _TICKETS.order_by(Ticket.id.desc())
            if customer_id is not None:
                query = query.where(Ticket.customer_id == customer_id)
            if open_only:
                query = query.where(Ticket.status.in_(tickets.OPEN_STATES))
            return await _ticket_views(ctx, query)
        return await self._read(work)

    async def add_ticket_message(self, ticket_id: int, text: str, actor: Actor,
                                 key: str | None = None,
                                 attachment: Attachment | None = None) -> TicketView:
        """A customer (only on their own ticket) or a support member writes on a ticket:
        text, or a file (`attachment`) with its caption."""
        owner = int(actor.id) if actor.kind == "customer" else None

        async def work(ctx: Ctx) -> dict[str, Any]:
            ticket = await tickets.get_ticket(ctx, ticket_id, owner)
            await tickets.add_message(ctx, ticket, text,
                                      attachment.as_json() if attachment else None)
            return {"ticket_id": ticket_id}
        await self._write(key, "ticket_message", actor, work)
        return await self.get_ticket(ticket_id, owner)

    async def assign_ticket(self, ticket_id: int, staff: str,
                            key: str | None = None) -> TicketView:
        async def work(ctx: Ctx) -> dict[str, Any]:
            await tickets.assign(ctx, await tickets.get_ticket(ctx, ticket_id), staff)
            return {"ticket_id": ticket_id}
        await self._write(key, "assign_ticket", Actor.support(staff), work)
        return await self.get_ticket(ticket_id)

    async def close_ticket(self, ticket_id: int, staff: str, reason: str | None = None,
                           key: str | None = None) -> TicketView:
        async def work(ctx: Ctx) -> dict[str, Any]:
            await tickets.close(ctx, await tickets.get_ticket(ctx, ticket_id), reason)
            return {"ticket_id": ticket_id}
        await self._write(key, "close_ticket", Actor.support(staff), work)
        return await self.get_ticket(ticket_id)

