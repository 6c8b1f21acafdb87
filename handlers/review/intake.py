"""The secretariat's inbox (/hoso): submitted dossiers by round; for each, accept, ask for amendment with a
reason, or refuse with a reason. Every decision goes through handlers.transitions (which notifies the
authors); every submission was snapshotted by the store, so amendments never erase what was filed."""

from __future__ import annotations

from typing import Any

from handlers.context import Context
from handlers.domain import Initiative, InvalidTransition, Role, Status
from handlers.duplicates import flag_lines
from handlers.forms import Group, Step
from handlers.parsing import ParseError, format_date, require_text
from handlers.province.flow import dossier_lines
from handlers.review.common import (
    accepted_at,
    choice,
    decision_line,
    find_initiative,
    queue_decision_reminders,
    require,
    rounds_by_id,
    short,
    stamp,
)
from handlers.review.documents import M02, deliver
from handlers.scope import initiative as dossier
from handlers.submission.flow import SUBMISSION_FORM, SubmissionFlow
from handlers.texts import review as T
from handlers.texts.status import status_label
from handlers.transitions import change_status
from handlers.types import Option

CLOSE = "__close__"
BACK = "__list__"
ACCEPT = "__accept__"
AMEND = "__amend__"
REFUSE = "__refuse__"
DOCUMENT = "__m02__"
CONFIRM = "__confirm__"
CANCEL = "__cancel__"
LIST_LIMIT = 40

ACTIONS = {ACCEPT: Status.ACCEPTED, AMEND: Status.AMEND_REQUESTED, REFUSE: Status.REFUSED}


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    labels = []
    for entry in SUBMISSION_FORM.entries:
        if before.get(entry.name) != after.get(entry.name):
            labels.append(entry.label if isinstance(entry, Step | Group) else entry.name)
    return labels


class IntakeFlow:
    name = "intake"

    def __init__(self, submission: SubmissionFlow) -> None:
        self.submission = submission

    async def start(self, ctx: Context, args: str = "") -> None:
        if not require(ctx, Role.SECRETARIAT):
            return
        if args.strip():
            initiative = await find_initiative(ctx, args.split()[0])
            if initiative is not None:
                await self._show(ctx, initiative)
            return
        await self._list(ctx)

    async def _waiting(self, ctx: Context) -> list[Initiative]:
        rounds = await rounds_by_id(ctx.store)
        waiting = list(await ctx.store.initiatives_in((Status.SUBMITTED,)))
        waiting.sort(key=lambda i: (getattr(rounds.get(i.round_id or 0), "deadline", None) or ctx.today, i.id))
        return waiting

    async def _options(self, ctx: Context) -> tuple[list[Initiative], list[Option]]:
        waiting = await self._waiting(ctx)
        rounds = await rounds_by_id(ctx.store)
        options = [
            Option(
                str(i.id),
                T.INBOX_ROW.format(
                    receipt=i.receipt_no,
                    title=short(i.title, 50),
                    round=getattr(rounds.get(i.round_id or 0), "name", ""),
                ),
            )
            for i in waiting[:LIST_LIMIT]
        ]
        return waiting, [*options, Option(CLOSE, T.CLOSE)]

    async def _list(self, ctx: Context, intro: str | None = None) -> None:
        waiting, options = await self._options(ctx)
        if intro:
            ctx.say(intro)
        if not waiting:
            ctx.enter(None)
            ctx.say(T.INBOX_EMPTY)
            return
        rounds = await rounds_by_id(ctx.store)
        per_round: dict[str, int] = {}
        for i in waiting:
            rnd = rounds.get(i.round_id or 0)
            label = f"{rnd.name} năm {rnd.year}" if rnd else "?"
            per_round[label] = per_round.get(label, 0) + 1
        text = T.INBOX_TITLE.format(n=len(waiting), rounds="; ".join(f"{k}: {v}" for k, v in per_round.items()))
        if len(waiting) > LIST_LIMIT:
            text += "\n" + T.INBOX_MORE.format(n=len(waiting) - LIST_LIMIT)
        ctx.enter(self.name, {"view": None})
        ctx.say(text, options)

    async def dossier_text(self, ctx: Context, initiative: Initiative) -> str:
        rounds = await rounds_by_id(ctx.store)
        rnd = rounds.get(initiative.round_id or 0)
        author = await ctx.store.person(initiative.person_id)
        unit = await ctx.store.unit(author.unit_id) if author and author.unit_id else None
        history = await ctx.store.status_history(initiative.id)
        snapshots = await ctx.store.snapshots(initiative.id)
        lines = [
            T.DOSSIER_HEADER.format(
                receipt=initiative.receipt_no,
                round=f"{rnd.name} năm {rnd.year}" if rnd else "",
                status=status_label(initiative.status),
                author=author.full_name if author else "",
                unit=unit.name if unit else "",
                submitted=stamp(ctx, initiative.submitted_at) if initiative.submitted_at else "",
                version=len(snapshots) or 1,
            )
        ]
        lines += await dossier_lines(ctx.store, initiative)  # provincial scope: its origin, or its level
        if len(snapshots) >= 2:
            changed = changed_fields(snapshots[-2].data, snapshots[-1].data)
            lines.append(T.DOSSIER_CHANGED.format(fields=", ".join(changed) or T.NOTHING_CHANGED))
        due = decision_line(ctx, accepted_at(history)) if initiative.status == Status.ACCEPTED else ""
        if due:
            lines.append(due)
        lines.append(T.HISTORY_TITLE)
        for change in history:
            if change.new == Status.DRAFT:
                continue
            reason = T.HISTORY_REASON.format(reason=change.reason) if change.reason else ""
            at = stamp(ctx, change.at)
            lines.append(T.HISTORY_LINE.format(at=at, status=status_label(change.new), reason=reason))
        flags = await flag_lines(ctx.store, initiative)
        if flags:
            lines += ["", *flags]
        summary = self.submission.dossier_text(ctx, initiative.data)
        return "\n".join(lines) + "\n\n" + summary.strip()

    def _actions(self, initiative: Initiative) -> list[Option]:
        actions = []
        if initiative.status == Status.SUBMITTED:
            actions += [Option(ACCEPT, T.ACCEPT), Option(AMEND, T.AMEND), Option(REFUSE, T.REFUSE)]
        return [*actions, Option(DOCUMENT, T.GET_M02), Option(BACK, T.BACK_TO_INBOX)]

    async def _show(self, ctx: Context, initiative: Initiative) -> None:
        ctx.enter(self.name, {"view": initiative.id})
        ctx.say(await self.dossier_text(ctx, initiative), self._actions(initiative))

    async def handle(self, ctx: Context) -> None:
        if not require(ctx, Role.SECRETARIAT):
            ctx.enter(None)
            return
        state = ctx.conversation.state
        command = ctx.command.name if ctx.command else None
        if command == "trogiup":
            ctx.say(T.INTAKE_HELP)
            return
        if command in ("huy", "quaylai"):
            if state.get("step"):
                initiative = await dossier(ctx.store, state["view"])
                if initiative is not None:
                    await self._show(ctx, initiative)
                    return
            if state.get("view") is not None and command == "quaylai":
                await self._list(ctx)
                return
            ctx.enter(None)
            ctx.say(T.INBOX_CLOSED)
            return
        if state.get("view") is None:
            await self._on_list(ctx)
            return
        initiative = await dossier(ctx.store, state["view"])
        if initiative is None:
            await self._list(ctx)
            return
        step = state.get("step")
        if step == "reason":
            await self._on_reason(ctx, initiative)
        elif step == "confirm":
            await self._on_confirm(ctx, initiative)
        else:
            await self._on_detail(ctx, initiative)

    async def _on_list(self, ctx: Context) -> None:
        _, options = await self._options(ctx)
        chosen = choice(ctx, options)
        if chosen is None:
            ctx.choose_again(options)
            return
        if chosen.value == CLOSE:
            ctx.enter(None)
            ctx.say(T.INBOX_CLOSED)
            return
        initiative = await dossier(ctx.store, int(chosen.value))
        if initiative is None:
            await self._list(ctx)
            return
        await self._show(ctx, initiative)

    async def _on_detail(self, ctx: Context, initiative: Initiative) -> None:
        actions = self._actions(initiative)
        chosen = choice(ctx, actions)
        state = ctx.conversation.state
        if chosen is None:
            ctx.choose_again(actions)
        elif chosen.value == BACK:
            await self._list(ctx)
        elif chosen.value == DOCUMENT:
            await deliver(ctx, {"d": M02, "i": initiative.id}, T.M02_CAPTION.format(receipt=initiative.receipt_no))
            ctx.say(T.WHAT_NEXT, actions)
        elif chosen.value == ACCEPT:
            state.update(step="confirm", action=ACCEPT, reason="")
            ctx.say(
                T.CONFIRM_ACCEPT.format(receipt=initiative.receipt_no, title=initiative.title),
                [Option(CONFIRM, T.YES_CONFIRM), Option(CANCEL, T.NO_CANCEL)],
            )
        else:
            state.update(step="reason", action=chosen.value)
            ctx.say(T.ASK_AMEND_REASON if chosen.value == AMEND else T.ASK_REFUSE_REASON)

    async def _on_reason(self, ctx: Context, initiative: Initiative) -> None:
        state = ctx.conversation.state
        try:
            reason = require_text(ctx.inbound.text, max_len=1000, min_len=5)
        except ParseError as error:
            ctx.say(error.message + "\n" + (T.ASK_AMEND_REASON if state["action"] == AMEND else T.ASK_REFUSE_REASON))
            return
        state.update(step="confirm", reason=reason)
        template = T.CONFIRM_AMEND if state["action"] == AMEND else T.CONFIRM_REFUSE
        ctx.say(
            template.format(receipt=initiative.receipt_no, title=initiative.title, reason=reason),
            [Option(CONFIRM, T.YES_CONFIRM), Option(CANCEL, T.NO_CANCEL)],
        )

    async def _on_confirm(self, ctx: Context, initiative: Initiative) -> None:
        state = ctx.conversation.state
        chosen = choice(ctx, [Option(CONFIRM, T.YES_CONFIRM), Option(CANCEL, T.NO_CANCEL)])
        if chosen is None or chosen.value == CANCEL:
            await self._show(ctx, initiative)
            return
        assert ctx.person is not None
        new = ACTIONS[state["action"]]
        reason = state.get("reason", "")
        try:
            updated = await change_status(
                ctx.store, initiative, new, now=ctx.now, by_person_id=ctx.person.id, reason=reason
            )
        except InvalidTransition:
            await self._list(ctx, T.ALREADY_HANDLED.format(receipt=initiative.receipt_no))
            return
        if new == Status.ACCEPTED:
            due = await queue_decision_reminders(ctx, updated)
            done = T.ACCEPTED_DONE.format(receipt=updated.receipt_no, due=format_date(due))
        elif new == Status.AMEND_REQUESTED:
            done = T.AMEND_DONE.format(receipt=updated.receipt_no)
        else:
            done = T.REFUSED_DONE.format(receipt=updated.receipt_no)
        await self._list(ctx, done)
