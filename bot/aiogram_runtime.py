"""The door on aiogram: its Bot, its aiohttp session, its Dispatcher and update parsing."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram import exceptions as ag_error
from aiogram import methods as ag_methods
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LabeledPrice,
    LinkPreviewOptions,
    Message,
    PreCheckoutQuery,
    ReplyParameters,
    Update,
)

from bot import aiogram_internals
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

# aiogram parses every answer as `Response[method.__returning__]`, and pydantic keeps
# parametrised models only weakly: after a garbage collection each one is rebuilt, which
# costs milliseconds per Bot API call (the conversation benchmark found it at 40% of the
# time). Holding them here makes the build happen once per process.
_RESPONSE_MODELS = aiogram_internals.response_models([
    ag_methods.SendMessage, ag_methods.EditMessageText, ag_methods.DeleteMessage,
    ag_methods.AnswerCallbackQuery, ag_methods.AnswerPreCheckoutQuery, ag_methods.SendInvoice,
    ag_methods.GetChat, ag_methods.GetChatMember, ag_methods.CreateForumTopic,
    ag_methods.SetMyCommands, ag_methods.SetWebhook, ag_methods.DeleteWebhook,
    ag_methods.GetMe, ag_methods.GetUpdates, ag_methods.CopyMessage, ag_methods.SendDocument])


def _markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=label, callback_data=data) for label, data in row]
        for row in keyboard])


async def _call(request: Any) -> Any:
    """Framework errors become the door's: retry later, blocked, refused. A body that is not
    Telegram's JSON (a proxy's HTML error page) is temporary: aiogram raises
    `ClientDecodeError` for it, outside its `TelegramAPIError` family."""
    try:
        return await request
    except ag_error.ClientDecodeError as garbled:
        raise Temporary(f"not a Bot API answer: {str(garbled.original)[:120]}") from None
    except ag_error.TelegramRetryAfter as slow:
        raise RetryAfter(float(slow.retry_after)) from None
    except (ag_error.TelegramForbiddenError, ag_error.TelegramUnauthorizedError) as refused:
        raise Blocked(str(refused)) from None
    except (ag_error.TelegramServerError, ag_error.TelegramNetworkError) as down:
        raise Temporary(str(down)) from None
    except ag_error.TelegramAPIError as refused:
        raise Rejected(str(refused)) from None


class AiogramIO:
    """`TelegramIO` on aiogram's Bot."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, text: str, keyboard: Keyboard | None = None,
                   thread_id: int | None = None, reply_to: int | None = None) -> int:
        message = await _call(self.bot.send_message(
            chat_id, text, reply_markup=_markup(keyboard), message_thread_id=thread_id,
            link_preview_options=NO_PREVIEW,
            reply_parameters=ReplyParameters(message_id=reply_to) if reply_to else None))
        return int(message.message_id)

    async def edit(self, chat_id: int, message_id: int, text: str,
                   keyboard: Keyboard | None = None) -> None:
        await _call(self.bot.edit_message_text(text=text, chat_id=chat_id,
                                               message_id=message_id,
                                               reply_markup=_markup(keyboard),
                                               link_preview_options=NO_PREVIEW))

    async def send_document(self, chat_id: int, file_name: str, data: bytes,
                            caption: str | None = None,
                            keyboard: Keyboard | None = None) -> int:
        message = await _call(self.bot.send_document(
            chat_id=chat_id, document=BufferedInputFile(data, filename=file_name),
            caption=caption, reply_markup=_markup(keyboard)))
        return int(message.message_id)

    async def copy(self, chat_id: int, from_chat_id: int, message_id: int,
                   caption: str | None = None, thread_id: int | None = None,
                   reply_to: int | None = None) -> int:
        copied = await _call(self.bot.copy_message(
            chat_id=chat_id, from_chat_id=from_chat_id, message_id=message_id,
            caption=caption, message_thread_id=thread_id,
            reply_parameters=ReplyParameters(message_id=reply_to) if reply_to else None))
        return int(copied.message_id)

    async def delete_message(self, chat_id: int, message_id: int) -> None:
        await _call(self.bot.delete_message(chat_id=chat_id, message_id=message_id))

    async def answer_callback(self, callback_id: str, text: str | None = None,
                              alert: bool = False) -> None:
        await _call(self.bot.answer_callback_query(callback_id, text=text, show_alert=alert))

    async def send_invoice(self, chat_id: int, title: str, description: str, payload: str,
                           provider_token: str, currency: str, amount_cents: int) -> int:
        message = await _call(self.bot.send_invoice(
            chat_id=chat_id, title=title, description=description, payload=payload,
            provider_token=provider_token, currency=currency,
            prices=[LabeledPrice(label=title, amount=amount_cents)]))
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
        return bool(chat.is_forum)

    async def member_status(self, chat_id: int, user_id: int) -> str:
        member = await _call(self.bot.get_chat_member(chat_id, user_id))
        return str(getattr(member.status, "value", member.status))

    async def set_commands(self, commands: list[tuple[str, str]]) -> None:
        await _call(self.bot.set_my_commands(
            [BotCommand(command=c, description=d) for c, d in commands]))

    async def set_webhook(self, url: str, secret: str) -> None:
        await _call(self.bot.set_webhook(url, secret_token=secret,
                                         allowed_updates=ALLOWED_UPDATES))

    async def delete_webhook(self) -> None:
        await _call(self.bot.delete_webhook())


async def connect(bot: Bot) -> None:
    """The first call (`getMe`): raises `TokenRejected`, or `Temporary` to try again."""
    try:
        await bot.get_me()
    except (ag_error.TelegramUnauthorizedError, ag_error.TelegramNotFound):
        raise TokenRejected() from None  # 401: an unknown token; 404: a malformed one
    except (ag_error.TelegramServerError, ag_error.TelegramNetworkError,
            ag_error.TelegramRetryAfter, ag_error.ClientDecodeError) as down:
        raise Temporary(getattr(down, "message", str(down))) from None


def build(token: str, api_url: str | None, make_door: Any) -> tuple[Bot, Dispatcher, Any]:
    session = (AiohttpSession(api=TelegramAPIServer.from_base(api_url)) if api_url
               else AiohttpSession())
    bot = Bot(token, session=session)
    dispatcher = Dispatcher()
    router = Router()
    holder: dict[str, Door] = {}

    @router.message()
    async def on_message(message: Message, event_update: Update) -> None:
        paid = message.successful_payment
        user = message.from_user
        await holder["door"].on_message(TgMessage(
            event_update.update_id, message.chat.id, str(message.chat.type),
            user.id if user else None, user.full_name if user else "",
            bool(user and user.is_bot), message.message_id,
            message.text if message.text is not None else message.caption,
            message.reply_to_message.message_id if message.reply_to_message else None,
            message.message_thread_id if message.is_topic_message else None,
            TgPayment(paid.currency, paid.total_amount, paid.invoice_payload,
                      paid.telegram_payment_charge_id) if paid else None,
            ("photo", message.photo[-1].file_id) if message.photo
            else ("document", message.document.file_id) if message.document else None))

    @router.callback_query()
    async def on_callback(press: CallbackQuery, event_update: Update) -> None:
        message = press.message
        await holder["door"].on_callback(TgCallback(
            event_update.update_id, press.id, message.chat.id if message else None,
            message.message_id if message else None, press.from_user.id,
            press.from_user.full_name, press.data))

    @router.pre_checkout_query()
    async def on_pre_checkout(query: PreCheckoutQuery, event_update: Update) -> None:
        await holder["door"].on_pre_checkout(TgPreCheckout(
            event_update.update_id, query.id, query.from_user.id, query.currency,
            query.total_amount, query.invoice_payload))

    dispatcher.include_router(router)

    def attach(door: Door) -> None:
        holder["door"] = door

    return bot, dispatcher, attach


async def feed(bot: Bot, dispatcher: Dispatcher, data: dict[str, Any]) -> None:
    """Webhook mode: one update as Telegram posted it."""
    await dispatcher.feed_webhook_update(bot, data)
