"""Due-date reminders for suggestions, for a periodic job: ``run_suggestion_jobs(store, config, now)``.

Before the due date the current handler (the secretariat, or the heads of the unit it was forwarded to) is
reminded ``remind_days_before`` days ahead at ``remind_at`` local time; from the morning after it the
secretariat is told it is overdue, again every ``overdue_repeat_days``. Each reminder is a notice row with a
unique key, so calling this every few minutes, after a restart or from two replicas queues each one once;
after downtime only the latest missed reminder of each kind is queued."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from handlers.campaign import NoticeSpec
from handlers.context import FlowConfig
from handlers.parsing import format_date
from handlers.store import Store
from handlers.suggestions.rules import (
    OPEN,
    Suggestion,
    before_due_moment,
    moment_of,
    overdue_from,
    overdue_round,
)
from handlers.suggestions.service import current_handlers, scrub_delivered, secretariat, shown_headline
from handlers.texts import suggestion as T

REMINDER_KIND = "suggestion_reminder"


@dataclass(frozen=True)
class Reminder:
    key: str
    person_id: int
    text: str
    due_at: datetime
    expires_at: datetime


async def _where(store: Store, suggestion: Suggestion) -> str:
    if suggestion.assigned_unit_id is None:
        return T.WHERE_SECRETARIAT
    unit = await store.unit(suggestion.assigned_unit_id)
    return unit.name if unit else T.WHERE_SECRETARIAT


async def suggestion_reminders(store: Store, config: FlowConfig, now: datetime) -> list[Reminder]:
    """The reminders that are due at ``now`` (queued or not yet); pure apart from reading the store."""
    settings = config.suggestions
    tz = config.timezone
    reminders: list[Reminder] = []
    for suggestion in await store.suggestions.in_statuses(OPEN):
        due = format_date(suggestion.due_on)
        days = before_due_moment(suggestion.due_on, settings.remind_days_before, settings.remind_at, now, tz)
        moment = moment_of(suggestion.due_on, days, settings.remind_at, tz) if days is not None else None
        # A handler who got it after that moment has not been reminded of anything yet; the next one will.
        if days is not None and moment is not None and moment >= suggestion.handler_since:
            text = T.N_DUE.format(
                code=suggestion.code,
                headline=shown_headline(suggestion),
                due=due,
                left=T.LEFT_TODAY if days == 0 else T.LEFT_DAYS.format(n=days),
            )
            holder = f"u{suggestion.assigned_unit_id}" if suggestion.assigned_unit_id else "s"
            for person in await current_handlers(store, suggestion):
                reminders.append(
                    Reminder(
                        key=f"hk:{suggestion.id}:due:{suggestion.due_on.isoformat()}:{days}:{holder}:p{person.id}",
                        person_id=person.id,
                        text=text,
                        due_at=moment.astimezone(UTC),
                        expires_at=overdue_from(suggestion.due_on, tz).astimezone(UTC),
                    )
                )
        late = overdue_round(suggestion.due_on, settings.overdue_repeat_days, settings.remind_at, now, tz)
        if late is not None:
            start = overdue_from(suggestion.due_on, tz)
            moment = start.replace(hour=settings.remind_at.hour, minute=settings.remind_at.minute) + timedelta(
                days=late * settings.overdue_repeat_days
            )
            text = T.N_OVERDUE.format(
                code=suggestion.code,
                headline=shown_headline(suggestion),
                days=(now.astimezone(tz).date() - suggestion.due_on).days,
                due=due,
                where=await _where(store, suggestion),
            )
            for person in await secretariat(store):
                reminders.append(
                    Reminder(
                        key=f"hk:{suggestion.id}:overdue:{suggestion.due_on.isoformat()}:{late}:p{person.id}",
                        person_id=person.id,
                        text=text,
                        due_at=moment.astimezone(UTC),
                        expires_at=(moment + timedelta(days=max(settings.overdue_repeat_days, 1))).astimezone(UTC),
                    )
                )
    return reminders


async def enqueue_suggestion_reminders(store: Store, config: FlowConfig, now: datetime) -> int:
    """Queue the reminders due at ``now``; returns how many were new."""
    queued = 0
    for reminder in await suggestion_reminders(store, config, now):
        queued += await store.enqueue_notice(
            reminder.key,
            kind=REMINDER_KIND,
            text=reminder.text,
            due_at=reminder.due_at,
            person_id=reminder.person_id,
            expires_at=reminder.expires_at,
        )
    return queued


async def run_suggestion_jobs(store: Store, config: FlowConfig, now: datetime) -> int:
    """The periodic job of the suggestion channel: queue due/overdue reminders, then wipe the recipient and
    text of messages to anonymous senders that have been delivered. Returns the reminders queued."""
    queued = await enqueue_suggestion_reminders(store, config, now)
    await scrub_delivered(store)
    return queued


class SuggestionReminderSource:
    """The same job as a ``ReminderSource`` for the scheduler's planner (handlers.reminders): pass an
    instance in ``App.start_scheduler(sender, sources=[SuggestionReminderSource()])``."""

    async def notices(self, store: Store, config: FlowConfig, now: datetime) -> list[NoticeSpec]:
        await scrub_delivered(store)
        return [
            NoticeSpec(
                key=r.key,
                kind=REMINDER_KIND,
                text=r.text,
                due_at=r.due_at,
                person_id=r.person_id,
                expires_at=r.expires_at,
            )
            for r in await suggestion_reminders(store, config, now)
        ]
