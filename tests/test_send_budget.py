"""The sending budget shared by every process of a deployment: never over the cap in any slot, and replies
keep their headroom while a broadcast takes all it may."""

from __future__ import annotations

import asyncio

from sqlalchemy import event, select

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


async def test_more_senders_than_a_slots_share_cost_about_one_statement_per_slot(database_url) -> None:
    """Twelve replies waiting at 30/s (6 per slot): two slots of 6, asked for a slot's share at a time. Asking
    for all twelve (more than a slot can ever give) and falling back to one each time took a statement per token."""
    url, kwargs = database_url
    database = Database(url, **kwargs)
    await database.migrate()
    budget = SqlSendBudget(database, "telegram:2", 30)
    asked: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        if "INSERT INTO send_budget" in statement:
            asked.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    try:
        await asyncio.gather(*(budget.take(REPLY) for _ in range(12)))
        async with database.transaction() as session:
            used = [row.used for row in (await session.execute(select(SendBudgetRow))).scalars()]
        assert sorted(used) == [6, 6]
        # Per slot: the share granted, then (the slot full) one ask for the share and one for a single token.
        assert len(asked) <= 5
    finally:
        await database.dispose()


async def test_replies_waiting_in_a_process_take_the_slots_before_its_broadcast(database_url) -> None:
    """A broadcast and a crowd of replies waiting in one process at once, at 30/s (6 per slot, 5 for broadcasts):
    the replies go in the first two slots and the broadcast only after them. Before, the broadcast took 5 of the
    first slot and the replies trickled one a slot behind it."""
    url, kwargs = database_url
    database = Database(url, **kwargs)
    await database.migrate()
    budget = SqlSendBudget(database, "telegram:3", 30)
    granted: list[tuple[str, int]] = []

    async def send(kind: str) -> None:
        await budget.take(kind)
        granted.append((kind, int(budget.wall() / SLOT)))

    try:
        await asyncio.gather(*(send(BROADCAST) for _ in range(10)), *(send(REPLY) for _ in range(12)))
        replies = [slot for kind, slot in granted if kind == REPLY]
        broadcasts = [slot for kind, slot in granted if kind == BROADCAST]
        assert max(replies) <= min(broadcasts)
        assert max(replies) - min(replies) <= 2
    finally:
        await database.dispose()


async def test_replies_refused_a_slot_hold_the_next_against_another_processs_broadcast(database_url) -> None:
    """Two processes at 30/s (6 tokens a slot, 5 for broadcasts), on a clock the test moves. In one slot the
    broadcast takes its 5 and a reply the sixth; three more replies are refused and hold three tokens of the next
    slot. There the other process's broadcast, asking first, gets only 2, and the three replies all go. Before,
    the broadcast took 5 of the next slot too and the replies trickled one a slot behind it."""
    url, kwargs = database_url
    database = Database(url, **kwargs)
    await database.migrate()
    now = [1_000_000 * SLOT + SLOT / 4]
    replying = SqlSendBudget(database, "telegram:4", 30, wall=lambda: now[0])
    broadcasting = SqlSendBudget(database, "telegram:4", 30, wall=lambda: now[0])
    slot = int(now[0] / SLOT)

    async def reserved(at: int) -> int:
        async with database.transaction() as session:
            row = await session.get(SendBudgetRow, ("telegram:4", at))
            return row.reserved if row else 0

    try:
        await asyncio.gather(*(broadcasting.take(BROADCAST) for _ in range(5)))
        await replying.take(REPLY)
        replies = [asyncio.create_task(replying.take(REPLY)) for _ in range(3)]
        for _ in range(50):  # until the refused replies have held their tokens (at most half a second)
            if await reserved(slot + 1):
                break
            await asyncio.sleep(0.01)
        assert not any(reply.done() for reply in replies)

        now[0] += SLOT
        broadcasts = [asyncio.create_task(broadcasting.take(BROADCAST)) for _ in range(5)]
        await asyncio.sleep(SLOT / 2)
        assert sum(b.done() for b in broadcasts) == 2, "the broadcast took the tokens the refused replies held"
        await asyncio.wait_for(asyncio.gather(*replies), SLOT * 3)
        async with database.transaction() as session:
            row = await session.get(SendBudgetRow, ("telegram:4", slot + 1))
        assert row is not None and (row.used, row.reserved) == (5, 0)
        for b in broadcasts:
            b.cancel()
    finally:
        await database.dispose()
