"""Provincial-scope recognition (cấp tỉnh), issue 16 item 2.

A base body's Thường trực Hội đồng proposes one of its recognised initiatives with /detinh <số biên nhận>: the
bot shows the initiative, the body's recognition decision (recorded with /quyetdinh) and the province's open
round, and on confirmation records the proposal and files a *dossier* with the province: a new initiative of
the province body carrying a copy of the application and its origin (``domain.ORIGIN_KEY``), by the same
author, moved to SUBMITTED through ``handlers.transitions`` (receipt number, snapshot, duplicate check, the
author's notice). From there the province's own Thường trực Hội đồng and council review it with the ordinary
review flow (/hoso, /hoidong, /phancong, /chamdiem, /ketqua) under the province's rubric
(``handlers.province.rubric``); when the province publishes, the proposing body's Thường trực Hội đồng is told
(``notify_proposer``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from handlers.campaign import NoticeSpec
from handlers.commands import CommandSpec
from handlers.context import Context
from handlers.domain import ORIGIN_KEY, Body, Initiative, Role, Round, Sector, Status, receipt_number
from handlers.duplicates import NOTE_FIELD
from handlers.parsing import format_date, match_option, recent_example
from handlers.province.levels import level_label, level_line
from handlers.province.store import Proposal
from handlers.results import show_points
from handlers.store import Store
from handlers.texts import common as C
from handlers.texts import province as T
from handlers.texts import transfers as TT
from handlers.texts.status import status_label
from handlers.transitions import change_status
from handlers.types import Option

SECRETARIAT = frozenset({Role.SECRETARIAT})
CONFIRM = "__propose__"
CANCEL = "__cancel__"
VERDICT_KIND = "province:verdict"
LIST_LIMIT = 30


def decision_text(number: str, signed_on: date) -> str:
    return TT.DECISION_LABEL.format(number=number, date=format_date(signed_on))


@dataclass(frozen=True)
class _Ready:
    """Everything a proposal needs, checked."""

    province: Body
    body: Body
    initiative: Initiative
    decision: str  # «Quyết định số … ngày …» of the body
    target: Round


async def _acting_body(ctx: Context) -> Body | None:
    body_id = ctx.person.body_id if ctx.person is not None else None
    return await ctx.store.body(body_id) if body_id is not None else None


async def _open_round(store: Store, province: Body, sector: Sector, today: date) -> Round | None:
    """The province's round that takes dossiers now: not closed, deadline ahead, not yet published."""
    rounds = sorted(
        (r for r in await store.rounds(every_body=True) if r.body_id == province.id and r.accepts(sector)),
        key=lambda r: (r.deadline, r.number),
    )
    for rnd in rounds:
        if rnd.closed or rnd.deadline < today:
            continue
        if (await store.round_review(rnd.id)).published_at is None:
            return rnd
    return None


async def _sector(store: Store, initiative: Initiative) -> Sector:
    author = await store.person(initiative.person_id)
    unit = await store.unit(author.unit_id) if author and author.unit_id else None
    return unit.sector if unit else Sector.OTHER


async def _check(ctx: Context, word: str) -> _Ready | None:
    """The proposal of the initiative ``word`` names, checked; otherwise the refusal is said and None returned."""
    store = ctx.store
    province = await store.province()
    if province is None:
        ctx.say(T.NOT_APPLICABLE)
        return None
    body = await _acting_body(ctx)
    if body is None or body.provincial:
        ctx.say(T.FROM_PROVINCE.format(province=province.name))
        return None
    receipt = word.strip().upper()[:40]
    initiative = await store.initiative_by_receipt(receipt)
    # One answer for "no such number" and "another body's": nobody learns what other bodies filed.
    if initiative is None or initiative.body_id != body.id:
        ctx.say(T.NOT_FOUND.format(receipt=receipt, body=body.name, example=f"SK-{ctx.today.year}-0001"))
        return None
    if initiative.status != Status.RECOGNISED:
        ctx.say(T.NOT_RECOGNISED.format(receipt=receipt, status=status_label(initiative.status)))
        return None
    existing = (await store.proposals([initiative.id])).get(initiative.id)
    if existing is not None:
        ctx.say(_already(ctx, existing, receipt))
        return None
    rounds = {r.id: r for r in await store.rounds(every_body=True)}
    origin_round = rounds.get(initiative.round_id or 0)
    decision = (await store.decisions()).get(initiative.round_id or 0)
    if decision is None or origin_round is None:
        ctx.say(
            T.NO_DECISION.format(
                round=origin_round.name if origin_round else "",
                year=origin_round.year if origin_round else ctx.today.year,
                round_id=initiative.round_id or "",
                example=recent_example(ctx.today),
                receipt=receipt,
            )
        )
        return None
    target = await _open_round(store, province, await _sector(store, initiative), ctx.today)
    if target is None:
        ctx.say(T.NO_ROUND.format(province=province.name, receipt=receipt))
        return None
    return _Ready(province, body, initiative, decision_text(decision.number, decision.signed_on), target)


def _already(ctx: Context, proposal: Proposal, receipt: str) -> str:
    return T.ALREADY.format(
        receipt=receipt,
        date=format_date(ctx.local(proposal.proposed_at).date()),
        dossier=proposal.dossier_receipt or "",
        level=level_label(proposal),
    )


class ProposeFlow:
    """/detinh: list what may be proposed, or check one initiative, ask, and propose it."""

    name = "province"

    async def start(self, ctx: Context, args: str = "") -> None:
        ctx.enter(None)
        word = args.split()[0] if args.strip() else ""
        if not word:
            await self._candidates(ctx)
            return
        ready = await _check(ctx, word)
        if ready is None:
            return
        author = await ctx.store.person(ready.initiative.person_id)
        ctx.enter(self.name, {"initiative": ready.initiative.id})
        ctx.say(
            T.CONFIRM.format(
                province=ready.province.name,
                title=ready.initiative.title,
                receipt=ready.initiative.receipt_no,
                author=author.full_name if author else "",
                body=ready.body.name,
                decision=ready.decision,
                round=ready.target.name,
                year=ready.target.year,
                deadline=format_date(ready.target.deadline),
            ),
            self._options(),
        )

    @staticmethod
    def _options() -> list[Option]:
        return [Option(CONFIRM, T.YES), Option(CANCEL, T.NO)]

    async def _candidates(self, ctx: Context) -> None:
        province = await ctx.store.province()
        body = await _acting_body(ctx)
        if province is None:
            ctx.say(T.NOT_APPLICABLE)
            return
        if body is None or body.provincial:
            ctx.say(T.FROM_PROVINCE.format(province=province.name))
            return
        recognised = [
            i for i in await ctx.store.initiatives_in((Status.RECOGNISED,)) if i.body_id == body.id and i.receipt_no
        ]
        if not recognised:
            ctx.say(T.NO_CANDIDATES.format(body=body.name))
            return
        proposals = await ctx.store.proposals([i.id for i in recognised])
        lines = [T.CANDIDATES_TITLE.format(body=body.name, n=len(recognised))]
        for initiative in recognised[:LIST_LIMIT]:
            proposal = proposals.get(initiative.id)
            level = T.CANDIDATE_LEVEL.format(level=level_label(proposal)) if proposal else ""
            lines.append(T.CANDIDATE_ROW.format(receipt=initiative.receipt_no, title=initiative.title, level=level))
        example = recognised[0].receipt_no or ""
        ctx.say("\n".join(lines) + "\n\n" + T.USAGE.format(example=example))

    async def handle(self, ctx: Context) -> None:
        if ctx.person is None or not ctx.person.has(Role.SECRETARIAT):
            ctx.enter(None)
            ctx.say(C.NOT_ALLOWED)
            return
        if ctx.command is not None:  # /huy, /quaylai, /trogiup while asked
            ctx.enter(None)
            ctx.say(T.CANCELLED)
            return
        options = self._options()
        chosen = (
            next((o for o in options if o.value == ctx.inbound.choice), None)
            if ctx.inbound.choice is not None
            else match_option(ctx.inbound.text or "", options)
        )
        if chosen is None:
            ctx.say(T.CHOOSE, options)
            return
        initiative_id = int(ctx.conversation.state.get("initiative") or 0)
        ctx.enter(None)
        if chosen.value == CANCEL:
            ctx.say(T.CANCELLED)
            return
        initiative = await ctx.store.initiative(initiative_id)
        if initiative is None or not initiative.receipt_no:
            ctx.say(T.CANCELLED)
            return
        # Checked again: another secretary may have proposed it, or the round closed, while this one read.
        ready = await _check(ctx, initiative.receipt_no)
        if ready is None:
            return
        dossier = await propose(ctx, ready)
        if dossier is None:
            existing = (await ctx.store.proposals([initiative.id])).get(initiative.id)
            ctx.say(_already(ctx, existing, initiative.receipt_no) if existing else T.CANCELLED)
            return
        ctx.say(
            T.DONE.format(
                receipt=initiative.receipt_no,
                dossier=dossier.receipt_no,
                round=ready.target.name,
                year=ready.target.year,
            )
        )


async def propose(ctx: Context, ready: _Ready) -> Initiative | None:
    """Record the proposal, then file the dossier with the province (see the module docstring); None when the
    initiative was proposed meanwhile (nothing is filed)."""
    assert ctx.person is not None
    store, origin = ctx.store, ready.initiative
    decision = ready.decision
    claimed = await store.claim_proposal(
        Proposal(origin.id, ready.body.id, ctx.now, decision=decision, proposed_by=ctx.person.id)
    )
    if not claimed:  # another secretary's confirmation committed since _check read (it waited on this row)
        return None
    data: dict[str, Any] = {k: v for k, v in origin.data.items() if k != NOTE_FIELD}
    data[ORIGIN_KEY] = {
        "initiative_id": origin.id,
        "receipt": origin.receipt_no,
        "body_id": ready.body.id,
        "body": ready.body.name,
        "decision": decision,
    }
    draft = await store.create_initiative(origin.person_id, data, ctx.now, body_id=ready.province.id)
    receipt = receipt_number(ctx.today.year, await store.next_receipt_seq(ctx.today.year))
    dossier = await change_status(
        store,
        draft,
        Status.SUBMITTED,
        now=ctx.now,
        by_person_id=ctx.person.id,
        receipt_no=receipt,
        round_id=ready.target.id,
        similarity_threshold=ctx.config.similarity_threshold,
    )
    await store.attach_dossier(origin.id, dossier.id)
    return dossier


# --- what other views show ---------------------------------------------------------------------------------


async def dossier_lines(store: Store, initiative: Initiative) -> list[str]:
    """For a dossier view: where a provincial dossier came from, or how far a proposed initiative went."""
    origin = initiative.data.get(ORIGIN_KEY)
    if initiative.origin_id is not None and isinstance(origin, dict):
        return [
            T.ORIGIN_LINE.format(
                body=origin.get("body") or "",
                receipt=origin.get("receipt") or "",
                decision=origin.get("decision") or "",
            )
        ]
    proposal = (await store.proposals([initiative.id])).get(initiative.id)
    return [level_line(proposal)] if proposal is not None else []


async def notify_proposer(store: Store, dossier: Initiative, mean: Decimal, reason: str, now: datetime) -> None:
    """After the province published a dossier's result: the proposing body's Thường trực Hội đồng is told."""
    proposal = await store.proposal_of_dossier(dossier.id) if dossier.origin_id is not None else None
    if proposal is None or dossier.status not in (Status.RECOGNISED, Status.NOT_RECOGNISED):
        return
    origin = dossier.data.get(ORIGIN_KEY) or {}
    values = {
        "title": dossier.title or C.UNTITLED,
        "receipt": origin.get("receipt") or "",
        "dossier": dossier.receipt_no or "",
        "score": show_points(mean),
    }
    if dossier.status == Status.RECOGNISED:
        text = T.VERDICT_RECOGNISED.format(**values)
    else:
        suffix = T.VERDICT_REASON.format(reason=reason) if reason.strip() else ""
        text = T.VERDICT_NOT_RECOGNISED.format(**values, reason=suffix)
    for person in await store.people_with_role_in(Role.SECRETARIAT, proposal.body_id):
        await store.enqueue(
            NoticeSpec(
                key=f"{VERDICT_KIND}|p{person.id}|initiative:{dossier.id}",
                kind=VERDICT_KIND,
                text=text,
                due_at=now,
                person_id=person.id,
                essential=True,
                subject=f"initiative:{proposal.initiative_id}",
            )
        )


class ProvinceFlows:
    """Built once by the core: the flow (by conversation name) and the command (for the table)."""

    def __init__(self) -> None:
        self.propose = ProposeFlow()
        self.flows: dict[str, Any] = {self.propose.name: self.propose}
        self.commands = [
            CommandSpec(
                "detinh",
                self.propose.start,
                T.COMMAND,
                SECRETARIAT,
                ("decaptinh", "captinh", "province"),
                args=T.COMMAND_ARGS,
            )
        ]
