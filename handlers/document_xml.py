"""The FatturaPA XML (FPR12, fattura tra privati) of a document as issued, built with a38.

Everything comes from the frozen `core.documents.Document`: the amounts are the core's to
the cent (the IVA is never recomputed here), the customer and the provider as they were on
the day of issue. The file is validated with a38's own checks before it is returned: a
document that would not pass them raises `DocumentInvalid` naming the document and fields.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from a38 import fattura as a38
from a38.validation import Validation

from core.documents import Document, DocumentLine, Party
from handlers.document_text import line_description
from handlers.i18n import t

ET.register_namespace("p", a38.NS)  # `<p:FatturaElettronica>`, as the SdI's own examples

CENT = Decimal("0.01")
NO_RECIPIENT = "0000000"  # a consumer (or a PEC) in Italy: the SdI's «codice convenzionale»
ABROAD_RECIPIENT = "XXXXXXX"  # a customer abroad with no SdI code
ZERO_RATE_NATURA = "N2.2"  # IVA 0 %: «non soggette – altri casi» (README: fiscal notes)
PAYMENT_MODES = {"bonifico": "MP05", "carta": "MP08", "paypal": "MP08", "bollettino": "MP18"}
CAUSALE_LENGTH = 200  # one <Causale> holds at most 200 characters; longer text takes several


class DocumentNotExportable(Exception):
    """A document whose XML cannot be made: `number` names it."""

    def __init__(self, number: str, message: str) -> None:
        super().__init__(message)
        self.number = number


class CustomerIncomplete(DocumentNotExportable):
    """The customer lacks what a FatturaPA needs (`missing`: `address`, `tax_id`): the
    customer record must be completed (`sportello import`), see `core.documents.read`."""

    def __init__(self, number: str, customer: str, missing: list[str]) -> None:
        super().__init__(number, f"document {number}: customer {customer} lacks "
                                 f"{', '.join(missing)}")
        self.customer, self.missing = customer, missing


class DocumentInvalid(DocumentNotExportable):
    """a38 finds the XML invalid: `problems` are (field, a38's message) pairs."""

    def __init__(self, number: str, problems: list[tuple[str, str]]) -> None:
        detail = "; ".join(f"{name}: {why}" for name, why in problems)
        super().__init__(number, f"document {number} is not a valid FatturaPA: {detail}")
        self.problems = problems

    @property
    def fields(self) -> list[str]:
        return [name for name, _ in self.problems]


def fattura_xml(doc: Document) -> bytes:
    """The FatturaPA file of `doc` (UTF-8 bytes), validated by a38."""
    fattura = build(doc)
    problems = validate(fattura)
    if problems:
        raise DocumentInvalid(doc.number, problems)
    tree = fattura.build_etree()
    ET.indent(tree)
    out = io.BytesIO()
    tree.write(out, encoding="utf-8", xml_declaration=True)
    out.write(b"\n")
    return out.getvalue()


def validate(fattura: a38.Fattura) -> list[tuple[str, str]]:
    """a38's errors as (field, message), but one: a38 still wants a PECDestinatario with
    CodiceDestinatario `0000000`, a check (00426) the SdI dropped in its technical
    specification 1.3: a consumer with neither code nor PEC gets `0000000` alone, and the
    Agenzia's own validator accepts it (README: fiscal notes)."""
    validation = Validation()
    fattura.validate(validation)
    transmission = fattura.fattura_elettronica_header.dati_trasmissione
    consumer = (transmission.codice_destinatario == NO_RECIPIENT
                and transmission.pec_destinatario is None)
    return [(e.qualified_field, e.msg) for e in validation.errors
            if not (consumer and e.code == "00426")]


def missing_customer_data(doc: Document) -> list[str]:
    """What the customer lacks for a FatturaPA: `address` (street, postcode, city) and
    `tax_id` (a partita IVA or a codice fiscale)."""
    customer = doc.customer
    missing = []
    if not (customer.street and customer.postcode and customer.city):
        missing.append("address")
    if not (customer.vat_number or customer.tax_code):
        missing.append("tax_id")
    return missing


def build(doc: Document) -> a38.FatturaPrivati12:
    """The a38 model of `doc` (not validated: `fattura_xml` does that)."""
    missing = missing_customer_data(doc)
    if missing:
        raise CustomerIncomplete(doc.number, doc.customer.code or doc.customer.name, missing)
    provider_country, provider_code = split_vat(doc.provider.vat_number or "", "IT")
    header = a38.FatturaElettronicaHeader(
        dati_trasmissione=_transmission(doc, provider_country, provider_code),
        cedente_prestatore=a38.CedentePrestatore(
            dati_anagrafici=a38.DatiAnagraficiCedentePrestatore(
                id_fiscale_iva=a38.IdFiscaleIVA(provider_country, provider_code),
                codice_fiscale=doc.provider.tax_code or None,
                anagrafica=a38.Anagrafica(denominazione=doc.provider.name),
                regime_fiscale=doc.provider.tax_regime or "RF01"),
            sede=_sede(doc.provider),
            contatti=a38.Contatti(email=doc.provider.email) if doc.provider.email else None),
        cessionario_committente=a38.CessionarioCommittente(
            dati_anagrafici=_customer_ids(doc.customer), sede=_sede(doc.customer)),
    )
    body = a38.FatturaElettronicaBody(
        dati_generali=a38.DatiGenerali(
            dati_generali_documento=a38.DatiGeneraliDocumento(
                tipo_documento=doc.type, divisa="EUR", data=doc.issued_on, numero=doc.number,
                importo_totale_documento=_money(doc.total),
                causale=list(_causale(doc)) or None),
            dati_fatture_collegate=[a38.DatiFattureCollegate(
                id_documento=doc.credits[0], data=doc.credits[1])] if doc.credits else None),
        dati_beni_servizi=a38.DatiBeniServizi(
            dettaglio_linee=[_line(doc, n, line) for n, line in enumerate(doc.lines, 1)],
            dati_riepilogo=[a38.DatiRiepilogo(
                aliquota_iva=rate_percent(doc), natura=_natura(doc),
                imponibile_importo=_money(doc.subtotal), imposta=_money(doc.vat),
                esigibilita_iva="I")]),
        dati_pagamento=[_payment(doc)] if not doc.is_credit_note else None,
    )
    return a38.FatturaPrivati12(fattura_elettronica_header=header,
                                fattura_elettronica_body=[body])


def rate_percent(doc: Document) -> Decimal:
    """The IVA rate as FatturaPA writes it: 0.22 -> 22.00."""
    return (doc.vat_rate * 100).quantize(CENT, ROUND_HALF_UP)


def payment_mode(doc: Document) -> str:
    """ModalitaPagamento: how the order is paid; a document with no method (issued before
    the order recorded one) is paid by bank transfer, the provider's default."""
    return PAYMENT_MODES.get(doc.method or "bonifico", "MP05")


def recipient(doc: Document) -> tuple[str, str | None]:
    """(CodiceDestinatario, PECDestinatario): the customer's SdI code; else `0000000` with
    the PEC if there is one (a consumer: the SdI leaves it in their fiscal drawer); a
    customer abroad without a code gets `XXXXXXX`."""
    customer = doc.customer
    if customer.sdi_code:
        return customer.sdi_code.upper(), None
    if (customer.country or "IT") != "IT":
        return ABROAD_RECIPIENT, None
    return NO_RECIPIENT, customer.pec or None


def split_vat(vat_number: str, country: str) -> tuple[str, str]:
    """`IT01234567897` -> (`IT`, `01234567897`); without a country prefix, `country`."""
    text = "".join(vat_number.split()).upper()
    if len(text) > 2 and text[:2].isalpha():
        return text[:2], text[2:]
    return country, text


def _transmission(doc: Document, country: str, code: str) -> a38.DatiTrasmissione:
    destination, pec = recipient(doc)
    return a38.DatiTrasmissione(
        id_trasmittente=a38.IdTrasmittente(country, code),
        progressivo_invio=doc.progressive, formato_trasmissione="FPR12",
        codice_destinatario=destination, pec_destinatario=pec)


def _customer_ids(customer: Party) -> a38.DatiAnagraficiCessionarioCommittente:
    vat = None
    if customer.vat_number:
        vat = a38.IdFiscaleIVA(*split_vat(customer.vat_number, customer.country or "IT"))
    tax_code = "".join(customer.tax_code.split()).upper() if customer.tax_code else None
    return a38.DatiAnagraficiCessionarioCommittente(
        id_fiscale_iva=vat, codice_fiscale=tax_code,
        anagrafica=a38.Anagrafica(denominazione=customer.name))


def _sede(party: Party) -> a38.Sede:
    return a38.Sede(indirizzo=party.street, cap=party.postcode, comune=party.city,
                    provincia=party.province or None, nazione=party.country or "IT")


def _line(doc: Document, number: int, line: DocumentLine) -> a38.DettaglioLinee:
    amount = _money(line.amount)
    return a38.DettaglioLinee(
        numero_linea=number, descrizione=line_description(doc, line),
        quantita=Decimal("1.00"), unita_misura=t("doc-xml-unit"),
        data_inizio_periodo=line.period_from, data_fine_periodo=line.period_to,
        prezzo_unitario=amount, prezzo_totale=amount,
        aliquota_iva=rate_percent(doc), natura=_natura(doc))


def _natura(doc: Document) -> str | None:
    return ZERO_RATE_NATURA if rate_percent(doc) == 0 else None


def _payment(doc: Document) -> a38.DatiPagamento:
    mode = payment_mode(doc)
    bank = mode == "MP05"
    return a38.DatiPagamento(condizioni_pagamento="TP02", dettaglio_pagamento=[
        a38.DettaglioPagamento(
            beneficiario=(doc.provider.bank_holder or None) if bank else None,
            modalita_pagamento=mode, data_scadenza_pagamento=doc.due_on,
            importo_pagamento=_money(doc.total),
            iban="".join((doc.provider.iban or "").split()) or None if bank else None)])


def _causale(doc: Document) -> Iterator[str]:
    """A nota di credito's reason, in pieces of at most 200 characters."""
    text = " ".join((doc.reason or "").split()) if doc.is_credit_note else ""
    for start in range(0, len(text), CAUSALE_LENGTH):
        yield text[start:start + CAUSALE_LENGTH]


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)
