"""What the Telegram door needs from a framework, and the events it gets from one.

Each runtime (python-telegram-bot, aiogram) implements `TelegramIO` with its own bot
object and HTTP client, and turns its framework's updates into these plain events. All
the behaviour lives in `bot.tg_door`, shared by both runtimes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

Keyboard = list[list[tuple[str, str]]]  # rows of (label, callback data)
MAX_CAPTION = 1024  # Telegram's limit for a file's caption
# The updates the door handles, the same list for polling and for the webhook.
ALLOWED_UPDATES = ["message", "callback_query", "pre_checkout_query"]


class RetryAfter(Exception):
    """Telegram asked us to slow down (HTTP 429)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class Blocked(Exception):
    """The user blocked the bot, or the chat is gone (HTTP 403)."""


class Temporary(Exception):
    """A network error, a timeout or a 5xx: worth trying again a little later."""


class TokenRejected(Exception):
    """Telegram does not know the bot's token (HTTP 401, or 404 for a malformed one)."""


class Rejected(Exception):
    """Telegram refused the request for good (HTTP 400): do not retry."""


@dataclass(frozen=True)
class TgPayment:
    currency: str
    total_amount: int
    payload: str
    charge_id: str


@dataclass(frozen=True)
class TgMessage:
    update_id: int
    chat_id: int
    chat_type: str  # private | group | supergroup | channel
    user_id: int | None
    user_name: str
    is_bot: bool
    message_id: int
    text: str | None
    reply_to: int | None = None
    thread_id: int | None = None
    payment: TgPayment | None = None
    file: tuple[str, str] | None = None  # (photo | document, file id); `text` is the caption


@dataclass(frozen=True)
class TgCallback:
    update_id: int
    callback_id: str
    chat_id: int | None
    message_id: int | None
    user_id: int
    user_name: str
    data: str | None


@dataclass(frozen=True)
class TgPreCheckout:
    update_id: int
    query_id: str
    user_id: int
    currency: str
    total_amount: int
    payload: str


class TelegramIO(Protocol):
    async def send(self, chat_id: int, text: str, keyboard: Keyboard | None = None,
                   thread_id: int | None = None, reply_to: int | None = None) -> int: ...

    async def edit(self, chat_id: int, message_id: int, text: str,
                   keyboard: Keyboard | None = None) -> None: ...

    async def send_document(self, chat_id: int, file_name: str, data: bytes,
                            caption: str | None = None,
                            keyboard: Keyboard | None = None) -> int: ...

    async def delete_message(self, chat_id: int, message_id: int) -> None: ...

    async def copy(self, chat_id: int, from_chat_id: int, message_id: int,
                   caption: str | None = None, thread_id: int | None = None,
                   reply_to: int | None = None) -> int: ...

    async def answer_callback(self, callback_id: str, text: str | None = None,
                              alert: bool = False) -> None: ...

    async def send_invoice(self, chat_id: int, title: str, description: str, payload: str,
                           provider_token: str, currency: str, amount_cents: int) -> int: ...

    async def answer_pre_checkout(self, query_id: str, ok: bool,
                                  error: str | None = None) -> None: ...

    async def create_topic(self, chat_id: int, name: str) -> int: ...

    async def edit_topic(self, chat_id: int, thread_id: int, name: str) -> None: ...

    async def is_forum(self, chat_id: int) -> bool: ...

    async def member_status(self, chat_id: int, user_id: int) -> str: ...

    async def set_commands(self, commands: list[tuple[str, str]]) -> None: ...
