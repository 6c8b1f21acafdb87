"""Sending the reply outbox: one worker per chat sends that chat's replies oldest first.

A reply is marked ``sending`` before the platform call (claimed by this worker, or written so by the transaction
that decided it and handed over in memory) and ``sent`` right after, so a crash can repeat at most the one reply
that was in flight for each chat. A flood wait postpones only the chat it concerns;
a reply the platform refuses for good is kept as ``failed`` with the reason, never dropped silently (until the
retention period deletes it with the sent ones, ``SqlIntake.prune``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.intake.busy import BusyWait
from bot.intake.codec import reply_from_json
from handlers.types import Reply
from scheduler.ports import Rejected, RetryLater, Sender, Unreachable
from storage.intake import FAILED, OUTBOX, SENT, UNREACHABLE, Busy, OutboxItem, SqlIntake, Wait

log = logging.getLogger(__name__)

MAX_SEND_ATTEMPTS = 12
UNEXPECTED_RETRY_SECONDS = 15.0


class ReplySender:
    def __init__(self, intake: SqlIntake, sender: Sender, clock: Callable[[], datetime]) -> None:
        self.intake = intake
        self.sender = sender
        self.clock = clock
        self._workers: dict[tuple[str, str], asyncio.Task[None]] = {}
        # Chats with replies to claim from the database, and replies already claimed, handed in memory.
        self._again: set[tuple[str, str]] = set()
        self._handed: dict[tuple[str, str], deque[OutboxItem]] = {}
        self._stopping = False
        self._stopped = asyncio.Event()
        self.stats = {"sent": 0, "retried": 0, "failed": 0, "unreachable": 0}

    def kick(self, channel: str, chat: str) -> None:
        """Make sure a worker claims and sends the chat's unsent replies."""
        self._again.add((channel, chat))
        self._start(channel, chat)

    def send_handed(self, channel: str, chat: str, items: list[OutboxItem]) -> None:
        """Send replies written already claimed by this process (storage.intake.SqlIntake.add_replies), in order."""
        if self._stopping or channel not in self.sender.channels:
            for item in items:
                self.intake.let_go(OUTBOX, item.id)
            return
        self._handed.setdefault((channel, chat), deque()).extend(items)
        self._start(channel, chat)

    def _start(self, channel: str, chat: str) -> None:
        if self._stopping or channel not in self.sender.channels:
            return
        key = (channel, chat)
        task = self._workers.get(key)
        if task is None or task.done():
            self._workers[key] = asyncio.create_task(self._work(channel, chat), name=f"replies {channel}")

    def _give_back(self, key: tuple[str, str]) -> list[OutboxItem]:
        items = list(self._handed.pop(key, ()))
        for item in items:
            self.intake.let_go(OUTBOX, item.id)
        return items

    async def recover(self) -> None:
        for channel, chat in await self.intake.pending_chats(self.clock()):
            self.kick(channel, chat)

    async def _work(self, channel: str, chat: str) -> None:
        key = (channel, chat)
        busy = BusyWait()
        try:
            while not self._stopping:
                queue = self._handed.get(key)
                item: OutboxItem | Wait | Busy
                if queue:
                    item = queue.popleft()
                else:
                    self._handed.pop(key, None)
                    if key not in self._again:
                        return
                    self._again.discard(key)
                    claimed = await self.intake.claim_reply(channel, chat, self.clock())
                    if claimed is None:
                        continue
                    item = claimed
                    if not isinstance(claimed, Busy | Wait):
                        self._again.add(key)  # more may wait behind it
                if isinstance(item, Busy):
                    self._again.add(key)
                    if not await busy.again():
                        return
                    continue
                if isinstance(item, Wait):
                    self._again.add(key)
                    delay = (item.until - self.clock()).total_seconds()
                    with contextlib.suppress(TimeoutError):  # a stop wakes the wait at once
                        await asyncio.wait_for(self._stopped.wait(), min(max(delay, 0.05), 60.0))
                    continue
                busy.reset()
                try:
                    settled = await self._send(item)
                finally:
                    self.intake.let_go(OUTBOX, item.id)
                if not settled:
                    # Postponed: the replies behind it must not overtake it; they go back to the table in order.
                    for later in self._give_back(key):
                        await self.intake.postpone_reply(later.id, self.clock(), "behind a postponed reply")
                    self._again.add(key)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("reply worker for a %s chat failed; the periodic recovery will take it again", channel)
        finally:
            if self._workers.get(key) is asyncio.current_task():
                del self._workers[key]
                self._give_back(key)

    async def _send(self, item: OutboxItem) -> bool:
        """Send one claimed reply; False when it was postponed (it stays the chat's next)."""
        reply: Reply = reply_from_json(item.payload)
        try:
            await self.sender.send(item.channel, item.chat, reply)
        except Unreachable as error:
            self.stats["unreachable"] += 1
            log.info("a reply could not be delivered: the %s account is unreachable (%s)", item.channel, error)
            await self.intake.settle_reply(item.id, UNREACHABLE, self.clock(), str(error))
        except Rejected as error:
            self.stats["failed"] += 1
            log.warning("%s refused a reply for good: %s", item.channel, error)
            await self.intake.settle_reply(item.id, FAILED, self.clock(), str(error))
        except RetryLater as error:
            self.stats["retried"] += 1
            return await self._postpone(item, error.wait(item.attempts), str(error), counts=False)
        except Exception as error:
            self.stats["retried"] += 1
            log.exception("sending a %s reply failed unexpectedly; it will be retried", item.channel)
            return await self._postpone(item, UNEXPECTED_RETRY_SECONDS, repr(error), counts=True)
        else:
            self.stats["sent"] += 1
            await self.intake.settle_reply(item.id, SENT, self.clock())
        return True

    async def _postpone(self, item: OutboxItem, after: float, error: str, *, counts: bool) -> bool:
        if counts and item.attempts >= MAX_SEND_ATTEMPTS:
            self.stats["failed"] += 1
            await self.intake.settle_reply(item.id, FAILED, self.clock(), error)
            return True
        await self.intake.postpone_reply(item.id, self.clock() + timedelta(seconds=after), error)
        return False

    async def idle(self, timeout: float) -> bool:
        """Wait for the running workers; False if they are still busy after ``timeout`` seconds."""
        tasks = [t for t in self._workers.values() if not t.done()]
        if not tasks:
            return True
        _done, pending = await asyncio.wait(tasks, timeout=max(timeout, 0))
        return not pending

    async def stop(self) -> None:
        self._stopping = True
        self._stopped.set()
        tasks = list(self._workers.values())
        if tasks:
            await asyncio.wait(tasks, timeout=5)
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
