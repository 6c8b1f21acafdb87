"""The public page's search, filters and paging over the public records: pure functions of the query string.

Search matches every word typed, with or without diacritics, in the title, authors, unit, field, content and
receipt number; filters are by year, unit, field, class and level (cấp cơ sở, cấp tỉnh); pages are numbered
from 1."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from handlers.parsing import fold
from handlers.review.public import PublicRecord

CERTIFICATE = "GCN"  # the class filter's value for «certificate only»
PROVINCE, BASE = "tinh", "coso"  # the level filter's values


@dataclass(frozen=True)
class Query:
    text: str = ""
    year: int | None = None
    unit: str = ""
    field: str = ""
    grade: str = ""  # "A", "B", "C" or CERTIFICATE
    page: int = 1
    level: str = ""  # PROVINCE, BASE or "" (both)

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> Query:
        year = params.get("nam", "").strip()
        page = params.get("trang", "").strip()
        grade = params.get("loai", "").strip().upper()
        level = params.get("cap", "").strip().lower()
        return cls(
            text=" ".join(params.get("q", "").split())[:200],
            year=int(year) if year.isdigit() and len(year) == 4 else None,
            unit=params.get("donvi", "").strip()[:300],
            field=params.get("linhvuc", "").strip()[:200],
            grade=grade if grade in ("A", "B", "C", CERTIFICATE) else "",
            page=max(1, min(int(page), 100_000)) if page.isdigit() else 1,
            level=level if level in (PROVINCE, BASE) else "",
        )

    def params(self, **changes: object) -> dict[str, str]:
        query = replace(self, **changes)  # type: ignore[arg-type]
        pairs = {
            "q": query.text,
            "nam": str(query.year or ""),
            "donvi": query.unit,
            "linhvuc": query.field,
            "loai": query.grade,
            "cap": query.level,
            "trang": str(query.page) if query.page > 1 else "",
        }
        return {k: v for k, v in pairs.items() if v}

    def url(self, **changes: object) -> str:
        params = self.params(**changes)
        return "/?" + urlencode(params) if params else "/"

    @property
    def filtered(self) -> bool:
        return bool(self.text or self.year or self.unit or self.field or self.grade or self.level)


def _haystack(record: PublicRecord) -> str:
    parts = (record.title, " ".join(record.authors), record.unit, record.field, record.content, record.receipt)
    return fold(" ".join(parts))


def matches(record: PublicRecord, query: Query) -> bool:
    if query.year is not None and record.year != query.year:
        return False
    if query.unit and record.unit != query.unit:
        return False
    if query.field and record.field != query.field:
        return False
    if query.grade and (record.grade or CERTIFICATE) != query.grade:
        return False
    if query.level and (PROVINCE if record.provincial else BASE) != query.level:
        return False
    words = fold(query.text).split()
    haystack = _haystack(record) if words else ""
    return all(word in haystack for word in words)


@dataclass(frozen=True)
class Listing:
    query: Query
    records: tuple[PublicRecord, ...]  # this page's
    total: int
    pages: int
    years: tuple[int, ...]
    units: tuple[str, ...]
    fields: tuple[str, ...]
    grades: tuple[str, ...] = field(default=())
    levels: tuple[str, ...] = field(default=())  # BASE and/or PROVINCE, when any record is provincial


def listing(records: Sequence[PublicRecord], query: Query, page_size: int) -> Listing:
    found = [r for r in records if matches(r, query)]
    pages = max(1, math.ceil(len(found) / page_size))
    page = min(query.page, pages)
    start = (page - 1) * page_size
    return Listing(
        query=replace(query, page=page),
        records=tuple(found[start : start + page_size]),
        total=len(found),
        pages=pages,
        years=tuple(sorted({r.year for r in records}, reverse=True)),
        units=tuple(sorted({r.unit for r in records if r.unit}, key=fold)),
        fields=tuple(sorted({r.field for r in records if r.field}, key=fold)),
        grades=tuple(sorted({r.grade or CERTIFICATE for r in records}, key=lambda g: (g == CERTIFICATE, g))),
        levels=(BASE, PROVINCE) if any(r.provincial for r in records) else (),
    )
