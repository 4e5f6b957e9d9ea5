"""`sportello invoices export` and `sportello invoices show`: the accountant's files and one
document at the terminal; every bad argument is one Italian line, exit 2, nothing written."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fatturapa import parse

from core.app import Sportello
from core.importer import apply, parse_data
from core.payments import SUCCESS_TEST_CARD
from tests.cli_run import sportello
from tests.document_check import check_document
from tests.helpers import ACCEPTED, CUSTOMERS, PLANS, customer_id, seed, svc

D = Decimal
FILES = ["IT01234567897_00001.xml", "IT01234567897_00002.xml", "IT01234567897_00003.xml",
         "riepilogo_2026-11-01_2026-11-30.csv"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The export folder (the test's SQLite database lives in `tmp_path`)."""
    made = tmp_path / "export"
    made.mkdir()
    return made


def run(db: str, *args: str) -> Any:
    return sportello(["invoices", *args, "--db", db, "--today", "2026-11-21"])


async def three_documents(app: Sportello) -> None:
    """A consumer's renewal and its nota di credito, a company's renewal."""
    ids = await seed(app, [svc("mariorossi.it", "DOM", date(2026, 12, 11)),
                           svc("bianchi.it", "H60", date(2026, 12, 11), customer="C002")])
    for code, name in (("C001", "mariorossi.it"), ("C002", "bianchi.it")):
        cid = await customer_id(app, code)
        quote = await app.quote_renewal(cid, [ids[name]])
        await app.checkout(cid, quote.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
        if code == "C001":
            await app.issue_credit_note("2026/000001", D("5.00"), "anna", "rimborso parziale")


async def test_export_writes_the_xml_files_and_the_summary(app: Sportello, database_url: str,
                                                          folder: Path) -> None:
    await three_documents(app)
    out = run(database_url, "export", "--from", "2026-11-01", "--to", "2026-11-30",
              str(folder))
    assert out.returncode == 0, out.stderr
    assert out.stderr == "" and out.stdout.startswith(
        "Esportati 3 documenti dal 1° novembre 2026 al 30 novembre 2026 in ")
    assert "4 file nuovi" in out.stdout
    assert sorted(p.name for p in folder.iterdir()) == FILES  # no temporary file left
    for number, name in (("2026/000001", FILES[0]), ("NC 2026/000001", FILES[1]),
                         ("2026/000002", FILES[2])):
        doc = await app.document(number)
        assert doc is not None and (folder / name).read_bytes() == check_document(doc)
    [read] = parse((folder / FILES[1]).read_bytes())
    assert (read.tipo_documento_codice, read.importo_totale) == ("TD04", "6,10")

    raw = (folder / FILES[3]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a spreadsheet reads it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Numero", "Tipo", "Data", "Cliente", "Nominativo", "Partita IVA / Codice fiscale",
         "Imponibile", "IVA", "Totale", "Pagata", "File"],
        ["2026/000001", "Fattura", "2026-11-21", "C001", "Mario Rossi", "RSSMRA80A01H501U",
         "9,90", "2,18", "12,08", "sì", FILES[0]],
        ["NC 2026/000001", "Nota di credito", "2026-11-21", "C001", "Mario Rossi",
         "RSSMRA80A01H501U", "5,00", "1,10", "6,10", "", FILES[1]],
        ["2026/000002", "Fattura", "2026-11-21", "C002", "Giulia Bianchi", "IT09876543217",
         "60,00", "13,20", "73,20", "sì", FILES[2]]]

    # Again: the same bytes, so nothing to do and no complaint.
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    again = run(database_url, "export", "--from", "2026-11-01", "--to", "2026-11-30",
                str(folder))
    assert again.returncode == 0, again.stderr
    assert "0 file nuovi, 4 già presenti e identici" in again.stdout
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before

    # The summary says today's state: rewritten when it changed (an on-sight fattura paid
    # since, say); the XML files stay as they are.
    (folder / FILES[3]).write_bytes(b"vecchio")
    updated = run(database_url, "export", "--from", "2026-11-01", "--to", "2026-11-30",
                  str(folder))
    assert updated.returncode == 0 and "1 file nuovo, 3 già presenti" in updated.stdout
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before

    # A file already there with another content: refused, nothing written.
    (folder / FILES[0]).write_bytes(before[FILES[0]] + b"<!-- cambiato -->")
    (folder / FILES[2]).unlink()
    refused = run(database_url, "export", "--from", "2026-11-01", "--to", "2026-11-30",
                  str(folder))
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and FILES[0] in refused.stderr
    assert "contenuto diverso: nulla è stato scritto" in refused.stderr
    assert not (folder / FILES[2]).exists()


async def test_an_empty_period_writes_nothing(app: Sportello, database_url: str,
                                              folder: Path) -> None:
    await three_documents(app)
    out = run(database_url, "export", "--from", "2026-12-01", "--to", "2026-12-31",
              str(folder))
    assert (out.returncode, out.stdout) == (0, "Nessun documento emesso dal 1° dicembre 2026 "
                                               "al 31 dicembre 2026: nessun file scritto.\n")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(("args", "line"), [
    (["--from", "2026-11-31", "--to", "2026-11-30"], "Data non valida: «2026-11-31»"),
    (["--from", "ieri", "--to", "2026-11-30"], "Data non valida: «ieri»"),
    (["--from", "2026-11-30", "--to", "2026-11-01"],
     "Periodo non valido dal 30 novembre 2026 al 1° novembre 2026: la data iniziale viene "
     "dopo quella finale."),
    (["--to", "2026-11-30"], "Manca un argomento obbligatorio: --from."),
])
async def test_bad_dates_are_one_line_and_exit_2(app: Sportello, database_url: str,
                                                 folder: Path, args: list[str],
                                                 line: str) -> None:
    await three_documents(app)
    out = run(database_url, "export", *args, str(folder))
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr.count("\n") == 1 and out.stderr.startswith(line), out.stderr
    assert list(folder.iterdir()) == []


def test_a_missing_folder_or_a_file_is_refused_before_the_database(tmp_path: Path) -> None:
    db = tmp_path / "never.db"
    url = f"sqlite+aiosqlite:///{db}"
    missing = run(url, "export", "--from", "2026-11-01", "--to", "2026-11-30",
                  str(tmp_path / "nope"))
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == (f"La cartella «{tmp_path / 'nope'}» non esiste: creala prima "
                              "dell'esportazione.\n")
    (tmp_path / "file.txt").write_text("x")
    not_dir = run(url, "export", "--from", "2026-11-01", "--to", "2026-11-30",
                  str(tmp_path / "file.txt"))
    assert not_dir.returncode == 2 and "non è una cartella" in not_dir.stderr
    assert not db.exists()  # the database was never opened


async def test_show_prints_the_document_in_italian_and_its_xml(app: Sportello,
                                                              database_url: str) -> None:
    await three_documents(app)
    out = run(database_url, "show", "2026/000001")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "Fattura 2026/000001 del 21 novembre 2026",
        "File SdI: IT01234567897_00001.xml (progressivo di invio 00001)",
        "Emessa da: Sportello Hosting S.r.l. · P.IVA IT01234567897",
        "",
        "Cliente: C001 · Mario Rossi",
        "  Codice fiscale: RSSMRA80A01H501U",
        "  Indirizzo: Via Garibaldi 12, 00153 Roma (RM)",
        "  Recapito SdI: codice destinatario 0000000",
        "",
        "Righe (importi IVA esclusa):",
        "  1. Rinnovo Dominio .it – mariorossi.it · € 9,90",
        "     dall'11 dicembre 2026 all'11 dicembre 2027",
        "",
        "Imponibile: € 9,90",
        "IVA 22%: € 2,18",
        "Totale: € 12,08",
        "Pagamento: Carta di credito · scadenza 21 novembre 2026 · pagata",
        "Ordine: SPT-000001"]
    note = run(database_url, "show", "nc 2026/1")
    assert note.returncode == 0, note.stderr
    assert note.stdout.startswith("Nota di credito NC 2026/000001 del 21 novembre 2026\n")
    assert ("Storna la fattura 2026/000001 del 21 novembre 2026. Motivo: rimborso parziale"
            in note.stdout)
    company = run(database_url, "show", "2026/000002").stdout
    assert "  Partita IVA: IT09876543217" in company and "destinatario M5UXCR1" in company

    xml = run(database_url, "show", "NC 2026/000001", "--xml")
    assert xml.returncode == 0, xml.stderr
    doc = await app.document("NC 2026/000001")
    assert doc is not None and xml.stdout.encode() == check_document(doc)


@pytest.mark.parametrize(("number", "code", "line"), [
    ("2026/000009", 1, "Documento 2026/000009 non trovato."),
    ("NC 2026/000002", 1, "Documento NC 2026/000002 non trovato."),
    ("2026-1", 2, "Numero di documento non valido: «2026-1»"),
    ("XX 2026/1", 2, "Numero di documento non valido: «XX 2026/1»"),
])
async def test_show_an_unknown_or_wrong_number(app: Sportello, database_url: str, number: str,
                                               code: int, line: str) -> None:
    await three_documents(app)
    out = run(database_url, "show", number)
    assert (out.returncode, out.stdout) == (code, "")
    assert out.stderr.count("\n") == 1 and out.stderr.startswith(line), out.stderr


@pytest.mark.no_document_check  # its customer has no address on purpose
async def test_a_customer_without_address_is_named_and_nothing_is_written(
        app: Sportello, database_url: str, folder: Path) -> None:
    raw: dict[str, Any] = {"plans": PLANS, "customers": [
        {"code": "C001", "name": "Mario Rossi", "tax_code": "RSSMRA80A01H501U"},
        CUSTOMERS[1]], "services": [svc("a.it", "DOM", date(2026, 12, 11))]}
    async with app.sessions() as session, session.begin():
        await apply(session, parse_data(raw, "vecchio"))
    cid = await customer_id(app, "C001")
    async with app.sessions() as session:
        from sqlalchemy import select

        from core.models import Service
        sid = (await session.execute(select(Service.id))).scalar_one()
    quote = await app.quote_renewal(cid, [sid])
    await app.checkout(cid, quote.id, "carta", card=SUCCESS_TEST_CARD, terms=ACCEPTED)
    out = run(database_url, "export", "--from", "2026-11-01", "--to", "2026-11-30",
              str(folder))
    assert (out.returncode, out.stdout) == (1, "")
    assert out.stderr == (
        "Il documento 2026/000001 non si può esportare: al cliente C001 manca l'indirizzo "
        "(via, CAP, comune). Completa il cliente con `sportello import` e riprova: nulla è "
        "stato scritto.\n")
    assert list(folder.iterdir()) == []
    shown = run(database_url, "show", "2026/000001", "--xml")
    assert shown.returncode == 1 and "al cliente C001 manca l'indirizzo" in shown.stderr
