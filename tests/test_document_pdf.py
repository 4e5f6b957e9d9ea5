"""The PDF copy of a document: a real PDF, the same bytes for the same document, and it
says who, what, how much and that the FatturaPA sent through the SdI is the legal one."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from core.app import Sportello
from core.payments import SUCCESS_TEST_CARD
from handlers.document_pdf import latin, render_pdf
from tests.helpers import ACCEPTED, customer_id, seed, svc
from tests.pdf_text import check_structure, text

D = Decimal


async def _fattura_and_note(app: Sportello):  # type: ignore[no-untyped-def]
    ids = await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11))])
    cid = await customer_id(app, "C001")
    quote = await app.quote_renewal(cid, [ids["mariorossi.it"]])
    await app.checkout(cid, quote.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    await app.issue_credit_note("2026/000001", D("5.00"), "anna", "rimborso parziale")
    fattura = await app.document("2026/000001", cid)
    note = await app.document("NC 2026/000001", cid)
    assert fattura is not None and note is not None
    return fattura, note


async def test_the_fattura_copy_says_who_what_and_how_much(app: Sportello) -> None:
    fattura, _ = await _fattura_and_note(app)
    data = render_pdf(fattura)
    assert check_structure(data) == 1
    said = text(data)
    for expected in (
            "Sportello Hosting S.r.l.", "Partita IVA IT01234567897",
            "Codice fiscale 01234567897", "Mario Rossi", "Codice cliente C001",
            "Fattura n. 2026/000001 del 21 novembre 2026",
            "Rinnovo Dominio .it – mariorossi.it",
            "dall'11 dicembre 2026 all'11 dicembre 2027",
            "Imponibile", "€ 9,90", "IVA 22%", "€ 2,18", "Totale", "€ 12,08",
            "Pagamento: Carta di credito", "Pagata", "IT01234567897_00001.xml",
            "Sistema di Interscambio"):
        assert expected in said, expected
    # The same document gives the same bytes; compressed or not, the text is the same.
    assert render_pdf(fattura) == data
    assert text(render_pdf(fattura, compress=False)) == said


async def test_the_credit_note_copy_names_the_fattura_it_reverses(app: Sportello) -> None:
    _, note = await _fattura_and_note(app)
    said = text(render_pdf(note))
    assert ("Nota di credito n. NC 2026/000001 del 21 novembre 2026 — storno della fattura "
            "2026/000001 del 21 novembre 2026") in said
    for expected in ("€ 5,00", "€ 1,10", "€ 6,10", "Motivo: rimborso parziale"):
        assert expected in said, expected
    assert "Pagata" not in said


async def test_a_transfer_shows_the_iban_and_the_due_date(app: Sportello) -> None:
    fattura, _ = await _fattura_and_note(app)
    due = dataclasses.replace(fattura, method="bonifico", paid=False)
    said = text(render_pdf(due))
    assert "IBAN IT60X0542811101000000123456, intestato a Sportello Hosting S.r.l." in said
    assert "Da pagare entro il 21 novembre 2026" in said and "Pagata" not in said


async def test_names_outside_the_core_fonts_still_print(app: Sportello) -> None:
    fattura, _ = await _fattura_and_note(app)
    foreign = dataclasses.replace(
        fattura, customer=dataclasses.replace(fattura.customer, name="Łukasz Wałęsa 🚀"))
    assert "Lukasz Walesa ?" in text(render_pdf(foreign))
    assert latin("perché € – ‘x’") == "perché € – ‘x’"

