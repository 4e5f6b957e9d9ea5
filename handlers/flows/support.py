"""Assistenza: open a ticket, see my tickets, add a message to an open one."""

from __future__ import annotations

from typing import Any

from core.context import Actor
from core.views import Attachment
from handlers.engine import Turn
from handlers.flow import Flow
from handlers.flows.common import abort_button, conversation_lines, menu_button, stale
from handlers.i18n import t
from handlers.router import Routed

flow = Flow("support")

CATEGORIES = ("tecnico", "pagamenti", "commerciale", "altro")


@flow.action("support.menu", entry=True)
async def menu(turn: Turn, params: dict[str, Any]) -> None:
    turn.leave()
    turn.say(t("support-menu"), turn.btn(t("btn-new-ticket"), "support.new"),
             turn.btn(t("btn-my-tickets"), "support.list"),
             turn.btn(t("btn-operator"), "operator.open"), menu_button(turn))


@flow.action("support.new", entry=True)
async def new_ticket(turn: Turn, params: dict[str, Any]) -> None:
    """Choose a category; a description typed earlier (free text) is kept."""
    turn.goto("support", "category", text=str(params.get("text") or "")[:4000],
              sid=params.get("sid"))
    rows = [[turn.btn(t(f"ticket_category-{c}"), "support.category", category=c)]
            for c in CATEGORIES]
    turn.say(t("support-category"), *rows, [abort_button(turn)])


@flow.action("support.category")
async def category(turn: Turn, params: dict[str, Any]) -> None:
    if turn.state.flow != "support" or turn.state.step != "category":
        stale(turn)
        return
    chosen = str(params["category"])
    if turn.data.get("text"):
        await _open(turn, chosen, turn.data["text"])
        return
    turn.step("describe", category=chosen)
    turn.say(t("support-describe"), abort_button(turn))


@flow.text_step("support.describe", verbatim=True)
async def describe(turn: Turn, text: str) -> None:
    await _open(turn, str(turn.data.get("category", "altro")), text, turn.incoming.attachment)


async def _open(turn: Turn, category_name: str, text: str,
                attachment: Attachment | None = None) -> None:
    history = list(turn.state.history)
    sid = turn.data.get("sid")
    ticket = await turn.app.open_ticket(
        turn.customer_id, category_name, text,
        service_id=int(sid) if sid is not None else None,
        context={"reason": "customer_request", "conversation": conversation_lines(history)},
        key=turn.key("ticket"), attachment=attachment)
    turn.leave()
    turn.say(t("support-opened", ticket=str(ticket.id)),
             turn.btn(t("btn-my-tickets"), "support.list"), menu_button(turn))


@flow.action("support.list", entry=True)
async def listing(turn: Turn, params: dict[str, Any]) -> None:
    turn.leave()
    tickets = await turn.app.list_tickets(turn.customer_id)
    if not tickets:
        turn.say(t("support-none"), turn.btn(t("btn-new-ticket"), "support.new"),
                 menu_button(turn))
        return
    text = []
    for ticket in tickets[:10]:
        text.append(t("support-line", ticket=str(ticket.id), subject=ticket.subject,
                      status=t(f"ticket_status-{ticket.status}")))
        if ticket.messages:
            text.append(t("support-last", text=ticket.messages[-1].text[:200]))
    rows = [[turn.btn(t("btn-write-ticket", ticket=str(x.id)), "support.write", tid=x.id)]
            for x in tickets[:10] if x.status != "chiuso"]
    turn.say("\n".join(text), *rows, [menu_button(turn)])


@flow.action("support.write", entry=True)
async def write(turn: Turn, params: dict[str, Any]) -> None:
    ticket = await turn.app.get_ticket(int(params["tid"]), turn.customer_id)
    turn.goto("support", "message", tid=ticket.id)
    turn.say(t("support-write", ticket=str(ticket.id)), abort_button(turn))


@flow.text_step("support.message", verbatim=True)
async def message(turn: Turn, text: str) -> None:
    ticket_id = int(turn.data["tid"])
    await turn.app.add_ticket_message(ticket_id, text, Actor.customer(turn.customer_id),
                                      key=turn.key("ticket_message"),
                                      attachment=turn.incoming.attachment)
    turn.leave()
    turn.say(t("support-added", ticket=str(ticket_id)),
             turn.btn(t("btn-my-tickets"), "support.list"), menu_button(turn))


@flow.command("ticket")
async def ticket_command(turn: Turn) -> None:
    await new_ticket(turn, {})


@flow.intent("ticket")
async def routed_here(turn: Turn, routed: Routed, text: str) -> None:
    """The text typed becomes the ticket's description."""
    await new_ticket(turn, {"text": text, "sid": routed.service_id})
