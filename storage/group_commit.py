"""Group commit: calls of one write that arrive while another is under way are written together.

Each caller still waits until its own row is committed, so what it does next happens after, as before; only
callers that are waiting at the same moment share a transaction (replies of different chats settled at once).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

Params = dict[str, Any]


class GroupCommit:
    def __init__(self, write: Callable[[list[Params]], Awaitable[None]]) -> None:
        self._write = write
        self._pending: list[tuple[Params, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def __call__(self, params: Params) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((params, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain(), name="group commit")
        await done

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await self._write([params for params, _ in batch])
            except Exception as error:  # every caller of the batch sees the failure, as it would have its own
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)
