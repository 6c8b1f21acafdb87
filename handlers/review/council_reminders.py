"""Reminding council members of initiatives assigned to them and not yet scored, while scoring is open."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, time, timedelta

from handlers.campaign import NoticeSpec
from handlers.context import FlowConfig
from handlers.domain import Status
from handlers.store import Store
from handlers.texts import review as T

KIND = "council_scoring_due"
# Once a week, on Monday morning: often enough to keep scoring moving, rare enough not to nag.
WEEKDAY = 0
SEND_AT = time(8, 0)


class CouncilScoringReminderSource:
    async def notices(self, store: Store, config: FlowConfig, now: datetime) -> Sequence[NoticeSpec]:
        local = now.astimezone(config.timezone)
        if local.weekday() != WEEKDAY or local.time() < SEND_AT:
            return []
        due_at = datetime.combine(local.date(), SEND_AT, tzinfo=config.timezone)
        expires_at = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=config.timezone)
        notices: list[NoticeSpec] = []
        for rnd in await store.rounds():
            if not (await store.round_review(rnd.id)).scoring_open:
                continue
            accepted = [i.id for i in await store.round_initiatives(rnd.id, [Status.ACCEPTED])]
            if not accepted:
                continue
            scored = {(s.initiative_id, s.person_id) for s in await store.score_sheets(accepted)}
            pending = Counter(
                a.person_id
                for a in await store.assignments(initiative_ids=accepted)
                if (a.initiative_id, a.person_id) not in scored
            )
            body = await store.body(rnd.body_id) if rnd.body_id is not None else None
            for person_id, count in sorted(pending.items()):
                text = T.COUNCIL_SCORING_DUE.format(n=count, round=rnd.name, year=rnd.year)
                if body is not None and len(await store.role_bodies(person_id)) > 1:
                    # A member of several bodies' councils: /chamdiem shows the body they act in at the time.
                    text = T.COUNCIL_SCORING_DUE_IN.format(n=count, round=rnd.name, year=rnd.year, body=body.name)
                notices.append(
                    NoticeSpec(
                        key=f"{KIND}:{rnd.id}:{person_id}:{local.date().isoformat()}",
                        kind=KIND,
                        text=text,
                        due_at=due_at,
                        person_id=person_id,
                        expires_at=expires_at,
                    )
                )
        return notices
