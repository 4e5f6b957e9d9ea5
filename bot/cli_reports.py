"""The support commands of «Seeing the day» (issue 12): `digest`, `customers show`,
`orders list`, `cancellations`. Italian headings and aligned columns from
`handlers.reports_text`; `--json` gives scripts the same facts (`core.reports`)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from bot.cli_args import shown, t

if TYPE_CHECKING:
    from core.app import Sportello

COMMANDS = ("digest", "customers", "orders", "cancellations")
CANCELLATIONS_DAYS = 30  # `cancellations` without `--from`: the last 30 days
MAX_DAYS = 3650


def days(value: str) -> int:
    """`--older-than`: whole days, 0 to 3650."""
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_DAYS:
        raise argparse.ArgumentTypeError(t("reports-args-days", value=shown(value)))
    return int(text)


def add_parsers(sub: Any, common: argparse.ArgumentParser,
                day: Callable[[str], Any], code: Callable[[str], str]) -> None:
    """The subcommands, on `sportello`'s parser."""
    digest = sub.add_parser("digest", parents=[common],
                            help="cli-help-digest")
    digest.add_argument("--json", action="store_true", help="cli-help-opt-json")
    customers = sub.add_parser("customers", parents=[common], help="cli-help-customers")
    customers_sub = customers.add_subparsers(dest="action", required=True)
    show = customers_sub.add_parser("show", parents=[common],
                                    help="cli-help-customers-show")
    show.add_argument("customer", type=code, help="cli-help-arg-customer")
    show.add_argument("--json", action="store_true", help="cli-help-opt-json")
    orders = sub.add_parser("orders", parents=[common], help="cli-help-orders")
    orders_sub = orders.add_subparsers(dest="action", required=True)
    listing = orders_sub.add_parser("list", parents=[common], help="cli-help-orders-list")
    listing.add_argument("--pending", action="store_true", help="cli-help-orders-list-pending")
    listing.add_argument("--older-than", type=days, help="cli-help-orders-list-older_than")
    listing.add_argument("--json", action="store_true", help="cli-help-opt-json")
    cancels = sub.add_parser("cancellations", parents=[common],
                             help="cli-help-cancellations")
    cancels.add_argument("--from", dest="first", type=day, help="cli-help-cancellations-from")
    cancels.add_argument("--json", action="store_true", help="cli-help-opt-json")


def command(args: argparse.Namespace) -> Callable[[Sportello], Awaitable[int]]:
    work = {"digest": _digest, "customers": _customer, "orders": _orders,
            "cancellations": _cancellations}[args.command]
    return partial(work, args)


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


async def _digest(args: argparse.Namespace, app: Sportello) -> int:
    from handlers import reports_text

    facts = await app.digest()
    if args.json:
        _print_json(facts)
    else:
        print(reports_text.digest_for_terminal(facts))
    return 0


async def _customer(args: argparse.Namespace, app: Sportello) -> int:
    from handlers import reports_text

    card = await app.customer_card(args.customer)
    if args.json:
        _print_json(card)
    else:
        print(reports_text.customer_card(card))
    return 0


async def _orders(args: argparse.Namespace, app: Sportello) -> int:
    from handlers import reports_text

    rows = await app.orders_report(args.pending, args.older_than)
    if args.json:
        _print_json(rows)
    elif not rows:
        print(t("reports-orders-none"))
    else:
        print("\n".join(reports_text.table(reports_text.orders_section(rows), indent="")))
    return 0


async def _cancellations(args: argparse.Namespace, app: Sportello) -> int:
    from handlers import reports_text

    first = args.first or app.clock.today() - timedelta(days=CANCELLATIONS_DAYS)
    rows = await app.cancellations_report(first)
    if args.json:
        _print_json(rows)
    elif not rows:
        print(t("reports-cancellations-none", **{"from": first}))
    else:
        print("\n".join(reports_text.table(reports_text.cancellations_section(rows, first),
                                           indent="")))
    return 0
