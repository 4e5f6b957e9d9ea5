"""SQLAlchemy 2 models: the system of record.

Money is stored as integer cents (`Money`) so that SQLite, which has no exact decimal type,
and PostgreSQL hold the same exact values; Python sees `Decimal`. The schema itself is
created only by the Alembic migrations in `core/migrations`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from core.money import from_cents, to_cents


class Money(TypeDecorator[Decimal]):
    """Decimal euro amount stored as integer cents."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> int | None:
        return None if value is None else to_cents(Decimal(value))

    def process_result_value(self, value: int | None, dialect: Any) -> Decimal | None:
        return None if value is None else from_cents(int(value))


class Moment(TypeDecorator[datetime]):
    """A point in time, stored in UTC and read back aware. SQLite keeps no offset: an aware
    value was stored as its own wall time (Rome's from the clock, the machine's from the
    importer), so times were mixed and compared as strings; now every one is UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    nominativo: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    tax_code: Mapped[str | None] = mapped_column(String(32))  # codice fiscale
    vat_number: Mapped[str | None] = mapped_column(String(32))  # partita IVA
    preferred_method: Mapped[str] = mapped_column(String(16), default="bonifico")
    created_at: Mapped[datetime] = mapped_column(Moment)
    # Where the fatture go (FatturaPA CessionarioCommittente): the address, and the SdI
    # recipient code or PEC (a consumer with neither gets `0000000`).
    street: Mapped[str | None] = mapped_column(String(60))
    postcode: Mapped[str | None] = mapped_column(String(5))
    city: Mapped[str | None] = mapped_column(String(60))
    province: Mapped[str | None] = mapped_column(String(2))
    country: Mapped[str] = mapped_column(String(2), default="IT")
    sdi_code: Mapped[str | None] = mapped_column(String(7))
    pec: Mapped[str | None] = mapped_column(String(254))
    # Reminder emails can be turned off by the customer; documents are always sent.
    reminder_emails: Mapped[bool] = mapped_column(Boolean, default=True)


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(16))
    price: Mapped[Decimal] = mapped_column(Money)  # ex VAT, per billing period
    period_months: Mapped[int] = mapped_column(Integer, default=12)
    change_fee: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    limits: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    features: Mapped[list[Any]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Durations (in months) an order may buy; None: the defaults (`core.pricing.durations`).
    durations: Mapped[list[Any] | None] = mapped_column(JSON)
    # Its own pricing policy (core.policies); None: its category's, else the setting.
    policy: Mapped[str | None] = mapped_column(String(24))


class CategoryPolicy(Base):
    """The pricing policy of every plan of a category that does not name its own."""

    __tablename__ = "category_policies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(16), unique=True)
    policy: Mapped[str] = mapped_column(String(24))


class PlanTransition(Base):
    """Which plans a plan may change to (the catalogue says, not the price)."""

    __tablename__ = "plan_transitions"

    from_plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), primary_key=True)
    to_plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), primary_key=True)


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (
        UniqueConstraint("customer_id", "name", name="uq_service_customer_name"),
        Index("ix_services_status_expiry", "status", "expires_on"),
        Index("ix_services_pending_change", "pending_change_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    name: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date] = mapped_column(Date)
    period_start: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    renewal_mode: Mapped[str] = mapped_column(String(16), default="su_richiesta")
    # attivo | disdetto | scaduto | sospeso | eliminato (see core.states)
    status: Mapped[str] = mapped_column(String(16), default="attivo")
    paid_for_period: Mapped[Decimal] = mapped_column(Money)
    usage: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    suspended_on: Mapped[date | None] = mapped_column(Date)
    deleted_on: Mapped[date | None] = mapped_column(Date)
    pending_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    pending_change_on: Mapped[date | None] = mapped_column(Date)
    # How many months an automatic renewal buys (chosen in the order); None: one plan period.
    renewal_months: Mapped[int | None] = mapped_column(Integer)

    plan: Mapped[Plan] = relationship(foreign_keys=[plan_id], lazy="joined")
    customer: Mapped[Customer] = relationship(lazy="joined")


class QuoteRecord(Base):
    """A quote as shown to the customer; paying executes exactly this."""

    __tablename__ = "quotes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    computed_for: Mapped[date] = mapped_column(Date)
    total: Mapped[Decimal] = mapped_column(Money)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(Moment)


class Order(Base):
    """A proforma until paid. `source_*` identify orders the lifecycle sweep created."""

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("source_service_id", "source_period_from", name="uq_order_source"),
        Index("ix_orders_status", "status"),
        # The sweep's "this service's pending order" lookups (see migration 0006).
        Index("ix_orders_service_status", "source_service_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # renewal | change | tacit
    # pending | paid | cancelled (by the customer) | void (its services moved on)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    method: Mapped[str] = mapped_column(String(16))
    quote_id: Mapped[str | None] = mapped_column(ForeignKey("quotes.id"), unique=True)
    subtotal: Mapped[Decimal] = mapped_column(Money)
    vat: Mapped[Decimal] = mapped_column(Money)
    total: Mapped[Decimal] = mapped_column(Money)
    created_on: Mapped[date] = mapped_column(Date)
    paid_on: Mapped[date | None] = mapped_column(Date)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    source_service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    source_period_from: Mapped[date | None] = mapped_column(Date)
    # Why a pending order was voided (`core.orders_state.VOID_REASONS`), when, and by what:
    # an order reference (another order changed the service) or `lifecycle`.
    void_reason: Mapped[str | None] = mapped_column(String(32))
    voided_on: Mapped[date | None] = mapped_column(Date)
    voided_by: Mapped[str | None] = mapped_column(String(32))
    # The order step (migration 0012): the general conditions the customer accepted (their
    # version, when), and who placed the order (`customer:<id>`, `support:<name>`).
    terms_version: Mapped[str | None] = mapped_column(String(32))
    terms_accepted_at: Mapped[datetime | None] = mapped_column(Moment)
    placed_by: Mapped[str | None] = mapped_column(String(64))

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", lazy="selectin", order_by="OrderLine.id"
    )

    @property
    def reference(self) -> str:
        """Payment reference (causale) customers quote on a bank transfer or slip."""
        return f"SPT-{self.id:06d}"


class OrderLine(Base):
    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Money)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    applied: Mapped[bool] = mapped_column(Boolean, default=False)
    # The service as it was when the order was made: the line applies only to that state.
    bound_plan_id: Mapped[int | None] = mapped_column(Integer)
    bound_period_start: Mapped[date | None] = mapped_column(Date)
    bound_expires_on: Mapped[date | None] = mapped_column(Date)
    bound_status: Mapped[str | None] = mapped_column(String(16))

    order: Mapped[Order] = relationship(back_populates="lines")


class RenewalClaim(Base):
    """At most one live order may renew a service for a given period: the primary key says so."""

    __tablename__ = "renewal_claims"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    period_from: Mapped[date] = mapped_column(Date, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)


class DocumentCounter(Base):
    """Gap-free progressive numbers per document type and year."""

    __tablename__ = "document_counters"

    doc_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Invoice(Base):
    """A fattura, or a nota di credito (`doc_type`); numbered when issued, never reused."""

    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("doc_type", "year", "seq", name="uq_invoice_number"),
                      UniqueConstraint("sdi_seq", name="uq_invoice_sdi_seq"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(16), default="fattura")  # | nota_credito
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), unique=True)
    # A nota di credito names the fattura it (partly) reverses, and why.
    credits_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    subtotal: Mapped[Decimal] = mapped_column(Money)
    vat: Mapped[Decimal] = mapped_column(Money)
    total: Mapped[Decimal] = mapped_column(Money)
    paid: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set in the transaction that issues the document (`core.documents.finalise`): the SdI
    # progressive (one series for every document, no gaps) and what the document says, the
    # parties and lines as they were that day; the XML and the PDF are drawn from it.
    sdi_seq: Mapped[int | None] = mapped_column(Integer)
    document: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    @property
    def number(self) -> str:
        prefix = "NC " if self.doc_type == "nota_credito" else ""
        return f"{prefix}{self.year}/{self.seq:06d}"


class Payment(Base):
    """A payment attempt. A succeeded one is registered once per order (unique index)."""

    __tablename__ = "payments"
    __table_args__ = (
        # One registered payment per order, and one card attempt in flight per order.
        Index("uq_payment_succeeded", "order_id", unique=True,
              sqlite_where=text("status = 'succeeded'"),
              postgresql_where=text("status = 'succeeded'")),
        Index("uq_payment_started", "order_id", unique=True,
              sqlite_where=text("status = 'started'"),
              postgresql_where=text("status = 'started'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(16))  # started | succeeded | failed
    attempt_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    gateway_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    failure: Mapped[str | None] = mapped_column(String(64))
    registered_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(Moment)


class UnappliedPayment(Base):
    """Money received that could not be applied (order paid, void or cancelled, services
    gone): kept with everything support needs to apply it elsewhere or refund it.
    A bank reference is recorded once, here or on a payment."""

    __tablename__ = "unapplied_payments"
    __table_args__ = (UniqueConstraint("bank_ref", name="uq_unapplied_bank_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    method: Mapped[str] = mapped_column(String(16))
    bank_ref: Mapped[str | None] = mapped_column(String(64))
    # order_paid | order_void | order_cancelled | services_gone
    reason: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # applied|refunded
    registered_by: Mapped[str] = mapped_column(String(64))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    created_at: Mapped[datetime] = mapped_column(Moment)
    resolved_at: Mapped[datetime | None] = mapped_column(Moment)
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    applied_order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))


class SandboxCharge(Base):
    """The sandbox card gateway's own ledger: one charge per idempotency key, like a real PSP."""

    __tablename__ = "sandbox_charges"

    idempotency_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    charge_id: Mapped[str] = mapped_column(String(64), unique=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    failure: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(Moment)


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    category: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="aperto")  # | in_carico | chiuso
    assigned_to: Mapped[str | None] = mapped_column(String(64))
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(Moment)
    closed_at: Mapped[datetime | None] = mapped_column(Moment)
    support_thread_id: Mapped[int | None] = mapped_column(BigInteger)  # forum topic
    # Working tickets (migration 0009): why it closed (None: by staff; "idle": no answer),
    # the customer's rating 1-5 and comment, the state the forum topic's name shows.
    closed_reason: Mapped[str | None] = mapped_column(String(16))
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column(Moment)
    topic_state: Mapped[str | None] = mapped_column(String(16))

    messages: Mapped[list[TicketMessage]] = relationship(
        back_populates="ticket", lazy="selectin", order_by="TicketMessage.id"
    )


class TicketMessage(Base):
    __tablename__ = "ticket_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    author_kind: Mapped[str] = mapped_column(String(16))  # customer | support | system
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)  # a file's caption when it has one
    created_at: Mapped[datetime] = mapped_column(Moment)
    # A file sent with the message (`core.views.Attachment.as_json`): its kind, the
    # transport's reference to it, where it was sent from. None: text only.
    attachment: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Outbox: when the message reached the other side (support group or customer chat).
    relayed_at: Mapped[datetime | None] = mapped_column(Moment, index=True)

    ticket: Mapped[Ticket] = relationship(back_populates="messages")


class Notice(Base):
    """Outbox of notices for customers; `dedup_key` (kind:service:date) makes each one once."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_unsent", "sent_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    kind: Mapped[str] = mapped_column(String(32))
    ref_date: Mapped[date] = mapped_column(Date)
    dedup_key: Mapped[str] = mapped_column(String(96), unique=True)
    created_on: Mapped[date] = mapped_column(Date)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    sent_at: Mapped[datetime | None] = mapped_column(Moment)
    # Support's actions (core/staff.py): the plan proposed, the ticket acted from.
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class AuditEntry(Base):
    """Append-only: the migration installs triggers that refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(Moment)
    actor_kind: Mapped[str] = mapped_column(String(16))  # customer | support | system
    actor: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[int] = mapped_column(BigInteger, index=True)
    action: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class IdempotencyRecord(Base):
    """One row per caller-supplied key: the second call with the key returns the first result."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    operation: Mapped[str] = mapped_column(String(32))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(Moment)


class Conversation(Base):
    """Where a chat is in its conversation: flow, step, data, live buttons, history.

    `version` makes concurrent handling of one chat safe: a save only succeeds on the
    version it read.
    """

    __tablename__ = "conversations"

    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    flow: Mapped[str | None] = mapped_column(String(32))
    step: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    history: Mapped[list[Any]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(Moment)
    blocked_at: Mapped[datetime | None] = mapped_column(Moment)


class ProcessedUpdate(Base):
    """An update (message or button press) already handled, with the replies it produced:
    the same update delivered again gets the same replies and changes nothing."""

    __tablename__ = "processed_updates"

    update_id: Mapped[str] = mapped_column(String(96), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), index=True)
    replies: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(Moment)


class LinkCode(Base):
    """A one-time code that links a Telegram chat to a customer. Only its hash is stored."""

    __tablename__ = "link_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(Moment)
    used_at: Mapped[datetime | None] = mapped_column(Moment)
    used_by: Mapped[str | None] = mapped_column(String(64))


class LinkFailure(Base):
    """A wrong link code tried by someone: counted to slow down guessing."""

    __tablename__ = "link_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    who: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(Moment)


class TicketRelay(Base):
    """Which Telegram message in the support group (or topic) belongs to which ticket, so
    that a staff reply finds its ticket without relying on forwarded-message metadata."""

    __tablename__ = "ticket_relays"
    __table_args__ = (UniqueConstraint("chat_id", "message_id", name="uq_relay_message"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    chat_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[int] = mapped_column(BigInteger)


class RoomPost(Base):
    """Outbox of posts for the support group (issue 12, «Seeing the day»): the daily digest
    (`dedup_key` `digest:<day>`, claimed once across workers) and each cancellation with its
    reason, written in the cancellation's own transaction. `payload` holds the facts."""

    __tablename__ = "room_posts"
    __table_args__ = (Index("ix_room_posts_unsent", "sent_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # digest | cancellation
    dedup_key: Mapped[str] = mapped_column(String(96), unique=True)
    ref_date: Mapped[date] = mapped_column(Date)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(Moment)
    sent_at: Mapped[datetime | None] = mapped_column(Moment)


class TicketNotice(Base):
    """Outbox of what the customer is told about their ticket (closed, with the rating
    buttons; reopened), written with the change: `dedup_key` makes each one once."""

    __tablename__ = "ticket_notices"
    __table_args__ = (Index("ix_ticket_notices_unsent", "sent_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    kind: Mapped[str] = mapped_column(String(16))  # closed | closed_idle
    dedup_key: Mapped[str] = mapped_column(String(96), unique=True)
    created_at: Mapped[datetime] = mapped_column(Moment)
    sent_at: Mapped[datetime | None] = mapped_column(Moment)


class MailMessage(Base):
    """Outbox of emails to customers (migration 0014): one row per event (`key`, e.g.
    `notice:<id>`, `ticket-message:<id>`), composed when queued so that a resend says the
    same; a fattura's PDF (`invoice_id`) is rendered when sent. A worker claims a row by
    setting `claimed_by` and `claimed_until` (a lease): two workers never send one row,
    and a worker that died gives it back when the lease ends."""

    __tablename__ = "mail_outbox"
    __table_args__ = (UniqueConstraint("key", name="uq_mail_outbox_key"),
                      Index("ix_mail_outbox_due", "status", "next_attempt_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(96))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(32))  # reminder | tacit_invoice | order_paid | ...
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(Moment)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(Moment)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(Moment)
    sent_at: Mapped[datetime | None] = mapped_column(Moment)
