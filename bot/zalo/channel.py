"""The Zalo channel: updates in (long polling or webhook), flow results out as plain-text messages.

Thin on purpose: the flows decide what to say; this turns Zalo updates into ``Inbound`` events and
``Reply`` objects into one or more text messages of at most 2,000 characters.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.render import render_plain
from bot.zalo.client import ZaloClient
from bot.zalo.errors import ZaloError, ZaloUnauthorized
from bot.zalo.updates import CHANNEL, ZaloUpdate, parse_update, split_text, to_inbound
from handlers.ports import HandleFn
from handlers.types import Inbound, Reply, Result

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
MIN_SECRET_LENGTH, MAX_SECRET_LENGTH = 8, 256

APOLOGY = "Xin lỗi, hệ thống đang gặp sự cố. Những gì Anh/Chị đã nhập vẫn được lưu; vui lòng thử lại sau ít phút."
DOCUMENT_NOTICE = (
    "Tài liệu «{file_name}» không gửi được qua Zalo; Anh/Chị vui lòng xem trên Telegram hoặc liên hệ thư ký hội đồng."
)
UNAUTHORIZED_LOG = "Zalo từ chối token (401): kiểm tra ZALO_BOT_TOKEN. Dừng nhận tin nhắn Zalo."

OnSent = Callable[[int], Awaitable[None]]


class _RecentIds:
    """A bounded set of recently seen message ids, oldest forgotten first."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()

    def add(self, message_id: str) -> bool:
        """Records the id; False when it was already there (a redelivery)."""
        if message_id in self._ids:
            self._ids.move_to_end(message_id)
            return False
        self._ids[message_id] = None
        if len(self._ids) > self._capacity:
            self._ids.popitem(last=False)
        return True


class ZaloChannel:
    def __init__(
        self,
        client: ZaloClient,
        handle: HandleFn,
        *,
        on_sent: OnSent | None = None,
        poll_timeout: int = 30,
        error_backoff: float = 1.0,
        min_poll_interval: float = 1.0,
        max_error_backoff: float = 60.0,
        seen_capacity: int = 10_000,
    ) -> None:
        self._client = client
        self._handle = handle
        self._on_sent = on_sent
        self._poll_timeout = poll_timeout
        self._error_backoff = error_backoff
        self._min_poll_interval = min_poll_interval
        self._max_error_backoff = max_error_backoff
        self._seen = _RecentIds(seen_capacity)
        # One user's events are handled one at a time and in order (webhooks may arrive concurrently).
        self._user_locks: dict[str, _UserLock] = {}

    # --- receiving -------------------------------------------------------------------------------------

    async def poll_forever(self, stop: asyncio.Event) -> None:
        """Long-polls until ``stop`` is set, or returns at once if Zalo rejects the token."""
        stop_waiter = asyncio.create_task(stop.wait())
        webhook_cleared = False
        failures = 0
        try:
            while not stop.is_set():
                try:
                    if not webhook_cleared:
                        # Polling and a webhook exclude each other.
                        await self._client.delete_webhook()
                        webhook_cleared = True
                    started = time.monotonic()
                    body = await self._poll_once(stop_waiter)
                    failures = 0
                    if body is not None:
                        await self._process_body(body)
                    else:
                        # The server long-polls, so an idle answer normally took poll_timeout seconds;
                        # if it came back at once, pause rather than spin.
                        idle_for = self._min_poll_interval - (time.monotonic() - started)
                        if idle_for > 0:
                            await asyncio.wait({stop_waiter}, timeout=idle_for)
                except ZaloUnauthorized:
                    logger.error(UNAUTHORIZED_LOG)
                    return
                except _Stopped:
                    return
                except Exception as err:
                    failures += 1
                    delay = min(self._error_backoff * 2 ** (failures - 1), self._max_error_backoff)
                    if isinstance(err, ZaloError):
                        logger.warning("Zalo polling failed (%s); trying again in %.1fs", err, delay)
                    else:
                        logger.exception("Zalo polling: unexpected error; trying again in %.1fs", delay)
                    await asyncio.wait({stop_waiter}, timeout=delay)
        finally:
            stop_waiter.cancel()

    async def _poll_once(self, stop_waiter: asyncio.Task[bool]) -> dict[str, Any] | None:
        """One long poll, abandoned as soon as ``stop`` is set (the server may hold it for 30 s)."""
        poll = asyncio.ensure_future(self._client.get_updates(self._poll_timeout))
        try:
            await asyncio.wait({poll, stop_waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            # Also when poll_forever itself is cancelled: an orphaned poll would swallow the next update.
            if not poll.done():
                poll.cancel()
                with contextlib.suppress(asyncio.CancelledError, ZaloError):
                    await poll
        if poll.cancelled():
            raise _Stopped
        return poll.result()

    async def process_webhook(self, body: bytes, secret_header: str | None, expected_secret: str) -> int:
        """Handles one webhook delivery and returns the HTTP status to answer with."""
        if not _secret_matches(secret_header, expected_secret):
            logger.warning("Zalo webhook refused: missing or wrong secret header")
            return 403
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return 400
        update = parse_update(payload)
        if update is None:
            return 400
        try:
            await self._process(update)
        except ZaloUnauthorized:
            logger.error(UNAUTHORIZED_LOG)
        return 200

    async def start_webhook(self, url: str, secret: str) -> None:
        if not MIN_SECRET_LENGTH <= len(secret) <= MAX_SECRET_LENGTH:
            raise ValueError(f"the webhook secret must be {MIN_SECRET_LENGTH}–{MAX_SECRET_LENGTH} characters")
        await self._client.set_webhook(url, secret)

    async def _process_body(self, body: dict[str, Any]) -> None:
        update = parse_update(body)
        if update is None:
            logger.warning("Zalo sent an update this adapter cannot read; ignored")
            return
        await self._process(update)

    async def _process(self, update: ZaloUpdate) -> None:
        if not self._seen.add(update.message_id):
            logger.info("Zalo redelivered message %s; ignored", update.message_id)
            return
        inbound = to_inbound(update)
        if inbound is None:
            return
        async with self._user_lock(inbound.user_id):
            await self._dispatch(inbound)

    @contextlib.asynccontextmanager
    async def _user_lock(self, user_id: str) -> AsyncIterator[None]:
        entry = self._user_locks.get(user_id)
        if entry is None:
            entry = self._user_locks[user_id] = _UserLock()
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._user_locks[user_id]

    async def _dispatch(self, inbound: Inbound) -> None:
        try:
            result = await self._handle(inbound)
        except Exception:
            logger.exception("Zalo: the flow failed on message %s", inbound.event_id)
            result = Result(replies=[Reply(APOLOGY)])
        for reply in result.replies:
            await self._deliver(inbound.user_id, reply)
        for out in result.outgoing:
            if out.channel == CHANNEL:
                await self._deliver(out.user_id, out.reply)

    async def _deliver(self, user_id: str, reply: Reply) -> None:
        """``send`` for the receive path: a failed delivery is logged, never fatal (except a bad token)."""
        try:
            await self.send(user_id, reply)
        except ZaloUnauthorized:
            raise
        except ZaloError as err:
            logger.warning("Zalo: could not send to user %s: %s", user_id, err)

    # --- sending ---------------------------------------------------------------------------------------

    async def send(self, user_id: str, reply: Reply) -> None:
        """Sends one reply as one or more text messages, in order. Raises ``ZaloError`` on failure."""
        text = render_plain(reply)
        if reply.document is not None:
            text = f"{text}\n\n{DOCUMENT_NOTICE.format(file_name=reply.document.file_name)}"
        for chunk in split_text(text):
            await self._client.send_message(user_id, chunk)
            await self._count_sent()

    async def _count_sent(self) -> None:
        if self._on_sent is None:
            return
        try:
            await self._on_sent(1)
        except Exception:
            # The message went out; a failed quota counter must not make the caller send it again.
            logger.exception("Zalo: on_sent callback failed")


@dataclass
class _UserLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class _Stopped(Exception):
    """The stop event was set while a long poll was in flight."""


def _secret_matches(given: str | None, expected: str) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def webhook_handler(channel: ZaloChannel, secret: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    """An aiohttp request handler for the webhook route (mount it with ``app.router.add_post``)."""

    async def handler(request: web.Request) -> web.Response:
        body = await request.read()
        status = await channel.process_webhook(body, request.headers.get(SECRET_HEADER), secret)
        return web.json_response({"ok": status == 200}, status=status)

    return handler
