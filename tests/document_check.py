"""Every finalised document in a database, rendered as FatturaPA and read back.

`tests/conftest.py` runs `check_database` after every test that used the database: each
document passes a38's validation (inside `fattura_xml`) and the independent `fatturapa`
parser reads the same numbers, parties, lines and totals, to the cent.
"""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal

from fatturapa import parse
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from core import documents
from core.db import create_engine
from core.documents import Document
from core.models import Customer, Invoice
from handlers.document_text import line_description
from handlers.document_xml import fattura_xml, payment_mode, rate_percent, recipient, split_vat

CENT = Decimal("0.01")


def italian(amount: Decimal) -> str:
    """As `fatturapa` prints an amount: `1.234,56`, `-5,00`."""
    sign = "-" if amount < 0 else ""
    whole, _, cents = f"{abs(amount):.2f}".partition(".")
    return f"{sign}{int(whole):,}".replace(",", ".") + f",{cents}"


def check_document(doc: Document) -> bytes:
    """Render `doc`, read it back with `fatturapa`, compare everything; returns the XML."""
    xml = fattura_xml(doc)
    [read] = parse(xml)
    where = f"{doc.number} ({doc.file_name})"
    assert (read.tipo_documento_codice, read.numero, read.data) == (
        doc.type, doc.number, doc.issued_on.strftime("%d/%m/%Y")), where
    assert (read.totale_imponibile, read.totale_imposta, read.importo_totale) == (
        italian(doc.subtotal), italian(doc.vat), italian(doc.total)), where
    assert doc.subtotal + doc.vat == doc.total, where
    # The SdI's own checks: lines add up to the imponibile, IVA within a cent of the rate's.
    assert sum((line.amount for line in doc.lines), Decimal(0)) == doc.subtotal, where
    expected_vat = (doc.subtotal * doc.vat_rate).quantize(CENT, ROUND_HALF_UP)
    assert abs(doc.vat - expected_vat) <= CENT, where
    assert [(x.descrizione, x.prezzo_totale, x.prezzo_unitario, x.aliquota_iva)
            for x in read.linee] == [
        (line_description(doc, line), italian(line.amount), italian(line.amount),
         italian(rate_percent(doc))) for line in doc.lines], where
    assert [r.aliquota_iva for r in read.riepiloghi] == [italian(rate_percent(doc))], where
    provider, customer = read.cedente, read.cessionario
    assert (provider.denominazione, provider.partita_iva, provider.cap) == (
        doc.provider.name, doc.provider.vat_number, doc.provider.postcode), where
    assert (customer.denominazione, customer.codice_fiscale, customer.indirizzo,
            customer.cap, customer.comune) == (
        doc.customer.name, doc.customer.tax_code or "", doc.customer.street,
        doc.customer.postcode, doc.customer.city), where
    if doc.customer.vat_number:
        assert customer.partita_iva == "".join(split_vat(
            doc.customer.vat_number, doc.customer.country)), where
    assert read.codice_destinatario == recipient(doc)[0], where
    root = ET.fromstring(xml)
    assert _text(root, "ProgressivoInvio") == doc.progressive, where
    assert _text(root, "PECDestinatario") == (recipient(doc)[1] or ""), where
    if doc.is_credit_note:
        assert doc.credits is not None and not read.pagamenti, where
        assert (_text(root, "DatiFattureCollegate/IdDocumento"),
                _text(root, "DatiFattureCollegate/Data")) == (
            doc.credits[0], doc.credits[1].isoformat()), where
    else:
        [paid] = read.pagamenti
        assert (paid.importo, paid.scadenza) == (
            italian(doc.total), doc.due_on.strftime("%d/%m/%Y")), where
        assert (_text(root, "ModalitaPagamento"), _text(root, "IBAN") != "") == (
            payment_mode(doc), payment_mode(doc) == "MP05"), where
    return xml


def _text(root: ET.Element, path: str) -> str:
    found = root.find(f".//{path}")
    return (found.text or "") if found is not None else ""


async def check_database_async(url: str) -> int:
    """Check every finalised document; the SdI progressives run 1..n without gaps."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            try:
                invoices = list((await conn.execute(
                    select(Invoice).where(Invoice.sdi_seq.is_not(None))
                    .order_by(Invoice.sdi_seq))).all())
            except DBAPIError:
                return 0  # a test that broke or removed its database on purpose
            if not invoices:
                return 0
            customers = {row.id: row for row in (await conn.execute(select(Customer))).all()}
    finally:
        await engine.dispose()
    seqs = [row.sdi_seq for row in invoices]
    assert seqs == list(range(1, len(seqs) + 1)), f"SdI progressives with gaps: {seqs}"
    for row in invoices:
        doc = documents.read(row)  # type: ignore[arg-type]  # a row has the same fields
        check_document(documents.complete(doc, customers[row.customer_id]))  # type: ignore[arg-type]
    return len(invoices)


def check_database(url: str) -> int:
    """`check_database_async` on a loop of its own (the tests' loop is not running now)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(check_database_async(url))
    finally:
        loop.close()
