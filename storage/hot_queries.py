"""Statements on the path of every inbound event, built once: constructing a SQLAlchemy statement costs more
than SQLite takes to run it, so these are parameterised with bind parameters and reused."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, literal_column, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.models import (
    ConversationRow,
    IdentityRow,
    InitiativeRow,
    PersonRow,
    ProcessedEventRow,
    RoleGrantRow,
    UnitRow,
)

# The person's roles in the body they act in (admin holds in every body), comma-separated: read with the actor.
_ACTOR_ROLES = (
    # The separator written into the SQL: a parameter would be rendered at execution, which the driver path
    # (storage.driver) does not do.
    select(func.aggregate_strings(RoleGrantRow.role, literal_column("','")))
    .where(
        RoleGrantRow.person_id == PersonRow.id,
        or_(
            RoleGrantRow.body_id == func.coalesce(PersonRow.acting_body_id, UnitRow.body_id),
            RoleGrantRow.role == "admin",
        ),
    )
    .scalar_subquery()
)

ACTOR = (
    select(
        IdentityRow.id,
        IdentityRow.person_id,
        PersonRow.full_name,
        PersonRow.unit_id,
        PersonRow.position,
        PersonRow.phone,
        ConversationRow.flow,
        ConversationRow.state,
        ConversationRow.version,
        IdentityRow.unreachable_at,
        PersonRow.acting_body_id,
        UnitRow.body_id,
        _ACTOR_ROLES.label("roles"),
    )
    .select_from(IdentityRow)
    .outerjoin(PersonRow, PersonRow.id == IdentityRow.person_id)
    .outerjoin(UnitRow, UnitRow.id == PersonRow.unit_id)
    .outerjoin(ConversationRow, ConversationRow.identity_id == IdentityRow.id)
    .where(IdentityRow.channel == bindparam("channel"), IdentityRow.external_id == bindparam("external_id"))
)

# A person's roles in one body; admin holds in every body.
ROLES = select(RoleGrantRow.role).where(
    RoleGrantRow.person_id == bindparam("person_id"),
    or_(RoleGrantRow.body_id == bindparam("body_id"), RoleGrantRow.role == "admin"),
)

SAVE_CONVERSATION = (
    update(ConversationRow.__table__)
    .where(
        ConversationRow.__table__.c.identity_id == bindparam("b_identity_id"),
        ConversationRow.__table__.c.version == bindparam("b_version"),
    )
    .values(
        flow=bindparam("flow"),
        state=bindparam("state"),
        version=bindparam("new_version"),
        updated_at=bindparam("updated_at"),
    )
)

INITIATIVE = select(InitiativeRow.__table__).where(InitiativeRow.__table__.c.id == bindparam("b_id"))

SAVE_INITIATIVE_DATA = (
    update(InitiativeRow.__table__)
    .where(InitiativeRow.__table__.c.id == bindparam("b_id"))
    .values(data=bindparam("data"), updated_at=bindparam("updated_at"))
)


def _claim(insert: Any) -> Any:
    return (
        insert(ProcessedEventRow.__table__)
        .values(channel=bindparam("channel"), event_id=bindparam("event_id"), processed_at=bindparam("at"))
        .on_conflict_do_nothing()
    )


CLAIM_EVENT = {"sqlite": _claim(sqlite_insert), "postgresql": _claim(pg_insert)}
