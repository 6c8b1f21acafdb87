"""Reminding a body that has not filed its report: its head (who confirms) and its Thường trực Hội đồng (who
prepares), on 15/12, 24/12 and 30/12 for the yearly list due 31/12, and on 15/6, 25/6 and 29/6 for the mid-year
report due 30/6, at the campaign's send time. A ReminderSource: the planner calls it once per body with the
store scoped to that body. Only the latest moment that has come is queued (a bot that was down does not send
three at once), keys are stable (one notice per person, report and moment), every notice expires at the end of
the deadline day, and filing the report cancels what is still pending (handlers/reports/flow.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from handlers.campaign import (
    DEFAULT_SEND_TIME,
    NoticeSpec,
    days_left,
    end_of_day,
    latest_due,
    reminder_moments,
)
from handlers.context import FlowConfig
from handlers.domain import Role
from handlers.parsing import format_date
from handlers.reports.store import ReportKind
from handlers.store import Store
from handlers.texts import reminders as R
from handlers.texts import reports as T

KIND = "report:due"
# Days before the deadline: 15/12, 24/12, 30/12 before 31/12; 15/6, 25/6, 29/6 before 30/6.
YEAR_DAYS = (16, 7, 1)
MID_DAYS = (15, 5, 1)


def deadline(kind: ReportKind, year: int) -> date:
    return date(year, 12, 31) if kind == ReportKind.YEAR else date(year, 6, 30)


def subject(kind: ReportKind, year: int, body_id: int) -> str:
    """What the reminders of one body's report are about: filing it cancels the pending ones."""
    return f"report:{kind.value}:{year}:b{body_id}"


def what(kind: ReportKind, year: int) -> str:
    return (T.WHAT_YEAR if kind == ReportKind.YEAR else T.WHAT_MID).format(year=year)


class ReportReminderSource:
    async def notices(self, store: Store, config: FlowConfig, now: datetime) -> Sequence[NoticeSpec]:
        body_id = store.body_id
        if body_id is None:
            return []
        tz = config.timezone
        year = now.astimezone(tz).year
        today = now.astimezone(tz).date()
        due: list[tuple[ReportKind, date, int, datetime]] = []
        for kind, days in ((ReportKind.YEAR, YEAR_DAYS), (ReportKind.MID, MID_DAYS)):
            end = deadline(kind, year)
            # Outside the reminder days nothing is read: the planner calls this for every body on every pass.
            if not 0 <= days_left(end, today) <= max(days) or now >= end_of_day(end, tz):
                continue
            campaign = next((c for c in await store.campaigns() if c.year == year), None)
            send_time = campaign.send_time if campaign is not None else DEFAULT_SEND_TIME
            moment = latest_due(reminder_moments(end, days, send_time, tz), now)
            if moment is not None:
                due.append((kind, end, *moment))
        if not due:
            return []
        body = await store.body(body_id)
        if body is None or body.provincial or await store.province() is None:
            return []  # the province files to nobody; without a province there is nobody to file to
        filed = {r.kind for r in await store.body_reports(year, body_id)}
        heads = await store.people_with_role(Role.BODY_HEAD)
        secretariat = [p for p in await store.people_with_role(Role.SECRETARIAT) if p.id not in {h.id for h in heads}]
        notices = []
        for kind, end, days_before, at in due:
            if kind in filed:
                continue
            about = subject(kind, year, body_id)
            left = days_left(end, today)
            values = {
                "body": body.name,
                "what": what(kind, year),
                "deadline": format_date(end),
                "left": R.LEFT_TODAY if left <= 0 else R.LEFT_DAYS.format(n=left),
                "args": str(year) if kind == ReportKind.YEAR else T.MID_ARGS,
            }
            for people, text in ((heads, T.DUE_HEAD), (secretariat, T.DUE_SECRETARIAT)):
                notices += [
                    NoticeSpec(
                        key=f"{KIND}|p{p.id}|{about}|d{days_before}",
                        kind=KIND,
                        text=text.format(**values),
                        due_at=at,
                        person_id=p.id,
                        expires_at=end_of_day(end, tz),
                        subject=about,
                        subject_version=str(year),
                    )
                    for p in people
                ]
        return notices
