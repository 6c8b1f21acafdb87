"""What the public may see of recognised initiatives: one filter for the web page, the channel post and the
public spreadsheet, so none of them can show more than the others.

Only recognised initiatives appear; those marked state or business secret never do; the confidential part
is never used, and anything of it the author repeated in the public fields is cut out (``redact``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from handlers.catalogue import field_label, solution_type_label
from handlers.confidential import Secret, redact
from handlers.domain import Initiative, Status
from handlers.results import receipt_key
from handlers.review.rules import author_names, is_secret
from handlers.review.store import PublishedResult
from handlers.review.transfer_store import Decision
from handlers.store import Store
from handlers.texts import province as P
from handlers.texts import review as T

SUMMARY_LIMIT = 700
BLOCK_LIMIT = 8000


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
    # The public parts of the application, line breaks kept (each through ``redact``), and the decision.
    content: str = ""
    scope: str = ""
    benefit: str = ""
    benefit_users: str = ""
    decision_number: str = ""
    decision_date: date | None = None
    # Recognised by the province (a provincial-scope dossier, handlers/province), else by a base body.
    provincial: bool = False

    @property
    def grade_label(self) -> str:
        return T.GRADE_LABEL.format(grade=self.grade) if self.grade else T.CERTIFICATE_ONLY

    @property
    def level_label(self) -> str:
        return P.LEVEL_PROVINCE if self.provincial else P.LEVEL_BASE


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _block(text: str, limit: int) -> str:
    """Text shown as written: line breaks kept, spaces within a line tidied, blank lines at most one."""
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    kept = "\n".join(lines).strip()
    while "\n\n\n" in kept:
        kept = kept.replace("\n\n\n", "\n\n")
    return kept if len(kept) <= limit else kept[: limit - 1].rstrip() + "…"


def public_record(
    initiative: Initiative, result: PublishedResult, unit_name: str, decision: Decision | None = None
) -> PublicRecord | None:
    if initiative.status != Status.RECOGNISED or not result.recognised or is_secret(initiative):
        return None
    data = initiative.data
    confidential = Secret.of(str(data.get("confidential") or ""))

    def clean(value: object, limit: int) -> str:
        return _shorten(redact(str(value or ""), confidential), limit)

    def clean_block(value: object, limit: int = BLOCK_LIMIT) -> str:
        return _block(redact(str(value or ""), confidential), limit)

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
        content=clean_block(data.get("content")),
        scope=clean_block(data.get("scope")),
        benefit=clean_block(data.get("benefit_author")),
        benefit_users=clean_block(data.get("benefit_users")),
        decision_number=clean(decision.number, 100) if decision else "",
        decision_date=decision.signed_on if decision else None,
        provincial=initiative.origin_id is not None,
    )


async def public_records(store: Store, receipt: str | None = None) -> list[PublicRecord]:
    """Every public record, newest year first, best class and score first within a year."""
    results = [r for r in await store.published_results() if r.recognised]
    units = {u.id: u.name for u in await store.units()}
    decisions = await store.decisions()
    records: list[tuple[PublishedResult, PublicRecord]] = []
    for result in results:
        initiative = await store.initiative(result.initiative_id)
        if initiative is None or (receipt is not None and initiative.receipt_no != receipt):
            continue
        author = await store.person(initiative.person_id)
        unit = units.get(author.unit_id) if author and author.unit_id else None
        workplace = str((initiative.data.get("author") or {}).get("workplace") or "")
        record = public_record(initiative, result, unit or workplace, decisions.get(result.round_id))
        if record is not None:
            records.append((result, record))
    records.sort(key=lambda pair: (-pair[0].year, pair[0].grade or "~", -pair[0].mean, receipt_key(pair[1].receipt)))
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
