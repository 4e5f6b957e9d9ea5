"""«Seeing the day» in Italian: the digest, a cancellation's announcement, a customer's card
and the support lists, from the facts `core.reports` gives (JSON-able rows).

One rendering for both places: a section is a title, column headings and rows of cells; the
command line aligns them in columns, the support group writes a row a line (a chat has no
columns). Dates read `21 novembre 2026`, amounts `€ 1.234,56`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from handlers.i18n import day, euro, t

Row = dict[str, Any]
GAP = "  "  # between two columns on the command line


@dataclass(frozen=True)
class Section:
    title: str
    headings: tuple[str, ...]
    rows: list[tuple[str, ...]]


def _d(value: str | None) -> str:
    return day(date.fromisoformat(value)) if value else "—"


def _moment(value: str) -> str:
    """«4 dicembre 2026 19:57» from an ISO timestamp (already in the provider's time)."""
    moment = datetime.fromisoformat(value)
    return f"{day(moment.date())} {moment:%H:%M}"


def _e(value: str | None) -> str:
    return euro(Decimal(value)) if value is not None else "—"


def customer(row: Row) -> str:
    if not row.get("customer"):
        return "—"
    return t("reports-customer", code=row["customer"], name=row.get("name") or "")


def _days(value: int) -> str:
    return t("reports-days", days=int(value))


_MODES = {"automatico": "renewal_mode-automatico", "su_richiesta": "renewal_mode-su_richiesta"}
_METHODS = {"carta": "method-carta", "paypal": "method-paypal", "bonifico": "method-bonifico",
            "bollettino": "method-bollettino"}
_ORDER_STATUS = {"pending": "order_status-pending", "paid": "order_status-paid",
                 "cancelled": "order_status-cancelled", "void": "order_status-void"}
_ORDER_KINDS = {"renewal": "order_kind-renewal", "change": "order_kind-change",
                "tacit": "order_kind-tacit"}
_TICKET_STATUS = {"aperto": "ticket_status-aperto", "in_carico": "ticket_status-in_carico",
                  "chiuso": "ticket_status-chiuso"}
_SERVICE_STATUS = {"attivo": "state-attivo", "scaduto": "state-scaduto",
                   "disdetto": "state-disdetto", "sospeso": "state-sospeso",
                   "eliminato": "state-eliminato"}

_ACTIONS = {
    "staff_renew": "reports-action-staff_renew",
    "staff_cancel": "reports-action-staff_cancel",
    "staff_uncancel": "reports-action-staff_uncancel",
    "staff_recover": "reports-action-staff_recover",
    "staff_quote": "reports-action-staff_quote",
    "staff_autorenew": "reports-action-staff_autorenew",
    "staff_payment": "reports-action-staff_payment",
    "rated": "reports-action-rated",
    "rating_comment": "reports-action-rating_comment",
    "reopened": "reports-action-reopened",
    "restored": "reports-action-restored",
    "assigned": "reports-action-assigned",
    "cancel_undone": "reports-action-cancel_undone",
    "cancelled": "reports-action-cancelled",
    "card_failed": "reports-action-card_failed",
    "card_succeeded": "reports-action-card_succeeded",
    "change_scheduled": "reports-action-change_scheduled",
    "chat_linked": "reports-action-chat_linked",
    "chat_unlinked": "reports-action-chat_unlinked",
    "chats_unlinked": "reports-action-chats_unlinked",
    "closed": "reports-action-closed",
    "created": "reports-action-created",
    "credit_note": "reports-action-credit_note",
    "deleted": "reports-action-deleted",
    "link_code_created": "reports-action-link_code_created",
    "link_failed": "reports-action-link_failed",
    "message": "reports-action-message",
    "opened": "reports-action-opened",
    "paid": "reports-action-paid",
    "plan_changed": "reports-action-plan_changed",
    "reactivated": "reports-action-reactivated",
    "renewal_mode": "reports-action-renewal_mode",
    "renewed": "reports-action-renewed",
    "unapplied": "reports-action-unapplied",
    "unapplied_applied": "reports-action-unapplied_applied",
    "unapplied_refunded": "reports-action-unapplied_refunded",
    "voided": "reports-action-voided",
    "import_create": "reports-action-import_create",
    "import_update": "reports-action-import_update",
    "reminder": "reports-action-reminder",
    "expired": "reports-action-expired",
    "suspended": "reports-action-suspended",
}


def _label(table: dict[str, str], value: str) -> str:
    return t(table[value]) if value in table else value


def _unapplied_reason(reason: str) -> str:
    key = f"unapplied_reason-{reason}"
    from handlers.i18n import has

    return t(key) if has(key) else reason


def _cols(*keys: str) -> tuple[str, ...]:
    return tuple(t(k) for k in keys)


# Each digest section: its title, headings, and how a row becomes cells.
_DIGEST: list[tuple[str, str, tuple[str, ...], Callable[[Row], tuple[str, ...]]]] = [
    ("expiring", "reports-title-expiring",
     ("reports-col-customer", "reports-col-service", "reports-col-expiry", "reports-col-days",
      "reports-col-mode"),
     lambda r: (customer(r), r["service"], _d(r["expires_on"]), _days(r["days"]),
                _label(_MODES, r["mode"]))),
    ("suspended", "reports-title-suspended",
     ("reports-col-customer", "reports-col-service", "reports-col-expiry"),
     lambda r: (customer(r), r["service"], _d(r["expires_on"]))),
    ("transfers", "reports-title-transfers",
     ("reports-col-order", "reports-col-customer", "reports-col-total", "reports-col-since",
      "reports-col-days"),
     lambda r: (r["reference"], customer(r), _e(r["total"]), _d(r["created_on"]),
                _days(r["days"]))),
    ("on_sight", "reports-title-on_sight",
     ("reports-col-invoice", "reports-col-customer", "reports-col-services",
      "reports-col-total", "reports-col-expiry", "reports-col-days_left"),
     lambda r: (r["number"], customer(r), ", ".join(r["services"]), _e(r["total"]),
                _d(r["due_on"]), _days(r["days_left"]))),
    ("cancellations", "reports-title-cancellations",
     ("reports-col-customer", "reports-col-service", "reports-col-expiry",
      "reports-col-reason"),
     lambda r: (customer(r), r["service"], _d(r["expires_on"]),
                r["reason"] or t("reports-no-reason"))),
    ("unapplied", "reports-title-unapplied",
     ("reports-col-number", "reports-col-customer", "reports-col-amount",
      "reports-col-method", "reports-col-bank_ref", "reports-col-reason", "reports-col-since"),
     lambda r: (str(r["id"]), customer(r), _e(r["amount"]), _label(_METHODS, r["method"]),
                r["bank_ref"] or "—", _unapplied_reason(r["reason"]), _d(r["created_on"]))),
    ("tickets", "reports-title-tickets",
     ("reports-col-ticket", "reports-col-customer", "reports-col-subject",
      "reports-col-status", "reports-col-days"),
     lambda r: (t("reports-ticket", ticket=str(r["ticket"])), customer(r), r["subject"],
                _label(_TICKET_STATUS, r["status"]), _days(r["days"]))),
]


def digest_sections(facts: Row) -> list[Section]:
    days = {"expiring": facts.get("expiring_days"), "transfers": facts.get("transfer_days")}
    return [Section(t(title, days=days.get(name) or 0), _cols(*heads),
                    [cells(r) for r in facts.get(name, [])])
            for name, title, heads, cells in _DIGEST]


def digest_title(facts: Row) -> str:
    return t("reports-digest-title", today=date.fromisoformat(facts["day"]))


def table(section: Section, indent: str = "  ") -> list[str]:
    """A section as aligned columns (the command line): title, headings, rows."""
    lines = [t("reports-section", what=section.title, count=len(section.rows))]
    if not section.rows:
        return [*lines, indent + t("reports-empty")]
    widths = [max(len(cells[i]) for cells in [section.headings, *section.rows])
              for i in range(len(section.headings))]
    for cells in [section.headings, *section.rows]:
        lines.append(indent + GAP.join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
                     .rstrip())
    return lines


def digest_for_terminal(facts: Row) -> str:
    lines = [digest_title(facts)]
    for section in digest_sections(facts):
        lines += ["", *table(section)]
    return "\n".join(lines)


def digest_for_room(facts: Row) -> str:
    """The digest as a chat message: a row a line under each title; empty sections are
    one line."""
    lines = [digest_title(facts)]
    for section in digest_sections(facts):
        lines += ["", t("reports-section", what=section.title, count=len(section.rows))]
        lines += [t("reports-group-line", text=" · ".join(c for c in cells if c))
                  for cells in section.rows]
    return "\n".join(lines)


def cancellation(payload: Row) -> str:
    """A cancellation, as announced in the support group."""
    values = {"customer": customer(payload), "service": payload["service"],
              "expiry": date.fromisoformat(payload["expires_on"]),
              "reason": payload["reason"] or t("reports-no-reason")}
    if payload.get("staff"):
        return t("reports-cancellation-staff", staff=payload["staff"], **values)
    return t("reports-cancellation", **values)


def orders_section(rows: list[Row]) -> Section:
    return Section(t("reports-customer-orders"), _cols(
        "reports-col-order", "reports-col-customer", "reports-col-services", "reports-col-kind",
        "reports-col-method", "reports-col-status", "reports-col-total", "reports-col-since",
        "reports-col-days"),
        [(r["reference"], customer(r), ", ".join(r["services"]),
          _label(_ORDER_KINDS, r["kind"]), _label(_METHODS, r["method"]),
          _label(_ORDER_STATUS, r["status"]), _e(r["total"]), _d(r["created_on"]),
          _days(r["days"])) for r in rows])


def cancellations_section(rows: list[Row], first: date) -> Section:
    return Section(t("reports-cancellations-title", **{"from": first}), _cols(
        "reports-col-cancelled_on", "reports-col-customer", "reports-col-service",
        "reports-col-status", "reports-col-expiry", "reports-col-reason"),
        [(_d(r["cancelled_on"]), customer(r), r["service"],
          _label(_SERVICE_STATUS, r["status"]), _d(r["expires_on"]),
          r["reason"] or t("reports-no-reason")) for r in rows])


def _who(entry: Row) -> str:
    if entry["actor_kind"] == "support":
        return t("reports-who-support", name=entry["actor"])
    if entry["actor_kind"] == "customer":
        return t("reports-who-customer")
    return t("reports-who-system")


def _consent(order: Row) -> str:
    """The general conditions accepted with the order, or who placed it for the customer."""
    if order.get("terms_version") and order.get("terms_accepted_at"):
        return t("reports-consent-terms", version=order["terms_version"],
                 date=_moment(order["terms_accepted_at"]))
    if order.get("placed_by_support"):
        return t("reports-consent-support", name=order["placed_by_support"])
    return "—"


def customer_card(card: Row) -> str:
    """`sportello customers show`: the customer, then a table per subject."""
    lines = [t("reports-customer-title", code=card["customer"], name=card["name"]),
             t("reports-customer-contact", address=card["email"] or "—",
               code=card["tax_code"] or "—", number=card["vat_number"] or "—",
               method=_label(_METHODS, card["preferred_method"]))]
    yes, no = t("reports-yes"), t("reports-no")
    lines.append(t("reports-customer-billing", address=card["address"] or "—",
                   code=card["sdi_code"] or ("—" if card["pec"] else "0000000"),
                   pec=card["pec"] or "—",
                   reminders=yes if card["reminder_emails"] else no))
    sections = [
        Section(t("reports-customer-services"), _cols(
            "reports-col-service", "reports-col-plan", "reports-col-status",
            "reports-col-expiry", "reports-col-mode", "reports-col-reason"),
            [(s["service"], s["plan"], _label(_SERVICE_STATUS, s["status"]),
              _d(s["expires_on"]), _label(_MODES, s["mode"]), s["reason"] or "")
             for s in card["services"]]),
        Section(t("reports-customer-orders"), _cols(
            "reports-col-order", "reports-col-kind", "reports-col-method",
            "reports-col-status", "reports-col-total", "reports-col-since",
            "reports-col-consent"),
            [(o["reference"], _label(_ORDER_KINDS, o["kind"]), _label(_METHODS, o["method"]),
              _label(_ORDER_STATUS, o["status"]), _e(o["total"]), _d(o["created_on"]),
              _consent(o)) for o in card["orders"]]),
        Section(t("reports-customer-invoices"), _cols(
            "reports-col-invoice", "reports-col-issued", "reports-col-expiry",
            "reports-col-total", "reports-col-paid"),
            [(i["number"], _d(i["issued_on"]), _d(i["due_on"]), _e(i["total"]),
              yes if i["paid"] else no) for i in card["invoices"]]),
        Section(t("reports-customer-tickets"), _cols(
            "reports-col-ticket", "reports-col-status", "reports-col-service",
            "reports-col-subject", "reports-col-since"),
            [(t("reports-ticket", ticket=str(k["ticket"])),
              _label(_TICKET_STATUS, k["status"]), k["service"] or "—", k["subject"],
              _d(k["created_on"])) for k in card["tickets"]]),
        Section(t("reports-customer-chats"), _cols("reports-col-chat"),
                [(t("reports-blocked", what=c["chat"]) if c["blocked"] else c["chat"],)
                 for c in card["chats"]]),
        Section(t("reports-customer-audit"), _cols(
            "reports-col-when", "reports-col-who", "reports-col-what", "reports-col-action",
            "reports-col-reason"),
            [(_moment(a["at"]), _who(a), a["what"],
              _label(_ACTIONS, a["action"]), a["reason"])
             for a in card["audit"]]),
    ]
    for section in sections:
        lines += ["", *table(section)]
    return "\n".join(lines)
