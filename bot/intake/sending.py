"""Sending the reply outbox: one worker per chat sends that chat's replies oldest first.

A reply is marked ``sending`` just before the platform call and ``sent`` right after, so a crash can repeat
at most the one reply that was in flight for each chat. A flood wait postpones only the chat it concerns;
a reply the platform refuses for good is kept as ``failed`` with the reason, never dropped silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.intake.codec import reply_from_json
from handlers.types import Reply
from scheduler.ports import Rejected, RetryLater, Sender, Unreachable
from storage.intake import OutboxItem, SqlIntake, Wait

log = logging.getLogger(__name__)

MAX_SEND_ATTEMPTS = 12
UNEXPECTED_RETRY_SECONDS = 15.0


class ReplySender:
    def __init__(self, intake: SqlIntake, sender: Sender, clock: Callable[[], datetime]) -> None:
        self.intake = intake
        self.sender = sender
        self.clock = clock
        self._workers: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._again: set[tuple[str, str]] = set()
        self._stopping = False
        self._stopped = asyncio.Event()
        self.stats = {"sent": 0, "retried": 0, "failed": 0, "unreachable": 0}

    def kick(self, channel: str, chat: str) -> None:
        if self._stopping or channel not in self.sender.channels:
            return
        key = (channel, chat)
        task = self._workers.get(key)
        if task is not None and not task.done():
            self._again.add(key)
            return
        self._workers[key] = asyncio.create_task(self._work(channel, chat), name=f"replies {channel}")

    async def recover(self) -> None:
        for channel, chat in await self.intake.pending_chats(self.clock()):
            self.kick(channel, chat)

    async def _work(self, channel: str, chat: str) -> None:
        key = (channel, chat)
        try:
            while not self._stopping:
                self._again.discard(key)
                item = await self.intake.claim_reply(channel, chat, self.clock())
                if item is None:
                    if key in self._again:
                        continue
                    return
                if isinstance(item, Wait):
                    delay = (item.until - self.clock()).total_seconds()
                    with contextlib.suppress(TimeoutError):  # a stop wakes the wait at once
                        await asyncio.wait_for(self._stopped.wait(), min(max(delay, 0.05), 60.0))
                    continue
                await self._send(item)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("reply worker for a %s chat failed; the periodic recovery will take it again", channel)
        finally:
            if self._workers.get(key) is asyncio.current_task():
                del self._workers[key]

    async def _send(self, item: OutboxItem) -> None:
        reply: Reply = reply_from_json(item.payload)
        try:
            await self.sender.send(item.channel, item.chat, reply)
        except Unreachable as error:
            self.stats["unreachable"] += 1
            log.info("a reply could not be delivered: the %s account is unreachable (%s)", item.channel, error)
            await self.intake.settle_reply(item.id, "unreachable", self.clock(), str(error))
        except Rejected as error:
            self.stats["failed"] += 1
            log.warning("%s refused a reply for good: %s", item.channel, error)
            await self.intake.settle_reply(item.id, "failed", self.clock(), str(error))
        except RetryLater as error:
            self.stats["retried"] += 1
            await self._postpone(item, error.after_seconds, str(error), counts=False)
        except Exception as error:
            self.stats["retried"] += 1
            log.exception("sending a %s reply failed unexpectedly; it will be retried", item.channel)
            await self._postpone(item, UNEXPECTED_RETRY_SECONDS, repr(error), counts=True)
        else:
            self.stats["sent"] += 1
            await self.intake.settle_reply(item.id, "sent", self.clock())

    async def _postpone(self, item: OutboxItem, after: float, error: str, *, counts: bool) -> None:
        if counts and item.attempts >= MAX_SEND_ATTEMPTS:
            self.stats["failed"] += 1
            await self.intake.settle_reply(item.id, "failed", self.clock(), error)
            return
        await self.intake.postpone_reply(item.id, self.clock() + timedelta(seconds=after), error)

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
