"""Exactly once across crashes, restarts and two sweepers on one database (PostgreSQL when
TEST_DATABASE_URL is set, SQLite always)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from bot.app import App
from bot.settings import Settings
from handlers.campaign import NoticeSpec
from handlers.domain import Role
from scheduler.sweeper import Sweeper, SweepPolicy
from storage.notices import SqlNoticeQueue
from tests.reminder_support import Recorder, add_draft, add_person, local, notices, tick_at
from tests.support import Clock


async def queue_notices(app: App, clock: Clock, count: int) -> None:
    async with app.database.unit_of_work() as store:
        for n in range(count):
            identity = await store.identity("console", f"u{n}")
            await store.enqueue(
                NoticeSpec(
                    key=f"test|i{identity.id}|{n}",
                    kind="test",
                    text=f"tin {n}",
                    due_at=clock.now,
                    identity_id=identity.id,
                )
            )


async def test_a_sweeper_that_died_after_claiming_is_taken_over_after_the_lease(app: App, clock: Clock) -> None:
    await queue_notices(app, clock, 3)
    queue = SqlNoticeQueue(app.database)
    lease = timedelta(minutes=10)
    claimed = await queue.claim("dead-process", clock.now, 10, lease)
    assert len(claimed) == 3  # ... and then the process died before sending anything.

    recorder = Recorder()
    survivor = Sweeper(queue, app.database.unit_of_work, recorder, clock, SweepPolicy(lease=lease))
    await survivor.sweep()
    assert recorder.sent == []  # the lease still holds

    clock.advance(minutes=10, seconds=1)
    await survivor.sweep()
    assert sorted(text for _, _, text in recorder.sent) == ["tin 0", "tin 1", "tin 2"]
    # The dead process, had it come back, cannot settle what it no longer holds.
    assert not await queue.finish(claimed[0].id, "dead-process", "sent", clock.now)
    assert [n.status for n in await notices(app)] == ["sent"] * 3

    await survivor.sweep()
    clock.advance(hours=1)
    await survivor.sweep()
    assert len(recorder.sent) == 3


async def test_restart_after_downtime_sends_the_latest_missed_reminder_once(app: App, clock: Clock) -> None:
    author = await add_person(app, "Nguyễn Văn An", "THCS-QT", "an")
    await add_draft(app, author, "Sổ điểm điện tử", local(2026, 3, 3, 9))
    recorder = Recorder()
    first = app.reminder_service(recorder)
    await tick_at(first, clock, local(2026, 4, 6))
    assert len(recorder.to("an")) == 1 and "còn 14 ngày" in recorder.to("an")[0]

    # Down from the evening of 12/4 until mid-morning on 14/4: the 13/4 reminder is sent once on return.
    second = app.reminder_service(recorder)
    await tick_at(second, clock, local(2026, 4, 14, 10, 15))
    await tick_at(second, clock, local(2026, 4, 14, 10, 45))
    assert len(recorder.to("an")) == 2 and "còn 6 ngày" in recorder.to("an")[1]

    # The reminder of 17/4 was planned, then the process crashed before sending; it stays down past the
    # deadline. Back on 21/4 nothing about round I goes out: 17/4, 19/4 and 20/4 are dropped, not sent late.
    clock.now = local(2026, 4, 17, 8, 1)
    await second.plan()
    third = app.reminder_service(recorder)
    await tick_at(third, clock, local(2026, 4, 21, 9))
    assert len(recorder.to("an")) == 2
    statuses = Counter(n.status for n in await notices(app, kind="remind:author"))
    assert statuses == {"sent": 2, "expired": 1}


async def test_two_sweepers_on_one_database_send_each_notice_exactly_once(
    app: App, settings: Settings, database_url: tuple[str, dict], clock: Clock
) -> None:
    await queue_notices(app, clock, 300)
    # A second process: its own engine and connection pool on the same database.
    other = App(settings, clock=clock, engine_kwargs=database_url[1])
    try:
        recorder = Recorder()
        policy = SweepPolicy(batch_size=7, concurrency=4)
        sweepers = [
            Sweeper(SqlNoticeQueue(a.database), a.database.unit_of_work, recorder, clock, policy, worker=f"w{i}")
            for i, a in enumerate((app, other))
        ]
        results = await asyncio.gather(*(s.sweep() for s in sweepers))
    finally:
        await other.close()
    per_user = Counter(user for _, user, _ in recorder.sent)
    assert len(per_user) == 300 and set(per_user.values()) == {1}
    assert all(r.sent > 0 for r in results), [r.sent for r in results]  # both did part of the work
    assert Counter(n.status for n in await notices(app)) == {"sent": 300}


async def test_two_schedulers_planning_at_once_queue_each_reminder_once(
    app: App, settings: Settings, database_url: tuple[str, dict], clock: Clock
) -> None:
    for n in range(20):
        await add_person(app, f"Thủ Trưởng {n}", "TH-KD", f"h{n}", roles=[Role.UNIT_HEAD])
    other = App(settings, clock=clock, engine_kwargs=database_url[1])
    recorder = Recorder()
    try:
        services = [a.reminder_service(recorder) for a in (app, other)]
        clock.now = local(2026, 4, 6)
        await asyncio.gather(*(s.tick() for s in services))
        await asyncio.gather(*(s.tick() for s in services))
    finally:
        await other.close()
    assert sorted(user for _, user, _ in recorder.sent) == sorted(f"h{n}" for n in range(20))


async def test_a_620_second_flood_wait_never_lets_a_second_process_send_the_same_notice(
    app: App, settings: Settings, database_url: tuple[str, dict], clock: Clock
) -> None:
    """Telegram answers one send with retry_after=620, longer than the old 10-minute lease: the notice waits out
    the flood wait and is then sent once, by whichever process comes first; nobody sends it meanwhile."""
    await queue_notices(app, clock, 3)
    other = App(settings, clock=clock, engine_kwargs=database_url[1])
    try:
        recorder = Recorder()
        queue = SqlNoticeQueue(app.database)
        recorder.slow_down["u0"] = 620  # "Too Many Requests: retry after 620", once
        first = Sweeper(queue, app.database.unit_of_work, recorder, clock, SweepPolicy(), worker="first")
        second = Sweeper(
            SqlNoticeQueue(other.database), other.database.unit_of_work, recorder, clock, SweepPolicy(), worker="second"
        )
        start = clock.now
        await first.sweep()
        assert sorted(text for _, _, text in recorder.sent) == ["tin 1", "tin 2"]
        for seconds in (1, 300, 601, 615):  # past the old 10-minute lease, before the platform's 620 s are over
            clock.now = start + timedelta(seconds=seconds)
            await second.sweep()
            await first.sweep()
        assert recorder.to("u0") == [] and recorder.attempts["u0"] == 1
        clock.now = start + timedelta(seconds=621)
        await asyncio.gather(second.sweep(), first.sweep())
        await second.sweep()
        assert recorder.to("u0") == ["tin 0"]
        assert Counter(n.status for n in await notices(app)) == {"sent": 3}
    finally:
        await other.close()
