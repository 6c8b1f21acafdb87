"""Handling stored events: one worker per sender takes that sender's events oldest first, runs the core on each,
and in the same transaction marks the event handled and writes what to say into the reply outbox.

Different senders are handled concurrently, so one user's slow send or flood wait never delays another user.
After a crash, ``recover`` (run at start and then periodically) finds every event nobody live is handling.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.intake.codec import reply_to_json
from bot.intake.sending import ReplySender
from handlers.store import Store
from handlers.texts import common as C
from handlers.types import Inbound, Reply, Result
from storage.intake import InboxItem, SqlIntake

log = logging.getLogger(__name__)

APOLOGY = C.APOLOGY
# An event that fails this many times is set aside (with an apology) so it cannot block the sender forever.
MAX_EVENT_ATTEMPTS = 3


class Decoder(Protocol):
    """Turns a stored platform payload into the neutral event (fetching a file if the event carries one)."""

    async def __call__(self, payload: dict[str, Any]) -> Inbound | None: ...


HandleWithCommit = Callable[[Inbound, Callable[[Store, Result], Awaitable[None]]], Awaitable[Result]]


@dataclass(frozen=True)
class IncomingEvent:
    sender: str
    key: str
    payload: dict[str, Any]


def _payload_json(payload: dict[str, Any]) -> str:
    """The payload as JSON text any database takes: a lone surrogate (a platform may send "\\ud800") cannot be
    encoded as UTF-8, so such a payload keeps its escapes (decoding gives it back; the adapter cleans it)."""
    text = json.dumps(payload, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(payload)
    return text


class _Unclaimed:
    """Nothing was claimed for the worker beforehand: it claims afresh."""


UNCLAIMED = _Unclaimed()


class Dispatcher:
    def __init__(
        self,
        intake: SqlIntake,
        handle: HandleWithCommit,
        replies: ReplySender,
        clock: Callable[[], datetime],
        *,
        heartbeat_seconds: float = 5.0,
        recover_seconds: float = 10.0,
    ) -> None:
        self.intake = intake
        self.handle = handle
        self.replies = replies
        self.clock = clock
        self.decoders: dict[str, Decoder] = {}
        self.heartbeat_seconds = heartbeat_seconds
        self.recover_seconds = recover_seconds
        self._workers: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._again: set[tuple[str, str]] = set()
        self._maintenance: asyncio.Task[None] | None = None
        self._stopping = False

    def add_channel(self, channel: str, decoder: Decoder) -> None:
        self.decoders[channel] = decoder

    # --- receiving -------------------------------------------------------------------------------------
    async def receive(self, channel: str, events: list[IncomingEvent]) -> int:
        """Store events durably (only then may the platform be told they arrived); returns how many were new,
        not a redelivery of one stored before."""
        stored = await self.intake.store(
            channel,
            [(e.sender, e.key, _payload_json(e.payload)) for e in events],
            self.clock(),
        )
        for sender in dict.fromkeys(stored):
            self.kick(channel, sender)
        return len(stored)

    # --- handling --------------------------------------------------------------------------------------
    def kick(self, channel: str, sender: str) -> None:
        if self._stopping or channel not in self.decoders:
            return
        key = (channel, sender)
        task = self._workers.get(key)
        if task is not None and not task.done():
            self._again.add(key)
            return
        self._workers[key] = asyncio.create_task(self._work(channel, sender), name=f"intake {channel}")

    async def _work(self, channel: str, sender: str) -> None:
        key = (channel, sender)
        # What the transaction that handled the previous event claimed (UNCLAIMED: claim afresh).
        following: InboxItem | _Unclaimed | None = UNCLAIMED
        try:
            while not self._stopping:
                if isinstance(following, _Unclaimed):
                    self._again.discard(key)
                    item = await self.intake.claim_event(channel, sender, self.clock())
                else:
                    # A kick since that claim is still in _again, so an event stored meanwhile is not missed.
                    item = following
                following = UNCLAIMED
                if item is None:
                    if key in self._again:
                        continue
                    return
                following = await self._handle_one(item)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("intake worker for a %s sender failed; the event will be retried", channel)
        finally:
            if self._workers.get(key) is asyncio.current_task():
                del self._workers[key]

    async def _handle_one(self, item: InboxItem) -> InboxItem | _Unclaimed | None:
        """Handle one claimed event; when it commits, the sender's next event is claimed in the same transaction
        (returned: the next to handle, or None when there was none)."""
        decoder = self.decoders[item.channel]
        following: list[InboxItem | None] = []
        try:
            inbound = await decoder(json.loads(item.payload))
            if inbound is None:
                await self._finish_without_effect(item)
                return UNCLAIMED

            async def commit(store: Store, result: Result) -> None:
                session = store.session  # type: ignore[attr-defined]
                await self.intake.finish_event(session, item.id, self.clock())
                rows = [(inbound.channel, inbound.user_id, reply_to_json(r)) for r in result.replies]
                rows += [(o.channel, o.user_id, reply_to_json(o.reply)) for o in result.outgoing + result.menus]
                await self.intake.add_replies(session, rows, self.clock())
                # Runs again if the transaction is retried: only the last, committed, claim counts.
                following[:] = [await self.intake.claim_next_event(session, item.channel, item.sender, self.clock())]

            result = await self.handle(inbound, commit)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("handling a %s event failed (attempt %d)", item.channel, item.attempts)
            if item.attempts < MAX_EVENT_ATTEMPTS:
                await asyncio.sleep(0.2 * item.attempts)
                return UNCLAIMED
            await self._set_aside(item)
            return UNCLAIMED
        self.replies.kick(item.channel, item.sender)
        for outgoing in result.outgoing + result.menus:
            self.replies.kick(outgoing.channel, outgoing.user_id)
        return following[0] if following else UNCLAIMED

    async def _finish_without_effect(self, item: InboxItem) -> None:
        async with self.intake.database.transaction() as session:
            await self.intake.finish_event(session, item.id, self.clock())

    async def _set_aside(self, item: InboxItem) -> None:
        """A poison event: mark it failed and apologise, so the sender's later events go through."""
        async with self.intake.database.transaction() as session:
            await self.intake.finish_event(session, item.id, self.clock(), "failed")
            await self.intake.add_replies(
                session, [(item.channel, item.sender, reply_to_json(Reply(APOLOGY)))], self.clock()
            )
        self.replies.kick(item.channel, item.sender)

    # --- recovery and lifecycle ------------------------------------------------------------------------
    async def recover(self) -> None:
        for channel, sender in await self.intake.pending_senders(self.clock()):
            self.kick(channel, sender)
        await self.replies.recover()

    async def start(self) -> None:
        await self.intake.claim_alone(self.clock())
        await self.intake.beat(self.clock())
        await self.recover()
        self._maintenance = asyncio.create_task(self._maintain(), name="intake maintenance")

    async def _maintain(self) -> None:
        loop = asyncio.get_running_loop()
        last_recover = loop.time()
        while not self._stopping:
            await asyncio.sleep(self.heartbeat_seconds)
            try:
                await self.intake.beat(self.clock())
                if loop.time() - last_recover >= self.recover_seconds:
                    last_recover = loop.time()
                    await self.recover()
            except Exception:
                log.exception("intake maintenance failed; trying again")

    async def idle(self, timeout: float = 30.0) -> None:
        """Wait until no event is being handled and no reply is being sent (tests, the console)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            tasks = [t for t in self._workers.values() if not t.done()]
            if tasks:
                await asyncio.wait(tasks, timeout=deadline - loop.time())
                continue
            if await self.replies.idle(deadline - loop.time()):
                if not [t for t in self._workers.values() if not t.done()]:
                    return
            else:
                return

    async def stop(self) -> None:
        self._stopping = True
        if self._maintenance is not None:
            self._maintenance.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._maintenance
        tasks = list(self._workers.values())
        if tasks:
            await asyncio.wait(tasks, timeout=10)
        for task in tasks:
            task.cancel()
        await self.replies.stop()
        with contextlib.suppress(Exception):
            await self.intake.retire()
