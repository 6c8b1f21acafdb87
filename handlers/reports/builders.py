"""The reports as data, built from a handful of grouped queries: a body's yearly list (recognised and transferred
initiatives), its mid-year figures, and the province overview of every body. The bench (bench/bench_province.py)
times ``build_overview`` and ``build_year_report``."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from handlers.domain import Body
from handlers.reports.store import BodyTally, FiledReport, RecognisedEntry, ReportKind, ReportStore, TransferEntry


def _counts(tally: BodyTally) -> dict[str, Any]:
    return {
        "filed": tally.filed,
        "recognised": tally.recognised,
        "under_review": tally.under_review,
        "waiting": tally.waiting,
        "by_grade": dict(sorted(tally.by_grade.items())),
        "transfers": tally.transfers,
        "units": tally.units,
        "units_met": tally.units_met,
        "quota": tally.quota,
    }


def _digest(content: Mapping[str, Any]) -> str:
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _body(body: Body) -> dict[str, Any]:
    return {"id": body.id, "code": body.code, "name": body.name}


@dataclass(frozen=True)
class YearReport:
    """A body's yearly list: every initiative it recognised in ``year`` and every transfer dated in ``year``."""

    body: Body
    year: int
    recognised: tuple[RecognisedEntry, ...]
    transfers: tuple[TransferEntry, ...]
    tally: BodyTally

    kind = ReportKind.YEAR

    def content(self) -> dict[str, Any]:
        """The JSON snapshot filed to the province (body_report.content)."""

        def entry(item: RecognisedEntry | TransferEntry) -> dict[str, Any]:
            data = asdict(item)
            data["authors"] = list(item.authors)
            return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}

        return {
            "kind": self.kind.value,
            "year": self.year,
            "body": _body(self.body),
            "counts": _counts(self.tally),
            "recognised": [entry(e) for e in self.recognised],
            "transfers": [entry(t) for t in self.transfers],
        }

    @property
    def digest(self) -> str:
        return _digest(self.content())


@dataclass(frozen=True)
class MidReport:
    """A body's figures so far in ``year`` (the mid-year report, due 30/6)."""

    body: Body
    year: int
    tally: BodyTally
    as_of: date

    kind = ReportKind.MID

    def content(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "year": self.year,
            "body": _body(self.body),
            "as_of": self.as_of.isoformat(),
            "counts": _counts(self.tally),
        }

    @property
    def digest(self) -> str:
        content = self.content()
        content.pop("as_of")  # the same figures a day later are the same report
        return _digest(content)


Report = YearReport | MidReport


async def _body_or_fail(store: ReportStore, body_id: int) -> Body:
    body = await store.body(body_id)
    if body is None:
        raise LookupError(f"no body {body_id}")
    return body


async def _tally(store: ReportStore, body_id: int, year: int) -> BodyTally:
    return next(iter(await store.body_tallies(year, body_id)), BodyTally(body_id))


async def build_year_report(store: ReportStore, body_id: int, year: int) -> YearReport:
    """The body's yearly list for ``year``: four queries whatever the size of the body or the province."""
    body = await _body_or_fail(store, body_id)
    recognised = tuple(await store.recognised_entries(body_id, year))
    transfers = tuple(await store.transfer_entries(body_id, year))
    return YearReport(body, year, recognised, transfers, await _tally(store, body_id, year))


async def build_mid_report(store: ReportStore, body_id: int, year: int, as_of: date) -> MidReport:
    body = await _body_or_fail(store, body_id)
    return MidReport(body, year, await _tally(store, body_id, year), as_of)


@dataclass(frozen=True)
class OverviewRow:
    body: Body
    tally: BodyTally
    year_report: FiledReport | None
    mid_report: FiledReport | None


def total(tallies: Iterable[BodyTally]) -> BodyTally:
    """Every body's numbers added up (body_id 0)."""
    items = list(tallies)
    by_grade: Counter[str] = Counter()
    by_field: Counter[str] = Counter()
    recognised_by_field: Counter[str] = Counter()
    for t in items:
        by_grade.update(t.by_grade)
        by_field.update(t.by_field)
        recognised_by_field.update(t.recognised_by_field)
    return BodyTally(
        body_id=0,
        filed=sum(t.filed for t in items),
        recognised=sum(t.recognised for t in items),
        under_review=sum(t.under_review for t in items),
        waiting=sum(t.waiting for t in items),
        by_grade=dict(by_grade),
        by_field=dict(by_field),
        recognised_by_field=dict(recognised_by_field),
        units=sum(t.units for t in items),
        units_met=sum(t.units_met for t in items),
        quota=0,
        duplicates=sum(t.duplicates for t in items),
        transfers=sum(t.transfers for t in items),
    )


@dataclass(frozen=True)
class Overview:
    """The province overview: one row per recognising body (the province's own body is not one of them)."""

    year: int
    rows: tuple[OverviewRow, ...]

    @property
    def total(self) -> BodyTally:
        return total(r.tally for r in self.rows)

    @property
    def grades(self) -> tuple[str, ...]:
        """The classes given anywhere, A before B; certificate-only ("") last."""
        found = {g for r in self.rows for g, n in r.tally.by_grade.items() if n}
        return tuple(sorted(g for g in found if g)) + (("",) if "" in found else ())

    def fields(self, recognised: bool = False) -> tuple[str, ...]:
        found: Counter[str] = Counter()
        for r in self.rows:
            found.update(r.tally.recognised_by_field if recognised else r.tally.by_field)
        return tuple(sorted((f for f in found if found[f]), key=lambda f: (f == "", -found[f], f)))

    @property
    def not_filed(self) -> tuple[OverviewRow, ...]:
        return tuple(r for r in self.rows if r.year_report is None)

    def top(self, n: int) -> tuple[OverviewRow, ...]:
        ranked = sorted(self.rows, key=lambda r: (-r.tally.filed, -r.tally.recognised, r.body.name))
        return tuple(ranked[:n])


async def build_overview(store: ReportStore, year: int) -> Overview:
    """Every body's numbers and reports for ``year``: about ten grouped queries, none per body or initiative."""
    bodies = [b for b in await store.bodies() if not b.provincial]
    tallies = {t.body_id: t for t in await store.body_tallies(year)}
    reports: dict[tuple[int, ReportKind], FiledReport] = {
        (r.body_id, r.kind): r for r in await store.body_reports(year)
    }
    rows = tuple(
        OverviewRow(
            body=body,
            tally=tallies.get(body.id, BodyTally(body.id)),
            year_report=reports.get((body.id, ReportKind.YEAR)),
            mid_report=reports.get((body.id, ReportKind.MID)),
        )
        for body in bodies
    )
    return Overview(year, rows)
