"""The support group as the desk's `Room`: Telegram calls, paced, with Telegram's errors
turned into the desk's (`Undelivered`: try again later; `Refused`: never)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.tg_io import Blocked, Keyboard, Rejected, TelegramIO
from bot.tg_sender import GiveUp, Sender
from core.views import Attachment
from handlers.desk import Refused, Undelivered
from handlers.ui import Button

T = TypeVar("T")


def keyboard(rows: list[list[Button]] | None) -> Keyboard | None:
    return [[(b.label, b.payload) for b in row] for row in rows] if rows else None


async def translated(call: Callable[[], Awaitable[T]]) -> T:
    """`call()`, with Telegram's failures as the desk's."""
    try:
        return await call()
    except GiveUp as down:
        raise Undelivered(str(down)) from None
    except (Rejected, Blocked) as refused:
        raise Refused(str(refused)) from None


@dataclass
class TelegramRoom:
    io: TelegramIO
    sender: Sender
    chat_id: int

    @property
    def key(self) -> str:
        return str(self.chat_id)

    async def send(self, text: str, buttons: list[list[Button]] | None = None,
                   thread: int | None = None, reply_to: int | None = None) -> int:
        return await translated(lambda: self.sender.call(self.chat_id, lambda: self.io.send(
            self.chat_id, text, keyboard(buttons), thread, reply_to)))

    async def copy(self, attachment: Attachment, caption: str | None = None,
                   thread: int | None = None, reply_to: int | None = None) -> int:
        return await translated(lambda: self.sender.call(self.chat_id, lambda: self.io.copy(
            self.chat_id, int(attachment.chat), attachment.message_id, caption, thread,
            reply_to)))

    async def edit(self, message_id: int, text: str,
                   buttons: list[list[Button]] | None) -> None:
        await translated(lambda: self.sender.call(self.chat_id, lambda: self.io.edit(
            self.chat_id, message_id, text, keyboard(buttons))))

    async def create_topic(self, name: str) -> int:
        return await translated(lambda: self.sender.call(
            self.chat_id, lambda: self.io.create_topic(self.chat_id, name)))

    async def rename_topic(self, thread: int, name: str) -> None:
        await translated(lambda: self.sender.call(
            self.chat_id, lambda: self.io.edit_topic(self.chat_id, thread, name)))

    async def has_topics(self) -> bool:
        # Not paced (nothing is posted) but retried: a 5xx here must not cost a card.
        return await translated(lambda: self.sender.call(
            self.chat_id, lambda: self.io.is_forum(self.chat_id), paced=False))

    async def member_status(self, user_id: int) -> str:
        return await translated(lambda: self.sender.call(
            self.chat_id, lambda: self.io.member_status(self.chat_id, user_id), paced=False))
