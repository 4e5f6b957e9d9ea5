"""A Telegram Bot API server for the tests, on 127.0.0.1, written with aiohttp.

It follows the Bot API documentation for the methods the bot uses and answers the
frameworks' own HTTP clients (httpx for python-telegram-bot, aiohttp for aiogram) exactly
as Telegram would: `{"ok": true, "result": ...}`, errors with `error_code`, `description`
and `parameters.retry_after`, long polling that really waits for `timeout` seconds.
The test side injects what users do (messages, button presses, payments) and reads what
the bot sent. Faults are injected with `fail` (an error status on one method or on any,
with Telegram's JSON body or a proxy's HTML page), a wrong token (401 on every method,
`getMe` first) and `closed_port` (connection refused).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

BOT_ID = 7_000_000_001
JSON_FIELDS = {"reply_markup", "prices", "commands", "allowed_updates", "reply_parameters",
               "link_preview_options", "entities", "scope"}


@dataclass
class User:
    id: int
    first_name: str
    last_name: str = ""
    username: str = ""

    def as_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class Sent:
    """A message the bot sent (or edited), as stored by the server."""

    chat_id: int
    message_id: int
    text: str
    keyboard: list[list[dict[str, Any]]]
    thread_id: int | None = None
    reply_to: int | None = None
    invoice: dict[str, Any] | None = None
    edits: int = 0
    copy_of: tuple[int, int] | None = None  # (chat, message) copied by copyMessage
    file: str | None = None  # photo | document, for a copy of a file
    document: tuple[str, bytes] | None = None  # (file name, bytes) sent by sendDocument

    def labels(self) -> list[str]:
        return [b["text"] for row in self.keyboard for b in row]

    def data_for(self, label: str) -> str:
        for row in self.keyboard:
            for button in row:
                if button["text"].startswith(label):
                    return str(button["callback_data"])
        raise AssertionError(f"no button {label!r} in {self.labels()}")


@dataclass
class Fault:
    """An error the server answers instead of running `method` ("*": any method), `times`
    times (None: until removed). `html`: a proxy's error page instead of Telegram's JSON."""

    method: str
    status: int = 500
    html: bool = False
    times: int | None = 1
    description: str = "Internal Server Error"
    hits: int = 0

    def matches(self, method: str) -> bool:
        return self.method in ("*", method) and (self.times is None or self.hits < self.times)


@dataclass
class FakeTelegram:
    token: str = "123456789:AAH-sportello-test-token-000000000000"
    username: str = "sportello_test_bot"
    forum_chats: set[int] = field(default_factory=set)
    members: dict[int, set[int]] = field(default_factory=dict)  # chat -> member user ids
    blocked: set[int] = field(default_factory=set)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    callback_answers: list[dict[str, Any]] = field(default_factory=list)
    pre_checkout_answers: list[dict[str, Any]] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    webhook: dict[str, Any] = field(default_factory=dict)
    failures: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    unauthorized: list[str] = field(default_factory=list)  # methods called with a wrong token
    received: dict[tuple[int, int], str] = field(default_factory=dict)  # users' messages
    deleted: list[tuple[int, int]] = field(default_factory=list)  # (chat, message) deleted
    files: dict[tuple[int, int], str] = field(default_factory=dict)  # users' files: kind
    topics: dict[int, str] = field(default_factory=dict)  # forum topic id -> current name

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._topic_ids = itertools.count(50)
        self._new_update = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        # What the bot showed each chat (sent or edited), counted, with an event per change:
        # the tap benchmark waits for the next screen without polling.
        self._shown: dict[int, int] = {}
        self._changed = asyncio.Event()

    # --- server ---------------------------------------------------------------------------

    def fail(self, method: str, status: int = 500, html: bool = False,
             times: int | None = 1, description: str = "Internal Server Error") -> Fault:
        """From now on, `method` ("*": any) answers `status`, `times` times."""
        fault = Fault(method, status, html, times, description)
        self.faults.append(fault)
        return fault

    def failed(self, method: str) -> int:
        """How many calls of `method` got an injected fault."""
        return sum(f.hits for f in self.faults if f.method in ("*", method))

    async def start(self, port: int = 0) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        server: Any = site._server
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            self.unauthorized.append(request.match_info["method"])
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        self.calls.append((method, params))
        for fault in self.faults:
            if fault.matches(method):
                fault.hits += 1
                if fault.html:
                    return _html_error(fault.status)
                return _error(fault.status, fault.description)
        for i, (name, code, extra) in enumerate(self.failures):
            if name == method:
                del self.failures[i]
                return _error(code, extra.get("description", "error"),
                              extra.get("parameters"))
        handler = getattr(self, f"api_{method.lower()}", None)
        if handler is None:
            return _error(404, f"Not Found: method {method} not found")
        try:
            result = await handler(params)
        except _ApiError as failure:
            return _error(failure.code, failure.description)
        return web.json_response({"ok": True, "result": result})

    # --- Bot API methods --------------------------------------------------------------------

    async def api_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Sportello",
                "username": self.username, "can_join_groups": True,
                "can_read_all_group_messages": True, "supports_inline_queries": False}

    async def api_getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not self._updates and time.monotonic() < deadline:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        limit = int(params.get("limit") or 100)
        return self._updates[:limit]

    async def api_deletewebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {}
        return True

    async def api_setwebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = dict(params)
        return True

    async def api_setmycommands(self, params: dict[str, Any]) -> bool:
        self.commands = list(params.get("commands") or [])
        return True

    async def api_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        text = str(params.get("text") or "")
        if not text or len(text) > 4096:
            raise _ApiError(400, "Bad Request: message text is empty or too long")
        keyboard = _keyboard(params)
        reply_to = params.get("reply_to_message_id") or (
            (params.get("reply_parameters") or {}).get("message_id"))
        sent = Sent(chat_id, next(self._message_ids), text, keyboard,
                    int(params["message_thread_id"]) if params.get("message_thread_id")
                    else None, int(reply_to) if reply_to else None)
        self.sent.append(sent)
        self._show(chat_id)
        return self._message_json(sent)

    async def api_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        for sent in self.sent:
            if sent.chat_id == chat_id and sent.message_id == message_id:
                new_text, new_keyboard = str(params["text"]), _keyboard(params)
                if (new_text, new_keyboard) == (sent.text, sent.keyboard):
                    raise _ApiError(400, "Bad Request: message is not modified")
                sent.text, sent.keyboard = new_text, new_keyboard
                sent.edits += 1
                self._show(chat_id)
                return self._message_json(sent)
        raise _ApiError(400, "Bad Request: message to edit not found")

    async def api_deletemessage(self, params: dict[str, Any]) -> bool:
        """A user's message (or one the bot sent) leaves the chat."""
        key = (int(params["chat_id"]), int(params["message_id"]))
        if self.received.pop(key, None) is None:
            sent = [s for s in self.sent if (s.chat_id, s.message_id) == key]
            if not sent:
                raise _ApiError(400, "Bad Request: message to delete not found")
            self.sent.remove(sent[0])
        self.deleted.append(key)
        return True

    async def api_copymessage(self, params: dict[str, Any]) -> dict[str, Any]:
        """A user's file into another chat, with the caption given (or its own)."""
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        source = (int(params["from_chat_id"]), int(params["message_id"]))
        if source not in self.files:
            raise _ApiError(400, "Bad Request: message to copy not found")
        reply_to = (params.get("reply_parameters") or {}).get("message_id")
        caption = params.get("caption")
        sent = Sent(chat_id, next(self._message_ids),
                    str(caption) if caption is not None else self.received[source], [],
                    int(params["message_thread_id"]) if params.get("message_thread_id")
                    else None, int(reply_to) if reply_to else None, copy_of=source,
                    file=self.files[source])
        self.sent.append(sent)
        return {"message_id": sent.message_id}

    async def api_senddocument(self, params: dict[str, Any]) -> dict[str, Any]:
        """A file uploaded by the bot (multipart/form-data), its caption as the text."""
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        upload = params.get("document")
        if isinstance(upload, str) and upload.startswith("attach://"):
            upload = params.get(upload.removeprefix("attach://"))  # the Bot API's form
        if not isinstance(upload, web.FileField):
            raise _ApiError(400, "Bad Request: there is no document in the request")
        data = upload.file.read()
        if not data:
            raise _ApiError(400, "Bad Request: file must be non-empty")
        caption = str(params.get("caption") or "")
        if len(caption) > 1024:
            raise _ApiError(400, "Bad Request: message caption is too long")
        sent = Sent(chat_id, next(self._message_ids), caption, _keyboard(params),
                    file="document", document=(upload.filename, data))
        self.sent.append(sent)
        self._show(chat_id)
        result = self._message_json(sent)
        del result["text"]
        if caption:
            result["caption"] = caption
        result["document"] = {"file_id": f"bot-doc-{sent.message_id}",
                              "file_unique_id": f"bot-doc-{sent.message_id}",
                              "file_name": upload.filename, "mime_type": "application/pdf",
                              "file_size": len(data)}
        return result

    def documents(self, chat_id: int) -> list[Sent]:
        """The files the bot sent to `chat_id` with sendDocument."""
        return [s for s in self.to(chat_id) if s.document is not None]

    async def api_answercallbackquery(self, params: dict[str, Any]) -> bool:
        self.callback_answers.append(dict(params))
        return True

    async def api_sendinvoice(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        prices = params["prices"]
        sent = Sent(chat_id, next(self._message_ids), "", [], invoice={
            "title": params["title"], "description": params["description"],
            "payload": params["payload"], "currency": params["currency"],
            "total_amount": sum(int(p["amount"]) for p in prices),
            "provider_token": params.get("provider_token")})
        self.sent.append(sent)
        self._show(chat_id)
        data = self._message_json(sent)
        data.pop("text", None)
        data["invoice"] = {"title": params["title"], "description": params["description"],
                           "start_parameter": "", "currency": params["currency"],
                           "total_amount": sent.invoice["total_amount"]}  # type: ignore[index]
        return data

    async def api_answerprecheckoutquery(self, params: dict[str, Any]) -> bool:
        self.pre_checkout_answers.append(dict(params))
        return True

    async def api_getchat(self, params: dict[str, Any]) -> dict[str, Any]:
        """A ChatFullInfo: the chat plus the fields the Bot API always returns."""
        chat_id = int(params["chat_id"])
        return {**self._chat(chat_id), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                        "unique_gifts": False, "premium_subscription": False,
                                        "gifts_from_channels": False}}

    async def api_getchatmember(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        status = "member" if user_id in self.members.get(chat_id, set()) else "left"
        return {"status": status, "user": {"id": user_id, "is_bot": False,
                                           "first_name": str(user_id)}}

    async def api_createforumtopic(self, params: dict[str, Any]) -> dict[str, Any]:
        thread = next(self._topic_ids)
        self.topics[thread] = str(params["name"])
        return {"message_thread_id": thread, "name": params["name"],
                "icon_color": 7322096}

    async def api_editforumtopic(self, params: dict[str, Any]) -> bool:
        thread = int(params["message_thread_id"])
        if thread not in self.topics:
            raise _ApiError(400, "Bad Request: TOPIC_ID_INVALID")
        if "name" in params:
            self.topics[thread] = str(params["name"])
        return True

    # --- what users do ------------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        self._new_update.set()
        return update

    def user_message(self, user: User, text: str, chat_id: int | None = None,
                     reply_to: Sent | None = None, thread_id: int | None = None,
                     update: dict[str, Any] | None = None,
                     file: str | None = None) -> dict[str, Any]:
        """A user's message; with `file` (photo | document), that file with `text` as its
        caption (none if empty)."""
        chat = chat_id if chat_id is not None else user.id
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": self._chat(chat, user), "from": user.as_api(), "text": text}
        if file is not None:
            del message["text"]
            if text:
                message["caption"] = text
            unique = f"{file}-{message['message_id']}"
            if file == "photo":
                message["photo"] = [{"file_id": f"{unique}-{size}", "file_unique_id": unique,
                                     "width": size, "height": size} for size in (90, 1280)]
            else:
                message["document"] = {"file_id": unique, "file_unique_id": unique,
                                       "file_name": "screenshot.pdf"}
            self.files[(chat, message["message_id"])] = file
        if text.startswith("/") and file is None:
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(command)}]
        if reply_to is not None:
            message["reply_to_message"] = self._message_json(reply_to)
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        self.received[(chat, message["message_id"])] = text
        return self.push({"message": message, **(update or {})})

    def press(self, user: User, sent: Sent, label: str | None = None,
              data: str | None = None) -> dict[str, Any]:
        return self.push({"callback_query": {
            "id": str(next(self._message_ids)), "from": user.as_api(),
            "message": self._message_json(sent), "chat_instance": f"ci{sent.chat_id}",
            "data": data if data is not None else sent.data_for(label or "")}})

    async def accept_terms(self, user: User, sent: Sent, timeout: float = 30.0) -> Sent:
        """Tick «Accetto le condizioni generali» on `sent` (the order step asks for it
        before «Procedi al pagamento») and return the message once it offers what follows."""
        self.press(user, sent, "Accetto le condizioni generali")
        shown = self.shown(sent.chat_id)
        await self.shown_after(sent.chat_id, shown, timeout)
        await self.until(lambda: "Accetto le condizioni generali" not in self.to(
            sent.chat_id)[-1].labels(), timeout)
        return self.to(sent.chat_id)[-1]

    def pre_checkout(self, user: User, invoice: dict[str, Any],
                     amount: int | None = None) -> dict[str, Any]:
        return self.push({"pre_checkout_query": {
            "id": str(next(self._message_ids)), "from": user.as_api(),
            "currency": invoice["currency"],
            "total_amount": amount if amount is not None else invoice["total_amount"],
            "invoice_payload": invoice["payload"]}})

    def successful_payment(self, user: User, invoice: dict[str, Any],
                           charge_id: str) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": self._chat(user.id, user), "from": user.as_api(),
            "successful_payment": {
                "currency": invoice["currency"], "total_amount": invoice["total_amount"],
                "invoice_payload": invoice["payload"],
                "telegram_payment_charge_id": charge_id,
                "provider_payment_charge_id": f"prov-{charge_id}"}}
        return self.push({"message": message})

    def redeliver(self, update: dict[str, Any]) -> None:
        """The same update again, as Telegram does after a timeout on its side."""
        self._updates.append(update)
        self._new_update.set()

    # --- reading what the bot did ---------------------------------------------------------------

    def to(self, chat_id: int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]

    async def wait_for(self, chat_id: int, contains: str, timeout: float = 30.0,
                       after: int = 0) -> Sent:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for sent in self.to(chat_id)[after:]:
                if contains in sent.text or (sent.invoice and contains == "<invoice>"):
                    return sent
            await asyncio.sleep(0.02)
        texts = "\n---\n".join(s.text for s in self.to(chat_id))
        raise AssertionError(f"no message with {contains!r} to {chat_id}; got:\n{texts}")

    def shown(self, chat_id: int) -> int:
        """How many messages the bot has sent or edited in `chat_id` so far."""
        return self._shown.get(chat_id, 0)

    async def shown_after(self, chat_id: int, count: int, timeout: float = 30.0) -> None:
        """Wait until the bot sends or edits something in `chat_id` beyond `count`."""
        async with asyncio.timeout(timeout):
            while self._shown.get(chat_id, 0) <= count:
                await self._changed.wait()

    def _show(self, chat_id: int) -> None:
        self._shown[chat_id] = self._shown.get(chat_id, 0) + 1
        self._changed.set()
        self._changed = asyncio.Event()

    async def until(self, condition: Any, timeout: float = 30.0) -> None:
        """Wait until `condition()` holds (the bot works asynchronously)."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("condition not reached in time")
            await asyncio.sleep(0.02)

    async def idle(self, seconds: float = 0.3) -> None:
        """Let the bot work through what it has (updates are consumed quickly)."""
        deadline = time.monotonic() + 10
        while self._updates and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        await asyncio.sleep(seconds)

    # --- helpers --------------------------------------------------------------------------------

    def _chat(self, chat_id: int, user: User | None = None) -> dict[str, Any]:
        if chat_id > 0:
            data: dict[str, Any] = {"id": chat_id, "type": "private",
                                    "first_name": user.first_name if user else "Utente"}
            return data
        return {"id": chat_id, "type": "supergroup", "title": "Supporto",
                "is_forum": chat_id in self.forum_chats}

    def _message_json(self, sent: Sent) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": sent.message_id, "date": int(time.time()),
            "chat": self._chat(sent.chat_id), "text": sent.text,
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Sportello",
                     "username": self.username}}
        if sent.keyboard:
            data["reply_markup"] = {"inline_keyboard": sent.keyboard}
        if sent.thread_id is not None:
            data["message_thread_id"] = sent.thread_id
            data["is_topic_message"] = True
        return data


class _ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


def _error(code: int, description: str,
           parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


def _html_error(code: int) -> web.Response:
    """What a reverse proxy (nginx) answers when Telegram's side is down: not JSON."""
    title = f"{code} Bad Gateway" if code == 502 else f"{code} Error"
    return web.Response(status=code, content_type="text/html", text=(
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"))


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on: connecting there is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _params(request: web.Request) -> dict[str, Any]:
    """Both JSON bodies and (multipart or urlencoded) forms, nested fields JSON-decoded."""
    if request.content_type == "application/json":
        raw = await request.json()
    elif request.can_read_body:
        raw = dict(await request.post())
    else:
        raw = dict(request.query)
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and key in JSON_FIELDS:
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        params[key] = value
    return params


def _keyboard(params: dict[str, Any]) -> list[list[dict[str, Any]]]:
    markup = params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [list(row) for row in markup.get("inline_keyboard", [])]


async def wait_ready(port: int, timeout: float = 120.0) -> None:
    """Wait until a bot process on 127.0.0.1:`port` answers /healthz with 200: for as long
    as its start-up takes on a busy machine (seconds), within a generous `timeout`."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as client:
        while time.monotonic() < deadline:
            try:
                async with client.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"the bot on {port} never became ready")
