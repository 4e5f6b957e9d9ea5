"""What a customer does to a service besides paying: renewal mode, cancel, undo, recover."""

from __future__ import annotations

from sqlalchemy import select

from core.billing import own_service, quote_renewal
from core.context import Ctx
from core.errors import NameMismatch, NotAllowed, PendingOrderExists
from core.models import Order, RenewalClaim, Service
from core.names import names_match
from core.pricing import Quote
from core.reports import announce_cancellation
from core.settlement import void_stale
from core.states import ATTIVO, DISDETTO, ELIMINATO, RENEWAL_MODES, SCADUTO, recovery_deadline
from core.tickets import clean_text, open_ticket, open_ticket_for


async def set_renewal_mode(ctx: Ctx, customer_id: int, service_id: int, mode: str) -> Service:
    if mode not in RENEWAL_MODES:
        raise NotAllowed(reason="unknown_mode", mode=mode)
    service = await own_service(ctx, customer_id, service_id)
    if service.status != ATTIVO or service.expires_on <= ctx.today:
        raise NotAllowed(reason="mode_needs_active", service_id=service_id)
    if service.renewal_mode != mode:
        old, service.renewal_mode = service.renewal_mode, mode
        await ctx.audit("service", service.id, "renewal_mode", old=old, new=mode)
    return service


async def cancel(
    ctx: Ctx, customer_id: int, service_id: int, reason: str, typed_name: str
) -> Service:
    """Non rinnovare: checked against the holder's name; stays active until expiry."""
    service = await own_service(ctx, customer_id, service_id)
    if service.status != ATTIVO or service.expires_on <= ctx.today:
        raise NotAllowed(reason="cancel_needs_active", service_id=service_id)
    if not names_match(typed_name, service.customer.nominativo):
        raise NameMismatch(service_id=service_id)
    pending = (await ctx.session.execute(
        select(Order).join(RenewalClaim, RenewalClaim.order_id == Order.id)
        .where(RenewalClaim.service_id == service_id, Order.status == "pending")
    )).scalars().first()
    if pending is not None:
        raise PendingOrderExists(order_id=pending.id, reference=pending.reference,
                                 service_id=service_id)
    service.status = DISDETTO
    service.cancellation_reason = clean_text(reason.strip(), 500) or None
    service.cancelled_on = ctx.today
    service.pending_plan_id = service.pending_change_on = None
    await ctx.audit("service", service.id, "cancelled", reason=service.cancellation_reason)
    await announce_cancellation(ctx, service)  # the support group's outbox, same transaction
    await ctx.session.flush()
    await void_stale(ctx, [service.id], f"customer:{customer_id}")
    return service


async def undo_cancel(ctx: Ctx, service: Service) -> None:
    service.status = ATTIVO
    service.cancellation_reason = service.cancelled_on = None
    await ctx.audit("service", service.id, "cancel_undone")
    await ctx.session.flush()
    await void_stale(ctx, [service.id], f"{ctx.actor.kind}:{ctx.actor.id}")


async def recover(
    ctx: Ctx, customer_id: int, service_id: int, note: str = "",
    conversation: list[str] | None = None,
) -> tuple[str, Service, Quote | None, int | None]:
    """Recupera prodotto: (outcome, service, quote, ticket id).

    - cancelled, before expiry: reinstated at no cost;
    - expired or cancelled, within the free window: a renewal quote to pay;
    - later: a ticket for support (restoration costs apply), one per service, with
      `note` (the customer's request, as the chat words it) and the conversation so far.
    """
    service = await own_service(ctx, customer_id, service_id, include_deleted=True)
    if service.status == DISDETTO and service.expires_on > ctx.today:
        await undo_cancel(ctx, service)
        return "reinstated", service, None, None
    lapsed = service.status in (SCADUTO, DISDETTO, ELIMINATO) or (
        service.status == ATTIVO and service.expires_on <= ctx.today)
    if not lapsed:
        raise NotAllowed(reason="nothing_to_recover", service_id=service_id)
    days = (ctx.today - service.expires_on).days
    if ctx.today <= recovery_deadline(service.expires_on, ctx.settings.recovery_days):
        quote = await quote_renewal(ctx, customer_id, [service_id])
        return "renewal_quote", service, quote, None
    ticket = await open_ticket_for(ctx, customer_id, service_id, "recupero")
    if ticket is None:
        ticket = await open_ticket(
            ctx, customer_id, "recupero", f"{service.name}", note, service_id=service_id,
            context={"reason": "late_recovery", "action": "recover",
                     "plan": service.plan.code, "expired_on": service.expires_on.isoformat(),
                     "days_since_expiry": days, "conversation": conversation or []},
        )
    return "ticket", service, None, ticket.id
