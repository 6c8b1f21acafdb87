"""A fake Telegram Bot API server for tests: real HTTP on 127.0.0.1, shaped like the real API.

python-telegram-bot talks to it exactly as it talks to api.telegram.org (pass ``base_url`` and
``base_file_url``). Tests play the human with ``user_sends_*`` / ``user_presses_button`` and look at what
the bot did with ``sent_to``, ``wait_for_messages``, ``callback_answers`` and ``log``.

Behaviour kept faithful where PTB 22 or our adapter depend on it: getMe has ``is_bot``; dates are Unix
seconds; callback queries carry ``chat_instance`` and the pressed message; commands carry a
``bot_command`` entity; editing a message to the same content is "message is not modified"; a callback
query can be answered once; getUpdates answers 409 while a webhook is set, and ends a long poll in progress with
409 when another getUpdates comes (two processes polling one token). Unknown chats are accepted
as private chats (real Telegram would say "chat not found" until the user writes first).

Rate limits (off by default) apply to the ``send*`` methods except sendChatAction; edits are not limited.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from types import TracebackType
from typing import Any, Self

from aiohttp import ClientError, ClientSession, ClientTimeout, web

JSON = dict[str, Any]

DEFAULT_TOKEN = "123456789:TEST-fake-token_abcdefghijklmnop"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_BOT_DOWNLOAD = 20 * 1024 * 1024  # the Bot API refuses getFile above 20 MB
WEBHOOK_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """An error answer of the Bot API: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def response(self) -> web.Response:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return web.json_response(body, status=self.code)


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    file_name: str = ""
    mime_type: str = ""

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class SentMessage:
    """A message the bot sent, as it stands now (edits update it in place)."""

    chat_id: int
    message_id: int
    method: str
    date: int
    text: str | None = None
    caption: str | None = None
    parse_mode: str | None = None
    reply_markup: JSON | None = None
    file: StoredFile | None = None
    edit_count: int = 0

    @property
    def document_name(self) -> str | None:
        return self.file.file_name if self.file and self.method == "sendDocument" else None

    @property
    def document_bytes(self) -> bytes | None:
        return self.file.content if self.file and self.method == "sendDocument" else None

    @property
    def photo_bytes(self) -> bytes | None:
        return self.file.content if self.file and self.method == "sendPhoto" else None

    @property
    def mime_type(self) -> str | None:
        return self.file.mime_type if self.file else None

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """The inline buttons as (label, callback_data), row by row; [] when there is no keyboard."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b.get("text", ""), b.get("callback_data", "")) for row in rows for b in row]


@dataclass(frozen=True)
class LogEntry:
    seq: int
    method: str
    chat_id: int
    message_id: int
    at: float  # time.monotonic()


@dataclass(frozen=True)
class RejectedCall:
    method: str
    chat_id: int
    error_code: int
    description: str
    retry_after: int | None = None
    at: float = field(default_factory=time.monotonic)
    limit: str = ""  # for a 429: "bot" (the overall limit), "chat" or "injected"


@dataclass(frozen=True)
class CallbackAnswer:
    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass(frozen=True)
class EditRecord:
    method: str
    chat_id: int
    message_id: int
    text: str | None
    reply_markup: JSON | None


@dataclass(frozen=True)
class WebhookDelivery:
    update_id: int | None
    status: int  # 0 when the webhook could not be reached


@dataclass
class _Queued:
    update: JSON
    redelivered: bool = False
    served: bool = False

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])


@dataclass(frozen=True)
class _Upload:
    file_name: str
    mime_type: str
    content: bytes


class _Params:
    """Request parameters from a query string, JSON body, urlencoded form or multipart form.

    PTB sends forms where every non-string value is JSON-encoded (``reply_markup``, ints, bools), so
    accessors accept both native JSON values and their string form.
    """

    def __init__(self, values: Mapping[str, Any], uploads: Mapping[str, _Upload]) -> None:
        self._values = dict(values)
        self._uploads = dict(uploads)

    @classmethod
    async def from_request(cls, request: web.Request) -> _Params:
        values: dict[str, Any] = dict(request.query)
        uploads: dict[str, _Upload] = {}
        if request.content_type == "application/json":
            body = await request.read()
            if body.strip():
                data = json.loads(body)
                if not isinstance(data, dict):
                    raise ValueError("JSON body is not an object")
                values.update(data)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[name] = _Upload(value.filename, value.content_type, value.file.read())
                else:
                    values[name] = value
        return cls(values, uploads)

    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self._values.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self._values.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None

    def require_int(self, name: str) -> int:
        value = self.get_int(name)
        if value is None:
            raise ApiError(400, f"Bad Request: {name} is empty")
        return value

    def get_float(self, name: str, default: float = 0.0) -> float:
        value = self._values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None

    def get_bool(self, name: str) -> bool:
        return self._values.get(name) in (True, 1, "true", "True", "1")

    def get_json(self, name: str) -> Any:
        value = self._values.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None
        return value

    def upload(self, name: str) -> _Upload | None:
        """The file uploaded for parameter ``name``: directly, or via an ``attach://<part>`` reference."""
        value = self._values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            return self._uploads.get(value.removeprefix("attach://"))
        return self._uploads.get(name)


class _SlidingWindow:
    """At most ``rate`` events in any one-second window."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._times: deque[float] = deque()

    def retry_after(self, now: float) -> int:
        while self._times and now - self._times[0] >= 1.0:
            self._times.popleft()
        if len(self._times) < self.rate:
            return 0
        return max(1, math.ceil(self._times[0] + 1.0 - now))

    def record(self, now: float) -> None:
        self._times.append(now)


ApiMethod = Callable[[_Params], Awaitable[Any]]


class FakeTelegram:
    """A Bot API server on 127.0.0.1:<ephemeral port>. Use as ``async with FakeTelegram() as fake:``."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        global_rate: int | None = None,
        per_chat_rate: int | None = None,
        inject_429_every: int | None = None,
        retry_webhooks: bool = False,
        latency: float = 0.0,
        bot_username: str = "sangkien_test_bot",
        bot_first_name: str = "Sáng kiến (test)",
    ) -> None:
        self.token = token
        self.global_rate = global_rate
        self.per_chat_rate = per_chat_rate
        self.inject_429_every = inject_429_every
        # Seconds every Bot API call takes before it is answered (a network round trip; benchmarks).
        self.latency = latency
        # As Telegram does: a webhook delivery not answered 200 is tried again, in order, until it is.
        self.retry_webhooks = retry_webhooks
        self._webhook_backlog: list[JSON] = []
        self._webhook_worker: asyncio.Task[None] | None = None
        bot_id = token.split(":", 1)[0]
        self.bot_user: JSON = {
            "id": int(bot_id) if bot_id.isdigit() else 1,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

        # Observation.
        self.sent: list[SentMessage] = []
        self.log: list[LogEntry] = []
        self.edits: list[EditRecord] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.chat_actions: list[tuple[int, str]] = []
        self.rejected: list[RejectedCall] = []
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.commands: dict[str, list[JSON]] = {}
        self.file_requests: list[str] = []  # getFile calls: the bot downloading what a user sent

        # State.
        self.webhook_url: str = ""
        self.webhook_secret: str | None = None
        self._pending: list[_Queued] = []
        self._history: dict[int, JSON] = {}
        self._bot_messages: dict[tuple[int, int], SentMessage] = {}
        self._users: dict[int, JSON] = {}
        self._blocked: set[int] = set()
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._open_queries: set[str] = set()
        self._next_message_id: dict[int, int] = {}
        self._update_ids = itertools.count(100_001)
        self._file_seq = itertools.count(1)
        self._query_seq = itertools.count(4_000_000_000_001)
        self._log_seq = itertools.count(1)
        self._send_attempts = 0
        self._global_window = _SlidingWindow(global_rate) if global_rate else None
        self._chat_windows: dict[int, _SlidingWindow] = {}
        self._updates_changed = asyncio.Condition()
        self._poll_generation = 0
        self._changed = asyncio.Condition()
        self._closing = False

        self._runner: web.AppRunner | None = None
        self._http: ClientSession | None = None
        self._port = 0
        self._methods: dict[str, ApiMethod] = {
            name.lower(): impl
            for name, impl in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "answerCallbackQuery": self._answer_callback_query,
                "sendDocument": self._send_document,
                "sendPhoto": self._send_photo,
                "sendChatAction": self._send_chat_action,
                "getFile": self._get_file,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "close": self._true,
                "logOut": self._true,
            }.items()
        }

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> Self:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        # handler_cancellation: a long poll whose client went away (PTB cancels it on stop) ends at once.
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        self._http = ClientSession(timeout=ClientTimeout(total=30))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closing = True
        if self._webhook_worker is not None:
            self._webhook_worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_worker
        async with self._updates_changed:
            self._updates_changed.notify_all()
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/file/bot"

    # ------------------------------------------------------------------ the human side

    async def user_sends_text(self, user_id: int, text: str, first_name: str | None = None) -> int:
        return await self.deliver(self.make_text_update(user_id, text, first_name=first_name))

    async def user_presses_button(
        self,
        user_id: int,
        message_id: int,
        callback_data: str,
        *,
        strict: bool = True,
        first_name: str | None = None,
    ) -> int:
        """Press a button under one of the bot's messages; ``strict`` refuses buttons that are not there."""
        update = self.make_callback_update(user_id, message_id, callback_data, strict=strict, first_name=first_name)
        return await self.deliver(update)

    async def user_sends_document(
        self,
        user_id: int,
        file_name: str,
        content: bytes,
        mime_type: str = "application/octet-stream",
        *,
        caption: str | None = None,
        first_name: str | None = None,
    ) -> int:
        update = self.make_document_update(
            user_id, file_name, content, mime_type, caption=caption, first_name=first_name
        )
        return await self.deliver(update)

    async def user_sends_photo(
        self, user_id: int, content: bytes, *, caption: str | None = None, first_name: str | None = None
    ) -> int:
        return await self.deliver(self.make_photo_update(user_id, content, caption=caption, first_name=first_name))

    async def user_sends_sticker(self, user_id: int, *, emoji: str = "👍", first_name: str | None = None) -> int:
        return await self.deliver(self.make_sticker_update(user_id, emoji=emoji, first_name=first_name))

    async def user_sends(self, user_id: int, message_fields: JSON, *, first_name: str | None = None) -> int:
        """Any other kind of message, e.g. ``{"location": {"latitude": 21.0, "longitude": 105.8}}``."""
        return await self.deliver(self.make_update(user_id, message_fields, first_name=first_name))

    def user_blocks_bot(self, user_id: int) -> None:
        """From now on, sends to this user answer 403 "bot was blocked by the user"."""
        self._blocked.add(user_id)

    # ------------------------------------------------------------------ building raw updates

    def make_update(self, user_id: int, message_fields: JSON, *, first_name: str | None = None) -> JSON:
        """A ``message`` update from ``user_id`` in their private chat, with the given content fields."""
        user = self._user(user_id, first_name)
        message: JSON = {
            "message_id": self._new_message_id(user_id),
            "date": int(time.time()),
            "chat": self._chat(user_id),
            "from": user,
            **message_fields,
        }
        return {"update_id": next(self._update_ids), "message": message}

    def make_text_update(self, user_id: int, text: str, *, first_name: str | None = None) -> JSON:
        fields: JSON = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self.make_update(user_id, fields, first_name=first_name)

    def make_document_update(
        self,
        user_id: int,
        file_name: str,
        content: bytes,
        mime_type: str = "application/octet-stream",
        *,
        caption: str | None = None,
        first_name: str | None = None,
    ) -> JSON:
        stored = self._store_file("documents", content, file_name, mime_type)
        fields: JSON = {"document": self._document_json(stored)}
        if caption is not None:
            fields["caption"] = caption
        return self.make_update(user_id, fields, first_name=first_name)

    def make_photo_update(
        self, user_id: int, content: bytes, *, caption: str | None = None, first_name: str | None = None
    ) -> JSON:
        stored = self._store_file("photos", content, "", "image/jpeg")
        fields: JSON = {"photo": self._photo_sizes_json(stored)}
        if caption is not None:
            fields["caption"] = caption
        return self.make_update(user_id, fields, first_name=first_name)

    def make_sticker_update(self, user_id: int, *, emoji: str = "👍", first_name: str | None = None) -> JSON:
        stored = self._store_file("stickers", b"RIFF-fake-webp", "sticker.webp", "image/webp")
        sticker: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": stored.size,
        }
        return self.make_update(user_id, {"sticker": sticker}, first_name=first_name)

    def make_callback_update(
        self,
        user_id: int,
        message_id: int,
        callback_data: str,
        *,
        strict: bool = True,
        first_name: str | None = None,
    ) -> JSON:
        message = self._bot_messages.get((user_id, message_id))
        if message is None:
            raise ValueError(f"the bot sent no message {message_id} to chat {user_id}")
        if strict and callback_data not in [data for _, data in message.buttons]:
            raise ValueError(f"message {message_id} has no button {callback_data!r} (buttons: {message.buttons})")
        query_id = str(next(self._query_seq))
        self._open_queries.add(query_id)
        query: JSON = {
            "id": query_id,
            "from": self._user(user_id, first_name),
            "message": self._message_json(message),
            "chat_instance": self._chat_instance(user_id),
            "data": callback_data,
        }
        return {"update_id": next(self._update_ids), "callback_query": query}

    # ------------------------------------------------------------------ delivering updates

    async def deliver(self, update: JSON) -> int:
        """Hand an update to the bot: POST it to the webhook if one is set, else queue it for getUpdates."""
        update_id = int(update["update_id"])
        self._history[update_id] = update
        await self._dispatch(update, redelivered=False)
        return update_id

    async def redeliver(self, update_id: int) -> None:
        """Deliver an identical copy of an earlier update again, as Telegram does after a lost answer."""
        update = json.loads(json.dumps(self._history[update_id]))
        await self._dispatch(update, redelivered=True)

    async def post_to_webhook(self, body: JSON | bytes, headers: Mapping[str, str] | None = None) -> int:
        """POST anything to the webhook (e.g. a forged update); ``headers=None`` sends the configured secret.

        Returns the HTTP status, or 0 when the webhook could not be reached.
        """
        if not self.webhook_url or self._http is None:
            raise RuntimeError("no webhook is set")
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent_headers = {"Content-Type": "application/json"}
        if headers is None:
            if self.webhook_secret:
                sent_headers[WEBHOOK_SECRET_HEADER] = self.webhook_secret
        else:
            sent_headers.update(headers)
        try:
            async with self._http.post(self.webhook_url, data=data, headers=sent_headers) as response:
                await response.read()
                return response.status
        except (ClientError, TimeoutError):
            return 0

    @property
    def last_webhook_status(self) -> int | None:
        return self.webhook_deliveries[-1].status if self.webhook_deliveries else None

    @property
    def pending_updates(self) -> list[JSON]:
        return [queued.update for queued in self._pending]

    async def _dispatch(self, update: JSON, *, redelivered: bool) -> None:
        if self.webhook_url and self.retry_webhooks:
            self._webhook_backlog.append(update)
            if self._webhook_worker is None or self._webhook_worker.done():
                self._webhook_worker = asyncio.create_task(self._drain_webhooks())
            return
        if self.webhook_url:
            status = await self.post_to_webhook(update)
            self.webhook_deliveries.append(WebhookDelivery(int(update["update_id"]), status))
            await self._notify_changed()
            return
        async with self._updates_changed:
            self._pending.append(_Queued(update, redelivered=redelivered))
            self._updates_changed.notify_all()

    async def _drain_webhooks(self) -> None:
        while self._webhook_backlog and not self._closing and self.webhook_url:
            update = self._webhook_backlog[0]
            status = await self.post_to_webhook(update)
            self.webhook_deliveries.append(WebhookDelivery(int(update["update_id"]), status))
            if status == 200:
                self._webhook_backlog.pop(0)
                await self._notify_changed()
            else:
                await asyncio.sleep(0.2)

    @property
    def webhook_backlog(self) -> int:
        return len(self._webhook_backlog)

    # ------------------------------------------------------------------ observation

    def sent_to(self, chat_id: int | str) -> list[SentMessage]:
        chat = int(chat_id)
        return [message for message in self.sent if message.chat_id == chat]

    async def wait_for_messages(self, chat_id: int | str, count: int, timeout: float = 5.0) -> list[SentMessage]:
        """Wait until at least ``count`` messages were sent to the chat; return them all."""
        await self.wait_until(
            lambda: len(self.sent_to(chat_id)) >= count,
            timeout=timeout,
            what=lambda: f"{count} message(s) to chat {chat_id}, got {self.sent_to(chat_id)}",
        )
        return self.sent_to(chat_id)

    async def wait_until(
        self, predicate: Callable[[], bool], timeout: float = 5.0, what: Callable[[], str] | str = "condition"
    ) -> None:
        """Wait, without polling, until ``predicate()`` holds after some change in the fake."""
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(predicate)
        except TimeoutError:
            description = what() if callable(what) else what
            raise AssertionError(f"timed out after {timeout}s waiting for {description}") from None

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)

    # ------------------------------------------------------------------ HTTP layer

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return ApiError(401, "Unauthorized").response()
        impl = self._methods.get(request.match_info["method"].lower())
        if impl is None:
            return ApiError(404, "Not Found").response()
        if self.latency:
            await asyncio.sleep(self.latency)
        try:
            params = await _Params.from_request(request)
            result = await impl(params)
        except ApiError as error:
            return error.response()
        except ValueError:
            return ApiError(400, "Bad Request: can't parse request").response()
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return ApiError(401, "Unauthorized").response()
        stored = self._files_by_path.get(request.match_info["file_path"])
        if stored is None:
            return ApiError(404, "Not Found").response()
        return web.Response(body=stored.content, content_type=stored.mime_type or "application/octet-stream")

    # ------------------------------------------------------------------ API methods

    async def _true(self, _: _Params) -> bool:
        return True

    async def _get_me(self, _: _Params) -> JSON:
        return dict(self.bot_user)

    async def _get_updates(self, params: _Params) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
                "delete the webhook first",
            )
        offset = params.get_int("offset", 0) or 0
        limit = min(max(params.get_int("limit", 100) or 100, 1), 100)
        timeout = params.get_float("timeout", 0.0)
        async with self._updates_changed:
            # As Telegram does: a second poller ends the long poll in progress with 409 (two bot processes
            # polling one token keep cutting each other off).
            self._poll_generation += 1
            mine = self._poll_generation
            self._updates_changed.notify_all()
            self._confirm(offset)
            if not self._pending and timeout > 0 and not self._closing:
                try:
                    async with asyncio.timeout(timeout):
                        await self._updates_changed.wait_for(
                            lambda: bool(self._pending) or self._closing or self._poll_generation != mine
                        )
                except TimeoutError:
                    pass
            if self._poll_generation != mine:
                description = (
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
                )
                self.rejected.append(RejectedCall("getUpdates", 0, 409, description))
                raise ApiError(409, description)
            # Sorted, so PTB's next offset (last id + 1) confirms a redelivered old update as well.
            batch = sorted(self._pending[:limit], key=lambda queued: queued.update_id)
            for queued in batch:
                queued.served = True
        return [queued.update for queued in batch]

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            self._pending = self._pending[offset:]
            return
        # A redelivered update has an id below the offset; it is dropped once it has been served.
        self._pending = [
            queued
            for queued in self._pending
            if queued.update_id >= offset or (queued.redelivered and not queued.served)
        ]

    async def _send_message(self, params: _Params) -> JSON:
        chat_id = params.require_int("chat_id")
        text = params.get_str("text") or ""
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        markup = self._reply_markup(params)
        await self._admit("sendMessage", chat_id)
        message = self._new_bot_message(chat_id, "sendMessage", params, markup)
        message.text = text
        return await self._record(message)

    async def _send_document(self, params: _Params) -> JSON:
        return await self._send_file(params, "sendDocument", "document", "documents")

    async def _send_photo(self, params: _Params) -> JSON:
        return await self._send_file(params, "sendPhoto", "photo", "photos")

    async def _send_file(self, params: _Params, method: str, param: str, folder: str) -> JSON:
        chat_id = params.require_int("chat_id")
        caption = params.get_str("caption")
        if caption is not None and len(caption) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        markup = self._reply_markup(params)
        stored = self._incoming_file(params, param, folder)
        await self._admit(method, chat_id)
        message = self._new_bot_message(chat_id, method, params, markup)
        message.caption = caption
        message.file = stored
        return await self._record(message)

    def _incoming_file(self, params: _Params, param: str, folder: str) -> StoredFile:
        upload = params.upload(param)
        if upload is not None:
            if not upload.content:
                raise ApiError(400, "Bad Request: file must be non-empty")
            return self._store_file(folder, upload.content, upload.file_name, upload.mime_type)
        reference = params.get_str(param)
        if not reference:
            raise ApiError(400, f"Bad Request: there is no {param} in the request")
        stored = self._files.get(reference)
        if stored is None:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return stored

    async def _send_chat_action(self, params: _Params) -> bool:
        chat_id = params.require_int("chat_id")
        action = params.get_str("action") or ""
        if not action:
            raise ApiError(400, "Bad Request: action is empty")
        self._check_not_blocked("sendChatAction", chat_id)
        self.chat_actions.append((chat_id, action))
        return True

    async def _edit_message_text(self, params: _Params) -> JSON:
        message = self._message_to_edit(params)
        text = params.get_str("text") or ""
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if message.text is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        # As on Telegram, an edit without reply_markup removes the inline keyboard.
        markup = self._reply_markup(params)
        if text == message.text and markup == message.reply_markup:
            raise ApiError(400, _NOT_MODIFIED)
        message.text = text
        message.parse_mode = params.get_str("parse_mode")
        return await self._apply_edit("editMessageText", message, markup)

    async def _edit_message_reply_markup(self, params: _Params) -> JSON:
        message = self._message_to_edit(params)
        markup = self._reply_markup(params)
        if markup == message.reply_markup:
            raise ApiError(400, _NOT_MODIFIED)
        return await self._apply_edit("editMessageReplyMarkup", message, markup)

    def _message_to_edit(self, params: _Params) -> SentMessage:
        if params.get_str("inline_message_id"):
            raise ApiError(400, "Bad Request: inline messages are not supported by the fake")
        chat_id = params.require_int("chat_id")
        message_id = params.require_int("message_id")
        self._check_not_blocked("edit", chat_id)
        message = self._bot_messages.get((chat_id, message_id))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    async def _apply_edit(self, method: str, message: SentMessage, markup: JSON | None) -> JSON:
        message.reply_markup = markup
        message.edit_count += 1
        self.edits.append(EditRecord(method, message.chat_id, message.message_id, message.text, markup))
        await self._notify_changed()
        return self._message_json(message)

    async def _answer_callback_query(self, params: _Params) -> bool:
        query_id = params.get_str("callback_query_id") or ""
        if query_id not in self._open_queries:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        self._open_queries.discard(query_id)
        text = params.get_str("text")
        if text is not None and len(text) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.callback_answers.append(
            CallbackAnswer(query_id, text, params.get_bool("show_alert"), params.get_str("url"))
        )
        await self._notify_changed()
        return True

    async def _get_file(self, params: _Params) -> JSON:
        self.file_requests.append(params.get_str("file_id") or "")
        stored = self._files.get(params.get_str("file_id") or "")
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if stored.size > MAX_BOT_DOWNLOAD:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    async def _set_webhook(self, params: _Params) -> bool:
        url = params.get_str("url") or ""
        secret = params.get_str("secret_token")
        if url and not url.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        if secret is not None and not _SECRET_TOKEN_RE.match(secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if params.get_bool("drop_pending_updates"):
            self._pending.clear()
        self.webhook_url = url
        self.webhook_secret = secret if url else None
        return True

    async def _delete_webhook(self, params: _Params) -> bool:
        if params.get_bool("drop_pending_updates"):
            self._pending.clear()
        self.webhook_url = ""
        self.webhook_secret = None
        return True

    async def _get_webhook_info(self, _: _Params) -> JSON:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
            "max_connections": 40,
        }

    async def _set_my_commands(self, params: _Params) -> bool:
        commands = params.get_json("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        self.commands[self._commands_key(params)] = commands
        await self._notify_changed()
        return True

    async def _get_my_commands(self, params: _Params) -> list[JSON]:
        return self.commands.get(self._commands_key(params), [])

    async def _delete_my_commands(self, params: _Params) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    @staticmethod
    def _commands_key(params: _Params) -> str:
        scope = params.get_json("scope") or {"type": "default"}
        chat = f":{scope['chat_id']}" if "chat_id" in scope else ""
        return f"{scope.get('type', 'default')}{chat}:{params.get_str('language_code') or ''}"

    # ------------------------------------------------------------------ helpers

    async def _admit(self, method: str, chat_id: int) -> None:
        """Apply blocking, injected 429s and flood limits to a send; rejected calls are recorded."""
        self._check_not_blocked(method, chat_id)
        self._send_attempts += 1
        if self.inject_429_every and self._send_attempts % self.inject_429_every == 0:
            self._reject_flood(method, chat_id, 1, "injected")
        now = time.monotonic()
        chat_window = self._chat_window(chat_id)
        overall = self._global_window.retry_after(now) if self._global_window else 0
        wait = max(overall, chat_window.retry_after(now) if chat_window else 0)
        if wait:
            self._reject_flood(method, chat_id, wait, "bot" if overall else "chat")
        for window in (self._global_window, chat_window):
            if window is not None:
                window.record(now)

    def _chat_window(self, chat_id: int) -> _SlidingWindow | None:
        if not self.per_chat_rate:
            return None
        return self._chat_windows.setdefault(chat_id, _SlidingWindow(self.per_chat_rate))

    def _reject_flood(self, method: str, chat_id: int, retry_after: int, limit: str) -> None:
        description = f"Too Many Requests: retry after {retry_after}"
        self.rejected.append(RejectedCall(method, chat_id, 429, description, retry_after, limit=limit))
        raise ApiError(429, description, {"retry_after": retry_after})

    def _check_not_blocked(self, method: str, chat_id: int) -> None:
        if chat_id in self._blocked:
            description = "Forbidden: bot was blocked by the user"
            self.rejected.append(RejectedCall(method, chat_id, 403, description))
            raise ApiError(403, description)

    def _reply_markup(self, params: _Params) -> JSON | None:
        markup = params.get_json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _new_bot_message(self, chat_id: int, method: str, params: _Params, markup: JSON | None) -> SentMessage:
        return SentMessage(
            chat_id=chat_id,
            message_id=self._new_message_id(chat_id),
            method=method,
            date=int(time.time()),
            parse_mode=params.get_str("parse_mode"),
            reply_markup=markup,
        )

    async def _record(self, message: SentMessage) -> JSON:
        self._bot_messages[(message.chat_id, message.message_id)] = message
        self.sent.append(message)
        entry = LogEntry(next(self._log_seq), message.method, message.chat_id, message.message_id, time.monotonic())
        self.log.append(entry)
        await self._notify_changed()
        return self._message_json(message)

    async def _notify_changed(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _new_message_id(self, chat_id: int) -> int:
        # Private chats number user and bot messages in one sequence.
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _user(self, user_id: int, first_name: str | None) -> JSON:
        user = self._users.setdefault(
            user_id, {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": "vi"}
        )
        if first_name:
            user["first_name"] = first_name
        return dict(user)

    def _chat(self, chat_id: int) -> JSON:
        user = self._users.get(chat_id)
        first_name = user["first_name"] if user else f"User{chat_id}"
        return {"id": chat_id, "type": "private", "first_name": first_name}

    @staticmethod
    def _chat_instance(chat_id: int) -> str:
        return str(-(7_000_000_000_000_000 + chat_id))

    def _store_file(self, folder: str, content: bytes, file_name: str, mime_type: str) -> StoredFile:
        number = next(self._file_seq)
        suffix = PurePosixPath(file_name).suffix or (".jpg" if folder == "photos" else "")
        stored = StoredFile(
            file_id=f"FAKEFILE-{folder}-{number:06d}",
            file_unique_id=f"U{number:06d}",
            file_path=f"{folder}/file_{number}{suffix}",
            content=content,
            file_name=file_name,
            mime_type=mime_type,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    @staticmethod
    def _document_json(stored: StoredFile) -> JSON:
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": stored.file_name,
            "mime_type": stored.mime_type,
            "file_size": stored.size,
        }

    @staticmethod
    def _photo_sizes_json(stored: StoredFile) -> list[JSON]:
        # Telegram sends several sizes, smallest first; both point at the same bytes here.
        return [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 90,
                "height": 68,
                "file_size": stored.size,
            },
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 1280,
                "height": 960,
                "file_size": stored.size,
            },
        ]

    def _message_json(self, message: SentMessage) -> JSON:
        data: JSON = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": self._chat(message.chat_id),
            "from": dict(self.bot_user),
        }
        if message.edit_count:
            data["edit_date"] = int(time.time())
        if message.text is not None:
            data["text"] = message.text
        if message.caption is not None:
            data["caption"] = message.caption
        # As on Telegram, a message shows only an inline keyboard; a reply keyboard belongs to the chat.
        if message.reply_markup is not None and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        if message.file is not None and message.method == "sendDocument":
            data["document"] = self._document_json(message.file)
        if message.file is not None and message.method == "sendPhoto":
            data["photo"] = self._photo_sizes_json(message.file)
        return data


__all__ = [
    "DEFAULT_TOKEN",
    "WEBHOOK_SECRET_HEADER",
    "ApiError",
    "CallbackAnswer",
    "EditRecord",
    "FakeTelegram",
    "LogEntry",
    "RejectedCall",
    "SentMessage",
    "StoredFile",
    "WebhookDelivery",
]
