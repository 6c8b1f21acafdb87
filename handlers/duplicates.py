"""Duplicate and copied initiatives: what is compared, what is recorded when an initiative is filed, and how
near matches are described to the author, the secretariat and the council.

What is indexed: the title and the author's own words of the description — the known state, the content and
where it was applied (``INDEXED_FIELDS``). Form labels are never part of it, and neither is the confidential
part. Every (re)submission replaces the initiative's entry in the index and its flags (``record_filing``,
called by ``handlers.transitions`` on every move to SUBMITTED); withdrawn and refused initiatives stay indexed,
since a copy of them is still a copy; drafts are never indexed.

Across recognising bodies: the index holds every body's initiatives and the imported older ones, and a filing
is checked against all of them whatever body the store is scoped to. What a viewer is shown of a match in
ANOTHER body follows the public rules (``handlers.review.public``): a recognised initiative not marked secret
is named (receipt, title, unit and body); any other is only «một sáng kiến của <cơ quan> (chưa công bố)» with
the score — ``describe`` builds it without its initiative, so no title or text of it can reach a view."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handlers.confidential import redact
from handlers.domain import Initiative, Status, origin_of
from handlers.review.duplicate_store import LegacyInitiative, SimilarityFlag, legacy_doc_id, legacy_id_of
from handlers.review.rules import is_secret
from handlers.store import Store
from handlers.texts import duplicates as T
from handlers.texts import submission as S
from similarity import Match, PreparedQuery, Span, fingerprint, shared_passages

INDEXED_FIELDS: tuple[str, ...] = ("current_state", "content", "scope")
PUBLIC_FIELDS: tuple[str, ...] = ("content", "scope")  # of these, what the public page shows
NOTE_FIELD = "difference_note"
SHOWN = 3  # near matches listed in the author's warning
FLAGGED = 5  # near matches recorded per filing
PASSAGE_LIMIT = 160


def indexed_text(data: dict[str, Any]) -> tuple[str, str]:
    """The title and the description the duplicate index compares, from an application's data."""
    title = str(data.get("title") or "")
    return title, "\n".join(str(data[f]).strip() for f in INDEXED_FIELDS if data.get(f))


def percent(score: float) -> str:
    return f"{round(score * 100)}%"


def _short(text: str, limit: int = PASSAGE_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class OnFile:
    """A filed initiative or an imported older one, as the duplicate views name it."""

    doc_id: int
    reference: str  # receipt number, or LS-<id> for an imported one
    title: str
    unit: str
    year: int | None
    secret: bool = False
    initiative: Initiative | None = None
    legacy: LegacyInitiative | None = None
    # Another body's initiative not yet public: only its body's name (``unit``) and a score may be shown.
    hidden: bool = False
    body: str = ""  # the recognising body's name, for another body's initiative

    @property
    def public_title(self) -> str:
        """The title as another author may see it: anything of its confidential part cut out."""
        confidential = str((self.initiative.data if self.initiative else {}).get("confidential") or "")
        return redact(self.title, confidential)

    @property
    def named(self) -> str:
        """How lists name it: «receipt «title»» or, hidden, «một sáng kiến của <cơ quan> (chưa công bố)»."""
        return T.HIDDEN_MATCH.format(body=self.body) if self.hidden else self.reference

    @property
    def year_text(self) -> str:
        return str(self.year) if self.year else T.UNKNOWN_YEAR

    @property
    def legacy_text(self) -> str:
        if self.legacy is None:
            return ""
        return T.LEGACY_MARK + (T.LEGACY_CODE.format(code=self.legacy.code) if self.legacy.code else "")

    def indexed(self) -> tuple[str, str]:
        if self.legacy is not None:
            return self.legacy.title, self.legacy.description
        return indexed_text(self.initiative.data if self.initiative else {"title": self.title})

    def sections(self) -> list[tuple[str, str]]:
        """What is compared, with a label per part (the confidential part is never among them). Another body's
        recognised initiative: only what its public page shows (title, content, where applied), redacted."""
        if self.legacy is not None:
            return [(S.L_TITLE, self.legacy.title), (T.L_DESCRIPTION, self.legacy.description)]
        data = self.initiative.data if self.initiative else {}
        labels = {"current_state": S.L_CURRENT_STATE, "content": S.L_CONTENT, "scope": S.L_SCOPE}
        if self.body:
            confidential = str(data.get("confidential") or "")
            return [(S.L_TITLE, self.public_title)] + [
                (labels[f], redact(str(data.get(f) or ""), confidential)) for f in PUBLIC_FIELDS
            ]
        return [(S.L_TITLE, self.title)] + [(labels[f], str(data.get(f) or "")) for f in INDEXED_FIELDS]


def legacy_reference(legacy_id: int) -> str:
    return f"LS-{legacy_id}"


def is_public(initiative: Initiative) -> bool:
    """What the public rules let anyone see: recognised (results published) and not state or business secret."""
    return initiative.status == Status.RECOGNISED and not is_secret(initiative)


async def describe(store: Store, doc_ids: Iterable[int], viewer: int | None = None) -> dict[int, OnFile]:
    """Index ids → what they name, as seen from the body ``viewer`` (default: the body the store is scoped to;
    a store scoped to every body sees every initiative as its own). Ids that no longer exist are left out."""
    viewer_body = viewer if viewer is not None else store.body_id
    ids = set(doc_ids)
    found: dict[int, OnFile] = {}
    initiatives = [i for i in [await store.initiative(d) for d in sorted(d for d in ids if d > 0)] if i is not None]
    if initiatives:
        people = await store.people({i.person_id for i in initiatives})
        units = {u.id: u.name for u in await store.units(every_body=True)}
        years = {r.id: r.year for r in await store.rounds(every_body=True)}
        foreign = {i.body_id for i in initiatives if viewer_body is not None and i.body_id not in (None, viewer_body)}
        bodies = {b.id: b.name for b in await store.bodies()} if foreign else {}
        for i in initiatives:
            author = people.get(i.person_id)
            unit = units.get(author.unit_id) if author and author.unit_id else None
            workplace = str((i.data.get("author") or {}).get("workplace") or "")
            year = years.get(i.round_id or 0) or (i.submitted_at or i.created_at).year
            if i.body_id in foreign:
                body = bodies.get(i.body_id or 0) or T.OTHER_BODY
                if not is_public(i):
                    label = T.HIDDEN_MATCH.format(body=body)
                    found[i.id] = OnFile(i.id, "", label, body, None, True, hidden=True, body=body)
                    continue
                found[i.id] = OnFile(
                    i.id,
                    i.receipt_no or "",
                    redact(i.title, str(i.data.get("confidential") or "")),
                    T.UNIT_OF_BODY.format(unit=unit or workplace or T.UNKNOWN_UNIT, body=body),
                    year,
                    False,
                    i,
                    body=body,
                )
                continue
            found[i.id] = OnFile(
                i.id, i.receipt_no or "", i.title, unit or workplace or T.UNKNOWN_UNIT, year, is_secret(i), i
            )
    legacy_ids = [lid for d in ids if (lid := legacy_id_of(d)) is not None]
    for legacy in (await store.legacy_initiatives(legacy_ids)).values() if legacy_ids else ():
        doc_id = legacy_doc_id(legacy.id)
        found[doc_id] = OnFile(
            doc_id, legacy_reference(legacy.id), legacy.title, legacy.unit or T.UNKNOWN_UNIT, legacy.year, legacy=legacy
        )
    return found


# --- when an initiative is filed ---------------------------------------------------------------------------


async def record_filing(store: Store, initiative: Initiative, now: datetime, threshold: float) -> list[Match]:
    """Check a (re)submitted initiative against everything on file, keep its flags, and index it — in the
    filing's own transaction, one index round trip for the check."""
    title, text = indexed_text(initiative.data)
    matches = list(await store.similar(title, text, exclude=initiative.id, threshold=threshold, top_k=FLAGGED + 1))
    # A provincial-scope dossier (handlers/province) is a copy of its origin by design: never flag that pair.
    matches = [m for m in matches if m.doc_id != initiative.origin_id][:FLAGGED]
    await store.replace_similarity_flags(initiative.id, matches, now)
    await store.index_initiative(initiative.id, title, text)
    return matches


async def caution_text(store: Store, initiative_id: int, data: dict[str, Any], threshold: float) -> str | None:
    """The author's warning before filing: the initiatives on file this one resembles, or None.

    Only receipt, title, unit, year and how similar: never another initiative's description, and not even the
    title of one marked state or business secret. The passage quoted is the author's own text, and never one
    that matches another body's initiative not yet public (that would show its words)."""
    title, text = indexed_text(data)
    matches = list(await store.similar(title, text, exclude=initiative_id, threshold=threshold, top_k=SHOWN + 1))
    matches = [m for m in matches if m.doc_id != origin_of(data)][:SHOWN]  # see record_filing
    if not matches:
        return None
    draft = await store.initiative(initiative_id)
    entries = await describe(store, [m.doc_id for m in matches], draft.body_id if draft else None)
    lines = [T.CAUTION_TITLE.format(n=len(matches))]
    for n, match in enumerate(matches, 1):
        entry = entries.get(match.doc_id)
        if entry is None:
            continue
        if entry.hidden:
            lines.append(T.CAUTION_ROW_HIDDEN.format(i=n, named=entry.named, percent=percent(match.score)))
            continue
        lines.append(
            T.CAUTION_ROW.format(
                i=n,
                reference=entry.reference,
                title=T.SECRET_TITLE if entry.secret else _short(entry.public_title, 120),
                unit=entry.unit,
                year=entry.year_text,
                legacy=entry.legacy_text,
                percent=percent(match.score),
            )
        )
    shown = {d for d, e in entries.items() if not e.hidden}
    passages = [p for m in matches if m.doc_id in shown for p in m.shared_passages]
    if passages:
        lines.append(T.CAUTION_PASSAGE.format(text=_short(max(passages, key=lambda p: p.end - p.start).text)))
    lines.append(T.CAUTION_END)
    return "\n".join(lines)


# --- flags in a dossier and in a round ----------------------------------------------------------------------


def _best_per_other(flags: Iterable[SimilarityFlag], initiative_id: int) -> dict[int, tuple[float, bool]]:
    """Other index id → (best score, whether it was filed after this initiative and flagged it)."""
    best: dict[int, tuple[float, bool]] = {}
    for flag in flags:
        if flag.initiative_id == initiative_id:
            other, later = flag.match_id, False
        elif flag.match_id == initiative_id:
            other, later = flag.initiative_id, True
        else:
            continue
        if other not in best or flag.score > best[other][0]:
            best[other] = (flag.score, later)
    return best


async def flag_lines(store: Store, initiative: Initiative) -> list[str]:
    """The flag shown in a dossier (secretariat, council): near matches either way, the author's explanation
    and the command that compares the pair. Empty when there is nothing to flag."""
    best = _best_per_other(await store.similarity_flags([initiative.id]), initiative.id)
    if not best:
        return []
    entries = await describe(store, best, initiative.body_id)
    ordered = sorted((d for d in best if d in entries), key=lambda d: (-best[d][0], entries[d].reference))
    if not ordered:
        return []
    lines = [T.FLAGS_TITLE.format(n=len(ordered))]
    for doc_id in ordered:
        entry, (score, later) = entries[doc_id], best[doc_id]
        if entry.hidden:
            later_text = T.FLAG_LATER if later else ""
            lines.append(T.FLAG_ROW_HIDDEN.format(named=entry.named, percent=percent(score), later=later_text))
            continue
        lines.append(
            T.FLAG_ROW.format(
                reference=entry.reference,
                title=_short(entry.title, 120),
                unit=entry.unit,
                year=entry.year_text,
                legacy=entry.legacy_text,
                percent=percent(score),
                later=T.FLAG_LATER if later else "",
            )
        )
    note = str(initiative.data.get(NOTE_FIELD) or "").strip()
    if any(not later for _, later in best.values()):
        lines.append(T.FLAG_NOTE.format(note=note) if note else T.FLAG_NO_NOTE)
    comparable = [d for d in ordered if not entries[d].hidden]
    if comparable:
        lines.append(T.FLAG_COMPARE.format(a=initiative.receipt_no, b=entries[comparable[0]].reference))
    if len(comparable) < len(ordered):
        lines.append(T.FLAG_HIDDEN_CONTACT)
    return lines


async def best_match(store: Store, initiative_id: int) -> int | None:
    best = _best_per_other(await store.similarity_flags([initiative_id]), initiative_id)
    return max(best, key=lambda d: (best[d][0], -d)) if best else None


async def flagged_together(store: Store, initiative_id: int, other_doc_id: int) -> bool:
    return other_doc_id in _best_per_other(await store.similarity_flags([initiative_id]), initiative_id)


@dataclass(frozen=True)
class Pair:
    """Two initiatives flagged as near matches: ``a`` was checked when filed and found ``b`` on file."""

    a: OnFile
    b: OnFile
    score: float

    @property
    def explained(self) -> bool:
        return bool(self.a.initiative and str(self.a.initiative.data.get(NOTE_FIELD) or "").strip())


async def round_pairs(store: Store, round_id: int, viewer: int | None = None) -> list[Pair]:
    """Every flagged pair with an initiative of the round on either side, once, most similar first, as the body
    ``viewer`` (default: the store's scope) may see them."""
    best: dict[frozenset[int], SimilarityFlag] = {}
    for flag in await store.round_similarity_flags(round_id):
        key = frozenset((flag.initiative_id, flag.match_id))
        if key not in best or flag.score > best[key].score:
            best[key] = flag
    entries = await describe(store, {d for key in best for d in key}, viewer)
    pairs = [
        Pair(entries[f.initiative_id], entries[f.match_id], f.score)
        for f in best.values()
        if f.initiative_id in entries and f.match_id in entries
    ]
    pairs.sort(key=lambda p: (-p.score, p.a.reference, p.b.reference))
    return pairs


# --- side by side -------------------------------------------------------------------------------------------


def _joined(sections: Sequence[tuple[str, str]]) -> tuple[str, list[tuple[int, int]]]:
    texts = [unicodedata.normalize("NFC", text.strip()) for _, text in sections]
    bounds, position = [], 0
    for text in texts:
        bounds.append((position, position + len(text)))
        position += len(text) + 2
    return "\n\n".join(texts), bounds


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _marked(full: str, bounds: list[tuple[int, int]], spans: list[tuple[int, int]]) -> list[str]:
    """Each section's text with the shared stretches inside it wrapped in ⟦…⟧ (a stretch across two sections
    is marked in each)."""
    out = []
    for lo, hi in bounds:
        pieces, position = [], lo
        for start, end in spans:
            start, end = max(start, lo), min(end, hi)
            if start >= end:
                continue
            pieces += [full[position:start], T.MARK_OPEN, full[start:end], T.MARK_CLOSE]
            position = end
        pieces.append(full[position:hi])
        out.append("".join(pieces))
    return out


@dataclass(frozen=True)
class Comparison:
    a_sections: list[tuple[str, str]]  # (label, text with ⟦…⟧ marks)
    b_sections: list[tuple[str, str]]
    passages: list[tuple[Span, Span]]


def compare(a: OnFile, b: OnFile) -> Comparison:
    a_full, a_bounds = _joined(a.sections())
    b_full, b_bounds = _joined(b.sections())
    passages = shared_passages(a_full, b_full)
    a_marked = _marked(a_full, a_bounds, _merged((p.start, p.end) for p, _ in passages))
    b_marked = _marked(b_full, b_bounds, _merged((q.start, q.end) for _, q in passages))
    return Comparison(
        [(label, text) for (label, _), text in zip(a.sections(), a_marked, strict=True)],
        [(label, text) for (label, _), text in zip(b.sections(), b_marked, strict=True)],
        passages,
    )


def score(a: OnFile, b: OnFile) -> float:
    """How much of ``a`` the index would find in ``b`` today (the flags keep the score at each filing)."""
    return PreparedQuery(*a.indexed()).score(fingerprint(*b.indexed()).shingles)
