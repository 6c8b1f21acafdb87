"""Looking again while another live process holds a sender or a chat (``storage.intake.BUSY``): a webhook
replica handling that user right now is done within moments, so waiting beats the periodic recovery."""

from __future__ import annotations

import asyncio

RETRY_SECONDS = 0.2
# About the heartbeat's staleness (15 s): past that, the periodic recovery takes over.
RETRIES = 75


class BusyWait:
    def __init__(self) -> None:
        self.count = 0

    async def again(self) -> bool:
        """Wait before looking again; False once it has waited long enough (leave it to the recovery)."""
        self.count += 1
        if self.count > RETRIES:
            return False
        await asyncio.sleep(RETRY_SECONDS)
        return True

    def reset(self) -> None:
        self.count = 0
