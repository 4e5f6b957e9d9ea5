"""What support does for a customer, inside one operation's transaction.

Support acts through the customer's own operations (`core.actions`, `core.billing`); what is
particular to staff lives here: the restoration after the free window (an order with the fee
staff set, sent to the customer to pay), a payment that quotes no order, and the notice that
tells the customer, written in the same transaction as the action so a crash between the
two loses nothing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select

from core import settlement
from core.billing import order_from_quote, quote_renewal
from core.context import Ctx
from core.dates import add_months
from core.errors import NotAllowed, NotFound, PendingOrderExists, RenewalAlreadyOrdered
from core.models import Customer, Notice, Order, OrderLine, Service
from core.money import money, vat_of
from core.states import ATTIVO, DISDETTO, ELIMINATO, SCADUTO, SOSPESO

RESTORATION_LINES = ("restoration", "restoration_fee")
RESTORABLE = (SCADUTO, DISDETTO, ELIMINATO, SOSPESO)
DELETED_RESTORABLE_DAYS = 90  # as long as a deleted service is listed (core.app.services)


async def notify(ctx: Ctx, service: Service, kind: str, key: str,
                 order_id: int | None = None, **detail: Any) -> None:
    """A notice for the customer about `service`, once per `key` (the action's)."""
    dedup = f"{kind}:{key}"[:96]
    if await ctx.session.scalar(select(Notice.id).where(Notice.dedup_key == dedup)):
        return
    await ctx.session.execute(insert(Notice).values(
        customer_id=service.customer_id, service_id=service.id, kind=kind,
        ref_date=ctx.today, dedup_key=dedup, created_on=ctx.today, order_id=order_id,
        detail=detail or None))


async def service_by_name(ctx: Ctx, customer_code: str, name: str) -> Service:
    """The customer's service by its name (case-insensitive), deleted ones included."""
    customer = (await ctx.session.execute(
        select(Customer).where(Customer.code == customer_code))).scalar_one_or_none()
    if customer is None:
        raise NotFound(entity="customer", code=customer_code)
    wanted = name.strip().casefold()
    found = [s for s in (await ctx.session.execute(
        select(Service).where(Service.customer_id == customer.id))).scalars()
        if s.name.casefold() == wanted]
    if not found:
        raise NotFound(entity="service", code=name)
    return max(found, key=lambda s: s.expires_on)


async def renewal_order(ctx: Ctx, service: Service, method: str) -> Order:
    """The next renewal's order, as the customer's «Rinnova» would make it."""
    quote = await quote_renewal(ctx, service.customer_id, [service.id])
    order = await order_from_quote(ctx, service.customer_id, quote.id, method)
    await ctx.session.refresh(order, ["lines"])  # made in this session: lines not loaded
    return order


def restorable(ctx: Ctx, service: Service) -> bool:
    if service.status not in RESTORABLE and not (
            service.status == ATTIVO and service.expires_on <= ctx.today):
        return False
    if service.status == ELIMINATO:
        gone = service.deleted_on or service.expires_on
        return ctx.today - gone <= timedelta(days=DELETED_RESTORABLE_DAYS)
    return True


async def restoration_order(ctx: Ctx, service: Service, fee: Decimal, method: str) -> Order:
    """After the free window: a new period from today at the plan's price plus the fee
    staff set. Pending until the customer pays; paying it restores the service."""
    if not restorable(ctx, service):
        raise NotAllowed(reason="nothing_to_recover", service_id=service.id)
    pending = (await ctx.session.execute(
        select(Order).join(OrderLine, OrderLine.order_id == Order.id)
        .where(OrderLine.service_id == service.id, Order.status == "pending",
               Order.kind == "restoration"))).scalars().first()
    if pending is not None:
        raise PendingOrderExists(order_id=pending.id, reference=pending.reference,
                                 service_id=service.id)
    price = money(service.plan.price)
    subtotal = money(price + fee)
    vat = vat_of(subtotal, ctx.settings.vat_rate)
    order = Order(customer_id=service.customer_id, kind="restoration", status="pending",
                  method=method, subtotal=subtotal, vat=vat, total=money(subtotal + vat),
                  created_on=ctx.today)
    ctx.session.add(order)
    await ctx.session.flush()
    end = add_months(ctx.today, service.plan.period_months)
    for kind, amount in (("restoration", price), ("restoration_fee", money(fee))):
        line = OrderLine(order_id=order.id, service_id=service.id, kind=kind, amount=amount,
                         plan_id=service.plan_id, detail={
                             "period_from": ctx.today.isoformat(),
                             "period_to": end.isoformat(), "service_name": service.name})
        settlement.bind(line, service)
        ctx.session.add(line)
    await ctx.session.flush()
    await ctx.audit("order", order.id, "created", method=method, total=order.total,
                    restoration_fee=money(fee))
    await ctx.session.refresh(order, ["lines"])
    return order


def restoration_mismatch(line: OrderLine, service: Service | None) -> str | None:
    """A restoration line fits its service while the service stays as it was bound."""
    if service is None:
        return "deleted"
    if service.status != line.bound_status or service.expires_on != line.bound_expires_on:
        return "status_changed"
    return None


async def apply_restoration(ctx: Ctx, order: Order, line: OrderLine) -> bool:
    """Paid: the service is active again for a new period starting on the order's day."""
    if line.kind == "restoration_fee":
        return True
    service = await ctx.session.get(Service, line.service_id)
    if restoration_mismatch(line, service) is not None:
        return False
    assert service is not None
    service.status = ATTIVO
    service.period_start = ctx.today
    service.expires_on = add_months(ctx.today, service.plan.period_months)
    service.paid_for_period = line.amount
    service.cancellation_reason = service.cancelled_on = None
    service.suspended_on = service.deleted_on = None
    await ctx.audit("service", service.id, "restored", order_id=order.id)
    return True


async def next_renewal_for(ctx: Ctx, service: Service, amount: Decimal,
                           method: str) -> Order | None:
    """The order a payment quoting no order is for: a pending one on the service for exactly
    `amount`, else the next renewal's order if it costs exactly `amount`; None if neither."""
    pending = (await ctx.session.execute(
        select(Order).join(OrderLine, OrderLine.order_id == Order.id)
        .where(OrderLine.service_id == service.id, Order.status == "pending",
               Order.total == amount).order_by(Order.id))).scalars().first()
    if pending is not None and await settlement.why_stale(ctx, pending) is None:
        return pending
    try:
        quote = await quote_renewal(ctx, service.customer_id, [service.id])
    except NotAllowed:
        return None
    if quote.total != amount:
        return None
    try:
        order = await order_from_quote(ctx, service.customer_id, quote.id, method)
    except RenewalAlreadyOrdered:
        return None
    await ctx.session.refresh(order, ["lines"])
    return order
