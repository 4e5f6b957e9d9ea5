"""Quotes, orders and payments: checkout, card attempts, registered transfers, invoices."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core import billing, settlement
from core.app.base import AppBase
from core.context import Actor, Ctx
from core.errors import NotAllowed, NotFound, QuoteExpired
from core.models import (
    Invoice,
    Order,
    OrderLine,
    Payment,
)
from core.payments import OFFLINE_METHODS
from core.pricing import Quote, RenewalChoice
from core.states import PAYMENT_METHODS
from core.terms import TermsAcceptance
from core.views import (
    CheckoutResult,
    InvoiceView,
    OrderView,
    PaymentInstructions,
    PaymentRegistration,
    invoice_view,
)


class Orders(AppBase):

    async def quote_renewal(self, customer_id: int, service_ids: list[int],
                            choices: dict[int, RenewalChoice] | None = None) -> Quote:
        """The renewal cart; `choices`: the Durata and automatic renewal per service."""
        return await self._quote(customer_id, lambda ctx: billing.quote_renewal(
            ctx, customer_id, service_ids, choices))

    async def quote_change(self, customer_id: int, service_id: int, plan_code: str,
                           with_renewal: bool = False,
                           keep_addons: tuple[str, ...] = ()) -> Quote:
        return await self._quote(customer_id, lambda ctx: billing.quote_change(
            ctx, customer_id, service_id, plan_code, with_renewal=with_renewal,
            keep_addons=keep_addons))

    async def _quote(self, customer_id: int, make: Callable[[Ctx], Awaitable[Quote]]) -> Quote:
        async with self._ctx(Actor.customer(customer_id)) as ctx:
            return await make(ctx)

    async def get_quote(self, customer_id: int, quote_id: str) -> Quote:
        return await self._read(lambda ctx: billing.load_quote(ctx, customer_id, quote_id))

    async def checkout(self, customer_id: int, quote_id: str, method: str,
                       key: str | None = None, card: str | None = None,
                       terms: TermsAcceptance | None = None) -> CheckoutResult:
        """Procedi al pagamento: make (or find) the quote's order, then pay it if by card.
        `terms`: the customer's acceptance of the general conditions, stored on the order
        (the chat passes it always; a version no longer current is refused)."""
        if method not in PAYMENT_METHODS:
            raise NotAllowed(reason="unknown_method", method=method)
        if method == "carta" and not card:
            raise NotAllowed(reason="card_required")

        order_id = await self._order_from_quote(customer_id, quote_id, method, key,
                                                "checkout", apply_free=True, terms=terms)
        if method == "carta":
            return await self.pay_order(customer_id, order_id, card or "",
                                        key=f"{key}:pay" if key else None)
        return await self._checkout_result(customer_id, order_id)

    async def pay_order(self, customer_id: int, order_id: int, card: str,
                        key: str | None = None) -> CheckoutResult:
        """Pay a pending order by card (also the retry from Ordini).

        The attempt is recorded before the gateway is called and its key is the gateway's
        idempotency key: after a crash, the same attempt is settled, never charged again.
        """
        actor = Actor.customer(customer_id)
        state = await self._write(key, "pay_order", actor, lambda ctx: self._start_attempt(
            ctx, customer_id, order_id, key))
        if state.get("settled"):
            return await self._checkout_result(customer_id, order_id)
        attempt_key, amount = state["attempt_key"], Decimal(state["amount"])
        # The attempt is on disk before the gateway is called (inside a unit of work this
        # commits the update so far), and the charge's outcome right after it.
        await self.checkpoint()
        charge = await self.gateway.charge(attempt_key, amount, card)

        async def settle(ctx: Ctx) -> dict[str, Any]:
            return await self._settle_attempt(ctx, attempt_key, charge.succeeded,
                                              charge.charge_id, charge.failure)
        settled = await self._write(None, "settle_payment", actor, settle)
        await self.checkpoint()
        return await self._checkout_result(customer_id, order_id, charge.failure,
                                           settled.get("ticket_id"))

    async def _start_attempt(self, ctx: Ctx, customer_id: int, order_id: int,
                             key: str | None) -> dict[str, Any]:
        order = await billing.own_order(ctx, customer_id, order_id)
        if order.status != "pending":
            return {"settled": True}
        stale = await settlement.why_stale(ctx, order)
        if stale is not None:
            # Its services moved on since it was made: void, and nothing is charged.
            await settlement.void_order(ctx, order, stale, f"customer:{customer_id}",
                                        notify=False)
            return {"settled": True}
        stuck = (await ctx.session.execute(select(Payment).where(
            Payment.order_id == order_id, Payment.status == "started"))).scalar_one_or_none()
        if stuck is not None:
            # An earlier attempt never finished (crash): settle that one first, same key.
            return {"attempt_key": stuck.attempt_key, "amount": str(stuck.amount)}
        attempts = (await ctx.session.execute(
            select(Payment.id).where(Payment.order_id == order_id))).all()
        attempt_key = f"order-{order_id}-attempt-{len(attempts) + 1}"
        ctx.session.add(Payment(
            order_id=order_id, method="carta", amount=order.total, status="started",
            attempt_key=attempt_key, registered_by=f"{ctx.actor.kind}:{ctx.actor.id}",
            created_at=ctx.now,
        ))
        return {"attempt_key": attempt_key, "amount": str(order.total)}

    async def _settle_attempt(self, ctx: Ctx, attempt_key: str, succeeded: bool,
                              charge_id: str, failure: str | None) -> dict[str, Any]:
        payment = (await ctx.session.execute(
            select(Payment).where(Payment.attempt_key == attempt_key))).scalar_one()
        if payment.status != "started":
            return {}
        order = await ctx.session.get(Order, payment.order_id)
        assert order is not None
        if not succeeded:
            payment.gateway_ref = charge_id
            payment.status, payment.failure = "failed", failure or "declined"
            await ctx.audit("payment", payment.id, "card_failed", failure=payment.failure)
            return {}
        stale = await settlement.why_stale(ctx, order) if order.status == "pending" else None
        if order.status != "pending" or stale is not None:
            # Charged, but the order was paid, voided or outgrown meanwhile: the money is
            # kept for support (refund or apply elsewhere), never swallowed.
            # The charge id is recorded once, on the money kept as unapplied.
            payment.status, payment.failure = "unapplied", "order_not_payable"
            await ctx.session.flush()
            if stale is not None:
                await settlement.void_order(ctx, order, stale, f"{ctx.actor.kind}:"
                                            f"{ctx.actor.id}", notify=False)
            kept = await settlement.keep_unapplied(
                ctx, order, order.customer_id, "carta", payment.amount, charge_id,
                {"paid": "order_paid", "cancelled": "order_cancelled"}.get(
                    order.status, "order_void"))
            return {"ticket_id": kept.ticket_id}
        payment.status, payment.gateway_ref = "succeeded", charge_id
        await ctx.session.flush()
        await ctx.audit("payment", payment.id, "card_succeeded", order_id=order.id)
        await billing.apply_order(ctx, order)
        return {}

    async def _checkout_result(self, customer_id: int, order_id: int,
                               failure: str | None = None,
                               ticket_id: int | None = None) -> CheckoutResult:
        view = (await self.list_orders(customer_id, order_ids=[order_id]))[0]
        if ticket_id is not None:
            return CheckoutResult(outcome="unapplied", order=view, ticket_id=ticket_id)
        if view.status == "paid":
            return CheckoutResult(outcome="paid", order=view)
        if view.status in ("void", "cancelled"):
            return CheckoutResult(outcome="void", order=view)
        if view.method == "carta":
            return CheckoutResult(outcome="payment_failed", order=view,
                                  failure=failure or "not_paid")
        return CheckoutResult(outcome="pending", order=view,
                              instructions=self.instructions(view))

    def instructions(self, order: OrderView) -> PaymentInstructions:
        s = self.settings
        method = order.method
        return PaymentInstructions(
            method=method, reference=order.reference, amount=order.total,
            iban=s.iban if method == "bonifico" else None,
            holder=s.bank_holder if method in ("bonifico", "bollettino") else None,
            postal_account=s.postal_account if method == "bollettino" else None,
            paypal_address=s.paypal_address if method == "paypal" else None,
        )

    async def register_payment(self, order_ref: str, amount: Decimal, staff: str,
                               method: str | None = None, bank_ref: str | None = None,
                               key: str | None = None) -> PaymentRegistration:
        """Support records a bank transfer, postal slip or PayPal payment received.

        Applied once if the order can take it; the same bank reference again is recognised
        as already registered; money for an order that is paid, void, cancelled or no
        longer fits its services is kept as unapplied with a ticket.
        """
        order_id = parse_order_ref(order_ref)

        async def work(ctx: Ctx) -> dict[str, Any]:
            order = await billing.own_order(ctx, None, order_id)
            # Money registered by support arrived off line, whatever the order asked for
            # (a transfer for an order the customer also paid by card is still money).
            used = method or (order.method if order.method in OFFLINE_METHODS else "bonifico")
            if used not in OFFLINE_METHODS:
                raise NotAllowed(reason="not_offline_method", method=used)
            receipt = await settlement.receive(ctx, order, used, amount, bank_ref)
            return {"customer_id": order.customer_id, "outcome": receipt.outcome,
                    "reason": receipt.reason, "unapplied_id": receipt.unapplied_id,
                    "ticket_id": receipt.ticket_id}

        result = await self._write(key, "register_payment", Actor.support(staff), work)
        view = (await self.list_orders(result["customer_id"], order_ids=[order_id]))[0]
        return PaymentRegistration(result["outcome"], view, result["reason"],
                                   result["unapplied_id"], result["ticket_id"])

    async def cancel_order(self, customer_id: int, order_id: int,
                           key: str | None = None) -> OrderView:
        async def work(ctx: Ctx) -> dict[str, Any]:
            await billing.cancel_order(ctx, await billing.own_order(ctx, customer_id, order_id))
            return {"order_id": order_id}
        await self._write(key, "cancel_order", Actor.customer(customer_id), work)
        return (await self.list_orders(customer_id, order_ids=[order_id]))[0]

    async def list_orders(self, customer_id: int,
                          order_ids: list[int] | None = None) -> list[OrderView]:
        async def work(ctx: Ctx) -> list[OrderView]:
            query = select(Order).where(Order.customer_id == customer_id)
            if order_ids is not None:
                query = query.where(Order.id.in_(order_ids))
            orders = (await ctx.session.execute(
                query.order_by(Order.id.desc()))).scalars().all()
            if order_ids is not None and len(orders) != len(set(order_ids)):
                raise NotFound(entity="order", id=order_ids)
            return await billing.order_views(ctx, list(orders))
        return await self._read(work)

    async def list_invoices(self, customer_id: int) -> list[InvoiceView]:
        async def work(ctx: Ctx) -> list[InvoiceView]:
            rows = (await ctx.session.execute(
                select(Invoice).where(Invoice.customer_id == customer_id)
                .order_by(Invoice.year.desc(), Invoice.seq.desc()))).scalars().all()
            number = {i.id: i.number for i in rows}  # a note credits its customer's fattura
            return [invoice_view(i, number.get(i.credits_invoice_id or 0)) for i in rows]
        return await self._read(work)

    async def issue_credit_note(self, invoice_number: str, amount: Decimal, staff: str,
                                reason: str, key: str | None = None) -> InvoiceView:
        """Support returns money: a nota di credito against a fattura, never above it."""
        async def work(ctx: Ctx) -> dict[str, Any]:
            note = await billing.issue_credit_note(ctx, invoice_number, amount, reason)
            return {"invoice_id": note.id}
        result = await self._write(key, "credit_note", Actor.support(staff), work)

        async def read(ctx: Ctx) -> InvoiceView:
            note = await ctx.session.get(Invoice, result["invoice_id"])
            assert note is not None
            return invoice_view(note)
        return await self._read(read)

    async def place_order(self, customer_id: int, quote_id: str, method: str,
                          key: str | None = None,
                          terms: TermsAcceptance | None = None) -> OrderView:
        """The quote's order, pending, nothing charged yet (Telegram Payments takes the card
        itself and the payment arrives later as `register_card_payment`)."""
        order_id = await self._order_from_quote(customer_id, quote_id, method, key,
                                                "place_order", apply_free=False, terms=terms)
        return (await self.list_orders(customer_id, order_ids=[order_id]))[0]

    async def _order_from_quote(self, customer_id: int, quote_id: str, method: str,
                                key: str | None, name: str, apply_free: bool,
                                terms: TermsAcceptance | None = None) -> int:
        """The quote's order (made once per quote); an expired quote is raised again with
        a fresh one for the customer to confirm. `apply_free`: a zero total is applied."""
        async def work(ctx: Ctx) -> dict[str, Any]:
            order = await billing.order_from_quote(ctx, customer_id, quote_id, method, terms)
            if apply_free and order.total == 0 and order.status == "pending":
                await billing.apply_order(ctx, order)
            return {"order_id": order.id}
        try:
            result = await self._write(key, name, Actor.customer(customer_id), work)
        except QuoteExpired as expired:
            stale: Quote = expired.facts["stale"]
            fresh = await self._quote(customer_id, lambda ctx: billing.requote(ctx, stale))
            raise QuoteExpired(quote=fresh, old_total=stale.total) from None
        return int(result["order_id"])

    async def register_card_payment(self, order_id: int | None, amount: Decimal,
                                    charge_id: str, customer_id: int) -> CheckoutResult:
        """A card payment taken by an external provider (Telegram Payments): registered once
        per charge id. The money is already taken: if the order cannot take it (paid, void,
        another amount, not the customer's), it is kept as unapplied with a ticket."""
        async def work(ctx: Ctx) -> dict[str, Any]:
            order = await ctx.session.get(Order, order_id) if order_id is not None else None
            if order is None or order.customer_id != customer_id:
                receipt = await settlement.keep_unapplied(
                    ctx, None, customer_id, "carta", amount, charge_id, "unknown_order")
            else:
                receipt = await settlement.receive(ctx, order, "carta", amount, charge_id,
                                                   mismatch_is_error=False)
            return {"order_id": receipt.order_id, "ticket_id": receipt.ticket_id,
                    "outcome": receipt.outcome}
        result = await self._write(f"card-charge:{charge_id}", "card_payment",
                                   Actor.customer(customer_id), work)
        if result["order_id"] is None:
            return CheckoutResult(outcome="unapplied", order=None,  # type: ignore[arg-type]
                                  ticket_id=result["ticket_id"])
        return await self._checkout_result(
            customer_id, result["order_id"],
            ticket_id=result["ticket_id"] if result["outcome"] == "unapplied" else None)

    async def order_total(self, customer_id: int, order_id: int) -> tuple[str, Decimal] | None:
        """(status, total) of the customer's order, or None. An order that no longer fits
        its services is voided here, before anything is charged."""
        async with self._ctx(Actor.customer(customer_id)) as ctx:
            order = await ctx.session.get(Order, order_id)
            if order is None or order.customer_id != customer_id:
                return None
            if order.status == "pending":
                stale = await settlement.why_stale(ctx, order)
                if stale is not None:
                    await settlement.void_order(ctx, order, stale, f"customer:{customer_id}")
            return order.status, order.total

    async def precheck(self, chat_id: str, order_id: int | None, currency: str,
                       amount_cents: int) -> str | None:
        """The last check before a payment provider charges a card for an order: None if
        it may, else why not: "void" (the order no longer fits its services and has just
        been voided) or "mismatch" (not this chat's customer's pending order, or not its
        total to the cent in euro)."""
        customer_id = await self.customer_of_chat(chat_id)  # type: ignore[attr-defined]
        if customer_id is None or order_id is None or currency != "EUR":
            return "mismatch"
        found = await self.order_total(customer_id, order_id)
        if found is not None and found[0] == "void":
            return "void"
        if found is None or found[0] != "pending" or found[1] * 100 != amount_cents:
            return "mismatch"
        return None

    async def requote_order(self, customer_id: int, order_id: int) -> Quote:
        """A fresh quote for what a void (or cancelled) order asked for."""
        async with self._ctx(Actor.customer(customer_id)) as ctx:
            order = await billing.own_order(ctx, customer_id, order_id)
            if order.quote_id is None or order.status not in ("void", "cancelled"):
                raise NotAllowed(reason="nothing_to_requote", order_id=order_id)
            stale = await billing.load_quote(ctx, customer_id, order.quote_id)
            return await billing.requote(ctx, stale)

    async def pending_order_for(self, customer_id: int, service_id: int) -> OrderView | None:
        """The customer's pending order on this service, if any (the oldest)."""
        async def work(ctx: Ctx) -> OrderView | None:
            found = (await ctx.session.execute(
                select(Order).join(OrderLine, OrderLine.order_id == Order.id)
                .where(Order.customer_id == customer_id, Order.status == "pending",
                       OrderLine.service_id == service_id).order_by(Order.id).limit(1)
            )).scalars().first()
            return (await billing.order_views(ctx, [found]))[0] if found else None
        return await self._read(work)


def parse_order_ref(ref: str) -> int:
    """`SPT-000042`, `spt42` or `42` -> 42."""
    cleaned = ref.strip().upper().removeprefix("SPT").lstrip("-").strip()
    if not cleaned.isdigit():
        raise NotFound(entity="order", ref=ref)
    return int(cleaned)

