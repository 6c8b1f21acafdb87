"""The sweeper: claims due notices from the database and sends each through the recipient's channel.

Exactly once, as far as a chat platform allows: a notice is claimed atomically (committed) before it is sent,
then marked sent in its own short transaction. A process that dies in between leaves the row claimed; once
its heartbeat is stale (or, for a sweeper that never beats, the lease runs out) another sweep takes it again.
At most ``SweepPolicy.concurrency`` sends are with the platform at once, so a crash repeats at most that many
notices (see the README).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections import defaultdict
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from handlers.reminders import DEADLINE_KINDS, MISSED_PLAN, report_missed, report_unreachable
from handlers.store import Store
from handlers.types import Reply
from scheduler.ports import ClaimedNotice, NoticeQueue, Rejected, RetryLater, Sender, Unreachable

log = logging.getLogger(__name__)

UnitOfWork = Callable[[], AbstractAsyncContextManager[Store]]


@dataclass(frozen=True)
class SweepPolicy:
    batch_size: int = 200
    # A claimed notice not settled within this long is taken again (its sweeper is presumed dead).
    lease: timedelta = timedelta(minutes=10)
    max_attempts: int = 8
    # Sends in flight at once (different recipients; NOTICE_SENDS_IN_FLIGHT); the sending budget keeps the pace.
    # Every claimed notice is marked claimed (committed) before its platform call and settled right after, so
    # a crash can repeat at most this many notices: the ones whose call had been made but not yet settled.
    concurrency: int = 4
    # When the recipient's channel is not running in this process.
    channel_missing_retry: timedelta = timedelta(minutes=10)
    # Deadline reminders that expired unsent within this long are reported to the secretariat (once).
    missed_window: timedelta = timedelta(days=2)
    # A notice waits until the bot has been quiet in the recipient's chat this long: replies to what the person
    # types go first, and another process's replies cannot meet a notice in the chat's one-a-second pace.
    quiet_chat: timedelta = timedelta(seconds=2)


@dataclass
class SweepStats:
    sent: int = 0
    retried: int = 0
    unreachable: int = 0
    muted: int = 0
    failed: int = 0
    lost_lease: int = 0
    reported: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _recipient(notice: ClaimedNotice) -> object:
    """Whom a notice goes to, for keeping one recipient's notices in order: the person, else the account (an
    anonymous suggestion's sender is told by account only)."""
    if notice.person_id is not None:
        return ("person", notice.person_id)
    if notice.addresses:
        return ("account", notice.addresses[0].identity_id)
    return ("notice", notice.id)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Sweeper:
    def __init__(
        self,
        queue: NoticeQueue,
        unit_of_work: UnitOfWork,
        sender: Sender,
        clock: Callable[[], datetime],
        policy: SweepPolicy | None = None,
        worker: str | None = None,
    ) -> None:
        self.queue = queue
        self.unit_of_work = unit_of_work
        self.sender = sender
        self.clock = clock
        self.policy = policy or SweepPolicy()
        self.worker = worker or worker_id()
        self._paused_until: dict[str, datetime] = {}
        self.stopping = False

    async def sweep(self, *, max_batches: int | None = None) -> SweepStats:
        """Claim and send until nothing is due (or ``max_batches`` batches were handled)."""
        stats = SweepStats()
        batches = 0
        while not self.stopping and (max_batches is None or batches < max_batches):
            claimed = await self.queue.claim(self.worker, self.clock(), self.policy.batch_size, self.policy.lease)
            batches += 1
            if not claimed:
                break
            await self._deliver_batch(claimed, stats)
            if len(claimed) < self.policy.batch_size:
                break
        if not self.stopping:
            await self._report_missed(stats)
        return stats

    async def _report_missed(self, stats: SweepStats) -> None:
        """Deadline reminders the claims above (or another process's) expired unsent: tell the secretariat."""
        now = self.clock()
        try:
            missed = await self.queue.missed(DEADLINE_KINDS, now, now - self.policy.missed_window, MISSED_PLAN)
            if missed:
                async with self.unit_of_work() as store:
                    stats.reported += await report_missed(store, missed, now)
        except Exception:
            log.exception("could not report the reminders that expired unsent; the next sweep tries again")

    async def _deliver_batch(self, claimed: list[ClaimedNotice], stats: SweepStats) -> None:
        # One recipient's notices go out in order; different recipients in parallel.
        groups: dict[object, list[ClaimedNotice]] = defaultdict(list)
        for notice in claimed:
            groups[_recipient(notice)].append(notice)
        semaphore = asyncio.Semaphore(self.policy.concurrency)

        async def run(group: list[ClaimedNotice]) -> None:
            async with semaphore:
                for notice in group:
                    if self.stopping:
                        return  # left claimed: a clean stop gives it back (SqlIntake.retire)
                    try:
                        await self._deliver(notice, stats)
                    except Exception:
                        log.exception("notice %s: unexpected error; it will be retried", notice.id)
                        await self._retry(notice, stats, "unexpected error", 60)

        await asyncio.gather(*(run(group) for group in groups.values()))

    async def _settle(self, notice: ClaimedNotice, status: str, stats: SweepStats, **kwargs: str) -> None:
        if not await self.queue.finish(notice.id, self.worker, status, self.clock(), **kwargs):
            stats.lost_lease += 1
            log.warning("notice %s: lease lost before it was settled as %s", notice.id, status)
        stats.by_status[status] += 1

    async def _retry(
        self, notice: ClaimedNotice, stats: SweepStats, error: str, after_seconds: float, *, counts: bool = True
    ) -> None:
        """Put the notice back for later. Waits the platform asked for do not count towards giving up:
        a reminder is bounded by its expiry anyway, and a result notice should go out once the quota is back."""
        if counts and notice.attempts >= self.policy.max_attempts:
            stats.failed += 1
            await self._settle(notice, "failed", stats, error=error)
            return
        stats.retried += 1
        at = self.clock() + timedelta(seconds=after_seconds)
        await self.queue.retry(notice.id, self.worker, at, error, counts=counts)

    async def _deliver(self, notice: ClaimedNotice, stats: SweepStats) -> None:
        if notice.muted and not notice.essential:
            stats.muted += 1
            await self._settle(notice, "muted", stats)
            return
        if not notice.addresses:
            await self._give_up_unreachable(notice, stats, "no reachable identity")
            return
        available = [a for a in notice.addresses if a.channel in self.sender.channels]
        if not available:
            await self._retry(
                notice, stats, "recipient's channel is not running", self.policy.channel_missing_retry.total_seconds()
            )
            return
        reply = Reply(text=notice.text)
        last_error = ""
        for address in available:
            # A flood wait concerns the chat it was answered for: other recipients go on meanwhile.
            paused = self._paused_until.get(str(address))
            now = self.clock()
            if paused is not None and paused > now:
                await self._retry(notice, stats, f"{address} paused", (paused - now).total_seconds(), counts=False)
                return
            if await self.queue.in_conversation(address, now, self.policy.quiet_chat):
                quiet = self.policy.quiet_chat.total_seconds()
                await self._retry(notice, stats, f"{address} in conversation", quiet, counts=False)
                return
            try:
                await self.sender.send(address.channel, address.user_id, reply)
            except Unreachable as error:
                # No account id in the log: next to a notice id it could name an anonymous suggestion's sender.
                log.info("notice %s: a %s account is unreachable (%s)", notice.id, address.channel, error)
                await self.queue.mark_unreachable(address.identity_id, self.clock())
                last_error = f"{address}: {error}"
                continue  # the same person on another channel, if any
            except RetryLater as error:
                self._paused_until[str(address)] = self.clock() + timedelta(seconds=error.after_seconds)
                await self._retry(notice, stats, f"{address}: {error}", error.after_seconds, counts=False)
                return
            except Rejected as error:
                stats.failed += 1
                await self._settle(notice, "failed", stats, error=f"{address}: {error}")
                return
            stats.sent += 1
            await self._settle(notice, "sent", stats, sent_to=str(address))
            return
        await self._give_up_unreachable(notice, stats, last_error or "unreachable")

    async def _give_up_unreachable(self, notice: ClaimedNotice, stats: SweepStats, error: str) -> None:
        stats.unreachable += 1
        await self._settle(notice, "unreachable", stats, error=error)
        if notice.person_id is not None:
            async with self.unit_of_work() as store:
                await report_unreachable(store, notice.person_id, notice.kind, notice.subject, self.clock())
