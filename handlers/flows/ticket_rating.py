"""A ticket closed: the customer rates it with one tap (1-5), may add a comment, and
reopens a ticket closed for no answer by answering it."""

from __future__ import annotations

from typing import Any

from core.errors import SportelloError
from handlers.engine import Turn
from handlers.flow import Flow
from handlers.flows.common import abort_button, menu_button
from handlers.i18n import t

flow = Flow("ticket_rating")


async def closed_notice(turn: Turn, ticket_id: int, idle: bool) -> None:
    """The notice of a closed ticket (built by the desk from the ticket-notice outbox)."""
    stars = [turn.btn(t("tickets-rate-star", stars=n), "rating.rate", tid=ticket_id, stars=n)
             for n in range(1, 6)]
    if idle:
        turn.say(t("tickets-closed-idle", ticket=str(ticket_id)), stars,
                 turn.btn(t("tickets-btn-reopen"), "rating.reopen", tid=ticket_id),
                 menu_button(turn))
    else:
        turn.say(t("ticket-closed-notice", ticket=str(ticket_id)) + "\n"
                 + t("tickets-rate-ask"), stars, menu_button(turn))


@flow.action("rating.rate", entry=True)
async def rate(turn: Turn, params: dict[str, Any]) -> None:
    ticket_id, stars = int(params["tid"]), int(params["stars"])
    await turn.app.rate_ticket(ticket_id, turn.customer_id, stars, key=turn.key("rate"))
    turn.goto("ticket_rating", "comment", tid=ticket_id)
    turn.say(t("tickets-rated", stars=stars), turn.btn(t("tickets-btn-no-comment"),
                                                       "rating.skip"))


@flow.action("rating.skip")
async def skip(turn: Turn, params: dict[str, Any]) -> None:
    turn.leave()
    turn.say(t("tickets-thanks"), menu_button(turn))


@flow.text_step("ticket_rating.comment", verbatim=True)
async def comment(turn: Turn, text: str) -> None:
    ticket_id = int(turn.data["tid"])
    await turn.app.comment_rating(ticket_id, turn.customer_id, text,
                                  key=turn.key("rating_comment"))
    turn.leave()
    turn.say(t("tickets-thanks"), menu_button(turn))


@flow.action("rating.reopen", entry=True)
async def reopen(turn: Turn, params: dict[str, Any]) -> None:
    ticket = await turn.app.get_ticket(int(params["tid"]), turn.customer_id)
    turn.goto("ticket_rating", "reopen", tid=ticket.id)
    turn.say(t("tickets-reopen-write", ticket=str(ticket.id)), abort_button(turn))


@flow.text_step("ticket_rating.reopen", verbatim=True)
async def reopen_text(turn: Turn, text: str) -> None:
    ticket_id = int(turn.data["tid"])
    turn.leave()
    try:
        await turn.app.reopen_ticket(ticket_id, turn.customer_id, text,
                                     key=turn.key("reopen"))
    except SportelloError:
        turn.say(t("err-ticket-closed"), menu_button(turn))
        return
    turn.say(t("tickets-reopened", ticket=str(ticket_id)),
             turn.btn(t("btn-my-tickets"), "support.list"), menu_button(turn))
