"""The Zalo channel: updates in (long polling or webhook), flow results out as plain-text messages.

Thin on purpose: the flows decide what to say; this turns Zalo updates into ``Inbound`` events and
``Reply`` objects into one or more text messages of at most 2,000 characters.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.intake.dispatcher import IncomingEvent
from bot.render import render_plain
from bot.zalo.client import ZaloClient
from bot.zalo.errors import ZaloBadRequest, ZaloError, ZaloUnauthorized
from bot.zalo.photos import PhotoFetcher
from bot.zalo.updates import CHANNEL, parse_update, parse_updates, split_text, to_inbound, units
from handlers.texts import common as C
from handlers.types import Attachment, Inbound, Reply

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
MIN_SECRET_LENGTH, MAX_SECRET_LENGTH = 8, 256

DOCUMENT_NOTICE = C.DOCUMENT_NOT_ON_ZALO
UNAUTHORIZED_LOG = "Zalo từ chối token (401): kiểm tra ZALO_BOT_TOKEN. Dừng nhận tin nhắn Zalo."

OnSent = Callable[[int], Awaitable[None]]
Receive = Callable[[str, list[IncomingEvent]], Awaitable[int]]


class ZaloChannel:
    """Receives into ``receive`` (which stores an update before this channel lets it go) and sends text."""

    def __init__(
        self,
        client: ZaloClient,
        receive: Receive,
        *,
        photos: PhotoFetcher | None = None,
        on_sent: OnSent | None = None,
        poll_timeout: int = 30,
        error_backoff: float = 1.0,
        min_poll_interval: float = 1.0,
        max_error_backoff: float = 60.0,
    ) -> None:
        self._client = client
        self._receive = receive
        self._photos = photos
        self._on_sent = on_sent
        self._poll_timeout = poll_timeout
        self._error_backoff = error_backoff
        self._min_poll_interval = min_poll_interval
        self._max_error_backoff = max_error_backoff

    # --- receiving -------------------------------------------------------------------------------------

    async def poll_forever(self, stop: asyncio.Event) -> None:
        """Long-polls until ``stop`` is set; returns at once if Zalo rejects the token.

        Zalo's getUpdates has no offset: an update it hands over is ours, so it is stored before the next
        poll. An empty answer, an error, or an update handed over again (Zalo replays what it thinks was not
        taken) never make the loop spin: each backs off, the replays increasingly.
        """
        stop_waiter = asyncio.create_task(stop.wait())
        webhook_cleared = False
        failures = repeats = 0
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
                    offered, fresh = await self._store(body) if body is not None else (0, 0)
                    if fresh:
                        repeats = 0
                        continue
                    if offered:  # only updates already stored are replays; one not for us is no replay
                        repeats += 1
                    # Idle (the server long-polls, so this normally took poll_timeout) or a replay: pause.
                    pause = self._min_poll_interval * min(2**repeats, 30) if repeats else self._min_poll_interval
                    idle_for = pause - (time.monotonic() - started) if not repeats else pause
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

    async def _poll_once(self, stop_waiter: asyncio.Task[bool]) -> Any:
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

    async def _store(self, body: Any) -> tuple[int, int]:
        """Store every readable update in ``body`` meant for the flows; how many were offered, how many new."""
        events: list[IncomingEvent] = []
        for raw in parse_updates(body):
            update = parse_update(raw)
            if update is None:
                logger.warning("Zalo sent an update this adapter cannot read (%s); ignored", _shape(raw))
                continue
            if to_inbound(update) is None:
                continue
            events.append(IncomingEvent(update.user_id, update.message_id, dict(raw)))
        if not events:
            return 0, 0
        return len(events), await self._receive(CHANNEL, events)

    async def process_webhook(self, body: bytes, secret_header: str | None, expected_secret: str) -> int:
        """One webhook delivery: 403 without the secret, 400 if unreadable, 200 once it is stored."""
        if not _secret_matches(secret_header, expected_secret):
            logger.warning("Zalo webhook refused: missing or wrong secret header")
            return 403
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return 400
        updates = parse_updates(payload)
        if not updates or any(parse_update(u) is None for u in updates):
            return 400
        await self._store(payload)
        return 200

    async def start_webhook(self, url: str, secret: str) -> None:
        if not MIN_SECRET_LENGTH <= len(secret) <= MAX_SECRET_LENGTH:
            raise ValueError(f"the webhook secret must be {MIN_SECRET_LENGTH}–{MAX_SECRET_LENGTH} characters")
        await self._client.set_webhook(url, secret)

    async def decode(self, payload: dict[str, Any]) -> Inbound | None:
        """A stored update as the neutral event; a photo is fetched from its URL."""
        update = parse_update(payload)
        if update is None:
            return None
        inbound = to_inbound(update)
        photos = self._photos
        if inbound is None or photos is None or inbound.attachment is None or not inbound.attachment.url:
            return inbound
        announced = inbound

        async def load() -> Attachment:
            fetched = (await photos.fetch(announced)).attachment
            assert fetched is not None
            return fetched

        # The photo is downloaded only if the current step takes it.
        return dataclasses.replace(inbound, attachment=dataclasses.replace(inbound.attachment, loader=load))

    # --- sending ---------------------------------------------------------------------------------------

    async def send(self, user_id: str, reply: Reply) -> None:
        """Sends one reply as one or more text messages, in order. Raises ``ZaloError`` on failure.

        A chunk Zalo refuses as too long (it may count differently from us) is cut in half and sent again."""
        text = render_plain(reply)
        if reply.document is not None:
            text = f"{text}\n\n{DOCUMENT_NOTICE.format(file_name=reply.document.file_name)}"
        for chunk in split_text(text):
            await self._send_chunk(user_id, chunk)

    async def _send_chunk(self, user_id: str, chunk: str, depth: int = 0) -> None:
        try:
            await self._client.send_message(user_id, chunk)
        except ZaloBadRequest as err:
            if depth >= 3 or units(chunk) < 200 or not _about_length(err):
                raise
            logger.info("Zalo refused a %d-unit message as too long; sending it in two", units(chunk))
            for piece in split_text(chunk, max(units(chunk) // 2, 100)):
                await self._send_chunk(user_id, piece, depth + 1)
            return
        await self._count_sent()

    async def _count_sent(self) -> None:
        if self._on_sent is None:
            return
        try:
            await self._on_sent(1)
        except Exception:
            # The message went out; a failed quota counter must not make the caller send it again.
            logger.exception("Zalo: on_sent callback failed")


def _about_length(err: ZaloError) -> bool:
    text = str(err).lower()
    return any(word in text for word in ("length", "long", "2000", "text", "too large", "exceed"))


def _shape(raw: Any) -> str:
    """What an unreadable update looked like, without its content (no user text in logs)."""
    if isinstance(raw, dict):
        return "keys " + ",".join(sorted(str(k) for k in raw)[:10])
    return type(raw).__name__


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
