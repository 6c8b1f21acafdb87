"""What the transfer and decision records need from storage (storage/transfers.py implements it)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True)
class Transfer:
    """A recognised initiative handed over (chuyển giao) to ``recipient`` on ``on`` under ``agreement``."""

    initiative_id: int
    recipient: str
    on: date
    agreement: str
    recorded_at: datetime


@dataclass(frozen=True)
class Decision:
    """The decision recognising a round's initiatives: «Quyết định số ``number`` ngày ``signed_on``»."""

    round_id: int
    number: str
    signed_on: date


class TransferStore(Protocol):
    async def add_transfer(self, transfer: Transfer, by_person_id: int) -> None: ...
    async def transfers(self, initiative_ids: Collection[int] | None = None) -> Sequence[Transfer]: ...
    async def set_decision(self, decision: Decision, by_person_id: int, now: datetime) -> None:
        """Record (or correct) the round's decision."""
        ...

    async def decisions(self) -> Mapping[int, Decision]:
        """Every recorded decision by round id."""
        ...
