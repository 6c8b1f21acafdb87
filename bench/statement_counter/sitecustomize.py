"""Loaded by a bot process the benchmark starts with ``--count-statements`` (this folder first on PYTHONPATH):
counts the SQL statements and commits the process runs, through SQLAlchemy and on the driver path
(``storage.driver``, marked ``[driver]``; a statement committed by itself counts as a commit), and writes the
counts to ``$COUNT_STATEMENTS.<pid>`` on SIGUSR1 (the benchmark's mark before the users start) and at exit."""

from __future__ import annotations

import atexit
import os
import signal
from collections import Counter
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_counts: Counter[str] = Counter()


@event.listens_for(Engine, "before_cursor_execute")
def _statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    _counts[" ".join(statement.split())[:160]] += 1


@event.listens_for(Engine, "commit")
def _commit(_conn: Any) -> None:
    _counts["<COMMIT>"] += 1


def _count_driver() -> None:
    from contextlib import asynccontextmanager

    from storage import driver

    writes, quick = driver._AsyncpgWrites, driver.AsyncpgQuickWrites
    rows, run, run_many = writes.rows, writes.run, writes.run_many
    transaction, alone_rows, alone_run_many = quick.transaction, quick.rows, quick.run_many

    def _count(self: Any, statement: Any, n: int = 1) -> None:
        _counts["[driver] " + " ".join(self.owner.compile(statement).sql.split())[:150]] += n

    async def counted_rows(self: Any, statement: Any, params: Any) -> Any:
        _count(self, statement)
        return await rows(self, statement, params)

    async def counted_run(self: Any, statement: Any, params: Any) -> int:
        _count(self, statement)
        return await run(self, statement, params)

    async def counted_run_many(self: Any, statement: Any, params: Any) -> None:
        _count(self, statement, len(params))
        await run_many(self, statement, params)

    @asynccontextmanager
    async def counted_transaction(self: Any, locks: Any = ()) -> Any:
        locks = list(locks)
        _counts["[driver] BEGIN" + "; SELECT pg_advisory_xact_lock(…)" * len(locks)] += 1
        _counts["<COMMIT>"] += 1
        async with transaction(self, locks) as opened:
            yield opened

    async def committed_rows(self: Any, statement: Any, params: Any) -> Any:
        _counts["<COMMIT>"] += 1  # a statement alone commits by itself
        return await alone_rows(self, statement, params)

    async def committed_run_many(self: Any, statement: Any, params: Any) -> None:
        _counts["<COMMIT>"] += 1
        await alone_run_many(self, statement, params)

    writes.rows, writes.run, writes.run_many = counted_rows, counted_run, counted_run_many  # type: ignore[method-assign]
    quick.transaction = counted_transaction  # type: ignore[method-assign]
    quick.rows, quick.run_many = committed_rows, committed_run_many  # type: ignore[method-assign]


_count_driver()


def _write(suffix: str) -> None:
    with open(f"{os.environ['COUNT_STATEMENTS']}.{os.getpid()}{suffix}", "w", encoding="utf-8") as out:
        for statement, n in _counts.most_common():
            out.write(f"{n}\t{statement}\n")


signal.signal(signal.SIGUSR1, lambda *_: _write(".start"))
atexit.register(_write, "")
