"""`sportello staff …` and `sportello payments register --customer --service`: support acting
for a customer from the command line (issue 12). What is printed comes from locales/it."""

from __future__ import annotations

import argparse
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from bot import cli_args
from bot.cli_args import BadInput, t

if TYPE_CHECKING:
    from core.app import Sportello
    from core.app.staff import StaffResult, Target

ACTIONS = ("renew", "cancel", "uncancel", "recover", "quote", "autorenew")
METHODS = ("bonifico", "bollettino", "paypal", "carta")
MAX_SERVICE = 200


def service_name(value: str) -> str:
    """A service's name as the customer knows it (e.g. mariorossi.it)."""
    return cli_args._line(value, MAX_SERVICE, "staff-cli-args-service")


def plan_code(value: str) -> str:
    return cli_args._line(value, cli_args.MAX_CODE, "staff-cli-args-plan")


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """`staff <action>`: each takes the ticket, or the customer and the service."""
    staff = sub.add_parser("staff", parents=[common],
                           help="cli-help-staff")
    actions = staff.add_subparsers(dest="action", required=True)
    helps = {
        "renew": "cli-help-staff-renew",
        "cancel": "cli-help-staff-cancel",
        "uncancel": "cli-help-staff-uncancel",
        "recover": "cli-help-staff-recover",
        "quote": "cli-help-staff-quote",
        "autorenew": "cli-help-staff-autorenew",
    }
    for name in ACTIONS:
        action = actions.add_parser(name, parents=[common], help=helps[name])
        action.add_argument("--ticket", type=cli_args.ident, help="cli-help-staff-ticket")
        action.add_argument("--customer", type=cli_args.code, help="cli-help-staff-customer")
        action.add_argument("--service", type=service_name, help="cli-help-staff-service")
        action.add_argument("--by", type=cli_args.person, required=True,
                            help="cli-help-opt-by")
        action.add_argument("--json", action="store_true", help="cli-help-opt-json")
        if name in ("renew", "recover"):
            action.add_argument("--method", choices=METHODS, default="bonifico",
                                help="cli-help-staff-method")
        if name == "renew":
            action.add_argument("--amount", type=cli_args.amount,
                                help="cli-help-staff-amount")
            action.add_argument("--bank-ref", type=cli_args.reference,
                                help="cli-help-opt-bank_ref")
        if name == "cancel":
            action.add_argument("--reason", type=cli_args.reason, required=True,
                                help="cli-help-staff-reason")
        if name == "recover":
            action.add_argument("--fee", type=cli_args.amount,
                                help="cli-help-staff-fee")
        if name == "quote":
            action.add_argument("--plan", type=plan_code, required=True,
                                help="cli-help-staff-plan")
        if name == "autorenew":
            mode = action.add_mutually_exclusive_group(required=True)
            mode.add_argument("--on", action="store_true", help="cli-help-staff-on")
            mode.add_argument("--off", action="store_true", help="cli-help-staff-off")


def add_register_options(reg: argparse.ArgumentParser) -> None:
    """`payments register --customer C --service S`: money that quotes no order."""
    reg.add_argument("--customer", type=cli_args.code,
                     help="cli-help-payments-register-customer")
    reg.add_argument("--service", type=service_name,
                     help="cli-help-payments-register-service")
    reg.add_argument("--ticket", type=cli_args.ident,
                     help="cli-help-payments-register-ticket")


@asynccontextmanager
async def _named_customer(app: Sportello, code: str | None) -> AsyncIterator[None]:
    """A service not found among customer `code`'s: the error names the customer, with the
    name support knows them by («Servizio x.it non trovato tra quelli di C001 · Mario Rossi»)."""
    from core.errors import NotFound

    try:
        yield
    except NotFound as missing:
        if missing.facts.get("entity") != "service" or not code:
            raise
        customer = await app.customer_by_code(code)
        raise NotFound(**missing.facts, customer=customer.code,
                       customer_name=customer.nominativo) from None


def _target_args(args: argparse.Namespace) -> None:
    if args.ticket is None and (args.customer is None or args.service is None):
        raise BadInput(t("staff-cli-target"))


async def run(app: Sportello, args: argparse.Namespace) -> int:
    _target_args(args)
    if args.action == "renew" and args.bank_ref and args.amount is None:
        raise BadInput(t("staff-cli-bank-ref-alone"))
    async with _named_customer(app, args.customer):
        target = await app.staff_target(args.ticket, args.customer, args.service)
    result = await _act(app, args, target)
    if args.json:
        print(json.dumps(_as_json(result), ensure_ascii=False, indent=2))
        return 0
    print(_heading(target))
    for label, value in _rows(result):
        print(f"  {label:<{_width()}}  {value}")
    return 0


async def _act(app: Sportello, args: argparse.Namespace, target: Target) -> StaffResult:
    by = args.by
    if args.action == "renew":
        return await app.staff_renew(target, by, args.method, args.amount, args.bank_ref)
    if args.action == "cancel":
        return await app.staff_cancel(target, by, args.reason)
    if args.action == "uncancel":
        return await app.staff_uncancel(target, by)
    if args.action == "recover":
        return await app.staff_recover(target, by, args.fee, args.method)
    if args.action == "quote":
        return await app.staff_quote(target, by, args.plan)
    return await app.staff_autorenew(target, by, bool(args.on))


def _heading(target: Target) -> str:
    if target.ticket_id is not None:
        return t("staff-cli-heading-ticket", ticket=str(target.ticket_id),
                 code=target.customer_code, customer=target.customer_name,
                 service=target.service_name)
    return t("staff-cli-heading", code=target.customer_code, customer=target.customer_name,
             service=target.service_name)


LABELS = ("staff-cli-outcome", "staff-cli-order", "staff-cli-total", "staff-cli-expires",
          "staff-cli-plan", "staff-cli-mode")


def _width() -> int:
    return max(len(t(label)) for label in LABELS)


def _rows(result: StaffResult) -> list[tuple[str, str]]:
    rows = [(t("staff-cli-outcome"), outcome_text(result))]
    if result.order_reference:
        rows.append((t("staff-cli-order"), result.order_reference))
    if result.total is not None:
        rows.append((t("staff-cli-total"), _euro(result.total)))
    if result.expires_on is not None:
        rows.append((t("staff-cli-expires"), _day(result.expires_on)))
    if result.plan:
        rows.append((t("staff-cli-plan"), result.plan))
    if result.mode:
        rows.append((t("staff-cli-mode"), t(f"renewal_mode-{result.mode}")))
    return rows


def _euro(amount: Any) -> str:
    from handlers.i18n import euro

    return euro(amount)


def _day(value: Any) -> str:
    from handlers.i18n import day

    return day(value)


def outcome_text(result: StaffResult) -> str:
    return t(f"staff-outcome-{result.outcome}")


def _as_json(result: StaffResult) -> dict[str, Any]:
    return {"action": result.action, "outcome": result.outcome,
            "ticket": result.target.ticket_id, "customer": result.target.customer_code,
            "customer_name": result.target.customer_name,
            "service": result.target.service_name, "order": result.order_reference,
            "total": str(result.total) if result.total is not None else None,
            "expires_on": result.expires_on.isoformat() if result.expires_on else None,
            "plan": result.plan, "renewal_mode": result.mode}


async def register_unmatched(app: Sportello, args: argparse.Namespace) -> int:
    """`payments register --customer C --service S --amount … --bank-ref …`."""
    if args.customer is None or args.service is None or args.order is not None:
        raise BadInput(t("staff-cli-register-target"))
    async with _named_customer(app, args.customer):
        done = await app.register_unmatched_payment(args.customer, args.service, args.amount,
                                                    args.by, args.bank_ref,
                                                    ticket_id=args.ticket)
    if done.outcome == "duplicate":
        print(t("cli-payments-duplicate", bank_ref=args.bank_ref or ""))
    elif done.outcome == "unapplied":
        print(t("staff-cli-register-unapplied", amount=args.amount, service=args.service,
                id=str(done.unapplied_id), ticket=str(done.ticket_id)))
    else:
        assert done.order is not None
        print(t("staff-cli-register-applied", amount=args.amount, service=args.service,
                reference=done.order.reference, invoice=done.order.invoice_number or "-"))
    return 0
