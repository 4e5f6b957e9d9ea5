"""The terminal chat: the same engine as Telegram, with buttons printed as numbers.

Type a button's number or its label to press it, `/comando` for a command, anything else
is a message. With standard input not a terminal, every line is one message and every
reply is printed, so a whole conversation can be scripted.
"""

from __future__ import annotations

import sys
from typing import TextIO

from handlers.engine import Engine
from handlers.i18n import t
from handlers.router import fold
from handlers.ui import Button, Incoming, Reply


def render(replies: list[Reply], out: TextIO) -> list[Button]:
    """Print replies; returns the buttons in the order they were numbered."""
    numbered: list[Button] = []
    for reply in replies:
        out.write(reply.text + "\n")
        for row in reply.buttons:
            cells = []
            for button in row:
                numbered.append(button)
                cells.append(f"[{len(numbered)}] {button.label}")
            out.write("  ".join(cells) + "\n")
        out.write("\n")
    out.flush()
    return numbered


def to_incoming(chat_id: str, line: str, buttons: list[Button]) -> Incoming:
    text = line.strip()
    if text.isdigit() and 1 <= int(text) <= len(buttons):
        return Incoming(chat_id, payload=buttons[int(text) - 1].payload)
    for button in buttons:
        if text and fold(button.label) == fold(text):
            return Incoming(chat_id, payload=button.payload)
    if text.startswith("/") and len(text) > 1:
        name, _, argument = text[1:].partition(" ")
        return Incoming(chat_id, command=name.split("@")[0], argument=argument.strip())
    return Incoming(chat_id, text=line.rstrip("\r\n"))


async def chat(engine: Engine, customer_id: int, chat_id: str,
               source: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    await engine.link(chat_id, customer_id)
    interactive = source.isatty()
    if interactive:
        out.write(t("terminal-hint") + "\n\n")
    buttons = render(await engine.handle(Incoming(chat_id, command="start")), out)
    while True:
        if interactive:
            try:
                line = input("> ")
            except EOFError:
                break
        else:
            raw = source.readline()
            if not raw:
                break
            line = raw.rstrip("\r\n")
            out.write(f"> {line}\n")
        if line.strip() in ("/esci", "/exit", "/quit"):
            break
        buttons = render(await engine.handle(to_incoming(chat_id, line, buttons)), out)
    return 0
