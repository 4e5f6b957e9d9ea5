"""A ticket as support reads it: who the customer is, who wrote, what the bot was doing.

Support never reads internal ids or raw keys. Every context key a ticket can carry has a
`ticket-context-<key>` message in the catalogue that renders its whole line (label, value,
plural, date); a key without one is not printed, and a value that is empty is omitted
(`tests/test_ticket_text.py` checks that every key the code writes has its message).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from core.views import TicketMessageView, TicketView
from handlers.i18n import has, t

CONVERSATION = "conversation"  # the chat so far: printed apart, one line per message
REASON = "reason"  # why the ticket exists: one sentence with the facts it needs
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def customer(ticket: TicketView) -> str:
    """`C001 Mario Rossi`."""
    return t("ticket-customer", code=ticket.customer_code, name=ticket.customer_name)


def context_lines(ticket: TicketView) -> list[str]:
    """The ticket's context, one Italian line per key (`Scaduto da: 12 giorni`)."""
    lines = []
    for key, raw in (ticket.context or {}).items():
        label = f"ticket-context-{key}"
        if key in (CONVERSATION, REASON) or not has(label):
            continue
        value = ticket.plan_name if key == "plan" and ticket.plan_name else _value(raw)
        if value is not None and key in _READ_AS:
            value = _READ_AS[key](raw)
        if value is not None:
            lines.append(t(label, value=value))
    return lines


def reason(context: dict[str, Any]) -> str | None:
    """Why the ticket exists, with its facts («pagamento NON applicato di € 12,08 …»)."""
    code = context.get(REASON)
    if not code or not has(f"ticket-reason-{code}"):
        return None
    facts: dict[str, Any] = {k: str(v) for k, v in context.items() if isinstance(v, str | int)}
    if "amount" in context:
        facts["amount"] = Decimal(str(context["amount"]))
    if "unapplied_reason" in context:
        facts["why"] = t(f"unapplied_reason-{context['unapplied_reason']}")
    if has(f"method-{context.get('method')}"):
        facts["method"] = t(f"method-{context['method']}")
    for key in ("bank_ref", "order", "method", "expired_on", "days_since_expiry",
                "unapplied_id"):
        if facts.get(key) in (None, "None"):
            facts[key] = "—"
    if isinstance(context.get("expired_on"), str) and _ISO_DAY.fullmatch(context["expired_on"]):
        facts["expired_on"] = date.fromisoformat(context["expired_on"])
    return t(f"ticket-reason-{code}", **facts)


def conversation(ticket: TicketView) -> list[str]:
    """The conversation the ticket carries (empty if none), under its heading; each line
    says who spoke («Cliente: …», «Sportello: …») and may span several lines."""
    said = [spoken(line) for line in (ticket.context or {}).get(CONVERSATION) or []]
    return [t(f"ticket-context-{CONVERSATION}"), *said] if said else []


def spoken(line: Any) -> str:
    """A conversation line as stored (`in: testo`, `out: testo` or `{"d": ..., "t": ...}`)
    with its direction in Italian."""
    if isinstance(line, dict):
        direction, text = str(line.get("d", "")), str(line.get("t", ""))
    else:
        direction, _, text = str(line).partition(": ")
    key = f"ticket-conversation-{direction}"
    return t(key, text=text) if has(key) else str(line)


def author(ticket: TicketView, message: TicketMessageView) -> str:
    """Who wrote a message: the customer by code and name, a support member by name."""
    key = f"ticket-author-{message.author_kind}"
    return t(key if has(key) else "ticket-author-system", code=ticket.customer_code,
             name=ticket.customer_name, staff=message.author)


# Context values that are codes or amounts, read as an Italian word or `€ 12,08`.
_READ_AS = {
    "amount": lambda raw: Decimal(str(raw)),
    "total": lambda raw: Decimal(str(raw)),
    "method": lambda raw: t(f"method-{raw}") if has(f"method-{raw}") else raw,
    "order_status": lambda raw: t(f"order_status-{raw}") if has(f"order_status-{raw}") else raw,
    "unapplied_reason": lambda raw: (t(f"unapplied_reason-{raw}")
                                     if has(f"unapplied_reason-{raw}") else raw),
    "registered_by": lambda raw: str(raw).partition(":")[2] or raw,
}


def _value(raw: Any) -> Any:
    """A context value as a message variable; None when there is nothing to print."""
    if raw is None or raw == "" or isinstance(raw, dict | bool):
        return None
    if isinstance(raw, list | tuple):
        return ", ".join(str(item) for item in raw) or None
    if isinstance(raw, str) and _ISO_DAY.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return raw
    return raw


def card(ticket: TicketView, room: str = "group", conversation_kept: int = 12) -> str:
    """The ticket as support reads it, in the support group (`room="group"`: a card with
    the customer, the service, why it exists, its context, the first message, the last
    lines of the conversation and the state) or on the command line (`"terminal"`: the
    ticket's line, its facts indented, the whole conversation, then every message)."""
    facts = [line for line in [reason(ticket.context or {}), *context_lines(ticket)] if line]
    said = conversation(ticket)
    if room == "terminal":
        lines = [ticket_line(ticket), *(f"  {fact}" for fact in facts)]
        if said:
            lines.append(f"  {said[0]}")
            lines += ["\n".join(f"  | {part}" for part in line.splitlines() or [""])
                      for line in said[1:]]
        lines += [t("cli-tickets-message", who=author(ticket, message),
                    date=message.created_at.date(), text=said_in(message))
                  for message in ticket.messages]
        return "\n".join(lines)
    category = (t(f"ticket_category-{ticket.category}")
                if has(f"ticket_category-{ticket.category}") else ticket.category)
    lines = [t("support-card", ticket=str(ticket.id), category=category,
               customer=ticket.customer_name, code=ticket.customer_code,
               service=ticket.service_name or t("support-card-no-service")), *facts]
    if ticket.messages and said_in(ticket.messages[0]):
        lines.append(t("support-card-message", text=said_in(ticket.messages[0])))
    if said:
        lines.append(t("support-card-conversation"))
        lines += [f"  {line}" for line in said[1:][-conversation_kept:]]
    lines.append(t("support-card-status", status=t(f"ticket_status-{ticket.status}")))
    return "\n".join(lines)[:4000]


def said_in(message: TicketMessageView) -> str:
    """A message's text, after the kind of file it carries (`[foto] caption`)."""
    if message.attachment is None:
        return message.text
    return " ".join(filter(None, [t(f"attachment-{message.attachment.kind}"), message.text]))


def ticket_line(ticket: TicketView) -> str:
    """`n. 7 · Aperto · C001 Mario Rossi · mariorossi.it · 21 novembre 2026 · oggetto`."""
    values = {"ticket": str(ticket.id), "status": t(f"ticket_status-{ticket.status}"),
              "customer": customer(ticket), "date": ticket.created_at.date(),
              "subject": ticket.subject}
    if ticket.service_name:
        return t("cli-tickets-line-service", service=ticket.service_name, **values)
    return t("cli-tickets-line", **values)
