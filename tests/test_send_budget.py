"""The sending budget shared by every process of a deployment: messages booked one interval apart at 85 % of
the configured rate, never more in any second, the clock never idle while a broadcast waits, and a reply
behind at most one broadcast message."""

from __future__ import annotations

import asyncio
import bisect
import itertools
import time
from types import SimpleNamespace

import pytest

from storage.database import Database
from storage.models import SendClockRow
from storage.send_budget import BROADCAST, REPLY, SqlSendBudget


def busiest_second(times: list[float]) -> int:
    """The most booked times in any half-open one-second window, wherever it starts."""
    ordered = sorted(times)
    return max(bisect.bisect_left(ordered, t + 1.0) - i for i, t in enumerate(ordered))


async def clock(database: Database, account: str) -> SendClockRow:
    async with database.transaction() as session:
        row = await session.get(SendClockRow, account)
        assert row is not None
        return row


async def test_two_processes_share_one_clock_and_a_broadcast_fills_what_the_replies_leave(database_url) -> None:
    url, kwargs = database_url
    database = Database(url, **kwargs)
    await database.migrate()
    # Two replicas of one bot account at 50 messages/s: the clock books one message every 1/42.5 s.
    first = SqlSendBudget(database, "telegram:1", 50)
    second = SqlSendBudget(database, "telegram:1", 50)
    booked: list[float] = []

    async def broadcast(budget: SqlSendBudget, n: int) -> None:
        for _ in range(n):
            booked.append(await budget.take(BROADCAST))

    try:
        workers = [asyncio.create_task(broadcast(b, 30)) for b in (first, second) for _ in range(3)]
        await asyncio.sleep(0.5)
        for _ in range(4):  # replies of one process in the middle of both processes' broadcast
            booked.append(await first.take(REPLY))
            await asyncio.sleep(0.2)
        await asyncio.gather(*workers)
        assert len(booked) == 184
        ordered = sorted(booked)
        gaps = [b - a for a, b in itertools.pairwise(ordered)]
        assert min(gaps) >= first.interval * 0.999, "two messages booked closer than the clock's interval"
        assert busiest_second(booked) <= 43
        # The clock was not left idle: the 184 messages took about 184 intervals (the old counter of 200 ms slots,
        # which kept a fifth for replies, sent them at under 30/s).
        assert len(booked) / (ordered[-1] - ordered[0]) >= 38
    finally:
        await database.dispose()


async def test_a_reply_waits_behind_at_most_one_broadcast_message_of_another_process(database_url) -> None:
    """On a clock the test moves: a broadcast of one process books only its first message while the clock is
    booked; three replies of another process, asking together, go in the next three intervals, and the
    broadcast's next message only after them."""
    url, kwargs = database_url
    database = Database(url, **kwargs)
    await database.migrate()
    start = 1_000_000.0
    now = [start]
    replying = SqlSendBudget(database, "telegram:4", 30, wall=lambda: now[0])
    broadcasting = SqlSendBudget(database, "telegram:4", 30, wall=lambda: now[0])
    interval = replying.interval
    broadcasts = [asyncio.create_task(broadcasting.take(BROADCAST)) for _ in range(5)]
    try:
        await asyncio.sleep(0.2)
        assert [b.result() for b in broadcasts if b.done()] == [start], "a broadcast booked the clock ahead"
        replies = await asyncio.gather(*(replying.take(REPLY) for _ in range(3)))
        assert replies == pytest.approx([start + interval * k for k in (1, 2, 3)])

        now[0] = start + interval * 3.6  # within half an interval of the clock's next free time
        for _ in range(100):
            if sum(b.done() for b in broadcasts) > 1:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)
        later = [b.result() for b in broadcasts if b.done()]
        assert later == pytest.approx([start, start + interval * 4])
    finally:
        for b in broadcasts:
            b.cancel()
        await database.dispose()


async def test_a_broadcast_behind_its_own_processs_replies_does_not_ask_until_they_have_gone(database_url) -> None:
    """Replies trickling in faster than the clock keep it booked ahead; the process's broadcast, waiting
    meanwhile, learns the clock's time from the replies' own bookings instead of asking and being refused each
    time it wakes (that cost a statement per reply on a deadline day)."""
    url, kwargs = database_url
    database = Database(url, **kwargs)
    await database.migrate()
    budget = SqlSendBudget(database, "telegram:5", 30)
    asked: list[str] = []
    quick = database.quick

    class Counting:
        async def rows(self, statement, params):  # type: ignore[no-untyped-def]
            asked.append(BROADCAST if "ahead" in params else REPLY)
            return await quick.rows(statement, params)

    budget.database = SimpleNamespace(quick=Counting(), engine=database.engine)  # type: ignore[assignment]
    try:
        broadcasts = [asyncio.create_task(budget.take(BROADCAST)) for _ in range(3)]
        await asyncio.sleep(0.05)
        replies = []
        for _ in range(20):  # 50 a second against the clock's 25.5
            replies.append(asyncio.create_task(budget.take(REPLY)))
            await asyncio.sleep(0.02)
        times = await asyncio.wait_for(asyncio.gather(*replies, *broadcasts), 10)
        replied, broadcast = times[:20], times[20:]
        behind = [t for t in broadcast if t > min(replied)]
        assert behind and min(behind) > max(replied), "a broadcast went between the replies"
        assert asked.count(BROADCAST) <= 5
    finally:
        await database.dispose()


async def test_the_clock_keeps_the_databases_time_not_the_processs(database_url, monkeypatch) -> None:
    """A process whose wall clock is an hour off (set back, or a replica out of step with the others) books and
    sends as the others do: the clock is the database's, and waits are measured on the monotonic clock."""
    url, kwargs = database_url
    database = Database(url, **kwargs)
    await database.migrate()
    real = time.time
    try:
        first = SqlSendBudget(database, "telegram:6", 30)
        before = await asyncio.gather(first.take(REPLY), first.take(BROADCAST))
        monkeypatch.setattr(time, "time", lambda: real() - 3600)
        second = SqlSendBudget(database, "telegram:6", 30)
        takes = [b.take(p) for b in (first, second) for p in (REPLY, REPLY, BROADCAST)]
        booked = await asyncio.wait_for(asyncio.gather(*takes), 3)
        assert all(abs(t - real()) < 5 for t in [*before, *booked])
    finally:
        await database.dispose()


async def test_waiters_that_gave_up_are_not_booked(database_url) -> None:
    url, kwargs = database_url
    database = Database(url, **kwargs)
    await database.migrate()
    budget = SqlSendBudget(database, "telegram:7", 30, wall=lambda: 1000.0)
    try:
        takers = [asyncio.create_task(budget.take(REPLY)) for _ in range(6)]
        await asyncio.sleep(0)  # all six are waiting; the runner has not asked yet
        for gave_up in takers[1:5]:
            gave_up.cancel()  # e.g. a stopping reply worker, or a send given a deadline
        times = await asyncio.wait_for(asyncio.gather(takers[0], takers[5]), timeout=2)
        assert times == pytest.approx([1000.0, 1000.0 + budget.interval])
        row = await clock(database, "telegram:7")
        assert (row.granted, row.tat) == (2, pytest.approx(1000.0 + 2 * budget.interval))
    finally:
        await database.dispose()


@pytest.mark.parametrize("per_second", [1, 3, 13])
async def test_a_small_budget_never_sends_faster_than_configured(database_url, per_second: int) -> None:
    """telegram_max_messages_per_second may be any value from 1: never more than that in any second, for replies
    and broadcasts together."""
    url, kwargs = database_url
    database = Database(url, **kwargs)
    await database.migrate()
    budget = SqlSendBudget(database, "telegram:3", per_second)
    booked: list[float] = []
    try:

        async def greedy(priority: str) -> None:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 2.2
            while loop.time() < deadline:
                booked.append(await budget.take(priority))

        await asyncio.wait_for(asyncio.gather(*(greedy(p) for p in (REPLY, REPLY, BROADCAST, BROADCAST))), 8)
        assert busiest_second(booked) <= per_second
        assert len(booked) >= 2 * per_second * 0.9 - 1
    finally:
        await database.dispose()


async def test_the_database_away_fails_the_waiting_senders_instead_of_hanging(database_url) -> None:
    url, kwargs = database_url
    database = Database(url, **kwargs)
    await database.migrate()
    budget = SqlSendBudget(database, "telegram:8", 30)
    await database.dispose()
    broken = Database("sqlite+aiosqlite:////nonexistent/dir/x.db")
    budget.database = broken
    try:
        results = await asyncio.wait_for(
            asyncio.gather(*(budget.take(p) for p in (REPLY, REPLY, BROADCAST)), return_exceptions=True), 5
        )
        assert all(isinstance(r, Exception) for r in results)
    finally:
        await broken.dispose()
