"""The Italian catalogue: every id used in code exists, every entry is used, and no
customer-facing sentence hides in Python."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.tg_door import COMMANDS
from core.app.staff import OUTCOMES as STAFF_OUTCOMES
from core.lifecycle import sweep  # noqa: F401 - the notice kinds below come from it
from core.settlement import UNAPPLIED_REASONS, VOID_REASONS
from core.states import CATEGORIES, PAYMENT_METHODS, RENEWAL_MODES
from handlers.flows.support import CATEGORIES as TICKET_CATEGORIES
from handlers.i18n import message_ids, t

ROOT = Path(__file__).parent.parent
CODE = [p for folder in ("bot", "handlers", "core") for p in (ROOT / folder).rglob("*.py")
        if "migrations" not in p.parts]
ID = re.compile(r"^[a-z][a-z_]*(-[a-z0-9_]+)+$")
NOT_IDS = {"credit-note"}  # a command-line subcommand, not a message

# Ids built at run time from a prefix and a value: the values each prefix must cover.
DYNAMIC = {
    "state-": ["attivo", "in_scadenza", "scaduto", "disdetto", "sospeso", "eliminato"],
    "renewal_mode-": list(RENEWAL_MODES),
    "mode-explain-": list(RENEWAL_MODES),
    "mode-set-": list(RENEWAL_MODES),
    "method-": list(PAYMENT_METHODS),
    "category-": list(CATEGORIES),
    "order_status-": ["pending", "paid", "cancelled", "void"],
    "order_kind-": ["renewal", "change", "tacit", "restoration"],
    "document-type-": ["TD01", "TD04"],
    "pdf-file-": ["TD01", "TD04"],
    "doc-line-": ["renewal", "upgrade", "debit", "credit", "change_fee", "addon", "restoration",
                  "restoration_fee", "other", "credit_note"],
    "ticket_status-": ["aperto", "in_carico", "chiuso"],
    "ticket_category-": list(TICKET_CATEGORIES),
    "notice-": ["tacit_invoice", "suspended_unpaid", "expired", "cancelled_expired", "deleted",
                "plan_changed", "order_paid", "order_void", "payment_unapplied",
                "deleted_unpaid"],  # reminders: `notice-reminder` with its days
    "cli-counts-": ["plan_changes", "reminders", "renewed_on_sight", "suspended_unpaid",
                    "expired", "deleted", "deleted_unpaid", "orders_voided"],
    "void_reason-": list(VOID_REASONS),
    "unapplied_reason-": list(UNAPPLIED_REASONS),
    "unapplied_status-": ["open", "applied", "refunded"],
    "cli-payments-by-": ["support", "customer", "system"],
    "cli-not-found-": ["ticket", "order", "invoice", "customer", "service", "plan",
                       "unapplied", "other"],
    "cli-refused-": ["order_not_pending", "unapplied_closed", "other_customer", "empty_note",
                     "empty_message", "ticket_closed", "busy", "other"],
    "ticket-note-": ["dedicated_downgrade", "sales_only"],
    "attachment-": ["photo", "document"],  # the kinds the runtimes read
    "ticket-reason-": ["operator_request", "customer_request", "late_recovery",
                       "unapplied_payment", "grace_over", "dedicated_downgrade", "sales_only"],
    "pay-failure-": ["declined", "invalid_card", "other"],
    "link-": ["invalid", "used", "expired", "rate_limited"],
    "notice-text-": ["reminder", "tacit_invoice", "suspended_unpaid", "expired",
                     "cancelled_expired", "deleted", "plan_changed", "order_paid",
                     "order_void", "payment_unapplied", "deleted_unpaid"],
    "invoice-what-": ["renewal", "change", "tacit", "restoration"],
    "staff-outcome-": list(STAFF_OUTCOMES),
    "command-": ["start", "menu", "aiuto", "annulla", "ticket"],
    "ticket-author-": ["customer", "support", "system"],
    "ticket-conversation-": ["in", "out"],
}


def _keys_of(node: ast.AST) -> set[str]:
    """The constant keys of a dict literal or of `dict(key=...)`."""
    if isinstance(node, ast.Dict):
        return {k.value for k in node.keys
                if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return {k.arg for k in node.keywords if k.arg}
    return set()


def _names_context(node: ast.AST) -> bool:
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    return "context" in name


def context_keys_in_code() -> set[str]:
    """Every key code writes into a ticket's context: `context={...}` arguments, `context =
    {...}` assignments and `context["key"] = ...` (any name containing `context`)."""
    keys: set[str] = set()
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "context":
                keys |= _keys_of(node.value)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if _names_context(target) and node.value is not None:
                        keys |= _keys_of(node.value)
                    if (isinstance(target, ast.Subscript) and _names_context(target.value)
                            and isinstance(target.slice, ast.Constant)):
                        keys.add(str(target.slice.value))
    return keys


DYNAMIC["ticket-context-"] = sorted(context_keys_in_code())


def literals_and_prefixes() -> tuple[set[str], set[str]]:
    literals: set[str] = set()
    prefixes: set[str] = set()
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(
                    node.values[0], ast.Constant):
                prefixes.add(str(node.values[0].value))
    return literals, prefixes


def test_every_id_used_in_code_exists() -> None:
    literals, prefixes = literals_and_prefixes()
    known = message_ids()
    missing = sorted(s for s in literals - NOT_IDS if ID.match(s) and s not in known
                     and any(s.startswith(k.split("-")[0] + "-") for k in known))
    assert missing == []
    assert DYNAMIC["command-"] == list(COMMANDS)
    for prefix, values in DYNAMIC.items():
        assert prefix in prefixes, f"no code builds ids with {prefix}"
        assert [v for v in values if f"{prefix}{v}" not in known] == [], prefix


def test_every_catalogue_entry_is_used() -> None:
    literals, _ = literals_and_prefixes()
    unused = sorted(key for key in message_ids() if key not in literals
                    and not any(key.startswith(p) for p in DYNAMIC))
    assert unused == []


@pytest.mark.parametrize("key", sorted(message_ids()))
def test_every_entry_renders(key: str) -> None:
    from datetime import date
    from decimal import Decimal

    values = dict.fromkeys(
        ["name", "plan", "price", "expiry", "mode", "state", "code", "today", "policy",
         "plans", "customers", "services", "where", "field", "message", "summary", "count",
         "kind", "customer", "service", "ref", "reference", "total", "status", "number",
         "invoice", "subtotal", "vat", "detail", "what", "value", "got", "expected", "intent",
         "score", "limit", "command", "until", "days", "months", "annual", "category", "date",
         "page", "pages", "amount", "rate", "from", "to", "method", "holder", "iban",
         "account", "address", "reason", "left", "ticket", "text", "due", "current",
         "allowed", "mark", "paid", "subject", "doing", "staff", "url", "framework",
         "who", "hour", "reminders", "id", "bank_ref", "why", "by", "name", "expired_on",
         "days_since_expiry", "order", "unapplied_id", "min", "max", "attempt", "seconds",
         "hours", "minutes", "stars", "weeks", "title", "state", "rating", "duration",
         "years", "version", "auto", "gender", "item", "pec",
         "summary", "invoice_date", "description",
         "period", "path", "plural"], "x")
    values.update(price=Decimal("9.90"), expiry=date(2026, 12, 11), until=date(2026, 12, 21),
                  today=date(2026, 11, 21), date=date(2026, 12, 1), due=date(2026, 12, 10),
                  days=3, months=12, left=2, page=1, pages=2, **{"from": date(2026, 1, 8)},
                  to=date(2027, 1, 1), expires=date(2026, 11, 22), window=10,
                  invoice_date=date(2026, 11, 8))
    text = t(key, **values)
    assert text and "{" not in text and len(text) <= 4096


def test_no_customer_sentence_in_python() -> None:
    """Italian words of customer-facing sentences only appear in locales/it."""
    words = re.compile(r"\b(il tuo|la tua|servizio|rinnov|scadenz|pagamento|grazie|riprova|"
                       r"benvenut|vuoi|ciao|annullat|ticket n)", re.IGNORECASE)
    offenders = []
    for path in CODE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                                    | ast.Module) and n.body
                      and isinstance(n.body[0], ast.Expr)
                      and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in docstrings and " " in node.value
                    and words.search(node.value)):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]}")
    assert offenders == []
