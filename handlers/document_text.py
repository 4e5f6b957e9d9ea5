"""What a document's lines say, the same in the FatturaPA XML, the PDF copy and the emails."""

from __future__ import annotations

from core.documents import Document, DocumentLine
from handlers.i18n import has, t


def line_description(document: Document, line: DocumentLine) -> str:
    """One line's description, without its amount (columns of their own carry it)."""
    if line.kind == "credit_note" and document.credits is not None:
        number, issued = document.credits
        return t("doc-line-credit_note", number=number, date=issued, reason=document.reason or "")
    key = f"doc-line-{line.kind}"
    values = {"plan": line.plan or "", "service": line.service or "",
              "item": str(line.detail.get("item", line.service or ""))}
    return t(key if has(key) else "doc-line-other", **values)


def line_period(line: DocumentLine) -> str | None:
    """«dal 11 dicembre 2026 al 11 dicembre 2027», or None for a line with no period."""
    if line.period_from is None or line.period_to is None:
        return None
    return t("doc-line-period", **{"from": line.period_from, "to": line.period_to})


def document_title(document: Document) -> str:
    return t(f"document-type-{document.type}")
