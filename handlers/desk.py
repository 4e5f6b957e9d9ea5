"""The support desk: the support group's workflow, with no transport in it.

Staff input comes in (a message in the group, a button on a ticket's card); what the desk
does goes out through two small ports a door implements: the support room (send, edit a
card, create a topic, who is a member) and the customers' chats (deliver replies). One card
per ticket (one forum topic per ticket where the room has topics); staff reply to a ticket's
message or write in its topic, and the reply reaches the customer. Which room message
stands for which ticket is stored, never read from forwarded-message metadata.

The desk also empties the outboxes a door delivers: ticket messages to the other side and
lifecycle notices to customers. A transport outage (`Undelivered`) leaves the rest for the
next round; nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from core.app import Sportello
from core.context import Actor
from core.errors import SportelloError
from core.views import Attachment, NoticeView
from handlers import desk_staff, desk_tickets, ticket_text
from handlers.engine import Engine, Turn
from handlers.flows import notices
from handlers.i18n import t
from handlers.ui import Button, Reply

log = logging.getLogger("sportello.desk")

MEMBER_STATES = ("creator", "administrator", "member", "restricted")
MEMBERSHIP_KEPT = timedelta(minutes=5)  # a membership answer is trusted this long
MAX_DEFERRED = 1000  # staff messages waiting for a membership answer, at most


class Undelivered(Exception):
    """The transport is unavailable now: keep the outbox row for the next round."""


class Refused(Exception):
    """The transport refused this one message for good (too long, chat gone): skip it."""


class Room(Protocol):
    """The support group, as the desk sees it. Errors: `Undelivered`, `Refused`."""

    key: str  # the room's chat, as relays are stored

    async def send(self, text: str, buttons: list[list[Button]] | None = None,
                   thread: int | None = None, reply_to: int | None = None) -> int: ...
    async def edit(self, message_id: int, text: str,
                   buttons: list[list[Button]] | None) -> None: ...
    async def create_topic(self, name: str) -> int: ...
    async def rename_topic(self, thread: int, name: str) -> None: ...
    async def has_topics(self) -> bool: ...
    async def member_status(self, user_id: int) -> str: ...
    async def copy(self, attachment: Attachment, caption: str | None = None,
                   thread: int | None = None, reply_to: int | None = None) -> int:
        """The file of `attachment` into the room, from where it was sent."""
        ...


class Chats(Protocol):
    """The customers' chats a door reaches."""

    def reaches(self, chat: str) -> bool: ...

    async def deliver(self, chat: str, replies: list[Reply], strict: bool = False) -> bool:
        """Send in order; with `strict`, a transport outage raises `Undelivered`."""
        ...

    async def copy(self, chat: str, attachment: Attachment) -> bool:
        """The file of `attachment` into `chat`; False if the chat blocked the bot. A
        transport outage raises `Undelivered`."""
        ...


@dataclass(frozen=True)
class StaffMessage:
    user_id: int
    user_name: str
    text: str
    message_id: int
    reply_to: int | None = None
    thread: int | None = None
    update_id: str | None = None
    attachment: Attachment | None = None  # a file, `text` being its caption


@dataclass(frozen=True)
class Answer:
    """What to show the staff member who pressed a button (a toast, or an alert)."""

    text: str | None = None
    alert: bool = False


@dataclass
class Desk:
    app: Sportello
    engine: Engine
    room: Room | None
    chats: Chats
    _members: dict[int, tuple[bool, datetime]] = field(default_factory=dict)
    _topics: bool | None = None
    _relay_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Staff replies whose author's membership could not be checked (the transport was
    # down): not claimed, tried again on each relay round, so none is lost.
    _deferred: list[StaffMessage] = field(default_factory=list)
    idle_checked_at: datetime | None = None  # when idle tickets were last closed

    # --- staff input -----------------------------------------------------------------

    async def is_member(self, user_id: int) -> bool:
        """Whether `user_id` belongs to the support group (asked again after a while)."""
        assert self.room is not None
        now = self.app.clock.now()
        cached = self._members.get(user_id)
        if cached and now - cached[1] < MEMBERSHIP_KEPT:
            return cached[0]
        try:
            status = await self.room.member_status(user_id)
        except Refused:
            status = "left"
        allowed = status in MEMBER_STATES
        self._members[user_id] = (allowed, now)
        return allowed

    async def on_message(self, message: StaffMessage) -> bool:
        """A message in the support group: a reply to a ticket reaches its customer;
        anything else is staff talking among themselves. False: deferred, because whether
        its author is a member could not be asked now (it is tried again later)."""
        if not message.text and message.attachment is None:
            return True
        if desk_tickets.is_command(message.text):  # /risposte: the saved replies
            return await desk_tickets.on_command(self, message)
        taken = await self._take(message)
        if taken:
            await self.relay_pending()
        return taken is not None

    async def _take(self, message: StaffMessage) -> bool | None:
        """Record a staff reply on its ticket: True if recorded, False if not one,
        None if deferred."""
        assert self.room is not None
        async with self._relay_lock:
            pass  # a card being posted right now is remembered before we look it up
        ticket_id = await self.app.ticket_for_relay(self.room.key, message.reply_to,
                                                    message.thread)
        if ticket_id is None:
            return False
        try:
            member = await self.is_member(message.user_id)
        except Undelivered:
            log.warning("staff reply deferred: membership not checked",
                        extra={"ticket": ticket_id, "user": message.user_id})
            if len(self._deferred) < MAX_DEFERRED:
                self._deferred.append(message)
            return None
        if not member:
            return False
        if message.update_id and not await self.engine.claim(message.update_id, self.room.key):
            return False
        command = desk_staff.command_of(message.text) if message.attachment is None else None
        if command is not None:  # support acting for the ticket's customer
            await desk_staff.on_command(self, ticket_id, message, *command)
            return True
        key = f"{message.update_id}:staff" if message.update_id else None
        try:
            await self.app.add_ticket_message(ticket_id, message.text,
                                              Actor.support(message.user_name), key=key,
                                              attachment=message.attachment)
        except SportelloError:
            await self.room.send(t("err-ticket-closed"), None, message.thread,
                                 message.message_id)
            return False
        await self.app.remember_relay(ticket_id, self.room.key, message.message_id)
        return True

    async def _retry_deferred(self) -> None:
        """Staff replies deferred for their membership check, in order, once more."""
        waiting, self._deferred = self._deferred, []
        for message in waiting:
            await self._take(message)

    async def on_press(self, user_id: int, user_name: str, data: str,
                       card_message: int | None, update_id: str) -> Answer:
        """A button on a ticket's card: take it, or close it (the customer is told)."""
        action, _, raw = data.partition(":")
        if action == desk_staff.PREFIX:  # a staff action panel's button
            return await self._staff_press(user_id, user_name, raw, update_id)
        ticket_work = action in desk_tickets.ACTIONS  # saved replies
        if not ticket_work and (action not in ("take", "close") or not raw.isdigit()):
            return Answer(t("err-stale-button"), alert=True)
        refused = await self._refused(user_id)
        if refused is not None:
            return refused
        if ticket_work:
            return await desk_tickets.on_press(self, user_name, data, card_message, update_id)
        ticket_id = int(raw)
        try:
            if action == "take":
                view = await self.app.assign_ticket(ticket_id, user_name, key=update_id)
                note = t("support-taken", staff=user_name)
            else:
                view = await self.app.close_ticket(ticket_id, user_name, key=update_id)
                note = t("support-closed", staff=user_name)
        except SportelloError:
            return Answer(t("support-unknown-ticket"), alert=True)
        if card_message is not None and self.room is not None:
            try:
                await self.room.edit(card_message, f"{ticket_text.card(view)}\n{note}",
                                     None if view.status == "chiuso" else card_buttons(view.id))
            except (Refused, Undelivered):
                log.warning("ticket card not updated", extra={"ticket": ticket_id})
        # The customer's notice was written with the close (the ticket-notice outbox).
        await desk_tickets.send_ticket_notices(self)
        await desk_tickets.rename_topics(self)
        return Answer(note)

    async def _staff_press(self, user_id: int, user_name: str, raw: str,
                           update_id: str) -> Answer:
        refused = await self._refused(user_id)
        if refused is not None:
            return refused
        return await desk_staff.on_press(self, user_name, raw, update_id)

    async def _refused(self, user_id: int) -> Answer | None:
        """Only group members press ticket buttons; None when this one may."""
        try:
            member = await self.is_member(user_id)
        except Undelivered:
            return Answer(t("support-try-again"), alert=True)
        if not member:
            log.warning("non-member acted on a ticket", extra={"user": user_id})
            return Answer(t("support-not-member"), alert=True)
        return None

    # --- the outboxes ----------------------------------------------------------------

    async def relay_pending(self) -> None:
        """Deliver ticket messages not yet on the other side (the relay outbox), after
        recording the staff replies deferred until now."""
        if self._deferred and self.room is not None:
            await self._retry_deferred()
        async with self._relay_lock:
            for message_id, ticket_id, author_kind, text, attachment in (
                    await self.app.unrelayed_messages()):
                try:
                    if author_kind == "support":
                        ticket = await self.app.get_ticket(ticket_id)
                        await self._push(ticket.customer_id, lambda turn, tid=ticket_id,
                                         said=text: notices.staff_reply(turn, tid, said),
                                         strict=True, attachment=attachment)
                    elif self.room is not None:
                        await self._to_room(ticket_id, text, attachment)
                except Undelivered:
                    return  # the outbox keeps it for the next round
                except Refused:
                    log.exception("ticket message refused", extra={"ticket": ticket_id})
                await self.app.mark_relayed(message_id)

    async def send_notices(self) -> int:
        """The desk's outbox round: idle tickets, ticket notices and topic names, the
        support group's posts (digest, cancellations), then the lifecycle notices to
        linked customers; returns the lifecycle notices handled."""
        from handlers.desk_reports import send_room_posts  # it imports this module

        await desk_tickets.periodic(self)
        await send_room_posts(self)
        handled = 0
        for item in await self.app.unsent_notices():
            try:
                await self._push(item.customer_id, _notice_builder(item), strict=True)
            except Undelivered:
                return handled  # try the rest next round
            await self.app.mark_notice_sent(item.id)
            handled += 1
        return handled

    async def _push(self, customer_id: int, build: Callable[[Turn], Awaitable[None]],
                    strict: bool = False, attachment: Attachment | None = None) -> None:
        """A screen the bot starts, in every chat of the customer's this door reaches
        (after the file of `attachment`, if any)."""
        for chat in await self.app.chats_of(customer_id):
            if self.chats.reaches(chat):
                if attachment is not None and not await self.chats.copy(chat, attachment):
                    continue  # blocked
                replies = await self.engine.push(chat, build)
                await self.chats.deliver(chat, replies, strict=strict)

    async def _to_room(self, ticket_id: int, text: str,
                       attachment: Attachment | None = None) -> None:
        """A customer's message: the ticket's card (and topic) the first time, then a
        message in its topic or in reply to its card. A file is copied there too (the
        first time under the card, which says a file came), with the message as caption."""
        assert self.room is not None
        thread = await self.app.ticket_thread(ticket_id)
        card_message = await self.app.first_relay(ticket_id, self.room.key)
        if card_message is None:
            card_message, thread = await self._post_card(ticket_id, thread)
            if attachment is None:
                return
            words = None
        else:
            words = t("support-customer-message", ticket=str(ticket_id), text=text)
        if attachment is not None:
            sent = await self.room.copy(attachment, words, thread,
                                        None if thread else card_message)
        else:
            sent = await self.room.send(words or text, None, thread,
                                        None if thread else card_message)
        await self.app.remember_relay(ticket_id, self.room.key, sent)

    async def _post_card(self, ticket_id: int, thread: int | None) -> tuple[int, int | None]:
        """The ticket's card (in a new topic where the room has topics): (card, topic)."""
        assert self.room is not None
        ticket = await self.app.get_ticket(ticket_id)
        if thread is None and await self._has_topics():
            thread = await self.room.create_topic(desk_tickets.view_topic_name(ticket))
            # Known before anyone can write in the topic: a staff message there must find
            # its ticket even while the card is still being posted.
            await self.app.remember_thread(ticket_id, thread)
        sent = await self.room.send(ticket_text.card(ticket), card_buttons(ticket_id), thread)
        await self.app.remember_relay(ticket_id, self.room.key, sent)
        return sent, thread

    async def _has_topics(self) -> bool:
        assert self.room is not None
        if self._topics is None:
            try:
                self._topics = await self.room.has_topics()
            except Refused:
                self._topics = False
        return self._topics


def card_buttons(ticket_id: int) -> list[list[Button]]:
    return [[Button(t("support-btn-take"), f"take:{ticket_id}"),
             Button(t("support-btn-close"), f"close:{ticket_id}")]]


def _notice_builder(item: NoticeView) -> Callable[[Turn], Awaitable[None]]:
    async def build(turn: Turn) -> None:
        await notices.notice(turn, item)
    return build

