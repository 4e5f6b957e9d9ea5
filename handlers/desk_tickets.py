"""The support desk's ticket work: saved replies from a ticket's card, the customer told
when a ticket closes (the ticket-notice outbox), the forum topic renamed as the state
changes, idle tickets closed by the runner's periodic round.

Saved replies live in `locales/it/risposte.yaml` (the provider edits them). A staff member
picks one: the bot shows its text in the ticket's topic (or under its card) with «Invia
così»; a reply to that preview with an edited text reaches the customer instead, as any
staff reply does (the preview stands for the ticket).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

import yaml

from core.context import Actor
from core.errors import SportelloError
from handlers.flows import ticket_rating
from handlers.i18n import t
from handlers.ui import Button

if TYPE_CHECKING:
    from core.app.ticket_work import TicketNoticeView
    from core.views import TicketView
    from handlers.desk import Answer, Desk, StaffMessage
    from handlers.engine import Turn

log = logging.getLogger("sportello.desk")

ACTIONS = ("tw.pick", "tw.send")
COMMAND = "/risposte"
IDLE_EVERY = timedelta(hours=1)  # the periodic round closes idle tickets this often


@dataclass(frozen=True)
class SavedReply:
    title: str
    text: str


@cache
def saved_replies() -> tuple[SavedReply, ...]:
    """The saved replies, read once per process from `locales/it/risposte.yaml`."""
    raw = yaml.safe_load(files("locales").joinpath("it/risposte.yaml").read_text("utf-8"))
    return tuple(SavedReply(str(item["titolo"]).strip(), str(item["testo"]).strip())
                 for item in raw or [])


def topic_name(ticket_id: int, customer: str, status: str) -> str:
    return t("tickets-topic", ticket=str(ticket_id), customer=customer,
             state=t(f"ticket_status-{status}"))[:128]


def is_command(text: str) -> bool:
    """`/risposte` (or `/risposte@bot`), written in a ticket's topic or as a reply to
    one of its messages."""
    word = text.strip().split(maxsplit=1)[0] if text.strip() else ""
    return word.split("@", 1)[0].lower() == COMMAND


async def on_command(desk: Desk, message: StaffMessage) -> bool:
    """The saved replies as buttons, in the ticket's topic or under the message replied
    to. Outside a ticket, or from someone not in the group, nothing happens.
    False: membership could not be checked now (the door has the update delivered again)."""
    from handlers.desk import Refused, Undelivered

    assert desk.room is not None
    ticket_id = await desk.app.ticket_for_relay(desk.room.key, message.reply_to,
                                                message.thread)
    if ticket_id is None:
        return True
    try:
        if not await desk.is_member(message.user_id):
            log.warning("non-member asked for saved replies", extra={"user": message.user_id})
            return True
    except Undelivered:
        return False
    if message.update_id and not await desk.engine.claim(message.update_id, desk.room.key):
        return True  # already answered
    replies = saved_replies()
    try:
        if not replies:
            await desk.room.send(t("tickets-saved-none"), None, message.thread,
                                 message.message_id)
            return True
        rows = [[Button(r.title[:40], f"tw.pick:{ticket_id}:{n}")]
                for n, r in enumerate(replies)]
        await desk.room.send(t("tickets-saved-list", ticket=str(ticket_id)), rows,
                             message.thread, message.message_id)
    except (Refused, Undelivered):
        log.warning("saved replies not shown", extra={"ticket": ticket_id})
    return True


# --- staff buttons ----------------------------------------------------------------------

async def on_press(desk: Desk, user_name: str, data: str, card_message: int | None,
                   update_id: str) -> Answer:
    """`tw.pick:<ticket>:<n>`: the preview;
    `tw.send:<ticket>:<n>`: the saved reply goes as is (once, however many taps).
    The caller has checked that the staff member belongs to the group."""
    from handlers.desk import Answer, Refused, Undelivered

    action, _, rest = data.partition(":")
    parts = rest.split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return Answer(t("err-stale-button"), alert=True)
    ticket_id = int(parts[0])
    replies = saved_replies()
    if int(parts[1]) >= len(replies):
        return Answer(t("tickets-saved-gone"), alert=True)
    assert desk.room is not None
    try:
        ticket = await desk.app.get_ticket(ticket_id)
    except SportelloError:
        return Answer(t("support-unknown-ticket"), alert=True)
    if ticket.status == "chiuso":
        return Answer(t("err-ticket-closed"), alert=True)
    where = await desk.app.ticket_thread(ticket_id)
    chosen = replies[int(parts[1])]
    try:
        if action == "tw.pick":
            sent = await desk.room.send(
                t("tickets-saved-preview", title=chosen.title, ticket=str(ticket_id),
                  text=chosen.text),
                [[Button(t("tickets-btn-send"), f"tw.send:{ticket_id}:{parts[1]}")]],
                where, None if where else card_message)
            # A reply to the preview (the edited text) finds the ticket like any other.
            await desk.app.remember_relay(ticket_id, desk.room.key, sent)
            return Answer()
    except (Refused, Undelivered):
        return Answer(t("support-try-again"), alert=True)
    # Keyed by the preview, not the tap: a double tap (two updates) sends it once.
    once = (f"saved:{desk.room.key}:{card_message}" if card_message is not None
            else f"{update_id}:saved")
    try:
        await desk.app.add_ticket_message(ticket_id, chosen.text, Actor.support(user_name),
                                          key=once)
    except SportelloError:
        return Answer(t("err-ticket-closed"), alert=True)
    note = t("tickets-saved-sent", title=chosen.title, staff=user_name)
    if card_message is not None:
        try:  # the preview says it went, and loses its button: a second tap has none
            await desk.room.edit(card_message, note, None)
        except (Refused, Undelivered):
            log.warning("saved reply preview not updated", extra={"ticket": ticket_id})
    await desk.relay_pending()
    return Answer(note)


# --- outboxes ---------------------------------------------------------------------------

async def send_ticket_notices(desk: Desk) -> int:
    """Tell customers their tickets closed (with the rating buttons): how many were sent.
    An outage leaves the rest for the next round."""
    from handlers.desk import Undelivered

    handled = 0
    for item in await desk.app.unsent_ticket_notices():
        try:
            await desk._push(item.customer_id, _closed_builder(item), strict=True)
        except Undelivered:
            return handled
        await desk.app.mark_ticket_notice_sent(item.id)
        handled += 1
    return handled


def _closed_builder(item: TicketNoticeView) -> Callable[[Turn], Awaitable[None]]:
    async def build(turn: Turn) -> None:
        await ticket_rating.closed_notice(turn, item.ticket_id, item.kind == "closed_idle")
    return build


async def rename_topics(desk: Desk) -> None:
    """Forum topics whose name does not show their ticket's state, renamed."""
    from handlers.desk import Refused, Undelivered

    if desk.room is None:
        return
    for item in await desk.app.topics_to_rename():
        try:
            await desk.room.rename_topic(
                item.thread, topic_name(item.ticket_id, item.customer_name, item.status))
        except Undelivered:
            return  # next round
        except Refused:
            log.warning("topic not renamed", extra={"ticket": item.ticket_id})
        await desk.app.mark_topic_state(item.ticket_id, item.status)


async def periodic(desk: Desk) -> None:
    """The runner's outbox round: idle tickets closed (at most once an hour per process;
    the close is safe from several), then what the customers and the topics must show."""
    now = desk.app.clock.now()
    last = desk.idle_checked_at
    if last is None or now - last >= IDLE_EVERY:
        desk.idle_checked_at = now
        await desk.app.close_idle_tickets()
    await send_ticket_notices(desk)
    await rename_topics(desk)


def view_topic_name(ticket: TicketView) -> str:
    return topic_name(ticket.id, ticket.customer_name, ticket.status)
