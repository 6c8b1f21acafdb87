"""SqlStore: the flows' Store protocol over one SQLAlchemy async session (one unit of work)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.domain import (
    Body,
    BodyLevel,
    Conversation,
    Identity,
    Initiative,
    Person,
    Role,
    Round,
    Sector,
    Status,
    Unit,
    check_transition,
)
from handlers.store import StaleConversation
from storage import hot_queries as hot
from storage.campaigns import CampaignQueries
from storage.driver import QuickWrites, SessionWrites, Writes
from storage.duplicates import DuplicateQueries
from storage.identity import IdentityQueries
from storage.linking import LinkCodeQueries
from storage.models import (
    AttachmentRow,
    BodyRow,
    CampaignRow,
    ConversationRow,
    IdentityRow,
    InitiativeRow,
    NoticeRow,
    PersonRow,
    ReceiptCounterRow,
    RoleGrantRow,
    RoundRow,
    StatusChangeRow,
    UnitRow,
)
from storage.province import ProvinceQueries
from storage.reports import ReportQueries
from storage.review import ReviewQueries
from storage.rows import initiative_of_row as _initiative
from storage.suggestion_repository import SqlSuggestionStore
from storage.transfers import TransferQueries

# The body migration 0013 made of a database from before bodies existed (and a fresh one starts with).
PLACEHOLDER_BODY = ("CQ", "Cơ quan công nhận sáng kiến")


def _unit(row: UnitRow) -> Unit:
    assert row.id is not None
    return Unit(id=row.id, code=row.code, name=row.name, sector=Sector(row.sector), body_id=row.body_id)


def _body(row: BodyRow) -> Body:
    assert row.id is not None
    return Body(id=row.id, code=row.code, name=row.name, level=BodyLevel(row.level), parent_id=row.parent_id)


def _round(row: RoundRow, year: int, body_id: int | None = None) -> Round:
    assert row.id is not None
    return Round(
        id=row.id,
        year=year,
        number=row.number,
        name=row.name,
        deadline=row.deadline,
        sectors=frozenset(Sector(s) for s in row.sectors.split(",") if s),
        closed=row.closed,
        body_id=body_id,
    )


class SqlStore(
    CampaignQueries,
    LinkCodeQueries,
    IdentityQueries,
    ReviewQueries,
    DuplicateQueries,
    TransferQueries,
    ProvinceQueries,
    ReportQueries,
):
    def __init__(self, session: AsyncSession, body_id: int | None = None, *, quick: QuickWrites | None = None) -> None:
        self.session = session
        self.quick = quick
        self._driver: Writes | None = None
        self.dialect = session.bind.dialect.name if session.bind else "sqlite"
        # The recognising body this unit of work sees: its units, campaigns, roles and initiatives.
        # None: every body (registration, the scheduler's own sweep, the province's views).
        self.body_id = body_id
        self._unit_bodies: dict[int, int | None] | None = None

    async def _hot(self) -> Writes:
        """Where the statements of every message run: on the driver once the transaction has begun (PostgreSQL,
        ``storage.driver``), else through the session."""
        if self._driver is not None:
            return self._driver
        if self.quick is None:
            return SessionWrites(self.session)
        writes = await self.quick.within(self.session)
        if writes.on_driver:
            self._driver = writes
        return writes

    def scope_to(self, body_id: int | None) -> None:
        self.body_id = body_id

    # --- recognising bodies ----------------------------------------------------------------------
    async def bodies(self) -> Sequence[Body]:
        rows = (await self.session.execute(select(BodyRow).order_by(BodyRow.id))).scalars()
        return [_body(r) for r in rows]

    async def body(self, body_id: int) -> Body | None:
        row = await self.session.get(BodyRow, body_id)
        return _body(row) if row else None

    async def body_by_code(self, code: str) -> Body | None:
        row = (await self.session.execute(select(BodyRow).where(BodyRow.code == code))).scalar_one_or_none()
        return _body(row) if row else None

    async def province(self) -> Body | None:
        row = (
            (await self.session.execute(select(BodyRow).where(BodyRow.level == BodyLevel.PROVINCE.value)))
            .scalars()
            .first()
        )
        return _body(row) if row else None

    async def upsert_body(self, code: str, name: str, level: BodyLevel, parent_id: int | None) -> Body:
        row = (await self.session.execute(select(BodyRow).where(BodyRow.code == code))).scalar_one_or_none()
        if row is None:
            row = BodyRow(code=code, name=name, level=level.value, parent_id=parent_id)
            self.session.add(row)
        else:
            row.name, row.level, row.parent_id = name, level.value, parent_id
        await self.session.flush()
        return _body(row)

    async def set_acting_body(self, person_id: int, body_id: int | None) -> None:
        await self.session.execute(update(PersonRow).where(PersonRow.id == person_id).values(acting_body_id=body_id))

    async def role_bodies(self, person_id: int) -> Sequence[tuple[Body, frozenset[Role]]]:
        """Every body where this person holds a role, with the roles held there."""
        rows = await self.session.execute(
            select(BodyRow, RoleGrantRow.role)
            .join(RoleGrantRow, RoleGrantRow.body_id == BodyRow.id)
            .where(RoleGrantRow.person_id == person_id)
            .order_by(BodyRow.id)
        )
        found: dict[int, tuple[Body, set[Role]]] = {}
        for body_row, role in rows.all():
            body = _body(body_row)
            found.setdefault(body.id, (body, set()))[1].add(Role(role))
        return [(body, frozenset(roles)) for body, roles in found.values()]

    async def default_body_id(self) -> int:
        """Where something without a body goes: the scope, else the first body (a single-body deployment's only one)."""
        if self.body_id is not None:
            return self.body_id
        first = (await self.session.execute(select(func.min(BodyRow.id)))).scalar_one_or_none()
        if first is None:
            return (await self.upsert_body(*PLACEHOLDER_BODY, BodyLevel.BASE, None)).id
        return int(first)

    async def _unit_body(self, unit_id: int | None) -> int | None:
        if unit_id is None:
            return None
        return (await self._units_bodies([unit_id])).get(unit_id)

    async def _units_bodies(self, unit_ids: Collection[int | None]) -> dict[int, int | None]:
        """The body of each unit, read once per unit of work (only the units asked for: a province has thousands)."""
        if self._unit_bodies is None:
            self._unit_bodies = {}
        missing = sorted({u for u in unit_ids if u is not None and u not in self._unit_bodies})
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            rows = await self.session.execute(select(UnitRow.id, UnitRow.body_id).where(UnitRow.id.in_(chunk)))
            self._unit_bodies.update({uid: bid for uid, bid in rows.all()})
            self._unit_bodies.update({uid: None for uid in chunk if uid not in self._unit_bodies})
        return self._unit_bodies

    def _insert(self, table: Any) -> Any:
        return pg_insert(table) if self.dialect == "postgresql" else sqlite_insert(table)

    @property
    def suggestions(self) -> SqlSuggestionStore:
        return SqlSuggestionStore(self.session, self.dialect, self.body_id)

    @staticmethod
    def _now() -> datetime:
        return datetime.now(UTC)

    # --- events and identities -------------------------------------------------------------------
    async def claim_event(self, channel: str, event_id: str) -> bool:
        params = {"channel": channel, "event_id": event_id, "at": self._now()}
        result = await self.session.execute(hot.CLAIM_EVENT[self.dialect], params)
        return bool(result.rowcount)

    async def identity(self, channel: str, external_id: str) -> Identity:
        stmt = self._insert(IdentityRow).values(channel=channel, external_id=external_id).on_conflict_do_nothing()
        row = (
            await self.session.execute(
                select(IdentityRow).where(IdentityRow.channel == channel, IdentityRow.external_id == external_id)
            )
        ).scalar_one_or_none()
        if row is None:
            await self.session.execute(stmt)
            row = (
                await self.session.execute(
                    select(IdentityRow).where(IdentityRow.channel == channel, IdentityRow.external_id == external_id)
                )
            ).scalar_one()
        assert row.id is not None
        if row.unreachable_at is not None:  # the user wrote again, so they no longer block the bot
            await self.session.execute(update(IdentityRow).where(IdentityRow.id == row.id).values(unreachable_at=None))
        return Identity(id=row.id, channel=row.channel, external_id=row.external_id, person_id=row.person_id)

    async def load_actor(self, channel: str, external_id: str) -> tuple[Identity, Person | None, Conversation]:
        """Identity, person and conversation in one round trip (the hot path of every event)."""
        rows = await (await self._hot()).rows(hot.ACTOR, {"channel": channel, "external_id": external_id})
        row = rows[0] if rows else None
        if row is None:
            identity = await self.identity(channel, external_id)
            return identity, None, Conversation(identity_id=identity.id)
        identity = Identity(id=row.id, channel=channel, external_id=external_id, person_id=row.person_id)
        if row.unreachable_at is not None:  # the user wrote again, so they no longer block the bot
            await self.session.execute(update(IdentityRow).where(IdentityRow.id == row.id).values(unreachable_at=None))
        person = None
        if row.person_id is not None:
            acting = row.acting_body_id or row.body_id
            person = Person(
                id=row.person_id,
                full_name=row.full_name,
                unit_id=row.unit_id,
                position=row.position,
                phone=row.phone,
                roles=frozenset(Role(r) for r in (row.roles or "").split(",") if r),
                body_id=acting,
                home_body_id=row.body_id,
            )
        conversation = Conversation(
            identity_id=row.id, flow=row.flow, state=dict(row.state or {}), version=row.version or 0
        )
        return identity, person, conversation

    async def link_identity(self, identity_id: int, person_id: int) -> None:
        await self.session.execute(update(IdentityRow).where(IdentityRow.id == identity_id).values(person_id=person_id))

    async def identities_of(self, person_id: int) -> Sequence[Identity]:
        rows = (await self.session.execute(select(IdentityRow).where(IdentityRow.person_id == person_id))).scalars()
        return [
            Identity(id=r.id or 0, channel=r.channel, external_id=r.external_id, person_id=r.person_id) for r in rows
        ]

    # --- conversation state ----------------------------------------------------------------------
    async def load_conversation(self, identity_id: int) -> Conversation:
        row = await self.session.get(ConversationRow, identity_id, populate_existing=True)
        if row is None:
            return Conversation(identity_id=identity_id)
        return Conversation(identity_id=identity_id, flow=row.flow, state=dict(row.state), version=row.version)

    async def save_conversation(self, conversation: Conversation) -> None:
        """Optimistic concurrency: the write only lands if nobody saved since we loaded."""
        now = self._now()
        if conversation.version == 0:
            stmt = (
                self._insert(ConversationRow)
                .values(
                    identity_id=conversation.identity_id,
                    flow=conversation.flow,
                    state=conversation.state,
                    version=1,
                    updated_at=now,
                )
                .on_conflict_do_nothing()
            )
            changed = cast(CursorResult[Any], await self.session.execute(stmt)).rowcount
        else:
            params = {
                "b_identity_id": conversation.identity_id,
                "b_version": conversation.version,
                "flow": conversation.flow,
                "state": conversation.state,
                "new_version": conversation.version + 1,
                "updated_at": now,
            }
            changed = await (await self._hot()).run(hot.SAVE_CONVERSATION, params)
        if changed != 1:
            raise StaleConversation(conversation.identity_id)
        conversation.version += 1

    # --- units and people ------------------------------------------------------------------------
    async def units(self, *, every_body: bool = False) -> Sequence[Unit]:
        stmt = select(UnitRow).order_by(UnitRow.name)
        if self.body_id is not None and not every_body:
            stmt = stmt.where(UnitRow.body_id == self.body_id)
        return [_unit(r) for r in (await self.session.execute(stmt)).scalars()]

    async def unit(self, unit_id: int) -> Unit | None:
        row = await self.session.get(UnitRow, unit_id)
        return _unit(row) if row else None

    async def _roles(self, person_id: int, body_id: int | None) -> frozenset[Role]:
        rows = await self.session.execute(hot.ROLES, {"person_id": person_id, "body_id": body_id})
        return frozenset(Role(r) for r in rows.scalars())

    async def _person(self, row: PersonRow) -> Person:
        """The person with their roles in the body in scope (else in the body they act in)."""
        assert row.id is not None
        home = await self._unit_body(row.unit_id)
        body = self.body_id if self.body_id is not None else (row.acting_body_id or home)
        return Person(
            id=row.id,
            full_name=row.full_name,
            unit_id=row.unit_id,
            position=row.position,
            phone=row.phone,
            roles=await self._roles(row.id, body),
            body_id=body,
            home_body_id=home,
        )

    async def _persons(self, rows: Sequence[PersonRow]) -> list[Person]:
        """``_person`` for many rows, their roles read in one statement per body (not one per person)."""
        units = await self._units_bodies([row.unit_id for row in rows])
        homes = {row.id: units.get(row.unit_id) if row.unit_id is not None else None for row in rows}
        bodies: dict[int | None, list[int]] = {}
        for row in rows:
            assert row.id is not None
            body = self.body_id if self.body_id is not None else (row.acting_body_id or homes[row.id])
            bodies.setdefault(body, []).append(row.id)
        roles: dict[tuple[int, int | None], set[Role]] = {}
        for body, ids in bodies.items():
            for start in range(0, len(ids), 500):
                admin = RoleGrantRow.role == Role.ADMIN.value  # admin holds in every body
                held = admin if body is None else or_(RoleGrantRow.body_id == body, admin)
                grants = await self.session.execute(
                    select(RoleGrantRow.person_id, RoleGrantRow.role).where(
                        RoleGrantRow.person_id.in_(ids[start : start + 500]), held
                    )
                )
                for person_id, role in grants.all():
                    roles.setdefault((person_id, body), set()).add(Role(role))
        people = []
        for row in rows:
            assert row.id is not None
            body = self.body_id if self.body_id is not None else (row.acting_body_id or homes[row.id])
            people.append(
                Person(
                    id=row.id,
                    full_name=row.full_name,
                    unit_id=row.unit_id,
                    position=row.position,
                    phone=row.phone,
                    roles=frozenset(roles.get((row.id, body), ())),
                    body_id=body,
                    home_body_id=homes[row.id],
                )
            )
        return people

    async def person(self, person_id: int) -> Person | None:
        row = await self.session.get(PersonRow, person_id, populate_existing=True)
        return await self._person(row) if row else None

    async def vouched_person_by_phone(self, phone: str) -> Person | None:
        row = (
            await self.session.execute(
                select(PersonRow)
                .where(PersonRow.phone == phone, PersonRow.phone_verified)
                .order_by(PersonRow.id)
                .limit(1)
            )
        ).scalar_one_or_none()
        return await self._person(row) if row else None

    async def create_person(
        self, full_name: str, unit_id: int, position: str, phone: str | None, *, phone_proven: bool = False
    ) -> Person:
        row = PersonRow(
            full_name=full_name,
            unit_id=unit_id,
            position=position,
            phone=phone,
            phone_verified=phone_proven and phone is not None,
            created_at=self._now(),
        )
        self.session.add(row)
        await self.session.flush()
        return await self._person(row)

    async def update_person(
        self,
        person_id: int,
        *,
        full_name: str,
        unit_id: int,
        position: str,
        phone: str | None,
        phone_proven: bool = False,
    ) -> Person:
        row = await self.session.get(PersonRow, person_id)
        assert row is not None
        if row.phone != phone or phone_proven:  # a new number is typed (unproven) unless its owner just shared it
            row.phone_verified = phone_proven and phone is not None
        row.full_name, row.unit_id, row.position, row.phone = full_name, unit_id, position, phone
        await self.session.flush()
        return await self._person(row)

    async def people_named_or_phoned(self, names: Collection[str], phones: Collection[str]) -> Sequence[int]:
        if not names and not phones:
            return []
        rows = await self.session.execute(
            select(PersonRow.id).where(or_(PersonRow.full_name.in_(list(names)), PersonRow.phone.in_(list(phones))))
        )
        return [row_id for row_id in rows.scalars() if row_id is not None]

    async def verify_phone(self, person_id: int, phone: str) -> bool:
        result = await self.session.execute(
            update(PersonRow).where(PersonRow.id == person_id, PersonRow.phone == phone).values(phone_verified=True)
        )
        return bool(cast(CursorResult[Any], result).rowcount)

    async def grant_role(self, person_id: int, role: Role, body_id: int | None = None) -> None:
        """A role in ``body_id`` (default: the body in scope)."""
        body = body_id if body_id is not None else await self.default_body_id()
        await self.session.execute(
            self._insert(RoleGrantRow)
            .values(person_id=person_id, role=role.value, body_id=body)
            .on_conflict_do_nothing()
        )

    async def revoke_role(self, person_id: int, role: Role, body_id: int | None = None) -> bool:
        where = [RoleGrantRow.person_id == person_id, RoleGrantRow.role == role.value]
        if role != Role.ADMIN:  # admin holds in every body, wherever it was granted
            where.append(RoleGrantRow.body_id == (body_id if body_id is not None else await self.default_body_id()))
        return bool((await self.session.execute(delete(RoleGrantRow).where(*where))).rowcount)

    # --- campaign --------------------------------------------------------------------------------
    async def rounds(self, *, every_body: bool = False) -> Sequence[Round]:
        stmt = select(RoundRow, CampaignRow.year, CampaignRow.body_id).join(
            CampaignRow, RoundRow.campaign_id == CampaignRow.id
        )
        if self.body_id is not None and not every_body:
            stmt = stmt.where(CampaignRow.body_id == self.body_id)
        return [_round(r, year, body_id) for r, year, body_id in (await self.session.execute(stmt)).all()]

    async def ensure_campaign(self, year: int, rounds: Sequence[tuple[int, str, date, frozenset[Sector]]]) -> None:
        body = await self.default_body_id()
        await self.session.execute(self._insert(CampaignRow).values(year=year, body_id=body).on_conflict_do_nothing())
        campaign_id = (
            await self.session.execute(
                select(CampaignRow.id).where(CampaignRow.year == year, CampaignRow.body_id == body)
            )
        ).scalar_one()
        existing = (
            await self.session.execute(
                select(func.count()).select_from(RoundRow).where(RoundRow.campaign_id == campaign_id)
            )
        ).scalar_one()
        if existing:
            return
        for number, name, deadline, sectors in rounds:
            await self.session.execute(
                self._insert(RoundRow)
                .values(
                    campaign_id=campaign_id,
                    number=number,
                    name=name,
                    deadline=deadline,
                    sectors=",".join(sorted(s.value for s in sectors)),
                    closed=False,
                )
                .on_conflict_do_nothing()
            )

    # --- initiatives -----------------------------------------------------------------------------
    async def create_initiative(
        self, person_id: int, data: dict[str, Any], now: datetime, body_id: int | None = None
    ) -> Initiative:
        """A draft filed with ``body_id``, by default the body of the author's unit."""
        if body_id is None:
            unit_id = (
                await self.session.execute(select(PersonRow.unit_id).where(PersonRow.id == person_id))
            ).scalar_one_or_none()
            body_id = await self._unit_body(unit_id) or await self.default_body_id()
        row = InitiativeRow(
            person_id=person_id,
            status=Status.DRAFT.value,
            data=data,
            created_at=now,
            updated_at=now,
            body_id=body_id,
        )
        self.session.add(row)
        await self.session.flush()
        self.session.add(
            StatusChangeRow(
                initiative_id=row.id, old_status=None, new_status=Status.DRAFT.value, at=now, by_person_id=person_id
            )
        )
        return _initiative(row)

    async def initiative(self, initiative_id: int) -> Initiative | None:
        rows = await (await self._hot()).rows(hot.INITIATIVE, {"b_id": initiative_id})
        return _initiative(rows[0]) if rows else None

    async def save_initiative_data(self, initiative_id: int, data: dict[str, Any], now: datetime) -> None:
        params = {"b_id": initiative_id, "data": data, "updated_at": now}
        await (await self._hot()).run(hot.SAVE_INITIATIVE_DATA, params)

    async def initiatives_of(self, person_id: int) -> Sequence[Initiative]:
        rows = (
            await self.session.execute(
                select(InitiativeRow)
                .where(InitiativeRow.person_id == person_id)
                .order_by(InitiativeRow.updated_at.desc(), InitiativeRow.id.desc())
            )
        ).scalars()
        return [_initiative(r) for r in rows]

    async def delete_draft(self, initiative_id: int) -> None:
        await self.session.execute(delete(StatusChangeRow).where(StatusChangeRow.initiative_id == initiative_id))
        await self.session.execute(
            delete(InitiativeRow).where(InitiativeRow.id == initiative_id, InitiativeRow.status == Status.DRAFT.value)
        )

    async def next_receipt_seq(self, year: int) -> int:
        """Atomic per-year counter: concurrent submissions never share a number."""
        await self.session.execute(self._insert(ReceiptCounterRow).values(year=year, last=0).on_conflict_do_nothing())
        result = await self.session.execute(
            update(ReceiptCounterRow)
            .where(ReceiptCounterRow.year == year)
            .values(last=ReceiptCounterRow.last + 1)
            .returning(ReceiptCounterRow.last)
        )
        return int(result.scalar_one())

    async def change_status(
        self,
        initiative: Initiative,
        new: Status,
        *,
        now: datetime,
        by_person_id: int | None,
        reason: str = "",
        receipt_no: str | None = None,
        round_id: int | None = None,
    ) -> Initiative:
        row = await self.session.get(
            InitiativeRow, initiative.id, populate_existing=True, with_for_update=self.dialect == "postgresql"
        )
        assert row is not None
        old = Status(row.status)
        check_transition(old, new)
        row.status = new.value
        row.updated_at = now
        if new == Status.SUBMITTED:
            row.submitted_at = now
            row.receipt_no = receipt_no or row.receipt_no
            row.round_id = round_id or row.round_id
            await self._snapshot_submission(row.id, row.data, now)
        self.session.add(
            StatusChangeRow(
                initiative_id=row.id,
                old_status=old.value,
                new_status=new.value,
                at=now,
                by_person_id=by_person_id,
                reason=reason,
            )
        )
        await self.session.flush()
        return _initiative(row)

    # --- notices ---------------------------------------------------------------------------------
    async def enqueue_notice(
        self,
        key: str,
        *,
        kind: str,
        text: str,
        due_at: datetime,
        person_id: int | None = None,
        identity_id: int | None = None,
        expires_at: datetime | None = None,
        essential: bool = False,
    ) -> bool:
        stmt = (
            self._insert(NoticeRow)
            .values(
                key=key[:300],
                kind=kind,
                text=text,
                due_at=due_at.astimezone(UTC),  # SQLite compares stored times as text: always UTC
                person_id=person_id,
                identity_id=identity_id,
                expires_at=expires_at.astimezone(UTC) if expires_at else None,
                essential=essential,
                status="pending",
            )
            .on_conflict_do_nothing()
        )
        return bool((await self.session.execute(stmt)).rowcount)

    # --- attachments -----------------------------------------------------------------------------
    async def add_attachment(
        self, owner_person_id: int, file_name: str, mime_type: str, size: int, storage_key: str, now: datetime
    ) -> int:
        row = AttachmentRow(
            owner_person_id=owner_person_id or None,
            file_name=file_name[:255],
            mime_type=mime_type[:100],
            size=size,
            storage_key=storage_key,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        assert row.id is not None
        return row.id
