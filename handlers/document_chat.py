"""What the customer reads of documents in the chat: amounts with their sign, the lines of
a fattura in the receipt after a payment, the «Scarica PDF» reply."""

from __future__ import annotations

from decimal import Decimal

from core.documents import Document
from handlers.document_pdf import document_heading, pdf_file_name, vat_percent
from handlers.document_text import line_description, line_period
from handlers.i18n import euro, t
from handlers.ui import DocumentRequest, Reply


def signed(amount: Decimal, negative: bool = False) -> str:
    """`€ 12,08`, or `− € 24,40` for money going back (a nota di credito, a credit)."""
    if amount < 0 or (negative and amount > 0):
        return t("docs-negative", amount=euro(abs(amount)))
    return euro(amount)


def receipt_lines(doc: Document) -> list[str]:
    """What a paid fattura bought: each line with its period and amount, then the totals."""
    lines = [t("receipt-title")]
    for line in doc.lines:
        lines.append(t("receipt-line", description=line_description(doc, line),
                       amount=signed(line.amount)))
        period = line_period(line)
        if period:
            lines.append(t("receipt-period", period=period))
    lines.append(t("receipt-totals", subtotal=doc.subtotal, rate=vat_percent(doc.vat_rate),
                   vat=doc.vat, total=doc.total))
    return lines


def pdf_reply(doc: Document, *buttons_rows: tuple) -> Reply:  # type: ignore[type-arg]
    """The reply that has the door send `doc`'s PDF copy, with a short caption."""
    return Reply(t("doc-pdf-caption", title=document_heading(doc)), tuple(buttons_rows),
                 document=DocumentRequest(doc.number, pdf_file_name(doc.number)))
