"""/baocao: a body's report to the province, assembled from its data — the yearly list (recognised and transferred
initiatives, due 31/12) or, with «giuanam», the mid-year figures (due 30/6). The body's head and its Thường trực
Hội đồng see it in chat and as Excel; the head confirms, the snapshot is filed (body_report) and the province
office is told. Filing again replaces the snapshot. The province office may read any body's report by its code.

/tonghop: the province overview for the province office — every body's figures, reports filed or not, as a chat
summary, an Excel workbook and a chart."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.campaign import NoticeSpec
from handlers.commands import CommandSpec
from handlers.context import Context
from handlers.domain import Body, Role
from handlers.parsing import fold, format_date, match_option, parse_year
from handlers.reports.builders import (
    MidReport,
    Report,
    YearReport,
    build_mid_report,
    build_overview,
    build_year_report,
)
from handlers.reports.documents import (
    CHART_TOP,
    authors_text,
    decision_text,
    grade_text,
    overview_chart,
    overview_document,
    year_report_document,
)
from handlers.reports.reminders import subject, what
from handlers.reports.store import BodyTally, FiledReport, ReportKind
from handlers.texts import commands as D
from handlers.texts import common as C
from handlers.texts import reports as T
from handlers.types import Option, Reply

REPORTERS = frozenset({Role.BODY_HEAD, Role.SECRETARIAT, Role.PROVINCE_OFFICE})
PROVINCE = frozenset({Role.PROVINCE_OFFICE})
FILE, LATER = "__file__", "__later__"
MID_WORDS = frozenset({"giuanam", "giua", "nam", "mid", "6thang", "sauthang"})
SHOWN_LINES = 10  # initiatives listed in chat; the Excel file has them all
TOP_BODIES = 5
NOT_FILED_SHOWN = 15
FILED_NOTICE_KIND = "report:filed"


def _grades(tally: BodyTally) -> str:
    parts = [T.GRADE_PART.format(grade=g, n=n) for g, n in sorted(tally.by_grade.items()) if g and n]
    if tally.by_grade.get(""):
        parts.append(T.CERTIFICATE_PART.format(n=tally.by_grade[""]))
    return T.GRADES.format(parts="; ".join(parts)) if parts else ""


def _stamp(ctx: Context, report: FiledReport) -> str:
    return ctx.local(report.filed_at).strftime("%H:%M ngày %d/%m/%Y")


def _year_text(report: YearReport) -> str:
    tally = report.tally
    lines = [
        T.YEAR_TITLE.format(year=report.year, body=report.body.name),
        T.YEAR_INTRO.format(year=report.year),
        T.YEAR_COUNTS.format(
            filed=tally.filed,
            recognised=tally.recognised,
            grades=_grades(tally),
            transfers=len(report.transfers),
            under_review=tally.under_review,
            waiting=tally.waiting,
        ),
        "",
    ]
    if report.recognised:
        lines.append(T.RECOGNISED_HEADING)
        lines += [
            T.RECOGNISED_LINE.format(
                n=n,
                receipt=e.receipt_no,
                title=e.title,
                authors=authors_text(e.authors),
                unit=e.unit or T.NO_UNIT,
                grade=grade_text(e.grade),
                decision=decision_text(e),
            )
            for n, e in enumerate(report.recognised[:SHOWN_LINES], 1)
        ]
        if len(report.recognised) > SHOWN_LINES:
            lines.append(T.MORE_LINES.format(n=len(report.recognised) - SHOWN_LINES))
    else:
        lines.append(T.NONE_RECOGNISED.format(year=report.year))
    if report.transfers:
        lines += ["", T.TRANSFERS_HEADING]
        lines += [
            T.TRANSFER_LINE.format(
                n=n, receipt=t.receipt_no, title=t.title, recipient=t.recipient, date=format_date(t.on)
            )
            for n, t in enumerate(report.transfers[:SHOWN_LINES], 1)
        ]
        if len(report.transfers) > SHOWN_LINES:
            lines.append(T.MORE_LINES.format(n=len(report.transfers) - SHOWN_LINES))
    return "\n".join(lines)


def _mid_text(report: MidReport) -> str:
    tally = report.tally
    return "\n".join(
        [
            T.MID_TITLE.format(year=report.year, body=report.body.name),
            T.MID_INTRO.format(date=format_date(report.as_of), year=report.year),
            T.MID_COUNTS.format(
                filed=tally.filed,
                recognised=tally.recognised,
                under_review=tally.under_review,
                waiting=tally.waiting,
                quota=tally.quota,
                units_met=tally.units_met,
                units=tally.units,
            ),
        ]
    )


def _choice(ctx: Context, options: Sequence[Option]) -> Option | None:
    if ctx.inbound.choice is not None:
        return next((o for o in options if o.value == ctx.inbound.choice), None)
    return match_option(ctx.inbound.text or "", options)


class ReportFlow:
    """The body report: shown on /baocao; the conversation waits for the head's confirmation."""

    name = "body_report"

    def commands(self) -> list[CommandSpec]:
        return [
            CommandSpec(
                "baocao",
                self.start,
                D.BODY_REPORT,
                REPORTERS,
                ("report", "baocaonam"),
                args="[năm | giuanam]",
            ),
            CommandSpec("tonghop", overview_command, D.PROVINCE_OVERVIEW, PROVINCE, ("tonghoptinh",), args="[năm]"),
        ]

    # --- showing ------------------------------------------------------------------------------------------
    async def start(self, ctx: Context, args: str = "") -> None:
        person = ctx.person
        assert person is not None
        ctx.enter(None)
        parsed = await self._parse(ctx, args)
        if parsed is None:
            return
        kind, year, body = parsed
        own = body.id == person.body_id
        if not own and not person.has(Role.PROVINCE_OFFICE):
            ctx.say(T.OTHER_BODY)
            return
        if own and not (person.has(Role.BODY_HEAD) or person.has(Role.SECRETARIAT)):
            example = next((b for b in await ctx.store.bodies() if not b.provincial), body)
            ctx.say(T.NAME_A_BODY.format(year=year, code=example.code))
            return
        report = await self._build(ctx, kind, year, body.id)
        filed = next(iter(r for r in await ctx.store.body_reports(year, body.id) if r.kind == kind), None)
        self._show(ctx, report, filed)
        if not own:
            return
        if not person.has(Role.BODY_HEAD):
            ctx.say(T.HEAD_CONFIRMS)
            return
        self._ask(ctx, report, filed)

    async def _parse(self, ctx: Context, args: str) -> tuple[ReportKind, int, Body] | None:
        assert ctx.person is not None
        kind, year, code = ReportKind.YEAR, ctx.today.year, ""
        for word in args.split():
            folded = fold(word).replace(" ", "")
            if (typed := parse_year(word)) is not None:
                year = typed
            elif folded in MID_WORDS:
                kind = ReportKind.MID
            elif not code and word.isascii() and not word.isdigit():
                code = word
            else:
                ctx.say(T.BAD_WORD.format(word=word[:40], year=ctx.today.year))
                return None
        if code:
            body = next((b for b in await ctx.store.bodies() if b.code.lower() == code.lower()), None)
            if body is None:
                # A body's own people learn nothing of other codes: the same refusal as for a code that exists.
                ctx.say(T.NO_SUCH_BODY.format(code=code[:40]) if ctx.person.has(Role.PROVINCE_OFFICE) else T.OTHER_BODY)
                return None
            return kind, year, body
        own = await ctx.store.body(ctx.person.body_id) if ctx.person.body_id is not None else None
        if own is None:
            ctx.say(T.USAGE.format(year=ctx.today.year))
            return None
        return kind, year, own

    async def _build(self, ctx: Context, kind: ReportKind, year: int, body_id: int) -> Report:
        if kind == ReportKind.YEAR:
            return await build_year_report(ctx.store, body_id, year)
        return await build_mid_report(ctx.store, body_id, year, ctx.today)

    def _show(self, ctx: Context, report: Report, filed: FiledReport | None) -> None:
        text = _year_text(report) if isinstance(report, YearReport) else _mid_text(report)
        if filed is None:
            status = T.STATUS_NOT_FILED
        else:
            status = T.STATUS_FILED.format(at=_stamp(ctx, filed), name=filed.filed_by_name or "—")
            if filed.content.get("digest") != report.digest:
                status += "\n" + T.STATUS_CHANGED
        ctx.say(text + "\n\n" + status)
        if isinstance(report, YearReport):
            document = year_report_document(report, ctx.today)
            caption = T.YEAR_CAPTION.format(year=report.year, body=report.body.name)
            ctx.reply(Reply(text=caption, document=document))

    def _options(self, filed: FiledReport | None) -> list[Option]:
        return [Option(FILE, T.REFILE if filed else T.CONFIRM), Option(LATER, T.LATER)]

    def _ask(self, ctx: Context, report: Report, filed: FiledReport | None) -> None:
        state = {"kind": report.kind.value, "year": report.year, "body": report.body.id, "digest": report.digest}
        ctx.enter(self.name, state)
        if filed is None:
            ctx.say(T.CONFIRM_ASK, self._options(filed))
        else:
            ask = T.REFILE_ASK.format(what=what(report.kind, report.year), at=_stamp(ctx, filed))
            ctx.say(ask, self._options(filed))

    # --- confirming ---------------------------------------------------------------------------------------
    async def handle(self, ctx: Context) -> None:
        person = ctx.person
        assert person is not None
        state = ctx.conversation.state
        try:
            kind, year, body_id = ReportKind(state["kind"]), int(state["year"]), int(state["body"])
        except (KeyError, TypeError, ValueError):  # a conversation saved by another version: start over
            ctx.enter(None)
            ctx.say(T.NOT_FILED)
            return
        filed = next(iter(r for r in await ctx.store.body_reports(year, body_id) if r.kind == kind), None)
        options = self._options(filed)
        if ctx.command is not None:
            if ctx.command.name == "trogiup":
                ctx.say(T.CONFIRM_HELP.format(confirm=options[0].label, later=T.LATER), options)
                return
            ctx.enter(None)
            ctx.say(T.NOT_FILED)
            return
        chosen = _choice(ctx, options)
        if chosen is None:
            ctx.say(T.CHOOSE.format(confirm=options[0].label, later=T.LATER), options)
            return
        if chosen.value == LATER:
            ctx.enter(None)
            ctx.say(T.NOT_FILED)
            return
        if not person.has(Role.BODY_HEAD) or person.body_id != body_id:
            ctx.enter(None)
            ctx.say(T.NO_LONGER_HEAD)
            return
        report = await self._build(ctx, kind, year, body_id)
        if report.digest != state.get("digest"):
            ctx.say(T.CHANGED)
            self._show(ctx, report, filed)
            self._ask(ctx, report, filed)
            return
        await self._file(ctx, report)

    async def _file(self, ctx: Context, report: Report) -> None:
        person = ctx.person
        assert person is not None
        content = {**report.content(), "digest": report.digest}
        previous = await ctx.store.file_body_report(
            report.body.id, report.year, report.kind, content, person.id, ctx.now
        )
        await ctx.store.cancel_stale_notices(subject(report.kind, report.year, report.body.id), None)
        ctx.enter(None)
        at = ctx.local(ctx.now).strftime("%H:%M ngày %d/%m/%Y")
        about = what(report.kind, report.year)
        if previous is None:
            said = T.FILED.format(what=about, body=report.body.name, at=at)
        else:
            said = T.REFILED.format(what=about, body=report.body.name, at=at, previous=_stamp(ctx, previous))
        notified = await self._notify_province(ctx, report, previous)
        ctx.say(said + "\n" + (T.NOTIFIED.format(n=notified) if notified else T.NOBODY_NOTIFIED))

    async def _notify_province(self, ctx: Context, report: Report, previous: FiledReport | None) -> int:
        assert ctx.person is not None
        province = await ctx.store.province()
        if province is None:
            return 0
        tally = report.tally
        values = {
            "body": report.body.name,
            "code": report.body.code,
            "what": what(report.kind, report.year),
            "year": report.year,
            "recognised": tally.recognised,
            "transfers": len(report.transfers) if isinstance(report, YearReport) else tally.transfers,
            "filed": tally.filed,
            "name": ctx.person.full_name,
            "previous": _stamp(ctx, previous) if previous else "",
        }
        if isinstance(report, MidReport):
            text = T.MID_FILED_NOTICE.format(**values)
        else:
            text = (T.REFILED_NOTICE if previous else T.FILED_NOTICE).format(**values)
        recipients = await ctx.store.people_with_role_in(Role.PROVINCE_OFFICE, province.id)
        moment = ctx.now.isoformat(timespec="seconds")
        for recipient in recipients:
            await ctx.store.enqueue(
                NoticeSpec(
                    key=f"{FILED_NOTICE_KIND}|p{recipient.id}|b{report.body.id}|{report.year}|{report.kind}|{moment}",
                    kind=FILED_NOTICE_KIND,
                    text=text,
                    due_at=ctx.now,
                    person_id=recipient.id,
                )
            )
        return len(recipients)


# --- /tonghop ------------------------------------------------------------------------------------------------
async def overview_command(ctx: Context, args: str) -> None:
    person = ctx.person
    if person is None or not person.has(Role.PROVINCE_OFFICE):
        ctx.say(C.NOT_ALLOWED)
        return
    year = ctx.today.year
    for word in args.split()[:1]:
        typed = parse_year(word)
        if typed is None:
            ctx.say(T.BAD_YEAR.format(word=word[:40], year=ctx.today.year))
            return
        year = typed
    overview = await build_overview(ctx.store, year)
    if not overview.rows:
        ctx.say(T.OVERVIEW_EMPTY)
        return
    totals = overview.total
    n = len(overview.rows)
    lines = [
        T.OVERVIEW_TITLE.format(year=year, n=n),
        T.OVERVIEW_TOTALS.format(
            filed=totals.filed,
            recognised=totals.recognised,
            grades=_grades(totals),
            transfers=totals.transfers,
            duplicates=totals.duplicates,
            units_met=totals.units_met,
            units=totals.units,
            year_filed=n - len(overview.not_filed),
            mid_filed=sum(1 for r in overview.rows if r.mid_report),
            n=n,
        ),
        "",
        T.OVERVIEW_TOP,
    ]
    lines += [
        T.OVERVIEW_TOP_LINE.format(n=i, body=r.body.name, filed=r.tally.filed, recognised=r.tally.recognised)
        for i, r in enumerate(overview.top(TOP_BODIES), 1)
    ]
    missing = overview.not_filed
    lines.append("")
    if missing:
        names = [T.OVERVIEW_BODY.format(name=r.body.name, code=r.body.code) for r in missing[:NOT_FILED_SHOWN]]
        if len(missing) > NOT_FILED_SHOWN:
            names.append(T.OVERVIEW_MORE.format(n=len(missing) - NOT_FILED_SHOWN))
        lines.append(T.OVERVIEW_NOT_FILED.format(n=len(missing), bodies=", ".join(names)))
    else:
        lines.append(T.OVERVIEW_ALL_FILED)
    lines.append(T.OVERVIEW_FILES)
    ctx.say("\n".join(lines))
    workbook = overview_document(overview, ctx.today, ctx.config.timezone)
    ctx.reply(Reply(text=T.OVERVIEW_CAPTION.format(year=year), document=workbook))
    image, partial = overview_chart(overview)
    top = T.CHART_TOP.format(n=CHART_TOP, total=n) if partial else ""
    ctx.reply(Reply(text=T.CHART_CAPTION.format(year=year, top=top), document=image))
