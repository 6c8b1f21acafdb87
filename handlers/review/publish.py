"""Results (/ketqua): the secretariat previews a round's table (as text and as a spreadsheet) and, once
scoring is closed, publishes it. Publishing moves every reviewed initiative to RECOGNISED or NOT_RECOGNISED
through handlers.transitions — which notifies every registered author and co-author with the class, score
and prize — stores the results, stops the decision-deadline reminders and queues the channel posts."""

from __future__ import annotations

from handlers.campaign import NoticeSpec
from handlers.context import Context
from handlers.domain import Role, Round, Status
from handlers.parsing import format_money, parse_id
from handlers.province.flow import notify_proposer
from handlers.results import show_points
from handlers.review.common import choice, find_round, require, short
from handlers.review.documents import RESULTS, deliver, grade_text, outcome_note
from handlers.review.public import channel_post, public_record
from handlers.review.results import RoundTable, round_table
from handlers.review.store import PublishedResult
from handlers.texts import review as T
from handlers.transitions import Award, change_status
from handlers.types import Option

PUBLISH = "__publish__"
CONFIRM = "__confirm__"
CLOSE = "__close__"
POST_KIND = "public:post"


def preview_text(table: RoundTable) -> str:
    rules = table.rules
    lines = [T.PREVIEW_TITLE.format(round=table.round.name, year=table.round.year)]
    for row in table.ranked:
        outcome = row.outcome
        assert outcome is not None
        prize = f" — {format_money(outcome.prize)}" if outcome.prize else ""
        note = outcome_note(outcome)
        flag = T.DIVERGENT_FLAG.format(spread=show_points(outcome.spread)) if outcome.spread > rules.divergence else ""
        lines.append(
            T.PREVIEW_ROW.format(
                rank=outcome.rank,
                receipt=row.initiative.receipt_no,
                title=short(row.initiative.title, 40),
                mean=show_points(outcome.mean),
                grade=grade_text(outcome),
                prize=prize,
                note=f" ({note})" if note else "",
                flag=flag,
            )
        )
    if table.incomplete:
        missing = [f"{r.initiative.receipt_no} ({len(r.sheets)}/{rules.members})" for r in table.incomplete]
        lines.append(T.PREVIEW_INCOMPLETE.format(receipts=", ".join(missing)))
    counts = table.counts()
    parts = [
        T.COUNT_GRADE.format(grade=g.code, n=counts.get(g.code, 0), quota=g.quota if g.quota is not None else "∞")
        for g in rules.grades
    ]
    parts.append(T.COUNT_CERTIFICATE.format(n=counts.get("", 0)))
    parts.append(T.COUNT_NONE.format(n=sum(1 for r in table.ranked if r.outcome and not r.outcome.recognised)))
    lines.append(T.PREVIEW_COUNTS.format(counts="; ".join(parts)))
    lines.append(T.TIE_RULE_NOTE.format(criterion=rules.tie_break.label))
    if table.review.published_at:
        lines.append(T.PREVIEW_PUBLISHED)
    elif table.review.scoring_closed_at is None:
        lines.append(T.PREVIEW_OPEN.format(id=table.round.id))
    return "\n".join(lines)


class ResultsFlow:
    name = "results"

    async def start(self, ctx: Context, args: str = "") -> None:
        if not require(ctx, Role.SECRETARIAT):
            return
        word = args.strip().split()[0] if args.strip() else ""
        rnd = await find_round(ctx, word) if word else None
        if rnd is None:
            if parse_id(word) is None:
                ctx.say(T.RESULTS_USAGE)
            return
        await self._preview(ctx, rnd)

    async def _preview(self, ctx: Context, rnd: Round) -> None:
        table = await round_table(ctx.store, rnd)
        if not table.rows:
            ctx.enter(None)
            ctx.say(T.NOTHING_REVIEWED.format(round=rnd.name, year=rnd.year))
            return
        ctx.say(preview_text(table))
        await deliver(ctx, {"d": RESULTS, "r": rnd.id}, T.RESULTS_CAPTION.format(round=rnd.name, year=rnd.year))
        if table.review.published_at is None and table.review.scoring_closed_at is not None and not table.incomplete:
            ctx.enter(self.name, {"round": rnd.id, "step": "offer"})
            ctx.say(T.PUBLISH_OFFER, [Option(PUBLISH, T.PUBLISH), Option(CLOSE, T.NOT_NOW)])
        else:
            ctx.enter(None)

    async def handle(self, ctx: Context) -> None:
        if not require(ctx, Role.SECRETARIAT):
            ctx.enter(None)
            return
        state = ctx.conversation.state
        if ctx.command is not None:
            ctx.enter(None)
            ctx.say(T.PUBLISH_NOT_YET if ctx.command.name != "trogiup" else T.RESULTS_HELP)
            return
        rnd = next((r for r in await ctx.store.rounds() if r.id == state.get("round")), None)
        if rnd is None:
            ctx.enter(None)
            return
        if state.get("step") == "offer":
            options = [Option(PUBLISH, T.PUBLISH), Option(CLOSE, T.NOT_NOW)]
            chosen = choice(ctx, options)
            if chosen is None:
                ctx.choose_again(options)
            elif chosen.value == CLOSE:
                ctx.enter(None)
                ctx.say(T.PUBLISH_NOT_YET)
            else:
                state["step"] = "confirm"
                ctx.say(
                    T.PUBLISH_CONFIRM.format(round=rnd.name, year=rnd.year),
                    [Option(CONFIRM, T.YES_PUBLISH), Option(CLOSE, T.NOT_NOW)],
                )
            return
        chosen = choice(ctx, [Option(CONFIRM, T.YES_PUBLISH), Option(CLOSE, T.NOT_NOW)])
        ctx.enter(None)
        if chosen is None or chosen.value != CONFIRM:
            ctx.say(T.PUBLISH_NOT_YET)
            return
        await publish(ctx, rnd)


async def publish(ctx: Context, rnd: Round) -> None:
    assert ctx.person is not None
    table = await round_table(ctx.store, rnd)
    if table.review.published_at is not None:
        ctx.say(T.ALREADY_PUBLISHED.format(round=rnd.name, year=rnd.year))
        return
    if table.review.scoring_closed_at is None or table.incomplete:
        ctx.say(T.PREVIEW_OPEN.format(id=rnd.id))
        return
    if not await ctx.store.mark_published(rnd.id, ctx.now, ctx.person.id):
        ctx.say(T.ALREADY_PUBLISHED.format(round=rnd.name, year=rnd.year))
        return
    config = ctx.config.review
    channel_identity = None
    if config.public_channel is not None:
        channel_identity = await ctx.store.identity(*config.public_channel)
    page = config.public_base_url.rstrip("/") if config.public_page and config.public_base_url else ""
    recognised = 0
    for row in table.ranked:
        outcome = row.outcome
        assert outcome is not None
        if row.initiative.status != Status.ACCEPTED:
            continue
        reason = ""
        if outcome.recognised:
            recognised += 1
            updated = await change_status(
                ctx.store,
                row.initiative,
                Status.RECOGNISED,
                now=ctx.now,
                by_person_id=ctx.person.id,
                award=Award(outcome.mean, outcome.grade, outcome.prize),
            )
        else:
            reason = (
                T.REASON_BELOW_MINIMUM.format(criterion=outcome.below_minimum)
                if outcome.below_minimum
                else T.REASON_BELOW_CERTIFICATE.format(threshold=show_points(table.rules.certificate))
            )
            updated = await change_status(
                ctx.store,
                row.initiative,
                Status.NOT_RECOGNISED,
                now=ctx.now,
                by_person_id=ctx.person.id,
                reason=reason,
                award=Award(outcome.mean),
            )
        result = PublishedResult(
            initiative_id=updated.id,
            round_id=rnd.id,
            year=rnd.year,
            rank=outcome.rank,
            mean=outcome.mean,
            criterion_means=outcome.criterion_means,
            grade=outcome.grade,
            prize=outcome.prize,
            recognised=outcome.recognised,
            published_at=ctx.now,
            members=len(row.sheets),
        )
        await ctx.store.save_result(result)
        await notify_proposer(ctx.store, updated, outcome.mean, reason, ctx.now)
        await ctx.store.cancel_stale_notices(f"decision:{updated.id}", None)
        record = public_record(updated, result, row.unit_name)
        if channel_identity is not None and record is not None:
            url = f"{page}/sang-kien/{record.receipt}" if page else ""
            await ctx.store.enqueue(
                NoticeSpec(
                    key=f"{POST_KIND}|initiative:{updated.id}",
                    kind=POST_KIND,
                    text=channel_post(record, url),
                    due_at=ctx.now,
                    identity_id=channel_identity.id,
                    subject=f"initiative:{updated.id}",
                )
            )
    ctx.say(T.PUBLISHED.format(round=rnd.name, year=rnd.year, recognised=recognised, total=len(table.ranked)))
