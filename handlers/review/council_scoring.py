"""Council members (/chamdiem): their assigned initiatives, each dossier, and the scoresheet — criterion by
criterion within the rubric's bounds, then a comment — submitted and revisable until scoring closes.

Independence: a member sees the other members' totals only once their own sheet is in. Conflicts: a member
who authored or co-authored an initiative can neither see it here nor score it, even if assigned by mistake.
When the members' totals differ by more than the rules allow, the secretariat is told (one notice per
divergent set of totals)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from handlers.campaign import NoticeSpec
from handlers.context import Context
from handlers.domain import Initiative, Role
from handlers.duplicates import flag_lines
from handlers.forms import Draft, Form, FormFlow, Step
from handlers.parsing import ParseError, require_text
from handlers.results import Criterion, Rules, diverges, parse_points, sheet_total, show_points, spread
from handlers.review.common import choice, require, rounds_by_id, short
from handlers.review.documents import M02, deliver
from handlers.review.results import is_reviewed, rules_for
from handlers.review.rules import conflict
from handlers.review.store import ScoreSheet
from handlers.scope import initiative as dossier
from handlers.submission.flow import SubmissionFlow
from handlers.texts import common as C
from handlers.texts import review as T
from handlers.types import Option

CLOSE = "__close__"
BACK = "__list__"
SCORE = "__score__"
DOCUMENT = "__m02__"
DIVERGENCE_KIND = "review:divergence"


# --- the scoresheet: a form built from the campaign's rubric -------------------------------------------------


def _points(criterion: Criterion) -> Callable[[str, Context, Draft], str]:
    def parse(text: str, ctx: Context, draft: Draft) -> str:
        try:
            return str(parse_points(text, criterion))
        except ValueError as error:
            raise ParseError(str(error)) from None

    return parse


def _comment(text: str, ctx: Context, draft: Draft) -> str:
    return require_text(text, max_len=2000, min_len=5)


def sheet_form(rules: Rules) -> Form:
    n = len(rules.criteria)
    steps = [
        Step(
            c.code,
            T.L_CRITERION.format(label=c.label, max=show_points(c.max_points)),
            T.P_CRITERION.format(i=i, n=n, label=c.label, max=show_points(c.max_points)),
            T.H_CRITERION.format(label=c.label, max=show_points(c.max_points)),
            parse=_points(c),
            show=show_points,
        )
        for i, c in enumerate(rules.criteria, 1)
    ]
    steps.append(Step("comment", T.L_COMMENT, T.P_COMMENT, T.H_COMMENT, parse=_comment))
    return Form(
        name="score",
        entries=tuple(steps),
        summary_title=T.SHEET_SUMMARY,
        submit_label=T.SHEET_SUBMIT,
        later_label=T.SHEET_LATER,
    )


class _Sheet(FormFlow):
    """One event's scoresheet: the form is built per event from the initiative's campaign rules."""

    name = "score"

    def __init__(self, form: Form, rules: Rules, owner: ScoreFlow) -> None:
        self.form = form
        self.rules = rules
        self.owner = owner

    async def load_draft(self, ctx: Context) -> Draft:
        return dict(ctx.conversation.state.get("draft") or {})

    async def save_draft(self, ctx: Context, draft: Draft) -> None:
        ctx.conversation.state["draft"] = draft

    def summary_text(self, ctx: Context, draft: Draft) -> str:
        state = ctx.conversation.state
        total = sheet_total({k: Decimal(v) for k, v in draft.items() if k != "comment"}, self.rules)
        header = T.SHEET_HEADER.format(receipt=state.get("receipt", ""), title=state.get("title", ""))
        return (
            header
            + "\n"
            + super().summary_text(ctx, draft)
            + "\n"
            + T.SHEET_TOTAL.format(total=show_points(total), max=show_points(self.rules.total))
        )

    async def on_cancel(self, ctx: Context, draft: Draft) -> None:
        ctx.say(T.SHEET_NOT_SENT)

    async def complete(self, ctx: Context, draft: Draft) -> bool:
        return await self.owner.submit(ctx, self.rules, draft)


class ScoreFlow:
    name = "score"

    async def _sheet(self, ctx: Context) -> _Sheet | None:
        year = ctx.conversation.state.get("year")
        if year is None:
            return None
        rules = await rules_for(ctx.store, int(year))
        return _Sheet(sheet_form(rules), rules, self)

    async def start(self, ctx: Context, initiative: Initiative, year: int, existing: ScoreSheet | None) -> None:
        rules = await rules_for(ctx.store, year)
        draft: Draft = {}
        if existing is not None:
            draft = {k: str(v) for k, v in existing.scores.items() if rules.criterion(k)}
            draft["comment"] = existing.comment
        sheet = _Sheet(sheet_form(rules), rules, self)
        # The form engine's own begin() would ask before the sheet's header fields are in the state.
        ctx.enter(
            self.name,
            {
                "cursor": sheet._first_missing(draft),
                "history": [],
                "editing": False,
                "initiative_id": initiative.id,
                "year": year,
                "receipt": initiative.receipt_no,
                "title": short(initiative.title, 80),
                "draft": draft,
            },
        )
        ctx.say(T.SHEET_INTRO_REVISE if existing else T.SHEET_INTRO.format(total=show_points(rules.total)))
        await sheet.resume(ctx)

    async def handle(self, ctx: Context) -> None:
        sheet = await self._sheet(ctx)
        if sheet is None:
            ctx.enter(None)
            ctx.say(C.NOTHING_TO_CANCEL)
            return
        await sheet.handle(ctx)

    async def submit(self, ctx: Context, rules: Rules, draft: Draft) -> bool:
        assert ctx.person is not None
        state = ctx.conversation.state
        initiative = await dossier(ctx.store, int(state["initiative_id"]))
        problem = await refusal(ctx, initiative)
        if problem is not None or initiative is None:
            ctx.say(problem or T.NOT_ASSIGNED_TO_YOU)
            return True
        scores = {c.code: Decimal(draft[c.code]) for c in rules.criteria}
        saved = await ctx.store.save_score_sheet(
            ScoreSheet(initiative.id, ctx.person.id, scores, str(draft.get("comment") or ""), ctx.now)
        )
        total = sheet_total(scores, rules)
        sheets = list(await ctx.store.score_sheets([initiative.id]))
        others = [s for s in sheets if s.person_id != ctx.person.id]
        text = (T.SHEET_REVISED if saved.revision > 1 else T.SHEET_SENT).format(
            receipt=initiative.receipt_no, total=show_points(total), max=show_points(rules.total)
        )
        if others:
            names = await ctx.store.people({s.person_id for s in others})
            text += (
                "\n"
                + T.OTHERS_TITLE
                + "\n"
                + "\n".join(
                    T.OTHER_ROW.format(
                        name=names[s.person_id].full_name if s.person_id in names else "?",
                        total=show_points(sheet_total(s.scores, rules)),
                    )
                    for s in others
                )
            )
        ctx.say(text + "\n" + T.SHEET_NEXT)
        totals = [sheet_total(s.scores, rules) for s in sheets]
        if diverges(totals, rules):
            await _tell_divergence(ctx, initiative, rules, totals)
        return True


async def _tell_divergence(ctx: Context, initiative: Initiative, rules: Rules, totals: list[Decimal]) -> None:
    text = T.DIVERGENCE_NOTICE.format(
        receipt=initiative.receipt_no,
        title=initiative.title,
        spread=show_points(spread(totals)),
        limit=show_points(rules.divergence),
        totals=", ".join(show_points(t) for t in totals),
    )
    version = "-".join(str(t) for t in sorted(totals))
    for person in await ctx.store.people_with_role(Role.SECRETARIAT):
        await ctx.store.enqueue(
            NoticeSpec(
                key=f"{DIVERGENCE_KIND}|p{person.id}|initiative:{initiative.id}|{version}",
                kind=DIVERGENCE_KIND,
                text=text,
                due_at=ctx.now,
                person_id=person.id,
                subject=f"initiative:{initiative.id}",
            )
        )


async def refusal(ctx: Context, initiative: Initiative | None) -> str | None:
    """Why this member may not score this initiative now, or None."""
    assert ctx.person is not None
    if initiative is None or not is_reviewed(initiative):
        return T.NOT_ASSIGNED_TO_YOU
    clash = conflict(ctx.person, initiative)
    if clash is not None:
        return T.OWN_INITIATIVE.format(receipt=initiative.receipt_no)
    assigned = {a.person_id for a in await ctx.store.assignments(initiative_ids=[initiative.id])}
    if ctx.person.id not in assigned:
        return T.NOT_ASSIGNED_TO_YOU
    review = await ctx.store.round_review(initiative.round_id or 0)
    if not review.scoring_open:
        return T.SCORING_CLOSED_FOR_YOU
    return None


# --- the member's list and dossier view ----------------------------------------------------------------------


class CouncilFlow:
    name = "council"

    def __init__(self, submission: SubmissionFlow, score: ScoreFlow) -> None:
        self.submission = submission
        self.score = score

    async def _mine(self, ctx: Context) -> list[tuple[Initiative, ScoreSheet | None]]:
        assert ctx.person is not None
        assignments = await ctx.store.assignments(person_id=ctx.person.id)
        ids = [a.initiative_id for a in assignments]
        own = {s.initiative_id: s for s in await ctx.store.score_sheets(ids) if s.person_id == ctx.person.id}
        found = []
        for initiative_id in ids:
            initiative = await dossier(ctx.store, initiative_id)
            if initiative is None or not is_reviewed(initiative) or conflict(ctx.person, initiative) is not None:
                continue
            found.append((initiative, own.get(initiative_id)))
        return found

    async def _options(self, ctx: Context) -> list[Option]:
        rules_by_year: dict[int, Rules] = {}
        rounds = await rounds_by_id(ctx.store)
        options = []
        for initiative, sheet in await self._mine(ctx):
            year = rounds[initiative.round_id].year if initiative.round_id in rounds else ctx.today.year
            if year not in rules_by_year:
                rules_by_year[year] = await rules_for(ctx.store, year)
            state = (
                T.SCORED.format(total=show_points(sheet_total(sheet.scores, rules_by_year[year])))
                if sheet
                else T.NOT_SCORED
            )
            options.append(
                Option(
                    str(initiative.id),
                    T.COUNCIL_ROW.format(receipt=initiative.receipt_no, title=short(initiative.title, 45), state=state),
                )
            )
        return [*options, Option(CLOSE, T.CLOSE)]

    async def start(self, ctx: Context, args: str = "") -> None:
        if not require(ctx, Role.COUNCIL):
            return
        options = await self._options(ctx)
        if len(options) == 1:
            ctx.enter(None)
            ctx.say(T.NOTHING_ASSIGNED)
            return
        ctx.enter(self.name, {"view": None})
        done = sum(1 for o in options if o.value != CLOSE and T.NOT_SCORED not in o.label)
        ctx.say(T.COUNCIL_TITLE.format(n=len(options) - 1, done=done), options)

    async def handle(self, ctx: Context) -> None:
        if not require(ctx, Role.COUNCIL):
            ctx.enter(None)
            return
        state = ctx.conversation.state
        command = ctx.command.name if ctx.command else None
        if command == "trogiup":
            ctx.say(T.COUNCIL_HELP)
            return
        if command in ("huy", "quaylai"):
            if state.get("view") is not None:
                await self.start(ctx)
            else:
                ctx.enter(None)
                ctx.say(T.COUNCIL_CLOSED)
            return
        if state.get("view") is None:
            options = await self._options(ctx)
            chosen = choice(ctx, options)
            if chosen is None:
                ctx.choose_again(options)
            elif chosen.value == CLOSE:
                ctx.enter(None)
                ctx.say(T.COUNCIL_CLOSED)
            else:
                await self._show(ctx, int(chosen.value))
            return
        await self._on_detail(ctx)

    async def _actions(self, ctx: Context, initiative: Initiative, own: ScoreSheet | None) -> list[Option]:
        actions = []
        review = await ctx.store.round_review(initiative.round_id or 0)
        if review.scoring_open:
            actions.append(Option(SCORE, T.REVISE if own else T.SCORE))
        return [*actions, Option(DOCUMENT, T.GET_M02), Option(BACK, T.BACK_TO_ASSIGNED)]

    async def _show(self, ctx: Context, initiative_id: int) -> None:
        initiative = await dossier(ctx.store, initiative_id)
        problem = await _may_view(ctx, initiative)
        if problem is not None or initiative is None:
            ctx.say(problem or T.NOT_ASSIGNED_TO_YOU)
            await self.start(ctx)
            return
        assert ctx.person is not None
        ctx.enter(self.name, {"view": initiative.id})
        rounds = await rounds_by_id(ctx.store)
        year = rounds[initiative.round_id].year if initiative.round_id in rounds else ctx.today.year
        rules = await rules_for(ctx.store, year)
        sheets = list(await ctx.store.score_sheets([initiative.id]))
        own = next((s for s in sheets if s.person_id == ctx.person.id), None)
        summary = self.submission.dossier_text(ctx, initiative.data)
        lines = [T.COUNCIL_DOSSIER.format(receipt=initiative.receipt_no, title=initiative.title), summary.strip(), ""]
        flags = await flag_lines(ctx.store, initiative)
        if flags:
            lines += [*flags, ""]
        if own is None:
            lines.append(T.YOUR_SHEET_NONE)
        else:
            lines.append(
                T.YOUR_SHEET.format(
                    scores="; ".join(f"{c.label}: {show_points(own.scores.get(c.code, 0))}" for c in rules.criteria),
                    total=show_points(sheet_total(own.scores, rules)),
                    comment=own.comment,
                )
            )
            others = [s for s in sheets if s.person_id != ctx.person.id]
            if others:
                lines.append(
                    T.OTHERS_TOTALS.format(totals=", ".join(show_points(sheet_total(s.scores, rules)) for s in others))
                )
        ctx.say("\n".join(lines), await self._actions(ctx, initiative, own))

    async def _on_detail(self, ctx: Context) -> None:
        assert ctx.person is not None
        initiative = await dossier(ctx.store, int(ctx.conversation.state["view"]))
        problem = await _may_view(ctx, initiative)
        if problem is not None or initiative is None:
            ctx.say(problem or T.NOT_ASSIGNED_TO_YOU)
            await self.start(ctx)
            return
        sheets = await ctx.store.score_sheets([initiative.id])
        own = next((s for s in sheets if s.person_id == ctx.person.id), None)
        actions = await self._actions(ctx, initiative, own)
        chosen = choice(ctx, actions)
        if chosen is None:
            ctx.choose_again(actions)
        elif chosen.value == BACK:
            await self.start(ctx)
        elif chosen.value == DOCUMENT:
            await deliver(ctx, {"d": M02, "i": initiative.id}, T.M02_CAPTION.format(receipt=initiative.receipt_no))
            ctx.say(T.WHAT_NEXT, actions)
        else:
            refused = await refusal(ctx, initiative)
            if refused is not None:
                ctx.say(refused)
                return
            rounds = await rounds_by_id(ctx.store)
            year = rounds[initiative.round_id].year if initiative.round_id in rounds else ctx.today.year
            await self.score.start(ctx, initiative, year, own)


async def _may_view(ctx: Context, initiative: Initiative | None) -> str | None:
    assert ctx.person is not None
    if initiative is None or not is_reviewed(initiative):
        return T.NOT_ASSIGNED_TO_YOU
    if conflict(ctx.person, initiative) is not None:
        return T.OWN_INITIATIVE.format(receipt=initiative.receipt_no)
    assigned = {a.person_id for a in await ctx.store.assignments(initiative_ids=[initiative.id])}
    return None if ctx.person.id in assigned else T.NOT_ASSIGNED_TO_YOU
