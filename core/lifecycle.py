"""The daily lifecycle sweep: one call does a day's work for every service, set-based.

Each step is a handful of `INSERT ... SELECT` / `UPDATE ... WHERE` statements over all
services at once (no Python loop over services), in one transaction, in this order:

1. scheduled plan changes (downgrades at period end) take effect, each service's usage
   fitted to the new plan first (`core.downgrades`: one service at a time, few a day);
2. renewal on sight at expiry for `Automatico` services, and for `Su richiesta` ones when
   tacit renewal is on: the service is renewed and a fattura payable on sight is issued;
3. suspension of services whose on-sight fattura is unpaid past its due date;
4. expiry: active services past `Scadenza` become `Scaduto` (suspended); cancelled ones are
   suspended. An automatic-renewal service whose renewal is already ordered (not yet paid)
   is treated as on sight: it stays active for the payment window, then is suspended;
5. deletion after the recovery window (10 days after expiry by default), except for a
   service whose renewal is ordered and not yet paid (a transfer on its way: seed 000's
   «comunicazione»): it waits `pending_grace_days` more, then its order is voided, it is
   deleted, the customer told and support given a ticket;
6. pending orders whose services moved on (changed plan, renewed, deleted) are voided;
7. expiry reminders (30, 7, 1 days before by default) for active `Su richiesta` services,
   last, so that an expiry set by step 2 gets its reminder in the same run.

Every step selects only rows not yet in their target state, and every notice has a unique
`dedup_key`, so a second run for the same day finds nothing to do. The sweep returns the
notices it created (an outbox: the bot sends them and marks them sent).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Integer,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.sql import Select

from core import documents
from core.billing import next_number
from core.context import SYSTEM, Ctx
from core.dates import add_months
from core.db import rows_changed as _rows_changed
from core.downgrades import apply_downgrade
from core.models import (
    AuditEntry,
    Customer,
    Invoice,
    Moment,
    Notice,
    Order,
    OrderLine,
    Plan,
    RenewalClaim,
    Service,
)
from core.settlement import void_order, void_stale_everywhere
from core.states import ATTIVO, DISDETTO, ELIMINATO, SCADUTO, SOSPESO
from core.tickets import open_ticket
from core.views import NoticeView, SweepResult

NOTICES_RETURNED = 1000
# A notice as `NoticeView` fields, with the customer's code and name and the service's name
# read in the same statement (plain rows: the sweep returns up to 1,000 of them).
NOTICE_ROWS = (
    select(Notice.id, Notice.customer_id, Notice.service_id, Notice.kind, Notice.ref_date,
           Notice.order_id, Customer.code, Customer.nominativo, Service.name)
    .join(Customer, Customer.id == Notice.customer_id)
    .join(Service, Service.id == Notice.service_id))


def _lit(value: Any, type_: Any) -> Any:
    return literal(value, type_)


def _dedup(kind: str, service_id: Any, ref_date: Any) -> Any:
    return (_lit(f"{kind}:", String) + cast(service_id, String) + _lit(":", String)
            + cast(ref_date, String))


async def _notify_and_audit(
    ctx: Ctx, kind: str, action: str, rows: Select[Any], audit: bool = True
) -> int:
    """Insert one notice (and one audit entry) per row of `rows`; returns notices created.

    `rows` yields (service_id, customer_id, ref_date, order_id).
    """
    sub = rows.subquery()
    key = _dedup(kind, sub.c.service_id, sub.c.ref_date)
    created = await ctx.session.execute(
        insert(Notice).from_select(
            ["customer_id", "service_id", "kind", "ref_date", "dedup_key", "created_on",
             "order_id"],
            select(sub.c.customer_id, sub.c.service_id, _lit(kind, String), sub.c.ref_date, key,
                   _lit(ctx.today, Date), sub.c.order_id)
            .where(~exists().where(Notice.dedup_key == key)),
        )
    )
    if audit:
        await ctx.session.execute(
            insert(AuditEntry).from_select(
                ["at", "actor_kind", "actor", "entity", "entity_id", "action"],
                select(_lit(ctx.now, Moment()), _lit("system", String),
                       _lit("lifecycle", String), _lit("service", String),
                       cast(sub.c.service_id, BigInteger), _lit(action, String)),
            )
        )
    return _rows_changed(created)


def _rows(*where: Any, ref_date: Any = Service.expires_on, order_id: Any = None) -> Select[Any]:
    return select(
        Service.id.label("service_id"), Service.customer_id.label("customer_id"),
        ref_date.label("ref_date"),
        (order_id if order_id is not None else _lit(None, Integer)).label("order_id"),
    ).where(*where)


async def _update(ctx: Ctx, where: Sequence[Any], **values: Any) -> int:
    result = await ctx.session.execute(
        update(Service).where(*where).values(**values)
        .execution_options(synchronize_session=False)
    )
    return _rows_changed(result)


async def _scheduled_changes(ctx: Ctx) -> int:
    """Downgrades due today: each service's usage is fitted to the new plan (what goes is
    audited), then the plan changes. A service changed here no longer has a pending plan,
    so a second run finds nothing."""
    where = (Service.pending_plan_id.is_not(None), Service.pending_change_on <= ctx.today,
             Service.status.in_((ATTIVO, SOSPESO)))
    await _notify_and_audit(ctx, "plan_changed", "plan_changed",
                            _rows(*where, ref_date=Service.pending_change_on))
    due = (await ctx.session.execute(
        select(Service).where(*where).order_by(Service.id)
        .with_for_update(of=Service))).scalars().all()
    for service in due:
        target = await ctx.session.get(Plan, service.pending_plan_id)
        assert target is not None
        await apply_downgrade(ctx, service, target)
        service.plan_id, service.pending_plan_id, service.pending_change_on = (
            target.id, None, None)
    await ctx.session.flush()
    return len(due)


def _renewal_ordered() -> Any:
    """The service's current period is claimed by a pending (not on-sight) order."""
    return exists().where(
        RenewalClaim.service_id == Service.id, RenewalClaim.period_from == Service.expires_on,
        Order.id == RenewalClaim.order_id, Order.status == "pending", Order.kind != "tacit")


async def _reminders(ctx: Ctx) -> int:
    thresholds = ctx.settings.reminder_days
    created = 0
    for i, days in enumerate(thresholds):
        lower = thresholds[i + 1] if i + 1 < len(thresholds) else 0
        where = (
            Service.status == ATTIVO, Service.renewal_mode == "su_richiesta",
            Service.expires_on > ctx.today + timedelta(days=lower),
            Service.expires_on <= ctx.today + timedelta(days=days),
            ~_renewal_ordered(),  # already ordered: nothing to remind
        )
        created += await _notify_and_audit(ctx, f"reminder_{days}", "reminder",
                                           _rows(*where), audit=False)
    return created


async def _renew_on_sight(ctx: Ctx) -> int:
    today, settings = ctx.today, ctx.settings
    modes = _on_sight_modes(ctx)
    rate_bp = int(settings.vat_rate * 10000)
    if Decimal(rate_bp) / 10000 != settings.vat_rate:
        raise ValueError("VAT rate must have at most four decimals")
    # The frequency chosen for the automatic renewal (seed 002), else one plan period; its
    # price is the list price pro rata of the months, half-up to the cent, in integer cents.
    months = _renewal_months()
    period = type_coerce(Plan.period_months, BigInteger)
    price = ((type_coerce(Plan.price, BigInteger) * months * 2 + period) // (period * 2))
    vat = (price * rate_bp + 5000) // 10000  # half-up to the cent, in integer cents
    due = (
        select(
            Service.customer_id, _lit("tacit", String), _lit("pending", String),
            Customer.preferred_method, price, vat, price + vat, _lit(today, Date),
            _lit(False, Boolean), Service.id, Service.expires_on,
        )
        .join(Plan, Plan.id == Service.plan_id).join(Customer, Customer.id == Service.customer_id)
        .where(
            Service.status == ATTIVO, Service.renewal_mode.in_(modes),
            Service.expires_on <= today,
            Service.expires_on >= today - timedelta(days=settings.recovery_days),
            ~exists().where(RenewalClaim.service_id == Service.id,
                            RenewalClaim.period_from == Service.expires_on),
            ~exists().where(Order.source_service_id == Service.id,
                            Order.source_period_from == Service.expires_on),
        )
    )
    created = await ctx.session.execute(insert(Order).from_select(
        ["customer_id", "kind", "status", "method", "subtotal", "vat", "total", "created_on",
         "needs_review", "source_service_id", "source_period_from"], due))
    if not _rows_changed(created):
        return 0
    new = (Order.kind == "tacit", Order.created_on == today)
    await ctx.session.execute(insert(OrderLine).from_select(
        ["order_id", "service_id", "kind", "amount", "plan_id", "applied"],
        select(Order.id, Order.source_service_id, _lit("renewal", String), Order.subtotal,
               Service.plan_id, _lit(True, Boolean))
        .join(Service, Service.id == Order.source_service_id)
        .where(*new, ~exists().where(OrderLine.order_id == Order.id)),
    ))
    await ctx.session.execute(insert(RenewalClaim).from_select(
        ["service_id", "period_from", "order_id"],
        select(Order.source_service_id, Order.source_period_from, Order.id)
        .where(*new, ~exists().where(RenewalClaim.service_id == Order.source_service_id,
                                     RenewalClaim.period_from == Order.source_period_from)),
    ))
    uninvoiced = (*new, ~exists().where(Invoice.order_id == Order.id))
    count = (await ctx.session.execute(
        select(func.count(Order.id)).where(*uninvoiced))).scalar_one()
    if count:
        first = await next_number(ctx, "fattura", today.year, count)
        seq = _lit(first - 1, Integer) + func.row_number().over(order_by=Order.id)
        await ctx.session.execute(insert(Invoice).from_select(
            ["doc_type", "year", "seq", "customer_id", "order_id", "issued_on", "due_on",
             "subtotal", "vat", "total", "paid"],
            select(_lit("fattura", String), _lit(today.year, Integer), seq, Order.customer_id,
                   Order.id, _lit(today, Date),
                   _lit(today + timedelta(days=settings.tacit_payment_days), Date),
                   Order.subtotal, Order.vat, Order.total, _lit(False, Boolean))
            .where(*uninvoiced),
        ))
    moving = and_(Order.source_service_id == Service.id,
                  Order.source_period_from == Service.expires_on, *new)
    await _notify_and_audit(
        ctx, "tacit_invoice", "renewed_on_sight",
        _rows(exists().where(moving), order_id=select(Order.id).where(moving)
              .scalar_subquery()),
    )
    # Extend by one period from the current expiry: one UPDATE per distinct
    # (expiry, period length), since month arithmetic with clamping is done in Python.
    groups = (await ctx.session.execute(
        select(Service.expires_on, months).distinct()
        .join(Plan, Plan.id == Service.plan_id).where(exists().where(moving))
    )).all()
    renewed = 0
    for old_expiry, length in groups:
        renewed += await _update(
            ctx,
            (Service.expires_on == old_expiry,
             _renewal_months(select(Plan.period_months).where(Plan.id == Service.plan_id)
                             .scalar_subquery()) == length,
             Service.id.in_(select(Order.source_service_id).where(
                 *new, Order.source_period_from == old_expiry))),
            period_start=Service.expires_on, expires_on=add_months(old_expiry, int(length)),
            paid_for_period=select(Order.subtotal).where(
                Order.source_service_id == Service.id,
                Order.source_period_from == old_expiry, *new).scalar_subquery(),
        )
    await documents.finalise_pending(ctx)  # the fatture just inserted, with their periods
    return renewed


def _renewal_months(period: Any = Plan.period_months) -> Any:
    """Months an on-sight renewal buys: the automatic renewal's chosen frequency, else one
    `period` of the plan (by default where `Service` and its `Plan` are joined)."""
    return case((and_(Service.renewal_mode == "automatico", Service.renewal_months.is_not(None)),
                 Service.renewal_months), else_=period)


async def _suspend_unpaid(ctx: Ctx) -> int:
    overdue = and_(Order.source_service_id == Service.id, Order.kind == "tacit",
                   Order.status == "pending", Invoice.order_id == Order.id,
                   Invoice.due_on < ctx.today)
    where = (Service.status == ATTIVO, exists().where(overdue))
    await _notify_and_audit(
        ctx, "suspended_unpaid", "suspended",
        _rows(*where, order_id=select(Order.id).where(overdue).limit(1).scalar_subquery()),
    )
    return await _update(ctx, where, status=SOSPESO, suspended_on=ctx.today)


def _on_sight_modes(ctx: Ctx) -> list[str]:
    return ["automatico"] + (["su_richiesta"] if ctx.settings.tacit_renewal else [])


async def _expire(ctx: Ctx) -> int:
    # An automatic renewal already ordered by the customer is on sight: active while the
    # payment window lasts (no second order), suspended after it.
    window = ctx.today - timedelta(days=ctx.settings.tacit_payment_days)
    on_sight = and_(Service.renewal_mode.in_(_on_sight_modes(ctx)), _renewal_ordered(),
                    Service.expires_on >= window)
    lapsed = (Service.status == ATTIVO, Service.expires_on <= ctx.today, ~on_sight)
    await _notify_and_audit(ctx, "expired", "expired", _rows(*lapsed))
    count = await _update(ctx, lapsed, status=SCADUTO, suspended_on=ctx.today)
    ended = (Service.status == DISDETTO, Service.expires_on <= ctx.today,
             Service.suspended_on.is_(None))
    await _notify_and_audit(ctx, "cancelled_expired", "expired", _rows(*ended))
    return count + await _update(ctx, ended, suspended_on=ctx.today)


async def _grace_over(ctx: Ctx) -> int:
    """Ordered but unpaid past the grace: void the order, delete, tell, ticket."""
    cutoff = ctx.today - timedelta(days=ctx.settings.recovery_days
                                   + ctx.settings.pending_grace_days)
    rows = (await ctx.session.execute(
        select(Service.id, Service.customer_id, Service.expires_on, RenewalClaim.order_id)
        .join(RenewalClaim, and_(RenewalClaim.service_id == Service.id,
                                 RenewalClaim.period_from == Service.expires_on))
        .join(Order, Order.id == RenewalClaim.order_id)
        .where(Service.status.in_((SCADUTO, DISDETTO, SOSPESO)), Service.expires_on < cutoff,
               Order.status == "pending", Order.kind != "tacit")
        .order_by(Service.id))).all()
    for service_id, customer_id, expires_on, order_id in rows:
        order = await ctx.session.get(Order, order_id)
        assert order is not None
        await void_order(ctx, order, "grace_over", "lifecycle", notify=False)
        await _update(ctx, (Service.id == service_id, Service.status != ELIMINATO),
                      status=ELIMINATO, deleted_on=ctx.today)
        await ctx.audit("service", service_id, "deleted", order=order.reference,
                        reason_code="grace_over")
        await ctx.session.execute(insert(Notice).values(
            customer_id=customer_id, service_id=service_id, kind="deleted_unpaid",
            ref_date=expires_on, dedup_key=f"deleted_unpaid:{service_id}:{expires_on}",
            created_on=ctx.today, order_id=order_id))
        await open_ticket(
            ctx, customer_id, "pagamenti", order.reference, "", service_id=service_id,
            author=SYSTEM, context={"reason": "grace_over", "order": order.reference,
                                    "expired_on": expires_on.isoformat(),
                                    "total": str(order.total), "method": order.method})
    return len(rows)


async def _delete(ctx: Ctx) -> int:
    cutoff = ctx.today - timedelta(days=ctx.settings.recovery_days)
    where = (Service.status.in_((SCADUTO, DISDETTO)), Service.expires_on < cutoff,
             ~_renewal_ordered())
    await _notify_and_audit(ctx, "deleted", "deleted", _rows(*where))
    return await _update(ctx, where, status=ELIMINATO, deleted_on=ctx.today)


async def _lock(ctx: Ctx) -> None:
    """One sweep at a time: PostgreSQL advisory lock; SQLite's writer lock does it already."""
    connection = await ctx.session.connection()
    if connection.dialect.name == "postgresql":
        await ctx.session.execute(text("SELECT pg_advisory_xact_lock(7470115)"))


async def sweep(ctx: Ctx) -> SweepResult:
    """Do the day's work; run twice for one day, the second run changes nothing."""
    await _lock(ctx)
    last = (await ctx.session.execute(
        select(func.coalesce(func.max(Notice.id), 0)))).scalar_one()
    counts = {
        "plan_changes": await _scheduled_changes(ctx),
        "renewed_on_sight": await _renew_on_sight(ctx),
        "suspended_unpaid": await _suspend_unpaid(ctx),
        "expired": await _expire(ctx),
        "deleted_unpaid": await _grace_over(ctx),
        "deleted": await _delete(ctx),
        "orders_voided": len(await void_stale_everywhere(ctx)),
        # Last: a renewal above may have set an expiry that is already within a window.
        "reminders": await _reminders(ctx),
    }
    total = (await ctx.session.execute(
        select(func.count(Notice.id)).where(Notice.id > last))).scalar_one()
    # The first notices only, so that memory does not grow with the number of services;
    # all of them are in the outbox, which the bot reads page by page.
    notices = (await ctx.session.execute(
        NOTICE_ROWS.where(Notice.id > last).order_by(Notice.id).limit(NOTICES_RETURNED))).all()
    return SweepResult(day=ctx.today, counts=counts,
                       notices=tuple(NoticeView(*row) for row in notices),
                       notices_total=total)

