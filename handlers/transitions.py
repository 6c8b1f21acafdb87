"""The one way to move an initiative between statuses: ``change_status`` applies the transition
(``Store.change_status`` checks it against ``domain.TRANSITIONS``) and, in the same unit of work, queues a
notice to every registered author and co-author. No flow sends status news any other way.

Co-authors are names in the draft (``data["coauthors"]``); one is *registered* when the author gave the
co-author's phone number in the wizard and a registered person has that phone number **and** the same
name (compared without diacritics or case). Both must match, so a mistyped number never reaches a stranger
and a namesake is never taken for the co-author. The person's number must be vouched for (the seed file's, or
proven by its owner sharing their Telegram contact; one typed over it is not): a registered co-author receives
the application's news and may download it, and anyone can type a colleague's name and number."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from handlers.campaign import NoticeSpec
from handlers.domain import CONFLICTED_PEOPLE, Initiative, Person, Status
from handlers.duplicates import record_filing
from handlers.parsing import fold, format_money, format_percent, phone_or_none
from handlers.store import Store
from handlers.texts import common as C
from handlers.texts import province as P
from handlers.texts import reminders as T
from similarity import DEFAULT_THRESHOLD

STATUS_KIND = "status"


@dataclass(frozen=True)
class Award:
    """What the council decided for a recognised (or not recognised) initiative."""

    score: Decimal
    grade: str = ""  # "A", "B", "C"; empty for certificate only or not recognised
    prize: int = 0


async def change_status(
    store: Store,
    initiative: Initiative,
    new: Status,
    *,
    now: datetime,
    by_person_id: int | None,
    reason: str = "",
    receipt_no: str | None = None,
    round_id: int | None = None,
    award: Award | None = None,
    similarity_threshold: float = DEFAULT_THRESHOLD,
) -> Initiative:
    """Apply the transition and queue its notices; raises ``InvalidTransition`` when not allowed. A filing
    (to SUBMITTED) is also checked for near copies and indexed (``handlers.duplicates.record_filing``)."""
    updated = await store.change_status(
        initiative, new, now=now, by_person_id=by_person_id, reason=reason, receipt_no=receipt_no, round_id=round_id
    )
    if new == Status.SUBMITTED:
        updated = await _record_conflicts(store, updated, now)
        await record_filing(store, updated, now, similarity_threshold)
    text = await _text(store, updated, reason, award)
    if updated.origin_id is not None:  # a provincial-scope dossier: say which recognition this is
        text = P.DOSSIER_NOTICE_PREFIX + text
    for person in await registered_authors(store, updated):
        # Whoever made the change saw the outcome in their own conversation (the author's receipt).
        if person.id == by_person_id:
            continue
        await store.enqueue(
            NoticeSpec(
                key=f"{STATUS_KIND}:{new.value}|p{person.id}|initiative:{updated.id}|{now.isoformat()}",
                kind=f"{STATUS_KIND}:{new.value}",
                text=text,
                due_at=now,
                person_id=person.id,
                essential=True,
                subject=f"initiative:{updated.id}",
            )
        )
    return updated


async def _record_conflicts(store: Store, initiative: Initiative, now: datetime) -> Initiative:
    """Who bears an author's or co-author's name (as typed) or a co-author's phone at filing, and the registered
    co-authors, are kept with the initiative: a council member among them cannot shed the conflict by retyping
    their name and phone in /dangky. Refiling (after an amendment) adds to them."""
    coauthors = [c for c in initiative.data.get("coauthors") or [] if isinstance(c, dict)]
    author = initiative.data.get("author") or {}
    names = {str(c.get("full_name") or "").strip() for c in [*coauthors, author]} - {""}
    phones = {phone for phone in (phone_or_none(c.get("phone")) for c in coauthors) if phone}
    ids = set(initiative.data.get(CONFLICTED_PEOPLE) or ())
    ids |= set(await store.people_named_or_phoned(names, phones))
    ids |= {p.id for p in await registered_authors(store, initiative)} - {initiative.person_id}
    data = {**initiative.data, CONFLICTED_PEOPLE: sorted(ids)}
    await store.save_initiative_data(initiative.id, data, now)
    return replace(initiative, data=data)


async def registered_authors(store: Store, initiative: Initiative) -> list[Person]:
    """The author and every co-author matched to a registered person (see the module docstring)."""
    found: dict[int, Person] = {}
    author = await store.person(initiative.person_id)
    if author is not None:
        found[author.id] = author
    for coauthor in initiative.data.get("coauthors") or []:
        person = await _match(store, coauthor)
        if person is not None:
            found.setdefault(person.id, person)
    return list(found.values())


async def _match(store: Store, coauthor: dict[str, Any]) -> Person | None:
    normalised, name = phone_or_none(coauthor.get("phone")), coauthor.get("full_name")
    if not normalised or not name:
        return None
    person = await store.vouched_person_by_phone(normalised)
    if person is None or fold(person.full_name) != fold(str(name)):
        return None
    return person


def _score(score: Decimal) -> str:
    return format_percent(Decimal(score).quantize(Decimal("0.01")))


async def _text(store: Store, initiative: Initiative, reason: str, award: Award | None) -> str:
    title = initiative.title or C.UNTITLED
    receipt = initiative.receipt_no or ""
    status = initiative.status
    reason_text = reason.strip() or T.NO_REASON
    if status == Status.SUBMITTED:
        rounds = {r.id: r for r in await store.rounds(every_body=True)}  # its body's, whoever moved it
        chosen = rounds.get(initiative.round_id or -1)
        round_name = C.ROUND_OF_YEAR.format(name=chosen.name, year=chosen.year) if chosen else ""
        return T.STATUS_SUBMITTED.format(title=title, receipt=receipt, round=round_name)
    if status == Status.ACCEPTED:
        return T.STATUS_ACCEPTED.format(title=title, receipt=receipt)
    if status == Status.AMEND_REQUESTED:
        return T.STATUS_AMEND.format(title=title, receipt=receipt, reason=reason_text)
    if status == Status.REFUSED:
        return T.STATUS_REFUSED.format(title=title, receipt=receipt, reason=reason_text)
    if status == Status.RECOGNISED:
        if award is None:
            detail = T.AWARD_UNKNOWN
        elif award.grade:
            detail = T.AWARD_CLASS.format(grade=award.grade, score=_score(award.score), prize=format_money(award.prize))
        else:
            detail = T.AWARD_CERTIFICATE.format(score=_score(award.score))
        return T.STATUS_RECOGNISED.format(title=title, receipt=receipt, award=detail)
    if status == Status.NOT_RECOGNISED:
        score = T.NOT_RECOGNISED_SCORE.format(score=_score(award.score)) if award else ""
        suffix = T.REASON_SUFFIX.format(reason=reason.strip()) if reason.strip() else ""
        return T.STATUS_NOT_RECOGNISED.format(title=title, receipt=receipt, score=score, reason=suffix)
    return T.STATUS_WITHDRAWN.format(title=title, receipt=receipt)
