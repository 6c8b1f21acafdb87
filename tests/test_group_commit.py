"""Replies settled at the same moment share one commit, and each caller returns only once its row is written."""

from __future__ import annotations

import asyncio

import pytest

from storage.group_commit import GroupCommit, Params


async def test_calls_waiting_at_once_are_written_together_and_each_returns_after_its_write() -> None:
    writes: list[list[Params]] = []
    written: set[int] = set()

    async def write(rows: list[Params]) -> None:
        await asyncio.sleep(0.01)  # a round trip: calls arriving meanwhile wait for the next write
        writes.append(rows)
        written.update(row["id"] for row in rows)

    commit = GroupCommit(write)

    async def settle(row_id: int) -> None:
        await commit({"id": row_id})
        assert row_id in written  # never told before its own row is written

    await asyncio.gather(*(settle(n) for n in range(5)))
    await asyncio.sleep(0.005)
    await asyncio.gather(*(settle(n) for n in range(5, 8)))
    assert [sorted(row["id"] for row in rows) for rows in writes] == [[0, 1, 2, 3, 4], [5, 6, 7]]


async def test_a_failed_write_fails_every_caller_of_its_batch_and_the_next_batch_still_writes() -> None:
    attempts = 0

    async def write(rows: list[Params]) -> None:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise ConnectionError("database away")

    commit = GroupCommit(write)
    outcomes = await asyncio.gather(*(commit({"id": n}) for n in range(3)), return_exceptions=True)
    assert [type(outcome) for outcome in outcomes] == [ConnectionError] * 3
    await commit({"id": 9})
    assert attempts == 2


async def test_a_caller_that_gives_up_does_not_stop_the_others() -> None:
    release = asyncio.Event()
    rows_written: list[int] = []

    async def write(rows: list[Params]) -> None:
        await release.wait()
        rows_written.extend(row["id"] for row in rows)

    commit = GroupCommit(write)
    impatient = asyncio.create_task(commit({"id": 1}))
    patient = asyncio.create_task(commit({"id": 2}))
    await asyncio.sleep(0)
    impatient.cancel()
    release.set()
    await patient
    with pytest.raises(asyncio.CancelledError):
        await impatient
    assert rows_written == [1, 2]
