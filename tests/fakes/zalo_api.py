"""An in-process fake of the Zalo Bot Platform API (aiohttp on 127.0.0.1), for adapter tests.

Behaves like the real service where the adapter depends on it: ``/bot<token>/<method>`` with JSON,
``{ok, result}`` / ``{ok: false, error_code, description}`` answers, a ``getUpdates`` that long-polls and
answers HTTP 408 when idle, the 2,000-character text limit, a monthly quota answered with 429, and
webhook delivery with the ``X-Bot-Api-Secret-Token`` header.

Unpleasant parts, as reported of the real service (../shared/research/zalo.md): one update per call and no
offset, so an update handed out is gone for the platform; ``replays=n`` hands every update out n more times
(one client author reports replays of updates Zalo thinks were not taken); text length counted in UTF-16
units (an emoji is two); ``fail_next`` injects any status, e.g. 403, which Zalo documents as an internal
error; with ``retry_webhooks`` a webhook delivery that is not answered 200 is tried again until it is, in order.

Choice where the public docs are silent: ``getUpdates`` while a webhook is set answers **409**
(``Conflict``), as Telegram's Bot API does.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

MAX_TEXT = 2000
SECRET_HEADER = "X-Bot-Api-Secret-Token"
_CONFIGURED = object()  # post_webhook(secret=...) default: the secret given to setWebhook


@dataclass(frozen=True)
class Call:
    method: str
    payload: dict[str, Any]
    status: int


class _Answer(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


class FakeZalo:
    def __init__(
        self,
        token: str,
        *,
        monthly_quota: int | None = None,
        fail_next: list[int] | None = None,
        webhook_wrapped: bool = True,
        replays: int = 0,
        retry_webhooks: bool = False,
    ) -> None:
        self.replays = replays
        self.retry_webhooks = retry_webhooks
        # Every update handed to the bot (by getUpdates or an accepted webhook call), by message id, in order.
        self.handed_out: list[str] = []
        self._webhook_backlog: deque[tuple[dict[str, Any], bool | None]] = deque()
        self._webhook_worker: asyncio.Task[None] | None = None
        self.token = token
        self.monthly_quota = monthly_quota
        self.fail_next: list[int] = list(fail_next or [])
        self.webhook_wrapped = webhook_wrapped
        self.calls: list[Call] = []
        self._calls_changed = asyncio.Condition()
        self.rejected = 0
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.webhook_statuses: list[int] = []
        self.photos: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.outbound_used = 0
        self._sent: dict[str, list[str]] = defaultdict(list)
        self._sent_changed = asyncio.Condition()
        self._queue: deque[dict[str, Any]] = deque()
        self._queue_changed = asyncio.Condition()
        self._updates: dict[str, dict[str, Any]] = {}
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.base_url = ""

    # --- lifecycle -------------------------------------------------------------------------------------

    async def __aenter__(self) -> FakeZalo:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._route)
        # No access log: it would print request paths, i.e. the token, into the tests' captured logs.
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._closing = True
        if self._webhook_worker is not None:
            self._webhook_worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_worker
        async with self._queue_changed:
            self._queue_changed.notify_all()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- simulating users ------------------------------------------------------------------------------

    async def user_sends_text(
        self, user_id: str, text: str, display_name: str = "Nguyễn Văn A", *, wrapped: bool | None = None
    ) -> str:
        return await self._user_event(user_id, "message.text.received", {"text": text}, display_name, wrapped)

    async def user_sends_image(
        self, user_id: str, photo_url: str, caption: str = "", *, wrapped: bool | None = None
    ) -> str:
        fields = {"photo_url": photo_url, "caption": caption}
        return await self._user_event(user_id, "message.image.received", fields, "Nguyễn Văn A", wrapped)

    async def user_sends_sticker(self, user_id: str, *, wrapped: bool | None = None) -> str:
        fields = {"sticker": "abc123", "url": "https://zalo.example/sticker.png"}
        return await self._user_event(user_id, "message.sticker.received", fields, "Nguyễn Văn A", wrapped)

    async def user_sends_unsupported(self, user_id: str, *, wrapped: bool | None = None) -> str:
        return await self._user_event(user_id, "message.unsupported.received", {}, "Nguyễn Văn A", wrapped)

    async def redeliver(self, message_id: str, *, wrapped: bool | None = None) -> None:
        """Delivers an already delivered update again, as the platform may after a timeout."""
        await self._deliver(self._updates[message_id], wrapped)

    async def post_webhook(
        self, body: bytes | dict[str, Any], *, secret: Any = _CONFIGURED, url: str | None = None
    ) -> int:
        """POSTs an arbitrary body to the webhook; ``secret=None`` sends no secret header."""
        target = url or self.webhook_url
        if target is None or self._session is None:
            raise RuntimeError("no webhook is set")
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        secret = self.webhook_secret if secret is _CONFIGURED else secret
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        async with self._session.post(target, data=data, headers=headers) as response:
            await response.read()
            return response.status

    async def _user_event(
        self, user_id: str, event_name: str, fields: dict[str, Any], display_name: str, wrapped: bool | None
    ) -> str:
        message_id = uuid.uuid4().hex
        message = {
            "message_id": message_id,
            "date": int(time.time() * 1000),
            "chat": {"id": user_id, "chat_type": "PRIVATE"},
            "from": {"id": user_id, "display_name": display_name, "is_bot": False},
            **fields,
        }
        update = {"event_name": event_name, "message": message}
        self._updates[message_id] = update
        await self._deliver(update, wrapped)
        return message_id

    async def _deliver(self, update: dict[str, Any], wrapped: bool | None) -> None:
        if self.webhook_url is not None and self.retry_webhooks:
            self._webhook_backlog.append((update, wrapped))
            if self._webhook_worker is None or self._webhook_worker.done():
                self._webhook_worker = asyncio.create_task(self._drain_webhooks())
            return
        if self.webhook_url is not None:
            use_wrapper = self.webhook_wrapped if wrapped is None else wrapped
            body = {"ok": True, "result": update} if use_wrapper else update
            self.webhook_statuses.append(await self.post_webhook(body))
            return
        async with self._queue_changed:
            self._queue.append(update)
            self._queue_changed.notify_all()

    async def _drain_webhooks(self) -> None:
        while self._webhook_backlog and not self._closing:
            update, wrapped = self._webhook_backlog[0]
            use_wrapper = self.webhook_wrapped if wrapped is None else wrapped
            body = {"ok": True, "result": update} if use_wrapper else update
            try:
                status = await self.post_webhook(body)
            except (aiohttp.ClientError, TimeoutError):
                status = 0
            self.webhook_statuses.append(status)
            if status == 200:
                self._webhook_backlog.popleft()
                self.handed_out.append(update["message"]["message_id"])
            else:
                await asyncio.sleep(0.2)

    def sender_of(self, message_id: str) -> str:
        return str(self._updates[message_id]["message"]["from"]["id"])

    @property
    def webhook_backlog(self) -> int:
        return len(self._webhook_backlog)

    # --- observing -------------------------------------------------------------------------------------

    def sent_to(self, chat_id: str) -> list[str]:
        return list(self._sent.get(chat_id, []))

    async def wait_for_messages(self, chat_id: str, count: int, timeout: float = 5) -> list[str]:
        """Waits until ``chat_id`` has received at least ``count`` texts; returns all of them."""

        def enough() -> bool:
            return len(self._sent.get(chat_id, [])) >= count

        async with self._sent_changed:
            try:
                await asyncio.wait_for(self._sent_changed.wait_for(enough), timeout)
            except TimeoutError:
                got = self.sent_to(chat_id)
                raise AssertionError(f"{chat_id} got {len(got)} of {count} messages: {got!r}") from None
        return self.sent_to(chat_id)

    async def wait_for_call(self, method: str, timeout: float = 5) -> Call:
        """Waits until ``method`` has been answered at least once; returns the first such call."""
        async with self._calls_changed:
            await asyncio.wait_for(self._calls_changed.wait_for(lambda: bool(self.calls_to(method))), timeout)
        return self.calls_to(method)[0]

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    # --- the API ---------------------------------------------------------------------------------------

    async def _route(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        payload = await _payload(request)
        status, result, description = await self._answer(request, method, payload)
        async with self._calls_changed:
            self.calls.append(Call(method, payload, status))
            self._calls_changed.notify_all()
        if status == 200:
            return web.json_response({"ok": True, "result": result})
        if not (status == 408 and method == "getUpdates"):
            self.rejected += 1
        body = {"ok": False, "error_code": status, "description": description}
        return web.json_response(body, status=status)

    async def _answer(self, request: web.Request, method: str, payload: dict[str, Any]) -> tuple[int, Any, str]:
        if not hmac.compare_digest(request.match_info["token"].encode(), self.token.encode()):
            return 401, None, "Unauthorized"
        if self.fail_next:
            return self.fail_next.pop(0), None, "Injected failure"
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return 404, None, "Not Found"
        try:
            return 200, await handler(payload), ""
        except _Answer as answer:
            return answer.status, None, answer.description

    async def _api_getMe(self, payload: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": "2111",
            "account_name": "bot.sangkien",
            "account_type": "BASIC",
            "can_join_groups": False,
        }

    async def _api_getUpdates(self, payload: dict[str, Any]) -> dict[str, Any]:
        if self.webhook_url is not None:
            raise _Answer(409, "Conflict: a webhook is set; call deleteWebhook before getUpdates")
        timeout = _number(payload.get("timeout"), default=0.0)
        async with self._queue_changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._queue_changed.wait_for(lambda: bool(self._queue) or self._closing), timeout
                )
            if self._queue and not self._closing:
                update = self._queue.popleft()
                self.handed_out.append(update["message"]["message_id"])
                replayed = update.setdefault("_replays", 0)
                if replayed < self.replays:
                    update["_replays"] = replayed + 1
                    self._queue.appendleft(update)
                return {k: v for k, v in update.items() if k != "_replays"}
        raise _Answer(408, "Request timeout")

    async def _api_sendMessage(self, payload: dict[str, Any]) -> dict[str, Any]:
        chat_id, text = payload.get("chat_id"), payload.get("text")
        if not isinstance(chat_id, str) or not chat_id:
            raise _Answer(400, "Bad Request: chat_id is required")
        if not isinstance(text, str) or not 1 <= len(text.encode("utf-16-le")) // 2 <= MAX_TEXT:
            raise _Answer(400, f"Bad Request: text must be 1-{MAX_TEXT} characters (text too long)")
        self._use_quota()
        async with self._sent_changed:
            self._sent[chat_id].append(text)
            self._sent_changed.notify_all()
        return {"message_id": uuid.uuid4().hex, "date": int(time.time() * 1000)}

    async def _api_sendPhoto(self, payload: dict[str, Any]) -> dict[str, Any]:
        chat_id, photo = payload.get("chat_id"), payload.get("photo")
        if not isinstance(chat_id, str) or not chat_id or not isinstance(photo, str) or not photo:
            raise _Answer(400, "Bad Request: chat_id and photo are required")
        self._use_quota()
        self.photos[chat_id].append((photo, str(payload.get("caption", ""))))
        return {"message_id": uuid.uuid4().hex, "date": int(time.time() * 1000)}

    async def _api_sendChatAction(self, payload: dict[str, Any]) -> bool:
        if not payload.get("chat_id") or not payload.get("action"):
            raise _Answer(400, "Bad Request: chat_id and action are required")
        return True

    async def _api_setWebhook(self, payload: dict[str, Any]) -> dict[str, Any]:
        url, secret = payload.get("url"), payload.get("secret_token")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise _Answer(400, "Bad Request: url is invalid")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            raise _Answer(400, "Bad Request: secret_token must be 8-256 characters")
        self.webhook_url, self.webhook_secret = url, secret
        return {"url": url, "updated_at": int(time.time() * 1000)}

    async def _api_deleteWebhook(self, payload: dict[str, Any]) -> dict[str, Any]:
        self.webhook_url = self.webhook_secret = None
        return {"url": "", "updated_at": int(time.time() * 1000)}

    async def _api_getWebhookInfo(self, payload: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.webhook_url or "", "updated_at": int(time.time() * 1000)}

    def _use_quota(self) -> None:
        if self.monthly_quota is not None and self.outbound_used >= self.monthly_quota:
            raise _Answer(429, "Too Many Requests: monthly message quota exceeded")
        self.outbound_used += 1


async def _payload(request: web.Request) -> dict[str, Any]:
    payload: dict[str, Any] = dict(request.query)
    raw = await request.read()
    if raw:
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if isinstance(body, dict):
            payload.update(body)
    return payload


def _number(value: Any, default: float) -> float:
    try:
        return max(float(value), 0.0)
    except (TypeError, ValueError):
        return default
