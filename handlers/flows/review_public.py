"""What the public may see of recognised initiatives: one filter for the web page, the channel post and the
public spreadsheet, so none of them can show more than the others.

Only recognised initiatives appear; those marked state or business secret never do; the confidential part
is never used, and anything of it the author repeated in the public fields is cut out (``redact``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.catalogue import field_label, solution_type_label
from handlers.confidential import Secret, redact
from handlers.domain import Initiative, Status
from handlers.flows.review_rules import author_names, is_secret
from handlers.flows.review_store import PublishedResult
from handlers.store import Store
from handlers.texts import review as T

SUMMARY_LIMIT = 700


@dataclass(frozen=True)
class PublicRecord:
    receipt: str
    year: int
    title: str
    authors: tuple[str, ...]
    unit: str
    field: str
    solution_type: str
    grade: str  # "A", "B", "C" or "" (certificate)
    summary: str
    published_at: datetime

    @property
    def grade_label(self) -> str:
        return T.GRADE_LABEL.format(grade=self.grade) if self.grade else T.CERTIFICATE_ONLY


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def public_record(initiative: Initiative, result: PublishedResult, unit_name: str) -> PublicRecord | None:
    if initiative.status != Status.RECOGNISED or not result.recognised or is_secret(initiative):
        return None
    data = initiative.data
    confidential = Secret.of(str(data.get("confidential") or ""))

    def clean(value: object, limit: int) -> str:
        return _shorten(redact(str(value or ""), confidential), limit)

    return PublicRecord(
        receipt=initiative.receipt_no or "",
        year=result.year,
        title=clean(data.get("title"), 300),
        authors=tuple(clean(n, 100) for n in author_names(initiative)),
        unit=clean(unit_name, 300),
        field=clean(field_label(str(data.get("field") or "")), 200),
        solution_type=solution_type_label(str(data.get("solution_type") or "")),
        grade=result.grade,
        summary=clean(data.get("content"), SUMMARY_LIMIT),
        published_at=result.published_at,
    )


async def public_records(store: Store, receipt: str | None = None) -> list[PublicRecord]:
    """Every public record, newest year first, best class and score first within a year."""
    results = [r for r in await store.published_results() if r.recognised]
    units = {u.id: u.name for u in await store.units()}
    records: list[tuple[PublishedResult, PublicRecord]] = []
    for result in results:
        initiative = await store.initiative(result.initiative_id)
        if initiative is None or (receipt is not None and initiative.receipt_no != receipt):
            continue
        author = await store.person(initiative.person_id)
        unit = units.get(author.unit_id) if author and author.unit_id else None
        workplace = str((initiative.data.get("author") or {}).get("workplace") or "")
        record = public_record(initiative, result, unit or workplace)
        if record is not None:
            records.append((result, record))
    records.sort(key=lambda pair: (-pair[0].year, pair[0].grade or "~", -pair[0].mean, pair[1].receipt))
    return [record for _, record in records]


def channel_post(record: PublicRecord, page_url: str = "") -> str:
    text = T.CHANNEL_POST.format(
        title=record.title,
        grade=record.grade_label,
        year=record.year,
        authors=", ".join(record.authors),
        unit=record.unit,
        field=record.field,
        summary=_shorten(record.summary, 500),
    )
    if page_url:
        text += "\n" + T.CHANNEL_POST_LINK.format(url=page_url)
    return text
