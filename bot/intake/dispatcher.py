"""Handling stored events: one worker per sender takes that sender's events oldest first, runs the core on each,
and in the same transaction marks the event handled and writes what to say into the reply outbox.

Different senders are handled concurrently, so one user's slow send or flood wait never delays another user.
After a crash, ``recover`` (run at start and then periodically) finds every event nobody live is handling.

In the common case a message costs no claim of its own: it is stored claimed by this process (nothing else of
the sender being open), handled, and its answer is written already claimed and handed to the reply sender.
A worker asks the database for a sender's next event only when it was told one more arrived (``kick``), and
waits a moment when another live process holds the sender (a webhook replica handling that user right now).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.intake.busy import BusyWait
from bot.intake.codec import reply_to_json
from bot.intake.sending import ReplySender
from handlers.store import Store
from handlers.texts import common as C
from handlers.types import Inbound, Reply, Result
from storage.intake import FAILED, INBOX, OUTBOX, Busy, InboxItem, OutboxItem, Pruned, SqlIntake

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
        retention: timedelta | None = None,
        prune_seconds: float = 3600.0,
    ) -> None:
        """``retention``: handled events and sent replies older than this are deleted by the maintenance loop,
        every ``prune_seconds`` (None keeps them)."""
        self.intake = intake
        self.handle = handle
        self.replies = replies
        self.clock = clock
        self.decoders: dict[str, Decoder] = {}
        self.heartbeat_seconds = heartbeat_seconds
        self.recover_seconds = recover_seconds
        self.retention = retention
        self.prune_seconds = prune_seconds
        self._last_recover = 0.0
        self._last_prune: float | None = None
        self._pruning: asyncio.Task[Pruned] | None = None
        self._workers: dict[tuple[str, str], asyncio.Task[None]] = {}
        # Senders with events to claim from the database, and events already claimed, handed in memory.
        self._again: set[tuple[str, str]] = set()
        self._handed: dict[tuple[str, str], deque[InboxItem]] = {}
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
        for new in stored:
            self.kick(channel, new.sender, new.item)
        return len(stored)

    # --- handling --------------------------------------------------------------------------------------
    def kick(self, channel: str, sender: str, handed: InboxItem | None = None) -> None:
        """Make sure a worker serves the sender: with ``handed``, an event this process stored claimed; without,
        the worker claims from the database (an event stored behind another, or found by recovery)."""
        key = (channel, sender)
        if self._stopping or channel not in self.decoders:
            if handed is not None:
                self.intake.let_go(INBOX, handed.id)
            return
        if handed is not None:
            self._handed.setdefault(key, deque()).append(handed)
        else:
            self._again.add(key)
        task = self._workers.get(key)
        if task is None or task.done():
            self._workers[key] = asyncio.create_task(self._work(channel, sender), name=f"intake {channel}")

    def _next_handed(self, key: tuple[str, str]) -> InboxItem | None:
        queue = self._handed.get(key)
        if not queue:
            self._handed.pop(key, None)
            return None
        return queue.popleft()

    async def _work(self, channel: str, sender: str) -> None:
        key = (channel, sender)
        # What the transaction that handled the previous event claimed, if it claimed.
        following: InboxItem | None = None
        busy = BusyWait()
        try:
            while not self._stopping:
                item = following or self._next_handed(key)
                following = None
                if item is None:
                    if key not in self._again:
                        return
                    self._again.discard(key)
                    claimed = await self.intake.claim_event(channel, sender, self.clock())
                    if isinstance(claimed, Busy):
                        self._again.add(key)
                        if not await busy.again():
                            return
                        continue
                    if claimed is None:
                        continue
                    item = claimed
                    self._again.add(key)  # more may wait behind it: claimed with this one's transaction
                busy.reset()
                following = await self._handle_one(item)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("intake worker for a %s sender failed; the event will be retried", channel)
        finally:
            if self._workers.get(key) is asyncio.current_task():
                del self._workers[key]
                for left in self._handed.pop(key, ()):
                    self.intake.let_go(INBOX, left.id)

    async def _handle_one(self, item: InboxItem) -> InboxItem | None:
        """Handle one claimed event. When the worker was told of another event of the sender meanwhile, the
        transaction that commits this one claims that next one too (returned)."""
        decoder = self.decoders[item.channel]
        key = (item.channel, item.sender)
        following: list[InboxItem] = []
        handed: list[OutboxItem] = []
        wanted = False
        try:
            inbound = await decoder(json.loads(item.payload))
            if inbound is None:
                await self._finish_without_effect(item)
                self.intake.let_go(INBOX, item.id)
                return None

            async def commit(store: Store, result: Result) -> None:
                nonlocal wanted
                session = store.session  # type: ignore[attr-defined]
                await self.intake.finish_event(session, item.id, self.clock())
                rows = [(inbound.channel, inbound.user_id, reply_to_json(r)) for r in result.replies]
                rows += [(o.channel, o.user_id, reply_to_json(o.reply)) for o in result.outgoing + result.menus]
                for gone in handed:  # a retried transaction: what the rolled-back one handed never existed
                    self.intake.let_go(OUTBOX, gone.id)
                handed[:] = await self.intake.add_replies(
                    session, rows, self.clock(), claim_chat=(inbound.channel, inbound.user_id)
                )
                following.clear()
                if wanted or key in self._again:
                    wanted = True
                    self._again.discard(key)
                    claimed = await self.intake.claim_next_event(session, item.channel, item.sender, self.clock())
                    if claimed is not None:
                        self._again.add(key)  # busy, or more may wait behind the one claimed
                    if isinstance(claimed, InboxItem):
                        following.append(claimed)

            result = await self.handle(inbound, commit)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("handling a %s event failed (attempt %d)", item.channel, item.attempts)
            for gone in handed:
                self.intake.let_go(OUTBOX, gone.id)
            self.intake.let_go(INBOX, item.id)
            self._again.add(key)
            if item.attempts < MAX_EVENT_ATTEMPTS:
                await asyncio.sleep(0.2 * item.attempts)
                return None
            await self._set_aside(item)
            return None
        self.intake.let_go(INBOX, item.id)
        own = (inbound.channel, inbound.user_id)
        others = [(o.channel, o.user_id) for o in result.outgoing + result.menus]
        if handed:
            self.replies.send_handed(*own, handed)
        elif result.replies or own in others:
            self.replies.kick(*own)  # written behind an older unsent reply: the chat's worker claims them
        for chat in dict.fromkeys(others):
            if chat != own:
                self.replies.kick(*chat)
        return following[0] if following else None

    async def _finish_without_effect(self, item: InboxItem) -> None:
        async with self.intake.database.transaction() as session:
            await self.intake.finish_event(session, item.id, self.clock())

    async def _set_aside(self, item: InboxItem) -> None:
        """A poison event: mark it failed and apologise, so the sender's later events go through."""
        async with self.intake.database.transaction() as session:
            await self.intake.finish_event(session, item.id, self.clock(), FAILED)
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
        self._last_recover = asyncio.get_running_loop().time()
        self._maintenance = asyncio.create_task(self._maintain(), name="intake maintenance")

    async def _maintain(self) -> None:
        while not self._stopping:
            await asyncio.sleep(self.heartbeat_seconds)
            try:
                await self.maintain()
            except Exception:
                log.exception("intake maintenance failed; trying again")

    async def maintain(self) -> asyncio.Task[Pruned] | None:
        """One pass of the maintenance loop: beat; every ``recover_seconds`` take up what nobody live is working on;
        every ``prune_seconds`` (the first pass after start included) start deleting what is past the retention
        period. The prune runs beside the loop, so that a long one (a first run on months of rows) never delays a
        beat: returns it when this pass started one."""
        loop = asyncio.get_running_loop()
        await self.intake.beat(self.clock())
        if loop.time() - self._last_recover >= self.recover_seconds:
            self._last_recover = loop.time()
            await self.recover()
        if self.retention is None or (self._pruning is not None and not self._pruning.done()):
            return None
        if self._last_prune is not None and loop.time() - self._last_prune < self.prune_seconds:
            return None
        self._last_prune = loop.time()
        self._pruning = asyncio.create_task(self._prune(self.clock() - self.retention), name="intake retention")
        return self._pruning

    async def _prune(self, before: datetime) -> Pruned:
        try:
            pruned = await self.intake.prune(before)
        except Exception:
            log.exception("deleting handled intake rows failed; trying again in %.0f s", self.prune_seconds)
            return Pruned(0, 0)
        if pruned.events or pruned.replies:
            log.info("retention: %d handled events and %d sent replies deleted", pruned.events, pruned.replies)
        return pruned

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
        for background in (self._maintenance, self._pruning):
            if background is not None:
                background.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await background
        tasks = list(self._workers.values())
        if tasks:
            await asyncio.wait(tasks, timeout=10)
        for task in tasks:
            task.cancel()
        await self.replies.stop()
        with contextlib.suppress(Exception):
            await self.intake.retire()
