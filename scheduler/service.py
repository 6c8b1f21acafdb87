"""The reminder service: an APScheduler 3 interval job in this process that plans reminders and sweeps
the notice outbox. APScheduler's own job store is in memory and per process; the database is the source
of truth, so any number of processes may run this job at once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from handlers.reminders import Planner
from scheduler.sweeper import Sweeper, SweepStats, UnitOfWork

log = logging.getLogger(__name__)


class ReminderService:
    def __init__(
        self,
        unit_of_work: UnitOfWork,
        planner: Planner,
        sweeper: Sweeper,
        clock: Callable[[], datetime],
        interval_seconds: float = 30.0,
        plan_interval_seconds: float = 300.0,
    ) -> None:
        self.unit_of_work = unit_of_work
        self.planner = planner
        self.sweeper = sweeper
        self.clock = clock
        self.interval_seconds = interval_seconds
        # Planning reads every body's campaigns (seconds for a province of hundreds of bodies); sending what is
        # due is cheap. So the interval job sweeps on every run and plans only this often.
        self.plan_interval_seconds = plan_interval_seconds
        self._planned_at: datetime | None = None
        self._scheduler: AsyncIOScheduler | None = None
        self._running: asyncio.Task[SweepStats] | None = None

    async def plan(self) -> int:
        async with self.unit_of_work() as store:
            return await self.planner.plan(store, self.clock())

    async def tick(self, *, plan: bool = True) -> SweepStats:
        """Plan what has become due, then send everything due. Safe to run in several processes at once."""
        if plan:
            await self.plan()
            self._planned_at = self.clock()
        return await self.sweeper.sweep()

    def _plan_due(self) -> bool:
        now = self.clock()
        last = self._planned_at
        return last is None or not 0 <= (now - last).total_seconds() < self.plan_interval_seconds

    async def _job(self) -> None:
        self._running = asyncio.current_task()
        try:
            stats = await self.tick(plan=self._plan_due())
            if stats.sent or stats.failed or stats.unreachable:
                log.info(
                    "notices: %d sent, %d retried later, %d unreachable, %d muted, %d failed",
                    stats.sent,
                    stats.retried,
                    stats.unreachable,
                    stats.muted,
                    stats.failed,
                )
        except Exception:
            log.exception("reminder tick failed; the next tick tries again")
        finally:
            self._running = None

    def start(self) -> None:
        """Start the interval job on the running event loop; the first tick runs at once."""
        if self._scheduler is not None:
            return
        self.sweeper.stopping = False
        scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop())
        scheduler.add_job(
            self._job,
            "interval",
            seconds=self.interval_seconds,
            id="reminders",
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now().astimezone(),
        )
        scheduler.start()
        self._scheduler = scheduler
        log.info("reminder scheduler started (every %g s)", self.interval_seconds)

    async def stop(self, timeout: float = 15.0) -> None:
        """Stop scheduling; let the current batch finish (or cancel it after ``timeout``: leases recover it)."""
        if self._scheduler is None:
            return
        self.sweeper.stopping = True
        self._scheduler.shutdown(wait=False)
        self._scheduler = None
        running = self._running
        if running is not None and not running.done():
            try:
                await asyncio.wait_for(asyncio.shield(running), timeout)
            except TimeoutError:
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await running
