"""`sportello invoices export` and `sportello invoices show`: the documents issued, as
FatturaPA files for the accountant (or the SdI intermediary) and read at the terminal.

`export --from DATE --to DATE DIR` writes every document issued in the period under its
SdI file name (`IT01234567897_00001.xml`) and the period's summary
`riepilogo_<from>_<to>.csv`, each atomically (a temporary file renamed into place). Every
file is made in memory first: a document that cannot be exported (its customer lacks an
address or tax data, or a38 finds it invalid), a missing folder, or an XML file already
there with a different content stops the export before anything is written; an XML file
already there with the same content is fine, so exporting again is safe. The summary says
today's state (a fattura paid since) and is rewritten.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli_args import BadInput, shown, t

if TYPE_CHECKING:
    from core.app import Sportello
    from core.documents import Document

SUMMARY = "riepilogo.csv"
COLUMNS = ("cli-documents-csv-number", "cli-documents-csv-type", "cli-documents-csv-date",
           "cli-documents-csv-code", "cli-documents-csv-name", "cli-documents-csv-tax_id",
           "cli-documents-csv-subtotal", "cli-documents-csv-vat", "cli-documents-csv-total",
           "cli-documents-csv-paid", "cli-documents-csv-file")
_NUMBER = re.compile(r"(NC)?\s*(\d{4})/(\d{1,9})", re.IGNORECASE)
_MISSING = {("address",): "cli-documents-missing-address",
            ("tax_id",): "cli-documents-missing-tax_id",
            ("address", "tax_id"): "cli-documents-missing-both"}


def document_number(value: str) -> str:
    """`2026/000123` (fattura) or `NC 2026/000045` (nota di credito), as typed or close."""
    found = _NUMBER.fullmatch(value.strip())
    if found is None:
        raise argparse.ArgumentTypeError(t("cli-documents-bad_number", value=shown(value)))
    prefix = "NC " if found.group(1) else ""
    return f"{prefix}{found.group(2)}/{found.group(3)}"


def add_parsers(invoices: Any, common: argparse.ArgumentParser,
                day: Any) -> None:
    """`export` and `show`, on `sportello invoices`."""
    export = invoices.add_parser("export", parents=[common],
                                 help="cli-help-invoices-export")
    export.add_argument("--from", dest="first", type=day, required=True,
                        help="cli-help-invoices-export-from")
    export.add_argument("--to", dest="last", type=day, required=True,
                        help="cli-help-invoices-export-to")
    export.add_argument("folder", type=Path, help="cli-help-invoices-export-folder")
    show = invoices.add_parser("show", parents=[common],
                               help="cli-help-invoices-show")
    show.add_argument("number", type=document_number,
                      help="cli-help-invoices-show-number")
    show.add_argument("--xml", action="store_true", help="cli-help-invoices-show-xml")


def check(args: argparse.Namespace) -> None:
    """What can be checked before the database is opened (one line, exit 2)."""
    if args.action != "export":
        return
    if args.first > args.last:
        raise BadInput(t("cli-documents-bad_range", **{"from": args.first, "to": args.last}))
    _check_folder(args.folder)


def _check_folder(folder: Path) -> None:
    if not folder.exists():
        raise BadInput(t("cli-documents-no_dir", value=shown(folder, 200)))
    if not folder.is_dir():
        raise BadInput(t("cli-documents-not_dir", value=shown(folder, 200)))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BadInput(t("cli-documents-dir_denied", value=shown(folder, 200),
                         detail=os.strerror(13)))


async def run(app: Sportello, args: argparse.Namespace) -> int:
    if args.action == "export":
        return await export(app, args.first, args.last, args.folder)
    return await show(app, args.number, args.xml)


# --- export -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Exported:
    written: int  # files new in the folder
    same: int  # files already there, identical


async def export(app: Sportello, first: date, last: date, folder: Path) -> int:
    documents = await app.documents_between(first, last)
    if not documents:
        print(t("cli-documents-none", **{"from": first, "to": last}))
        return 0
    files = render(documents)
    if files is None:
        return 1
    # The summary carries today's state (an on-sight fattura paid since): rewritten each time,
    # named for its period; the XML files never change once written.
    summary = summary_name(first, last)
    files[summary] = files.pop(SUMMARY)
    done = write_all(folder, files, rewritten={summary})
    parts = [t("cli-documents-written", count=done.written)]
    if done.same:
        parts.append(t("cli-documents-same", count=done.same))
    print(t("cli-documents-exported", count=len(documents), value=shown(folder, 200),
            summary=summary, detail=", ".join(parts), **{"from": first, "to": last}))
    return 0


def render(documents: list[Document]) -> dict[str, bytes] | None:
    """File name -> content: every XML and the summary; None (one line said why) when a
    document cannot be exported."""
    from handlers.document_xml import CustomerIncomplete, DocumentInvalid, fattura_xml

    files: dict[str, bytes] = {}
    for doc in documents:
        try:
            files[doc.file_name] = fattura_xml(doc)
        except CustomerIncomplete as missing:
            key = _MISSING.get(tuple(missing.missing), "cli-documents-missing-both")
            return _refused(t("cli-documents-customer_incomplete", number=doc.number,
                              code=shown(missing.customer), what=t(key)))
        except DocumentInvalid as invalid:
            return _refused(t("cli-documents-invalid", number=doc.number,
                              detail=shown(", ".join(dict.fromkeys(invalid.fields)), 200)))
    files[SUMMARY] = summary_csv(documents)
    return files


def _refused(line: str) -> None:
    print(line, file=sys.stderr)
    return None


def summary_csv(documents: list[Document]) -> bytes:
    """riepilogo.csv: one row a document, `;`-separated with decimal commas and UTF-8 with
    a byte-order mark, as a spreadsheet set to Italian opens it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([t(key) for key in COLUMNS])
    from handlers.document_text import document_title

    for doc in documents:
        customer = doc.customer
        tax_ids = " / ".join(x for x in (customer.vat_number, customer.tax_code) if x)
        writer.writerow([
            doc.number, document_title(doc), doc.issued_on.isoformat(), customer.code or "",
            customer.name, tax_ids, _plain(doc.subtotal), _plain(doc.vat), _plain(doc.total),
            _paid(doc), doc.file_name])
    return out.getvalue().encode("utf-8-sig")


def _paid(doc: Document) -> str:
    """`sì` or `no` for a fattura; empty for a nota di credito (nothing to be paid)."""
    if doc.is_credit_note:
        return ""
    return t("cli-documents-yes") if doc.paid else t("cli-documents-no")


def _plain(amount: Decimal) -> str:
    """`1234,56`: no thousands separator, the decimal comma."""
    return f"{amount:.2f}".replace(".", ",")


def summary_name(first: date, last: date) -> str:
    """`riepilogo_2026-11-01_2026-11-30.csv`: one summary a period, side by side."""
    stem, _, suffix = SUMMARY.rpartition(".")
    return f"{stem}_{first.isoformat()}_{last.isoformat()}.{suffix}"


def write_all(folder: Path, files: dict[str, bytes],
              rewritten: set[str] | None = None) -> Exported:
    """Check every file against the folder, then write the new ones (nothing is written
    when one differs; the `rewritten` ones are replaced instead)."""
    _check_folder(folder)
    new: dict[str, bytes] = {}
    for name, content in files.items():
        target = folder / name
        if target.exists() or target.is_symlink():
            if not target.is_file():
                raise BadInput(t("cli-documents-not_a_file", value=shown(target, 200)))
            if target.read_bytes() != content and name in (rewritten or set()):
                new[name] = content  # replaced: counted as written
                continue
            if target.read_bytes() != content:
                raise BadInput(t("cli-documents-differs", value=shown(target, 200)))
            continue
        new[name] = content
    for name, content in new.items():
        _write_atomically(folder / name, content)
    return Exported(written=len(new), same=len(files) - len(new))


def _write_atomically(target: Path, content: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- show -------------------------------------------------------------------------------


async def show(app: Sportello, number: str, xml: bool) -> int:
    from core.errors import NotFound

    doc = await app.document(number)
    if doc is None:
        raise NotFound(entity="document", number=number)
    if xml:
        files = render([doc])
        if files is None:
            return 1
        sys.stdout.write(files[doc.file_name].decode("utf-8"))
        return 0
    print("\n".join(card(doc)))
    return 0


def card(doc: Document) -> list[str]:
    """The document, readable: header, customer, lines with periods, totals, SdI file."""
    from handlers.document_text import document_title, line_description, line_period
    from handlers.document_xml import rate_percent, recipient

    customer = doc.customer
    lines = [t("cli-documents-show-title", title=document_title(doc), number=doc.number,
               date=doc.issued_on),
             t("cli-documents-show-file", value=doc.file_name, detail=doc.progressive)]
    if doc.credits is not None:
        lines.append(t("cli-documents-show-credits", number=doc.credits[0],
                       date=doc.credits[1], reason=doc.reason or ""))
    lines.append(t("cli-documents-show-provider", name=doc.provider.name,
                   value=doc.provider.vat_number or ""))
    lines.append("")
    lines.append(t("cli-documents-show-customer", code=customer.code or "",
                   name=customer.name))
    if customer.vat_number:
        lines.append("  " + t("cli-documents-show-vat_number", value=customer.vat_number))
    if customer.tax_code:
        lines.append("  " + t("cli-documents-show-tax_code", value=customer.tax_code))
    address = _address(doc)
    if address:
        lines.append("  " + t("cli-documents-show-address", address=address))
    code, pec = recipient(doc)
    lines.append("  " + (t("cli-documents-show-recipient_pec", code=code, value=pec) if pec
                         else t("cli-documents-show-recipient", code=code)))
    lines.append("")
    lines.append(t("cli-documents-show-lines"))
    for number, line in enumerate(doc.lines, 1):
        lines.append("  " + t("cli-documents-show-line", id=str(number),
                              text=line_description(doc, line), amount=line.amount))
        period = line_period(line)
        if period:
            lines.append("  " + t("cli-documents-show-period", text=period))
    lines.append("")
    lines.append(t("cli-documents-show-subtotal", amount=doc.subtotal))
    lines.append(t("cli-documents-show-vat", rate=_rate(rate_percent(doc)), amount=doc.vat))
    lines.append(t("cli-documents-show-total", amount=doc.total))
    if not doc.is_credit_note:
        lines.append(t("cli-documents-show-payment",
                       method=t(f"method-{doc.method or 'bonifico'}"), due=doc.due_on,
                       paid=t("cli-documents-show-paid") if doc.paid
                       else t("cli-documents-show-unpaid")))
    if doc.order:
        lines.append(t("cli-documents-show-order", reference=doc.order))
    return lines


def _address(doc: Document) -> str:
    customer = doc.customer
    place = " ".join(x for x in (customer.postcode, customer.city) if x)
    if customer.province:
        place = f"{place} ({customer.province})"
    parts = [x for x in (customer.street, place) if x]
    if parts and customer.country and customer.country != "IT":
        parts.append(customer.country)
    return ", ".join(parts)


def _rate(percent: Decimal) -> str:
    """22.00 -> `22`, 4.50 -> `4,5`."""
    return f"{percent.normalize():f}".replace(".", ",")
