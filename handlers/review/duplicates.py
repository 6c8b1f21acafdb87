"""The duplicate check for the secretariat and the council: /sosanh puts two initiatives side by side with the
passages they share marked ⟦…⟧ (plain text, as Telegram and Zalo show it); /trunglap lists a round's suspicious
pairs, as text or as a spreadsheet.

Who may compare: the secretariat, any two initiatives; a council member, an initiative assigned to them (and
not theirs) with one the bot flagged as resembling it — nothing else, so /sosanh never opens a dossier they
could not open otherwise. Only the title and the author's own words are compared and shown, never the
confidential part.

Another body's initiative is compared only when it is public (recognised, not secret), and then only on what
its public page shows; one not yet public is named by its body alone, and /sosanh refuses it, pointing to that
body's secretariat."""

from __future__ import annotations

from handlers.context import Context
from handlers.domain import Role
from handlers.duplicates import (
    OnFile,
    Pair,
    best_match,
    compare,
    describe,
    flagged_together,
    percent,
    round_pairs,
    score,
)
from handlers.parsing import fold, parse_id
from handlers.review.common import find_round, require, short
from handlers.review.documents import DUPLICATES, deliver
from handlers.review.duplicate_store import legacy_doc_id
from handlers.review.rules import conflict
from handlers.texts import common as C
from handlers.texts import duplicates as T

PAIRS_SHOWN = 10
REPORT_SHOWN = 30
EXCEL_WORDS = frozenset({"excel", "xlsx", "bang", "tai"})


async def _resolve(ctx: Context, word: str) -> OnFile | None:
    """An initiative by receipt number, an imported one by LS-<id> or by its old code."""
    reference = word.strip().upper()
    doc_id: int | None = None
    if reference.startswith("LS-") and (number := parse_id(reference[3:])) is not None:
        doc_id = legacy_doc_id(number)
    elif (initiative := await ctx.store.initiative_by_receipt(reference)) is not None:
        doc_id = initiative.id
    elif (legacy := await ctx.store.legacy_by_code(reference)) is not None:
        doc_id = legacy_doc_id(legacy.id)
    found = (await describe(ctx.store, [doc_id])).get(doc_id) if doc_id is not None else None
    if found is None:
        ctx.say(T.NO_SUCH_REFERENCE.format(reference=word.strip()))
    return found


async def _member_may_compare(ctx: Context, a: OnFile, b: OnFile) -> bool:
    assert ctx.person is not None
    for mine, other in ((a, b), (b, a)):
        initiative = mine.initiative
        if initiative is None or conflict(ctx.person, initiative) is not None:
            continue
        assigned = {x.person_id for x in await ctx.store.assignments(initiative_ids=[initiative.id])}
        if ctx.person.id in assigned and await flagged_together(ctx.store, initiative.id, other.doc_id):
            return True
    return False


def _side(label: str, entry: OnFile) -> str:
    if entry.hidden:
        return T.COMPARE_SIDE_HIDDEN.format(side=label, named=entry.named)
    return T.COMPARE_SIDE.format(
        side=label,
        reference=entry.reference,
        title=short(entry.title, 120),
        unit=entry.unit,
        year=entry.year_text,
        legacy=entry.legacy_text,
    )


async def compare_command(ctx: Context, args: str) -> None:
    """/sosanh <A> [<B>]: B defaults to A's closest flagged match."""
    person = ctx.person
    if person is None or not (person.has(Role.SECRETARIAT) or person.has(Role.COUNCIL)):
        ctx.say(C.NOT_ALLOWED)
        return
    words = args.split()
    if not 1 <= len(words) <= 2:
        ctx.say(T.COMPARE_USAGE)
        return
    a = await _resolve(ctx, words[0])
    if a is None:
        return
    if len(words) == 2:
        b = await _resolve(ctx, words[1])
        if b is None:
            return
    else:
        other = await best_match(ctx.store, a.doc_id) if a.initiative else None
        b = (await describe(ctx.store, [other])).get(other) if other is not None else None
        if b is None:
            ctx.say(T.COMPARE_NO_FLAGS.format(reference=a.reference))
            return
    if a.doc_id == b.doc_id:
        ctx.say(T.COMPARE_SAME)
        return
    if not person.has(Role.SECRETARIAT) and not await _member_may_compare(ctx, a, b):
        ctx.say(T.COMPARE_NOT_ALLOWED)
        return
    hidden = next((e for e in (a, b) if e.hidden), None)
    if hidden is not None:
        shown = b if hidden is a else a
        flagged = await _flag_score(ctx, shown, hidden) if shown.initiative else None
        lines = [T.COMPARE_HIDDEN.format(named=hidden.named, body=hidden.body)]
        if flagged is not None:
            lines.insert(
                0,
                T.COMPARE_HIDDEN_SCORE.format(reference=shown.reference, named=hidden.named, percent=percent(flagged)),
            )
        ctx.say("\n".join(lines))
        return
    result = compare(a, b)
    lines = [
        T.COMPARE_HEADER.format(a=a.reference, b=b.reference, percent=percent(score(a, b)), n=len(result.passages)),
        _side("A", a),
        _side("B", b),
        "",
    ]
    if result.passages:
        lines.append(T.COMPARE_PAIRS_TITLE)
        for i, (x, y) in enumerate(result.passages[:PAIRS_SHOWN], 1):
            lines.append(T.COMPARE_PAIR.format(i=i, a=short(x.text, 200), b=short(y.text, 200)))
        if len(result.passages) > PAIRS_SHOWN:
            lines.append(T.COMPARE_MORE.format(n=len(result.passages) - PAIRS_SHOWN))
    else:
        lines.append(T.COMPARE_NONE)
    ctx.say("\n".join(lines))
    for label, entry, sections in (("A", a, result.a_sections), ("B", b, result.b_sections)):
        body = [T.SECTION.format(label=name, text=text) for name, text in sections if text.strip()]
        ctx.say("\n\n".join([_side(label, entry), *body]))


async def _flag_score(ctx: Context, shown: OnFile, hidden: OnFile) -> float | None:
    """The score the bot stored when the two were flagged (the hidden side's text is never read here)."""
    scores = [
        f.score
        for f in await ctx.store.similarity_flags([shown.doc_id])
        if {f.initiative_id, f.match_id} == {shown.doc_id, hidden.doc_id}
    ]
    return max(scores) if scores else None


def _report_row(i: int, pair: Pair) -> str:
    if pair.a.hidden or pair.b.hidden:
        return T.REPORT_ROW_HIDDEN.format(
            i=i,
            a=_report_side(pair.a),
            b=_report_side(pair.b),
            percent=percent(pair.score),
            note=T.REPORT_NOTE_YES if pair.explained else T.REPORT_NOTE_NO,
        )
    return T.REPORT_ROW.format(
        i=i,
        a=pair.a.reference,
        b=pair.b.reference,
        percent=percent(pair.score),
        a_title=short(pair.a.title, 70),
        a_unit=pair.a.unit,
        a_year=pair.a.year_text,
        b_title=short(pair.b.title, 70),
        b_unit=pair.b.unit,
        b_year=pair.b.year_text,
        legacy=pair.b.legacy_text,
        note=T.REPORT_NOTE_YES if pair.explained else T.REPORT_NOTE_NO,
    )


def _report_side(entry: OnFile) -> str:
    if entry.hidden:
        return entry.named
    return T.REPORT_SIDE.format(
        reference=entry.reference,
        title=short(entry.title, 70),
        unit=entry.unit,
        year=entry.year_text,
        legacy=entry.legacy_text,
    )


async def report_command(ctx: Context, args: str) -> None:
    """/trunglap <mã đợt> [excel]: the round's suspicious pairs, most similar first."""
    if not require(ctx, Role.SECRETARIAT):
        return
    words = args.split()
    if not words:
        ctx.say(T.REPORT_USAGE)
        return
    rnd = await find_round(ctx, words[0])
    if rnd is None:
        if parse_id(words[0]) is None:
            ctx.say(T.REPORT_USAGE)
        return
    if len(words) > 1 and fold(words[1]) in EXCEL_WORDS:
        await deliver(ctx, {"d": DUPLICATES, "r": rnd.id}, T.REPORT_CAPTION.format(round=rnd.name, year=rnd.year))
        return
    pairs = await round_pairs(ctx.store, rnd.id, rnd.body_id)
    if not pairs:
        ctx.say(T.REPORT_NONE.format(round=rnd.name, year=rnd.year))
        return
    lines = [
        T.REPORT_TITLE.format(
            round=rnd.name, year=rnd.year, threshold=percent(ctx.config.similarity_threshold), n=len(pairs)
        )
    ]
    lines += [_report_row(i, p) for i, p in enumerate(pairs[:REPORT_SHOWN], 1)]
    if len(pairs) > REPORT_SHOWN:
        lines.append(T.REPORT_MORE.format(shown=REPORT_SHOWN, n=len(pairs)))
    lines.append(T.REPORT_EXCEL_HINT.format(round_id=rnd.id))
    ctx.say("\n".join(lines))
