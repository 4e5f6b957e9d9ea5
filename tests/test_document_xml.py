"""The FatturaPA XML of every kind of document: valid for a38, read back the same by the
independent `fatturapa` parser (tests/document_check.py does the comparing)."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fatturapa import parse

from core.app import Sportello
from core.clock import FixedClock
from core.documents import Document
from core.importer import apply, parse_data
from core.payments import SUCCESS_TEST_CARD
from handlers.document_xml import (
    CustomerIncomplete,
    DocumentInvalid,
    fattura_xml,
)
from tests.document_check import check_document
from tests.helpers import ACCEPTED, CUSTOMERS, PLANS, customer_id, seed, svc

D = Decimal


def text(xml: bytes, path: str) -> str:
    found = ET.fromstring(xml).find(f".//{path}")
    return (found.text or "") if found is not None else ""


def texts(xml: bytes, path: str) -> list[str]:
    return [e.text or "" for e in ET.fromstring(xml).findall(f".//{path}")]


async def renew(app: Sportello, code: str, service: str, method: str = "carta") -> None:
    cid = await customer_id(app, code)
    async with app.sessions() as session:
        from sqlalchemy import select

        from core.models import Service
        sid = (await session.execute(select(Service.id).where(
            Service.name == service))).scalar_one()
    quote = await app.quote_renewal(cid, [sid])
    done = await app.checkout(cid, quote.id, method, card=SUCCESS_TEST_CARD
                              if method == "carta" else None, terms=ACCEPTED)
    if method != "carta":  # the money arrives: support registers it
        await app.register_payment(done.order.reference, done.order.total, "anna",
                                   bank_ref=f"CRO-{done.order.reference}")


async def the(app: Sportello, number: str) -> Document:
    found = await app.document(number)
    assert found is not None
    return found


async def test_a_renewal_fattura_for_a_consumer_without_code_or_pec(app: Sportello) -> None:
    await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    await renew(app, "C001", "mariorossi.it", "bonifico")
    doc = await the(app, "2026/000001")
    xml = check_document(doc)
    assert xml.startswith(b"<?xml") and b"FPR12" in xml
    assert (text(xml, "CodiceDestinatario"), text(xml, "PECDestinatario")) == ("0000000", "")
    assert (text(xml, "IdTrasmittente/IdPaese"), text(xml, "IdTrasmittente/IdCodice"),
            text(xml, "ProgressivoInvio")) == ("IT", "01234567897", "00001")
    assert text(xml, "CessionarioCommittente//CodiceFiscale") == "RSSMRA80A01H501U"
    assert text(xml, "CessionarioCommittente//IdFiscaleIVA/IdCodice") == ""
    assert (text(xml, "DataInizioPeriodo"), text(xml, "DataFinePeriodo")) == (
        "2026-12-11", "2027-12-11")
    assert (text(xml, "Quantita"), text(xml, "PrezzoUnitario"), text(xml, "PrezzoTotale"),
            text(xml, "DettaglioLinee/AliquotaIVA")) == ("1.00", "9.90", "9.90", "22.00")
    assert (text(xml, "ImponibileImporto"), text(xml, "Imposta"), text(xml, "EsigibilitaIVA"),
            text(xml, "ImportoTotaleDocumento")) == ("9.90", "2.18", "I", "12.08")
    # By bank transfer: MP05 with the provider's IBAN, due as the order.
    assert (text(xml, "CondizioniPagamento"), text(xml, "ModalitaPagamento"),
            text(xml, "IBAN"), text(xml, "ImportoPagamento")) == (
        "TP02", "MP05", app.settings.iban, "12.08")
    assert text(xml, "DataScadenzaPagamento") == doc.due_on.isoformat()
    [read] = parse(xml)
    assert read.cessionario.indirizzo_completo == "Via Garibaldi 12 – 00153 Roma (RM)"


async def test_a_company_with_a_codice_destinatario_paying_by_card(app: Sportello) -> None:
    await seed(app, [svc("bianchi.it", "DOM", date(2026, 12, 11), customer="C002")])
    await renew(app, "C002", "bianchi.it")
    xml = check_document(await the(app, "2026/000001"))
    assert (text(xml, "CodiceDestinatario"), text(xml, "PECDestinatario")) == ("M5UXCR1", "")
    assert (text(xml, "CessionarioCommittente//IdFiscaleIVA/IdPaese"),
            text(xml, "CessionarioCommittente//IdFiscaleIVA/IdCodice")) == ("IT", "09876543217")
    assert (text(xml, "ModalitaPagamento"), text(xml, "IBAN")) == ("MP08", "")


async def import_customer(app: Sportello, **fields: Any) -> None:
    customer = {"code": "C009", "name": "Luca Ferrari", "preferred_method": "paypal",
                "street": "Via dei Mille 7", "postcode": "80121", "city": "Napoli", **fields}
    raw = {"plans": PLANS, "customers": [*CUSTOMERS, customer],
           "services": [svc("ferrari.it", "DOM", date(2026, 12, 11), customer="C009")]}
    async with app.sessions() as session, session.begin():
        await apply(session, parse_data(raw, "test"))


async def test_a_consumer_with_a_pec_and_a_partita_iva_without_prefix(app: Sportello) -> None:
    await import_customer(app, pec="luca@pec.example.it", vat_number="01234567897",
                          tax_code="FRRLCU85C12F205X")
    await renew(app, "C009", "ferrari.it", "paypal")
    xml = check_document(await the(app, "2026/000001"))
    assert (text(xml, "CodiceDestinatario"), text(xml, "PECDestinatario")) == (
        "0000000", "luca@pec.example.it")
    assert (text(xml, "CessionarioCommittente//IdFiscaleIVA/IdPaese"),
            text(xml, "CessionarioCommittente//CodiceFiscale")) == ("IT", "FRRLCU85C12F205X")
    assert text(xml, "ModalitaPagamento") == "MP08"


async def test_a_plan_change_has_a_negative_credit_line(app: Sportello, clock: FixedClock
                                                        ) -> None:
    app.settings = app.settings.model_copy(update={"policy": "pro-rata-giorni"})
    await seed(app, [svc("cloud1", "C29", date(2026, 12, 1), period_start=date(2026, 11, 1),
                         customer="C002")])
    cid = await customer_id(app, "C002")
    async with app.sessions() as session:
        from sqlalchemy import select

        from core.models import Service
        sid = (await session.execute(select(Service.id))).scalar_one()
    quote = await app.quote_change(cid, sid, "C99")
    await app.checkout(cid, quote.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    doc = await the(app, "2026/000001")
    assert any(line.amount < 0 for line in doc.lines)
    xml = check_document(doc)
    prices = [D(p) for p in texts(xml, "PrezzoTotale")]
    assert D("-9.67") in prices and sum(prices) == D(text(xml, "ImponibileImporto"))
    assert "-9,67" in [line.prezzo_totale for line in parse(xml)[0].linee]


async def test_the_sweeps_on_sight_fattura(app: Sportello) -> None:
    await seed(app, [svc("vps", "V50", date(2026, 11, 30), renewal="automatico")])
    await app.run_lifecycle(date(2026, 11, 30))
    [doc] = await app.documents_between(date(2026, 11, 30), date(2026, 11, 30))
    xml = check_document(doc)
    assert not doc.paid and text(xml, "DataScadenzaPagamento") == "2026-12-10"
    assert (text(xml, "DataInizioPeriodo"), text(xml, "DataFinePeriodo")) == (
        "2026-11-30", "2027-11-30")
    assert text(xml, "ImportoTotaleDocumento") == "732.00"


async def test_a_nota_di_credito_is_td04_linked_to_its_fattura(app: Sportello) -> None:
    await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    await renew(app, "C001", "mariorossi.it")
    long_reason = "rimborso parziale " * 15  # more than one <Causale> of 200 characters
    note = await app.issue_credit_note("2026/000001", D("5.00"), "anna", long_reason.strip())
    doc = await the(app, note.number)
    xml = check_document(doc)
    assert (text(xml, "TipoDocumento"), text(xml, "Numero"), text(xml, "ProgressivoInvio")) == (
        "TD04", "NC 2026/000001", "00002")
    assert (text(xml, "DatiFattureCollegate/IdDocumento"),
            text(xml, "DatiFattureCollegate/Data")) == ("2026/000001", "2026-11-21")
    causali = texts(xml, "Causale")
    assert len(causali) == 2 and all(len(c) <= 200 for c in causali)
    assert "".join(causali) == long_reason.strip()
    assert text(xml, "DatiPagamento") == "" and text(xml, "ImportoTotaleDocumento") == "6.10"


async def test_file_names_and_progressives_run_without_gaps(app: Sportello) -> None:
    await seed(app, [svc("a.it", "DOM", date(2026, 12, 11)),
                     svc("b.it", "DOM", date(2026, 12, 11), customer="C002")])
    await renew(app, "C001", "a.it")
    await app.issue_credit_note("2026/000001", D("1.00"), "anna", "arrotondamento")
    await renew(app, "C002", "b.it")
    docs = await app.documents_between(date(2026, 11, 21), date(2026, 11, 21))
    assert [(d.number, d.file_name) for d in docs] == [
        ("2026/000001", "IT01234567897_00001.xml"),
        ("NC 2026/000001", "IT01234567897_00002.xml"),
        ("2026/000002", "IT01234567897_00003.xml")]
    assert [text(check_document(d), "ProgressivoInvio") for d in docs] == [
        "00001", "00002", "00003"]


def test_a_zero_rate_takes_natura_n2_2() -> None:
    doc = _sample(vat_rate=D("0"), vat=D("0.00"), total=D("9.90"))
    xml = fattura_xml(doc)
    assert texts(xml, "Natura") == ["N2.2", "N2.2"]
    assert texts(xml, "AliquotaIVA") == ["0.00", "0.00"]


def test_a_document_a38_rejects_names_the_document_and_the_field() -> None:
    doc = _sample()
    wrong = dataclasses.replace(doc, customer=dataclasses.replace(doc.customer, tax_code="X"))
    with pytest.raises(DocumentInvalid) as invalid:
        fattura_xml(wrong)
    assert invalid.value.number == "2026/000001"
    assert "codice_fiscale" in " ".join(invalid.value.fields)
    assert "2026/000001" in str(invalid.value)


def test_a_customer_without_address_or_tax_data_is_named() -> None:
    doc = _sample()
    bare = dataclasses.replace(doc, customer=dataclasses.replace(
        doc.customer, street=None, tax_code=None))
    with pytest.raises(CustomerIncomplete) as missing:
        fattura_xml(bare)
    assert (missing.value.customer, missing.value.missing) == ("C001", ["address", "tax_id"])


async def test_a_document_frozen_without_fiscal_data_is_completed_from_the_record(
        app: Sportello) -> None:
    """A customer imported before addresses existed: the document, frozen without them,
    takes them from the record once it is completed; a complete one never changes."""
    raw: dict[str, Any] = {"plans": PLANS, "customers": [
        {"code": "C001", "name": "Mario Rossi"}, CUSTOMERS[1]],
        "services": [svc("a.it", "DOM", date(2026, 12, 11))]}
    async with app.sessions() as session, session.begin():
        await apply(session, parse_data(raw, "vecchio"))
    await renew(app, "C001", "a.it")
    with pytest.raises(CustomerIncomplete):
        fattura_xml(await the(app, "2026/000001"))
    async with app.sessions() as session, session.begin():
        await apply(session, parse_data({"customers": [CUSTOMERS[0]]}, "completo"))
    doc = await the(app, "2026/000001")
    assert (doc.customer.street, doc.customer.tax_code) == ("Via Garibaldi 12",
                                                            "RSSMRA80A01H501U")
    before = check_document(doc)
    async with app.sessions() as session, session.begin():
        moved = {**CUSTOMERS[0], "street": "Via Nuova 1"}
        await apply(session, parse_data({"customers": [moved]}, "trasloco"))
    assert fattura_xml(await the(app, "2026/000001")) == before


def _sample(**changes: Any) -> Document:
    from core.documents import DocumentLine, Party

    provider = Party(name="Sportello Hosting S.r.l.", vat_number="IT01234567897",
                     tax_code="01234567897", street="Via Roma 1", postcode="00100",
                     city="Roma", province="RM", country="IT", tax_regime="RF01",
                     iban="IT60X0542811101000000123456", bank_holder="Sportello")
    customer = Party(name="Mario Rossi", vat_number=None, tax_code="RSSMRA80A01H501U",
                     street="Via Garibaldi 12", postcode="00153", city="Roma",
                     province="RM", country="IT", code="C001")
    line = DocumentLine(kind="renewal", amount=D("9.90"), service="a.it", plan="Dominio .it",
                        period_from=date(2026, 12, 11), period_to=date(2027, 12, 11),
                        detail={})
    values: dict[str, Any] = dict(
        type="TD01", number="2026/000001", issued_on=date(2026, 11, 21),
        due_on=date(2026, 11, 21), progressive="00001", sdi_seq=1, provider=provider,
        customer=customer, lines=(line,), vat_rate=D("0.22"), subtotal=D("9.90"),
        vat=D("2.18"), total=D("12.08"), order="SPT-000001", method="bonifico",
        credits=None, reason=None, paid=False)
    values.update(changes)
    return Document(**values)
