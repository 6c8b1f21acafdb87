"""Which recognising body sees what. One unit of work acts in one body (``store.body_id``, set by the core to
the actor's acting body): its secretariat, council and unit heads see that body's dossiers, people, units and
suggestions and nothing of another body's. Lookups by what a user typed or a stored id go through here, so a
wrong body reads exactly like a wrong number (nobody learns that it exists elsewhere).

An author's own views (/cuatoi, their drafts, their suggestions) do not come through here: an author always
sees their own initiatives, whichever body they act in."""

from __future__ import annotations

from handlers.domain import Initiative, Person, Role, Unit
from handlers.store import Store


def sees(scope: int | None, owner: int | None) -> bool:
    """Whether acting in body ``scope`` (None: every body, e.g. the scheduler) may see what ``owner`` holds."""
    return scope is None or owner == scope


async def initiative(store: Store, initiative_id: int) -> Initiative | None:
    found = await store.initiative(initiative_id)
    return found if found is not None and sees(store.body_id, found.body_id) else None


async def initiative_by_receipt(store: Store, receipt: str) -> Initiative | None:
    found = await store.initiative_by_receipt(receipt.strip().upper()[:40])
    return found if found is not None and sees(store.body_id, found.body_id) else None


async def unit(store: Store, unit_id: int) -> Unit | None:
    found = await store.unit(unit_id)
    return found if found is not None and sees(store.body_id, found.body_id) else None


def belongs(store: Store, person: Person) -> bool:
    """A person is of the body in scope when their unit is in it or they hold a role there (an admin's role
    holds everywhere, so it does not count)."""
    return sees(store.body_id, person.home_body_id) or bool(person.roles - {Role.ADMIN})


async def person(store: Store, person_id: int) -> Person | None:
    found = await store.person(person_id)
    return found if found is not None and belongs(store, found) else None


async def wholly_in(store: Store, person: Person) -> bool:
    """Whether everything ``person`` may do lies in the body in scope: their unit is in it and every role they
    hold, in any body, is held there. Only then may that body's people vouch for the record (an invitation
    code, an approved claim): whoever gets the record gets its roles in every body."""
    if store.body_id is None or person.home_body_id != store.body_id:
        return False
    return all(body.id == store.body_id for body, _ in await store.role_bodies(person.id))
