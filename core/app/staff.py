"""Support acting for a customer: renew, cancel and undo, recover, quote a plan change,
automatic renewal, and money that quotes no order.

Each action runs the customer's own core operation, as the support member (`Actor.support`),
idempotent under its key, audited with the ticket it was done from, and writes the
customer's notice in the same transaction (the `notices` outbox): a crash between the
action and the message loses neither.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core import actions, billing, settlement, staff
from core.app.base import AppBase
from core.context import Actor, Ctx
from core.errors import NotAllowed, NotFound
from core.models import Order, Service, Ticket
from core.payments import OFFLINE_METHODS
from core.states import DISDETTO, ELIMINATO, PAYMENT_METHODS, recovery_deadline
from core.views import PaymentRegistration

STAFF_ACTIONS = ("renew", "cancel", "uncancel", "recover", "quote", "autorenew")
OUTCOMES = ("order_sent", "restoration_sent", "paid", "cancelled", "uncancelled", "quote_sent",
            "mode_set")


@dataclass(frozen=True)
class Target:
    """The customer and service support acts on (and the ticket it acts from)."""

    customer_id: int
    service_id: int
    ticket_id: int | None
    customer_code: str
    customer_name: str
    service_name: str


@dataclass(frozen=True)
class StaffResult:
    """What a staff action did, in the words support reads (no internal ids)."""

    action: str
    outcome: str  # e.g. paid | order_sent | cancelled | uncancelled | quote_sent | mode_set
    target: Target
    order_reference: str | None = None
    total: Decimal | None = None
    expires_on: date | None = None
    plan: str | None = None
    mode: str | None = None


class StaffActions(AppBase):

    async def staff_target(self, ticket_id: int | None = None,
                           customer_code: str | None = None,
                           service_name: str | None = None) -> Target:
        """By ticket (its customer and service), or by customer code and service name."""
        async def work(ctx: Ctx) -> Target:
            if ticket_id is not None:
                ticket = await ctx.session.get(Ticket, ticket_id)
                if ticket is None:
                    raise NotFound(entity="ticket", id=ticket_id)
                if ticket.service_id is None and service_name is None:
                    raise NotAllowed(reason="ticket_without_service")
                service = (await ctx.session.get(Service, ticket.service_id)
                           if service_name is None else await staff.service_by_name(
                               ctx, ticket.customer.code, service_name))
            elif customer_code is not None and service_name is not None:
                service = await staff.service_by_name(ctx, customer_code, service_name)
            else:
                raise NotAllowed(reason="target_missing")
            assert service is not None
            return Target(service.customer_id, service.id, ticket_id, service.customer.code,
                          service.customer.nominativo, service.name)
        return await self._read(work)

    async def _act(self, action: str, target: Target, staff_name: str, key: str | None,
                   work: Callable[[Ctx, Service, str], Awaitable[dict[str, Any]]],
                   ) -> StaffResult:
        async def run(ctx: Ctx) -> dict[str, Any]:
            service = await billing.own_service(ctx, target.customer_id, target.service_id,
                                                include_deleted=True)
            done = await work(ctx, service, key or uuid.uuid4().hex)
            await ctx.audit("service", service.id, f"staff_{action}", ticket=target.ticket_id,
                            **{k: v for k, v in done.items() if v is not None})
            return done
        done = await self._write(key, f"staff_{action}", Actor.support(staff_name), run)
        return StaffResult(action, done["outcome"], target, done.get("order"),
                           Decimal(done["total"]) if done.get("total") else None,
                           date.fromisoformat(done["expires"]) if done.get("expires") else None,
                           done.get("plan"), done.get("mode"))

    async def staff_renew(self, target: Target, staff_name: str, method: str = "bonifico",
                          amount: Decimal | None = None, bank_ref: str | None = None,
                          key: str | None = None) -> StaffResult:
        """Renew for the customer: the order goes to their chat with «Paga»; with the
        payment received (`amount`), it is registered in the same step and applied."""
        if method not in PAYMENT_METHODS:
            raise NotAllowed(reason="unknown_method", method=method)
        if amount is not None and method not in OFFLINE_METHODS:
            raise NotAllowed(reason="not_offline_method", method=method)

        async def work(ctx: Ctx, service: Service, once: str) -> dict[str, Any]:
            order = await staff.renewal_order(ctx, service, method)
            if amount is None:
                await staff.notify(ctx, service, "staff_order", once, order.id,
                                   ticket=target.ticket_id)
                return _order_done("order_sent", order)
            done = _order_done("paid", order)
            receipt = await settlement.receive(ctx, order, method, amount, bank_ref)
            if receipt.outcome != "applied":
                raise NotAllowed(reason="payment_already_registered", bank_ref=bank_ref)
            expires = await ctx.session.scalar(select(Service.expires_on).where(
                Service.id == service.id))
            return {**done, "expires": expires.isoformat() if expires else None}
        return await self._act("renew", target, staff_name, key, work)

    async def staff_cancel(self, target: Target, staff_name: str, reason: str,
                           key: str | None = None) -> StaffResult:
        """Non rinnovare, with the reason the customer gave by phone or email."""
        if not reason.strip():
            raise NotAllowed(reason="empty_reason")

        async def work(ctx: Ctx, service: Service, once: str) -> dict[str, Any]:
            await actions.cancel(ctx, target.customer_id, service.id, reason,
                                 service.customer.nominativo)
            await staff.notify(ctx, service, "staff_cancelled", once, ticket=target.ticket_id)
            return {"outcome": "cancelled", "expires": service.expires_on.isoformat()}
        return await self._act("cancel", target, staff_name, key, work)

    async def staff_uncancel(self, target: Target, staff_name: str,
                             key: str | None = None) -> StaffResult:
        """Undo a cancellation while the service is still active."""
        async def work(ctx: Ctx, service: Service, once: str) -> dict[str, Any]:
            if service.status != DISDETTO or service.expires_on <= ctx.today:
                raise NotAllowed(reason="nothing_to_undo", service_id=service.id)
            await actions.undo_cancel(ctx, service)
            await staff.notify(ctx, service, "staff_uncancelled", once,
                               ticket=target.ticket_id)
            return {"outcome": "uncancelled", "expires": service.expires_on.isoformat()}
        return await self._act("uncancel", target, staff_name, key, work)

    async def staff_recover(self, target: Target, staff_name: str, fee: Decimal | None = None,
                            method: str = "bonifico", key: str | None = None) -> StaffResult:
        """Recover as the customer would within the window (a cancellation undone, or the
        renewal's order); after it, an order with the restoration `fee` staff set."""
        if method not in PAYMENT_METHODS:
            raise NotAllowed(reason="unknown_method", method=method)

        async def work(ctx: Ctx, service: Service, once: str) -> dict[str, Any]:
            if service.status == DISDETTO and service.expires_on > ctx.today:
                await actions.undo_cancel(ctx, service)
                await staff.notify(ctx, service, "staff_uncancelled", once,
                                   ticket=target.ticket_id)
                return {"outcome": "uncancelled", "expires": service.expires_on.isoformat()}
            if not staff.restorable(ctx, service):
                raise NotAllowed(reason="nothing_to_recover", service_id=service.id)
            window = ctx.today <= recovery_deadline(service.expires_on,
                                                    ctx.settings.recovery_days)
            if window and service.status != ELIMINATO:
                order = await staff.renewal_order(ctx, service, method)
                outcome = "order_sent"
            else:
                if fee is None:
                    raise NotAllowed(reason="fee_required", service_id=service.id)
                order = await staff.restoration_order(ctx, service, fee, method)
                outcome = "restoration_sent"
            await staff.notify(ctx, service, "staff_order", once, order.id,
                               ticket=target.ticket_id)
            return _order_done(outcome, order)
        return await self._act("recover", target, staff_name, key, work)

    async def staff_quote(self, target: Target, staff_name: str, plan_code: str,
                          key: str | None = None) -> StaffResult:
        """A plan change quoted and sent to the customer, who confirms and pays it in
        chat: nothing is ordered or charged here."""
        async def work(ctx: Ctx, service: Service, once: str) -> dict[str, Any]:
            quote = await billing.quote_change(ctx, target.customer_id, service.id, plan_code)
            plan = next(p for p in await billing.change_targets(ctx, service)
                        if p.code == plan_code)
            await staff.notify(ctx, service, "staff_quote", once, ticket=target.ticket_id,
                               plan=plan_code, plan_name=plan.name, total=str(quote.total))
            return {"outcome": "quote_sent", "total": str(quote.total), "plan": plan.name}
        return await self._act("quote", target, staff_name, key, work)

    async def staff_autorenew(self, target: Target, staff_name: str, on: bool,
                              key: str | None = None) -> StaffResult:
        mode = "automatico" if on else "su_richiesta"

        async def work(ctx: Ctx, service: Service, once: str) -> dict[str, Any]:
            await actions.set_renewal_mode(ctx, target.customer_id, service.id, mode)
            await staff.notify(ctx, service, "staff_autorenew", once, ticket=target.ticket_id,
                               mode=mode)
            return {"outcome": "mode_set", "mode": mode}
        return await self._act("autorenew", target, staff_name, key, work)

    async def register_unmatched_payment(
            self, customer_code: str, service_name: str, amount: Decimal, staff_name: str,
            bank_ref: str | None = None, method: str = "bonifico",
            ticket_id: int | None = None, key: str | None = None) -> PaymentRegistration:
        """Money that quotes no order (a standing order, a transfer without SPT code):
        applied to the service's next renewal (its order made, paid and invoiced) when the
        amount is that renewal's; otherwise kept as unapplied with a ticket."""
        if method not in OFFLINE_METHODS:
            raise NotAllowed(reason="not_offline_method", method=method)

        async def work(ctx: Ctx) -> dict[str, Any]:
            service = await staff.service_by_name(ctx, customer_code, service_name)
            if await settlement.already_registered(ctx, bank_ref):
                return {"outcome": "duplicate", "customer_id": service.customer_id}
            order = await staff.next_renewal_for(ctx, service, amount, method)
            if order is None:
                receipt = await settlement.keep_unapplied(
                    ctx, None, service.customer_id, method, amount, bank_ref,
                    "amount_mismatch")
            else:
                receipt = await settlement.receive(ctx, order, method, amount, bank_ref)
            await ctx.audit("service", service.id, "staff_payment", ticket=ticket_id,
                            outcome=receipt.outcome, amount=amount, bank_ref=bank_ref)
            return {"outcome": receipt.outcome, "customer_id": service.customer_id,
                    "order_id": receipt.order_id, "reason": receipt.reason,
                    "unapplied_id": receipt.unapplied_id, "ticket_id": receipt.ticket_id}

        done = await self._write(key, "unmatched_payment", Actor.support(staff_name), work)
        order_id = done.get("order_id")
        view = ((await self.list_orders(  # type: ignore[attr-defined]
            done["customer_id"], order_ids=[order_id]))[0] if order_id else None)
        return PaymentRegistration(done["outcome"], view, done.get("reason"),
                                   done.get("unapplied_id"), done.get("ticket_id"))

    async def staff_notice_detail(self, notice_id: int) -> dict[str, Any]:
        """What a staff action's notice carries (the plan proposed, say)."""
        from core.models import Notice

        async def work(ctx: Ctx) -> dict[str, Any]:
            found = await ctx.session.scalar(select(Notice.detail).where(
                Notice.id == notice_id))
            return dict(found or {})
        return await self._read(work)


def _order_done(outcome: str, order: Order) -> dict[str, Any]:
    return {"outcome": outcome, "order": order.reference, "total": str(order.total)}
