"""A round's results table, computed from the stored scoresheets and the campaign's rules (handlers/results.py):
what the secretariat previews, what publishing applies, and what the results spreadsheet shows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from handlers.domain import Initiative, Person, Round, Status, Unit
from handlers.province.rubric import PROVINCIAL_RULES
from handlers.results import DEFAULT_RULES, Candidate, Outcome, Rules, rank
from handlers.review.store import RoundReview, ScoreSheet
from handlers.store import Store

# Everything that reached the council: accepted, and after publication recognised or not.
REVIEWED: frozenset[Status] = frozenset({Status.ACCEPTED, Status.RECOGNISED, Status.NOT_RECOGNISED})


def is_reviewed(initiative: Initiative) -> bool:
    return initiative.status in REVIEWED


async def rules_for(store: Store, year: int) -> Rules:
    """The campaign's rules; unset, the default rubric of the body's level (the province judges other things)."""
    stored = await store.review_rules(year)
    if stored is not None:
        return stored
    body = await store.body(store.body_id) if store.body_id is not None else None
    return PROVINCIAL_RULES if body is not None and body.provincial else DEFAULT_RULES


@dataclass(frozen=True)
class Row:
    initiative: Initiative
    author: Person | None
    unit: Unit | None
    sheets: tuple[ScoreSheet, ...]
    assigned: tuple[int, ...]
    outcome: Outcome | None = None

    @property
    def unit_name(self) -> str:
        if self.unit is not None:
            return self.unit.name
        return str((self.initiative.data.get("author") or {}).get("workplace") or "")


@dataclass(frozen=True)
class RoundTable:
    round: Round
    rules: Rules
    review: RoundReview
    ranked: tuple[Row, ...]  # enough scoresheets: in result order
    incomplete: tuple[Row, ...]  # fewer scoresheets than the rules ask for

    @property
    def rows(self) -> tuple[Row, ...]:
        return self.ranked + self.incomplete

    def counts(self) -> Counter[str]:
        return Counter(r.outcome.grade for r in self.ranked if r.outcome and r.outcome.recognised)


async def people_and_units(
    store: Store, initiatives: Sequence[Initiative]
) -> tuple[dict[int, Person], dict[int, Unit]]:
    people = await store.people({i.person_id for i in initiatives})
    units = {u.id: u for u in await store.units()}
    return people, units


async def earlier_awards(store: Store, rnd: Round) -> Counter[str]:
    """Classes awarded in the year's other published rounds (used when quotas count per year)."""
    return Counter(
        r.grade
        for r in await store.published_results(year=rnd.year)
        if r.round_id != rnd.id and r.recognised and r.grade
    )


async def round_table(store: Store, rnd: Round) -> RoundTable:
    rules = await rules_for(store, rnd.year)
    initiatives = list(await store.round_initiatives(rnd.id, REVIEWED))
    ids = [i.id for i in initiatives]
    sheets: dict[int, list[ScoreSheet]] = {i: [] for i in ids}
    for sheet in await store.score_sheets(ids):
        sheets[sheet.initiative_id].append(sheet)
    assigned: dict[int, list[int]] = {i: [] for i in ids}
    for a in await store.assignments(initiative_ids=ids):
        assigned[a.initiative_id].append(a.person_id)
    people, units = await people_and_units(store, initiatives)

    def row(initiative: Initiative, outcome: Outcome | None = None) -> Row:
        author = people.get(initiative.person_id)
        unit = units.get(author.unit_id) if author and author.unit_id else None
        return Row(initiative, author, unit, tuple(sheets[initiative.id]), tuple(assigned[initiative.id]), outcome)

    complete = [i for i in initiatives if len(sheets[i.id]) >= rules.members]
    candidates = [
        Candidate(i.id, i.receipt_no or "", i.submitted_at or i.created_at, tuple(s.scores for s in sheets[i.id]))
        for i in complete
    ]
    by_id = {i.id: i for i in initiatives}
    outcomes = rank(candidates, rules, await earlier_awards(store, rnd))
    ranked = tuple(row(by_id[o.initiative_id], o) for o in outcomes)
    incomplete = tuple(row(i) for i in initiatives if len(sheets[i.id]) < rules.members)
    return RoundTable(rnd, rules, await store.round_review(rnd.id), ranked, incomplete)
