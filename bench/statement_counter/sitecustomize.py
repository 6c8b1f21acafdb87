"""Loaded by a bot process the benchmark starts with ``--count-statements`` (this folder first on PYTHONPATH):
counts the SQL statements and commits the process runs, and writes the counts to ``$COUNT_STATEMENTS.<pid>``
on SIGUSR1 (the benchmark's mark before the users start) and at exit."""

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


def _write(suffix: str) -> None:
    with open(f"{os.environ['COUNT_STATEMENTS']}.{os.getpid()}{suffix}", "w", encoding="utf-8") as out:
        for statement, n in _counts.most_common():
            out.write(f"{n}\t{statement}\n")


signal.signal(signal.SIGUSR1, lambda *_: _write(".start"))
atexit.register(_write, "")
