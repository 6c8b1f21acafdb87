"""One poller per bot account: Telegram serves ``getUpdates`` to one caller at a time and ends another's long
poll with 409, so of several processes sharing a PostgreSQL database only the one holding a session advisory
lock polls; the others wait and take over when it stops or dies (its connection closes and the lock with it).
SQLite serves one process, which always holds it."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import text

from storage.database import Database

log = logging.getLogger(__name__)

_TRY = text("SELECT pg_try_advisory_lock(hashtext(:name))")
_ALIVE = text("SELECT 1")


class SqlPollLease:
    def __init__(self, database: Database, name: str) -> None:
        self.database = database
        self.name = name
        self._connection: Any = None

    @property
    def _shared(self) -> bool:
        return self.database.engine.dialect.name == "postgresql"

    async def acquire(self) -> bool:
        """Whether this process may poll: it holds the lock, or has just taken it."""
        if not self._shared or self._connection is not None:
            return True
        connection = await self.database.engine.connect()
        try:
            held = bool((await connection.execute(_TRY, {"name": self.name})).scalar())
            await connection.commit()  # the lock is the session's: it outlives the transaction
        except Exception:
            await connection.close()
            raise
        if not held:
            await connection.close()
            return False
        self._connection = connection
        log.info("polling lease %s taken: this process polls, the deployment's other processes wait", self.name)
        return True

    async def check(self) -> None:
        """After a conflict: still holding the lock? A lost connection lost it too; acquire again before polling."""
        if self._connection is None:
            return
        try:
            await self._connection.execute(_ALIVE)
            await self._connection.commit()
        except Exception:
            log.warning("the polling lock's database connection was lost; polling waits until it is held again")
            await self._drop()

    async def release(self) -> None:
        await self._drop()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            # Not back to the pool (a pooled session would keep the lock): the server session ends, and the lock.
            await connection.invalidate()
            await connection.close()
        except Exception:
            log.debug("closing the polling lock's connection failed", exc_info=True)
