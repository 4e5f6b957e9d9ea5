"""Orders, payments, invoices: turning a quote into money and a renewed or changed service.

Guarantees, each backed by a database constraint rather than by care alone:
- a quote becomes at most one order (`orders.quote_id` is unique);
- a service period is renewed by at most one live order (`renewal_claims` primary key);
- an order is applied once (`UPDATE ... WHERE status = 'pending'` and a unique succeeded
  payment per order); a service line applies only if the service is still as quoted;
- fatture get gap-free numbers per year from a counter row updated in the same transaction.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from core import documents, settlement
from core.context import Ctx
from core.dates import add_months
from core.db import rows_changed as _rows_changed
from core.downgrades import apply_downgrade, rule_book
from core.errors import (
    AmountMismatch,
    NotAllowed,
    NotFound,
    QuoteExpired,
    RenewalAlreadyOrdered,
)
from core.limits import usage_value
from core.models import (
    CategoryPolicy,
    DocumentCounter,
    Invoice,
    Notice,
    Order,
    OrderLine,
    Plan,
    PlanTransition,
    QuoteRecord,
    RenewalClaim,
    Service,
)
from core.money import vat_of
from core.pricing import (
    PlanTerms,
    Quote,
    RenewalChoice,
    ServiceTerms,
    change_quote,
    removed_items,
    renewal_choices,
    renewal_quote,
    with_addons,
)
from core.states import ATTIVO, DISDETTO, SCADUTO, SOSPESO, recovery_deadline
from core.terms import TermsAcceptance, check_current
from core.views import OrderView, order_view

RENEWABLE = (ATTIVO, DISDETTO, SCADUTO)


def plan_terms(plan: Plan, policy: str | None = None) -> PlanTerms:
    return PlanTerms(
        id=plan.id, code=plan.code, name=plan.name, category=plan.category, price=plan.price,
        period_months=plan.period_months, change_fee=plan.change_fee,
        limits={k: int(v) for k, v in (plan.limits or {}).items()},
        features=tuple(plan.features or ()), policy=policy or plan.policy,
        durations=tuple(int(m) for m in plan.durations or ()),
    )


async def policy_for(ctx: Ctx, plan: Plan) -> str:
    """The plan's own policy, else its category's, else the installation's default."""
    if plan.policy:
        return plan.policy
    by_category = (await ctx.session.execute(select(CategoryPolicy.policy).where(
        CategoryPolicy.category == plan.category))).scalar_one_or_none()
    return by_category or ctx.settings.policy


def service_terms(service: Service, pending_plan: PlanTerms | None = None) -> ServiceTerms:
    """`pending_plan`: the plan of a change scheduled for the period end (renewals need it)."""
    return ServiceTerms(
        id=service.id, customer_id=service.customer_id, name=service.name,
        plan=plan_terms(service.plan), period_start=service.period_start,
        expires_on=service.expires_on, paid_for_period=service.paid_for_period,
        usage={k: usage_value(v) for k, v in (service.usage or {}).items()},
        pending_plan=pending_plan, pending_change_on=service.pending_change_on,
        renewal_mode=service.renewal_mode, renewal_months=service.renewal_months,
    )


async def own_service(
    ctx: Ctx, customer_id: int, service_id: int, include_deleted: bool = False
) -> Service:
    """The customer's service, or NotFound (also for someone else's: never tell which)."""
    service = await ctx.session.get(Service, service_id)
    deleted = service is not None and service.status == "eliminato" and not include_deleted
    if service is None or service.customer_id != customer_id or deleted:
        raise NotFound(entity="service", id=service_id)
    return service


async def own_order(ctx: Ctx, customer_id: int | None, order_id: int) -> Order:
    order = await ctx.session.get(Order, order_id)
    if order is None or (customer_id is not None and order.customer_id != customer_id):
        raise NotFound(entity="order", id=order_id)
    return order


def check_renewable(service: Service, today: date, recovery_days: int) -> None:
    if service.status not in RENEWABLE:
        raise NotAllowed(reason="not_renewable", service_id=service.id, status=service.status)
    if today > recovery_deadline(service.expires_on, recovery_days):
        raise NotAllowed(reason="recovery_window_over", service_id=service.id)


async def save_quote(ctx: Ctx, quote: Quote) -> Quote:
    ctx.session.add(QuoteRecord(
        id=quote.id, customer_id=quote.customer_id, kind=quote.kind,
        computed_for=quote.computed_for, total=quote.total, payload=quote.to_dict(),
        created_at=ctx.now,
    ))
    return quote


async def quote_renewal(ctx: Ctx, customer_id: int, service_ids: list[int],
                        choices: dict[int, RenewalChoice] | None = None) -> Quote:
    """The renewal cart, with the Durata and automatic renewal chosen per service."""
    services = []
    for service_id in dict.fromkeys(service_ids):  # a cart lists each service once
        service = await own_service(ctx, customer_id, service_id)
        check_renewable(service, ctx.today, ctx.settings.recovery_days)
        pending = (await ctx.session.get(Plan, service.pending_plan_id)
                   if service.pending_plan_id is not None else None)
        services.append(service_terms(service, plan_terms(pending) if pending else None))
    quote = renewal_quote(ctx.today, customer_id, services, ctx.settings.vat_rate, choices)
    return await save_quote(ctx, quote)


# The catalogue's one rule for where a plan may go: a transition to a plan still on sale.
# Joined as `Plan` from `PlanTransition` (or the other way round) by every query that asks.
CHANGE_TARGET = and_(PlanTransition.to_plan_id == Plan.id, Plan.active.is_(True))


async def change_targets(ctx: Ctx, service: Service) -> list[Plan]:
    """The plans the service may change to, cheapest first."""
    rows = await ctx.session.execute(
        select(Plan).join(PlanTransition, CHANGE_TARGET)
        .where(PlanTransition.from_plan_id == service.plan_id)
        .order_by(Plan.price, Plan.code)
    )
    return list(rows.scalars())


async def quote_change(ctx: Ctx, customer_id: int, service_id: int, plan_code: str,
                       with_renewal: bool = False, keep_addons: tuple[str, ...] = ()) -> Quote:
    """The change quote under the policy of the service's current plan."""
    service = await own_service(ctx, customer_id, service_id)
    if service.status != ATTIVO:
        raise NotAllowed(reason="change_needs_active", service_id=service_id)
    target = next((p for p in await change_targets(ctx, service) if p.code == plan_code), None)
    if target is None:
        raise NotFound(entity="plan", code=plan_code)
    policy = await policy_for(ctx, service.plan)
    terms, target_terms = service_terms(service), plan_terms(target)
    quote = change_quote(policy, ctx.today, terms, target_terms, ctx.settings.vat_rate,
                         with_renewal=with_renewal)
    if quote.direction == "downgrade":  # what goes, by the rules the downgrade applies
        quote = replace(quote, removed=removed_items(terms, target_terms,
                                                     await rule_book(ctx.session)))
        quote = with_addons(quote, keep_addons)
    return await save_quote(ctx, quote)


async def load_quote(ctx: Ctx, customer_id: int, quote_id: str) -> Quote:
    record = await ctx.session.get(QuoteRecord, quote_id)
    if record is None or record.customer_id != customer_id:
        raise NotFound(entity="quote", id=quote_id)
    return Quote.from_dict(record.payload)


async def _still_as_quoted(ctx: Ctx, quote: Quote) -> bool:
    """Whether every service is still as it was when the quote was computed."""
    if quote.kind == "renewal":
        for item in quote.renewals:
            service = await ctx.session.get(Service, item["service_id"])
            if service is None or service.expires_on.isoformat() != item["period_from"]:
                return False
            # Its plan as quoted, or the scheduled plan the renewal is priced on (applied
            # by the sweep meanwhile).
            if service.plan.code not in (item.get("bound_plan", service.plan.code),
                                         item["plan_code"]):
                return False
            if service.status not in RENEWABLE:
                return False
        return True
    service = await ctx.session.get(Service, quote.service_id)
    return bool(service and service.plan.code == quote.from_plan and service.status == ATTIVO)


async def requote(ctx: Ctx, quote: Quote) -> Quote:
    """The same request computed again for today."""
    if quote.kind == "renewal":
        ids = [item["service_id"] for item in quote.renewals]
        try:
            return await quote_renewal(ctx, quote.customer_id, ids, renewal_choices(quote))
        except NotAllowed as refused:
            if refused.facts.get("reason") != "duration_not_offered":
                raise
            return await quote_renewal(ctx, quote.customer_id, ids)  # the plan changed
    assert quote.service_id is not None and quote.to_plan is not None
    return await quote_change(ctx, quote.customer_id, quote.service_id, quote.to_plan,
                              with_renewal=quote.renewal_included,
                              keep_addons=quote.kept_addons)


async def order_from_quote(ctx: Ctx, customer_id: int, quote_id: str, method: str,
                           terms: TermsAcceptance | None = None) -> Order:
    """The order that executes `quote_id`: new, or the one already made from it.

    `terms`: the customer's acceptance of the general conditions, recorded on the order: a
    customer's order is never placed without it (seed 002; it is the consent to a distance
    contract). The order also records who placed it (`customer:<id>`, or `support:<name>`
    for support acting on the customer's behalf, which needs no acceptance).
    """
    if terms is not None:
        check_current(terms, ctx.settings.terms_version)
    quote = await load_quote(ctx, customer_id, quote_id)
    existing = (await ctx.session.execute(
        select(Order).where(Order.quote_id == quote_id))).scalar_one_or_none()
    if existing is not None:
        return existing  # placed already, with its consent
    if terms is None and ctx.actor.kind == "customer":
        raise NotAllowed(reason="terms_required", quote_id=quote_id)
    if quote.computed_for != ctx.today or not await _still_as_quoted(ctx, quote):
        # Refused in the open: the caller shows a fresh quote, nothing is charged.
        raise QuoteExpired(stale=quote)
    order = Order(
        customer_id=customer_id, kind=quote.kind, status="pending", method=method,
        quote_id=quote.id, subtotal=quote.subtotal, vat=quote.vat, total=quote.total,
        created_on=ctx.today, placed_by=f"{ctx.actor.kind}:{ctx.actor.id}"[:64],
        terms_version=terms.version if terms else None,
        terms_accepted_at=terms.accepted_at if terms else None,
    )
    ctx.session.add(order)
    await ctx.session.flush()
    plans = {p.code: p.id for p in (await ctx.session.execute(select(Plan))).scalars()}
    for line in quote.lines:
        detail = dict(line.detail)
        if quote.kind == "change":
            detail.update(
                from_plan=quote.from_plan, to_plan=quote.to_plan, direction=quote.direction,
                new_expiry=quote.new_expiry.isoformat() if quote.new_expiry else None,
                new_period_start=(quote.new_period_start.isoformat()
                                  if quote.new_period_start else None),
                effective_on=quote.effective_on.isoformat() if quote.effective_on else None,
            )
        made = OrderLine(
            order_id=order.id, service_id=line.service_id, kind=line.kind, amount=line.amount,
            plan_id=plans[line.plan_code], detail=detail,
        )
        service = await ctx.session.get(Service, line.service_id)
        assert service is not None  # checked by _still_as_quoted
        settlement.bind(made, service)
        ctx.session.add(made)
    renewals = [(r["service_id"], r["period_from"]) for r in quote.renewals]
    renewals += [(line.service_id, line.detail["period_from"])
                 for line in quote.lines if line.kind == "renewal" and quote.kind == "change"]
    for service_id, period_from in renewals:
        await _claim(ctx, service_id, date.fromisoformat(period_from), order.id)
    await ctx.audit("order", order.id, "created", quote_id=quote.id, method=method,
                    total=quote.total, terms_version=order.terms_version,
                    terms_accepted_at=order.terms_accepted_at)
    return order


async def _claim(ctx: Ctx, service_id: int, period_from: date, order_id: int) -> None:
    holder = (await ctx.session.execute(
        select(RenewalClaim.order_id).where(RenewalClaim.service_id == service_id,
                                            RenewalClaim.period_from == period_from)
    )).scalar_one_or_none()
    if holder is not None:
        held_by = await ctx.session.get(Order, holder)
        raise RenewalAlreadyOrdered(service_id=service_id, order_id=holder,
                                    reference=held_by.reference if held_by else None)
    try:
        async with ctx.session.begin_nested():
            ctx.session.add(RenewalClaim(service_id=service_id, period_from=period_from,
                                         order_id=order_id))
    except IntegrityError:
        raise RenewalAlreadyOrdered(service_id=service_id) from None


async def next_number(ctx: Ctx, doc_type: str, year: int, count: int = 1) -> int:
    """Reserve `count` progressive numbers; returns the first. Locks the counter row."""
    counter = (await ctx.session.execute(
        select(DocumentCounter).where(DocumentCounter.doc_type == doc_type,
                                      DocumentCounter.year == year).with_for_update()
    )).scalar_one_or_none()
    if counter is None:
        try:
            async with ctx.session.begin_nested():
                await ctx.session.execute(
                    insert(DocumentCounter).values(doc_type=doc_type, year=year, last=0))
        except IntegrityError:
            pass  # created meanwhile by another transaction
        counter = (await ctx.session.execute(
            select(DocumentCounter).where(DocumentCounter.doc_type == doc_type,
                                          DocumentCounter.year == year).with_for_update()
        )).scalar_one()
    first = counter.last + 1
    counter.last += count
    await ctx.session.flush()
    return first


async def apply_order(ctx: Ctx, order: Order) -> None:
    """Mark paid, renew or change the services, issue (or settle) the fattura. Runs once."""
    marked = await ctx.session.execute(
        update(Order).where(Order.id == order.id, Order.status == "pending")
        .values(status="paid", paid_on=ctx.today).execution_options(synchronize_session=False)
    )
    if _rows_changed(marked) != 1:
        return
    order.status, order.paid_on = "paid", ctx.today
    await ctx.session.refresh(order, ["lines"])  # lines may have been added in this session
    unapplied = 0
    if order.kind == "tacit":
        await _settle_tacit(ctx, order)
    else:
        for line in order.lines:
            if line.applied:
                continue
            applied = await _apply_line(ctx, order, line)
            line.applied = applied
            unapplied += 0 if applied else 1
    if order.kind != "tacit" and order.total > 0:  # nothing to invoice for a free change
        number = await next_number(ctx, "fattura", ctx.today.year)
        invoice = Invoice(
            doc_type="fattura", year=ctx.today.year, seq=number, customer_id=order.customer_id,
            order_id=order.id, issued_on=ctx.today, due_on=ctx.today, subtotal=order.subtotal,
            vat=order.vat, total=order.total, paid=True,
        )
        ctx.session.add(invoice)
        await documents.finalise(ctx, invoice)
    if unapplied:
        # Callers check the order still fits first (`settlement.why_stale`), in the same
        # transaction: this is a last line of defence, and support looks at it.
        order.needs_review = True
    await ctx.session.execute(
        insert(Notice).values(
            customer_id=order.customer_id, service_id=order.lines[0].service_id,
            kind="order_paid", ref_date=ctx.today, dedup_key=f"order_paid:{order.id}",
            created_on=ctx.today, order_id=order.id,
        )
    )
    await ctx.audit("order", order.id, "paid", total=order.total, needs_review=bool(unapplied))
    # The services moved on: other pending orders made for their old state are void now.
    await settlement.void_stale(ctx, {line.service_id for line in order.lines},
                                order.reference, except_order=order.id)


async def _settle_tacit(ctx: Ctx, order: Order) -> None:
    invoice = (await ctx.session.execute(
        select(Invoice).where(Invoice.order_id == order.id))).scalar_one()
    invoice.paid = True
    for line in order.lines:
        lifted = await ctx.session.execute(
            update(Service).where(Service.id == line.service_id, Service.status == SOSPESO)
            .values(status=ATTIVO, suspended_on=None)
            .execution_options(synchronize_session=False)
        )
        if _rows_changed(lifted):
            await ctx.audit("service", line.service_id, "reactivated", order_id=order.id)


async def _apply_line(ctx: Ctx, order: Order, line: OrderLine) -> bool:
    detail = line.detail or {}
    if line.kind == "renewal":
        start = date.fromisoformat(detail["period_from"])
        end = date.fromisoformat(detail["period_to"])
        values = dict(expires_on=end, period_start=start, status=ATTIVO,
                      paid_for_period=line.amount, cancellation_reason=None,
                      cancelled_on=None, suspended_on=None)
        if order.kind == "change":
            values["plan_id"] = line.plan_id
        # A renewal priced on the downgrade scheduled for the period end (seed 004) leaves
        # it scheduled: the customer keeps the current plan until then, and the sweep makes
        # the change on that day (the new period is already paid at the new plan's price).
        if "auto_renew" in detail:  # the order summary's «Rinnovo automatico» (seed 002)
            values.update(renewal_mode="automatico" if detail["auto_renew"] else "su_richiesta",
                          renewal_months=detail["months"] if detail["auto_renew"] else None)
        old_mode = (await ctx.session.execute(select(Service.renewal_mode)
                    .where(Service.id == line.service_id))).scalar_one_or_none()
        done = await ctx.session.execute(
            update(Service).where(Service.id == line.service_id, Service.expires_on == start,
                                  Service.status.in_(settlement.RENEWAL_APPLIES))
            .values(**values).execution_options(synchronize_session=False)
        )
        if _rows_changed(done) == 1:
            await ctx.audit("service", line.service_id, "renewed", order_id=order.id,
                            period_from=start, period_to=end, months=detail.get("months"))
            await _audit_choices(ctx, order, line, old_mode)
        return _rows_changed(done) == 1
    if line.kind in ("debit", "change_fee", "upgrade"):
        return await _apply_change(ctx, order, line)
    if line.kind == "addon":
        return await _add_on_service(ctx, order, line)
    if order.kind == "restoration":  # support's restoration after the free window
        from core.staff import apply_restoration

        return await apply_restoration(ctx, order, line)
    return True  # credit lines travel with their debit line


async def _audit_choices(ctx: Ctx, order: Order, line: OrderLine,
                         old_mode: str | None) -> None:
    """Audit what a renewal changed besides the period: the renewal mode and frequency
    chosen in the order summary."""
    detail = line.detail or {}
    if old_mode is None:
        return
    new_mode = "automatico" if detail.get("auto_renew") else "su_richiesta"
    if "auto_renew" in detail and (new_mode != old_mode or detail["auto_renew"]):
        await ctx.audit("service", line.service_id, "renewal_mode", order_id=order.id,
                        old=old_mode, new=new_mode,
                        months=detail["months"] if detail["auto_renew"] else None)


async def _apply_change(ctx: Ctx, order: Order, line: OrderLine) -> bool:
    detail = line.detail or {}
    service = await ctx.session.get(Service, line.service_id)
    if service is None or service.plan.code != detail.get("from_plan"):
        return False
    effective = date.fromisoformat(detail["effective_on"])
    if effective > ctx.today:
        service.pending_plan_id, service.pending_change_on = line.plan_id, effective
        await ctx.audit("service", service.id, "change_scheduled", order_id=order.id,
                        to_plan=detail.get("to_plan"), effective_on=effective)
        return True
    if detail.get("direction") == "downgrade":
        target = await ctx.session.get(Plan, line.plan_id)
        assert target is not None
        await apply_downgrade(ctx, service, target, keep=[
            ln.detail.get("item") for ln in order.lines
            if ln.kind == "addon" and ln.service_id == service.id])
    service.plan_id = line.plan_id
    if line.kind == "debit":
        if detail["new_period_start"] != service.period_start.isoformat():
            # A new period starts: it is worth the debit (money paid now plus credit used).
            service.paid_for_period = line.amount
        else:
            credit = sum((ln.amount for ln in order.lines
                          if ln.kind == "credit" and ln.service_id == service.id), Decimal(0))
            service.paid_for_period += line.amount + credit
        service.period_start = date.fromisoformat(detail["new_period_start"])
        service.expires_on = date.fromisoformat(detail["new_expiry"])
    service.pending_plan_id = service.pending_change_on = None
    await ctx.audit("service", service.id, "plan_changed", order_id=order.id,
                    from_plan=detail.get("from_plan"), to_plan=detail.get("to_plan"))
    return True


async def _add_on_service(ctx: Ctx, order: Order, line: OrderLine) -> bool:
    """An item kept as its own service (seed 001: a reseller's client domain becomes a
    «Dominio aggiuntivo»), for one period of the add-on plan from today. A service of that
    name already there is not overwritten: the line stays unapplied for support."""
    detail = line.detail or {}
    name = str(detail["item"])
    taken = (await ctx.session.execute(select(Service.id).where(
        Service.customer_id == order.customer_id, Service.name == name))).first()
    if taken is not None:
        return False
    plan = await ctx.session.get(Plan, line.plan_id)
    assert plan is not None
    months = int(detail.get("months") or plan.period_months)
    added = Service(customer_id=order.customer_id, plan_id=plan.id, name=name,
                    started_on=ctx.today, period_start=ctx.today,
                    expires_on=add_months(ctx.today, months), renewal_mode="su_richiesta",
                    status=ATTIVO, paid_for_period=line.amount, usage={})
    ctx.session.add(added)
    await ctx.session.flush()
    await ctx.audit("service", added.id, "added_on", order_id=order.id,
                    from_service=line.service_id, plan=plan.code)
    return True


async def cancel_order(ctx: Ctx, order: Order) -> None:
    if order.status != "pending" or order.kind == "tacit":
        raise NotAllowed(reason="order_not_cancellable", order_id=order.id)
    order.status = "cancelled"
    await ctx.session.execute(delete(RenewalClaim).where(RenewalClaim.order_id == order.id))
    await ctx.audit("order", order.id, "cancelled")


async def order_views(ctx: Ctx, orders: list[Order]) -> list[OrderView]:
    if not orders:
        return []
    service_ids = {line.service_id for order in orders for line in order.lines}
    names = dict((await ctx.session.execute(
        select(Service.id, Service.name).where(Service.id.in_(service_ids)))).all())
    invoices = {inv.order_id: inv for inv in (await ctx.session.execute(
        select(Invoice).where(Invoice.order_id.in_([o.id for o in orders])))).scalars()}
    return [order_view(o, names, invoices.get(o.id)) for o in orders]


def parse_invoice_number(number: str) -> tuple[int, int]:
    """`2026/000123` -> (2026, 123)."""
    year, _, seq = number.strip().partition("/")
    if not (year.isdigit() and seq.isdigit()):
        raise NotFound(entity="invoice", number=number)
    return int(year), int(seq)


async def issue_credit_note(ctx: Ctx, number: str, amount: Decimal, reason: str) -> Invoice:
    """A nota di credito reversing part or all of a fattura (money going back).

    Never a negative fattura; and all the notes on one fattura together never exceed it.
    """
    year, seq = parse_invoice_number(number)
    invoice = (await ctx.session.execute(select(Invoice).where(
        Invoice.doc_type == "fattura", Invoice.year == year, Invoice.seq == seq)
        .with_for_update())).scalar_one_or_none()
    if invoice is None:
        raise NotFound(entity="invoice", number=number)
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise AmountMismatch(expected="> 0", got=amount)
    credited = (await ctx.session.execute(
        select(func.coalesce(func.sum(Invoice.subtotal), 0))
        .where(Invoice.credits_invoice_id == invoice.id))).scalar_one()
    already = Decimal(credited)  # the Money type already turned cents into euro
    if already + amount > invoice.subtotal:
        raise AmountMismatch(expected=invoice.subtotal - already, got=amount)
    vat = vat_of(amount, ctx.settings.vat_rate)
    if already + amount == invoice.subtotal:
        # The last note takes exactly the IVA left, so fattura minus notes is zero to the cent.
        notes_vat = (await ctx.session.execute(
            select(func.coalesce(func.sum(Invoice.vat), 0))
            .where(Invoice.credits_invoice_id == invoice.id))).scalar_one()
        vat = invoice.vat - Decimal(notes_vat)
    note = Invoice(
        doc_type="nota_credito", year=ctx.today.year,
        seq=await next_number(ctx, "nota_credito", ctx.today.year),
        customer_id=invoice.customer_id, order_id=None, credits_invoice_id=invoice.id,
        reason=reason, issued_on=ctx.today, due_on=ctx.today, subtotal=amount, vat=vat,
        total=amount + vat, paid=False,
    )
    ctx.session.add(note)
    await documents.finalise(ctx, note)
    await ctx.audit("invoice", note.id, "credit_note", reason=reason, credits=invoice.number,
                    amount=amount)
    return note
