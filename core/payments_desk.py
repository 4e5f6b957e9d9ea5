"""Support's side of money: payments applied, money kept as unapplied, and what staff do
with the latter (apply it to an order, or close it as given back)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased

from core.billing import apply_order
from core.context import Ctx
from core.errors import AmountMismatch, NotAllowed, NotFound
from core.models import Customer, Order, Payment, UnappliedPayment
from core.settlement import why_stale
from core.views import PaymentView, UnappliedView


async def unapplied_views(ctx: Ctx, open_only: bool = False) -> list[UnappliedView]:
    applied = aliased(Order)
    query = (select(UnappliedPayment, Customer.code, Customer.nominativo, applied.id)
             .outerjoin(Customer, Customer.id == UnappliedPayment.customer_id)
             .outerjoin(applied, applied.id == UnappliedPayment.applied_order_id)
             .order_by(UnappliedPayment.id))
    if open_only:
        query = query.where(UnappliedPayment.status == "open")
    rows = (await ctx.session.execute(query)).all()
    return [UnappliedView(
        id=kept.id, amount=kept.amount, method=kept.method, bank_ref=kept.bank_ref,
        reason=kept.reason, status=kept.status,
        order_reference=f"SPT-{kept.order_id:06d}" if kept.order_id else None,
        customer_code=code, customer_name=name, registered_by=kept.registered_by,
        created_at=kept.created_at, ticket_id=kept.ticket_id, resolved_by=kept.resolved_by,
        resolution_note=kept.resolution_note,
        applied_reference=f"SPT-{applied_id:06d}" if applied_id else None,
    ) for kept, code, name, applied_id in rows]


async def payment_views(ctx: Ctx, limit: int = 50) -> list[PaymentView]:
    rows = (await ctx.session.execute(
        select(Payment, Customer.code, Customer.nominativo)
        .join(Order, Order.id == Payment.order_id)
        .join(Customer, Customer.id == Order.customer_id)
        .where(Payment.status == "succeeded").order_by(Payment.id.desc()).limit(limit))).all()
    return [PaymentView(
        id=pay.id, order_reference=f"SPT-{pay.order_id:06d}", customer_code=code,
        customer_name=name, amount=pay.amount, method=pay.method, reference=pay.gateway_ref,
        registered_by=pay.registered_by, created_at=pay.created_at,
    ) for pay, code, name in rows]


async def _open_kept(ctx: Ctx, unapplied_id: int) -> UnappliedPayment:
    kept = (await ctx.session.execute(
        select(UnappliedPayment).where(UnappliedPayment.id == unapplied_id)
        .with_for_update())).scalar_one_or_none()
    if kept is None:
        raise NotFound(entity="unapplied", id=unapplied_id)
    if kept.status != "open":
        raise NotAllowed(reason="unapplied_closed", id=unapplied_id, status=kept.status)
    return kept


async def apply_unapplied(ctx: Ctx, unapplied_id: int, order_id: int) -> Order:
    """Apply kept money to a pending order of the same customer for exactly its total."""
    kept = await _open_kept(ctx, unapplied_id)
    order = await ctx.session.get(Order, order_id)
    if order is None:
        raise NotFound(entity="order", id=order_id)
    if kept.customer_id is not None and order.customer_id != kept.customer_id:
        raise NotAllowed(reason="other_customer", id=unapplied_id)
    if order.status != "pending" or await why_stale(ctx, order) is not None:
        raise NotAllowed(reason="order_not_pending", order_id=order_id)
    if kept.amount != order.total:
        raise AmountMismatch(order_id=order_id, expected=order.total, got=kept.amount)
    ctx.session.add(Payment(
        order_id=order.id, method=kept.method, amount=kept.amount, status="succeeded",
        gateway_ref=None, registered_by=f"{ctx.actor.kind}:{ctx.actor.id}",
        created_at=ctx.now))
    kept.status, kept.applied_order_id = "applied", order.id
    kept.resolved_at, kept.resolved_by = ctx.now, ctx.actor.id
    await ctx.session.flush()
    await ctx.audit("payment", kept.id, "unapplied_applied", order_id=order.id,
                    amount=kept.amount)
    await apply_order(ctx, order)
    return order


async def refund_unapplied(ctx: Ctx, unapplied_id: int, note: str) -> UnappliedPayment:
    """Close kept money as given back. It was never invoiced, so no nota di credito is due."""
    if not note.strip():
        raise NotAllowed(reason="empty_note")
    kept = await _open_kept(ctx, unapplied_id)
    kept.status, kept.resolution_note = "refunded", note.strip()[:500]
    kept.resolved_at, kept.resolved_by = ctx.now, ctx.actor.id
    await ctx.audit("payment", kept.id, "unapplied_refunded", reason=kept.resolution_note,
                    amount=kept.amount)
    return kept
