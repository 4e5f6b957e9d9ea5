"""`Sportello`: the one application service the conversation layer and the CLI call.

Every write runs in one transaction and is idempotent under a caller-supplied key (the
Telegram update or callback id, say): the first call's result is stored with the key and a
repeated call returns it without doing anything again. Errors roll everything back.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.sql import Select

from core import actions, billing, lifecycle, linking, payments_desk, settlement, tickets
from core.clock import Clock, SystemClock
from core.config import Settings
from core.context import SYSTEM, Actor, Ctx
from core.db import READ_ONLY, open_database
from core.errors import NotAllowed, NotFound, QuoteExpired
from core.models import (
    Conversation,
    Customer,
    IdempotencyRecord,
    Invoice,
    Notice,
    Order,
    OrderLine,
    Payment,
    Plan,
    PlanTransition,
    Service,
    Ticket,
    TicketMessage,
    TicketRelay,
)
from core.payments import OFFLINE_METHODS, CardGateway, SandboxCardGateway
from core.pricing import Quote
from core.states import PAYMENT_METHODS
from core.unit import ADVISORY_LOCK, Unit, dialect, lock_key
from core.views import (
    CancelResult,
    CheckoutResult,
    InvoiceView,
    NoticeView,
    OrderView,
    PaymentInstructions,
    PaymentRegistration,
    PaymentView,
    RecoveryResult,
    ServiceView,
    SweepResult,
    TicketView,
    UnappliedView,
    invoice_view,
    service_view,
    ticket_view,
)

T = TypeVar("T")
DELETED_SHOWN_DAYS = 90  # a deleted service stays listed (for a recovery ticket) this long

# Reads made on most updates, built once (building a statement costs more than running it).
_SERVICES_OF = (
    select(Service).where(Service.customer_id == bindparam("customer"))
    .where((Service.status != "eliminato") | (Service.expires_on >= bindparam("horizon")))
    .order_by(Service.expires_on, Service.name))
_PLAN_NAMES = (select(Service.id, Plan.name).join(Plan, Plan.id == Service.plan_id)
               .where(Service.customer_id == bindparam("customer")))
_TARGET_NAMES = (
    select(Service.id, Plan.name)
    .join(PlanTransition, PlanTransition.from_plan_id == Service.plan_id)
    .join(Plan, Plan.id == PlanTransition.to_plan_id)
    .where(Service.customer_id == bindparam("customer"), Plan.active.is_(True)))

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


class Sportello:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], settings: Settings | None = None,
        clock: Clock | None = None, gateway: CardGateway | None = None,
        engine: AsyncEngine | None = None,
    ) -> None:
        self.sessions = sessions
        self.settings = settings or Settings()
        self.clock = clock or SystemClock()
        self.gateway = gateway or SandboxCardGateway(sessions)
        self.engine = engine
        self._unit: Unit | None = None
        # Set when this process writes a ticket message, so a door relays after an update
        # only when there is something to relay (the outbox loop catches everything else).
        self.relay_due = True

    @classmethod
    async def open(cls, settings: Settings | None = None, clock: Clock | None = None) -> Sportello:
        """Open (and migrate) the configured database."""
        settings = settings or Settings()
        engine, sessions = await open_database(settings.database_url)
        return cls(sessions, settings, clock, engine=engine)

    async def close(self) -> None:
        if self.engine is not None:
            await self.engine.dispose()

    # --- plumbing -----------------------------------------------------------------------

    @asynccontextmanager
    async def unit(self, lock: str | None = None) -> AsyncIterator[Sportello]:
        """One unit of work: a `Sportello` whose every call uses one session and one
        transaction, committed when the block ends and rolled back if it raises.

        The conversation engine handles each update in one (`lock` is the chat: on
        PostgreSQL an advisory lock held by the transaction keeps other workers off the
        chat until it commits). Inside, a write that fails is undone alone (a savepoint)
        and writes need no idempotency records: the update's own record commits with them,
        so a repeat or a crash half-way never applies anything twice.
        """
        session = self.sessions()
        try:
            key = None
            if lock is not None and dialect(self.sessions) == "postgresql":
                key = lock_key(lock)
                await session.execute(ADVISORY_LOCK, {"k": key})
            bound = copy.copy(self)
            bound._unit = Unit(session, key)
            yield bound
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        finally:
            await session.close()

    @property
    def session(self) -> AsyncSession:
        """The unit of work's session (only inside `unit`)."""
        if self._unit is None:
            raise RuntimeError("not in a unit of work")
        return self._unit.session

    async def checkpoint(self) -> None:
        """Inside a unit: commit what is done so far (a card attempt, before the gateway
        is called). Outside one, every write is already committed: nothing to do."""
        if self._unit is not None:
            await self._unit.checkpoint()

    @asynccontextmanager
    async def _ctx(self, actor: Actor):  # type: ignore[no-untyped-def]
        if self._unit is not None:
            async with self._unit.session.begin_nested():
                yield Ctx(self._unit.session, self.clock.today(), self.clock.now(),
                          self.settings, actor)
            return
        async with self.sessions() as session, session.begin():
            yield Ctx(session, self.clock.today(), self.clock.now(), self.settings, actor)

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only: on SQLite it runs outside a transaction and holds no
        lock (see `core.db.READ_ONLY`). Inside a unit, the unit's session."""
        if self._unit is not None:
            yield self._unit.session
            return
        async with self.sessions() as session, session.begin():
            await session.connection(execution_options={READ_ONLY: True})
            yield session

    async def _read(self, work: Callable[[Ctx], Awaitable[T]], actor: Actor = SYSTEM) -> T:
        """`work` only reads (see `read_session`)."""
        async with self.read_session() as session:
            return await work(Ctx(session, self.clock.today(), self.clock.now(),
                                  self.settings, actor))

    async def _write(
        self, key: str | None, operation: str, actor: Actor,
        work: Callable[[Ctx], Awaitable[dict[str, Any]]],
    ) -> dict[str, Any]:
        """Run `work` once per `key`; a repeat returns the stored result of the first run.
        Inside a unit the key is not needed (see `unit`) and not recorded."""
        if self._unit is not None:
            key = None
        for _attempt in range(3):
            try:
                async with self._ctx(actor) as ctx:
                    record = None
                    if key is not None:
                        record = await ctx.session.get(IdempotencyRecord, key)
                        if record is not None:
                            if record.operation != operation:
                                raise NotAllowed(reason="key_reused", key=key)
                            return dict(record.result or {})
                        record = IdempotencyRecord(key=key, operation=operation,
                                                   created_at=ctx.now)
                        ctx.session.add(record)
                        await ctx.session.flush()
                    result = await work(ctx)
                    if record is not None:
                        record.result = result
                    return result
            except IntegrityError:
                # A concurrent call with the same key (or racing on the same row) committed
                # first: try again, and the stored result or the constraint answers.
                continue
        raise NotAllowed(reason="busy", operation=operation)

    # --- customers and services ---------------------------------------------------------

    async def customer_by_code(self, code: str) -> Customer:
        async def work(ctx: Ctx) -> Customer:
            found = (await ctx.session.execute(
                select(Customer).where(Customer.code == code))).scalar_one_or_none()
            if found is None:
                raise NotFound(entity="customer", code=code)
            return found
        return await self._read(work)

    async def list_services(self, customer_id: int) -> list[ServiceView]:
        """The customer's services, soonest expiry first (deleted ones kept a while)."""
        async def work(ctx: Ctx) -> list[ServiceView]:
            horizon = ctx.today - timedelta(days=DELETED_SHOWN_DAYS)
            rows = (await ctx.session.execute(_SERVICES_OF, {
                "customer": customer_id, "horizon": horizon})).scalars().all()
            plans = await self._plan_codes(ctx, {s.pending_plan_id for s in rows})
            return [self._view(ctx, s, plans.get(s.pending_plan_id)) for s in rows]
        return await self._read(work)

    async def get_service(self, customer_id: int, service_id: int) -> ServiceView:
        async def work(ctx: Ctx) -> ServiceView:
            service = await billing.own_service(ctx, customer_id, service_id, include_deleted=True)
            plans = await self._plan_codes(ctx, {service.pending_plan_id})
            return self._view(ctx, service, plans.get(service.pending_plan_id))
        return await self._read(work)

    def _view(self, ctx: Ctx, service: Service, pending: str | None = None) -> ServiceView:
        return service_view(service, ctx.today, ctx.settings.recovery_days,
                            max(ctx.settings.reminder_days, default=30), pending)

    async def _plan_codes(self, ctx: Ctx, ids: set[int | None]) -> dict[int | None, str]:
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        rows = await ctx.session.execute(select(Plan.id, Plan.code).where(Plan.id.in_(wanted)))
        return dict(rows.all())

    async def change_options(self, customer_id: int, service_id: int) -> list[Plan]:
        """The plans this service may move to (its catalogue transitions)."""
        async def work(ctx: Ctx) -> list[Plan]:
            service = await billing.own_service(ctx, customer_id, service_id)
            return await billing.change_targets(ctx, service)
        return await self._read(work)

    async def plan_names(self, customer_id: int) -> dict[int, tuple[str, ...]]:
        """Per service: its plan's name, then the names of the plans it may change to."""
        async def work(ctx: Ctx) -> dict[int, tuple[str, ...]]:
            current = await ctx.session.execute(_PLAN_NAMES, {"customer": customer_id})
            names: dict[int, list[str]] = {sid: [name] for sid, name in current.all()}
            targets = await ctx.session.execute(_TARGET_NAMES, {"customer": customer_id})
            for sid, name in targets.all():
                names.setdefault(sid, []).append(name)
            return {sid: tuple(found) for sid, found in names.items()}
        return await self._read(work)

    async def set_renewal_mode(self, customer_id: int, service_id: int, mode: str,
                               key: str | None = None) -> ServiceView:
        async def work(ctx: Ctx) -> dict[str, Any]:
            await actions.set_renewal_mode(ctx, customer_id, service_id, mode)
            return {"service_id": service_id}
        await self._write(key, "set_renewal_mode", Actor.customer(customer_id), work)
        return await self.get_service(customer_id, service_id)

    async def cancel_service(self, customer_id: int, service_id: int, reason: str,
                             typed_name: str, key: str | None = None) -> CancelResult:
        async def work(ctx: Ctx) -> dict[str, Any]:
            await actions.cancel(ctx, customer_id, service_id, reason, typed_name)
            return {"service_id": service_id}
        await self._write(key, "cancel", Actor.customer(customer_id), work)
        view = await self.get_service(customer_id, service_id)
        return CancelResult(service=view, active_until=view.expires_on,
                            recover_until=view.recover_until)

    async def recover(self, customer_id: int, service_id: int, key: str | None = None,
                      note: str = "", conversation: list[str] | None = None
                      ) -> RecoveryResult:
        """`note` and `conversation` go into the ticket if the recovery needs support."""
        async def work(ctx: Ctx) -> dict[str, Any]:
            outcome, service, quote, ticket_id = await actions.recover(
                ctx, customer_id, service_id, note, conversation)
            return {"outcome": outcome, "quote_id": quote.id if quote else None,
                    "ticket_id": ticket_id,
                    "days": (ctx.today - service.expires_on).days}
        result = await self._write(key, "recover", Actor.customer(customer_id), work)
        quote = (await self.get_quote(customer_id, result["quote_id"])
                 if result["quote_id"] else None)
        return RecoveryResult(
            outcome=result["outcome"], service=await self.get_service(customer_id, service_id),
            days_since_expiry=result["days"], quote=quote, ticket_id=result["ticket_id"],
        )

    # --- quotes, orders, payments -------------------------------------------------------

    async def quote_renewal(self, customer_id: int, service_ids: list[int]) -> Quote:
        return await self._quote(customer_id, lambda ctx: billing.quote_renewal(
            ctx, customer_id, service_ids))

    async def quote_change(self, customer_id: int, service_id: int, plan_code: str) -> Quote:
        return await self._quote(customer_id, lambda ctx: billing.quote_change(
            ctx, customer_id, service_id, plan_code))

    async def _quote(self, customer_id: int, make: Callable[[Ctx], Awaitable[Quote]]) -> Quote:
        async with self._ctx(Actor.customer(customer_id)) as ctx:
            return await make(ctx)

    async def get_quote(self, customer_id: int, quote_id: str) -> Quote:
        return await self._read(lambda ctx: billing.load_quote(ctx, customer_id, quote_id))

    async def checkout(self, customer_id: int, quote_id: str, method: str,
                       key: str | None = None, card: str | None = None) -> CheckoutResult:
        """Procedi al pagamento: make (or find) the quote's order, then pay it if by card."""
        if method not in PAYMENT_METHODS:
            raise NotAllowed(reason="unknown_method", method=method)
        if method == "carta" and not card:
            raise NotAllowed(reason="card_required")

        async def work(ctx: Ctx) -> dict[str, Any]:
            order = await billing.order_from_quote(ctx, customer_id, quote_id, method)
            if order.total == 0 and order.status == "pending":
                await billing.apply_order(ctx, order)
            return {"order_id": order.id}

        try:
            result = await self._write(key, "checkout", Actor.customer(customer_id), work)
        except QuoteExpired as expired:
            stale: Quote = expired.facts["stale"]
            fresh = await self._quote(customer_id, lambda ctx: billing.requote(ctx, stale))
            raise QuoteExpired(quote=fresh, old_total=stale.total) from None
        order_id = result["order_id"]
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
            return [invoice_view(i) for i in rows]
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

    # --- tickets ------------------------------------------------------------------------

    async def open_ticket(self, customer_id: int, category: str, text: str,
                          service_id: int | None = None, context: dict[str, Any] | None = None,
                          subject: str | None = None, key: str | None = None,
                          join_open: bool = False) -> TicketView:
        """A new ticket; with `join_open`, `text` is added to the ticket already open for
        the same need instead (any open ticket of the customer for an operator request,
        else one of the same category and service): asking twice never opens two."""
        async def work(ctx: Ctx) -> dict[str, Any]:
            existing = None
            if join_open:
                existing = (await tickets.open_ticket_of(ctx, customer_id)
                            if category == "operatore"
                            else await tickets.open_ticket_for(ctx, customer_id, service_id,
                                                               category))
            if existing is not None:
                await tickets.add_message(ctx, existing, text or category)
                return {"ticket_id": existing.id, "reused": True}
            ticket = await tickets.open_ticket(
                ctx, customer_id, category, subject or tickets.subject_of(text) or category, text,
                service_id, context)
            return {"ticket_id": ticket.id, "reused": False}
        result = await self._write(key, "open_ticket", Actor.customer(customer_id), work)
        self.relay_due = True
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
                                 key: str | None = None) -> TicketView:
        """A customer (only on their own ticket) or a support member writes on a ticket."""
        owner = int(actor.id) if actor.kind == "customer" else None

        async def work(ctx: Ctx) -> dict[str, Any]:
            ticket = await tickets.get_ticket(ctx, ticket_id, owner)
            await tickets.add_message(ctx, ticket, text)
            return {"ticket_id": ticket_id}
        await self._write(key, "ticket_message", actor, work)
        self.relay_due = True
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

    # --- Telegram: linking, chats, the support relay ---------------------------------

    async def create_link_code(self, customer_code: str) -> tuple[str, Customer, datetime]:
        """A one-time code for `customer_code` (shown once, stored hashed)."""
        ttl = timedelta(hours=self.settings.link_code_hours)

        async def work(ctx: Ctx) -> tuple[str, Customer, datetime]:
            code, customer = await linking.create_code(ctx, customer_code, ttl)
            return code, customer, ctx.now + ttl
        async with self._ctx(Actor.support("cli")) as ctx:
            return await work(ctx)

    async def link_chat(self, code: str, chat_id: str, who: str) -> tuple[int | None, str]:
        """(customer id, "linked") or (None, reason): invalid, used, expired, rate_limited."""
        async with self._ctx(Actor("telegram", who)) as ctx:
            customer, outcome = await linking.redeem(ctx, code, chat_id, who)
            return (customer.id if customer else None), outcome

    async def unlink_chat(self, chat_id: str) -> int | None:
        async with self._ctx(Actor("telegram", chat_id)) as ctx:
            return await linking.unlink_chat(ctx, chat_id)

    async def unlink_customer(self, customer_code: str) -> int:
        async with self._ctx(Actor.support("cli")) as ctx:
            return await linking.unlink_customer(ctx, customer_code)

    async def chats_of(self, customer_id: int, prefix: str = "tg:") -> list[str]:
        """The customer's linked chats that have not blocked the bot."""
        async def work(ctx: Ctx) -> list[str]:
            rows = await ctx.session.execute(select(Conversation.chat_id).where(
                Conversation.customer_id == customer_id, Conversation.blocked_at.is_(None),
                Conversation.chat_id.startswith(prefix)))
            return [r[0] for r in rows.all()]
        return await self._read(work)

    async def mark_blocked(self, chat_id: str) -> None:
        """The customer blocked the bot: stop writing to that chat until they write again."""
        async with self._ctx(SYSTEM) as ctx:
            await ctx.session.execute(update(Conversation).where(
                Conversation.chat_id == chat_id).values(blocked_at=ctx.now))

    async def unrelayed_messages(self, limit: int = 100) -> list[tuple[int, int, str, str]]:
        """Ticket messages not yet delivered to the other side: (message id, ticket id,
        author kind, text), oldest first."""
        async def work(ctx: Ctx) -> list[tuple[int, int, str, str]]:
            rows = await ctx.session.execute(
                select(TicketMessage.id, TicketMessage.ticket_id, TicketMessage.author_kind,
                       TicketMessage.text)
                .where(TicketMessage.relayed_at.is_(None)).order_by(TicketMessage.id)
                .limit(limit))
            return [tuple(r) for r in rows.all()]  # type: ignore[misc]
        return await self._read(work)

    async def mark_relayed(self, message_id: int) -> None:
        async with self._ctx(SYSTEM) as ctx:
            await ctx.session.execute(update(TicketMessage).where(
                TicketMessage.id == message_id).values(relayed_at=ctx.now))

    async def remember_relay(self, ticket_id: int, chat_id: str, message_id: int) -> None:
        """A support-group message now stands for `ticket_id`."""
        async with self._ctx(SYSTEM) as ctx:
            exists = (await ctx.session.execute(select(TicketRelay.id).where(
                TicketRelay.chat_id == chat_id, TicketRelay.message_id == message_id))).first()
            if exists is None:
                ctx.session.add(TicketRelay(ticket_id=ticket_id, chat_id=chat_id,
                                            message_id=message_id))

    async def remember_thread(self, ticket_id: int, thread_id: int) -> None:
        """The support group's forum topic for `ticket_id` (the first one stays)."""
        async with self._ctx(SYSTEM) as ctx:
            ticket = await ctx.session.get(Ticket, ticket_id)
            if ticket is not None and ticket.support_thread_id is None:
                ticket.support_thread_id = thread_id

    async def ticket_for_relay(self, chat_id: str, message_id: int | None,
                               thread_id: int | None) -> int | None:
        """The ticket a support-group message answers: by the message replied to, or by
        the forum topic it was written in."""
        async def work(ctx: Ctx) -> int | None:
            if message_id is not None:
                found = (await ctx.session.execute(select(TicketRelay.ticket_id).where(
                    TicketRelay.chat_id == chat_id, TicketRelay.message_id == message_id)
                )).scalar_one_or_none()
                if found is not None:
                    return int(found)
            if thread_id is not None:
                found = (await ctx.session.execute(select(Ticket.id).where(
                    Ticket.support_thread_id == thread_id))).scalar_one_or_none()
                return int(found) if found is not None else None
            return None
        return await self._read(work)

    async def ticket_thread(self, ticket_id: int) -> int | None:
        return (await self._read(lambda ctx: ctx.session.get(Ticket, ticket_id))
                ).support_thread_id  # type: ignore[union-attr]

    async def place_order(self, customer_id: int, quote_id: str, method: str,
                          key: str | None = None) -> OrderView:
        """The quote's order, pending, nothing charged yet (Telegram Payments takes the card
        itself and the payment arrives later as `register_card_payment`)."""
        async def work(ctx: Ctx) -> dict[str, Any]:
            order = await billing.order_from_quote(ctx, customer_id, quote_id, method)
            return {"order_id": order.id}
        try:
            result = await self._write(key, "place_order", Actor.customer(customer_id), work)
        except QuoteExpired as expired:
            stale: Quote = expired.facts["stale"]
            fresh = await self._quote(customer_id, lambda ctx: billing.requote(ctx, stale))
            raise QuoteExpired(quote=fresh, old_total=stale.total) from None
        return (await self.list_orders(customer_id, order_ids=[result["order_id"]]))[0]

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
        """(status, total) of the customer's order, or None: the pre-checkout check. An
        order that no longer fits its services is voided here, before anything is charged."""
        async with self._ctx(Actor.customer(customer_id)) as ctx:
            order = await ctx.session.get(Order, order_id)
            if order is None or order.customer_id != customer_id:
                return None
            if order.status == "pending":
                stale = await settlement.why_stale(ctx, order)
                if stale is not None:
                    await settlement.void_order(ctx, order, stale, f"customer:{customer_id}")
            return order.status, order.total

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

    # --- money received that could not be applied ---------------------------------------

    async def list_unapplied(self, open_only: bool = False) -> list[UnappliedView]:
        async def work(ctx: Ctx) -> list[UnappliedView]:
            return await payments_desk.unapplied_views(ctx, open_only)
        return await self._read(work)

    async def list_payments(self, limit: int = 50) -> list[PaymentView]:
        return await self._read(lambda ctx: payments_desk.payment_views(ctx, limit))

    async def apply_unapplied(self, unapplied_id: int, order_ref: str, staff: str,
                              key: str | None = None) -> PaymentRegistration:
        """Support applies money kept as unapplied to a pending order (same amount)."""
        order_id = parse_order_ref(order_ref)

        async def work(ctx: Ctx) -> dict[str, Any]:
            order = await payments_desk.apply_unapplied(ctx, unapplied_id, order_id)
            return {"customer_id": order.customer_id}
        result = await self._write(key, "apply_unapplied", Actor.support(staff), work)
        view = (await self.list_orders(result["customer_id"], order_ids=[order_id]))[0]
        return PaymentRegistration("applied", view, unapplied_id=unapplied_id)

    async def refund_unapplied(self, unapplied_id: int, staff: str, note: str,
                               key: str | None = None) -> UnappliedView:
        """Support closes money kept as unapplied as given back to the customer."""
        async def work(ctx: Ctx) -> dict[str, Any]:
            await payments_desk.refund_unapplied(ctx, unapplied_id, note)
            return {}
        await self._write(key, "refund_unapplied", Actor.support(staff), work)
        return next(u for u in await self.list_unapplied() if u.id == unapplied_id)

    # --- lifecycle ----------------------------------------------------------------------

    async def run_lifecycle(self, day: date | None = None) -> SweepResult:
        """The daily sweep for `day` (default today); safe to run again for the same day."""
        async with self.sessions() as session, session.begin():
            ctx = Ctx(session, day or self.clock.today(), self.clock.now(), self.settings,
                      SYSTEM)
            return await lifecycle.sweep(ctx)

    async def unsent_notices(self, limit: int = 500) -> list[NoticeView]:
        async def work(ctx: Ctx) -> list[NoticeView]:
            rows = await ctx.session.execute(
                lifecycle.NOTICE_ROWS.where(Notice.sent_at.is_(None)).order_by(Notice.id)
                .limit(limit))
            return [NoticeView(*row) for row in rows.all()]
        return await self._read(work)

    async def mark_notice_sent(self, notice_id: int) -> None:
        async with self._ctx(SYSTEM) as ctx:
            await ctx.session.execute(
                update(Notice).where(Notice.id == notice_id, Notice.sent_at.is_(None))
                .values(sent_at=ctx.now))


def parse_order_ref(ref: str) -> int:
    """`SPT-000042`, `spt42` or `42` -> 42."""
    cleaned = ref.strip().upper().removeprefix("SPT").lstrip("-").strip()
    if not cleaned.isdigit():
        raise NotFound(entity="order", ref=ref)
    return int(cleaned)

