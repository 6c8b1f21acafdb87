"""The secretariat's council commands: name a round's council (/hoidong), assign initiatives to members
(/phancong, by hand or automatically), close and reopen scoring (/dongcham, /mocham).

An initiative is never assigned to its author or to a member who matches one of its co-authors (by phone
or by the same name without diacritics): ``handlers.review.rules.conflict``."""

from __future__ import annotations

from collections import Counter

from handlers.catalogue import FIELDS, field_label
from handlers.context import Context
from handlers.domain import Initiative, Person, Role, Round, Status
from handlers.parsing import fold, match_option, parse_id
from handlers.results import diverges, sheet_total, show_points
from handlers.review.common import (
    accepted_at,
    decision_line,
    find_initiative,
    find_round,
    looks_like_receipt,
    require,
    short,
)
from handlers.review.results import rules_for
from handlers.review.rules import conflict
from handlers.review.store import RoundReview, ScoreSheet, Seat
from handlers.scope import person as member
from handlers.texts import review as T
from handlers.types import Option

FIELD_OPTIONS = tuple(Option(code, label) for code, label in FIELDS)


def _parse_fields(text: str) -> tuple[list[str], list[str]]:
    """ "giáo dục, cải cách hành chính" → (["education", "admin_reform"], unknown words)."""
    found, unknown = [], []
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        option = match_option(part, FIELD_OPTIONS)
        if option is None or option.value in found:
            if option is None:
                unknown.append(part.strip())
            continue
        found.append(option.value)
    return found, unknown


def _fields_text(fields: tuple[str, ...] | list[str]) -> str:
    return ", ".join(field_label(f) for f in fields) if fields else T.ANY_FIELD


def _state(review: RoundReview) -> str:
    if review.published_at:
        return T.STATE_PUBLISHED
    return T.STATE_CLOSED if review.scoring_closed_at else T.STATE_OPEN


async def _person(ctx: Context, word: str) -> Person | None:
    person_id = parse_id(word)
    person = await member(ctx.store, person_id) if person_id is not None else None
    if person is None:
        ctx.say(T.NO_SUCH_PERSON.format(id=word))
    return person


# --- /hoidong ------------------------------------------------------------------------------------------------


async def council(ctx: Context, args: str) -> None:
    if not require(ctx, Role.SECRETARIAT):
        return
    words = args.split(maxsplit=3)
    if not words:
        await _rounds_overview(ctx)
        return
    rnd = await find_round(ctx, words[0])
    if rnd is None:
        if parse_id(words[0]) is None:
            ctx.say(T.COUNCIL_USAGE)
        return
    if len(words) == 1:
        await round_view(ctx, rnd)
        return
    action = fold(words[1])
    if action in ("them", "add") and len(words) >= 3:
        await _seat(ctx, rnd, words[2], words[3] if len(words) == 4 else "")
    elif action in ("bo", "xoa", "remove") and len(words) == 3:
        await _unseat(ctx, rnd, words[2])
    else:
        ctx.say(T.COUNCIL_USAGE)


async def _rounds_overview(ctx: Context) -> None:
    lines = [T.ROUNDS_TITLE]
    for rnd in sorted(await ctx.store.rounds(), key=lambda r: (-r.year, r.number)):
        if rnd.year < ctx.today.year - 1:
            continue
        accepted = await ctx.store.round_initiatives(rnd.id, (Status.ACCEPTED,))
        review = await ctx.store.round_review(rnd.id)
        lines.append(
            T.ROUND_ROW.format(
                id=rnd.id,
                name=rnd.name,
                year=rnd.year,
                accepted=len(accepted),
                members=len(await ctx.store.seats(rnd.id)),
                state=_state(review),
            )
        )
    ctx.say("\n".join(lines) + "\n\n" + T.COUNCIL_USAGE)


async def round_view(ctx: Context, rnd: Round) -> None:
    rules = await rules_for(ctx.store, rnd.year)
    seats = await ctx.store.seats(rnd.id)
    people = await ctx.store.people({s.person_id for s in seats})
    accepted = list(await ctx.store.round_initiatives(rnd.id, (Status.ACCEPTED,)))
    ids = [i.id for i in accepted]
    assigned: dict[int, list[int]] = {i: [] for i in ids}
    for a in await ctx.store.assignments(initiative_ids=ids):
        assigned[a.initiative_id].append(a.person_id)
    sheets: dict[int, list[ScoreSheet]] = {i: [] for i in ids}
    for sheet in await ctx.store.score_sheets(ids):
        sheets[sheet.initiative_id].append(sheet)
    review = await ctx.store.round_review(rnd.id)
    load = Counter(p for members in assigned.values() for p in members)
    lines = [
        T.ROUND_VIEW_TITLE.format(name=rnd.name, year=rnd.year, id=rnd.id),
        _state(review),
        "",
        T.MEMBERS_TITLE.format(n=len(seats)),
    ]
    lines += [
        T.MEMBER_ROW.format(
            id=s.person_id,
            name=people[s.person_id].full_name if s.person_id in people else "?",
            fields=_fields_text(s.fields),
            load=load.get(s.person_id, 0),
        )
        for s in seats
    ] or [T.NO_MEMBERS]
    candidates = [p for p in await ctx.store.people_with_role(Role.COUNCIL) if p.id not in people]
    if candidates:
        lines.append(T.CANDIDATES.format(people=", ".join(f"[{p.id}] {p.full_name}" for p in candidates)))
    lines += ["", T.ACCEPTED_TITLE.format(n=len(accepted), members=rules.members)]
    for initiative in accepted:
        totals = [sheet_total(s.scores, rules) for s in sheets[initiative.id]]
        flag = T.DIVERGENT_FLAG.format(spread=show_points(max(totals) - min(totals))) if diverges(totals, rules) else ""
        due = decision_line(ctx, accepted_at(await ctx.store.status_history(initiative.id)))
        lines.append(
            T.ACCEPTED_ROW.format(
                receipt=initiative.receipt_no,
                title=short(initiative.title, 45),
                assigned=len(assigned[initiative.id]),
                scored=len(sheets[initiative.id]),
                flag=flag,
                due=due,
            )
        )
    ctx.say("\n".join(lines) + "\n\n" + T.ROUND_VIEW_HELP.format(id=rnd.id))


async def _seat(ctx: Context, rnd: Round, word: str, fields_text: str) -> None:
    person = await _person(ctx, word)
    if person is None:
        return
    if not person.has(Role.COUNCIL):
        ctx.say(T.NOT_COUNCIL.format(name=person.full_name, id=person.id))
        return
    fields, unknown = _parse_fields(fields_text)
    if unknown:
        ctx.say(T.UNKNOWN_FIELDS.format(words=", ".join(unknown), fields=", ".join(label for _, label in FIELDS)))
        return
    await ctx.store.seat_member(rnd.id, person.id, fields)
    ctx.say(T.SEATED.format(name=person.full_name, round=rnd.name, year=rnd.year, fields=_fields_text(fields)))


async def _unseat(ctx: Context, rnd: Round, word: str) -> None:
    person = await _person(ctx, word)
    if person is None:
        return
    accepted = {i.id for i in await ctx.store.round_initiatives(rnd.id, (Status.ACCEPTED,))}
    mine = [a for a in await ctx.store.assignments(person_id=person.id) if a.initiative_id in accepted]
    if mine:
        ctx.say(T.UNSEAT_ASSIGNED.format(name=person.full_name, n=len(mine)))
        return
    removed = await ctx.store.unseat_member(rnd.id, person.id)
    ctx.say((T.UNSEATED if removed else T.NOT_SEATED).format(name=person.full_name, round=rnd.name))


# --- /phancong -----------------------------------------------------------------------------------------------


async def assign(ctx: Context, args: str) -> None:
    if not require(ctx, Role.SECRETARIAT):
        return
    words = args.split()
    if not words:
        ctx.say(T.ASSIGN_USAGE)
        return
    if not looks_like_receipt(words[0]):
        rnd = await find_round(ctx, words[0])
        if rnd is None:
            if parse_id(words[0]) is None:
                ctx.say(T.ASSIGN_USAGE)
            return
        await auto_assign(ctx, rnd)
        return
    initiative = await find_initiative(ctx, words[0])
    if initiative is None:
        return
    if len(words) < 2:
        ctx.say(T.ASSIGN_USAGE)
        return
    if initiative.status != Status.ACCEPTED:
        ctx.say(T.NOT_ACCEPTED.format(receipt=initiative.receipt_no))
        return
    review = await ctx.store.round_review(initiative.round_id or 0)
    if not review.scoring_open:
        ctx.say(T.SCORING_NOT_OPEN)
        return
    if fold(words[1]) in ("bo", "xoa", "remove"):
        for word in words[2:]:
            await _unassign_one(ctx, initiative, word)
        return
    seats = {s.person_id for s in await ctx.store.seats(initiative.round_id or 0)}
    for word in words[1:]:
        await _assign_one(ctx, initiative, word, seats)


async def _assign_one(ctx: Context, initiative: Initiative, word: str, seats: set[int]) -> None:
    person = await _person(ctx, word)
    if person is None:
        return
    if person.id not in seats:
        ctx.say(T.NOT_IN_COUNCIL.format(name=person.full_name, id=person.id))
        return
    clash = conflict(person, initiative)
    if clash is not None:
        ctx.say(T.CONFLICT.format(name=person.full_name, receipt=initiative.receipt_no, author=clash))
        return
    if await ctx.store.assign(initiative.id, person.id, ctx.now):
        ctx.say(T.ASSIGNED.format(name=person.full_name, receipt=initiative.receipt_no))
    else:
        ctx.say(T.ALREADY_ASSIGNED.format(name=person.full_name, receipt=initiative.receipt_no))


async def _unassign_one(ctx: Context, initiative: Initiative, word: str) -> None:
    person = await _person(ctx, word)
    if person is None:
        return
    if any(s.person_id == person.id for s in await ctx.store.score_sheets([initiative.id])):
        ctx.say(T.UNASSIGN_SCORED.format(name=person.full_name, receipt=initiative.receipt_no))
        return
    removed = await ctx.store.unassign(initiative.id, person.id)
    ctx.say((T.UNASSIGNED if removed else T.NOT_ASSIGNED).format(name=person.full_name, receipt=initiative.receipt_no))


def pick_members(
    initiative: Initiative, seats: list[Seat], people: dict[int, Person], already: set[int], load: Counter[int], n: int
) -> list[int]:
    """Up to ``n`` more members: no conflict of interest; members covering the initiative's field first, then
    the least loaded, then the lowest id (so the choice is the same every time)."""
    field = str(initiative.data.get("field") or "")
    eligible = [
        s
        for s in seats
        if s.person_id not in already and s.person_id in people and conflict(people[s.person_id], initiative) is None
    ]
    eligible.sort(key=lambda s: (not (not s.fields or field in s.fields), load[s.person_id], s.person_id))
    return [s.person_id for s in eligible[:n]]


async def auto_assign(ctx: Context, rnd: Round) -> None:
    review = await ctx.store.round_review(rnd.id)
    if not review.scoring_open:
        ctx.say(T.SCORING_NOT_OPEN)
        return
    rules = await rules_for(ctx.store, rnd.year)
    seats = list(await ctx.store.seats(rnd.id))
    if not seats:
        ctx.say(T.NO_MEMBERS_TO_ASSIGN.format(id=rnd.id))
        return
    people = await ctx.store.people({s.person_id for s in seats})
    accepted = list(await ctx.store.round_initiatives(rnd.id, (Status.ACCEPTED,)))
    assigned: dict[int, set[int]] = {i.id: set() for i in accepted}
    for a in await ctx.store.assignments(initiative_ids=list(assigned)):
        assigned[a.initiative_id].add(a.person_id)
    load: Counter[int] = Counter(p for members in assigned.values() for p in members)
    made, short_of = 0, []
    for initiative in accepted:
        missing = rules.members - len(assigned[initiative.id])
        if missing <= 0:
            continue
        chosen = pick_members(initiative, seats, people, assigned[initiative.id], load, missing)
        for person_id in chosen:
            await ctx.store.assign(initiative.id, person_id, ctx.now)
            assigned[initiative.id].add(person_id)
            load[person_id] += 1
            made += 1
        if len(chosen) < missing:
            short_of.append(initiative.receipt_no or "")
    text = T.AUTO_ASSIGNED.format(n=made, initiatives=len(accepted), members=rules.members)
    if short_of:
        text += "\n" + T.AUTO_SHORT.format(receipts=", ".join(short_of))
    ctx.say(text)


# --- /dongcham, /mocham --------------------------------------------------------------------------------------


async def close_scoring(ctx: Context, args: str) -> None:
    if not require(ctx, Role.SECRETARIAT):
        return
    rnd = await find_round(ctx, args.strip()) if args.strip() else None
    if rnd is None:
        if parse_id(args) is None:
            ctx.say(T.CLOSE_USAGE)
        return
    review = await ctx.store.round_review(rnd.id)
    if not review.scoring_open:
        ctx.say(T.SCORING_NOT_OPEN)
        return
    rules = await rules_for(ctx.store, rnd.year)
    accepted = list(await ctx.store.round_initiatives(rnd.id, (Status.ACCEPTED,)))
    if not accepted:
        ctx.say(T.NOTHING_TO_CLOSE.format(round=rnd.name, year=rnd.year))
        return
    counts = Counter(s.initiative_id for s in await ctx.store.score_sheets([i.id for i in accepted]))
    missing = [f"{i.receipt_no} ({counts[i.id]}/{rules.members})" for i in accepted if counts[i.id] < rules.members]
    if missing:
        ctx.say(T.CANNOT_CLOSE.format(n=len(missing), receipts=", ".join(missing)))
        return
    await ctx.store.set_scoring_closed(rnd.id, ctx.now)
    ctx.say(T.SCORING_CLOSED.format(round=rnd.name, year=rnd.year, id=rnd.id))


async def reopen_scoring(ctx: Context, args: str) -> None:
    if not require(ctx, Role.SECRETARIAT):
        return
    rnd = await find_round(ctx, args.strip()) if args.strip() else None
    if rnd is None:
        if parse_id(args) is None:
            ctx.say(T.REOPEN_USAGE)
        return
    review = await ctx.store.round_review(rnd.id)
    if review.published_at:
        ctx.say(T.ALREADY_PUBLISHED.format(round=rnd.name, year=rnd.year))
        return
    await ctx.store.set_scoring_closed(rnd.id, None)
    ctx.say(T.SCORING_REOPENED.format(round=rnd.name, year=rnd.year))
