"""`sportello import FILE [--billing-state] [--dry-run]`: the import and its report.

The import writes in one transaction; `--dry-run` runs the same import and rolls it back,
printing every change it would make. Without `--billing-state` the billing state of the
services already in the database is kept, one line for each difference from the file.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli_args import shown
from core.importer import Change, ImportSummary, Parsed, apply, parse, read_file
from handlers.i18n import t

if TYPE_CHECKING:
    from core.app import Sportello

ENTITIES = {"plan": "cli-import-entity-plan", "customer": "cli-import-entity-customer",
            "service": "cli-import-entity-service", "category": "cli-import-entity-category",
            "limit_rule": "cli-import-entity-limit_rule"}
FEMININE = {"category", "limit_rule"}  # «Categoria cloud: nuova.»


def read(path: Path) -> Parsed:
    """The file, checked whole (before any database is opened)."""
    text, source = read_file(path)
    return parse(text, source)


async def run_import(app: Sportello, parsed: Parsed, billing_state: bool,
                     dry_run: bool) -> int:
    async with app.sessions() as session, session.begin() as transaction:
        summary = await apply(session, parsed, app.clock.now(),
                              billing_state=billing_state, actor="import")
        if dry_run:
            await transaction.rollback()
    if dry_run:
        print(t("cli-import-dry_run"))
        shown_changes = [c for c in summary.changes if c.field is None or not c.created]
        for change in shown_changes:
            print("  " + change_line(change))
        if not shown_changes:
            print("  " + t("cli-import-nothing"))
    for change in summary.kept:
        print(kept_line(change))
    total = "cli-import-dry_run-total" if dry_run else "cli-import-ok"
    print(t(total, plans=summary.plans, customers=summary.customers,
            services=summary.services, summary=counts(summary)))
    return 0


def counts(summary: ImportSummary) -> str:
    return ", ".join([t("cli-import-count-created", count=summary.created),
                      t("cli-import-count-updated", count=summary.updated),
                      t("cli-import-count-unchanged", count=summary.unchanged)])


def _record(change: Change) -> dict[str, Any]:
    name = shown(change.key)
    if change.owner is not None:
        name = t("cli-import-service", name=name, customer=shown(change.owner))
    return {"kind": t(ENTITIES[change.entity]), "name": name,
            "gender": "f" if change.entity in FEMININE else "m"}


def value_text(value: Any) -> Any:
    """A field's value as support reads it: € 60,00, 1 marzo 2027, (vuoto)."""
    if isinstance(value, bool):
        return t("cli-import-yes" if value else "cli-import-no")
    if value is None or value in ("", [], {}):
        return t("cli-import-empty")
    if isinstance(value, Decimal | date):
        return value
    if isinstance(value, dict):
        return shown(", ".join(f"{k}: {v}" for k, v in value.items()), 120)
    if isinstance(value, list):
        return shown(", ".join(map(str, value)), 120)
    return shown(value, 120)


def change_line(change: Change) -> str:
    if change.field is None:
        return t("cli-import-created", **_record(change))
    return t("cli-import-changed", **_record(change), field=change.field,
             current=value_text(change.old), value=value_text(change.new))


def kept_line(change: Change) -> str:
    return t("cli-import-kept", **_record(change), field=change.field,
             current=value_text(change.old), value=value_text(change.new))
