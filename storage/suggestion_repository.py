"""SqlSuggestionStore: the suggestion flows' store over the same session (unit of work) as SqlStore."""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.domain import Person, Role
from handlers.suggestions.rules import (
    NewSuggestion,
    SealedSender,
    StaleSuggestion,
    Suggestion,
    SuggestionEvent,
    SuggestionStatus,
)
from storage.models import (
    AttachmentRow,
    NoticeRow,
    PersonRow,
    RoleGrantRow,
    SuggestionCounterRow,
    SuggestionEventRow,
    SuggestionRow,
    SuggestionSenderRow,
)

# Notice states in which a message may still be delivered; in any other it is settled (sent, failed, …).
_WAITING_NOTICE_STATES = ("pending", "claimed")

# Fields a flow may change through save(); everything else is fixed at creation.
_MUTABLE = (
    "status",
    "due_on",
    "handler_since",
    "assigned_unit_id",
    "answer",
    "answered_at",
    "answered_by_person_id",
    "answered_by_unit_id",
    "clarification",
    "clarification_answer",
    "close_reason",
    "hidden",
    "hidden_reason",
    "rating",
    "initiative_id",
)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _suggestion(row: SuggestionRow) -> Suggestion:
    assert row.id is not None
    return Suggestion(
        id=row.id,
        code=row.code,
        topic=row.topic,
        content=row.content,
        anonymous=row.anonymous,
        publishable=row.publishable,
        person_id=row.person_id,
        status=SuggestionStatus(row.status),
        created_at=_aware(row.created_at),  # type: ignore[arg-type]
        due_on=row.due_on,
        handler_since=_aware(row.handler_since),  # type: ignore[arg-type]
        attachments=list(row.attachments or []),
        assigned_unit_id=row.assigned_unit_id,
        answer=row.answer,
        answered_at=_aware(row.answered_at),
        answered_by_person_id=row.answered_by_person_id,
        answered_by_unit_id=row.answered_by_unit_id,
        clarification=row.clarification,
        clarification_answer=row.clarification_answer,
        close_reason=row.close_reason,
        hidden=row.hidden,
        hidden_reason=row.hidden_reason,
        rating=row.rating,
        initiative_id=row.initiative_id,
        version=row.version,
        body_id=row.body_id,
    )


def _sealed(row: SuggestionSenderRow) -> SealedSender:
    return SealedSender(nonce=row.nonce, tag=row.tag, seal=row.seal)


class SqlSuggestionStore:
    def __init__(self, session: AsyncSession, dialect: str, body_id: int | None = None) -> None:
        self.session = session
        self.dialect = dialect
        # Suggestions go to the sender's recognising body; its desk sees only those.
        self.body_id = body_id

    def _scope(self) -> list[Any]:
        return [] if self.body_id is None else [SuggestionRow.body_id == self.body_id]

    def _insert(self, table: Any) -> Any:
        return pg_insert(table) if self.dialect == "postgresql" else sqlite_insert(table)

    async def next_seq(self, year: int) -> int:
        await self.session.execute(
            self._insert(SuggestionCounterRow).values(year=year, last=0).on_conflict_do_nothing()
        )
        result = await self.session.execute(
            update(SuggestionCounterRow)
            .where(SuggestionCounterRow.year == year)
            .values(last=SuggestionCounterRow.last + 1)
            .returning(SuggestionCounterRow.last)
        )
        return int(result.scalar_one())

    async def create(self, new: NewSuggestion, sender: SealedSender | None, event: SuggestionEvent) -> Suggestion:
        row = SuggestionRow(
            code=new.code,
            topic=new.topic,
            content=new.content,
            attachments=new.attachments,
            anonymous=new.anonymous,
            publishable=new.publishable,
            person_id=new.person_id,
            status=SuggestionStatus.NEW.value,
            created_at=new.created_at,
            due_on=new.due_on,
            handler_since=new.created_at,
            body_id=self.body_id,
        )
        self.session.add(row)
        await self.session.flush()
        assert row.id is not None
        if sender is not None:
            self.session.add(
                SuggestionSenderRow(suggestion_id=row.id, nonce=sender.nonce, tag=sender.tag, seal=sender.seal)
            )
        self._add_event(row.id, event)
        await self.session.flush()
        return _suggestion(row)

    def _add_event(self, suggestion_id: int, event: SuggestionEvent) -> None:
        self.session.add(
            SuggestionEventRow(
                suggestion_id=suggestion_id,
                at=event.at,
                action=event.action,
                by_person_id=event.by_person_id,
                note=event.note,
            )
        )

    async def get(self, suggestion_id: int) -> Suggestion | None:
        row = await self.session.get(SuggestionRow, suggestion_id, populate_existing=True)
        return _suggestion(row) if row else None

    async def by_code(self, code: str) -> Suggestion | None:
        row = (
            await self.session.execute(select(SuggestionRow).where(SuggestionRow.code == code.strip().upper()))
        ).scalar_one_or_none()
        return _suggestion(row) if row else None

    async def many(self, ids: Collection[int]) -> Sequence[Suggestion]:
        if not ids:
            return []
        rows = await self.session.execute(
            select(SuggestionRow).where(SuggestionRow.id.in_(list(ids))).order_by(SuggestionRow.id.desc())
        )
        return [_suggestion(r) for r in rows.scalars()]

    async def of_person(self, person_id: int) -> Sequence[Suggestion]:
        rows = await self.session.execute(
            select(SuggestionRow).where(SuggestionRow.person_id == person_id).order_by(SuggestionRow.id.desc())
        )
        return [_suggestion(r) for r in rows.scalars()]

    async def count_named_since(self, person_id: int, since: datetime) -> int:
        result = await self.session.execute(
            select(func.count())
            .select_from(SuggestionRow)
            .where(SuggestionRow.person_id == person_id, SuggestionRow.created_at >= since)
        )
        return int(result.scalar_one())

    async def sealed_senders(self, created_since: datetime | None = None) -> Sequence[tuple[int, SealedSender]]:
        stmt = select(SuggestionSenderRow)
        if created_since is not None:
            stmt = stmt.join(SuggestionRow, SuggestionRow.id == SuggestionSenderRow.suggestion_id).where(
                SuggestionRow.created_at >= created_since
            )
        rows = await self.session.execute(stmt)
        return [(r.suggestion_id, _sealed(r)) for r in rows.scalars()]

    async def sealed_sender(self, suggestion_id: int) -> SealedSender | None:
        row = await self.session.get(SuggestionSenderRow, suggestion_id)
        return _sealed(row) if row else None

    async def in_statuses(
        self, statuses: Collection[SuggestionStatus], unit_id: int | None = None
    ) -> Sequence[Suggestion]:
        stmt = select(SuggestionRow).where(SuggestionRow.status.in_([s.value for s in statuses]), *self._scope())
        if unit_id is not None:
            stmt = stmt.where(SuggestionRow.assigned_unit_id == unit_id)
        rows = await self.session.execute(stmt.order_by(SuggestionRow.due_on, SuggestionRow.id))
        return [_suggestion(r) for r in rows.scalars()]

    async def recent(self, limit: int) -> Sequence[Suggestion]:
        rows = await self.session.execute(
            select(SuggestionRow).where(*self._scope()).order_by(SuggestionRow.id.desc()).limit(limit)
        )
        return [_suggestion(r) for r in rows.scalars()]

    async def published(self) -> Sequence[Suggestion]:
        rows = await self.session.execute(
            select(SuggestionRow)
            .where(
                SuggestionRow.publishable.is_(True),
                SuggestionRow.hidden.is_(False),
                SuggestionRow.answer != "",
            )
            .order_by(SuggestionRow.answered_at.desc(), SuggestionRow.id.desc())
        )
        return [_suggestion(r) for r in rows.scalars()]

    async def save(self, suggestion: Suggestion, event: SuggestionEvent) -> Suggestion:
        values = {name: getattr(suggestion, name) for name in _MUTABLE}
        values["status"] = suggestion.status.value
        result = await self.session.execute(
            update(SuggestionRow)
            .where(SuggestionRow.id == suggestion.id, SuggestionRow.version == suggestion.version)
            .values(**values, version=suggestion.version + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise StaleSuggestion(suggestion.code)
        self._add_event(suggestion.id, event)
        await self.session.flush()
        suggestion.version += 1
        return suggestion

    async def events(self, suggestion_id: int) -> Sequence[SuggestionEvent]:
        rows = await self.session.execute(
            select(SuggestionEventRow)
            .where(SuggestionEventRow.suggestion_id == suggestion_id)
            .order_by(SuggestionEventRow.id)
        )
        return [
            SuggestionEvent(action=r.action, at=_aware(r.at), by_person_id=r.by_person_id, note=r.note)  # type: ignore[arg-type]
            for r in rows.scalars()
        ]

    async def people_with_role(self, role: Role, unit_id: int | None = None) -> Sequence[Person]:
        stmt = (
            select(PersonRow)
            .join(RoleGrantRow, RoleGrantRow.person_id == PersonRow.id)
            .where(RoleGrantRow.role == role.value)
            .order_by(PersonRow.id)
            .distinct()
        )
        if self.body_id is not None:
            stmt = stmt.where(RoleGrantRow.body_id == self.body_id)
        if unit_id is not None:
            stmt = stmt.where(PersonRow.unit_id == unit_id)
        people = list((await self.session.execute(stmt)).scalars())
        grants_stmt = select(RoleGrantRow.person_id, RoleGrantRow.role).where(
            RoleGrantRow.person_id.in_([p.id for p in people])
        )
        if self.body_id is not None:
            grants_stmt = grants_stmt.where(RoleGrantRow.body_id == self.body_id)
        grants = await self.session.execute(grants_stmt)
        roles: dict[int, set[Role]] = {}
        for person_id, name in grants.all():
            roles.setdefault(person_id, set()).add(Role(name))
        return [
            Person(
                id=p.id or 0,
                full_name=p.full_name,
                unit_id=p.unit_id,
                position=p.position,
                phone=p.phone,
                roles=frozenset(roles.get(p.id or 0, ())),
                body_id=self.body_id,
            )
            for p in people
        ]

    async def attachment_file(self, attachment_id: int) -> tuple[str, str, str] | None:
        row = await self.session.get(AttachmentRow, attachment_id)
        return (row.file_name, row.mime_type, row.storage_key) if row else None

    async def rename_attachment(self, attachment_id: int, file_name: str) -> None:
        await self.session.execute(
            update(AttachmentRow)
            .where(AttachmentRow.id == attachment_id)
            .values(file_name=file_name[:255])
            .execution_options(synchronize_session=False)
        )

    async def scrub_delivered_notices(self, kind: str) -> int:
        columns = NoticeRow.__table__.c  # type: ignore[attr-defined]
        values: dict[str, Any] = {"identity_id": None, "person_id": None, "text": "", "last_error": ""}
        leftovers = [NoticeRow.identity_id.is_not(None), NoticeRow.text != "", NoticeRow.last_error != ""]
        if "sent_to" in columns:  # who it went to, as "channel:user id"
            values["sent_to"] = None
            leftovers.append(columns.sent_to.is_not(None))
        result = await self.session.execute(
            update(NoticeRow)
            .where(NoticeRow.kind == kind, NoticeRow.status.not_in(_WAITING_NOTICE_STATES), or_(*leftovers))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)


def load_or_create_secret(path: Path) -> bytes:
    """The key that seals anonymous senders, kept in a file beside (never inside) the database: created
    once with 32 random bytes, readable by the bot's user only. Losing it cuts anonymous senders off
    from their suggestions' answers; copying it together with a database dump undoes their anonymity."""
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(os.urandom(32))
    try:
        os.link(tmp, path)  # atomic: of two processes starting at once, one key wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_bytes()
