"""The Telegram door: events from a runtime in, the engine, replies out; the support group.

Shared by the python-telegram-bot and aiogram runtimes. Customers' private chats are
`tg:<chat id>` conversations of the engine. The support group gets one card per ticket
(one forum topic per ticket in a forum supergroup); staff reply to a ticket's message or
write in its topic, and the reply reaches the customer. Which group message belongs to
which ticket is stored (`ticket_relays`), never read from forwarded-message metadata.
Ticket messages and lifecycle notices go out through outboxes in the database, so a
Telegram outage delays them but loses none. A customer's message carrying a card number is
deleted from the chat once read (the engine says so), with one line saying why.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from bot.tg_io import (
    Blocked,
    Keyboard,
    Rejected,
    TelegramIO,
    TgCallback,
    TgMessage,
    TgPreCheckout,
)
from bot.tg_sender import GiveUp, Sender
from core.app import Sportello
from core.clock import ROME
from core.context import Actor
from core.errors import SportelloError
from core.views import NoticeView, TicketView
from handlers import ticket_text
from handlers.engine import Engine, Turn, Unavailable
from handlers.flows import notices, pay
from handlers.i18n import has, t
from handlers.ui import Incoming, Reply, typed

log = logging.getLogger("sportello.telegram")

COMMANDS = ("start", "menu", "aiuto", "annulla", "ticket")
MEMBER_STATES = ("creator", "administrator", "member", "restricted")
MEMBERSHIP_CACHE = timedelta(minutes=5)


def chat_key(chat_id: int) -> str:
    return f"tg:{chat_id}"


def keyboard(reply: Reply) -> Keyboard:
    return [[(b.label, b.payload) for b in row] for row in reply.buttons]


@dataclass
class Door:
    app: Sportello
    engine: Engine
    io: TelegramIO
    sender: Sender

    def __post_init__(self) -> None:
        self.support_chat = self.app.settings.support_chat_id
        token = self.app.settings.payment_provider_token
        self.provider_token = token.get_secret_value() if token else None
        self._members: dict[int, tuple[bool, datetime]] = {}
        self._forum: bool | None = None
        self._relay_lock = asyncio.Lock()
        # Updates met by an unreachable database: a webhook answers 503 for them, so that
        # Telegram delivers them again (see BotRunner).
        self.unacknowledged: set[int] = set()

    async def start(self) -> None:
        """Register the commands with their Italian descriptions."""
        await self.io.set_commands([(name, t(f"command-{name}")) for name in COMMANDS])

    # --- customers ----------------------------------------------------------------------

    async def on_message(self, message: TgMessage) -> None:
        if message.is_bot:
            return
        if self.support_chat is not None and message.chat_id == self.support_chat:
            await self._support_message(message)
            return
        if message.chat_type != "private":
            return  # the bot talks to customers only in private chats
        if message.payment is not None:
            await self._paid(message)
            return
        text = message.text or ""
        incoming = typed(chat_key(message.chat_id), text, user_id=str(message.user_id),
                         update_id=f"tg:{message.update_id}")
        try:
            handled = await self.engine.handle_update(incoming)
        except Unavailable as down:
            self.unacknowledged.add(message.update_id)
            if down.delete_incoming:
                await self._delete_card_message(message)
            await self.deliver(message.chat_id, down.replies)
            return
        if handled.delete_incoming:
            await self._delete_card_message(message)
        if not handled.repeated:
            await self.deliver(message.chat_id, handled.replies)
        await self.relay_if_due()

    async def _delete_card_message(self, message: TgMessage) -> None:
        """The customer's message carries a card number: off the chat, and say why. A
        message Telegram will not delete (too old, already gone) is logged and left."""
        chat_id, message_id = message.chat_id, message.message_id
        try:
            # Not paced: deleting sends nothing, and the replies should not wait for it.
            await self.sender.call(chat_id, lambda: self.io.delete_message(chat_id, message_id),
                                   paced=False)
        except (Rejected, GiveUp, Blocked) as refused:
            # Telegram's reason ("message can't be deleted"), never the message's text.
            log.warning("message with a card number not deleted: %s", refused,
                        extra={"chat": chat_id, "update": message.update_id})
            return
        await self.deliver(chat_id, [Reply(t("card-message-deleted"))])

    async def on_callback(self, callback: TgCallback) -> None:
        if callback.chat_id is None:
            await self._answer(callback.callback_id)
            return
        if self.support_chat is not None and callback.chat_id == self.support_chat:
            await self._support_button(callback)
            return
        incoming = Incoming(chat_key(callback.chat_id), user_id=str(callback.user_id),
                            payload=(callback.data or "")[:64],
                            update_id=f"tg:{callback.update_id}")
        try:
            handled = await self.engine.handle_update(incoming)
        except Unavailable as down:
            self.unacknowledged.add(callback.update_id)
            await self._answer(callback.callback_id, down.replies[0].text, alert=True)
            return
        await self._answer(callback.callback_id)
        if handled.repeated:
            return
        replies = handled.replies
        first, rest = (replies[0], replies[1:]) if replies else (None, [])
        chat_id, message_id = callback.chat_id, callback.message_id
        if first is not None and first.invoice is None and message_id is not None:
            shown = first

            async def edit() -> None:
                # The message whose button was pressed becomes the answer.
                await self.io.edit(chat_id, message_id, shown.text, keyboard(shown))
            try:
                await self.sender.call(chat_id, edit)
            except (Rejected, GiveUp):
                rest = [first, *rest]  # not editable (too old, identical): send instead
            except Blocked:
                await self.app.mark_blocked(chat_key(chat_id))
                return
        elif first is not None:
            rest = [first, *rest]
        await self.deliver(chat_id, rest)
        await self.relay_if_due()

    async def deliver(self, chat_id: int, replies: list[Reply], strict: bool = False) -> bool:
        """Send replies in order; False if the chat blocked the bot. With `strict`, a
        Telegram outage raises GiveUp (the caller keeps its outbox row)."""
        for reply in replies:
            try:
                await self._send_one(chat_id, reply)
            except Blocked:
                await self.app.mark_blocked(chat_key(chat_id))
                return False
            except GiveUp:
                if strict:
                    raise
                log.error("reply not delivered", extra={"chat": chat_id})
            except Rejected:
                log.error("reply refused by Telegram", extra={"chat": chat_id})
        return True

    async def _send_one(self, chat_id: int, reply: Reply) -> None:
        invoice = reply.invoice
        if invoice is not None and self.provider_token:
            token = self.provider_token

            async def send_invoice() -> int:
                return await self.io.send_invoice(
                    chat_id, invoice.title, invoice.description, f"order:{invoice.order_id}",
                    token, invoice.currency, invoice.amount_cents)
            await self.sender.call(chat_id, send_invoice)

        async def send() -> int:
            return await self.io.send(chat_id, reply.text, keyboard(reply) or None)
        await self.sender.call(chat_id, send)

    async def _answer(self, callback_id: str, text: str | None = None,
                      alert: bool = False) -> None:
        try:
            await self.io.answer_callback(callback_id, text, alert)
        except Exception:
            log.warning("callback answer failed", extra={"callback": callback_id})

    # --- Telegram Payments --------------------------------------------------------------

    async def on_pre_checkout(self, query: TgPreCheckout) -> None:
        """The last check before Telegram charges: the order must still be pending, fit
        its services (an outgrown one is voided here) and the amount be exactly its total."""
        refusal = await self._refusal(query.user_id, query.payload, query.currency,
                                      query.total_amount)
        await self.io.answer_pre_checkout(query.query_id, refusal is None,
                                          None if refusal is None else t(refusal))

    async def _refusal(self, user_id: int, payload: str, currency: str,
                       amount: int) -> str | None:
        """None if the order may be charged, else the message id that says why not."""
        customer_id = await self._customer_of(user_id)
        order_id = _order_of(payload)
        if customer_id is None or order_id is None or currency != "EUR":
            return "invoice-mismatch"
        found = await self.app.order_total(customer_id, order_id)  # voids an outgrown order
        if found is not None and found[0] == "void":
            return "invoice-void"
        if found is None or found[0] != "pending" or int(found[1] * 100) != amount:
            return "invoice-mismatch"
        return None

    async def _customer_of(self, user_id: int) -> int | None:
        from core.models import Conversation

        async with self.app.sessions() as session:
            row = await session.get(Conversation, chat_key(user_id))
            return row.customer_id if row else None

    async def _paid(self, message: TgMessage) -> None:
        """Telegram took the money: it is registered once per charge, applied to its order
        or, if the order cannot take it any more, kept for support with a ticket."""
        payment = message.payment
        assert payment is not None
        if not await self.engine.claim(f"tg:{message.update_id}", chat_key(message.chat_id)):
            return
        customer_id = await self._customer_of(message.chat_id)
        if customer_id is None:
            log.error("card payment from an unlinked chat: support must look",
                      extra={"chat": message.chat_id})
            return
        result = await self.app.register_card_payment(
            _order_of(payment.payload), Decimal(payment.total_amount) / 100, payment.charge_id,
            customer_id)
        replies = await self.engine.push(chat_key(message.chat_id),
                                         lambda turn: pay.outcome(turn, result))
        await self.deliver(message.chat_id, replies)

    # --- the support group --------------------------------------------------------------

    async def _is_member(self, user_id: int) -> bool:
        cached = self._members.get(user_id)
        now = datetime.now(ROME)
        if cached and now - cached[1] < MEMBERSHIP_CACHE:
            return cached[0]
        assert self.support_chat is not None
        try:
            status = await self.io.member_status(self.support_chat, user_id)
        except (Rejected, Blocked):
            status = "left"
        allowed = status in MEMBER_STATES
        self._members[user_id] = (allowed, now)
        return allowed

    async def _support_message(self, message: TgMessage) -> None:
        if not message.text or message.user_id is None:
            return
        async with self._relay_lock:
            pass  # a card being posted right now is remembered before we look it up
        ticket_id = await self.app.ticket_for_relay(str(message.chat_id), message.reply_to,
                                                    message.thread_id)
        if ticket_id is None or not await self._is_member(message.user_id):
            return  # staff talking among themselves
        if not await self.engine.claim(f"tg:{message.update_id}", str(message.chat_id)):
            return
        try:
            await self.app.add_ticket_message(ticket_id, message.text,
                                              Actor.support(message.user_name),
                                              key=f"tg:{message.update_id}:staff")
        except SportelloError:
            await self._group_say(t("err-ticket-closed"), message.thread_id, message.message_id)
            return
        await self.app.remember_relay(ticket_id, str(message.chat_id), message.message_id)
        await self.relay_pending()

    async def _support_button(self, callback: TgCallback) -> None:
        action, _, raw = (callback.data or "").partition(":")
        if action not in ("take", "close") or not raw.isdigit():
            await self._answer(callback.callback_id, t("err-stale-button"), alert=True)
            return
        if not await self._is_member(callback.user_id):
            log.warning("non-member acted on a ticket", extra={"user": callback.user_id})
            await self._answer(callback.callback_id, t("support-not-member"), alert=True)
            return
        ticket_id = int(raw)
        key = f"tg:{callback.update_id}"
        try:
            if action == "take":
                view = await self.app.assign_ticket(ticket_id, callback.user_name, key=key)
                note = t("support-taken", staff=callback.user_name)
            else:
                view = await self.app.close_ticket(ticket_id, callback.user_name, key=key)
                note = t("support-closed", staff=callback.user_name)
        except SportelloError:
            await self._answer(callback.callback_id, t("support-unknown-ticket"), alert=True)
            return
        await self._answer(callback.callback_id, note)
        if callback.message_id is not None and self.support_chat is not None:
            card = await self._card(view)
            buttons = [] if view.status == "chiuso" else self._card_buttons(view.id)
            try:
                await self.sender.call(self.support_chat, lambda: self.io.edit(
                    self.support_chat or 0, callback.message_id or 0, f"{card}\n{note}",
                    buttons or None))
            except (Rejected, GiveUp, Blocked):
                log.warning("ticket card not updated", extra={"ticket": ticket_id})
        if action == "close":
            for chat in await self.app.chats_of(view.customer_id):
                replies = await self.engine.push(chat, lambda turn: notices.ticket_closed(
                    turn, ticket_id))
                await self.deliver(int(chat.removeprefix("tg:")), replies)

    def _card_buttons(self, ticket_id: int) -> Keyboard:
        return [[(t("support-btn-take"), f"take:{ticket_id}"),
                 (t("support-btn-close"), f"close:{ticket_id}")]]

    async def _card(self, ticket: TicketView) -> str:
        """The ticket as the support group reads it: customer by code and name, service,
        why it exists, its context in Italian, the first message and the conversation."""
        category = (t(f"ticket_category-{ticket.category}")
                    if has(f"ticket_category-{ticket.category}") else ticket.category)
        lines = [t("support-card", ticket=str(ticket.id), category=category,
                   customer=ticket.customer_name, code=ticket.customer_code,
                   service=ticket.service_name or t("support-card-no-service"))]
        context = ticket.context or {}
        reason = ticket_text.reason(context)
        if reason:
            lines.append(reason)
        lines += ticket_text.context_lines(ticket)
        if ticket.messages and ticket.messages[0].text:
            lines.append(t("support-card-message", text=ticket.messages[0].text))
        conversation = context.get("conversation") or []
        if conversation:
            lines.append(t("support-card-conversation"))
            lines += [f"  {ticket_text.spoken(line)}" for line in conversation[-12:]]
        lines.append(t("support-card-status", status=t(f"ticket_status-{ticket.status}")))
        return "\n".join(lines)[:4000]

    async def _group_say(self, text: str, thread_id: int | None, reply_to: int | None) -> int:
        assert self.support_chat is not None
        return await self.sender.call(self.support_chat, lambda: self.io.send(
            self.support_chat or 0, text, None, thread_id, reply_to))

    async def relay_if_due(self) -> None:
        """After an update: relay only if this process wrote a ticket message since the
        last relay; messages written elsewhere (the CLI, another worker) are picked up by
        the runner's outbox loop."""
        if self.app.relay_due:
            await self.relay_pending()

    async def relay_pending(self) -> None:
        """Deliver ticket messages not yet on the other side (the relay outbox)."""
        async with self._relay_lock:
            self.app.relay_due = False
            for message_id, ticket_id, author_kind, text in await self.app.unrelayed_messages():
                try:
                    if author_kind == "support":
                        await self._to_customer(ticket_id, text)
                    elif self.support_chat is not None:
                        await self._to_group(ticket_id, text)
                except GiveUp:
                    return  # Telegram unavailable: the outbox keeps it for the next round
                except Rejected:
                    log.exception("ticket message refused by Telegram",
                                  extra={"ticket": ticket_id})
                await self.app.mark_relayed(message_id)

    async def _to_customer(self, ticket_id: int, text: str) -> None:
        ticket = await self.app.get_ticket(ticket_id)
        for chat in await self.app.chats_of(ticket.customer_id):
            replies = await self.engine.push(chat, lambda turn: notices.staff_reply(
                turn, ticket_id, text))
            await self.deliver(int(chat.removeprefix("tg:")), replies, strict=True)

    async def _to_group(self, ticket_id: int, text: str) -> None:
        assert self.support_chat is not None
        group = str(self.support_chat)
        thread = await self.app.ticket_thread(ticket_id)
        first = await self.app.ticket_for_relay(group, None, thread) if thread else None
        has_card = first is not None or await self._has_card(ticket_id)
        if not has_card:
            ticket = await self.app.get_ticket(ticket_id)
            if self._forum is None:
                try:
                    self._forum = await self.io.is_forum(self.support_chat)
                except (Rejected, Blocked):
                    self._forum = False
            if self._forum:
                thread = await self.sender.call(self.support_chat, lambda: self.io.create_topic(
                    self.support_chat or 0, t("support-topic", ticket=str(ticket_id),
                                              customer=ticket.customer_name)[:128]))
                # Known before anyone can write in the topic: a staff message there must
                # find its ticket even while the card is still being posted.
                await self.app.remember_thread(ticket_id, thread)
            card = await self._card(ticket)
            sent = await self.sender.call(self.support_chat, lambda: self.io.send(
                self.support_chat or 0, card, self._card_buttons(ticket_id), thread))
            await self.app.remember_relay(ticket_id, group, sent)
            return
        reply_to = None if thread else await self._card_message(ticket_id)
        sent = await self._group_say(t("support-customer-message", ticket=str(ticket_id),
                                       text=text), thread, reply_to)
        await self.app.remember_relay(ticket_id, group, sent)

    async def _has_card(self, ticket_id: int) -> bool:
        return await self._card_message(ticket_id) is not None

    async def _card_message(self, ticket_id: int) -> int | None:
        from sqlalchemy import select

        from core.models import TicketRelay

        async with self.app.sessions() as session:
            return (await session.execute(select(TicketRelay.message_id).where(
                TicketRelay.ticket_id == ticket_id).order_by(TicketRelay.id).limit(1))
            ).scalar_one_or_none()

    # --- lifecycle notices ----------------------------------------------------------------

    async def send_notices(self) -> int:
        """Send the lifecycle outbox to linked customers; returns notices handled."""
        handled = 0
        for item in await self.app.unsent_notices():
            for chat in await self.app.chats_of(item.customer_id):
                replies = await self.engine.push(chat, _notice_builder(item))
                try:
                    await self.deliver(int(chat.removeprefix("tg:")), replies, strict=True)
                except GiveUp:
                    return handled  # try the rest next round
            await self.app.mark_notice_sent(item.id)
            handled += 1
        return handled


def _notice_builder(item: NoticeView) -> Callable[[Turn], Awaitable[None]]:
    async def build(turn: Turn) -> None:
        await notices.notice(turn, item)
    return build


def _order_of(payload: str) -> int | None:
    kind, _, raw = payload.partition(":")
    return int(raw) if kind == "order" and raw.isdigit() else None
