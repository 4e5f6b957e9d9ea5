"""Orders bound to their services, and money that arrives for them.

An order is made for its services as they are at that moment (plan, period, expiry,
status: copied onto each line as `bound_*`). When a service moves on (another order
renews or changes it, the customer cancels it, the sweep expires or deletes it), every
other pending order that no longer fits it is voided at once, with the reason. A void
order cannot be paid by any route.

Money that arrives anyway (a transfer already sent, a second transfer, a card charge that
raced a change) is never swallowed and never invoiced for an effect that did not happen:
it is recorded as an `UnappliedPayment` with a ticket for support, and the customer is
told. A bank reference is recorded once: registering it again is recognised.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, insert, or_, select, update

from core.context import SYSTEM, Ctx
from core.db import rows_changed
from core.errors import AmountMismatch
from core.models import (
    Notice,
    Order,
    OrderLine,
    Payment,
    RenewalClaim,
    Service,
    Ticket,
    UnappliedPayment,
)
from core.states import ATTIVO, DISDETTO, ELIMINATO, SCADUTO, SOSPESO

# A renewal line still applies to a service that expired or was suspended meanwhile:
# paying it is what brings the service back (seed 000: the transfer is the «comunicazione»).
RENEWAL_APPLIES = (ATTIVO, DISDETTO, SCADUTO, SOSPESO)
VOID_REASONS = ("plan_changed", "period_changed", "status_changed", "deleted", "grace_over")
UNAPPLIED_REASONS = ("order_paid", "order_void", "order_cancelled", "amount_mismatch",
                     "unknown_order")


def bind(line: OrderLine, service: Service) -> None:
    """Record on `line` the state of `service` the order is made for."""
    line.bound_plan_id = service.plan_id
    line.bound_period_start = service.period_start
    line.bound_expires_on = service.expires_on
    line.bound_status = service.status


def mismatch(line: OrderLine, service: Service | None) -> str | None:
    """Why `line` can no longer apply to `service` (a `VOID_REASONS` code), or None."""
    if line.kind in ("restoration", "restoration_fee"):  # restores a lapsed service
        from core.staff import restoration_mismatch

        return restoration_mismatch(line, service)
    if service is None or service.status == ELIMINATO:
        return "deleted"
    detail = line.detail or {}
    if line.bound_plan_id is not None:
        if service.plan_id != line.bound_plan_id and not _scheduled_plan(line, service):
            return "plan_changed"
        if (service.plan_id == line.bound_plan_id and detail.get("scheduled_change")
                and service.pending_plan_id != line.plan_id):
            return "plan_changed"  # the scheduled change it was priced on is gone
        if (service.expires_on != line.bound_expires_on
                or service.period_start != line.bound_period_start):
            return "period_changed"
    else:  # a line made before orders were bound: what its detail says
        if line.kind == "renewal" and "period_from" in detail \
                and service.expires_on.isoformat() != detail["period_from"]:
            return "period_changed"
        if detail.get("from_plan") and service.plan.code != detail["from_plan"]:
            return "plan_changed"
    allowed = RENEWAL_APPLIES if line.kind == "renewal" else (ATTIVO,)
    return None if service.status in allowed else "status_changed"


def _scheduled_plan(line: OrderLine, service: Service) -> bool:
    """A renewal priced on the downgrade scheduled for the period end (seed 004) still fits
    once the sweep has made that change: the service is then on the line's own plan."""
    return (line.kind == "renewal" and bool((line.detail or {}).get("scheduled_change"))
            and service.plan_id == line.plan_id)


async def why_stale(ctx: Ctx, order: Order) -> str | None:
    """Why the pending `order` no longer fits its services, or None if it still does.
    On-sight (tacit) orders are issued fattura already and always fit."""
    if order.kind == "tacit":
        return None
    for line in order.lines:
        reason = mismatch(line, await ctx.session.get(Service, line.service_id))
        if reason is not None:
            return reason
    return None


async def void_order(ctx: Ctx, order: Order, reason: str, by: str,
                     notify: bool = True) -> bool:
    """Void a pending order (its period claims are released). True if this call did it."""
    done = await ctx.session.execute(
        update(Order).where(Order.id == order.id, Order.status == "pending")
        .values(status="void", void_reason=reason, voided_on=ctx.today, voided_by=by[:32])
        .execution_options(synchronize_session=False))
    if rows_changed(done) != 1:
        return False
    order.status, order.void_reason, order.voided_on, order.voided_by = (
        "void", reason, ctx.today, by[:32])
    await ctx.session.execute(delete(RenewalClaim).where(RenewalClaim.order_id == order.id))
    await ctx.audit("order", order.id, "voided", reason=reason, by=by)
    if notify and order.lines:
        await _notice(ctx, order, "order_void")
    return True


async def void_stale(ctx: Ctx, service_ids: Iterable[int], by: str,
                     except_order: int | None = None) -> list[int]:
    """Void every pending order on these services that no longer fits them."""
    wanted = set(service_ids)
    if not wanted:
        return []
    orders = (await ctx.session.execute(
        select(Order).join(OrderLine, OrderLine.order_id == Order.id)
        .where(OrderLine.service_id.in_(wanted), Order.status == "pending",
               Order.kind != "tacit").distinct().order_by(Order.id))).scalars().all()
    voided = []
    for order in orders:
        if order.id == except_order:
            continue
        reason = await why_stale(ctx, order)
        if reason is not None and await void_order(ctx, order, reason, by):
            voided.append(order.id)
    return voided


async def void_stale_everywhere(ctx: Ctx) -> list[int]:
    """The sweep's step: void pending orders whose bound services moved on (set-based
    selection of the candidates; pending orders are few)."""
    candidates = (await ctx.session.execute(
        select(OrderLine.service_id).distinct()
        .join(Order, Order.id == OrderLine.order_id)
        .join(Service, Service.id == OrderLine.service_id)
        .where(Order.status == "pending", Order.kind != "tacit",
               OrderLine.bound_plan_id.is_not(None),
               or_(Service.plan_id != OrderLine.bound_plan_id,
                   Service.expires_on != OrderLine.bound_expires_on,
                   Service.period_start != OrderLine.bound_period_start,
                   Service.status == ELIMINATO,
                   (OrderLine.kind == "renewal") & Service.status.not_in(RENEWAL_APPLIES),
                   (OrderLine.kind != "renewal") & (Service.status != ATTIVO))))).scalars()
    return await void_stale(ctx, list(candidates), "lifecycle")


@dataclass(frozen=True)
class Receipt:
    """What became of money received: applied to its order, already registered (the
    same bank reference again), or kept as unapplied with a ticket."""

    outcome: str  # applied | duplicate | unapplied
    order_id: int | None
    unapplied_id: int | None = None
    ticket_id: int | None = None
    reason: str | None = None


async def already_registered(ctx: Ctx, reference: str | None) -> bool:
    """Whether money with this bank or charge reference was recorded before."""
    if not reference:
        return False
    paid = await ctx.session.scalar(select(Payment.id).where(
        Payment.gateway_ref == reference, Payment.status == "succeeded"))
    kept = await ctx.session.scalar(select(UnappliedPayment.id).where(
        UnappliedPayment.bank_ref == reference))
    return paid is not None or kept is not None


async def receive(ctx: Ctx, order: Order, method: str, amount: Decimal,
                  reference: str | None, mismatch_is_error: bool = True) -> Receipt:
    """Money arrived for `order`: apply it once, or keep it as unapplied with a ticket.

    `mismatch_is_error`: a wrong amount typed by staff is refused (nothing recorded);
    a wrong amount already charged by a provider is kept as unapplied.
    """
    from core.billing import apply_order

    if await already_registered(ctx, reference):
        return Receipt("duplicate", order.id)
    reason: str | None = None
    if order.status == "pending":
        stale = await why_stale(ctx, order)
        if stale is not None:
            await void_order(ctx, order, stale, f"{ctx.actor.kind}:{ctx.actor.id}",
                             notify=False)
            reason = "order_void"
        elif amount != order.total:
            if mismatch_is_error:
                raise AmountMismatch(order_id=order.id, expected=order.total, got=amount)
            reason = "amount_mismatch"
    else:
        reason = {"paid": "order_paid", "void": "order_void",
                  "cancelled": "order_cancelled"}.get(order.status, "order_void")
    if reason is not None:
        return await keep_unapplied(ctx, order, order.customer_id, method, amount, reference,
                                    reason)
    ctx.session.add(Payment(
        order_id=order.id, method=method, amount=amount, status="succeeded",
        gateway_ref=reference, registered_by=f"{ctx.actor.kind}:{ctx.actor.id}",
        created_at=ctx.now))
    await ctx.session.flush()
    await apply_order(ctx, order)
    return Receipt("applied", order.id)


async def keep_unapplied(ctx: Ctx, order: Order | None, customer_id: int | None, method: str,
                         amount: Decimal, reference: str | None, reason: str) -> Receipt:
    """Record money that cannot be applied, open a ticket for support, tell the customer."""
    from core.tickets import open_ticket

    who = f"{ctx.actor.kind}:{ctx.actor.id}"
    kept = UnappliedPayment(
        order_id=order.id if order else None, customer_id=customer_id, amount=amount,
        method=method, bank_ref=reference, reason=reason, status="open", registered_by=who,
        created_at=ctx.now)
    ctx.session.add(kept)
    await ctx.session.flush()
    ticket: Ticket | None = None
    if customer_id is not None:
        service_id = order.lines[0].service_id if order and order.lines else None
        ticket = await open_ticket(
            ctx, customer_id, "pagamenti", order.reference if order else method, "",
            service_id=service_id, author=SYSTEM,
            context={"reason": "unapplied_payment", "unapplied_reason": reason,
                     "order": order.reference if order else None,
                     "order_status": order.status if order else None,
                     "amount": str(amount), "method": method, "bank_ref": reference,
                     "registered_by": who, "unapplied_id": kept.id})
        kept.ticket_id = ticket.id
    await ctx.audit("payment", kept.id, "unapplied", reason=reason, amount=amount,
                    order_id=order.id if order else None, bank_ref=reference)
    if order is not None and order.lines:
        await _notice(ctx, order, "payment_unapplied", f"{kept.id}")
    return Receipt("unapplied", order.id if order else None, kept.id,
                   ticket.id if ticket else None, reason)


async def _notice(ctx: Ctx, order: Order, kind: str, suffix: str = "") -> None:
    """A notice to the customer about `order` (once per order and kind)."""
    key = f"{kind}:{order.id}" + (f":{suffix}" if suffix else "")
    exists = await ctx.session.scalar(select(Notice.id).where(Notice.dedup_key == key))
    if exists is not None:
        return
    await ctx.session.execute(insert(Notice).values(
        customer_id=order.customer_id, service_id=order.lines[0].service_id, kind=kind,
        ref_date=ctx.today, dedup_key=key, created_on=ctx.today, order_id=order.id))

