"""The sending budget shared by every process of a deployment: never over the cap in any slot, and replies
keep their headroom while a broadcast takes all it may."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from storage.database import Database
from storage.models import SendBudgetRow
from storage.send_budget import BROADCAST, REPLY, SLOT, SqlSendBudget


async def test_two_processes_share_one_budget_and_replies_keep_their_headroom(database_url) -> None:
    url, kwargs = database_url
    database = Database(url, **kwargs)
    await database.migrate()
    # Two replicas of one bot account, 50 messages/s: 10 per 200 ms slot, 8 of them for broadcasts.
    first = SqlSendBudget(database, "telegram:1", 50)
    second = SqlSendBudget(database, "telegram:1", 50)
    assert (first.cap(REPLY), first.cap(BROADCAST)) == (10, 8)
    taken = 0

    async def broadcast(budget: SqlSendBudget, n: int) -> None:
        nonlocal taken
        for _ in range(n):
            await budget.take(BROADCAST)
            taken += 1

    try:
        workers = [asyncio.create_task(broadcast(b, 30)) for b in (first, second) for _ in range(3)]
        await asyncio.sleep(SLOT * 2)
        # In the middle of a saturated broadcast, a reply gets a token of the slot it asked in.
        replies_in_time = 0
        for _ in range(4):
            asked = int(first.wall() / SLOT)
            await first.take(REPLY)
            replies_in_time += int(first.wall() / SLOT) == asked
            await asyncio.sleep(SLOT)
        await asyncio.gather(*workers)
        assert taken == 180
        assert replies_in_time >= 3  # a slot may end between asking and being granted
        async with database.transaction() as session:
            by_slot = {row.slot: row.used for row in (await session.execute(select(SendBudgetRow))).scalars()}
        assert sum(by_slot.values()) == 184
        assert max(by_slot.values()) <= 10
        # Nor more than 50 in any six consecutive slots: any second, wherever it starts.
        assert max(sum(by_slot.get(s + k, 0) for k in range(6)) for s in by_slot) <= 50
    finally:
        await database.dispose()
