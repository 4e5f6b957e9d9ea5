"""Read models returned to the conversation layer: plain facts, no ORM objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from core.models import Invoice, Order, Service, Ticket
from core.pricing import Quote
from core.states import actions_for, recovery_deadline, shown_state


@dataclass(frozen=True)
class ServiceView:
    id: int
    name: str
    plan_code: str
    plan_name: str
    category: str
    price: Decimal
    period_months: int
    annual_price: Decimal
    expires_on: date
    renewal_mode: str
    status: str
    state: str
    days_left: int
    recover_until: date
    actions: tuple[str, ...]
    cancellation_reason: str | None = None
    pending_plan_code: str | None = None
    pending_change_on: date | None = None
    pending_plan_name: str | None = None
    # What «Rinnova ora» costs: the plan the next period is on (a downgrade scheduled for
    # the period end moves it to the new plan), one of its periods.
    renewal_price: Decimal = Decimal(0)
    renewal_period_months: int = 12


class PendingPlan(NamedTuple):
    """The plan a scheduled change moves a service to."""

    code: str
    name: str
    price: Decimal
    period_months: int


def service_view(
    service: Service, today: date, recovery_days: int = 10, reminder_window: int = 30,
    pending_plan: PendingPlan | None = None,
) -> ServiceView:
    plan = service.plan
    next_on_pending = (pending_plan is not None and service.pending_change_on is not None
                       and service.pending_change_on <= service.expires_on)
    renewal = (pending_plan.price, pending_plan.period_months) if (
        pending_plan is not None and next_on_pending) else (plan.price, plan.period_months)
    return ServiceView(
        id=service.id, name=service.name, plan_code=plan.code, plan_name=plan.name,
        category=plan.category, price=plan.price, period_months=plan.period_months,
        annual_price=(plan.price * 12 / plan.period_months).quantize(Decimal("0.01")),
        expires_on=service.expires_on, renewal_mode=service.renewal_mode,
        status=service.status,
        state=shown_state(service.status, service.expires_on, today, reminder_window),
        days_left=(service.expires_on - today).days,
        recover_until=recovery_deadline(service.expires_on, recovery_days),
        actions=actions_for(service.status, service.expires_on, today, recovery_days),
        cancellation_reason=service.cancellation_reason,
        pending_plan_code=pending_plan.code if pending_plan else None,
        pending_plan_name=pending_plan.name if pending_plan else None,
        pending_change_on=service.pending_change_on,
        renewal_price=renewal[0], renewal_period_months=renewal[1],
    )


@dataclass(frozen=True)
class OrderLineView:
    service_id: int
    service_name: str
    kind: str
    amount: Decimal
    detail: dict[str, Any]


@dataclass(frozen=True)
class OrderView:
    id: int
    reference: str
    kind: str
    status: str
    method: str
    subtotal: Decimal
    vat: Decimal
    total: Decimal
    created_on: date
    paid_on: date | None
    invoice_number: str | None
    needs_review: bool
    lines: tuple[OrderLineView, ...]
    void_reason: str | None = None  # why the order was voided (core.settlement.VOID_REASONS)
    voided_on: date | None = None


def order_view(order: Order, names: dict[int, str], invoice: Invoice | None) -> OrderView:
    return OrderView(
        id=order.id, reference=order.reference, kind=order.kind, status=order.status,
        method=order.method, subtotal=order.subtotal, vat=order.vat, total=order.total,
        created_on=order.created_on, paid_on=order.paid_on,
        invoice_number=invoice.number if invoice else None, needs_review=order.needs_review,
        lines=tuple(
            OrderLineView(service_id=line.service_id, service_name=names.get(line.service_id, ""),
                          kind=line.kind, amount=line.amount, detail=line.detail or {})
            for line in order.lines
        ),
        void_reason=order.void_reason, voided_on=order.voided_on,
    )


@dataclass(frozen=True)
class InvoiceView:
    number: str
    doc_type: str
    issued_on: date
    due_on: date
    subtotal: Decimal
    vat: Decimal
    total: Decimal
    paid: bool
    order_reference: str | None
    reason: str | None = None
    credits_number: str | None = None  # the fattura a nota di credito reverses


def invoice_view(invoice: Invoice, credits_number: str | None = None) -> InvoiceView:
    return InvoiceView(
        number=invoice.number, doc_type=invoice.doc_type, issued_on=invoice.issued_on,
        due_on=invoice.due_on, subtotal=invoice.subtotal, vat=invoice.vat, total=invoice.total,
        paid=invoice.paid, reason=invoice.reason, credits_number=credits_number,
        order_reference=f"SPT-{invoice.order_id:06d}" if invoice.order_id else None,
    )


@dataclass(frozen=True)
class PaymentInstructions:
    """How to pay an order that stays pending (bank transfer, postal slip, PayPal)."""

    method: str
    reference: str
    amount: Decimal
    iban: str | None = None
    holder: str | None = None
    postal_account: str | None = None
    paypal_address: str | None = None


@dataclass(frozen=True)
class CheckoutResult:
    # paid | pending | payment_failed | void (refused: the order no longer fits its services)
    # | unapplied (money taken but kept for support: `ticket_id`)
    outcome: str
    order: OrderView
    failure: str | None = None
    instructions: PaymentInstructions | None = None
    ticket_id: int | None = None


@dataclass(frozen=True)
class PaymentRegistration:
    """What registering money received did: `outcome` applied | duplicate | unapplied."""

    outcome: str
    order: OrderView | None
    reason: str | None = None
    unapplied_id: int | None = None
    ticket_id: int | None = None


@dataclass(frozen=True)
class UnappliedView:
    id: int
    amount: Decimal
    method: str
    bank_ref: str | None
    reason: str
    status: str
    order_reference: str | None
    customer_code: str | None
    customer_name: str | None
    registered_by: str
    created_at: datetime
    ticket_id: int | None
    resolved_by: str | None = None
    resolution_note: str | None = None
    applied_reference: str | None = None


@dataclass(frozen=True)
class PaymentView:
    """A payment applied to an order."""

    id: int
    order_reference: str
    customer_code: str
    customer_name: str
    amount: Decimal
    method: str
    reference: str | None
    registered_by: str
    created_at: datetime


@dataclass(frozen=True)
class CancelResult:
    service: ServiceView
    active_until: date
    recover_until: date


@dataclass(frozen=True)
class RecoveryResult:
    outcome: str  # reinstated | renewal_quote | ticket
    service: ServiceView
    days_since_expiry: int
    quote: Quote | None = None
    ticket_id: int | None = None


@dataclass(frozen=True)
class TicketMessageView:
    author_kind: str
    author: str
    text: str
    created_at: datetime
    attachment: Attachment | None = None


@dataclass(frozen=True)
class Attachment:
    """A file sent with a ticket message, transport-neutral: its kind (`photo`,
    `document`), the transport's reference to the file, and the chat and message it was
    sent in (a door copies it from there to the other side)."""

    kind: str
    ref: str
    chat: str
    message_id: int

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "ref": self.ref, "chat": self.chat,
                "message": self.message_id}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Attachment | None:
        if not data:
            return None
        return cls(str(data["kind"]), str(data["ref"]), str(data["chat"]),
                   int(data["message"]))


@dataclass(frozen=True)
class TicketView:
    id: int
    customer_id: int
    service_id: int | None
    category: str
    subject: str
    status: str
    assigned_to: str | None
    context: dict[str, Any]
    created_at: datetime
    messages: tuple[TicketMessageView, ...] = field(default_factory=tuple)
    reused: bool = False  # an open ticket took the request instead of a new one
    # What support reads instead of ids: the customer's code and name, the service's name,
    # and the name of the plan whose code the context holds (`context["plan"]`).
    customer_code: str = ""
    customer_name: str = ""
    service_name: str | None = None
    plan_name: str | None = None


def ticket_view(
    ticket: Ticket, customer_code: str = "", customer_name: str = "",
    service_name: str | None = None, plan_name: str | None = None,
) -> TicketView:
    return TicketView(
        id=ticket.id, customer_id=ticket.customer_id, service_id=ticket.service_id,
        category=ticket.category, subject=ticket.subject, status=ticket.status,
        assigned_to=ticket.assigned_to, context=ticket.context or {},
        created_at=ticket.created_at,
        messages=tuple(
            TicketMessageView(m.author_kind, m.author, m.text, m.created_at,
                              Attachment.from_json(m.attachment))
            for m in ticket.messages if m.text or m.attachment
        ),
        customer_code=customer_code, customer_name=customer_name,
        service_name=service_name, plan_name=plan_name,
    )


@dataclass(frozen=True)
class NoticeView:
    id: int
    customer_id: int
    service_id: int
    kind: str
    ref_date: date
    order_id: int | None
    # For printing (`sportello lifecycle`): read with the notice, in the same statement.
    customer_code: str = ""
    customer_name: str = ""
    service_name: str = ""


@dataclass(frozen=True)
class SweepResult:
    day: date
    counts: dict[str, int]
    notices: tuple[NoticeView, ...]  # the first ones (see lifecycle.NOTICES_RETURNED)
    notices_total: int = 0
