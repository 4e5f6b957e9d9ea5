"""Support acting for a customer from the support group (issue 12), transport-free.

In a ticket's topic (or in reply to its card) a member writes a command:
`/azioni` posts a panel of buttons (renew, recover, undo a cancellation, automatic renewal);
`/rinnova [metodo] [importo riferimento]`, `/disdici motivo`, `/annulladisdetta`,
`/recupera [costo]`, `/preventivo PIANO`, `/rinnovoauto si|no` and
`/pagamento importo riferimento` act with their arguments. Only members act (the desk asks
first); a command redelivered acts once (the desk claims its update), and a panel button
pressed twice acts once (its key is the ticket, the action and the day). The result is
posted in the topic; the customer is told in chat through the notices outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from core.app.staff import StaffResult, Target
from core.errors import AmountMismatch, NotFound, SportelloError
from handlers.i18n import euro, has, t
from handlers.ui import Button

if TYPE_CHECKING:
    from handlers.desk import Answer, Desk, StaffMessage

log = logging.getLogger("sportello.desk")

PREFIX = "st"  # callback data: st:<action>:<ticket>
PANEL = (("renew", "staff-btn-renew"), ("recover", "staff-btn-recover"),
         ("uncancel", "staff-btn-uncancel"), ("auto1", "staff-btn-auto-on"),
         ("auto0", "staff-btn-auto-off"))
COMMANDS = {"azioni": "panel", "rinnova": "renew", "disdici": "cancel",
            "annulladisdetta": "uncancel", "recupera": "recover", "preventivo": "quote",
            "rinnovoauto": "autorenew", "pagamento": "payment"}


class Usage(Exception):
    """A command with wrong arguments: the line that explains it."""


def command_of(text: str) -> tuple[str, list[str]] | None:
    """`/rinnova@SportelloBot bonifico 73,20 CRO1` -> ("renew", [...]); None if not ours."""
    if not text.startswith("/"):
        return None
    head, *args = text.split()
    name = head[1:].split("@", 1)[0].lower()
    found = COMMANDS.get(name)
    return (found, args) if found else None


def panel(ticket_id: int) -> list[list[Button]]:
    buttons = [Button(t(label), f"{PREFIX}:{action}:{ticket_id}") for action, label in PANEL]
    return [buttons[:3], buttons[3:]]


async def on_command(desk: Desk, ticket_id: int, message: StaffMessage,
                     action: str, args: list[str]) -> None:
    """A member's command on a ticket (membership already checked, update claimed)."""
    key = f"{message.update_id}:staff-action" if message.update_id else None
    if action == "panel":
        await _post(desk, ticket_id, t("staff-desk-panel", ticket=str(ticket_id)),
                    panel(ticket_id), message.message_id)
        return
    try:
        line = await _run(desk, ticket_id, message.user_name, action, args, key)
    except Usage as usage:
        line = str(usage)
    except SportelloError as error:
        line = refusal(error)
    await _post(desk, ticket_id, line, None, message.message_id)
    await _tell_customer(desk)


async def on_press(desk: Desk, user_name: str, raw: str, update_id: str) -> Answer:
    """A panel button (membership already checked): acts once per ticket, action and day."""
    from handlers.desk import Answer

    action, _, ticket = raw.partition(":")
    if action not in {a for a, _ in PANEL} or not ticket.isdigit():
        return Answer(t("err-stale-button"), alert=True)
    ticket_id = int(ticket)
    key = f"desk:{ticket_id}:{action}:{desk.app.clock.today().isoformat()}"
    args = {"auto1": ["si"], "auto0": ["no"]}.get(action, [])
    name = "autorenew" if action.startswith("auto") else action
    try:
        line = await _run(desk, ticket_id, user_name, name, args, key)
    except SportelloError as error:
        return Answer(refusal(error), alert=True)
    except Usage as usage:
        return Answer(str(usage), alert=True)
    await _post(desk, ticket_id, line, None, None)
    await _tell_customer(desk)
    return Answer(line[:190])


async def _run(desk: Desk, ticket_id: int, staff: str, action: str, args: list[str],
               key: str | None) -> str:
    app = desk.app
    if action == "payment":
        return await _payment(desk, ticket_id, staff, args, key)
    target = await app.staff_target(ticket_id)
    acts: dict[str, Callable[[], Awaitable[StaffResult]]] = {
        "renew": lambda: _renew(desk, target, staff, args, key),
        "cancel": lambda: app.staff_cancel(target, staff, _reason(args), key=key),
        "uncancel": lambda: app.staff_uncancel(target, staff, key=key),
        "recover": lambda: app.staff_recover(target, staff, _fee(args), key=key),
        "quote": lambda: app.staff_quote(target, staff, _one(args, "staff-usage-quote"),
                                         key=key),
        "autorenew": lambda: app.staff_autorenew(target, staff, _on(args), key=key),
    }
    return done_line(await acts[action](), staff)


async def _renew(desk: Desk, target: Target, staff: str, args: list[str],
                 key: str | None) -> StaffResult:
    """`/rinnova`, `/rinnova carta`, `/rinnova bonifico 73,20 CRO123`."""
    method = args[0].lower() if args else "bonifico"
    if method not in ("bonifico", "bollettino", "paypal", "carta") or len(args) not in (0, 1, 3):
        raise Usage(t("staff-usage-renew"))
    amount = _amount(args[1], "staff-usage-renew") if len(args) == 3 else None
    return await desk.app.staff_renew(target, staff, method, amount,
                                      args[2] if len(args) == 3 else None, key=key)


async def _payment(desk: Desk, ticket_id: int, staff: str, args: list[str],
                   key: str | None) -> str:
    """`/pagamento 73,20 CRO123`: money quoting no order, for the ticket's service."""
    if len(args) != 2:
        raise Usage(t("staff-usage-payment"))
    amount = _amount(args[0], "staff-usage-payment")
    target = await desk.app.staff_target(ticket_id)
    done = await desk.app.register_unmatched_payment(
        target.customer_code, target.service_name, amount, staff, args[1],
        ticket_id=ticket_id, key=key)
    if done.outcome == "applied" and done.order is not None:
        return t("staff-desk-payment-applied", staff=staff, amount=amount,
                 service=target.service_name, reference=done.order.reference,
                 invoice=done.order.invoice_number or "-")
    if done.outcome == "unapplied":
        return t("staff-desk-payment-unapplied", staff=staff, amount=amount,
                 id=str(done.unapplied_id), ticket=str(done.ticket_id))
    return t("staff-desk-payment-duplicate", bank_ref=args[1])


def _amount(text: str, usage: str) -> Decimal:
    """`73,20` or `73.20`: euro, above zero, at most two decimals."""
    try:
        value = Decimal(text.replace(".", "").replace(",", ".") if "," in text else text)
    except ArithmeticError:
        raise Usage(t(usage)) from None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")) \
            or value > Decimal("999999999.99"):
        raise Usage(t(usage))
    return value


def _reason(args: list[str]) -> str:
    if not args:
        raise Usage(t("staff-usage-cancel"))
    return " ".join(args)


def _fee(args: list[str]) -> Decimal | None:
    if len(args) > 1:
        raise Usage(t("staff-usage-recover"))
    return _amount(args[0], "staff-usage-recover") if args else None


def _one(args: list[str], usage: str) -> str:
    if len(args) != 1:
        raise Usage(t(usage))
    return args[0].upper()


def _on(args: list[str]) -> bool:
    said = args[0].lower() if len(args) == 1 else ""
    if said not in ("si", "sì", "no", "on", "off"):
        raise Usage(t("staff-usage-autorenew"))
    return said in ("si", "sì", "on")


def done_line(result: StaffResult, staff: str) -> str:
    """What staff read in the topic after an action."""
    parts = [t(f"staff-outcome-{result.outcome}")]
    if result.order_reference:
        parts.append(result.order_reference)
    if result.total is not None:
        parts.append(euro(result.total))
    if result.plan:
        parts.append(result.plan)
    if result.mode:
        parts.append(t(f"renewal_mode-{result.mode}"))
    return t("staff-desk-done", staff=staff, service=result.target.service_name,
             what=" · ".join(parts))


def refusal(error: SportelloError) -> str:
    """Why core refused, in Italian (the command line's sentences)."""
    if isinstance(error, NotFound):
        return t("staff-desk-not-found")
    if isinstance(error, AmountMismatch):
        return t("cli-error-amount", expected=error.facts.get("expected"),
                 got=error.facts.get("got"))
    reason = str(error.facts.get("reason") or error.code)
    key = f"cli-refused-{reason}"
    return t(key if has(key) else "cli-refused-other", status="")


async def _post(desk: Desk, ticket_id: int, text: str, buttons: list[list[Button]] | None,
                reply_to: int | None) -> None:
    """In the ticket's topic, else in reply to the command (or to the card)."""
    from handlers.desk import Refused, Undelivered

    assert desk.room is not None
    thread = await desk.app.ticket_thread(ticket_id)
    if reply_to is None and thread is None:
        reply_to = await desk.app.first_relay(ticket_id, desk.room.key)
    try:
        await desk.room.send(text, buttons, thread, None if thread else reply_to)
    except (Refused, Undelivered):
        log.warning("staff action result not posted", extra={"ticket": ticket_id})


async def _tell_customer(desk: Desk) -> None:
    """The action's notice is in the outbox already: send it now rather than next round
    (an outage leaves it there for the door's next round)."""
    await desk.send_notices()
