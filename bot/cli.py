"""`sportello`: the command line (chat, intent, demo, import, lifecycle, payments, invoices,
migrate, run, link, unlink, tickets, bench).

Global options (before or after the subcommand): `--db URL`, `--today YYYY-MM-DD`,
`--policy NAME`. Everything else comes from `SPORTELLO_*` variables or `.env`.

Exit codes: 0 done, 1 not found or refused (or the database unreachable), 2 bad input: a
wrong argument, setting, database URL or file is one Italian line on standard error and
changes nothing. No traceback reaches the user; a closed standard output (`| head`) ends
the command quietly; Ctrl-C ends it with one line (exit 130), or the chat with a goodbye.
"""

from __future__ import annotations

import argparse
import os
import select as io_select
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot import cli_args, cli_staff
from bot.cli_args import BadInput, Parser, has, t
from core.errors import AmountMismatch, BadDatabaseUrl, ImportFailed, NotFound, SportelloError
from core.policies import POLICIES
from core.states import is_lapsed_list

# Imported only when a command needs them: the database layer (SQLAlchemy and its ORM, the
# models, Alembic, the application) once the arguments are known to be good, pydantic with
# the settings, the Telegram frameworks and aiohttp only by `run` (bot/runner.py). `sportello
# intent` without `--customer` opens no database at all (tests/test_startup.py).
if TYPE_CHECKING:
    from core.app import Sportello
    from core.importer import ImportSummary
    from core.models import Customer
    from handlers.router import ServiceRef

# Validated argument types (bot/cli_args.py): a wrong value is one Italian line, exit 2.
_date = cli_args.day
_amount = cli_args.amount


def build_parser() -> argparse.ArgumentParser:
    """Every `help=` and `description=` is an id of locales/it/cli_help.ftl (bot/cli_help.py)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="cli-help-opt-db", default=argparse.SUPPRESS)
    common.add_argument("--today", type=_date, help="cli-help-opt-today",
                        default=argparse.SUPPRESS)
    common.add_argument("--policy", choices=POLICIES, default=argparse.SUPPRESS,
                        help="cli-help-opt-policy")
    parser = Parser(prog="sportello", parents=[common], description="cli-help-description")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", parents=[common], help="cli-help-demo")
    demo.add_argument("--customer", type=cli_args.code, help="cli-help-demo-customer")
    chat = sub.add_parser("chat", parents=[common], help="cli-help-chat")
    chat.add_argument("--customer", type=cli_args.code, help="cli-help-chat-customer")
    intent = sub.add_parser("intent", parents=[common], help="cli-help-intent")
    intent.add_argument("text", type=cli_args.message, help="cli-help-intent-text")
    intent.add_argument("--customer", type=cli_args.code, help="cli-help-intent-customer")
    run = sub.add_parser("run", parents=[common], help="cli-help-run")
    run.add_argument("--framework", choices=("ptb", "aiogram"), default="ptb",
                     help="cli-help-run-framework")
    run.add_argument("--webhook-url", type=cli_args.url, help="cli-help-run-webhook_url")
    run.add_argument("--api-url", type=cli_args.url, help="cli-help-run-api_url")
    link = sub.add_parser("link", parents=[common], help="cli-help-link")
    link.add_argument("customer", type=cli_args.code, help="cli-help-arg-customer")
    unlink = sub.add_parser("unlink", parents=[common], help="cli-help-unlink")
    unlink.add_argument("customer", type=cli_args.code, help="cli-help-arg-customer")
    tickets = sub.add_parser("tickets", parents=[common], help="cli-help-tickets")
    tickets_sub = tickets.add_subparsers(dest="action", required=True)
    listing = tickets_sub.add_parser("list", parents=[common], help="cli-help-tickets-list")
    listing.add_argument("--all", action="store_true", help="cli-help-tickets-list-all")
    show = tickets_sub.add_parser("show", parents=[common], help="cli-help-tickets-show")
    show.add_argument("ticket", type=cli_args.ident, help="cli-help-arg-ticket")
    reply = tickets_sub.add_parser("reply", parents=[common], help="cli-help-tickets-reply")
    reply.add_argument("ticket", type=cli_args.ident, help="cli-help-arg-ticket")
    reply.add_argument("text", type=cli_args.message, help="cli-help-tickets-reply-text")
    reply.add_argument("--by", type=cli_args.person, required=True, help="cli-help-opt-by")
    close = tickets_sub.add_parser("close", parents=[common], help="cli-help-tickets-close")
    close.add_argument("ticket", type=cli_args.ident, help="cli-help-arg-ticket")
    close.add_argument("--by", type=cli_args.person, required=True, help="cli-help-opt-by")
    stats = tickets_sub.add_parser("stats", parents=[common], help="cli-help-tickets-stats")
    stats.add_argument("--weeks", type=cli_args.weeks, default=8,
                       help="cli-help-tickets-stats-weeks")
    stats.add_argument("--json", action="store_true", help="cli-help-opt-json")
    tickets_sub.add_parser("close-idle", parents=[common], help="cli-help-tickets-close_idle")
    imp = sub.add_parser("import", parents=[common], help="cli-help-import")
    imp.add_argument("file", type=Path, help="cli-help-import-file")
    imp.add_argument("--billing-state", action="store_true",
                     help="cli-help-import-billing_state")
    imp.add_argument("--dry-run", action="store_true", help="cli-help-import-dry_run")
    sub.add_parser("lifecycle", parents=[common], help="cli-help-lifecycle")
    sub.add_parser("migrate", parents=[common], help="cli-help-migrate")
    sub.add_parser("bench", help="cli-help-bench")
    pay = sub.add_parser("payments", parents=[common], help="cli-help-payments")
    pay_sub = pay.add_subparsers(dest="action", required=True)
    reg = pay_sub.add_parser("register", parents=[common], help="cli-help-payments-register")
    reg.add_argument("order", type=cli_args.order_ref, nargs="?",
                     help="cli-help-payments-register-order")
    reg.add_argument("--amount", type=_amount, required=True,
                     help="cli-help-payments-register-amount")
    reg.add_argument("--by", type=cli_args.person, required=True, help="cli-help-opt-by")
    reg.add_argument("--bank-ref", type=cli_args.reference, help="cli-help-opt-bank_ref")
    cli_staff.add_register_options(reg)
    plist = pay_sub.add_parser("list", parents=[common], help="cli-help-payments-list")
    plist.add_argument("--unapplied", action="store_true",
                       help="cli-help-payments-list-unapplied")
    papply = pay_sub.add_parser("apply", parents=[common], help="cli-help-payments-apply")
    papply.add_argument("unapplied", type=cli_args.ident, help="cli-help-arg-unapplied")
    papply.add_argument("--order", type=cli_args.order_ref, required=True,
                        help="cli-help-payments-apply-order")
    papply.add_argument("--by", type=cli_args.person, required=True, help="cli-help-opt-by")
    prefund = pay_sub.add_parser("refund", parents=[common], help="cli-help-payments-refund")
    prefund.add_argument("unapplied", type=cli_args.ident, help="cli-help-arg-unapplied")
    prefund.add_argument("--by", type=cli_args.person, required=True, help="cli-help-opt-by")
    prefund.add_argument("--note", type=cli_args.reason, required=True,
                         help="cli-help-payments-refund-note")
    inv = sub.add_parser("invoices", parents=[common], help="cli-help-invoices")
    inv_sub = inv.add_subparsers(dest="action", required=True)
    note = inv_sub.add_parser("credit-note", parents=[common],
                              help="cli-help-invoices-credit_note")
    note.add_argument("invoice", type=cli_args.invoice_number,
                      help="cli-help-invoices-credit_note-invoice")
    note.add_argument("--amount", type=_amount, required=True,
                      help="cli-help-invoices-credit_note-amount")
    note.add_argument("--by", type=cli_args.person, required=True, help="cli-help-opt-by")
    note.add_argument("--reason", type=cli_args.reason, required=True,
                      help="cli-help-invoices-credit_note-reason")
    from bot import cli_invoices

    cli_invoices.add_parsers(inv_sub, common, _date)  # issue 14: FatturaPA export, show
    cli_staff.add_parsers(sub, common)
    from bot import cli_reports

    cli_reports.add_parsers(sub, common, _date, cli_args.code)  # issue 12: seeing the day
    from bot import cli_mail

    cli_mail.add_parsers(sub, common)  # issue 14: email to customers
    return parser


async def _with_app(args: argparse.Namespace, work: Callable[[Sportello], Awaitable[int]]) -> int:
    overrides: dict[str, object] = {}
    if "db" in args:
        overrides["database_url"] = args.db
    if "policy" in args:
        overrides["policy"] = args.policy
    if getattr(args, "api_url", None):
        overrides["api_url"] = args.api_url
    from core.clock import FixedClock, SystemClock
    from core.config import Settings

    settings = Settings(**overrides)  # type: ignore[arg-type]
    clock = FixedClock(args.today) if "today" in args else SystemClock()
    from core.db import check_database_url

    check_database_url(settings.database_url)  # before anything is created or opened
    from sqlalchemy.exc import DBAPIError, OperationalError

    from core.app import Sportello

    try:
        app = await Sportello.open(settings, clock)
    except OperationalError:
        raise  # unreachable: exit 1, as when it goes away later
    except (DBAPIError, TypeError, ValueError) as error:  # refused, or options it rejects
        raise BadDatabaseUrl(reason="unusable", detail=_first_line(error)) from None
    try:
        return await work(app)
    finally:
        await app.close()


async def _load_demo(app: Sportello) -> ImportSummary | None:
    """The demo data on the first run, into an empty database only. A database with plans
    or services but no customers yet (a price list imported first) is refused: the demo
    would reprice it, and there is nobody to show."""
    from sqlalchemy import func, select

    from core.demo import load_demo_if_empty
    from core.models import Customer, Plan, Service

    counts: dict[str, int] = {}
    async with app.sessions() as session, session.begin():
        try:
            loaded = await load_demo_if_empty(session, app.clock.today())
        except ImportFailed:  # --today so late that the demo's expiries pass 2099
            raise BadInput(t("cli-demo-bad_today", today=app.clock.today())) from None
        if loaded is None:
            for name, model in (("plans", Plan), ("customers", Customer),
                                ("services", Service)):
                counts[name] = (await session.execute(
                    select(func.count()).select_from(model))).scalar_one()
    if loaded is None and counts["customers"] == 0:
        raise BadInput(t("cli-demo-not_empty", **counts))
    return loaded


async def _demo(app: Sportello, customer: str | None) -> int:
    from sqlalchemy import select

    from core.models import Customer

    loaded = await _load_demo(app)
    if loaded:
        print(t("cli-demo-loaded", plans=loaded.plans, customers=loaded.customers,
                services=loaded.services))
    print(t("cli-demo-today", today=app.clock.today(), policy=app.settings.policy))
    async with app.sessions() as session:
        query = select(Customer).order_by(Customer.code)
        if customer:
            query = query.where(Customer.code == customer)
        customers = (await session.execute(query)).scalars().all()
    if customer and not customers:
        raise NotFound(entity="customer", code=customer)
    for item in customers:
        print()
        print(t("cli-demo-customer", code=item.code, name=item.nominativo))
        services = await app.list_services(item.id)
        current = [s for s in services if not is_lapsed_list(s.state)]
        lapsed = [s for s in services if is_lapsed_list(s.state)]
        for view in current:
            print("  " + _service_line(view))
        if lapsed:
            print("  " + t("cli-demo-lapsed_title"))
            for view in lapsed:
                print("    " + _service_line(view))
    return 0


def _service_line(view) -> str:  # type: ignore[no-untyped-def]
    from handlers.quote_text import billed

    return t("cli-demo-service", name=view.name, plan=view.plan_name,
             price=billed(view.price, view.period_months),
             expiry=view.expires_on, mode=view.renewal_mode,
             state=t(f"state-{view.state}"))


async def _import(app: Sportello, args: argparse.Namespace) -> int:
    from bot.cli_import import run_import

    return await run_import(app, args.parsed, args.billing_state, args.dry_run)


async def _lifecycle(app: Sportello) -> int:
    result = await app.run_lifecycle()
    summary = ", ".join(t("cli-lifecycle-count", name=t(f"cli-counts-{k}"), count=v)
                        for k, v in result.counts.items())
    print(t("cli-lifecycle-done", today=result.day, summary=summary))
    if not result.notices:
        print(t("cli-lifecycle-none"))
    for notice in result.notices:
        print("  " + t("cli-lifecycle-notice", kind=_notice_kind(notice.kind),
                       customer=t("ticket-customer", code=notice.customer_code,
                                  name=notice.customer_name),
                       service=notice.service_name, ref=notice.ref_date))
    if result.notices_total > len(result.notices):
        print(t("cli-lifecycle-more", count=result.notices_total - len(result.notices)))
    return 0


async def _payments(app: Sportello, args: argparse.Namespace) -> int:
    if args.action == "list":
        return await _payments_list(app, args.unapplied)
    if args.action == "apply":
        done = await app.apply_unapplied(args.unapplied, args.order, args.by)
        assert done.order is not None
        print(t("cli-payments-applied", id=str(args.unapplied), reference=done.order.reference,
                total=done.order.total, status=t(f"order_status-{done.order.status}")))
        return 0
    if args.action == "refund":
        kept = await app.refund_unapplied(args.unapplied, args.by, args.note)
        print(t("cli-payments-refunded", id=str(kept.id), amount=kept.amount))
        return 0
    return await _register(app, args)


def _notice_kind(kind: str) -> str:
    """`reminder_45` reads «Promemoria di scadenza (45 giorni)»: any configured reminder day."""
    days = kind.removeprefix("reminder_")
    if days != kind and days.isdigit():
        return t("notice-reminder", days=int(days))
    return t(f"notice-{kind}")


async def _register(app: Sportello, args: argparse.Namespace) -> int:
    if args.order is None or args.customer or args.service:  # money that quotes no order
        return await cli_staff.register_unmatched(app, args)
    # No idempotency key: the bank reference itself is recognised when registered again.
    done = await app.register_payment(args.order, args.amount, args.by,
                                      bank_ref=args.bank_ref)
    order = done.order
    assert order is not None
    if done.outcome == "duplicate":
        print(t("cli-payments-duplicate", bank_ref=args.bank_ref or ""))
        return 0
    if done.outcome == "unapplied":
        print(t("cli-payments-unapplied", reference=order.reference,
                why=t(f"unapplied_reason-{done.reason}"), id=str(done.unapplied_id),
                amount=args.amount, ticket=str(done.ticket_id)))
        return 0
    print(t("cli-payments-registered", reference=order.reference, total=order.total,
            status=t(f"order_status-{order.status}")))
    if order.needs_review:
        print(t("cli-payments-review"))
    return 0


def _who(registered_by: str) -> str:
    """«registrato da anna», «pagato dal cliente» (by card), «registrato da Sportello»."""
    kind, _, name = registered_by.partition(":")
    key = f"cli-payments-by-{kind}"
    return t(key if has(key) else "cli-payments-by-system", name=name)


async def _payments_list(app: Sportello, unapplied_only: bool) -> int:
    if not unapplied_only:
        found = await app.list_payments()
        if not found:
            print(t("cli-payments-none"))
        for pay in found:
            print(t("cli-payments-line", date=pay.created_at.date(),
                    reference=pay.order_reference, code=pay.customer_code,
                    name=pay.customer_name, amount=pay.amount, method=t(f"method-{pay.method}"),
                    ref=pay.reference or "—", by=_who(pay.registered_by)))
        print()
    kept = await app.list_unapplied(open_only=unapplied_only)
    if not kept:
        print(t("cli-payments-unapplied-none"))
        return 0
    print(t("cli-payments-unapplied-title"))
    for item in kept:
        print(t("cli-payments-unapplied-line", id=str(item.id), date=item.created_at.date(),
                status=t(f"unapplied_status-{item.status}"), amount=item.amount,
                method=t(f"method-{item.method}"), ref=item.bank_ref or "—",
                reference=item.order_reference or "—", code=item.customer_code or "—",
                by=_who(item.registered_by),
                name=item.customer_name or "", why=t(f"unapplied_reason-{item.reason}"),
                ticket=str(item.ticket_id or "—")))
    return 0


async def _credit_note(app: Sportello, args: argparse.Namespace) -> int:
    note = await app.issue_credit_note(args.invoice, args.amount, args.by, args.reason)
    print(t("cli-invoices-credit_note", number=note.number, invoice=args.invoice,
            subtotal=note.subtotal, vat=note.vat, total=note.total))
    return 0


async def _invoices(app: Sportello, args: argparse.Namespace) -> int:
    if args.action == "credit-note":
        return await _credit_note(app, args)
    from bot import cli_invoices

    return await cli_invoices.run(app, args)


async def _first_customer(app: Sportello, code: str | None) -> Customer:
    from sqlalchemy import select

    from core.models import Customer

    if code:
        return await app.customer_by_code(code)
    async with app.sessions() as session:
        found = (await session.execute(select(Customer).order_by(Customer.code))).scalars().first()
    if found is None:
        raise NotFound(entity="customers")  # an empty database: nobody to chat as
    return found


async def _chat(app: Sportello, code: str | None) -> int:
    from bot.terminal import chat
    from handlers.engine import Engine

    await _load_demo(app)
    customer = await _first_customer(app, code)
    return await chat(Engine(app), customer.id, f"terminal:{customer.code}", sys.stdin,
                      sys.stdout)


async def _intent(app: Sportello, text: str, code: str) -> int:
    """The reading against the services of customer `code` (from the database)."""
    from handlers.flows.common import service_refs

    customer = await app.customer_by_code(code)
    refs = service_refs(await app.list_services(customer.id), await app.plan_names(customer.id))
    return _read(text, refs)


def _read(text: str, refs: list[ServiceRef]) -> int:
    """How the router reads `text`; `-`: every line of standard input, one message a line,
    answered `intent<TAB>score<TAB>service` a line (empty service: none named)."""
    from handlers.router import route

    if text == "-":
        for line in sys.stdin:
            routed = route(line.rstrip("\r\n"), refs)
            print(f"{routed.intent}\t{routed.score}\t{routed.service_name or ''}")
        return 0
    routed = route(text, refs)
    for line in _reading(routed):
        print(line)
    return 0


# What each intent of locales/it/intents.yaml means, for `sportello intent`.
INTENT_NAMES = {
    "products": "cli-intent-name-products", "renew": "cli-intent-name-renew",
    "cancel": "cli-intent-name-cancel", "recover": "cli-intent-name-recover",
    "change_plan": "cli-intent-name-change_plan", "orders": "cli-intent-name-orders",
    "ticket": "cli-intent-name-ticket", "operator": "cli-intent-name-operator",
    "help": "cli-intent-name-help", "greeting": "cli-intent-name-greeting",
    "unlink": "cli-intent-name-unlink", "unknown": "cli-intent-name-unknown",
}


def intent_name(intent: str) -> str:
    """An intent as support reads it: «rinnovare un servizio»."""
    key = INTENT_NAMES.get(intent)
    return t(key) if key else t("cli-intent-name-other", intent=intent)


def _reading(routed) -> list[str]:  # type: ignore[no-untyped-def]
    """The reading of one message, a line per fact, in Italian."""
    lines = [t("cli-intent-result", intent=intent_name(routed.intent), score=routed.score)
             if routed.intent != "unknown" else t("cli-intent-none")]
    if routed.runner_up_score > 0:
        lines.append(t("cli-intent-runner", intent=intent_name(routed.runner_up),
                       score=routed.runner_up_score))
    else:
        lines.append(t("cli-intent-no-runner"))
    lines.append(t("cli-intent-service", service=routed.service_name) if routed.service_name
                 else t("cli-intent-no-service"))
    if routed.category and not routed.service_name:
        lines.append(t("cli-intent-category", category=t(f"category-{routed.category}")))
    if routed.negated:
        lines.append(t("cli-intent-negated",
                       what=", ".join(intent_name(i) for i in routed.negated)))
    return lines


async def _run(app: Sportello, args: argparse.Namespace) -> int:
    import asyncio
    import signal

    from bot import logs
    from bot.runner import BotRunner, ConfigError
    from bot.tg_io import TokenRejected

    logs.configure(app.settings)
    if app.settings.bot_token is None:
        raise ConfigError("SPORTELLO_BOT_TOKEN")
    runner = BotRunner(app, framework=args.framework,
                       webhook_url=args.webhook_url or app.settings.webhook_url)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):  # also while the Bot API is unreachable
        loop.add_signal_handler(signum, runner.request_stop)
    try:
        await runner.start()
    except TokenRejected:
        return _fail(t("cli-error-token-rejected"), 2)
    if runner.door is not None:
        print(t("cli-run-started", framework=args.framework), flush=True)
    from core import sqlite_internals

    sqlite_internals.report()  # a library that changed: once running, the bot's logs say so
    await runner.wait()
    await runner.stop()
    return 0


async def _link(app: Sportello, customer_code: str) -> int:
    code, customer, expires = await app.create_link_code(customer_code)
    print(t("cli-link-code", code=code, name=customer.nominativo, customer=customer.code,
            expires=expires.date(), hour=expires.strftime("%H:%M")))
    username = app.settings.bot_username
    print(t("cli-link-deep", url=f"https://t.me/{username}?start={code}") if username
          else t("cli-link-manual", code=code))
    return 0


async def _unlink(app: Sportello, customer_code: str) -> int:
    count = await app.unlink_customer(customer_code)
    print(t("cli-unlink-done", count=count, customer=customer_code))
    return 0


async def _tickets(app: Sportello, args: argparse.Namespace) -> int:
    from core.context import Actor
    from handlers import ticket_text

    if args.action in ("stats", "close-idle"):
        from bot.cli_tickets import tickets_work

        return await tickets_work(app, args)
    if args.action == "list":
        found = await app.list_tickets(open_only=not args.all)
        if not found:
            print(t("cli-tickets-none"))
        for ticket in found:
            print(ticket_text.ticket_line(ticket))
        return 0
    if args.action == "show":
        print(ticket_text.card(await app.get_ticket(args.ticket), room="terminal"))
        return 0
    if args.action == "reply":
        await app.add_ticket_message(args.ticket, args.text, Actor.support(args.by))
        print(t("cli-tickets-replied", ticket=str(args.ticket)))
        return 0
    await app.close_ticket(args.ticket, args.by)
    print(t("cli-tickets-closed", ticket=str(args.ticket)))
    return 0


# What was not found when core names it only by an internal id: said without the id.
MISSING = {"customers": "cli-missing-customers", "customer": "cli-missing-customer",
           "service": "cli-missing-service",
           "quote": "cli-missing-quote", "order": "cli-missing-order",
           "plan": "cli-missing-plan", "invoice": "cli-missing-invoice"}
PUBLIC_IDS = {"ticket", "unapplied", "order"}  # numbers support reads (n. 7, SPT-000007)


def _not_found_line(missing: NotFound) -> str:
    """«Cliente C999 non trovato.»: the entity in Italian, the code or number as support
    knows it (never an internal id), the customer's code and name where known."""
    facts = dict(missing.facts)
    entity = str(facts.pop("entity", ""))
    names = ("code", "ref", "number") + (("id",) if entity in PUBLIC_IDS else ())
    value = next((v for k, v in facts.items() if k in names), "")
    values = value if isinstance(value, list) else [value]
    if entity == "order":  # as support and customers quote it
        values = [f"SPT-{v:06d}" if isinstance(v, int) else v for v in values]
    value = ", ".join(str(v) for v in values if v != "")
    if entity == "service" and value and facts.get("customer"):
        return t("cli-not-found-service-of", value=cli_args.shown(value),
                 code=cli_args.shown(facts["customer"]),
                 name=cli_args.shown(facts.get("customer_name") or ""))
    if not value:
        return t(MISSING.get(entity, "cli-missing-other"))
    key = f"cli-not-found-{entity}"
    return t(key if has(key) else "cli-not-found-other", value=cli_args.shown(value))


def _refusal_line(error: SportelloError) -> str:
    """Why core refused, in Italian; nothing was changed."""
    reason = str(error.facts.get("reason") or error.code)
    key = f"cli-refused-{reason}"
    status = str(error.facts.get("status", ""))
    if has(f"unapplied_status-{status}"):
        status = t(f"unapplied_status-{status}")
    return t(key if has(key) else "cli-refused-other", status=status)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # A library that changed under us (core/sqlite_internals.py) is a warning for the bot's
    # logs (`run` configures them), not a second line on a command's standard error.
    import logging

    quiet = logging.getLogger("sportello.db")
    if not quiet.handlers:
        quiet.addHandler(logging.NullHandler())
    if argv[:1] == ["bench"]:  # the benchmarks have their own options (see --help)
        from benchmarks.__main__ import main as bench

        try:
            return bench(argv[1:])
        except BadInput as bad:
            return _fail(bad.line, 2)
    try:
        return _main(argv)
    except Exception as error:  # even explaining an error failed: still one line
        print(f"sportello: {type(error).__name__}: {_first_line(error)}", file=sys.stderr)
        return 1


def _main(argv: list[str]) -> int:
    """The command, and every way it can fail turned into one line and an exit code."""
    try:
        args = build_parser().parse_args(argv)
        commands: dict[str, Callable[[Sportello], Awaitable[int]]] = {
            "demo": lambda app: _demo(app, args.customer),
            "chat": lambda app: _chat(app, args.customer),
            "intent": lambda app: _intent(app, args.text, args.customer),
            "import": lambda app: _import(app, args),
            "lifecycle": _lifecycle,
            "migrate": _migrated,
            "payments": lambda app: _payments(app, args),
            "invoices": lambda app: _invoices(app, args),
            "run": lambda app: _run(app, args),
            "link": lambda app: _link(app, args.customer),
            "unlink": lambda app: _unlink(app, args.customer),
            "tickets": lambda app: _tickets(app, args),
            "staff": lambda app: cli_staff.run(app, args),
        }
        if args.command == "mail":
            from bot import cli_mail

            commands["mail"] = lambda app: cli_mail.run(app, args)
        if args.command in ("digest", "customers", "orders", "cancellations"):
            from bot import cli_reports

            commands[args.command] = cli_reports.command(args)
        if args.command == "import":  # a bad file is refused before the database is opened
            from bot.cli_import import read

            args.parsed = read(args.file)
        if args.command == "invoices":  # a bad period or folder: before the database
            from bot import cli_invoices

            cli_invoices.check(args)
        if args.command == "intent" and args.customer is None:
            code = _read(args.text, [])  # the router alone: no settings, no database
            sys.stdout.flush()
            return code
        import asyncio

        code = asyncio.run(_with_app(args, commands[args.command]))
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return code
    except BadInput as bad:
        return _fail(bad.line, 2)
    except ImportFailed as failed:
        from bot.cli_errors import import_lines

        for line in import_lines(failed):
            print(line, file=sys.stderr)
        return 2
    except BadDatabaseUrl as bad:
        from bot.cli_errors import database_line

        return _fail(database_line(bad), 2)
    except _settings_errors() as invalid:
        from bot.cli_errors import settings_line

        return _fail(settings_line(invalid), 2)
    except NotFound as missing:
        return _fail(_not_found_line(missing), 1)
    except AmountMismatch as wrong:
        return _fail(t("cli-error-amount", expected=wrong.facts.get("expected"),
                       got=wrong.facts.get("got")), 1)
    except SportelloError as error:
        return _fail(_refusal_line(error), 1)
    except BrokenPipeError as error:
        if _stdout_closed():
            _discard_stdout()
            return 0  # `sportello tickets list | head`: the reader has all it wanted
        return _fail(t("cli-error-database", detail=_first_line(error)), 1)
    except KeyboardInterrupt:
        return _fail(t("cli-interrupted"), 130)
    except _database_errors() as error:
        return _fail(t("cli-error-database", detail=_first_line(error)), 1)
    except Exception as error:  # the last resort: one line, never a traceback
        runner = sys.modules.get("bot.runner")
        if runner is not None and isinstance(error, runner.ConfigError):
            return _fail(t("cli-error-token-missing", name=str(error)), 2)
        return _fail(t("cli-error-internal", detail=f"{type(error).__name__}: "
                                                    f"{_first_line(error)}"), 1)


def _settings_errors() -> tuple[type[BaseException], ...]:
    """A setting out of its range (pydantic's ValidationError), if pydantic is loaded at all:
    evaluated only when an exception gets this far, so pydantic is not imported up front."""
    pydantic = sys.modules.get("pydantic")
    return (pydantic.ValidationError,) if pydantic is not None else ()


def _database_errors() -> tuple[type[BaseException], ...]:
    """The database is unreachable: SQLAlchemy's operational errors, the network's."""
    from sqlalchemy.exc import OperationalError

    return (OperationalError, OSError)


def _fail(line: str, code: int) -> int:
    print(line, file=sys.stderr)
    return code


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error  # the driver's words, not SQLAlchemy's
    return cli_args.shown((str(cause).strip().splitlines() or [type(cause).__name__])[0], 300)


def _stdout_closed() -> bool:
    """Whether standard output is a pipe nobody reads any more."""
    try:
        poller = io_select.poll()
        poller.register(sys.stdout.fileno(), io_select.POLLOUT)
        return any(event & io_select.POLLERR for _, event in poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return True


def _discard_stdout() -> None:
    """What is still buffered goes nowhere, so the interpreter's exit stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


async def _migrated(app: Sportello) -> int:
    print(t("cli-migrate-done"))  # Sportello.open already applied the migrations
    return 0
