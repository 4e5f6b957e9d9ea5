"""The door on python-telegram-bot: its Application, its HTTP client, its update parsing."""

from __future__ import annotations

import logging
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LabeledPrice,
    LinkPreviewOptions,
    ReplyParameters,
    Update,
)
from telegram import error as tg_error
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.tg_door import Door
from bot.tg_io import (
    ALLOWED_UPDATES,
    Blocked,
    Keyboard,
    Rejected,
    RetryAfter,
    Temporary,
    TgCallback,
    TgMessage,
    TgPayment,
    TgPreCheckout,
    TokenRejected,
)

log = logging.getLogger("sportello.telegram")
# Service names and emails in the texts would become links with a web preview under them.
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def _markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)
                                  for label, data in row] for row in keyboard])


async def _call(request: Any) -> Any:
    """Framework errors become the door's: retry later, blocked, refused. An error status
    whose body is not JSON (a proxy's HTML page) is a `NetworkError` for PTB already; a
    200 with such a body is "Invalid server response": temporary too."""
    try:
        return await request
    except tg_error.RetryAfter as slow:
        retry = slow.retry_after
        raise RetryAfter(retry.total_seconds() if hasattr(retry, "total_seconds")
                         else float(retry)) from None
    except tg_error.Forbidden as forbidden:
        raise Blocked(str(forbidden)) from None
    except (tg_error.TimedOut, tg_error.NetworkError) as down:
        if isinstance(down, tg_error.BadRequest):
            raise Rejected(str(down)) from None
        raise Temporary(str(down)) from None
    except tg_error.TelegramError as refused:
        if str(refused).startswith("Invalid server response"):
            raise Temporary(str(refused)) from None
        raise Rejected(str(refused)) from None


class PTBIO:
    """`TelegramIO` on python-telegram-bot's Bot."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, text: str, keyboard: Keyboard | None = None,
                   thread_id: int | None = None, reply_to: int | None = None) -> int:
        message = await _call(self.bot.send_message(
            chat_id, text, reply_markup=_markup(keyboard), message_thread_id=thread_id,
            link_preview_options=NO_PREVIEW,
            reply_parameters=ReplyParameters(reply_to) if reply_to else None))
        return int(message.message_id)

    async def edit(self, chat_id: int, message_id: int, text: str,
                   keyboard: Keyboard | None = None) -> None:
        await _call(self.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id,
                                               reply_markup=_markup(keyboard),
                                               link_preview_options=NO_PREVIEW))

    async def send_document(self, chat_id: int, file_name: str, data: bytes,
                            caption: str | None = None,
                            keyboard: Keyboard | None = None) -> int:
        message = await _call(self.bot.send_document(
            chat_id, InputFile(data, filename=file_name), caption=caption,
            reply_markup=_markup(keyboard)))
        return int(message.message_id)

    async def copy(self, chat_id: int, from_chat_id: int, message_id: int,
                   caption: str | None = None, thread_id: int | None = None,
                   reply_to: int | None = None) -> int:
        copied = await _call(self.bot.copy_message(
            chat_id, from_chat_id, message_id, caption=caption, message_thread_id=thread_id,
            reply_parameters=ReplyParameters(reply_to) if reply_to else None))
        return int(copied.message_id)

    async def delete_message(self, chat_id: int, message_id: int) -> None:
        await _call(self.bot.delete_message(chat_id, message_id))

    async def answer_callback(self, callback_id: str, text: str | None = None,
                              alert: bool = False) -> None:
        await _call(self.bot.answer_callback_query(callback_id, text=text, show_alert=alert))

    async def send_invoice(self, chat_id: int, title: str, description: str, payload: str,
                           provider_token: str, currency: str, amount_cents: int) -> int:
        message = await _call(self.bot.send_invoice(
            chat_id, title, description, payload, currency,
            [LabeledPrice(title, amount_cents)], provider_token=provider_token))
        return int(message.message_id)

    async def answer_pre_checkout(self, query_id: str, ok: bool,
                                  error: str | None = None) -> None:
        await _call(self.bot.answer_pre_checkout_query(query_id, ok, error_message=error))

    async def create_topic(self, chat_id: int, name: str) -> int:
        topic = await _call(self.bot.create_forum_topic(chat_id, name))
        return int(topic.message_thread_id)

    async def edit_topic(self, chat_id: int, thread_id: int, name: str) -> None:
        await _call(self.bot.edit_forum_topic(chat_id, thread_id, name=name))

    async def is_forum(self, chat_id: int) -> bool:
        chat = await _call(self.bot.get_chat(chat_id))
        return bool(getattr(chat, "is_forum", False))

    async def member_status(self, chat_id: int, user_id: int) -> str:
        member = await _call(self.bot.get_chat_member(chat_id, user_id))
        return str(member.status)

    async def set_commands(self, commands: list[tuple[str, str]]) -> None:
        await _call(self.bot.set_my_commands([BotCommand(c, d) for c, d in commands]))

    async def set_webhook(self, url: str, secret: str) -> None:
        await _call(self.bot.set_webhook(url, secret_token=secret,
                                         allowed_updates=ALLOWED_UPDATES))

    async def delete_webhook(self) -> None:
        await _call(self.bot.delete_webhook())


async def connect(application: Application) -> None:
    """The first call (`getMe`): raises `TokenRejected`, or `Temporary` to try again."""
    try:
        await application.initialize()
    except tg_error.InvalidToken:
        raise TokenRejected() from None
    except (tg_error.TimedOut, tg_error.NetworkError) as down:
        raise Temporary(str(down)) from None


def _event(update: Update) -> TgMessage | TgCallback | TgPreCheckout | None:
    if update.pre_checkout_query is not None:
        query = update.pre_checkout_query
        return TgPreCheckout(update.update_id, query.id, query.from_user.id, query.currency,
                             query.total_amount, query.invoice_payload)
    if update.callback_query is not None:
        press = update.callback_query
        message = press.message
        return TgCallback(
            update.update_id, press.id, message.chat.id if message else None,
            message.message_id if message else None, press.from_user.id,
            press.from_user.full_name, press.data)
    message = update.message
    if message is None:
        return None
    paid = message.successful_payment
    return TgMessage(
        update.update_id, message.chat.id, message.chat.type,
        message.from_user.id if message.from_user else None,
        message.from_user.full_name if message.from_user else "",
        bool(message.from_user and message.from_user.is_bot), message.message_id,
        message.text if message.text is not None else message.caption,
        message.reply_to_message.message_id if message.reply_to_message else None,
        message.message_thread_id if message.is_topic_message else None,
        TgPayment(paid.currency, paid.total_amount, paid.invoice_payload,
                  paid.telegram_payment_charge_id) if paid else None,
        ("photo", message.photo[-1].file_id) if message.photo
        else ("document", message.document.file_id) if message.document else None)


def build(token: str, api_url: str | None, make_door: Any) -> tuple[Application, Any]:
    """The PTB Application with one handler that hands every update to the door."""
    # Updates of different chats are handled at once: one chat's slow update (a paced
    # support group, a card gateway) must not hold another chat's. The engine's per-chat
    # lock, taken in arrival order, keeps one chat's updates in order (aiogram's polling
    # runs each update as its own task too).
    builder = ApplicationBuilder().token(token).concurrent_updates(True)
    if api_url:
        base = api_url.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    application = builder.build()
    holder: dict[str, Door] = {}

    async def on_update(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not isinstance(update, Update):
            return
        event = _event(update)
        door = holder["door"]
        if isinstance(event, TgPreCheckout):
            await door.on_pre_checkout(event)
        elif isinstance(event, TgCallback):
            await door.on_callback(event)
        elif isinstance(event, TgMessage):
            await door.on_message(event)

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("update failed", exc_info=context.error)

    application.add_handler(TypeHandler(Update, on_update))
    application.add_error_handler(on_error)

    def attach(door: Door) -> None:
        holder["door"] = door

    return application, attach


async def feed(application: Application, data: dict[str, Any]) -> None:
    """Webhook mode: one update as Telegram posted it."""
    await application.process_update(Update.de_json(data, application.bot))
