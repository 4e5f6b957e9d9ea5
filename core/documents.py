"""The documents the provider issues: a fattura (FatturaPA TD01) for every paid order or
on-sight renewal, a nota di credito (TD04) for money given back.

A document is frozen in the transaction that issues it: `finalise` gives it the next SdI
progressive (one series for every document, across years, without gaps: the number the
SdI file name carries) and stores what it says: the provider and the customer as they were
that day, its lines with their periods, the IVA and how it is paid. The FatturaPA XML, the
PDF copy and the emails are all drawn from that content, so a later change of address or
settings never rewrites a document already issued.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from core.context import Ctx
from core.models import Customer, Invoice, Order, OrderLine, Plan, Service

SDI_SERIES, SDI_YEAR = "sdi", 0  # the DocumentCounter row of the SdI progressive
CONTENT_VERSION = 1
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Lines whose amount is for the service's period as it stands once the order is applied.
_PERIOD_KINDS = {"renewal", "upgrade", "debit", "change_fee", "restoration", "addon"}


def progressive(seq: int) -> str:
    """The SdI progressive of document number `seq`: five characters, base 36 ("00001",
    ..., "0000Z", "00010"): the SdI allows five alphanumerics, so 60 million documents."""
    if not 0 < seq < 36 ** 5:
        raise ValueError(f"SdI progressive out of range: {seq}")
    digits = ""
    while seq:
        seq, rest = divmod(seq, 36)
        digits = _ALPHABET[rest] + digits
    return digits.rjust(5, "0")


def file_name(provider_vat_number: str, seq: int) -> str:
    """`IT01234567897_0000A.xml`: the name the SdI expects (country, partita IVA, progressive)."""
    return f"{provider_vat_number}_{progressive(seq)}.xml"


async def finalise(ctx: Ctx, invoice: Invoice) -> None:
    """Number and freeze one document just issued (in the caller's transaction)."""
    if invoice.sdi_seq is not None:
        return
    from core.billing import next_number  # billing issues documents and calls this

    await ctx.session.flush()
    invoice.sdi_seq = await next_number(ctx, SDI_SERIES, SDI_YEAR)
    invoice.document = await _content(ctx, invoice)
    await ctx.session.flush()


async def finalise_pending(ctx: Ctx) -> int:
    """Freeze every document issued without it (the sweep's on-sight fatture, inserted in
    bulk; documents issued before this version), in issue order."""
    from core.billing import next_number

    pending = list((await ctx.session.execute(
        select(Invoice).where(Invoice.sdi_seq.is_(None)).order_by(Invoice.id))).scalars())
    if not pending:
        return 0
    first = await next_number(ctx, SDI_SERIES, SDI_YEAR, len(pending))
    for offset, invoice in enumerate(pending):
        invoice.sdi_seq = first + offset
        invoice.document = await _content(ctx, invoice)
    await ctx.session.flush()
    return len(pending)


async def _content(ctx: Ctx, invoice: Invoice) -> dict[str, Any]:
    settings = ctx.settings
    customer = await ctx.session.get(Customer, invoice.customer_id)
    assert customer is not None
    content: dict[str, Any] = {
        "version": CONTENT_VERSION,
        "type": "TD04" if invoice.doc_type == "nota_credito" else "TD01",
        "number": invoice.number,
        "issued_on": invoice.issued_on.isoformat(),
        "due_on": invoice.due_on.isoformat(),
        "progressive": progressive(invoice.sdi_seq or 0),
        "provider": {
            "name": settings.provider_name, "vat_number": settings.provider_vat_number,
            "tax_code": settings.provider_tax_code, "tax_regime": settings.provider_tax_regime,
            "street": settings.provider_address, "postcode": settings.provider_postcode,
            "city": settings.provider_city, "province": settings.provider_province,
            "country": settings.provider_country, "email": settings.provider_email,
            "iban": settings.iban, "bank_holder": settings.bank_holder,
        },
        "customer": {
            "code": customer.code, "name": customer.nominativo, "email": customer.email,
            "tax_code": customer.tax_code, "vat_number": customer.vat_number,
            "street": customer.street, "postcode": customer.postcode, "city": customer.city,
            "province": customer.province, "country": customer.country or "IT",
            "sdi_code": customer.sdi_code, "pec": customer.pec,
        },
        "vat_rate": str(settings.vat_rate),
        "subtotal": str(invoice.subtotal), "vat": str(invoice.vat), "total": str(invoice.total),
        "order": None, "method": None, "credits": None, "reason": invoice.reason,
        "lines": [],
    }
    if invoice.credits_invoice_id is not None:
        credited = await ctx.session.get(Invoice, invoice.credits_invoice_id)
        assert credited is not None
        content["credits"] = {"number": credited.number,
                              "issued_on": credited.issued_on.isoformat()}
        content["lines"] = [{"kind": "credit_note", "amount": str(invoice.subtotal),
                             "service": None, "plan": None, "period_from": None,
                             "period_to": None, "detail": {"credits": credited.number}}]
        return content
    if invoice.order_id is None:
        return content
    order = await ctx.session.get(Order, invoice.order_id)
    assert order is not None
    content["order"], content["method"] = order.reference, order.method
    lines = (await ctx.session.execute(
        select(OrderLine, Service, Plan).join(Service, Service.id == OrderLine.service_id)
        .join(Plan, Plan.id == OrderLine.plan_id)
        .where(OrderLine.order_id == order.id).order_by(OrderLine.id)
        .execution_options(populate_existing=True))).all()  # services just updated in bulk
    for line, service, plan in lines:
        start, end = _period(order, line, service)
        content["lines"].append({
            "kind": line.kind, "amount": str(line.amount), "service": service.name,
            "plan": plan.name, "plan_code": plan.code,
            "period_from": start.isoformat() if start else None,
            "period_to": end.isoformat() if end else None,
            "detail": dict(line.detail or {}),
        })
    return content


def _period(order: Order, line: OrderLine, service: Service) -> tuple[date | None, date | None]:
    """The period a line pays for: written on the line, else (an on-sight renewal, a plan
    change) the service's period as the applied order left it."""
    detail = line.detail or {}
    start = detail.get("period_from") or detail.get("new_period_start")
    end = detail.get("period_to") or detail.get("new_expiry")
    if start and end:
        return date.fromisoformat(start), date.fromisoformat(end)
    if order.kind == "tacit" and order.source_period_from is not None:
        return order.source_period_from, service.expires_on
    if line.kind in _PERIOD_KINDS and service.period_start and service.expires_on:
        return service.period_start, service.expires_on
    return None, None


# --- reading a frozen document ---------------------------------------------------------


@dataclass(frozen=True)
class Party:
    name: str
    vat_number: str | None
    tax_code: str | None
    street: str | None
    postcode: str | None
    city: str | None
    province: str | None
    country: str
    email: str | None = None
    code: str | None = None  # the customer's code
    sdi_code: str | None = None
    pec: str | None = None
    tax_regime: str | None = None  # the provider's
    iban: str | None = None
    bank_holder: str | None = None


@dataclass(frozen=True)
class DocumentLine:
    kind: str  # an order line's kind, or `credit_note`
    amount: Decimal  # ex VAT; a credit of an order is negative
    service: str | None
    plan: str | None
    period_from: date | None
    period_to: date | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class Document:
    """A document as issued, read back from its frozen content."""

    type: str  # TD01 fattura, TD04 nota di credito
    number: str
    issued_on: date
    due_on: date
    progressive: str
    sdi_seq: int
    provider: Party
    customer: Party
    lines: tuple[DocumentLine, ...]
    vat_rate: Decimal
    subtotal: Decimal
    vat: Decimal
    total: Decimal
    order: str | None  # the order's reference
    method: str | None  # how the order is paid
    credits: tuple[str, date] | None  # the fattura a nota di credito reverses
    reason: str | None
    paid: bool  # today's state, not frozen: an on-sight fattura is paid later

    @property
    def is_credit_note(self) -> bool:
        return self.type == "TD04"

    @property
    def file_name(self) -> str:
        return file_name(self.provider.vat_number or "", self.sdi_seq)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _party(data: dict[str, Any]) -> Party:
    fields = set(Party.__dataclass_fields__)
    return Party(**{k: v for k, v in data.items() if k in fields})


def read(invoice: Invoice) -> Document:
    """The document an invoice row carries (finalised: `document` and `sdi_seq` set)."""
    data = invoice.document
    if data is None or invoice.sdi_seq is None:
        raise ValueError(f"document {invoice.number} not finalised")
    credits = data.get("credits")
    return Document(
        type=data["type"], number=data["number"], issued_on=date.fromisoformat(data["issued_on"]),
        due_on=date.fromisoformat(data["due_on"]), progressive=data["progressive"],
        sdi_seq=invoice.sdi_seq, provider=_party(data["provider"]),
        customer=_party(data["customer"]),
        lines=tuple(DocumentLine(
            kind=ln["kind"], amount=Decimal(ln["amount"]), service=ln.get("service"),
            plan=ln.get("plan"), period_from=_day(ln.get("period_from")),
            period_to=_day(ln.get("period_to")), detail=ln.get("detail") or {})
            for ln in data["lines"]),
        vat_rate=Decimal(data["vat_rate"]), subtotal=Decimal(data["subtotal"]),
        vat=Decimal(data["vat"]), total=Decimal(data["total"]), order=data.get("order"),
        method=data.get("method"),
        credits=(credits["number"], date.fromisoformat(credits["issued_on"])) if credits else None,
        reason=data.get("reason"), paid=invoice.paid,
    )


# What a FatturaPA needs of the customer. A document frozen without it (its customer was
# imported before addresses existed) takes the fields it lacks from the customer record
# as it is now, when read; once the record has them, `settle` freezes them into the
# document (the application does it when it reads one), so a complete document never
# changes again and a re-export writes the same bytes.
FISCAL_FIELDS = ("street", "postcode", "city", "province", "country", "vat_number",
                 "tax_code", "sdi_code", "pec")


def lacks_fiscal_data(party: Party) -> bool:
    """No full address (street, postcode, city), or neither partita IVA nor codice fiscale."""
    return not (party.street and party.postcode and party.city) or not (
        party.vat_number or party.tax_code)


def complete(document: Document, customer: Customer) -> Document:
    """`document` with the customer's missing fiscal fields taken from `customer` (the
    current record); unchanged if it has them all."""
    frozen = document.customer
    if not lacks_fiscal_data(frozen):
        return document
    no_address = not (frozen.street and frozen.postcode and frozen.city)
    found: dict[str, Any] = {}
    for name in FISCAL_FIELDS:
        current = getattr(customer, name)
        # The country was frozen as the default `IT` when there was no address at all.
        if current and (not getattr(frozen, name) or (name == "country" and no_address)):
            found[name] = current
    return replace(document, customer=replace(frozen, **found)) if found else document


async def load(ctx: Ctx, invoice: Invoice) -> Document:
    """`read`, completed from the current customer record where the frozen content lacks
    the customer's fiscal data (see `complete`)."""
    return (await load_all(ctx, [invoice]))[0]


async def load_all(ctx: Ctx, invoices: list[Invoice]) -> list[Document]:
    read_back = [read(invoice) for invoice in invoices]
    wanting = {i.customer_id for i, d in zip(invoices, read_back, strict=True)
               if lacks_fiscal_data(d.customer)}
    if not wanting:
        return read_back
    customers = {c.id: c for c in (await ctx.session.execute(
        select(Customer).where(Customer.id.in_(wanting)))).scalars()}
    return [complete(d, customers[i.customer_id]) if i.customer_id in customers else d
            for i, d in zip(invoices, read_back, strict=True)]


def unsettled(invoices: list[Invoice], read_back: list[Document]) -> list[Invoice]:
    """The invoices frozen without the customer's fiscal data that the current record
    now completes (`read_back`: `load_all` of `invoices`)."""
    return [i for i, d in zip(invoices, read_back, strict=True)
            if i.document is not None and lacks_fiscal_data(_party(i.document["customer"]))
            and not lacks_fiscal_data(d.customer)]


async def settle(ctx: Ctx, invoices: list[Invoice]) -> int:
    """Freeze the completed customer into each of `invoices` that `unsettled` names (in
    the caller's transaction); returns how many."""
    found = unsettled(invoices, await load_all(ctx, invoices))
    for invoice in found:
        completed = (await load(ctx, invoice)).customer
        content = dict(invoice.document or {})
        content["customer"] = {**content["customer"],
                               **{name: getattr(completed, name) for name in FISCAL_FIELDS}}
        invoice.document = content
    await ctx.session.flush()
    return len(found)


async def by_number(ctx: Ctx, number: str, customer_id: int | None = None) -> Invoice | None:
    """The finalised document `2026/000001` or `NC 2026/000001`; with `customer_id`, only
    that customer's (a customer never reaches another's documents)."""
    text = " ".join(number.split()).upper()
    doc_type = "nota_credito" if text.startswith("NC ") else "fattura"
    year, _, seq = text.removeprefix("NC ").partition("/")
    if not (year.isdigit() and seq.isdigit() and len(year) == 4 and len(seq) <= 9):
        return None
    query = select(Invoice).where(Invoice.doc_type == doc_type, Invoice.year == int(year),
                                  Invoice.seq == int(seq), Invoice.sdi_seq.is_not(None))
    if customer_id is not None:
        query = query.where(Invoice.customer_id == customer_id)
    return (await ctx.session.execute(query)).scalar_one_or_none()


async def issued_between(ctx: Ctx, start: date, end: date) -> list[Invoice]:
    """Finalised documents issued from `start` to `end` (both included), in SdI order."""
    return list((await ctx.session.execute(
        select(Invoice).where(Invoice.issued_on >= start, Invoice.issued_on <= end,
                              Invoice.sdi_seq.is_not(None))
        .order_by(Invoice.sdi_seq))).scalars())


async def count_unfinalised(ctx: Ctx) -> int:
    return int((await ctx.session.execute(
        select(func.count(Invoice.id)).where(Invoice.sdi_seq.is_(None)))).scalar_one())
