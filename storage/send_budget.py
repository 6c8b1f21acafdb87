"""One sending budget per bot account, shared by every process of a deployment through the database.

The budget is a clock (GCRA, the generic cell rate algorithm): one row per account holds the time at which its
next message may go. Taking tokens moves that time on by one interval per message and tells the sender when its
messages may go; the sender sleeps until then. Messages are so spaced evenly at 85 % of the configured rate,
never in bursts, so any one-second window a platform counts holds at most the configured rate, while the clock is
never idle when there is work. The 15 % left is for the time between a booking and its message's arrival: at 90 %
a busy event loop let 29 of 30 arrive within one second in the benchmark, and once 31.

Replies book the clock as far ahead as they need. A broadcast (reminders, notices) books one message only when
the clock is free within half an interval: it never books ahead of time, so a reply that comes during a
broadcast waits behind at most the one broadcast message already booked, whichever process booked it; the
broadcast takes every interval no reply wants.

Within a process, the replies waiting together book the clock in one statement.

The clock keeps the database server's time, not the processes': a replica whose own clock runs ahead would
otherwise book moments the others wait for, and one set back would wait for its own old bookings. Each process
learns the database's time from every booking it makes and measures waits on its monotonic clock.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

from sqlalchemy import TextClause, text

from storage.database import Database

REPLY = "reply"
BROADCAST = "broadcast"
# The share of the configured rate the clock hands out (see above).
SHARE = 0.85
# How fast a process's estimate of the database's time may sink, in seconds a second.
DRIFT = 0.001

# The database's time in seconds since the epoch, the same throughout one statement.
_SERVER_NOW = {
    "postgresql": "CAST(extract(epoch FROM statement_timestamp()) AS DOUBLE PRECISION)",
    "sqlite": "((julianday('now') - 2440587.5) * 86400.0)",
}
_INTERVAL = "CAST(:interval AS DOUBLE PRECISION)"


def _book(dialect: str, *, reply: bool) -> TextClause:
    """Book ``n`` messages; the clock's new time, how many were booked (the first goes ``granted`` intervals
    before it) and the time it was booked at (``:now``, or the database's). A broadcast books only while the clock
    is free by ``now + ahead``, else nothing."""
    now = f"coalesce(CAST(:now AS DOUBLE PRECISION), {_SERVER_NOW[dialect]})"
    free_at = f"CASE WHEN send_clock.tat > {now} THEN send_clock.tat ELSE {now} END"  # now, or later if booked
    if reply:
        tat = f"{free_at} + CAST(:n AS INTEGER) * {_INTERVAL}"
        granted = "CAST(:n AS INTEGER)"
    else:
        free = f"send_clock.tat <= {now} + CAST(:ahead AS DOUBLE PRECISION)"
        tat = f"CASE WHEN {free} THEN {free_at} + CAST(:n AS INTEGER) * {_INTERVAL} ELSE send_clock.tat END"
        granted = f"CASE WHEN {free} THEN CAST(:n AS INTEGER) ELSE 0 END"
    return text(
        "INSERT INTO send_clock (account, tat, granted) VALUES (CAST(:account AS VARCHAR(40)), "
        f"{now} + CAST(:n AS INTEGER) * {_INTERVAL}, CAST(:n AS INTEGER)) "
        f"ON CONFLICT (account) DO UPDATE SET tat = {tat}, granted = {granted} RETURNING tat, granted, {now} AS now"
    )


_BOOK = {
    (dialect, priority): _book(dialect, reply=priority == REPLY)
    for dialect in _SERVER_NOW
    for priority in (REPLY, BROADCAST)
}


class SqlSendBudget:
    def __init__(
        self,
        database: Database,
        account: str,
        per_second: int,
        *,
        wall: Callable[[], float] | None = None,
    ) -> None:
        """``wall``: a clock to book by instead of the database's (the tests' frozen one)."""
        self.database = database
        self.account = account
        self.interval = 1 / (per_second * SHARE)
        # A broadcast books its message only when the clock is free within this: it never books a whole interval
        # ahead (so at most one of its messages is ever booked before a reply), yet a broadcast woken a little late
        # by a busy event loop does not leave the clock idle.
        self.ahead = self.interval / 2
        self.wall = wall
        # The database's time less this process's monotonic clock. A reply read late (a busy event loop) makes it
        # look smaller, so the estimate takes the largest seen and lets it sink only slowly (a millisecond a second,
        # far beyond any clock's drift): following each reading would move every later moment by the event loop's
        # lag at that reading.
        self._offset = time.time() - time.monotonic()  # until the database has told its time
        self._offset_seen: float | None = None
        self._waiting: dict[str, deque[asyncio.Future[float]]] = {}
        self._runners: dict[str, asyncio.Task[None]] = {}
        self._booked_until = 0.0  # the clock's time as this process last saw it (its own bookings, refusals)

    def for_priority(self, priority: str) -> PriorityBudget:
        return PriorityBudget(self, priority)

    async def take(self, priority: str) -> float:
        """Wait until this sender's message may go; the moment it was booked for, in the database's time."""
        waiter: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(priority, deque()).append(waiter)
        runner = self._runners.get(priority)
        if runner is None or runner.done():
            self._runners[priority] = asyncio.create_task(self._book_waiting(priority), name=f"budget {priority}")
        at = await waiter  # a sender that gives up cancels its waiter, which the runner then skips
        if (wait := at - self.now()) > 0:
            await asyncio.sleep(wait)
        return at

    def now(self) -> float:
        """The clock's time as this process reckons it."""
        return self.wall() if self.wall is not None else time.monotonic() + self._offset

    async def _book_waiting(self, priority: str) -> None:
        queue = self._waiting[priority]
        while True:
            live = [waiter for waiter in queue if not waiter.done()]  # not those that gave up (cancelled)
            queue.clear()
            queue.extend(live)
            if not queue:
                return
            if priority != REPLY and (wait := self._booked_until - self.ahead - self.now()) > 0:
                # The clock is booked ahead (by this process's replies, say): no need to ask before then.
                await asyncio.sleep(wait)
                continue
            wanted = len(queue) if priority == REPLY else 1
            try:
                tat, granted, booked_at = await self._book(priority, wanted)
            except Exception as error:  # the database is away: the senders see it, as they did their own take
                while queue:
                    waiter = queue.popleft()
                    if not waiter.done():
                        waiter.set_exception(error)
                return
            if not granted:  # a broadcast, the clock booked ahead (by another process): ask again when it is free
                await asyncio.sleep(max(tat - self.ahead - booked_at, 0.001))
                continue
            at = tat - granted * self.interval
            while granted and queue:  # a sender that gave up meanwhile passes its time to the next
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(at)
                    at += self.interval
                    granted -= 1

    async def _book(self, priority: str, n: int) -> tuple[float, int, float]:
        params = {
            "account": self.account,
            "now": self.wall() if self.wall is not None else None,
            "n": n,
            "interval": self.interval,
        }
        if priority != REPLY:
            params["ahead"] = self.ahead
        statement = _BOOK[(self.database.engine.dialect.name, priority)]
        row = (await self.database.quick.rows(statement, params))[0]
        read = time.monotonic()
        seen = float(row.now) - read
        if self._offset_seen is None:
            self._offset = seen
        else:
            self._offset = max(seen, self._offset - (read - self._offset_seen) * DRIFT)
        self._offset_seen = read
        self._booked_until = max(self._booked_until, float(row.tat))
        return float(row.tat), int(row.granted), float(row.now)


class PriorityBudget:
    """The budget as one kind of sender sees it (bot.senders.Budget)."""

    def __init__(self, budget: SqlSendBudget, priority: str) -> None:
        self.budget = budget
        self.priority = priority

    async def take(self) -> None:
        await self.budget.take(self.priority)
