"""The readable PDF copy of a document (fattura, nota di credito), drawn from its frozen
content only: the same document always gives the same bytes.

The legal document is the FatturaPA XML sent through the SdI; this copy says so. It uses
fpdf2's core fonts (no font files to ship or download) in their Windows-1252 encoding,
which has € and the Italian letters; anything outside it is transliterated.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, time
from decimal import Decimal

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from core.app import Sportello
from core.documents import Document, Party
from handlers.document_text import line_description, line_period
from handlers.i18n import euro, t
from handlers.ui import DocumentRequest

ENCODING = "windows-1252"
FONT = "Helvetica"
PAGE_WIDTH = 180  # A4 less 15 mm margins, in mm
AMOUNT_WIDTH = 40
# Letters NFKD does not take apart into a Windows-1252 letter and an accent.
_PLAIN = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i",
                        "\u2212": "-"})


def vat_percent(rate: Decimal) -> str:
    """`22`, `4,5`: the IVA rate as a percentage, the Italian way."""
    from babel.numbers import format_decimal

    return format_decimal(rate * 100, format="#,##0.##", locale="it_IT")


def latin(text: str) -> str:
    """`text` as the core fonts can draw it: Windows-1252, accents dropped from letters
    outside it («Łódź» -> «Lodz»), anything else as «?»."""
    out = []
    for char in text.translate(_PLAIN):
        try:
            char.encode(ENCODING)
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode(ENCODING, "ignore").decode(ENCODING)
            out.append(base or ("-" if unicodedata.category(char) == "Pd" else "?"))
    return "".join(out)


def document_heading(doc: Document) -> str:
    """«Fattura n. 2026/000001 del 21 novembre 2026», or the nota di credito's with the
    fattura it reverses."""
    if doc.is_credit_note and doc.credits is not None:
        number, issued = doc.credits
        return t("pdf-title-TD04", number=doc.number, date=doc.issued_on, invoice=number,
                 invoice_date=issued)
    return t("pdf-title-TD01", number=doc.number, date=doc.issued_on)


def _address(party: Party) -> str | None:
    place = " ".join(p for p in (party.postcode, party.city) if p)
    if party.province:
        place = f"{place} ({party.province})"
    parts = [p for p in (party.street, place, party.country) if p]
    return ", ".join(parts) if parts else None


def _fiscal(party: Party) -> list[str]:
    lines = []
    if party.vat_number:
        lines.append(t("pdf-vat-number", value=party.vat_number))
    if party.tax_code:
        lines.append(t("pdf-tax-code", value=party.tax_code))
    return lines


class _Copy(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FONT, size=7)
        self.cell(0, 4, f"{self.page_no()}/{{nb}}", align="C")


def render_pdf(doc: Document, *, compress: bool = True) -> bytes:
    """The PDF copy of `doc` (A4). `compress=False` leaves the page text readable in the
    bytes (for tests)."""
    pdf = _Copy(orientation="P", unit="mm", format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_compression(compress)
    pdf.set_creation_date(datetime.combine(doc.issued_on, time(), UTC))
    heading = document_heading(doc)
    pdf.set_title(latin(heading))
    pdf.set_subject(latin(t("pdf-subject", title=heading)))
    pdf.set_author(latin(doc.provider.name))
    pdf.set_creator(latin(doc.provider.name))
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()

    def write(text: str, size: float = 9, style: str = "", height: float = 4.5) -> None:
        pdf.set_font(FONT, style=style, size=size)
        pdf.multi_cell(PAGE_WIDTH, height, latin(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    provider = doc.provider
    write(provider.name, size=14, style="B", height=7)
    for line in (_address(provider), *_fiscal(provider),
                 t("pdf-email", value=provider.email) if provider.email else None):
        if line:
            write(line)
    pdf.ln(6)

    customer = doc.customer
    write(t("pdf-customer"), size=8, style="B")
    write(customer.name, size=11, style="B", height=6)
    if customer.code:
        write(t("pdf-customer-code", value=customer.code))
    for line in (_address(customer), *_fiscal(customer)):
        if line:
            write(line)
    if customer.sdi_code:
        write(t("pdf-sdi-code", value=customer.sdi_code))
    if customer.pec:
        write(t("pdf-pec", value=customer.pec))
    pdf.ln(6)

    write(heading, size=13, style="B", height=6)
    pdf.ln(3)
    _lines(pdf, doc)
    pdf.ln(2)
    _totals(pdf, doc)
    pdf.ln(6)

    if doc.method:
        write(t("pdf-method", method=t(f"method-{doc.method}")))
    if doc.order:
        write(t("pdf-order", reference=doc.order))
    if doc.method == "bonifico" and provider.iban:
        write(t("pdf-iban", iban=provider.iban, holder=provider.bank_holder or provider.name))
    if doc.is_credit_note:
        if doc.reason:
            write(t("pdf-credit-reason", reason=doc.reason))
    elif doc.paid:
        write(t("pdf-paid"), style="B")
    else:
        write(t("pdf-due", date=doc.due_on), style="B")
    pdf.ln(8)
    write(t("pdf-sdi-file", value=doc.file_name), size=8)
    write(t("pdf-courtesy"), size=8)
    return bytes(pdf.output())


def _row(pdf: FPDF, description: str, amount: str, *, bold: bool = False,
         period: str | None = None) -> None:
    """One table row: the description (and its period under it) and the amount."""
    width = PAGE_WIDTH - AMOUNT_WIDTH
    top, page = pdf.get_y(), pdf.page
    pdf.set_font(FONT, style="B" if bold else "", size=9)
    pdf.multi_cell(width, 5, latin(description), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if period:
        pdf.set_font(FONT, size=8)
        pdf.multi_cell(width, 4, latin(period), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    bottom = pdf.get_y()
    if pdf.page != page:  # the description broke the page: the amount goes with its end
        top = bottom - 5
    pdf.set_xy(pdf.l_margin + width, top)
    pdf.set_font(FONT, style="B" if bold else "", size=9)
    pdf.cell(AMOUNT_WIDTH, 5, latin(amount), align="R")
    pdf.set_xy(pdf.l_margin, bottom + 1)


def _lines(pdf: FPDF, doc: Document) -> None:
    _row(pdf, t("pdf-col-description"), t("pdf-col-amount"), bold=True)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + PAGE_WIDTH, pdf.get_y())
    pdf.ln(1)
    for line in doc.lines:
        _row(pdf, line_description(doc, line), euro(line.amount), period=line_period(line))
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + PAGE_WIDTH, pdf.get_y())
    pdf.ln(1)


def _totals(pdf: FPDF, doc: Document) -> None:
    rows: list[tuple[str, Decimal, bool]] = [
        (t("pdf-subtotal"), doc.subtotal, False),
        (t("pdf-vat", rate=vat_percent(doc.vat_rate)), doc.vat, False),
        (t("pdf-total"), doc.total, True)]
    for label, amount, bold in rows:
        _row(pdf, label, euro(amount), bold=bold)


def pdf_file_name(number: str) -> str:
    """`Fattura_2026-000001.pdf`, `Nota_di_credito_NC_2026-000001.pdf`: the name the
    customer's copy is saved under (no slash, no space)."""
    kind = "TD04" if number.upper().startswith("NC ") else "TD01"
    name = t(f"pdf-file-{kind}", value=number.replace("/", "-"))
    return "_".join(latin(name).split())


async def pdf_for(app: Sportello, request: DocumentRequest) -> bytes | None:
    """The PDF a reply asks a door to send, rendered now; None if the document is gone
    (never, for a document issued: they are kept)."""
    document = await app.document(request.number)
    return render_pdf(document) if document is not None else None
