"""The conversation engine: `Incoming` in, `Reply` list out, state kept in the database.

A flow (`handlers.flow.Flow`) is a set of actions (button presses) and text steps (typed
answers) registered by name, given to the engine, which merges them in a `Registry`; the
conversation row says which flow and step a chat is in, with the flow's data and
the buttons currently on screen. Buttons carry short random tokens, never ids: a press is
looked up in the chat's own live buttons, so a forged or stale payload finds nothing and
changes nothing, and every action re-checks ownership through `core` anyway.

Each update is handled once: its replies are stored with its id in the same transaction
as the new conversation state, and a repeat gets the stored replies back.

Card numbers are masked at the door (`core.cards`): history, stored replies, tickets and
routing only ever see `•••• •••• •••• 4242`. The digits as typed reach one place, a card
step's handler (registered with `card=True`), which needs them to charge; anywhere else a
message carrying a card number is refused and acts on nothing. Either way the result asks
the door to delete the customer's message (`Handled.delete_incoming`).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam, select
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from core.app import Sportello
from core.cards import mask_cards
from core.db import PG_CONNECTIONS, rows_changed
from core.errors import SportelloError
from core.models import Conversation, Customer, ProcessedUpdate
from core.ratelimit import TokenBucket
from core.views import ServiceView
from handlers.flow import Flow, Registry
from handlers.i18n import t
from handlers.ui import MAX_TEXT, Button, Incoming, Reply, split_long

log = logging.getLogger("sportello.engine")

# The database cannot be reached: the customer is asked to retry, nothing is recorded.
UNAVAILABLE = (OperationalError, InterfaceError, ConnectionError, OSError, TimeoutError)
ENTRY_SCREENS_KEPT = 5  # menu-like buttons stay valid this many screens back
HISTORY_KEPT = 40


@dataclass(frozen=True)
class Handled:
    """What the engine made of an update. `repeated`: handled before, so a door does not
    send the same replies twice. `delete_incoming`: the customer's message carries a card
    number; a door that can delete it (Telegram) does. `outbox`: the update added
    something to an outbox (a ticket message): the door delivers it now rather than at
    its next outbox round."""

    replies: list[Reply]
    repeated: bool = False
    delete_incoming: bool = False
    outbox: bool = False


@dataclass
class State:
    flow: str | None
    step: str | None
    data: dict[str, Any]
    buttons: dict[str, dict[str, Any]]
    screen: int
    misses: int
    history: list[dict[str, str]]

    @classmethod
    def load(cls, row: Conversation) -> State:
        raw = dict(row.data or {})
        return cls(row.flow, row.step, raw.get("flow", {}), raw.get("buttons", {}),
                   raw.get("screen", 0), raw.get("misses", 0), list(row.history or []))

    def dump(self) -> dict[str, Any]:
        return {"flow": self.data, "buttons": self.buttons, "screen": self.screen,
                "misses": self.misses}


@dataclass
class Turn:
    """One update being handled: what flows read and write."""

    engine: Engine
    app: Sportello
    incoming: Incoming
    customer_id: int
    customer_name: str
    state: State
    key_base: str
    replies: list[Reply] = field(default_factory=list)
    pressed: str = ""  # the label of the button pressed, for the history
    mask_input: bool = False  # the text typed is confidential (a card number)
    # The text as typed, only when it carries a card number: for a card step, nobody else.
    card_text: str | None = field(default=None, repr=False)
    _services: list[ServiceView] | None = None

    # --- output ---------------------------------------------------------------------

    def btn(self, label: str, name: str, **params: Any) -> Button:
        """A button on the screen being built; `name` is a registered action."""
        if name not in self.engine.registry.actions:
            raise KeyError(f"unknown action {name}")
        token = secrets.token_urlsafe(6)
        self.state.buttons[token] = {"a": name, "p": params, "s": self.state.screen + 1,
                                     "l": label[:64]}
        return Button(label, token)

    def say(self, text: str, *rows: list[Button] | Button) -> None:
        """Add a message; each positional row is a list of buttons (or one button)."""
        keyboard = tuple(tuple(row) if isinstance(row, list) else (row,) for row in rows)
        self.replies.append(Reply(text, keyboard))

    def key(self, operation: str) -> str:
        """Idempotency key for a core write made while handling this update."""
        return f"{self.key_base}:{operation}"

    # --- state ----------------------------------------------------------------------

    def goto(self, flow: str, step: str, **data: Any) -> None:
        self.state.flow, self.state.step = flow, step
        self.state.data = data

    def step(self, step: str, **changes: Any) -> None:
        self.state.step = step
        self.state.data.update(changes)

    def leave(self) -> None:
        self.state.flow = self.state.step = None
        self.state.data = {}

    @property
    def data(self) -> dict[str, Any]:
        return self.state.data

    async def services(self) -> list[ServiceView]:
        if self._services is None:
            self._services = await self.app.list_services(self.customer_id)
        return self._services

    def forget_services(self) -> None:
        self._services = None


class Engine:
    """Handles updates for every chat; one at a time per chat within this process.

    `invoices`: the door collects card payments itself (Telegram Payments), so a card
    payment becomes an `InvoiceRequest` instead of a card number typed in the chat.
    `flood`: per-chat flood control (`FloodGate`), for doors open to the public.
    `flows`: the conversation flows it runs (by default `handlers.flows.ALL`).
    """

    def __init__(self, app: Sportello, invoices: bool = False,
                 flood: FloodGate | None = None, flows: Sequence[Flow] | None = None) -> None:
        self.app = app
        self.invoices = invoices
        self.flood = flood  # Telegram doors pass one; a scripted terminal chat does not
        self._locks: dict[str, _ChatLock] = {}
        # Each update holds one pooled connection for its unit of work: leave a few for
        # the door's own calls (outbox, payments) and a card gateway's.
        self._slots = asyncio.Semaphore(PG_CONNECTIONS * 3 // 4)
        if flows is None:
            from handlers.flows import ALL as flows  # the flows import this module
        self.registry = Registry(flows)

    async def link(self, chat_id: str, customer_id: int) -> None:
        """Bind a chat to a customer (the terminal chat does it on start)."""
        async with self.app.sessions() as session, session.begin():
            row = await session.get(Conversation, chat_id)
            if row is None:
                session.add(Conversation(chat_id=chat_id, customer_id=customer_id, data={},
                                         history=[], version=0,
                                         updated_at=self.app.clock.now()))
            elif row.customer_id != customer_id:
                row.customer_id, row.flow, row.step = customer_id, None, None
                row.data, row.history, row.version = {}, [], row.version + 1

    async def handle(self, incoming: Incoming) -> list[Reply]:
        try:
            return (await self.handle_update(incoming)).replies
        except Unavailable as down:
            return down.replies

    async def handle_update(self, incoming: Incoming) -> Handled:
        """The update's replies; raises `Unavailable` when the database is down."""
        incoming = _clean(incoming)
        masked = _masked(incoming)
        carries_card = masked is not incoming
        # From here on nothing holds the digits but `card_text`, for a card step.
        card_text = incoming.text if masked.text != incoming.text else None
        incoming = masked
        verdict = self.flood.check(incoming.chat_id) if self.flood else "ok"
        if verdict != "ok":
            # Too fast: the update is not handled; the first one over the limit is told.
            return Handled([Reply(t("err-slow-down"))] if verdict == "warn" else [],
                           delete_incoming=carries_card)
        try:
            replies, repeated, queued = await self._handle_guarded(incoming, card_text)
        except Unavailable as down:
            down.delete_incoming = carries_card
            raise
        return Handled(replies, repeated, carries_card, queued)

    async def claim(self, update_id: str, chat_id: str) -> bool:
        """Record an update handled outside the conversation (a payment, a support-group
        message): True the first time, False for a repeat."""
        async with self.app.sessions() as session, session.begin():
            if await session.get(ProcessedUpdate, update_id) is not None:
                return False
            session.add(ProcessedUpdate(update_id=update_id, chat_id=chat_id, replies=[],
                                        created_at=self.app.clock.now()))
            try:
                await session.flush()
            except IntegrityError:
                return False
            return True

    @asynccontextmanager
    async def _chat_lock(self, chat_id: str) -> AsyncIterator[None]:
        """One update of a chat at a time in this process (other workers are kept off by
        the unit of work's advisory lock on PostgreSQL, or SQLite's write lock)."""
        entry = self._locks.setdefault(chat_id, _ChatLock())
        entry.users += 1
        try:
            async with entry.lock, self._slots:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._locks[chat_id]  # the table holds only chats being handled

    async def _handle_guarded(self, incoming: Incoming, card_text: str | None = None
                              ) -> tuple[list[Reply], bool, bool]:
        """Under the chat's lock, in one unit of work, so that "already handled?" is
        answered after any other worker holding the same update has finished with it."""
        try:
            async with self._chat_lock(incoming.chat_id):
                key_base = incoming.update_id or uuid.uuid4().hex
                for _attempt in range(3):
                    try:
                        async with self.app.unit(lock=incoming.chat_id) as app:
                            replies, repeated = await self._handle_once(
                                app, incoming, key_base, card_text)
                        return replies, repeated, app.queued
                    except (_Conflict, IntegrityError):
                        continue  # another worker moved the conversation on: read again
        except UNAVAILABLE:
            log.warning("database unavailable", extra={"chat": incoming.chat_id})
        raise Unavailable([Reply(t("err-retry-later"))])

    async def _handle_once(self, app: Sportello, incoming: Incoming, key_base: str,
                           card_text: str | None = None) -> tuple[list[Reply], bool]:
        """(replies, repeated) for one update, in `app`'s unit of work."""
        session = app.session
        row, customer, done = await _conversation_of(session, incoming.chat_id,
                                                     incoming.update_id)
        if row is None and incoming.update_id:
            done = await session.scalar(select(ProcessedUpdate.replies).where(
                ProcessedUpdate.update_id == incoming.update_id))
        if done is not None:
            return [Reply.from_dict(r) for r in done], True
        if row is None or customer is None:
            replies = await self._unlinked(app, incoming)
            await self._remember(app, incoming, replies)
            return replies, False
        state = State.load(row)
        turn = Turn(self, app, incoming, customer.id, customer.nominativo, state, key_base,
                    card_text=card_text)
        await self._dispatch(turn)
        if not turn.replies:
            turn.say(t("menu-prompt"), *menu_rows(turn))
        state.screen += 1
        _expire_buttons(state, self.registry.entry_actions)
        _record(state, incoming, turn)
        replies = [part for reply in turn.replies for part in split_long(reply)]
        await self._save(app, row.version, state, incoming, replies)
        return replies, False

    async def _unlinked(self, app: Sportello, incoming: Incoming) -> list[Reply]:
        """A chat nobody is linked to sees nothing but the way to link it."""
        from core.linking import looks_like_code

        code = incoming.argument if incoming.command == "start" else (incoming.text or "")
        code = code.strip()
        if incoming.command == "start" and not code:
            return [Reply(t("link-needed"))]
        if incoming.command != "start" and not looks_like_code(code):
            # "buongiorno" from an unlinked chat is not a wrong code: just say how to link.
            return [Reply(t("link-needed"))]
        if not (4 <= len(code) <= 32 and code.isalnum()):
            return [Reply(t("link-invalid"))]
        customer_id, outcome = await app.link_chat(
            code, incoming.chat_id, incoming.user_id or incoming.chat_id)
        if customer_id is None:
            log.warning("link attempt refused", extra={"chat": incoming.chat_id,
                                                       "outcome": outcome})
            return [Reply(t(f"link-{outcome.removeprefix('link_')}"))]
        replies, _ = await self._handle_once(
            app, Incoming(incoming.chat_id, command="start", user_id=incoming.user_id),
            uuid.uuid4().hex)
        return replies

    async def push(self, chat_id: str, build: Callable[[Turn], Awaitable[None]]) -> list[Reply]:
        """Replies the bot sends on its own (a notice, a staff reply), with live buttons.

        Nothing is sent to an unlinked chat. The buttons are registered in the chat's
        conversation like any others, so they are checked the same way when pressed.
        """
        async with self._chat_lock(chat_id):
            for _attempt in range(3):
                try:
                    async with self.app.unit(lock=chat_id) as app:
                        return await self._push_once(app, chat_id, build)
                except (_Conflict, IntegrityError):
                    continue
            return []

    async def _push_once(self, app: Sportello, chat_id: str,
                         build: Callable[[Turn], Awaitable[None]]) -> list[Reply]:
        row, customer, _ = await _conversation_of(app.session, chat_id)
        if row is None or customer is None:
            return []
        state = State.load(row)
        turn = Turn(self, app, Incoming(chat_id), customer.id, customer.nominativo, state,
                    uuid.uuid4().hex)
        await build(turn)
        if not turn.replies:  # nothing to say (a stale notice): the chat stays as it is
            return []
        state.screen += 1
        _expire_buttons(state, self.registry.entry_actions)
        for reply in turn.replies:
            state.history.append({"d": "out", "t": _stored(reply.text)})
        replies = [part for reply in turn.replies for part in split_long(reply)]
        await self._save(app, row.version, state, Incoming(chat_id), replies)
        return replies

    async def _dispatch(self, turn: Turn) -> None:
        incoming = turn.incoming
        try:
            if incoming.command:
                await _command(turn, incoming.command)
            elif incoming.payload is not None:
                await _press(turn, incoming.payload)
            elif incoming.text is not None:
                await _text(turn, incoming.text)
        except SportelloError as error:
            from handlers.flows.common import explain_error

            await explain_error(turn, error)

    async def _save(self, app: Sportello, version: int, state: State, incoming: Incoming,
                    replies: list[Reply]) -> None:
        """The new state, on the version read, and the update's replies: in the unit of
        work, so they commit with everything the update did."""
        now = app.clock.now()
        session = app.session
        saved = await session.execute(_SAVE, {
            "chat": incoming.chat_id, "read_version": version, "flow": state.flow,
            "step": state.step, "data": state.dump(),
            "history": state.history[-HISTORY_KEPT:], "version": version + 1,
            "updated_at": now})
        if rows_changed(saved) != 1:
            raise _Conflict
        if incoming.update_id:
            await session.execute(_PROCESSED, {
                "update_id": incoming.update_id, "chat_id": incoming.chat_id,
                "replies": _stored_replies(replies), "created_at": now})

    async def _remember(self, app: Sportello, incoming: Incoming,
                        replies: list[Reply]) -> None:
        if incoming.update_id:
            app.session.add(ProcessedUpdate(
                update_id=incoming.update_id, chat_id=incoming.chat_id,
                replies=_stored_replies(replies), created_at=app.clock.now()))
            await app.session.flush()

    async def history(self, chat_id: str) -> list[dict[str, str]]:
        async with self.app.sessions() as session:
            row = (await session.execute(select(Conversation).where(
                Conversation.chat_id == chat_id))).scalar_one_or_none()
            return list(row.history or []) if row else []


_CONTROL = {c: None for c in range(32) if chr(c) not in "\n\t"} | {0x7F: None}


@dataclass
class _ChatLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # updates holding or waiting for it


# Built once: statements of every update (building them took a third of an update's CPU).
_CONVERSATION = (select(Conversation, Customer)
                 .outerjoin(Customer, Customer.id == Conversation.customer_id)
                 .where(Conversation.chat_id == bindparam("chat")))
_CONVERSATION_AND_DONE = _CONVERSATION.add_columns(
    select(ProcessedUpdate.replies).where(ProcessedUpdate.update_id == bindparam("update"))
    .scalar_subquery())
_CONVERSATIONS: Table = Conversation.__table__  # type: ignore[assignment]
_SAVE = (_CONVERSATIONS.update()
         .where(_CONVERSATIONS.c.chat_id == bindparam("chat"),
                _CONVERSATIONS.c.version == bindparam("read_version"))
         .values({name: bindparam(name, type_=_CONVERSATIONS.c[name].type) for name in (
             "flow", "step", "data", "history", "version", "updated_at")}))
_PROCESSED = ProcessedUpdate.__table__.insert()  # type: ignore[attr-defined]


async def _conversation_of(session: Any, chat_id: str, update_id: str | None = None
                           ) -> tuple[Conversation | None, Customer | None, Any]:
    """The chat's conversation, its customer and, if `update_id` was handled before, the
    replies stored for it: one statement, as this runs for every update."""
    if update_id:
        found = (await session.execute(_CONVERSATION_AND_DONE,
                                       {"chat": chat_id, "update": update_id})).first()
    else:
        found = (await session.execute(_CONVERSATION, {"chat": chat_id})).first()
    if found is None:
        return None, None, None
    return found[0], found[1], (found[2] if update_id else None)


def _masked(incoming: Incoming) -> Incoming:
    """Every card number the update carries, masked (see `core.cards`)."""
    from dataclasses import replace

    masked = replace(
        incoming,
        text=mask_cards(incoming.text) if incoming.text is not None else None,
        payload=mask_cards(incoming.payload) if incoming.payload is not None else None,
        command=mask_cards(incoming.command) if incoming.command else incoming.command,
        argument=mask_cards(incoming.argument))
    return incoming if masked == incoming else masked


def _stored_replies(replies: list[Reply]) -> list[dict[str, Any]]:
    """Replies as kept for a repeat of the update, card numbers masked: defence in depth,
    as no flow is given a card number to echo (the sandbox's test numbers in the card
    step's hint are the bot's own words, sent as they are)."""
    stored = [r.to_dict() for r in replies]
    for reply in stored:
        reply["text"] = mask_cards(reply["text"])
    return stored


def _stored(text: str) -> str:
    """A line of history: masked before it is cut, so no card is cut to a shorter,
    unrecognisable run of its digits."""
    return mask_cards(text)[:500]


def _clean(incoming: Incoming) -> Incoming:
    """Control characters (NUL above all, which PostgreSQL cannot store) are dropped."""
    from dataclasses import replace

    return replace(
        incoming,
        text=incoming.text.translate(_CONTROL) if incoming.text is not None else None,
        payload=incoming.payload.translate(_CONTROL) if incoming.payload is not None else None,
        command=incoming.command.translate(_CONTROL) if incoming.command else incoming.command,
        argument=incoming.argument.translate(_CONTROL),
        update_id=(incoming.update_id.translate(_CONTROL)[:96]
                   if incoming.update_id else incoming.update_id),
    )


class Unavailable(Exception):
    """The database could not be reached: nothing was recorded. `replies` tell the
    customer to retry; a door should also leave the update unacknowledged (a webhook
    answers 503 so that Telegram delivers it again)."""

    def __init__(self, replies: list[Reply]) -> None:
        super().__init__("database unavailable")
        self.replies = replies
        self.delete_incoming = False  # as in `Handled`


class FloodGate:
    """Per chat: a burst of 8 updates, then 2 a second. Past that, updates are dropped
    (the first with a polite word) until the chat slows down; other chats never wait."""

    BURST, RATE = 8.0, 2.0

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        import time

        self._clock = clock or time.monotonic
        self._chats: dict[str, TokenBucket] = {}
        self._warned: set[str] = set()

    def check(self, chat_id: str) -> str:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            bucket = self._chats[chat_id] = TokenBucket(self.RATE, self.BURST, self._clock)
        if bucket.try_take():
            self._warned.discard(chat_id)
            verdict = "ok"
        else:
            verdict = "drop" if chat_id in self._warned else "warn"
            self._warned.add(chat_id)
        if len(self._chats) > 50_000:  # forget chats whose bucket is full again
            self._chats = {c: b for c, b in self._chats.items() if not b.full()}
            self._warned &= self._chats.keys()
        return verdict


class _Conflict(Exception):
    """The conversation changed under us (another worker): handle the update again."""


def _expire_buttons(state: State, entry_actions: frozenset[str]) -> None:
    """Keep the buttons just shown, and entry buttons of the last few screens."""
    state.buttons = {
        token: spec for token, spec in state.buttons.items()
        if spec["s"] == state.screen
        or (spec["a"] in entry_actions and spec["s"] > state.screen - ENTRY_SCREENS_KEPT)
    }


def _record(state: State, incoming: Incoming, turn: Turn) -> None:
    if incoming.command:
        said = f"/{incoming.command}"
    elif incoming.payload is not None:
        said = f"[{turn.pressed}]"
    else:
        said = t("history-masked") if turn.mask_input else _stored(incoming.text or "")
        if incoming.attachment is not None:  # a file: said so, with its caption if any
            said = " ".join(filter(None, [t(f"attachment-{incoming.attachment.kind}"), said]))
    state.history.append({"d": "in", "t": said})
    for reply in turn.replies:
        state.history.append({"d": "out", "t": _stored(reply.text)})
    state.history = state.history[-HISTORY_KEPT:]


async def _command(turn: Turn, command: str) -> None:
    handler = turn.engine.registry.commands.get(command.lower())
    if handler is None:
        turn.say(t("err-unknown-command", command=command[:32]), *menu_rows(turn))
        return
    await handler(turn)


async def _press(turn: Turn, payload: str) -> None:
    spec = turn.state.buttons.get(payload) if len(payload) <= 64 else None
    if spec is None:
        turn.say(t("err-stale-button"), *menu_rows(turn))
        return
    turn.pressed = spec.get("l", "")
    await turn.engine.registry.actions[spec["a"]](turn, dict(spec["p"]))


async def _text(turn: Turn, text: str) -> None:
    from handlers.flows import common

    if len(text) > MAX_TEXT:
        turn.say(t("err-too-long", limit=MAX_TEXT), *menu_rows(turn))
        return
    registry = turn.engine.registry
    step = f"{turn.state.flow}.{turn.state.step}"
    handler = registry.text_steps.get(step)
    # A file without a caption answers a step that takes any text (a ticket's message).
    attached = turn.incoming.attachment is not None and step in registry.verbatim_steps
    if not text.strip() and not attached:
        turn.say(t("menu-prompt"), *menu_rows(turn))
        return
    if turn.card_text is not None:
        if handler is not None and step in registry.card_steps:
            await handler(turn, turn.card_text)  # the one place the digits go
        else:
            common.refuse_card(turn, waiting=handler is not None)
        return
    if handler is not None and step in registry.verbatim_steps:
        await handler(turn, text)
        return
    if common.asks_for_operator(text):
        common.ask_operator(turn, text)
        return
    if handler is not None:
        await handler(turn, text)
        return
    await common.free_text(turn, text)


def menu_rows(turn: Turn) -> list[list[Button]]:
    """The main menu as buttons, two per row."""
    items = [("btn-products", "products.list"), ("btn-renew", "renew.start"),
             ("btn-cancel", "cancel.start"), ("btn-recover", "recover.start"),
             ("btn-change", "change.start"), ("btn-orders", "orders.list"),
             ("btn-support", "support.menu")]
    buttons = [turn.btn(t(label), name) for label, name in items]
    return [buttons[i:i + 2] for i in range(0, len(buttons), 2)]

