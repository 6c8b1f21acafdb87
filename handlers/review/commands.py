"""The review's commands and flows, for the core's router: the secretariat's inbox, council, results and
rules; the council member's scoring; the documents (M-02, M-01, yearly list)."""

from __future__ import annotations

from typing import Any

from handlers.commands import CommandSpec
from handlers.context import Context
from handlers.domain import Role
from handlers.parsing import parse_id, parse_year
from handlers.results import format_rules, parse_rules
from handlers.review import council_admin, transfers
from handlers.review import duplicates as duplicate_review
from handlers.review.common import require
from handlers.review.council_scoring import CouncilFlow, ScoreFlow
from handlers.review.documents import M01, M02, YEAR, deliver, may_have
from handlers.review.intake import IntakeFlow
from handlers.review.publish import ResultsFlow
from handlers.review.results import rules_for
from handlers.rounds import ensure_default_campaign
from handlers.submission.flow import SubmissionFlow
from handlers.texts import commands as D
from handlers.texts import review as T

SECRETARIAT = frozenset({Role.SECRETARIAT})
COUNCIL = frozenset({Role.COUNCIL})
DOCUMENTS = frozenset({Role.SECRETARIAT, Role.UNIT_HEAD})


class RulesFlow:
    """/quydinh [năm]: shows the campaign's rubric and classes as editable text; the next message replaces them
    (refused once anyone has scored in that campaign)."""

    name = "rules"

    async def start(self, ctx: Context, args: str = "") -> None:
        if not require(ctx, Role.SECRETARIAT):
            return
        word = args.strip().split()[0] if args.strip() else ""
        year = parse_id(word) or ctx.today.year
        if year == ctx.today.year:
            await ensure_default_campaign(ctx, year)
        if not any(c.year == year for c in await ctx.store.campaigns()):
            ctx.say(T.NO_CAMPAIGN.format(year=year))
            return
        rules = await rules_for(ctx.store, year)
        ctx.say(T.RULES_SHOW.format(year=year))
        ctx.say(format_rules(rules))
        if await ctx.store.has_scores(year):
            ctx.enter(None)
            ctx.say(T.RULES_LOCKED)
            return
        ctx.enter(self.name, {"year": year})
        ctx.say(T.RULES_EDIT_HINT)

    async def handle(self, ctx: Context) -> None:
        if not require(ctx, Role.SECRETARIAT):
            ctx.enter(None)
            return
        year = int(ctx.conversation.state.get("year") or ctx.today.year)
        if ctx.command is not None:
            ctx.enter(None)
            ctx.say(T.RULES_UNCHANGED)
            return
        try:
            rules = parse_rules(ctx.inbound.text or "")
        except ValueError as error:
            ctx.say(str(error) + "\n" + T.RULES_EDIT_HINT)
            return
        if await ctx.store.has_scores(year):
            ctx.enter(None)
            ctx.say(T.RULES_LOCKED)
            return
        await ctx.store.set_review_rules(year, rules)
        ctx.enter(None)
        ctx.say(T.RULES_SAVED.format(year=year) + "\n" + format_rules(rules))


async def get_m02(ctx: Context, args: str) -> None:
    if not args.strip():
        ctx.say(T.M02_USAGE)
        return
    assert ctx.person is not None
    receipt = args.split()[0]
    initiative = await ctx.store.initiative_by_receipt(receipt.strip().upper()[:40])
    spec = {"d": M02, "i": initiative.id if initiative else 0}
    # One answer for "no such number" and "not yours": nobody learns which receipt numbers exist.
    if initiative is None or not await may_have(ctx.store, ctx.person, spec):
        ctx.say(T.RECEIPT_UNAVAILABLE.format(receipt=receipt[:40]))
        return
    await deliver(ctx, spec, T.M02_CAPTION.format(receipt=initiative.receipt_no))


async def _unit_and_year(ctx: Context, args: str) -> tuple[int | None, int] | None:
    """ "[mã đơn vị] [năm]" in any order; a unit head's own unit when none is named."""
    assert ctx.person is not None
    year, unit_id = ctx.today.year, None
    for word in args.split():
        if (typed := parse_year(word, first=0, last=9999)) is not None:
            year = typed
            continue
        unit = next((u for u in await ctx.store.units() if u.code.lower() == word.lower()), None)
        if unit is None:
            ctx.say(T.NO_SUCH_UNIT.format(code=word))
            return None
        unit_id = unit.id
    if unit_id is None and not ctx.person.has(Role.SECRETARIAT):
        unit_id = ctx.person.unit_id
    return unit_id, year


async def get_m01(ctx: Context, args: str) -> None:
    if ctx.person is None or not (ctx.person.has(Role.UNIT_HEAD) or ctx.person.has(Role.SECRETARIAT)):
        ctx.say(T.NOT_ALLOWED_DOCS)
        return
    found = await _unit_and_year(ctx, args)
    if found is None:
        return
    unit_id, year = found
    if unit_id is None:
        ctx.say(T.M01_USAGE)
        return
    await deliver(ctx, {"d": M01, "u": unit_id, "y": year}, T.M01_CAPTION.format(year=year))


async def get_year_list(ctx: Context, args: str) -> None:
    if ctx.person is None or not (ctx.person.has(Role.UNIT_HEAD) or ctx.person.has(Role.SECRETARIAT)):
        ctx.say(T.NOT_ALLOWED_DOCS)
        return
    found = await _unit_and_year(ctx, args)
    if found is None:
        return
    unit_id, year = found
    await deliver(ctx, {"d": YEAR, "y": year, "u": unit_id or 0}, T.YEAR_CAPTION.format(year=year))


class ReviewFlows:
    """Built once by the core: the review's flows (by conversation name) and commands (for the table)."""

    def __init__(self, submission: SubmissionFlow) -> None:
        self.intake = IntakeFlow(submission)
        self.score = ScoreFlow()
        self.council = CouncilFlow(submission, self.score)
        self.results = ResultsFlow()
        self.rules = RulesFlow()
        self.flows: dict[str, Any] = {
            f.name: f for f in (self.intake, self.score, self.council, self.results, self.rules)
        }
        self.commands = [
            CommandSpec("hoso", self.intake.start, D.INBOX, SECRETARIAT, ("thamdinh", "tiepnhan", "inbox")),
            CommandSpec("hoidong", council_admin.council, D.COUNCIL, SECRETARIAT, ("council",), args="<mã đợt>"),
            CommandSpec(
                "phancong", council_admin.assign, D.ASSIGN, SECRETARIAT, ("assign",), args="<mã đợt | số biên nhận>"
            ),
            CommandSpec("dongcham", council_admin.close_scoring, D.CLOSE_SCORING, SECRETARIAT, args="<mã đợt>"),
            CommandSpec("mocham", council_admin.reopen_scoring, D.REOPEN_SCORING, SECRETARIAT, args="<mã đợt>"),
            CommandSpec("ketqua", self.results.start, D.RESULTS, SECRETARIAT, ("results",), args="<mã đợt>"),
            CommandSpec("quydinh", self.rules.start, D.RULES, SECRETARIAT, ("thangdiem", "rules"), args="[năm]"),
            CommandSpec("chamdiem", self.council.start, D.SCORE, COUNCIL, ("score",)),
            CommandSpec(
                "sosanh",
                duplicate_review.compare_command,
                D.COMPARE,
                SECRETARIAT | COUNCIL,
                ("doichieu", "compare"),
                args="<số biên nhận> [số biên nhận]",
            ),
            CommandSpec(
                "trunglap",
                duplicate_review.report_command,
                D.DUPLICATES,
                SECRETARIAT,
                ("duplicates",),
                args="<mã đợt> [excel]",
            ),
            CommandSpec(
                "quyetdinh",
                transfers.decision_command,
                D.DECISION,
                SECRETARIAT,
                ("decision",),
                args="<mã đợt> <số> <ngày>",
            ),
            CommandSpec(
                "chuyengiao",
                transfers.transfer_command,
                D.TRANSFER,
                SECRETARIAT,
                ("transfer",),
                args="<số biên nhận>; <bên nhận>; <ngày>; <hợp đồng>",
            ),
            CommandSpec("totrinh", get_m01, D.M01, DOCUMENTS, ("m01",), args="[mã đơn vị] [năm]"),
            CommandSpec("danhsachnam", get_year_list, D.YEAR_LIST, DOCUMENTS, args="[năm] [mã đơn vị]"),
            CommandSpec("taidon", get_m02, D.M02, aliases=("m02",), args="<số biên nhận>"),
        ]
