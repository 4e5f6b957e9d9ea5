"""What goes in and out of the conversation engine: plain values, no transport.

A Telegram door turns an update into an `Incoming` and each `Reply` into a message with an
inline keyboard; the terminal door prints the same replies with numbered buttons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.views import Attachment

MAX_TEXT = 4096  # Telegram's limit for one message
MAX_PAYLOAD = 64  # Telegram's limit for callback data, in bytes


@dataclass(frozen=True)
class Incoming:
    chat_id: str
    user_id: str | None = None  # who wrote (the Telegram user), for link-code limits
    text: str | None = None
    payload: str | None = None  # the opaque token of a pressed button
    command: str | None = None  # "start", "menu", "aiuto", "annulla", "ticket"
    argument: str = ""  # what follows the command ("/start CODE")
    update_id: str | None = None  # idempotency: the same update is handled once
    user_name: str | None = None
    attachment: Attachment | None = None  # a file sent with `text` (its caption)



@dataclass(frozen=True)
class Button:
    label: str
    payload: str


@dataclass(frozen=True)
class InvoiceRequest:
    """Ask the door to collect a card payment itself (Telegram Payments)."""

    order_id: int
    title: str
    description: str
    amount_cents: int
    currency: str = "EUR"


@dataclass(frozen=True)
class DocumentRequest:
    """Ask the door to send a document's PDF copy (`handlers.document_pdf`), rendered at
    send time: a reply kept for an update's replay holds the number, never the bytes. The
    flow that asks has checked the document is the chat's customer's."""

    number: str  # `2026/000001`, `NC 2026/000001`
    file_name: str  # `Fattura_2026-000001.pdf`


@dataclass(frozen=True)
class Reply:
    text: str  # with a document: its caption (at most 1,024 characters on Telegram)
    buttons: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)
    invoice: InvoiceRequest | None = None
    document: DocumentRequest | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "buttons": [[[b.label, b.payload] for b in row] for row in self.buttons]}
        if self.invoice is not None:
            data["invoice"] = self.invoice.__dict__
        if self.document is not None:
            data["document"] = self.document.__dict__
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reply:
        invoice = InvoiceRequest(**data["invoice"]) if data.get("invoice") else None
        document = DocumentRequest(**data["document"]) if data.get("document") else None
        return cls(data["text"], tuple(tuple(Button(label, payload) for label, payload in row)
                                       for row in data["buttons"]), invoice, document)

    @property
    def flat_buttons(self) -> list[Button]:
        return [b for row in self.buttons for b in row]


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """`text` in messages of at most `limit` characters, cut at line ends where it can
    (a line longer than a message is cut where it must)."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        joined = f"{current}\n{line}" if current else line
        if len(joined) > limit:
            chunks.append(current)
            joined = line
        current = joined
    if current or not chunks:
        chunks.append(current)
    return chunks


def split_long(reply: Reply) -> list[Reply]:
    """Keep each message within Telegram's 4,096 characters, cutting at line ends; the
    buttons go with the last part."""
    if len(reply.text) <= MAX_TEXT:
        return [reply]
    parts = split_text(reply.text)
    return [Reply(p) for p in parts[:-1]] + [Reply(parts[-1], reply.buttons, reply.invoice,
                                                   reply.document)]


def typed(chat_id: str, text: str, user_id: str | None = None,
          update_id: str | None = None, attachment: Attachment | None = None) -> Incoming:
    """What a customer typed: `/comando argomento` (`/menu@SportelloBot` too) is a
    command, anything else text (a file's caption, with the file). The one parser of
    every door."""
    if attachment is not None:
        return Incoming(chat_id, user_id=user_id, text=text, update_id=update_id,
                        attachment=attachment)
    if text.startswith("/") and len(text) > 1:
        name, _, argument = text[1:].partition(" ")
        return Incoming(chat_id, user_id=user_id, command=name.split("@")[0].lower(),
                        argument=argument.strip(), update_id=update_id)
    return Incoming(chat_id, user_id=user_id, text=text, update_id=update_id)
