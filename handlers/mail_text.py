"""What an email to a customer says: subject, plain text and HTML with the same paragraphs,
every sentence from `locales/it/mail.ftl`."""

from __future__ import annotations

import html

from core.config import Settings
from core.mail import Composed, MailEvent
from handlers.i18n import t


def _paragraphs(event: MailEvent, settings: Settings) -> tuple[str, list[str]]:
    """(subject, body paragraphs between the greeting and the signature)."""
    facts, kind = event.facts, event.kind
    if kind == "reminder":
        return (t("mail-reminder-subject", service=facts["service"], days=facts["days"]),
                [t("mail-reminder-body", service=facts["service"], expiry=facts["expiry"]),
                 t("mail-reminder-opt-out")])
    if kind == "tacit_invoice":
        return (t("mail-tacit_invoice-subject", invoice=facts["invoice"],
                  service=facts["service"]),
                [t("mail-tacit_invoice-body", service=facts["service"], expiry=facts["expiry"]),
                 t("mail-tacit_invoice-due", invoice=facts["invoice"], total=facts["total"],
                   due=facts["due"])])
    if kind == "order_paid":
        body = [t("mail-order_paid-body", total=facts["total"], reference=facts["reference"])]
        if facts.get("invoice"):
            body.append(t("mail-order_paid-invoice", invoice=facts["invoice"]))
        return t("mail-order_paid-subject", reference=facts["reference"]), body
    if kind == "cancellation":
        return (t("mail-cancellation-subject", service=facts["service"]),
                [t("mail-cancellation-body", service=facts["service"], expiry=facts["expiry"]),
                 t("mail-cancellation-undo")])
    if kind == "ticket_reply":
        ticket = str(facts["ticket"])
        body = [t("mail-ticket_reply-body", ticket=ticket), str(facts["text"])]
        if facts.get("file"):
            body.append(t("mail-ticket_reply-file"))
        body.append(t("mail-ticket_reply-answer"))
        return (t("mail-ticket_reply-subject", ticket=ticket, subject=facts["subject"]), body)
    raise ValueError(f"no email for {kind!r}")


def compose(event: MailEvent, settings: Settings) -> Composed:
    subject, body = _paragraphs(event, settings)
    paragraphs = [t("mail-greeting", name=event.name), *body,
                  t("mail-footer-chat", name=settings.provider_name),
                  t("mail-signature") + "\n" + settings.provider_name]
    text = "\n\n".join(paragraphs) + "\n"
    html_body = "".join(
        "<p>" + html.escape(p, quote=False).replace("\n", "<br>\n") + "</p>\n" for p in paragraphs)
    title = html.escape(subject, quote=False)
    page = (f'<!DOCTYPE html>\n<html lang="it"><head><meta charset="utf-8">'
            f"<title>{title}</title></head>\n<body>\n{html_body}</body></html>\n")
    return Composed(event, " ".join(subject.split()), text, page)


def pdf_file_name(number: str) -> str:
    """`Fattura_2026-000001.pdf` (a file name has no slash)."""
    return t("mail-pdf-file", number=number.replace("/", "-").replace(" ", "_"))
