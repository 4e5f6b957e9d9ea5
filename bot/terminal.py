"""The terminal chat: the same engine as Telegram, with buttons printed as numbers.

Type a button's number or its label to press it, `/comando` for a command, anything else
is a message. With standard input not a terminal, every line is one message and every
reply is printed, so a whole conversation can be scripted. `/esci`, end of input (Ctrl-D)
and Ctrl-C while the chat waits for a line all end it with exit code 0.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import TextIO

from platformdirs import user_data_dir

from core.app import Sportello
from handlers.document_pdf import pdf_for
from handlers.engine import Engine
from handlers.i18n import t
from handlers.router import fold
from handlers.ui import Button, Incoming, Reply, typed


def render(replies: list[Reply], out: TextIO,
           notes: dict[int, str] | None = None) -> list[Button]:
    """Print replies (each with its note, if any: where a document was saved); returns the
    buttons in the order they were numbered."""
    numbered: list[Button] = []
    for index, reply in enumerate(replies):
        out.write(reply.text + "\n")
        if notes and index in notes:
            out.write(notes[index] + "\n")
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
    incoming = typed(chat_id, text)
    if incoming.command is not None:
        return incoming
    return Incoming(chat_id, text=line.rstrip("\r\n"))  # a message keeps its spaces


def documents_folder(app: Sportello) -> Path:
    """Where «Scarica PDF» saves files: `SPORTELLO_DOCUMENTS_DIR`, else `documenti` in the
    user's data directory (where the default database lives)."""
    chosen = app.settings.documents_dir
    return chosen if chosen is not None else Path(
        user_data_dir("sportello", appauthor=False)) / "documenti"


async def save_documents(app: Sportello, replies: list[Reply],
                         folder: Path) -> dict[int, str]:
    """Each document a reply carries, written into `folder` (rendered now, as a Telegram
    door would send it); the line saying where, by reply index."""
    notes: dict[int, str] = {}
    for index, reply in enumerate(replies):
        request = reply.document
        if request is None:
            continue
        data = await pdf_for(app, request)
        if data is None:
            notes[index] = t("terminal-document-missing", number=request.number)
            continue
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / request.file_name
        path.write_bytes(data)
        notes[index] = t("terminal-document-saved", path=str(path))
    return notes


async def show(engine: Engine, replies: list[Reply], out: TextIO, folder: Path) -> list[Button]:
    return render(replies, out, await save_documents(engine.app, replies, folder))


class LineReader:
    """Lines from standard input, awaited in the event loop rather than in a blocking read.

    Ctrl-C then reaches asyncio at once (its signal handling wakes the loop), even when it
    comes just after the prompt; a blocking read would miss it until Enter. Sources the
    loop cannot watch (regular files, `io.StringIO`) are read directly: they never wait.
    """

    def __init__(self, source: TextIO) -> None:
        self.source = source
        self.buffer = b""
        self.eof = False
        try:
            self.fd: int | None = source.fileno()
        except (AttributeError, OSError, ValueError):
            self.fd = None

    async def readline(self) -> str | None:
        """The next line without its end; None at the end of input."""
        if self.fd is None:
            raw = self.source.readline()
            return raw.rstrip("\r\n") if raw else None
        while b"\n" not in self.buffer and not self.eof:
            await self._readable()
            chunk = os.read(self.fd, 65536)
            self.eof = not chunk
            self.buffer += chunk
        if not self.buffer:
            return None
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode("utf-8", "replace").rstrip("\r")

    async def _readable(self) -> None:
        assert self.fd is not None
        loop = asyncio.get_running_loop()
        ready = loop.create_future()
        try:
            loop.add_reader(self.fd, lambda: ready.done() or ready.set_result(None))
        except (OSError, ValueError):  # a regular file: always readable
            return
        try:
            await ready
        finally:
            loop.remove_reader(self.fd)


async def chat(engine: Engine, customer_id: int, chat_id: str,
               source: TextIO = sys.stdin, out: TextIO = sys.stdout,
               folder: Path | None = None) -> int:
    """The chat loop; documents go into `folder` (default: `documents_folder`)."""
    folder = folder or documents_folder(engine.app)
    await engine.link(chat_id, customer_id)
    interactive = source.isatty()
    if interactive:
        out.write(t("terminal-hint") + "\n\n")
    buttons = await show(engine, await engine.handle(Incoming(chat_id, command="start")), out,
                         folder)
    reader = LineReader(source)
    while True:
        if interactive:
            out.write("> ")
            out.flush()
        try:
            line = await reader.readline()
        except asyncio.CancelledError:  # Ctrl-C while waiting for a line: a normal way out
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
            out.write("\n" + t("terminal-bye") + "\n")
            out.flush()
            return 0
        if line is None:
            break
        if not interactive:
            out.write(f"> {line}\n")
        if line.strip() in ("/esci", "/exit", "/quit"):
            break
        buttons = await show(engine, await engine.handle(to_incoming(chat_id, line, buttons)),
                             out, folder)
    return 0
