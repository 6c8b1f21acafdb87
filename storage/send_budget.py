"""One sending budget per bot account, shared by every process of a deployment through PostgreSQL.

Each fifth of a second of wall-clock time has a counter row (so a budget of 30/s is at most 6 per 200 ms and
never a burst of 60 across a second's edge); taking a token is one statement that adds 1 only while the
counter is below the cap. Replies may fill the whole slot; broadcasts (reminders, notices) only what is
left after a headroom kept for replies, so a deadline-day broadcast never starves the people typing. Within a
process, a broadcast does not ask at all while replies of that process wait for a token: they take the slot
first. Across processes, replies refused a slot hold as many tokens of the next one (``reserved``), which no
process's broadcast takes.

Within a process, the senders waiting for a token of one kind are served together: one statement asks for all
of them at once (else for one), and when the slot is full they all wait for the next slot instead of each asking
again, so a busy deadline day costs about one statement per slot, not one per waiting sender per slot.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable

from sqlalchemy import TextClause, bindparam, delete, text

from storage.database import Database
from storage.models import SendBudgetRow

log = logging.getLogger(__name__)

SLOT = 0.2  # seconds
REPLY = "reply"
BROADCAST = "broadcast"

# Any one-second window a platform counts lies within six consecutive slots: the five before this one and this
# one together stay under the per-second cap, so a late send of an old slot and an early one of a new slot
# never add up to a burst (the price: at most 5/6 of the nominal rate, sustained; with the tenth kept in
# window_cap, 0.75 of it).
_BEFORE = (
    "(SELECT coalesce(sum(b.used), 0) FROM send_budget b "
    "WHERE b.account = CAST(:account AS VARCHAR(40)) AND b.slot >= CAST(:slot AS BIGINT) - 5 "
    "AND b.slot < CAST(:slot AS BIGINT))"
)


def _take(*, reply: bool) -> TextClause:
    """Tokens of a slot, all or none. A reply may fill the slot and uses up what replies reserved in it; a
    broadcast leaves the reserved tokens alone, in the slot and in its six-slot window."""
    held = "" if reply else " + send_budget.reserved"
    released = (
        ", reserved = CASE WHEN send_budget.reserved > CAST(:n AS INTEGER) "
        "THEN send_budget.reserved - CAST(:n AS INTEGER) ELSE 0 END"
        if reply
        else ""
    )
    return text(
        "INSERT INTO send_budget (account, slot, used, reserved) "
        "SELECT CAST(:account AS VARCHAR(40)), CAST(:slot AS BIGINT), CAST(:n AS INTEGER), 0 "
        f"WHERE CAST(:n AS INTEGER) <= :cap AND {_BEFORE} + CAST(:n AS INTEGER) <= :window_cap "
        f"ON CONFLICT (account, slot) DO UPDATE SET used = send_budget.used + CAST(:n AS INTEGER){released} "
        f"WHERE send_budget.used{held} + CAST(:n AS INTEGER) <= :cap "
        f"AND {_BEFORE} + send_budget.used{held} + CAST(:n AS INTEGER) <= :window_cap RETURNING used"
    )


_TAKE = {REPLY: _take(reply=True), BROADCAST: _take(reply=False)}
# Replies refused a slot hold tokens of the next one against every process's broadcasts (they add up).
_RESERVE = text(
    "INSERT INTO send_budget (account, slot, used, reserved) "
    "VALUES (CAST(:account AS VARCHAR(40)), CAST(:slot AS BIGINT), 0, CAST(:n AS INTEGER)) "
    "ON CONFLICT (account, slot) DO UPDATE SET reserved = send_budget.reserved + CAST(:n AS INTEGER)"
)

_FORGET = delete(SendBudgetRow).where(
    SendBudgetRow.account == bindparam("account"), SendBudgetRow.slot < bindparam("before")
)


class SqlSendBudget:
    def __init__(
        self,
        database: Database,
        account: str,
        per_second: int,
        *,
        reply_headroom: float = 0.2,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.database = database
        self.account = account
        self.per_second = per_second
        # Never above the configured rate in any second: a slot's share is rounded down (at least one token, so a
        # small rate still sends; the six-slot window then keeps the second's total to the rate).
        self.per_slot = max(per_second // round(1 / SLOT), 1)
        # Broadcasts leave at least this many tokens of every slot to replies.
        self.headroom = max(1, round(self.per_slot * reply_headroom)) if self.per_slot > 1 else 0
        self.wall = wall
        self._last_cleanup = 0
        self._waiting: dict[str, deque[asyncio.Future[None]]] = {}
        self._runners: dict[str, asyncio.Task[None]] = {}
        self._reserved_slot = 0  # the slot this process last held tokens of for its replies (once a slot)

    def cap(self, priority: str) -> int:
        return self.per_slot if priority == REPLY else max(self.per_slot - self.headroom, 1)

    def window_cap(self, priority: str) -> int:
        """Tokens in any six consecutive slots (any one-second window): the configured rate less a tenth (from 10/s
        up), less the headroom of five slots for broadcasts. The tenth is for the time between a token and its
        message's arrival: under load, sends granted 1.2 s apart arrived less than a second apart, and the 31st
        message of such a second drew a 429."""
        whole = self.per_second - self.per_second // 10
        if priority == REPLY:
            return whole
        return max(whole - self.headroom * round(1 / SLOT), 1)

    def for_priority(self, priority: str) -> PriorityBudget:
        return PriorityBudget(self, priority)

    async def take(self, priority: str) -> None:
        """Wait until a token of the current slot is ours."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(priority, deque()).append(waiter)
        runner = self._runners.get(priority)
        if runner is None or runner.done():
            self._runners[priority] = asyncio.create_task(self._grant_waiting(priority), name=f"budget {priority}")
        await waiter  # a sender that gives up cancels its waiter, which the runner then skips

    async def _grant_waiting(self, priority: str) -> None:
        queue = self._waiting[priority]
        while True:
            live = [waiter for waiter in queue if not waiter.done()]  # not those that gave up (cancelled)
            queue.clear()
            queue.extend(live)
            if not queue:
                return
            slot = int(self.wall() / SLOT)
            if priority != REPLY and any(not w.done() for w in self._waiting.get(REPLY, ())):
                # Replies of this process are waiting for a token: they take this slot first.
                await asyncio.sleep(max((slot + 1) * SLOT - self.wall(), 0.001))
                continue
            try:
                # As many as the slot's share allows (all or none), else one: more than the share could never be.
                wanted = min(len(queue), self.cap(priority))
                granted = await self._grant(priority, slot, wanted)
                if not granted and wanted > 1:
                    granted = await self._grant(priority, slot, 1)
            except Exception as error:  # the database is away: the senders see it, as they did their own take
                while queue:
                    waiter = queue.popleft()
                    if not waiter.done():
                        waiter.set_exception(error)
                return
            if not granted:
                if priority == REPLY and self._reserved_slot != slot + 1:
                    # Another process's broadcast may fill the next slot before these replies ask again.
                    self._reserved_slot = slot + 1
                    await self._reserve(slot + 1, wanted)
                await asyncio.sleep(max((slot + 1) * SLOT - self.wall(), 0.001))
                continue
            while granted and queue:  # a sender that gave up meanwhile passes its token to the next
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    granted -= 1

    async def _grant(self, priority: str, slot: int, n: int) -> int:
        """``n`` tokens of ``slot`` in one statement, all or none; how many were granted."""
        granted = await self.database.quick.rows(
            _TAKE[priority],
            {
                "account": self.account,
                "slot": slot,
                "n": n,
                "cap": self.cap(priority),
                "window_cap": self.window_cap(priority),
            },
        )
        if slot - self._last_cleanup > 300:
            self._last_cleanup = slot
            try:  # the tokens are taken either way: old slots wait for the next cleanup
                await self.database.quick.run_many(_FORGET, [{"account": self.account, "before": slot - 300}])
            except Exception:
                log.warning("could not delete old sending slots", exc_info=True)
        return n if granted else 0

    async def _reserve(self, slot: int, n: int) -> None:
        try:
            await self.database.quick.run_many(_RESERVE, [{"account": self.account, "slot": slot, "n": n}])
        except Exception:  # only a preference: the replies ask again at the next slot either way
            log.warning("could not reserve sending tokens for waiting replies", exc_info=True)


class PriorityBudget:
    """The budget as one kind of sender sees it (bot.senders.Budget)."""

    def __init__(self, budget: SqlSendBudget, priority: str) -> None:
        self.budget = budget
        self.priority = priority

    async def take(self) -> None:
        await self.budget.take(self.priority)
