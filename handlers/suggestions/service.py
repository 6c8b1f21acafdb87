"""What can happen to a suggestion, each as one function: it checks the transition, writes the change with a
history line, and queues the notices that follow from it. The flows only ask and show.

Messages to an anonymous sender are the one place the sealed link is opened: the identity it names goes
into the outbox row and nowhere else, and that row is wiped once sent (``scrub_delivered``)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from handlers.context import FlowConfig
from handlers.domain import Initiative, Person, Role, Unit
from handlers.parsing import format_date
from handlers.store import Store
from handlers.suggestions.rules import (
    NewSuggestion,
    Suggestion,
    SuggestionEvent,
    SuggestionStatus,
    check_transition,
    due_date,
    start_of_local_day,
    suggestion_code,
)
from handlers.suggestions.seal import Sealer
from handlers.texts import suggestion as T

KIND = "suggestion"
# Outbox rows to anonymous senders: their recipient and text are wiped once sent.
ANON_KIND = "suggestion_anon"


def sealer_for(config: FlowConfig) -> Sealer:
    return Sealer(config.suggestions.secret)


def _sender_time(suggestion_anonymous: bool, now: datetime, config: FlowConfig) -> datetime:
    """When the sender acted. For an anonymous suggestion only the day is kept (see start_of_local_day)."""
    return start_of_local_day(now, config.timezone) if suggestion_anonymous else now


def _told_at(suggestion_anonymous: bool, now: datetime) -> datetime:
    """When handlers hear of what an anonymous sender did: at a full hour 30 to 90 minutes later, so the
    moment a notification arrives does not point at whoever was just seen typing on their phone."""
    if not suggestion_anonymous:
        return now
    return (now + timedelta(minutes=30)).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


# --- who handles it -----------------------------------------------------------------------------------
async def secretariat(store: Store) -> list[Person]:
    people = list(await store.suggestions.people_with_role(Role.SECRETARIAT))
    return people or list(await store.suggestions.people_with_role(Role.ADMIN))


async def unit_heads(store: Store, unit_id: int) -> list[Person]:
    return list(await store.suggestions.people_with_role(Role.UNIT_HEAD, unit_id))


async def current_handlers(store: Store, suggestion: Suggestion) -> list[Person]:
    if suggestion.assigned_unit_id is not None and suggestion.status in (
        SuggestionStatus.FORWARDED,
        SuggestionStatus.CLARIFY,
    ):
        heads = await unit_heads(store, suggestion.assigned_unit_id)
        if heads:
            return heads
    return await secretariat(store)


async def answered_by(store: Store, suggestion: Suggestion) -> str:
    if suggestion.answered_by_unit_id is not None:
        unit = await store.unit(suggestion.answered_by_unit_id)
        if unit is not None:
            return unit.name
    return T.ANSWERED_BY_SECRETARIAT


# --- notices ----------------------------------------------------------------------------------------------
async def notify_people(
    store: Store, people: Sequence[Person], key: str, text: str, now: datetime, *, essential: bool = False
) -> None:
    for person in people:
        await store.enqueue_notice(
            f"{key}:p{person.id}", kind=KIND, text=text, due_at=now, person_id=person.id, essential=essential
        )


async def notify_sender(
    store: Store, config: FlowConfig, suggestion: Suggestion, event: str, text: str, now: datetime, *, essential: bool
) -> bool:
    """Queue a message to whoever sent the suggestion. For an anonymous one the seal is opened here, and
    the outbox key is a keyed hash, so the row does not say which suggestion it is about."""
    if suggestion.person_id is not None:
        return await store.enqueue_notice(
            f"hk:{suggestion.id}:{event}",
            kind=KIND,
            text=text,
            due_at=now,
            person_id=suggestion.person_id,
            essential=essential,
        )
    await scrub_delivered(store)  # also done by the periodic job; here in case that is not running
    sealed = await store.suggestions.sealed_sender(suggestion.id)
    sealer = sealer_for(config)
    sender = sealer.open_sender(suggestion.code, sealed) if sealed else None
    if sender is None:  # the key was changed or lost: the sender can no longer be reached
        return False
    return await store.enqueue_notice(
        sealer.notice_key(suggestion.id, event),
        kind=ANON_KIND,
        text=text,
        due_at=now,
        identity_id=sender[1],
        essential=essential,
    )


async def scrub_delivered(store: Store) -> int:
    """Wipe recipient and text of delivered (or dropped) messages to anonymous senders."""
    return await store.suggestions.scrub_delivered_notices(ANON_KIND)


# --- the sender's side ------------------------------------------------------------------------------------
async def own_suggestions(store: Store, config: FlowConfig, person_id: int) -> list[Suggestion]:
    """Everything a person sent, under their name or anonymously, newest first."""
    sealer = sealer_for(config)
    anonymous = [sid for sid, sealed in await store.suggestions.sealed_senders() if sealer.is_sender(sealed, person_id)]
    found = list(await store.suggestions.of_person(person_id)) + list(await store.suggestions.many(anonymous))
    return sorted(found, key=lambda s: s.id, reverse=True)


async def is_own(store: Store, config: FlowConfig, suggestion: Suggestion, person_id: int) -> bool:
    if not suggestion.anonymous:
        return suggestion.person_id == person_id
    sealed = await store.suggestions.sealed_sender(suggestion.id)
    return sealed is not None and sealer_for(config).is_sender(sealed, person_id)


async def sent_today(store: Store, config: FlowConfig, person_id: int, now: datetime) -> int:
    since = start_of_local_day(now, config.timezone)
    sealer = sealer_for(config)
    anonymous = sum(
        1
        for _, sealed in await store.suggestions.sealed_senders(created_since=since)
        if sealer.is_sender(sealed, person_id)
    )
    return anonymous + await store.suggestions.count_named_since(person_id, since)


async def create_suggestion(
    store: Store,
    config: FlowConfig,
    *,
    person: Person,
    identity_id: int,
    topic: str,
    content: str,
    attachments: list[dict[str, Any]],
    anonymous: bool,
    publishable: bool,
    now: datetime,
) -> Suggestion:
    year = now.astimezone(config.timezone).year
    code = suggestion_code(year, await store.suggestions.next_seq(year))
    created = _sender_time(anonymous, now, config)
    if anonymous:
        attachments = [await _anonymise_file(store, i, item) for i, item in enumerate(attachments, 1)]
    new = NewSuggestion(
        code=code,
        topic=topic,
        content=content,
        attachments=attachments,
        anonymous=anonymous,
        publishable=publishable,
        person_id=None if anonymous else person.id,
        created_at=created,
        due_on=due_date(created, config.suggestions.due_days, config.timezone),
    )
    sealed = sealer_for(config).seal_sender(code, person.id, identity_id) if anonymous else None
    event = SuggestionEvent("created", created, by_person_id=None if anonymous else person.id)
    # A suggestion goes to the desk of the sender's own body (their unit's), as their initiatives do, even
    # when they act in another body's council.
    acting = store.body_id
    store.scope_to(person.home_body_id or acting)
    try:
        suggestion = await store.suggestions.create(new, sealed, event)
        text = T.N_NEW.format(code=code, topic=topic, headline=suggestion.headline, due=format_date(suggestion.due_on))
        await notify_people(store, await secretariat(store), f"hk:{suggestion.id}:new", text, _told_at(anonymous, now))
    finally:
        store.scope_to(acting)
    return suggestion


async def _anonymise_file(store: Store, n: int, item: dict[str, Any]) -> dict[str, Any]:
    """A file's name often carries its author's name: an anonymous suggestion's files get generic ones."""
    ext = os.path.splitext(str(item.get("name", "")))[1].lower()[:10]
    name = T.ANON_FILE_NAME.format(n=n, ext=ext)
    await store.suggestions.rename_attachment(int(item["id"]), name)
    return {**item, "name": name}


async def ask_clarification(
    store: Store, config: FlowConfig, suggestion: Suggestion, person: Person, text: str, now: datetime
) -> Suggestion:
    if not suggestion.can_clarify:
        raise PermissionError("clarification already asked or not answered")
    check_transition(suggestion.status, SuggestionStatus.CLARIFY)
    at = _sender_time(suggestion.anonymous, now, config)
    suggestion.status = SuggestionStatus.CLARIFY
    suggestion.clarification = text
    suggestion.assigned_unit_id = suggestion.answered_by_unit_id
    suggestion.handler_since = at
    suggestion.due_on = due_date(at, config.suggestions.clarification_due_days, config.timezone)
    by = None if suggestion.anonymous else person.id
    await store.suggestions.save(suggestion, SuggestionEvent("clarification_asked", at, by))
    notice = T.N_CLARIFY.format(code=suggestion.code, text=_short(text, 300), due=format_date(suggestion.due_on))
    handlers = await current_handlers(store, suggestion)
    await notify_people(store, handlers, f"hk:{suggestion.id}:clarify", notice, _told_at(suggestion.anonymous, now))
    return suggestion


async def rate(
    store: Store, config: FlowConfig, suggestion: Suggestion, person: Person, stars: int, now: datetime
) -> Suggestion:
    if not suggestion.can_rate or not 1 <= stars <= 5:
        raise PermissionError("not answered, already rated, or out of range")
    at = _sender_time(suggestion.anonymous, now, config)
    suggestion.rating = stars
    by = None if suggestion.anonymous else person.id
    await store.suggestions.save(suggestion, SuggestionEvent("rated", at, by, str(stars)))
    answerer = await store.person(suggestion.answered_by_person_id) if suggestion.answered_by_person_id else None
    if answerer is not None:
        text = T.N_RATED.format(code=suggestion.code, stars=stars)
        await notify_people(store, [answerer], f"hk:{suggestion.id}:rated", text, _told_at(suggestion.anonymous, now))
    return suggestion


# --- the handlers' side -----------------------------------------------------------------------------------
async def forward(
    store: Store, config: FlowConfig, suggestion: Suggestion, unit: Unit, by: Person, now: datetime
) -> Suggestion:
    check_transition(suggestion.status, SuggestionStatus.FORWARDED)
    suggestion.status = SuggestionStatus.FORWARDED
    suggestion.assigned_unit_id = unit.id
    suggestion.handler_since = now
    await store.suggestions.save(suggestion, SuggestionEvent("forwarded", now, by.id, unit.name))
    due = format_date(suggestion.due_on)
    text = T.N_TO_UNIT.format(
        unit=unit.name, code=suggestion.code, topic=suggestion.topic, headline=shown_headline(suggestion), due=due
    )
    key = f"hk:{suggestion.id}:to:u{unit.id}:v{suggestion.version}"
    await notify_people(store, await unit_heads(store, unit.id), key, text, now)
    sender_text = T.N_FORWARDED.format(code=suggestion.code, unit=unit.name, due=due)
    await notify_sender(
        store, config, suggestion, f"forwarded:v{suggestion.version}", sender_text, now, essential=False
    )
    return suggestion


async def return_to_secretariat(
    store: Store, config: FlowConfig, suggestion: Suggestion, by: Person, reason: str, now: datetime
) -> Suggestion:
    check_transition(suggestion.status, SuggestionStatus.NEW)
    unit = await store.unit(suggestion.assigned_unit_id) if suggestion.assigned_unit_id else None
    suggestion.status = SuggestionStatus.NEW
    suggestion.assigned_unit_id = None
    suggestion.handler_since = now
    await store.suggestions.save(suggestion, SuggestionEvent("returned", now, by.id, reason))
    text = T.N_RETURNED.format(unit=unit.name if unit else "", code=suggestion.code, reason=reason)
    await notify_people(
        store, await secretariat(store), f"hk:{suggestion.id}:returned:v{suggestion.version}", text, now
    )
    await notify_sender(
        store,
        config,
        suggestion,
        f"returned:v{suggestion.version}",
        T.N_RETURNED_SENDER.format(code=suggestion.code),
        now,
        essential=False,
    )
    return suggestion


async def answer(
    store: Store,
    config: FlowConfig,
    suggestion: Suggestion,
    by: Person,
    text: str,
    now: datetime,
    *,
    as_unit_id: int | None,
) -> Suggestion:
    """Answer the suggestion, or — when the sender asked for clarification — answer that."""
    check_transition(suggestion.status, SuggestionStatus.ANSWERED)
    clarifying = suggestion.status == SuggestionStatus.CLARIFY
    suggestion.status = SuggestionStatus.ANSWERED
    if clarifying:
        suggestion.clarification_answer = text
    else:
        suggestion.answer = text
        suggestion.answered_at = now
        suggestion.answered_by_person_id = by.id
        suggestion.answered_by_unit_id = as_unit_id
    action = "clarification_answered" if clarifying else "answered"
    await store.suggestions.save(suggestion, SuggestionEvent(action, now, by.id))
    template = T.N_CLARIFIED if clarifying else T.N_ANSWERED
    notice = template.format(code=suggestion.code, by=await answered_by(store, suggestion), answer=text)
    await notify_sender(store, config, suggestion, f"{action}:v{suggestion.version}", notice, now, essential=True)
    return suggestion


async def close(
    store: Store, config: FlowConfig, suggestion: Suggestion, by: Person, reason: str, now: datetime
) -> Suggestion:
    check_transition(suggestion.status, SuggestionStatus.CLOSED)
    suggestion.status = SuggestionStatus.CLOSED
    suggestion.close_reason = reason
    await store.suggestions.save(suggestion, SuggestionEvent("closed", now, by.id, reason))
    notice = T.N_CLOSED.format(code=suggestion.code, reason=reason)
    await notify_sender(store, config, suggestion, "closed", notice, now, essential=True)
    return suggestion


async def set_hidden(
    store: Store, config: FlowConfig, suggestion: Suggestion, by: Person, hidden: bool, reason: str, now: datetime
) -> Suggestion:
    suggestion.hidden = hidden
    suggestion.hidden_reason = reason if hidden else ""
    await store.suggestions.save(suggestion, SuggestionEvent("hidden" if hidden else "unhidden", now, by.id, reason))
    if hidden:
        notice = T.N_HIDDEN.format(code=suggestion.code, reason=reason)
        await notify_sender(store, config, suggestion, f"hidden:v{suggestion.version}", notice, now, essential=False)
    return suggestion


async def convert(
    store: Store, config: FlowConfig, suggestion: Suggestion, by: Person, owner: Person, now: datetime
) -> Initiative:
    """Start an initiative draft from the suggestion, owned by its sender (named) or, for an anonymous one,
    by the head of the unit that will develop it: the sender is never revealed to do so."""
    if suggestion.initiative_id is not None:
        raise PermissionError("already converted")
    unit = await store.unit(owner.unit_id) if owner.unit_id else None
    data: dict[str, Any] = {
        "author": {"full_name": owner.full_name, "workplace": unit.name if unit else "", "position": owner.position},
        "title": suggestion.headline,
        "content": suggestion.content,
        "source_suggestion": suggestion.code,
    }
    initiative = await store.create_initiative(owner.id, data, now)
    suggestion.initiative_id = initiative.id
    await store.suggestions.save(suggestion, SuggestionEvent("converted", now, by.id, str(initiative.id)))
    if suggestion.anonymous:
        notice = T.N_CONVERTED_UNIT.format(code=suggestion.code, unit=unit.name if unit else "")
        draft_notice = T.N_DRAFT_FOR_HEAD.format(code=suggestion.code, title=suggestion.headline)
        await notify_people(store, [owner], f"hk:{suggestion.id}:draft", draft_notice, now)
    else:
        notice = T.N_CONVERTED_NAMED.format(code=suggestion.code)
    await notify_sender(store, config, suggestion, "converted", notice, now, essential=False)
    return initiative


def shown_headline(suggestion: Suggestion) -> str:
    """The headline as messages to handlers quote it: not at all once the content was hidden."""
    return T.HIDDEN_HEADLINE if suggestion.hidden else suggestion.headline


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
