"""Small helpers the review flows share: role checks, choices, rounds, history and the decision clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from handlers.campaign import NoticeSpec, end_of_day
from handlers.context import Context
from handlers.domain import Initiative, Role, Round, Status, StatusChange
from handlers.parsing import format_date, match_option, parse_id
from handlers.review.rules import decision_due
from handlers.scope import initiative_by_receipt
from handlers.store import Store
from handlers.texts import common as C
from handlers.texts import review as T
from handlers.types import Option

DECISION_KIND = "review:decision"
RECEIPT_PREFIX = "SK-"


def require(ctx: Context, role: Role) -> bool:
    if ctx.person is None or not ctx.person.has(role):
        ctx.say(C.NOT_ALLOWED)
        return False
    return True


def choice(ctx: Context, options: Sequence[Option]) -> Option | None:
    if ctx.inbound.choice is not None:
        return next((o for o in options if o.value == ctx.inbound.choice), None)
    return match_option(ctx.inbound.text or "", options)


def short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def stamp(ctx: Context, moment: datetime) -> str:
    return ctx.local(moment).strftime("%H:%M %d/%m/%Y")


async def rounds_by_id(store: Store) -> dict[int, Round]:
    return {r.id: r for r in await store.rounds()}


async def find_round(ctx: Context, word: str) -> Round | None:
    round_id = parse_id(word)
    if round_id is None:
        return None
    found = (await rounds_by_id(ctx.store)).get(round_id)
    if found is None:
        ctx.say(T.NO_SUCH_ROUND.format(id=word.strip()))
    return found


def looks_like_receipt(word: str) -> bool:
    return word.upper().startswith(RECEIPT_PREFIX)


async def find_initiative(ctx: Context, receipt: str) -> Initiative | None:
    """The dossier of the acting body with this receipt number; another body's reads as no such number."""
    initiative = await initiative_by_receipt(ctx.store, receipt)
    if initiative is None:
        ctx.say(T.NO_SUCH_RECEIPT.format(receipt=receipt.strip()))
    return initiative


def accepted_at(history: Sequence[StatusChange]) -> datetime | None:
    moments = [h.at for h in history if h.new == Status.ACCEPTED]
    return moments[-1] if moments else None


def decision_line(ctx: Context, accepted: datetime | None) -> str:
    if accepted is None:
        return ""
    due = decision_due(ctx.local(accepted).date(), ctx.config.review)
    left = (due - ctx.today).days
    state = T.DUE_PASSED if left < 0 else T.DUE_TODAY if left == 0 else T.DUE_LEFT.format(n=left)
    return T.DECISION_DUE.format(date=format_date(due), state=state)


async def queue_decision_reminders(ctx: Context, initiative: Initiative) -> date:
    """The 3-month clock from acceptance: reminders to the secretariat before the decision deadline."""
    tz = ctx.config.timezone
    due = decision_due(ctx.today, ctx.config.review)
    secretariat = await ctx.store.people_with_role(Role.SECRETARIAT)
    for days in ctx.config.review.decision_reminder_days:
        at = datetime.combine(due - timedelta(days=days), time(8, 0), tzinfo=tz)
        if at <= ctx.now:
            continue
        text = T.DECISION_REMINDER.format(
            receipt=initiative.receipt_no, title=initiative.title, due=format_date(due), days=days
        )
        for person in secretariat:
            await ctx.store.enqueue(
                NoticeSpec(
                    key=f"{DECISION_KIND}|p{person.id}|initiative:{initiative.id}|{due.isoformat()}|{days}",
                    kind=DECISION_KIND,
                    text=text,
                    due_at=at,
                    person_id=person.id,
                    expires_at=end_of_day(due, tz),
                    subject=f"decision:{initiative.id}",
                    subject_version=due.isoformat(),
                )
            )
    return due
