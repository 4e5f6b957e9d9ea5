"""`sportello`: the command line (chat, intent, demo, import, lifecycle, payments, invoices,
migrate, run, link, unlink, tickets, bench).

Global options (before or after the subcommand): `--db URL`, `--today YYYY-MM-DD`,
`--policy NAME`. Everything else comes from `SPORTELLO_*` variables or `.env`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.runner import ConfigError as ConfigErrorType
from core.app import Sportello
from core.clock import FixedClock, SystemClock
from core.config import POLICIES, Settings
from core.demo import load_demo_if_empty
from core.errors import AmountMismatch, ImportFailed, NotFound, SportelloError
from core.importer import apply, parse, read_file
from core.models import Customer
from core.states import is_lapsed_list
from core.views import TicketView
from handlers import ticket_text
from handlers.i18n import t


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli-error-bad_date", value=value)) from None


def _amount(value: str) -> Decimal:
    try:
        return Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(value) from None


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="database URL (default: SQLite in the user data dir)",
                        default=argparse.SUPPRESS)
    common.add_argument("--today", type=_date, help="pretend today is YYYY-MM-DD",
                        default=argparse.SUPPRESS)
    common.add_argument("--policy", choices=POLICIES, default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(prog="sportello", parents=[common],
                                     description="Sportello: helpdesk e fatturazione")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", parents=[common],
                          help="load the demo data (first run) and show every customer's services")
    demo.add_argument("--customer", help="only this customer code")
    chat = sub.add_parser("chat", parents=[common],
                          help="chat with the bot in the terminal (demo data on first run)")
    chat.add_argument("--customer", help="customer code to chat as (default: the first one)")
    intent = sub.add_parser("intent", parents=[common],
                            help="show how the free-text router reads a message")
    intent.add_argument("text")
    intent.add_argument("--customer", help="pick services among this customer's")
    run = sub.add_parser("run", parents=[common], help="run the bot on Telegram")
    run.add_argument("--framework", choices=("ptb", "aiogram"), default="ptb",
                     help="python-telegram-bot (default) or aiogram")
    run.add_argument("--webhook-url", help="webhook mode: the public HTTPS URL Telegram calls")
    run.add_argument("--api-url", help="a self-hosted Bot API server instead of Telegram's")
    link = sub.add_parser("link", parents=[common],
                          help="a one-time code that links a Telegram chat to a customer")
    link.add_argument("customer")
    unlink = sub.add_parser("unlink", parents=[common],
                            help="unlink every Telegram chat of a customer")
    unlink.add_argument("customer")
    tickets = sub.add_parser("tickets", parents=[common], help="support tickets")
    tickets_sub = tickets.add_subparsers(dest="action", required=True)
    listing = tickets_sub.add_parser("list", parents=[common], help="open tickets")
    listing.add_argument("--all", action="store_true", help="closed ones too")
    show = tickets_sub.add_parser("show", parents=[common], help="one ticket, whole")
    show.add_argument("ticket", type=int)
    reply = tickets_sub.add_parser("reply", parents=[common],
                                   help="answer a ticket (reaches the customer's chat)")
    reply.add_argument("ticket", type=int)
    reply.add_argument("text")
    reply.add_argument("--by", required=True, help="support member")
    close = tickets_sub.add_parser("close", parents=[common], help="close a ticket")
    close.add_argument("ticket", type=int)
    close.add_argument("--by", required=True, help="support member")
    imp = sub.add_parser("import", parents=[common], help="import plans, customers, services")
    imp.add_argument("file", type=Path)
    sub.add_parser("lifecycle", parents=[common], help="run the daily lifecycle sweep")
    sub.add_parser("migrate", parents=[common], help="apply database migrations")
    sub.add_parser("bench", help="run the benchmarks (sportello bench --help)")
    pay = sub.add_parser("payments", parents=[common], help="payments received off line")
    pay_sub = pay.add_subparsers(dest="action", required=True)
    reg = pay_sub.add_parser("register", parents=[common],
                             help="register a bank transfer, postal slip or PayPal payment")
    reg.add_argument("order", help="order reference, e.g. SPT-000042")
    reg.add_argument("--amount", type=_amount, required=True, help="amount received, VAT incl.")
    reg.add_argument("--by", required=True, help="who registers it (support member)")
    reg.add_argument("--bank-ref", help="the bank's transaction reference (CRO/TRN)")
    plist = pay_sub.add_parser("list", parents=[common],
                               help="payments received, and money not applied to any order")
    plist.add_argument("--unapplied", action="store_true",
                       help="only money kept as unapplied (to apply or give back)")
    papply = pay_sub.add_parser("apply", parents=[common],
                                help="apply money kept as unapplied to a pending order")
    papply.add_argument("unapplied", type=int, help="number of the unapplied payment")
    papply.add_argument("--order", required=True, help="order reference, e.g. SPT-000042")
    papply.add_argument("--by", required=True, help="support member")
    prefund = pay_sub.add_parser("refund", parents=[common],
                                 help="close money kept as unapplied as given back")
    prefund.add_argument("unapplied", type=int, help="number of the unapplied payment")
    prefund.add_argument("--by", required=True, help="support member")
    prefund.add_argument("--note", required=True, help="how it was given back (e.g. CRO)")
    inv = sub.add_parser("invoices", parents=[common], help="fatture and note di credito")
    inv_sub = inv.add_subparsers(dest="action", required=True)
    note = inv_sub.add_parser("credit-note", parents=[common],
                              help="issue a nota di credito against a fattura (money returned)")
    note.add_argument("invoice", help="fattura number, e.g. 2026/000123")
    note.add_argument("--amount", type=_amount, required=True, help="amount ex VAT")
    note.add_argument("--by", required=True, help="who issues it (support member)")
    note.add_argument("--reason", required=True)
    return parser


async def _with_app(args: argparse.Namespace, work: Callable[[Sportello], Awaitable[int]]) -> int:
    overrides: dict[str, object] = {}
    if "db" in args:
        overrides["database_url"] = args.db
    if "policy" in args:
        overrides["policy"] = args.policy
    if getattr(args, "api_url", None):
        overrides["api_url"] = args.api_url
    settings = Settings(**overrides)  # type: ignore[arg-type]
    clock = FixedClock(args.today) if "today" in args else SystemClock()
    app = await Sportello.open(settings, clock)
    try:
        return await work(app)
    finally:
        await app.close()


async def _demo(app: Sportello, customer: str | None) -> int:
    async with app.sessions() as session, session.begin():
        loaded = await load_demo_if_empty(session, app.clock.today())
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
    return t("cli-demo-service", name=view.name, plan=view.plan_name, price=view.annual_price,
             expiry=view.expires_on, mode=t(f"renewal_mode-{view.renewal_mode}"),
             state=t(f"state-{view.state}"))


async def _import(app: Sportello, path: Path) -> int:
    text, source = read_file(path)
    parsed = parse(text, source)
    async with app.sessions() as session, session.begin():
        summary = await apply(session, parsed, app.clock.now())
    print(t("cli-import-ok", plans=summary.plans, customers=summary.customers,
            services=summary.services))
    return 0


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


async def _payments_list(app: Sportello, unapplied_only: bool) -> int:
    if not unapplied_only:
        found = await app.list_payments()
        if not found:
            print(t("cli-payments-none"))
        for pay in found:
            print(t("cli-payments-line", date=pay.created_at.date(),
                    reference=pay.order_reference, code=pay.customer_code,
                    name=pay.customer_name, amount=pay.amount, method=t(f"method-{pay.method}"),
                    ref=pay.reference or "—", by=pay.registered_by.partition(":")[2]))
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
                name=item.customer_name or "", why=t(f"unapplied_reason-{item.reason}"),
                ticket=str(item.ticket_id or "—")))
    return 0


async def _credit_note(app: Sportello, args: argparse.Namespace) -> int:
    note = await app.issue_credit_note(args.invoice, args.amount, args.by, args.reason)
    print(t("cli-invoices-credit_note", number=note.number, invoice=args.invoice,
            subtotal=note.subtotal, vat=note.vat, total=note.total))
    return 0


async def _first_customer(app: Sportello, code: str | None) -> Customer:
    if code:
        return await app.customer_by_code(code)
    async with app.sessions() as session:
        found = (await session.execute(select(Customer).order_by(Customer.code))).scalars().first()
    if found is None:
        raise NotFound(entity="customer")
    return found


async def _chat(app: Sportello, code: str | None) -> int:
    from bot.terminal import chat
    from handlers.engine import Engine

    async with app.sessions() as session, session.begin():
        await load_demo_if_empty(session, app.clock.today())
    customer = await _first_customer(app, code)
    return await chat(Engine(app), customer.id, f"terminal:{customer.code}")


async def _intent(app: Sportello, text: str, code: str | None) -> int:
    from handlers.flows.common import service_refs
    from handlers.router import route

    refs = []
    if code:
        customer = await app.customer_by_code(code)
        refs = service_refs(await app.list_services(customer.id),
                            await app.plan_names(customer.id))
    routed = route(text, refs)
    print(t("cli-intent-result", intent=routed.intent, score=str(routed.score)))
    print(t("cli-intent-runner", intent=routed.runner_up, score=str(routed.runner_up_score)))
    print(t("cli-intent-service", service=routed.service_name) if routed.service_name
          else t("cli-intent-no-service"))
    return 0


async def _run(app: Sportello, args: argparse.Namespace) -> int:
    import signal

    from bot import logs
    from bot.runner import BotRunner, ConfigError

    logs.configure(app.settings)
    if app.settings.bot_token is None:
        raise ConfigError("SPORTELLO_BOT_TOKEN")
    runner = BotRunner(app, framework=args.framework,
                       webhook_url=args.webhook_url or app.settings.webhook_url)
    await runner.start()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, runner.request_stop)
    print(t("cli-run-started", framework=args.framework), flush=True)
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


def _ticket_line(ticket: TicketView) -> str:
    """`n. 3 · Aperto · C001 Mario Rossi · mariorossi.it · 21 novembre 2026 · oggetto`."""
    values = {"ticket": str(ticket.id), "status": t(f"ticket_status-{ticket.status}"),
              "customer": ticket_text.customer(ticket), "date": ticket.created_at.date(),
              "subject": ticket.subject}
    if ticket.service_name:
        return t("cli-tickets-line-service", service=ticket.service_name, **values)
    return t("cli-tickets-line", **values)


async def _tickets(app: Sportello, args: argparse.Namespace) -> int:
    from core.context import Actor

    if args.action == "list":
        found = await app.list_tickets(open_only=not args.all)
        if not found:
            print(t("cli-tickets-none"))
        for ticket in found:
            print(_ticket_line(ticket))
        return 0
    if args.action == "show":
        ticket = await app.get_ticket(args.ticket)
        print(_ticket_line(ticket))
        why = ticket_text.reason(ticket.context or {})
        if why:
            print(f"  {why}")
        for line in ticket_text.context_lines(ticket):
            print(f"  {line}")
        said = ticket_text.conversation(ticket)
        if said:
            print(f"  {said[0]}")
            for line in said[1:]:
                print("\n".join(f"  | {part}" for part in line.splitlines() or [""]))
        for message in ticket.messages:
            print(t("cli-tickets-message", who=ticket_text.author(ticket, message),
                    date=message.created_at.date(), text=message.text))
        return 0
    if args.action == "reply":
        await app.add_ticket_message(args.ticket, args.text, Actor.support(args.by))
        print(t("cli-tickets-replied", ticket=str(args.ticket)))
        return 0
    await app.close_ticket(args.ticket, args.by)
    print(t("cli-tickets-closed", ticket=str(args.ticket)))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # the benchmarks have their own options (see --help)
        from benchmarks.__main__ import main as bench

        return bench(argv[1:])
    args = build_parser().parse_args(argv)
    commands: dict[str, Callable[[Sportello], Awaitable[int]]] = {
        "demo": lambda app: _demo(app, args.customer),
        "chat": lambda app: _chat(app, args.customer),
        "intent": lambda app: _intent(app, args.text, args.customer),
        "import": lambda app: _import(app, args.file),
        "lifecycle": _lifecycle,
        "migrate": _migrated,
        "payments": lambda app: _payments(app, args),
        "invoices": lambda app: _credit_note(app, args),
        "run": lambda app: _run(app, args),
        "link": lambda app: _link(app, args.customer),
        "unlink": lambda app: _unlink(app, args.customer),
        "tickets": lambda app: _tickets(app, args),
    }
    try:
        return asyncio.run(_with_app(args, commands[args.command]))
    except ImportFailed as failed:
        print(t("cli-import-failed"), file=sys.stderr)
        for where, field, message in failed.facts["problems"]:
            print("  " + t("cli-import-problem", where=where, field=field, message=message),
                  file=sys.stderr)
        return 2
    except ConfigErrorType as missing:
        print(t("cli-error-token-missing", name=str(missing)), file=sys.stderr)
        return 2
    except ValidationError as invalid:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in invalid.errors())
        print(t("cli-error-config", detail=detail), file=sys.stderr)
        return 2
    except NotFound as missing:
        what = ", ".join(f"{k} {v}" for k, v in missing.facts.items())
        print(t("cli-error-not_found", what=what), file=sys.stderr)
        return 1
    except AmountMismatch as wrong:
        print(t("cli-error-amount", expected=wrong.facts.get("expected"),
                got=wrong.facts.get("got")), file=sys.stderr)
        return 1
    except SportelloError as error:
        print(t("cli-error-generic", detail=error.code), file=sys.stderr)
        return 1
    except (OperationalError, OSError) as error:
        print(t("cli-error-database", detail=str(error).splitlines()[0]), file=sys.stderr)
        return 1


async def _migrated(app: Sportello) -> int:
    print(t("cli-migrate-done"))  # Sportello.open already applied the migrations
    return 0
