"""Commands, the main menu, help, free text, errors: what every flow shares."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal

from core.errors import (
    ChangeNotAllowed,
    NotAllowed,
    NotFound,
    PendingOrderExists,
    RenewalAlreadyOrdered,
    SalesOnly,
    SportelloError,
    TicketClosed,
)
from core.views import ServiceView
from handlers.engine import Turn, menu_rows
from handlers.flow import Flow
from handlers.i18n import t
from handlers.router import Routed, ServiceRef, fold, route

flow = Flow("common")


def first_name(full: str) -> str:
    return full.split()[0] if full.split() else full


@flow.command("start")
async def welcome(turn: Turn) -> None:
    """/start (also right after the chat is linked): the one place the bot introduces itself."""
    turn.leave()
    turn.say(t("menu-greeting", name=first_name(turn.customer_name)), *menu_rows(turn))


@flow.command("menu")
async def show_menu(turn: Turn) -> None:
    """/menu: just the menu, no introduction again."""
    turn.leave()
    turn.say(t("menu-prompt"), *menu_rows(turn))


@flow.action("menu.show", entry=True)
async def menu_action(turn: Turn, params: dict[str, object]) -> None:
    turn.leave()
    turn.say(t("menu-prompt"), *menu_rows(turn))


@flow.command("aiuto")
@flow.command("help")
async def show_help(turn: Turn) -> None:
    turn.say(t("help-text"), *menu_rows(turn))


@flow.command("annulla")
async def abort(turn: Turn) -> None:
    """Leave any flow from any step; nothing was written before its confirmation."""
    busy = turn.state.flow is not None
    turn.leave()
    turn.state.misses = 0
    turn.say(t("cancelled-flow" if busy else "nothing-to-cancel"), *menu_rows(turn))


@flow.action("flow.abort", entry=False)
async def abort_action(turn: Turn, params: dict[str, object]) -> None:
    await abort(turn)


@flow.command("scollega")
async def unlink_ask(turn: Turn) -> None:
    turn.leave()
    turn.say(t("unlink-ask"), [turn.btn(t("btn-unlink"), "account.unlink"), menu_button(turn)])


@flow.action("account.unlink")
async def unlink(turn: Turn, params: dict[str, object]) -> None:
    await turn.app.unlink_chat(turn.incoming.chat_id)
    turn.leave()
    turn.say(t("unlinked"))


def stale(turn: Turn) -> None:
    """A button that no longer fits where the conversation is: say so, change nothing."""
    turn.leave()
    turn.say(t("err-stale-button"), *menu_rows(turn))


def abort_button(turn: Turn):  # type: ignore[no-untyped-def]
    return turn.btn(t("btn-abort"), "flow.abort")


def menu_button(turn: Turn):  # type: ignore[no-untyped-def]
    return turn.btn(t("btn-menu"), "menu.show")


def vat_percent(rate: Decimal) -> str:
    return format_decimal(rate * 100, format="#,##0.##", locale="it_IT")


def service_refs(services: list[ServiceView], plan_names: dict[int, tuple[str, ...]]
                 ) -> list[ServiceRef]:
    return [ServiceRef(s.id, s.name, s.category, plan_names.get(s.id, (s.plan_name,)))
            for s in services]


async def order_pending(turn: Turn, service_ids: list[int]) -> bool:
    """Say up front that a service already has an order waiting for payment (before any
    reason, name or card number is asked), with the buttons to pay or see it."""
    for service_id in service_ids:
        order = await turn.app.pending_order_for(turn.customer_id, service_id)
        if order is None:
            continue
        name = next((line.service_name for line in order.lines
                     if line.service_id == service_id), "")
        turn.leave()
        turn.say(t("flow-order-pending", service=name, reference=order.reference,
                   total=order.total, kind=t(f"order_kind-{order.kind}")),
                 turn.btn(t("btn-pay-order", reference=order.reference), "orders.pay",
                          oid=order.id),
                 [turn.btn(t("btn-orders"), "orders.list"), menu_button(turn)])
        return True
    return False


# --- free text ------------------------------------------------------------------------


def asks_for_operator(text: str) -> bool:
    """An explicit request for a person, recognised even in the middle of a flow."""
    folded = fold(text)  # the words first: routing costs more, and most texts lack them
    return any(word in folded for word in ("operator", "umano", "persona", "qualcuno")) \
        and route(text).intent == "operator"


def conversation_lines(history: list[dict[str, str]], last: int = 20) -> list[str]:
    """The conversation so far, stored in a ticket as `in: …` / `out: …` lines (support
    reads them in Italian: `handlers.ticket_text.conversation`)."""
    return [f"{h.get('d', 'in')}: {h['t']}" for h in history[-last:]]


def refuse_card(turn: Turn, waiting: bool) -> None:
    """A card number typed where none is asked for: it reached this only masked, nothing
    acts on it (no route, no ticket), and the customer stays where they were. `waiting`:
    the current step expects a typed answer, which can still be given."""
    said = t("card-refused-invoices" if turn.engine.invoices else "card-refused")
    if waiting:
        turn.say(said, abort_button(turn))
    else:
        turn.say(said, *menu_rows(turn))


def ask_operator(turn: Turn, text: str, sid: int | None = None) -> None:
    """Typed text asking for a person opens nothing by itself (it may be misread): the
    request, with the text, waits on the customer's tap. The flow under way is kept."""
    if sid is None and turn.data.get("sid") is not None:
        sid = int(turn.data["sid"])
    turn.say(t("router-confirm-operator"),
             [turn.btn(t("btn-confirm-operator"), "operator.confirm", text=text[:1000], sid=sid)],
             [turn.btn(t("btn-confirm-no"), "menu.show")])


@flow.action("operator.confirm")
async def operator_confirmed(turn: Turn, params: dict[str, object]) -> None:
    sid = params.get("sid")
    await open_operator_ticket(turn, str(params.get("text") or ""),
                               sid=int(str(sid)) if sid is not None else None)


async def open_operator_ticket(turn: Turn, text: str, sid: int | None = None) -> None:
    """A person is asked for: a ticket with the service the chat is about, the
    conversation and the reason; with a ticket already open, the request is added to it."""
    history = list(turn.state.history)
    if sid is None:
        sid = turn.data.get("sid")
    ticket = await turn.app.open_ticket(
        turn.customer_id, "operatore", text or t("btn-operator"),
        service_id=int(sid) if sid is not None else None,
        context={"reason": "operator_request", "flow": turn.state.flow,
                 "step": turn.state.step, "conversation": conversation_lines(history)},
        key=turn.key("operator"), join_open=True)
    turn.leave()
    turn.state.misses = 0
    turn.say(t("operator-added" if ticket.reused else "operator-opened",
               ticket=str(ticket.id)), menu_button(turn))


@flow.action("operator.open", entry=True)
async def operator_action(turn: Turn, params: dict[str, object]) -> None:
    await open_operator_ticket(turn, "")


async def free_text(turn: Turn, text: str) -> None:
    """Text typed outside any step: routed to an intent, which the flow answering it
    handles (the registry's intent table); an intent no flow answers shows the menu."""
    services = await turn.services()
    plan_names = await turn.app.plan_names(turn.customer_id)
    routed = route(text, service_refs(services, plan_names))
    if routed.intent == "unknown":
        turn.state.misses += 1
        if turn.state.misses >= 2:
            turn.say(t("router-offer-ticket"),
                     turn.btn(t("btn-ticket"), "operator.open"), menu_button(turn))
        else:
            turn.say(t("router-unsure"), *menu_rows(turn))
        return
    turn.state.misses = 0
    turn.leave()
    intent = routed.intent
    if routed.renewal_mode and intent in ("renew", "cancel"):
        # "togliete il rinnovo automatico": to pay by hand (su richiesta) or not to renew
        # at all? The service's card shows its mode and offers both.
        intent = "products"
    handler = turn.engine.registry.intents.get(intent)
    if handler is None:
        await show_menu(turn)
    else:
        await handler(turn, routed, text)


@flow.intent("operator")
async def operator_intent(turn: Turn, routed: Routed, text: str) -> None:
    ask_operator(turn, text, routed.service_id)


@flow.intent("unlink")
async def unlink_intent(turn: Turn, routed: Routed, text: str) -> None:
    """"scollega" typed: the same question as /scollega, which asks before acting."""
    await unlink_ask(turn)


@flow.intent("help")
async def help_intent(turn: Turn, routed: Routed, text: str) -> None:
    await show_help(turn)


@flow.intent("greeting")
async def greeting_intent(turn: Turn, routed: Routed, text: str) -> None:
    """«ciao», «buongiorno» typed: greeted back by name, without the introduction."""
    turn.leave()
    turn.say(t("greeting-again", name=first_name(turn.customer_name)), *menu_rows(turn))


# --- errors ---------------------------------------------------------------------------


async def explain_error(turn: Turn, error: SportelloError) -> None:
    """Every refusal in Italian, never a dead end: a ticket or the menu is one tap away."""
    if isinstance(error, PendingOrderExists):
        view = await turn.app.get_service(turn.customer_id, error.facts["service_id"])
        turn.say(t("err-pending-order", service=view.name, reference=error.facts["reference"]),
                 turn.btn(t("btn-orders"), "orders.list"), menu_button(turn))
    elif isinstance(error, RenewalAlreadyOrdered):
        turn.say(t("err-renewal-ordered", reference=error.facts.get("reference") or ""),
                 turn.btn(t("btn-orders"), "orders.list"), menu_button(turn))
    elif isinstance(error, ChangeNotAllowed):
        turn.say(t("err-change-dedicated"),
                 turn.btn(t("btn-sales-ticket"), "change.sales", sid=error.facts["service_id"],
                          reason="dedicated_downgrade"),
                 menu_button(turn))
    elif isinstance(error, SalesOnly):
        turn.say(t("err-sales-only"),
                 turn.btn(t("btn-sales-ticket"), "change.sales", sid=error.facts["service_id"]),
                 menu_button(turn))
    elif isinstance(error, TicketClosed):
        turn.say(t("err-ticket-closed"), turn.btn(t("btn-new-ticket"), "support.new"),
                 menu_button(turn))
    elif isinstance(error, NotFound):
        turn.say(t("err-not-found"), *menu_rows(turn))
    elif isinstance(error, NotAllowed) and error.facts.get("reason") == "recovery_window_over":
        turn.say(t("err-recovery-over", days=turn.app.settings.recovery_days),
                 turn.btn(t("btn-recover"), "recover.start"), menu_button(turn))
    elif isinstance(error, NotAllowed):
        turn.say(t("err-not-allowed"), turn.btn(t("btn-ticket"), "operator.open"),
                 menu_button(turn))
    else:
        turn.say(t("err-generic"), turn.btn(t("btn-ticket"), "operator.open"),
                 menu_button(turn))
    turn.leave()
