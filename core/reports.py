"""«Seeing the day» (issue 12): what support reads at a glance, as plain JSON-able facts.

Every row names customers by code and name and services by name, never by internal id;
dates are ISO strings and amounts strings of euro (`"1234.56"`), so that the same facts are
stored in the support group's outbox (`RoomPost.payload`), printed by the CLI (Italian,
`handlers.reports_text`) and given to scripts (`--json`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.exc import IntegrityError

from core.clock import ROME
from core.context import Ctx
from core.models import (
    AuditEntry,
    Conversation,
    Customer,
    Invoice,
    Order,
    OrderLine,
    Plan,
    RoomPost,
    Service,
    Ticket,
    UnappliedPayment,
)

EXPIRING_DAYS = 7  # services expiring within this many days with no order
TRANSFER_LATE_DAYS = 5  # a bank transfer pending longer than this is listed
AUDIT_SHOWN = 10  # last audit entries in `customers show`

Row = dict[str, Any]


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _local(when: datetime) -> str:
    """An audit time on the Rome wall clock, to the minute (stored in UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(ROME).isoformat(timespec="minutes")


def _who(customer: Customer) -> Row:
    return {"customer": customer.code, "name": customer.nominativo}


async def digest(ctx: Ctx, day: date) -> Row:
    """The day's digest: the sections support works through, each a list of rows."""
    return {
        "day": day.isoformat(),
        "expiring_days": EXPIRING_DAYS, "transfer_days": TRANSFER_LATE_DAYS,
        "expiring": await _expiring(ctx, day),
        "suspended": await _suspended(ctx, day),
        "transfers": await _late_transfers(ctx, day),
        "on_sight": await _on_sight(ctx, day),
        "cancellations": await cancellations(ctx, day, day),
        "unapplied": await _unapplied(ctx),
        "tickets": await _open_tickets(ctx, day),
    }


async def _expiring(ctx: Ctx, day: date) -> list[Row]:
    pending = exists().where(OrderLine.service_id == Service.id,
                             OrderLine.order_id == Order.id, Order.status == "pending")
    rows = (await ctx.session.execute(
        select(Service).where(Service.status == "attivo", Service.expires_on >= day,
                              Service.expires_on <= day + timedelta(days=EXPIRING_DAYS),
                              ~pending)
        .order_by(Service.expires_on, Service.name))).scalars().all()
    return [{**_who(s.customer), "service": s.name, "expires_on": _day(s.expires_on),
             "days": (s.expires_on - day).days, "mode": s.renewal_mode} for s in rows]


async def _suspended(ctx: Ctx, day: date) -> list[Row]:
    rows = (await ctx.session.execute(
        select(Service).where(Service.status == "sospeso", Service.suspended_on == day)
        .order_by(Service.name))).scalars().all()
    return [{**_who(s.customer), "service": s.name, "expires_on": _day(s.expires_on)}
            for s in rows]


async def _late_transfers(ctx: Ctx, day: date) -> list[Row]:
    late = day - timedelta(days=TRANSFER_LATE_DAYS)
    rows = (await ctx.session.execute(
        select(Order, Customer).join(Customer, Customer.id == Order.customer_id)
        .where(Order.status == "pending", Order.method == "bonifico",
               Order.kind != "tacit", Order.created_on < late)
        .order_by(Order.created_on, Order.id))).all()
    return [{"reference": o.reference, **_who(c), "total": _money(o.total),
             "created_on": _day(o.created_on), "days": (day - o.created_on).days}
            for o, c in rows]


async def _on_sight(ctx: Ctx, day: date) -> list[Row]:
    rows = (await ctx.session.execute(
        select(Invoice, Customer, Order).join(Customer, Customer.id == Invoice.customer_id)
        .join(Order, Order.id == Invoice.order_id)
        .where(Invoice.doc_type == "fattura", Invoice.paid.is_(False), Order.kind == "tacit",
               Order.status == "pending")
        .order_by(Invoice.due_on, Invoice.seq))).all()
    return [{"number": i.number, **_who(c), "total": _money(i.total),
             "due_on": _day(i.due_on), "days_left": (i.due_on - day).days,
             "services": await _order_services(ctx, o.id)} for i, c, o in rows]


async def _order_services(ctx: Ctx, order_id: int) -> list[str]:
    rows = await ctx.session.execute(
        select(Service.name).join(OrderLine, OrderLine.service_id == Service.id)
        .where(OrderLine.order_id == order_id).order_by(OrderLine.id))
    return list(dict.fromkeys(r[0] for r in rows.all()))


async def cancellations(ctx: Ctx, first: date, last: date | None = None) -> list[Row]:
    """Services cancelled (not renewed) from `first` to `last` (default: any day since),
    with the reason the customer gave."""
    query = select(Service).where(Service.cancelled_on >= first)
    if last is not None:
        query = query.where(Service.cancelled_on <= last)
    rows = (await ctx.session.execute(
        query.order_by(Service.cancelled_on, Service.name))).scalars().all()
    return [{**_who(s.customer), "service": s.name, "cancelled_on": _day(s.cancelled_on),
             "expires_on": _day(s.expires_on), "reason": s.cancellation_reason or "",
             "status": s.status} for s in rows]


async def _unapplied(ctx: Ctx) -> list[Row]:
    rows = (await ctx.session.execute(
        select(UnappliedPayment, Customer)
        .outerjoin(Customer, Customer.id == UnappliedPayment.customer_id)
        .where(UnappliedPayment.status == "open").order_by(UnappliedPayment.id))).all()
    return [{"id": u.id, "customer": c.code if c else None, "name": c.nominativo if c else None,
             "amount": _money(u.amount), "method": u.method, "bank_ref": u.bank_ref,
             "reason": u.reason, "created_on": _day(u.created_at.date())} for u, c in rows]


async def _open_tickets(ctx: Ctx, day: date) -> list[Row]:
    rows = (await ctx.session.execute(
        select(Ticket, Customer).join(Customer, Customer.id == Ticket.customer_id)
        .where(Ticket.status != "chiuso").order_by(Ticket.created_at, Ticket.id))).all()
    return [{"ticket": tk.id, **_who(c), "subject": tk.subject, "status": tk.status,
             "assigned_to": tk.assigned_to, "days": (day - tk.created_at.date()).days}
            for tk, c in rows]


async def orders(ctx: Ctx, day: date, pending: bool, older_than: int | None) -> list[Row]:
    """Orders, oldest first: only pending ones, only those older than `older_than` days."""
    query = select(Order, Customer).join(Customer, Customer.id == Order.customer_id)
    if pending:
        query = query.where(Order.status == "pending")
    if older_than is not None:
        query = query.where(Order.created_on < day - timedelta(days=older_than))
    rows = (await ctx.session.execute(query.order_by(Order.created_on, Order.id))).all()
    return [{"reference": o.reference, **_who(c), "services": await _order_services(ctx, o.id),
             "kind": o.kind, "method": o.method, "status": o.status, "total": _money(o.total),
             "created_on": _day(o.created_on), "days": (day - o.created_on).days}
            for o, c in rows]


def _consent(order: Order) -> Row:
    """How the order was agreed: the general conditions the customer accepted (version and
    time), or the support member who placed it on the customer's behalf."""
    kind, _, who = (order.placed_by or "").partition(":")
    return {"terms_version": order.terms_version,
            "terms_accepted_at": (_local(order.terms_accepted_at)
                                  if order.terms_accepted_at else None),
            "placed_by_support": who if kind == "support" else None}


async def customer_card(ctx: Ctx, customer: Customer) -> Row:
    """Everything about one customer support may need on the phone."""
    services = (await ctx.session.execute(
        select(Service).where(Service.customer_id == customer.id)
        .order_by(Service.expires_on, Service.name))).scalars().all()
    names = {s.id: s.name for s in services}
    plans = dict((await ctx.session.execute(select(Plan.id, Plan.name))).all())
    found = (await ctx.session.execute(
        select(Order).where(Order.customer_id == customer.id).order_by(Order.id))
    ).scalars().all()
    invoices = (await ctx.session.execute(
        select(Invoice).where(Invoice.customer_id == customer.id)
        .order_by(Invoice.issued_on, Invoice.id))).scalars().all()
    tickets = (await ctx.session.execute(
        select(Ticket).where(Ticket.customer_id == customer.id).order_by(Ticket.id))
    ).scalars().all()
    chats = (await ctx.session.execute(
        select(Conversation.chat_id, Conversation.blocked_at)
        .where(Conversation.customer_id == customer.id).order_by(Conversation.chat_id))).all()
    mine = [and_(AuditEntry.entity == "customer", AuditEntry.entity_id == customer.id)]
    for entity, ids in (("service", list(names)), ("order", [o.id for o in found]),
                        ("ticket", [t.id for t in tickets]),
                        ("invoice", [i.id for i in invoices])):
        if ids:
            mine.append(and_(AuditEntry.entity == entity, AuditEntry.entity_id.in_(ids)))
    audit = (await ctx.session.execute(
        select(AuditEntry).where(or_(*mine)).order_by(AuditEntry.id.desc())
        .limit(AUDIT_SHOWN))).scalars().all()
    refs = {"service": names, "order": {o.id: o.reference for o in found},
            "ticket": {t.id: f"n. {t.id}" for t in tickets},
            "invoice": {i.id: i.number for i in invoices},
            "customer": {customer.id: customer.code}}
    return {
        "customer": customer.code, "name": customer.nominativo, "email": customer.email,
        "tax_code": customer.tax_code, "vat_number": customer.vat_number,
        "preferred_method": customer.preferred_method,
        "address": " ".join(p for p in (customer.street, customer.postcode, customer.city,
                                        f"({customer.province})" if customer.province else None,
                                        customer.country) if p) if customer.street else None,
        "sdi_code": customer.sdi_code, "pec": customer.pec,
        "reminder_emails": customer.reminder_emails,
        "services": [{"service": s.name, "plan": plans.get(s.plan_id, ""),
                      "status": s.status, "expires_on": _day(s.expires_on),
                      "mode": s.renewal_mode, "reason": s.cancellation_reason} for s in services],
        "orders": [{"reference": o.reference, "kind": o.kind, "method": o.method,
                    "status": o.status, "total": _money(o.total),
                    "created_on": _day(o.created_on), "paid_on": _day(o.paid_on),
                    **_consent(o)} for o in found],
        "invoices": [{"number": i.number, "issued_on": _day(i.issued_on),
                      "due_on": _day(i.due_on), "total": _money(i.total), "paid": i.paid}
                     for i in invoices],
        "tickets": [{"ticket": tk.id, "status": tk.status, "subject": tk.subject,
                     "service": names.get(tk.service_id) if tk.service_id else None,
                     "created_on": _day(tk.created_at.date())} for tk in tickets],
        "chats": [{"chat": chat, "blocked": blocked is not None} for chat, blocked in chats],
        "audit": [{"at": _local(a.at), "actor_kind": a.actor_kind,
                   "actor": a.actor if a.actor_kind == "support" else "",
                   "entity": a.entity,
                   "what": refs.get(a.entity, {}).get(a.entity_id, ""),
                   "action": a.action, "reason": a.reason or ""} for a in audit],
    }


async def announce_cancellation(ctx: Ctx, service: Service) -> None:
    """The support group's outbox gets the cancellation, in the cancellation's transaction:
    a crash after it commits loses no announcement."""
    ctx.session.add(RoomPost(
        kind="cancellation", ref_date=ctx.today, created_at=ctx.now,
        # Once per cancellation: the operation itself is idempotent (its key, its unit).
        dedup_key=f"cancellation:{service.id}:{uuid4().hex}",
        payload={**_who(service.customer), "service": service.name,
                 "reason": service.cancellation_reason or "",
                 "expires_on": _day(service.expires_on), "by": ctx.actor.kind,
                 "staff": ctx.actor.id if ctx.actor.kind == "support" else ""}))


async def claim_digest(ctx: Ctx, day: date) -> bool:
    """The digest of `day` into the support group's outbox, once across workers: the row's
    unique key is the claim. False if another worker (or an earlier run) has it."""
    key = f"digest:{day.isoformat()}"
    if (await ctx.session.execute(select(RoomPost.id).where(RoomPost.dedup_key == key))
            ).first() is not None:
        return False
    try:
        async with ctx.session.begin_nested():
            ctx.session.add(RoomPost(kind="digest", dedup_key=key, ref_date=day,
                                     created_at=ctx.now, payload=await digest(ctx, day)))
    except IntegrityError:
        return False
    return True
