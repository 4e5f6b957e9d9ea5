"""The Telegram door: translates between a runtime's events and the transport-free parts.

Shared by the python-telegram-bot and aiogram runtimes. A customer's private chat is the
engine's `tg:<chat id>` conversation; the support group is the desk's room
(`bot.tg_room`). Telegram Payments: the pre-checkout answer is core's (`precheck`), a
successful payment is registered once per charge. A customer's message carrying a card
number is deleted from the chat once read (the engine says so), with one line saying why.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from bot.tg_io import (
    MAX_CAPTION,
    Blocked,
    Rejected,
    TelegramIO,
    TgCallback,
    TgMessage,
    TgPreCheckout,
)
from bot.tg_room import TelegramRoom, keyboard
from bot.tg_sender import GiveUp, Sender
from core.app import Sportello
from core.views import Attachment
from handlers.desk import Desk, StaffMessage, Undelivered
from handlers.document_pdf import pdf_for
from handlers.engine import Engine, Handled, Unavailable
from handlers.flows import pay
from handlers.i18n import t
from handlers.ui import Incoming, Reply, typed

log = logging.getLogger("sportello.telegram")

COMMANDS = ("start", "menu", "aiuto", "annulla", "ticket")
PREFIX = "tg:"
REFUSALS = {"void": "invoice-void", "mismatch": "invoice-mismatch"}  # core's precheck, said


def chat_key(chat_id: int) -> str:
    return f"{PREFIX}{chat_id}"


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
        room = (None if self.support_chat is None
                else TelegramRoom(self.io, self.sender, self.support_chat))
        self.desk = Desk(self.app, self.engine, room, self)
        # Updates met by an unreachable database: a webhook answers 503 for them, so that
        # Telegram delivers them again (see BotRunner).
        self.unacknowledged: set[int] = set()

    async def start(self) -> None:
        """Register the commands with their Italian descriptions."""
        await self.io.set_commands([(name, t(f"command-{name}")) for name in COMMANDS])

    async def on_message(self, message: TgMessage) -> None:
        if message.is_bot:
            return
        if self.support_chat is not None and message.chat_id == self.support_chat:
            if message.user_id is not None:
                taken = await self.desk.on_message(StaffMessage(
                    message.user_id, message.user_name, message.text or "",
                    message.message_id, message.reply_to, message.thread_id,
                    f"tg:{message.update_id}", _attachment(message)))
                if not taken:  # a webhook has Telegram deliver it again, too
                    self.unacknowledged.add(message.update_id)
            return
        if message.chat_type != "private":
            return  # the bot talks to customers only in private chats
        if message.payment is not None:
            await self._paid(message)
            return
        incoming = typed(chat_key(message.chat_id), message.text or "",
                         user_id=str(message.user_id), update_id=f"tg:{message.update_id}",
                         attachment=_attachment(message))
        handled, _ = await self._handle(incoming, message.update_id)
        if handled.delete_incoming:
            await self._delete_card_message(message)
        if not handled.repeated:
            await self.deliver(chat_key(message.chat_id), handled.replies)
        await self._after(handled)

    async def on_callback(self, callback: TgCallback) -> None:
        if callback.chat_id is None:
            return await self._answer(callback.callback_id)
        if self.support_chat is not None and callback.chat_id == self.support_chat:
            answer = await self.desk.on_press(callback.user_id, callback.user_name,
                                              callback.data or "", callback.message_id,
                                              f"tg:{callback.update_id}")
            return await self._answer(callback.callback_id, answer.text, answer.alert)
        handled, down = await self._handle(Incoming(
            chat_key(callback.chat_id), user_id=str(callback.user_id),
            payload=(callback.data or "")[:64], update_id=f"tg:{callback.update_id}"),
            callback.update_id)
        if down:
            return await self._answer(callback.callback_id, handled.replies[0].text, True)
        await self._answer(callback.callback_id)
        if handled.repeated:
            return
        rest = list(handled.replies)
        chat_id, message_id = callback.chat_id, callback.message_id
        if (rest and rest[0].invoice is None and rest[0].document is None
                and message_id is not None):
            shown = rest.pop(0)
            try:  # the message whose button was pressed becomes the answer
                await self.sender.call(chat_id, lambda: self.io.edit(
                    chat_id, message_id, shown.text, keyboard(shown.buttons)))
            except (Rejected, GiveUp):
                rest.insert(0, shown)  # not editable (too old, identical): send instead
            except Blocked:
                return await self.app.mark_blocked(chat_key(chat_id))
        await self.deliver(chat_key(chat_id), rest)
        await self._after(handled)

    async def _handle(self, incoming: Incoming, update_id: int) -> tuple[Handled, bool]:
        """(the engine's answer, False) or, with the database down, (its apology, True)."""
        try:
            return await self.engine.handle_update(incoming), False
        except Unavailable as down:
            self.unacknowledged.add(update_id)
            return Handled(down.replies, delete_incoming=down.delete_incoming), True

    async def _after(self, handled: Handled) -> None:
        if handled.outbox:  # a ticket message: to the support group now
            await self.desk.relay_pending()

    # --- the desk's Chats port: customers' private chats --------------------------------

    def reaches(self, chat: str) -> bool:
        return chat.startswith(PREFIX)

    async def deliver(self, chat: str, replies: list[Reply], strict: bool = False) -> bool:
        """Send replies in order; False if the chat blocked the bot. With `strict`, a
        Telegram outage raises `Undelivered` (the caller keeps its outbox row)."""
        chat_id = int(chat.removeprefix(PREFIX))
        for reply in replies:
            try:
                await self._send(chat_id, reply)
            except Blocked:
                await self.app.mark_blocked(chat)
                return False
            except GiveUp as down:
                if strict:
                    raise Undelivered(str(down)) from None
                log.error("reply not delivered", extra={"chat": chat_id})
            except Rejected:
                log.error("reply refused by Telegram", extra={"chat": chat_id})
        return True

    async def copy(self, chat: str, attachment: Attachment) -> bool:
        """A file from a ticket into a customer's chat (`copyMessage`: no "forwarded
        from" header, the staff member's name stays in the group)."""
        chat_id = int(chat.removeprefix(PREFIX))
        try:
            await self.sender.call(chat_id, lambda: self.io.copy(
                chat_id, int(attachment.chat), attachment.message_id))
        except Blocked:
            await self.app.mark_blocked(chat)
            return False
        except GiveUp as down:
            raise Undelivered(str(down)) from None
        except Rejected:
            log.error("file refused by Telegram", extra={"chat": chat_id})
        return True

    async def _send(self, chat_id: int, reply: Reply) -> None:
        invoice, token = reply.invoice, self.provider_token
        if invoice is not None and token:
            await self.sender.call(chat_id, lambda: self.io.send_invoice(
                chat_id, invoice.title, invoice.description, f"order:{invoice.order_id}",
                token, invoice.currency, invoice.amount_cents))
        if reply.document is not None and await self._send_document(chat_id, reply):
            return
        await self.sender.call(chat_id, lambda: self.io.send(
            chat_id, reply.text, keyboard(reply.buttons)))

    async def _send_document(self, chat_id: int, reply: Reply) -> bool:
        """A document's PDF copy (`sendDocument`), rendered now, the reply's text as its
        caption; False (the text goes as a message) if the document cannot be found."""
        request = reply.document
        assert request is not None
        data = await pdf_for(self.app, request)
        if data is None:
            log.error("document to send not found", extra={"chat": chat_id})
            return False
        caption: str | None = reply.text
        if len(reply.text) > MAX_CAPTION:
            await self.sender.call(chat_id, lambda: self.io.send(chat_id, reply.text))
            caption = None
        await self.sender.call(chat_id, lambda: self.io.send_document(
            chat_id, request.file_name, data, caption, keyboard(reply.buttons)))
        return True

    async def relay_pending(self) -> None:
        await self.desk.relay_pending()

    async def send_notices(self) -> int:
        return await self.desk.send_notices()

    async def _delete_card_message(self, message: TgMessage) -> None:
        """The customer's message carries a card number: off the chat, and say why. A
        message Telegram will not delete (too old, already gone) is logged and left."""
        chat_id, message_id = message.chat_id, message.message_id
        try:  # not paced: deleting sends nothing, and the replies should not wait for it
            await self.sender.call(chat_id, lambda: self.io.delete_message(chat_id, message_id),
                                   paced=False)
        except (Rejected, GiveUp, Blocked) as refused:
            # Telegram's reason ("message can't be deleted"), never the message's text.
            log.warning("message with a card number not deleted: %s", refused,
                        extra={"chat": chat_id, "update": message.update_id})
            return
        await self.deliver(chat_key(chat_id), [Reply(t("card-message-deleted"))])

    async def _answer(self, callback_id: str, text: str | None = None,
                      alert: bool = False) -> None:
        try:
            await self.io.answer_callback(callback_id, text, alert)
        except Exception:
            log.warning("callback answer failed", extra={"callback": callback_id})

    # --- Telegram Payments --------------------------------------------------------------

    async def on_pre_checkout(self, query: TgPreCheckout) -> None:
        """The last check before Telegram charges: core's `precheck`."""
        refusal = await self.app.precheck(chat_key(query.user_id), _order_of(query.payload),
                                          query.currency, query.total_amount)
        await self.io.answer_pre_checkout(query.query_id, refusal is None,
                                          None if refusal is None else t(REFUSALS[refusal]))

    async def _paid(self, message: TgMessage) -> None:
        """Telegram took the money: it is registered once per charge, applied to its order
        or, if the order cannot take it any more, kept for support with a ticket."""
        payment, chat = message.payment, chat_key(message.chat_id)
        assert payment is not None
        if not await self.engine.claim(f"tg:{message.update_id}", chat):
            return
        customer_id = await self.app.customer_of_chat(chat)
        if customer_id is None:
            log.error("card payment from an unlinked chat: support must look",
                      extra={"chat": message.chat_id})
            return
        result = await self.app.register_card_payment(
            _order_of(payment.payload), Decimal(payment.total_amount) / 100, payment.charge_id,
            customer_id)
        replies = await self.engine.push(chat, lambda turn: pay.outcome(turn, result))
        await self.deliver(chat, replies)


def _attachment(message: TgMessage) -> Attachment | None:
    """A photo or document the message carries, as core records it."""
    if message.file is None:
        return None
    kind, file_id = message.file
    return Attachment(kind, file_id, str(message.chat_id), message.message_id)


def _order_of(payload: str) -> int | None:
    kind, _, raw = payload.partition(":")
    return int(raw) if kind == "order" and raw.isdigit() else None
