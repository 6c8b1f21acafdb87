""" "My initiatives" (/cuatoi): the list with statuses, one initiative in full, withdraw, drafts."""

from __future__ import annotations

from collections.abc import Callable

from handlers.context import Context
from handlers.domain import Initiative, Status, can_withdraw
from handlers.duplicates import NOTE_FIELD
from handlers.parsing import format_date, match_option
from handlers.province.flow import dossier_lines
from handlers.province.levels import level_label
from handlers.province.store import Proposal
from handlers.submission.flow import SUBMISSION_FORM, SubmissionFlow
from handlers.texts import common as C
from handlers.texts import mine as T
from handlers.texts import submission as S
from handlers.texts.status import status_label
from handlers.transitions import change_status
from handlers.types import Option

CLOSE = "__close__"
BACK = "__list__"
CONTINUE = "__continue__"
DELETE = "__delete__"
WITHDRAW = "__withdraw__"
CONFIRM = "__confirm__"
KEEP = "__keep__"


def _row(initiative: Initiative, proposal: Proposal | None = None) -> str:
    title = initiative.title or C.UNTITLED
    if initiative.status == Status.DRAFT:
        return T.ROW_DRAFT.format(title=title)
    status = status_label(initiative.status)
    if proposal is not None:  # proposed to the province: how far it went there
        status += "; " + level_label(proposal)
    return T.ROW.format(receipt=initiative.receipt_no, title=title, status=status)


class MineFlow:
    name = "mine"

    def __init__(self, submission: SubmissionFlow, help_text: Callable[[Context], str]) -> None:
        self.submission = submission
        self.help_text = help_text

    async def _own(self, ctx: Context) -> list[Initiative]:
        assert ctx.person is not None
        return list(await ctx.store.initiatives_of(ctx.person.id))

    async def _options(self, ctx: Context, initiatives: list[Initiative]) -> list[Option]:
        proposals = await ctx.store.proposals([i.id for i in initiatives if i.status == Status.RECOGNISED])
        return [Option(str(i.id), _row(i, proposals.get(i.id))) for i in initiatives] + [Option(CLOSE, T.CLOSE)]

    async def start(self, ctx: Context) -> None:
        initiatives = await self._own(ctx)
        if not initiatives:
            ctx.say(T.EMPTY)
            ctx.enter(None)
            return
        ctx.enter(self.name, {"view": None})
        options = await self._options(ctx, initiatives)
        ctx.say(T.LIST_TITLE, options)

    async def handle(self, ctx: Context) -> None:
        state = ctx.conversation.state
        if ctx.command is not None:
            if ctx.command.name in ("huy", "quaylai") and state.get("view") is not None:
                await self.start(ctx)
            elif ctx.command.name == "trogiup":
                ctx.say(self.help_text(ctx))
            else:
                ctx.enter(None)
                ctx.say(C.CANCELLED_DRAFT_KEPT if ctx.command.name == "huy" else C.NOTHING_TO_GO_BACK)
            return
        if state.get("view") is None:
            await self._on_list(ctx)
        else:
            await self._on_detail(ctx)

    def _choice(self, ctx: Context, options: list[Option]) -> Option | None:
        if ctx.inbound.choice is not None:
            return next((o for o in options if o.value == ctx.inbound.choice), None)
        return match_option(ctx.inbound.text or "", options)

    async def _on_list(self, ctx: Context) -> None:
        initiatives = await self._own(ctx)
        options = await self._options(ctx, initiatives)
        chosen = self._choice(ctx, options)
        if chosen is None:
            ctx.choose_again(options)
            return
        if chosen.value == CLOSE:
            ctx.enter(None)
            ctx.say(C.MENU_TITLE.replace("?", ": gõ /menu."))
            return
        await self._show(ctx, int(chosen.value))

    def _actions(self, initiative: Initiative) -> list[Option]:
        actions: list[Option] = []
        if initiative.status in (Status.DRAFT, Status.AMEND_REQUESTED):
            actions.append(Option(CONTINUE, T.CONTINUE))
        if initiative.status == Status.DRAFT:
            actions.append(Option(DELETE, T.DELETE_DRAFT))
        elif can_withdraw(initiative.status) and initiative.origin_id is None:  # a dossier is the body's to withdraw
            actions.append(Option(WITHDRAW, T.WITHDRAW))
        actions.append(Option(BACK, T.BACK_TO_LIST))
        return actions

    async def _show(self, ctx: Context, initiative_id: int) -> None:
        initiative = await ctx.store.initiative(initiative_id)
        if initiative is None or ctx.person is None or initiative.person_id != ctx.person.id:
            ctx.say(T.NOT_FOUND)
            await self.start(ctx)
            return
        ctx.conversation.state = {"view": initiative.id}
        ctx.say(await self.detail_text(ctx, initiative), self._actions(initiative))

    async def detail_text(self, ctx: Context, initiative: Initiative) -> str:
        if initiative.status == Status.DRAFT:
            header = T.HEADER_DRAFT.format(updated=ctx.local(initiative.updated_at).strftime("%H:%M %d/%m/%Y"))
        else:
            # An author sees their own initiative whichever body they act in: its round may be another body's.
            rounds = {r.id: r for r in await ctx.store.rounds(every_body=True)}
            chosen = rounds.get(initiative.round_id or -1)
            header = T.HEADER.format(
                receipt=initiative.receipt_no,
                status=status_label(initiative.status),
                submitted=ctx.local(initiative.submitted_at).strftime("%H:%M %d/%m/%Y")
                if initiative.submitted_at
                else "",
                round=C.ROUND_WITH_DEADLINE.format(
                    name=chosen.name, year=chosen.year, deadline=format_date(chosen.deadline)
                )
                if chosen
                else "",
            )
        # Proposed to the province: how far it went there; a provincial dossier: where it came from.
        header += "".join(line + "\n" for line in await dossier_lines(ctx.store, initiative))
        text = (
            header
            + "\n"
            + self.submission.summary_text(ctx, initiative.data).replace(SUBMISSION_FORM.summary_title, "", 1).strip()
        )
        note = initiative.data.get(NOTE_FIELD)
        return text + "\n" + T.DIFFERENCE_NOTE.format(note=note) if note else text

    async def _on_detail(self, ctx: Context) -> None:
        state = ctx.conversation.state
        initiative = await ctx.store.initiative(state["view"])
        if initiative is None or ctx.person is None or initiative.person_id != ctx.person.id:
            ctx.say(T.NOT_FOUND)
            await self.start(ctx)
            return
        if state.get("confirm"):
            await self._on_confirm(ctx, initiative)
            return
        actions = self._actions(initiative)
        chosen = self._choice(ctx, actions)
        if chosen is None:
            ctx.choose_again(actions)
        elif chosen.value == BACK:
            await self.start(ctx)
        elif chosen.value == CONTINUE:
            await self.submission.start(ctx, initiative, S.RESUME.format(title=initiative.title or C.UNTITLED))
        elif chosen.value in (DELETE, WITHDRAW):
            state["confirm"] = chosen.value
            if chosen.value == DELETE:
                ctx.say(
                    T.CONFIRM_DELETE.format(title=initiative.title or C.UNTITLED),
                    [Option(CONFIRM, T.YES_DELETE), Option(KEEP, T.NO_KEEP)],
                )
            else:
                ctx.say(
                    T.CONFIRM_WITHDRAW.format(receipt=initiative.receipt_no, title=initiative.title),
                    [Option(CONFIRM, T.YES_WITHDRAW), Option(KEEP, T.NO_KEEP)],
                )

    async def _on_confirm(self, ctx: Context, initiative: Initiative) -> None:
        state = ctx.conversation.state
        action = state.pop("confirm")
        options = [Option(CONFIRM, T.YES_DELETE if action == DELETE else T.YES_WITHDRAW), Option(KEEP, T.NO_KEEP)]
        chosen = self._choice(ctx, options)
        if chosen is None or chosen.value == KEEP:
            await self._show(ctx, initiative.id)
            return
        assert ctx.person is not None
        if action == DELETE and initiative.status == Status.DRAFT:
            await ctx.store.delete_draft(initiative.id)
            ctx.say(T.DELETED)
            await self.start(ctx)
        elif action == WITHDRAW and can_withdraw(initiative.status):
            await change_status(ctx.store, initiative, Status.WITHDRAWN, now=ctx.now, by_person_id=ctx.person.id)
            ctx.say(T.WITHDRAWN.format(receipt=initiative.receipt_no))
            await self.start(ctx)
        else:
            ctx.say(T.CANNOT_WITHDRAW)
            await self._show(ctx, initiative.id)
