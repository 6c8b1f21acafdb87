"""What the body reports and the province overview need from storage (storage/reports.py implements it).

Every method names its body (or every body) explicitly and ignores the store's scope: the province office reads
every body, a body's report reads one. Who may read what is the flows' decision (handlers/reports/flow.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from handlers.domain import Body, Person, Role


class ReportKind(StrEnum):
    YEAR = "year"  # the yearly list: recognised and transferred initiatives, due 31/12 (Cao Bằng 10/CT-UBND)
    MID = "mid"  # the mid-year report: counts so far, due 30/6 (Quảng Ngãi)


@dataclass(frozen=True)
class RecognisedEntry:
    """One initiative a body recognised in the year, as the yearly list names it."""

    initiative_id: int
    receipt_no: str
    title: str
    authors: tuple[str, ...]
    unit: str
    field: str  # the form's field code ("" when the form has none)
    grade: str  # "" when recognised with a certificate only (or no class recorded)
    decision_number: str = ""  # the decision recognising its round, "" while not recorded
    decision_date: date | None = None


@dataclass(frozen=True)
class TransferEntry:
    """A recognised initiative of the body handed over (chuyển giao) during the year."""

    initiative_id: int
    receipt_no: str
    title: str
    authors: tuple[str, ...]
    unit: str
    recipient: str
    on: date
    agreement: str


@dataclass(frozen=True)
class BodyTally:
    """A body's numbers for one campaign year, from a handful of grouped queries over every body at once."""

    body_id: int
    filed: int = 0  # filed and counted (everything but drafts, refused and withdrawn)
    recognised: int = 0
    under_review: int = 0  # accepted, waiting for the council
    waiting: int = 0  # submitted or sent back for amendment, waiting for the Thường trực Hội đồng
    by_grade: Mapping[str, int] = field(default_factory=dict)  # recognised by class; "" = certificate only
    by_field: Mapping[str, int] = field(default_factory=dict)  # filed by field code ("" = none given)
    recognised_by_field: Mapping[str, int] = field(default_factory=dict)
    units: int = 0  # the body's units
    units_met: int = 0  # units that filed at least the campaign's quota
    quota: int = 1  # the campaign's quota per unit
    duplicates: int = 0  # filed initiatives flagged as resembling another one
    transfers: int = 0  # transfers recorded during the year

    @property
    def quota_met(self) -> bool:
        return self.units_met >= self.units


@dataclass(frozen=True)
class FiledReport:
    body_id: int
    year: int
    kind: ReportKind
    content: Mapping[str, Any]
    filed_by: int | None
    filed_by_name: str
    filed_at: datetime


class ReportStore(Protocol):
    async def bodies(self) -> Sequence[Body]: ...
    async def body(self, body_id: int) -> Body | None: ...
    async def province(self) -> Body | None: ...

    async def recognised_entries(self, body_id: int, year: int) -> Sequence[RecognisedEntry]:
        """The initiatives filed with ``body_id`` in campaign ``year`` and recognised, by unit and receipt."""
        ...

    async def transfer_entries(self, body_id: int, year: int) -> Sequence[TransferEntry]:
        """Transfers dated in ``year`` of the body's initiatives (recognised this year or earlier)."""
        ...

    async def body_tallies(self, year: int, body_id: int | None = None) -> Sequence[BodyTally]:
        """Each body's numbers for ``year`` (only ``body_id``'s when given); a body with nothing is absent."""
        ...

    async def body_reports(self, year: int, body_id: int | None = None) -> Sequence[FiledReport]:
        """Reports filed for ``year`` by every body (or by ``body_id``)."""
        ...

    async def file_body_report(
        self, body_id: int, year: int, kind: ReportKind, content: Mapping[str, Any], by_person_id: int, now: datetime
    ) -> FiledReport | None:
        """File (or replace) the body's report; returns the report it replaced, if any."""
        ...

    async def people_with_role_in(self, role: Role, body_id: int) -> Sequence[Person]:
        """People granted ``role`` in ``body_id`` (whatever the store's scope)."""
        ...
