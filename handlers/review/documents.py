"""Official documents from the stored data: the M-02 application and the M-01 cover letter (DOCX), the
results table, the yearly list and the public list (XLSX); who may have each; and how each is handed over —
as a file where the channel carries files, as an expiring signed link where it does not (Zalo)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from documents import docx, sheets
from handlers.catalogue import field_label, solution_type_label
from handlers.context import Context
from handlers.domain import Initiative, Person, Role, Round, Status
from handlers.duplicates import NOTE_FIELD, round_pairs
from handlers.parsing import format_date, format_money
from handlers.results import Outcome, receipt_key, show_points
from handlers.review.public import PublicRecord
from handlers.review.results import RoundTable, people_and_units, round_table
from handlers.review.rules import ReviewConfig, author_names, conflict, sign_link
from handlers.scope import sees
from handlers.store import Store
from handlers.submission.flow import SECRECY_OPTIONS
from handlers.texts import duplicates as D
from handlers.texts import review as T
from handlers.texts import submission as S
from handlers.texts import transfers as X
from handlers.texts.status import status_label
from handlers.transitions import registered_authors
from handlers.types import Document, Reply

DOWNLOAD_PATH = "/tai-lieu/"
M02, M01, RESULTS, YEAR, DUPLICATES = "m02", "m01", "results", "year", "dups"
FILED: frozenset[Status] = frozenset(
    {Status.SUBMITTED, Status.ACCEPTED, Status.AMEND_REQUESTED, Status.RECOGNISED, Status.NOT_RECOGNISED}
)


def _date(value: str | None) -> str:
    return format_date(date.fromisoformat(value)) if value else ""


def _percent(value: str) -> str:
    return f"{value.replace('.', ',')}%"


# --- M-02 --------------------------------------------------------------------------------------------------


def m02_context(initiative: Initiative, when: date) -> dict[str, Any]:
    data = initiative.data
    author = data.get("author") or {}
    coauthors = data.get("coauthors") or []
    shares = data.get("shares") or (["100"] if not coauthors else [])
    people = [
        {
            "name": author.get("full_name", ""),
            "birth": _date(data.get("author_birth_date")),
            "workplace": author.get("workplace", ""),
            "position": author.get("position", ""),
            "qualification": data.get("author_qualification", ""),
        },
        *(
            {
                "name": c.get("full_name", ""),
                "birth": _date(c.get("birth_date")),
                "workplace": c.get("workplace", ""),
                "position": c.get("position", ""),
                "qualification": c.get("qualification", ""),
            }
            for c in coauthors
        ),
    ]
    for i, person in enumerate(people):
        person["no"] = i + 1
        person["share"] = _percent(shares[i]) if i < len(shares) else ""
    participants = [
        {
            "no": i,
            "name": p.get("full_name", ""),
            "birth": _date(p.get("birth_date")),
            "workplace": p.get("workplace", ""),
            "position": p.get("position", ""),
            "qualification": p.get("qualification", ""),
            "task": p.get("task", ""),
        }
        for i, p in enumerate(data.get("participants") or [], 1)
    ]
    secrecy = next((o.label for o in SECRECY_OPTIONS if o.value == data.get("secrecy")), S.SECRECY_PUBLIC)
    value = data.get("benefit_value")
    return {
        "receipt": initiative.receipt_no or T.NO_RECEIPT,
        "recipient": data.get("recipient", ""),
        "authors": people,
        "title": data.get("title", ""),
        "investor": S.INVESTOR_AUTHOR if data.get("investor") == "author" else data.get("investor", ""),
        "field": field_label(str(data.get("field") or "")),
        "solution_type": solution_type_label(str(data.get("solution_type") or "")),
        "first_applied": _date(data.get("first_applied")),
        "current_state": data.get("current_state", ""),
        "content": data.get("content", ""),
        "scope": data.get("scope", ""),
        "confidential": data.get("confidential") or T.NONE,
        "secrecy": secrecy,
        "conditions": data.get("conditions", ""),
        "benefit_author": data.get("benefit_author", ""),
        "benefit_value": format_money(int(value)) if value else T.NOT_COMPUTED,
        "benefit_users": data.get("benefit_users") or T.NONE,
        "participants": participants,
        "participants_note": "" if participants else T.NONE,
        "attachments": ", ".join(a.get("name", "") for a in data.get("attachments") or []) or T.NONE,
        "place": T.PLACE_BLANK,
        "day": f"{when.day:02d}",
        "month": f"{when.month:02d}",
        "year": when.year,
        "author_name": author.get("full_name", ""),
        "signers": _signature_rows([p["name"] for p in people]),
    }


def _signature_rows(names: list[str]) -> list[list[dict[str, str]]]:
    """One signature per author, two to a row (the template repeats its row per pair); a lone last author signs
    on the right, where a single applicant signs."""
    cells = [{"label": T.M02_SIGNER, "hint": T.M02_SIGN_HINT, "name": n} for n in names]
    blank = {"label": "", "hint": "", "name": ""}
    rows = [cells[i : i + 2] for i in range(0, len(cells), 2)]
    if rows and len(rows[-1]) == 1:
        rows[-1] = [blank, rows[-1][0]]
    return rows


def m02(initiative: Initiative, when: date) -> Document:
    content = docx.render("m02.docx", m02_context(initiative, when))
    return Document(T.M02_FILE.format(receipt=initiative.receipt_no or initiative.id), content, docx.DOCX_MIME)


# --- M-01 --------------------------------------------------------------------------------------------------


# What a tờ trình proposes: the unit's filed initiatives still in the running or recognised — not those the
# council did not recognise.
PROPOSED: frozenset[Status] = FILED - {Status.NOT_RECOGNISED}


async def unit_filed(store: Store, unit_id: int, year: int, statuses: frozenset[Status] = FILED) -> list[Initiative]:
    filed = [i for i in await store.year_initiatives(year) if i.status in statuses]
    filed.sort(key=lambda i: receipt_key(i.receipt_no or ""))
    people = await store.people({i.person_id for i in filed})
    return [i for i in filed if getattr(people.get(i.person_id), "unit_id", None) == unit_id]


async def m01(store: Store, unit_id: int, year: int, head: Person | None, today: date, tz: tzinfo) -> Document:
    unit = await store.unit(unit_id)
    assert unit is not None
    filed = await unit_filed(store, unit_id, year, PROPOSED)
    context = {
        "unit": unit.name,
        "unit_upper": unit.name.upper(),
        "unit_code": unit.code,
        "place": T.PLACE_BLANK,
        "day": f"{today.day:02d}",
        "month": f"{today.month:02d}",
        "year": today.year,
        "campaign_year": year,
        "recipient": T.M01_RECIPIENT,
        "count": len(filed),
        "initiatives": [
            {
                "no": n,
                "receipt": i.receipt_no or "",
                "title": i.title,
                "authors": ", ".join(author_names(i)),
                "field": field_label(str(i.data.get("field") or "")),
                "submitted": format_date(i.submitted_at.astimezone(tz).date()) if i.submitted_at else "",
            }
            for n, i in enumerate(filed, 1)
        ],
        "head_name": head.full_name if head and head.unit_id == unit_id and head.has(Role.UNIT_HEAD) else "",
    }
    return Document(T.M01_FILE.format(code=unit.code, year=year), docx.render("m01.docx", context), docx.DOCX_MIME)


# --- spreadsheets ------------------------------------------------------------------------------------------


def grade_text(outcome: Outcome | None) -> str:
    if outcome is None:
        return T.GRADE_PENDING
    if not outcome.recognised:
        return T.GRADE_NONE
    return T.GRADE_LABEL.format(grade=outcome.grade) if outcome.grade else T.CERTIFICATE_ONLY


def outcome_note(outcome: Outcome | None) -> str:
    if outcome is None:
        return T.NOTE_INCOMPLETE
    if outcome.below_minimum:
        return T.NOTE_BELOW_MINIMUM.format(criterion=outcome.below_minimum)
    if outcome.recognised and outcome.qualified and outcome.qualified != outcome.grade:
        return T.NOTE_SPILLED.format(qualified=outcome.qualified)
    return ""


def _num(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def results_sheet(table: RoundTable, now_text: str) -> Document:
    rules = table.rules
    n = len(rules.criteria)
    rows = []
    for row in table.rows:
        outcome = row.outcome
        spread_value = outcome.spread if outcome else Decimal(0)
        rows.append(
            [
                outcome.rank if outcome else None,
                row.initiative.receipt_no,
                row.initiative.title,
                ", ".join(author_names(row.initiative)),
                row.unit_name,
                field_label(str(row.initiative.data.get("field") or "")),
                *[_num(outcome.criterion_means[c.code]) if outcome else None for c in rules.criteria],
                _num(outcome.mean) if outcome else None,
                len(row.sheets),
                _num(spread_value) if outcome else None,
                grade_text(outcome),
                outcome.prize if outcome else 0,
                outcome_note(outcome),
            ]
        )
    state = (
        T.SHEET_PUBLISHED.format(date=now_text) if table.review.published_at else T.SHEET_PREVIEW.format(date=now_text)
    )
    sheet = sheets.Sheet(
        name=T.SHEET_RESULTS,
        title=T.RESULTS_TITLE.format(round=table.round.name.upper(), year=table.round.year),
        headers=(
            T.H_RANK,
            T.H_RECEIPT,
            T.H_TITLE,
            T.H_AUTHORS,
            T.H_UNIT,
            T.H_FIELD,
            *[T.H_CRITERION.format(label=c.label, max=show_points(c.max_points)) for c in rules.criteria],
            T.H_MEAN,
            T.H_SHEETS,
            T.H_SPREAD,
            T.H_GRADE,
            T.H_PRIZE,
            T.H_NOTE,
        ),
        rows=rows,
        widths=(5, 13, 30, 20, 18, 14, *[10] * len(rules.criteria), 9, 6, 9, 10, 11, 18),
        notes=(state, T.TIE_RULE_NOTE.format(criterion=rules.tie_break.label)),
        money=(6 + n + 4,),
        scores=(*range(6, 6 + n), 6 + n, 6 + n + 2),
        centred=(0, 1, 6 + n + 1, 6 + n + 3),
    )
    name = T.RESULTS_FILE.format(round=table.round.number, year=table.round.year)
    return Document(name, sheets.workbook([sheet]), sheets.XLSX_MIME)


async def yearly_list(store: Store, year: int, unit_id: int | None, today: date) -> Document:
    """The year's list for the province: the recognised initiatives (with the decision recognising each and any
    transfer), a summary by unit, and the initiatives transferred during the year."""
    results = {r.initiative_id: r for r in await store.published_results() if r.recognised}
    initiatives = [i for i in await store.year_initiatives(year) if i.id in results and results[i.id].year == year]
    transfers = await store.transfers(list(results))
    transferred_ids = {t.initiative_id for t in transfers if t.on.year == year}
    known = {i.id for i in initiatives}
    for initiative_id in sorted(transferred_ids - known):  # recognised in an earlier year, transferred this year
        earlier = await store.initiative(initiative_id)
        if earlier is not None:
            initiatives.append(earlier)
    people, units = await people_and_units(store, initiatives)
    decisions = await store.decisions()

    def unit_of(initiative: Initiative) -> tuple[int | None, str]:
        author = people.get(initiative.person_id)
        unit = units.get(author.unit_id) if author and author.unit_id else None
        if unit is not None:
            return unit.id, unit.name
        return None, str((initiative.data.get("author") or {}).get("workplace") or "")

    def decision_text(initiative: Initiative) -> str:
        decision = decisions.get(results[initiative.id].round_id)
        if decision is None:
            return T.DECISION_PENDING
        return X.DECISION_LABEL.format(number=decision.number, date=format_date(decision.signed_on))

    def transfer_text(initiative: Initiative) -> str:
        done = [t for t in transfers if t.initiative_id == initiative.id]
        return "\n".join(T.TRANSFER_CELL.format(recipient=t.recipient, date=format_date(t.on)) for t in done)

    chosen = [i for i in initiatives if unit_id is None or unit_of(i)[0] == unit_id]
    recognised = [i for i in chosen if results[i.id].year == year]
    recognised.sort(
        key=lambda i: (unit_of(i)[1], results[i.id].grade or "~", -results[i.id].mean, receipt_key(i.receipt_no or ""))
    )
    secrecy = {o.value: o.label for o in SECRECY_OPTIONS}
    rows = [
        [
            n,
            unit_of(i)[1],
            i.receipt_no,
            i.title,
            ", ".join(author_names(i)),
            field_label(str(i.data.get("field") or "")),
            solution_type_label(str(i.data.get("solution_type") or "")),
            _num(results[i.id].mean),
            T.GRADE_LABEL.format(grade=results[i.id].grade) if results[i.id].grade else T.CERTIFICATE_ONLY,
            results[i.id].prize,
            decision_text(i),
            transfer_text(i),
            secrecy.get(str(i.data.get("secrecy") or "public"), S.SECRECY_PUBLIC),
        ]
        for n, i in enumerate(recognised, 1)
    ]
    by_id = {i.id: i for i in chosen}
    moved = [t for t in transfers if t.on.year == year and t.initiative_id in by_id]
    transfer_rows = [
        [
            n,
            by_id[t.initiative_id].receipt_no,
            by_id[t.initiative_id].title,
            ", ".join(author_names(by_id[t.initiative_id])),
            unit_of(by_id[t.initiative_id])[1],
            decision_text(by_id[t.initiative_id]),
            t.recipient,
            format_date(t.on),
            t.agreement,
        ]
        for n, t in enumerate(moved, 1)
    ]
    per_unit: dict[str, Counter[str]] = {}
    prizes: Counter[str] = Counter()
    for i in recognised:
        name = unit_of(i)[1]
        per_unit.setdefault(name, Counter())[results[i.id].grade or "GCN"] += 1
        prizes[name] += results[i.id].prize
    grades = sorted({g for c in per_unit.values() for g in c if g != "GCN"})
    summary_rows: list[list[sheets.Cell]] = [
        [n, name, sum(counts.values()), *[counts.get(g, 0) for g in grades], counts.get("GCN", 0), prizes[name]]
        for n, (name, counts) in enumerate(sorted(per_unit.items()), 1)
    ]
    unit_name = (await store.unit(unit_id)).name if unit_id else T.ALL_UNITS  # type: ignore[union-attr]
    notes = (T.YEAR_UNIT_NOTE.format(unit=unit_name), T.YEAR_MADE_NOTE.format(date=format_date(today)))
    book = sheets.workbook(
        [
            sheets.Sheet(
                name=T.SHEET_LIST,
                title=T.YEAR_TITLE.format(year=year),
                headers=(
                    T.H_NO,
                    T.H_UNIT,
                    T.H_RECEIPT,
                    T.H_TITLE,
                    T.H_AUTHORS,
                    T.H_FIELD,
                    T.H_TYPE,
                    T.H_MEAN,
                    T.H_GRADE,
                    T.H_PRIZE,
                    T.H_DECISION,
                    T.H_TRANSFER,
                    T.H_SECRECY,
                ),
                rows=rows,
                widths=(5, 18, 13, 30, 20, 13, 13, 8, 9, 11, 18, 18, 11),
                notes=notes,
                money=(9,),
                scores=(7,),
                centred=(0, 2, 8),
            ),
            sheets.Sheet(
                name=T.SHEET_TRANSFERS,
                title=T.YEAR_TRANSFERS_TITLE.format(year=year),
                headers=(
                    T.H_NO,
                    T.H_RECEIPT,
                    T.H_TITLE,
                    T.H_AUTHORS,
                    T.H_UNIT,
                    T.H_DECISION,
                    T.H_TRANSFER_TO,
                    T.H_TRANSFER_DATE,
                    T.H_AGREEMENT,
                ),
                rows=transfer_rows,
                widths=(5, 13, 32, 22, 20, 20, 24, 11, 26),
                notes=notes,
                centred=(0, 1, 7),
            ),
            sheets.Sheet(
                name=T.SHEET_BY_UNIT,
                title=T.YEAR_BY_UNIT_TITLE.format(year=year),
                headers=(
                    T.H_NO,
                    T.H_UNIT,
                    T.H_COUNT,
                    *[T.GRADE_LABEL.format(grade=g) for g in grades],
                    T.CERTIFICATE_ONLY,
                    T.H_PRIZE,
                ),
                rows=summary_rows,
                widths=(6, 36, 12, *[10] * len(grades), 16, 16),
                money=(4 + len(grades),),
                centred=tuple(i for i in range(4 + len(grades)) if i != 1),
            ),
        ]
    )
    suffix = f"-{(await store.unit(unit_id)).code}" if unit_id else ""  # type: ignore[union-attr]
    return Document(T.YEAR_FILE.format(year=year, suffix=suffix), book, sheets.XLSX_MIME)


async def duplicates_sheet(store: Store, rnd: Round, today: date) -> Document:
    """The round's suspicious pairs (secretariat): both sides, how similar, and whether the author explained."""
    rows = [
        [
            n,
            p.a.reference,
            p.a.title,
            p.a.unit,
            status_label(p.a.initiative.status) if p.a.initiative else "",
            p.b.reference + p.b.legacy_text,
            p.b.title,
            p.b.unit,
            p.b.year,
            round(p.score * 100),
            str(p.a.initiative.data.get(NOTE_FIELD) or "") if p.a.initiative else "",
        ]
        for n, p in enumerate(await round_pairs(store, rnd.id), 1)
    ]
    book = sheets.workbook(
        [
            sheets.Sheet(
                name=D.SHEET_NAME,
                title=D.SHEET_TITLE.format(round=rnd.name.upper(), year=rnd.year),
                headers=(
                    D.H_NO,
                    D.H_RECEIPT,
                    D.H_TITLE,
                    D.H_UNIT,
                    D.H_STATUS,
                    D.H_MATCH,
                    D.H_MATCH_TITLE,
                    D.H_MATCH_UNIT,
                    D.H_MATCH_YEAR,
                    D.H_PERCENT,
                    D.H_NOTE,
                ),
                rows=rows,
                widths=(6, 14, 40, 26, 16, 22, 40, 26, 8, 10, 50),
                notes=(D.SHEET_NOTE.format(date=format_date(today)),),
            )
        ]
    )
    return Document(D.REPORT_FILE.format(number=rnd.number, year=rnd.year), book, sheets.XLSX_MIME)


def public_list(records: list[PublicRecord], today: date) -> bytes:
    rows: list[list[sheets.Cell]] = [
        [n, r.year, r.receipt, r.title, ", ".join(r.authors), r.unit, r.field, r.grade_label, r.summary]
        for n, r in enumerate(records, 1)
    ]
    return sheets.workbook(
        [
            sheets.Sheet(
                name=T.SHEET_PUBLIC,
                title=T.PUBLIC_TITLE,
                headers=(
                    T.H_NO,
                    T.H_YEAR,
                    T.H_RECEIPT,
                    T.H_TITLE,
                    T.H_AUTHORS,
                    T.H_UNIT,
                    T.H_FIELD,
                    T.H_GRADE,
                    T.H_SUMMARY,
                ),
                rows=rows,
                widths=(6, 8, 14, 44, 30, 30, 22, 16, 80),
                notes=(T.YEAR_MADE_NOTE.format(date=format_date(today)),),
            )
        ]
    )


# --- who may have what, and handing it over ----------------------------------------------------------------


async def may_have(store: Store, person: Person, spec: dict[str, Any]) -> bool:
    """Whether ``person``, acting in ``person.body_id`` with the roles held there, may have the document. An
    author always may have their own M-02; every other right covers only the acting body's dossiers."""
    kind = spec.get("d")
    body = person.body_id
    if kind == M02:
        initiative = await store.initiative(int(spec.get("i", 0)))
        if initiative is None or initiative.status == Status.DRAFT:
            return initiative is not None and initiative.person_id == person.id
        if person.id in {p.id for p in await registered_authors(store, initiative)}:
            return True
        if not sees(body, initiative.body_id):
            return False
        if person.has(Role.SECRETARIAT):
            return True
        assigned = {a.person_id for a in await store.assignments(initiative_ids=[initiative.id])}
        if person.id in assigned and conflict(person, initiative) is None:
            return True
        author = await store.person(initiative.person_id)
        return bool(person.has(Role.UNIT_HEAD) and author and author.unit_id and author.unit_id == person.unit_id)
    if kind in (M01, YEAR):
        unit_id = int(spec.get("u") or 0)
        unit = await store.unit(unit_id) if unit_id else None
        if unit_id and (unit is None or not sees(body, unit.body_id)):
            return False
        if person.has(Role.SECRETARIAT):
            return True
        return bool(unit_id and person.has(Role.UNIT_HEAD) and person.unit_id == unit_id)
    if kind in (RESULTS, DUPLICATES):
        rnd = next((r for r in await store.rounds(every_body=True) if r.id == int(spec.get("r") or 0)), None)
        return rnd is not None and sees(body, rnd.body_id) and person.has(Role.SECRETARIAT)
    return False


async def make(store: Store, spec: dict[str, Any], person: Person, now: datetime, tz: tzinfo) -> Document | None:
    """The document ``spec`` names, rebuilt from the current data, if ``person`` may have it — as the body they
    act in sees it (a signed link is opened outside any chat, on a store not yet scoped to anyone)."""
    store.scope_to(person.body_id)
    if not await may_have(store, person, spec):
        return None
    today = now.astimezone(tz).date()
    kind = spec.get("d")
    if kind == M02:
        initiative = await store.initiative(int(spec["i"]))
        assert initiative is not None
        when = initiative.submitted_at.astimezone(tz).date() if initiative.submitted_at else today
        return m02(initiative, when)
    if kind == M01:
        return await m01(store, int(spec["u"]), int(spec["y"]), person, today, tz)
    if kind == YEAR:
        return await yearly_list(store, int(spec["y"]), int(spec.get("u") or 0) or None, today)
    if kind == RESULTS:
        rnd = next((r for r in await store.rounds() if r.id == int(spec["r"])), None)
        if rnd is None:
            return None
        table = await round_table(store, rnd)
        return results_sheet(table, now.astimezone(tz).strftime("%H:%M %d/%m/%Y"))
    if kind == DUPLICATES:
        rnd = next((r for r in await store.rounds() if r.id == int(spec["r"])), None)
        return await duplicates_sheet(store, rnd, today) if rnd is not None else None
    return None


def download_url(config: ReviewConfig, spec: dict[str, Any], person_id: int, now: datetime) -> str:
    token = sign_link({**spec, "p": person_id}, config.link_secret, now + config.link_ttl)
    return config.public_base_url.rstrip("/") + DOWNLOAD_PATH + token


async def deliver(ctx: Context, spec: dict[str, Any], caption: str) -> bool:
    """Send the document as a file, or as a link on channels without files; False if not allowed."""
    assert ctx.person is not None
    config = ctx.config.review
    if ctx.inbound.channel in config.link_channels:
        if not await may_have(ctx.store, ctx.person, spec):
            ctx.say(T.DOCUMENT_NOT_ALLOWED)
            return False
        if not config.links_enabled:
            ctx.say(caption + "\n" + T.DOCUMENT_NO_LINKS)
            return True
        expires = ctx.local(ctx.now + config.link_ttl).strftime("%H:%M ngày %d/%m/%Y")
        url = download_url(config, spec, ctx.person.id, ctx.now)
        ctx.say(caption + "\n" + T.DOCUMENT_LINK.format(url=url, expires=expires))
        return True
    document = await make(ctx.store, spec, ctx.person, ctx.now, ctx.config.timezone)
    if document is None:
        ctx.say(T.DOCUMENT_NOT_ALLOWED)
        return False
    ctx.reply(Reply(text=caption, document=document))
    return True
