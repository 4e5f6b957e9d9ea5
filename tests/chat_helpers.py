"""Drive the conversation as the terminal chat does: every line goes through the terminal
door's own parsing (`bot.terminal.to_incoming`), buttons are pressed by typing their label."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

from bot.terminal import to_incoming
from core.app import Sportello
from handlers.engine import Engine
from handlers.router import fold
from handlers.ui import Incoming, Reply

_updates = itertools.count(1)


ACCEPT_TERMS = "Accetto le condizioni generali"


@dataclass
class Chat:
    engine: Engine
    chat_id: str
    replies: list[Reply] = field(default_factory=list)
    # A button pressed that is not there yet because the order summary waits for the
    # general conditions to be accepted: tick them first, as a customer would. Tests of
    # the acceptance itself turn this off.
    accept_terms: bool = True

    @classmethod
    async def open(cls, app: Sportello, customer_id: int, chat_id: str = "test:1") -> Chat:
        engine = Engine(app)
        await engine.link(chat_id, customer_id)
        chat = cls(engine, chat_id)
        await chat.command("start")
        return chat

    async def send(self, incoming: Incoming) -> list[Reply]:
        self.replies = await self.engine.handle(incoming)
        return self.replies

    async def type(self, line: str) -> str:
        """One line typed in the terminal: a button's number or label, a command, or text."""
        incoming = to_incoming(self.chat_id, line, self.buttons_all)
        await self.send(replace(incoming, update_id=self._update()))
        return self.text

    async def say(self, text: str) -> str:
        incoming = to_incoming(self.chat_id, text, [])  # plain text, never a button
        await self.send(replace(incoming, update_id=self._update()))
        return self.text

    async def command(self, name: str) -> str:
        return await self.say(f"/{name}")

    async def press(self, label: str) -> str:
        """Press the button whose label starts with `label`, by typing its full label."""
        wanted = fold(label)
        for button in self.buttons_all:
            if fold(button.label).startswith(wanted):
                return await self.type(button.label)
        if self.accept_terms and ACCEPT_TERMS in self.labels and label != ACCEPT_TERMS:
            await self.type(ACCEPT_TERMS)
            return await self.press(label)
        raise AssertionError(f"no button {label!r} in {self.labels}")

    def payload(self, label: str) -> str:
        wanted = fold(label)
        for button in self.buttons_all:
            if fold(button.label).startswith(wanted):
                return button.payload
        raise AssertionError(f"no button {label!r} in {self.labels}")

    def _update(self) -> str:
        return f"{self.chat_id}:{next(_updates)}"

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)

    @property
    def buttons_all(self) -> list:  # type: ignore[type-arg]
        return [b for r in self.replies for b in r.flat_buttons]

    @property
    def labels(self) -> list[str]:
        return [b.label for b in self.buttons_all]
