"""The duplicate check's tables and SqlStore's part for them (handlers.review.duplicate_store.DuplicateStore):
older initiatives imported from a list, and the flags raised when an initiative is filed. The index itself is
``storage.similarity_store`` (tables ``similarity_doc``, ``similarity_posting``, ``similarity_term``), run inside
the event's own transaction. Index ids: an initiative's id, or an imported initiative's id negated
(``legacy_doc_id``)."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Column, DateTime, Index, delete, func, insert, or_, select
from sqlmodel import Field, SQLModel

from handlers.review.duplicate_store import LegacyInitiative, SimilarityFlag, legacy_doc_id
from similarity import Match, fold
from storage.models import InitiativeRow
from storage.similarity_store import SqlSimilarityIndex

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


class LegacyInitiativeRow(SQLModel, table=True):
    """An initiative from before the bot (scripts/bot import-old), indexed under its id negated."""

    __tablename__ = "legacy_initiative"
    id: int | None = Field(default=None, primary_key=True)
    # What makes a row the same on a second import: year and code, or year, unit and title when there is no code.
    key: str = Field(max_length=120, unique=True)
    year: int
    unit: str = Field(default="", max_length=300)
    title: str = Field(max_length=1000)
    description: str = Field(default="")
    code: str = Field(default="", max_length=100)
    source: str = Field(default="", max_length=300)
    imported_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class SimilarityFlagRow(SQLModel, table=True):
    """A near match found when an initiative was (re)submitted; replaced at every filing."""

    __tablename__ = "similarity_flag"
    __table_args__ = (Index("ix_similarity_flag_match_id", "match_id"),)
    initiative_id: int = Field(foreign_key="initiative.id", primary_key=True)
    # An index id: another initiative's id, or an imported initiative's id negated.
    match_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    score: float
    checked_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _legacy(row: LegacyInitiativeRow) -> LegacyInitiative:
    assert row.id is not None
    return LegacyInitiative(row.id, row.year, row.unit, row.title, row.description, row.code)


def _flag(row: SimilarityFlagRow) -> SimilarityFlag:
    return SimilarityFlag(row.initiative_id, row.match_id, row.score, _aware(row.checked_at))


def _no_session() -> AsyncSession:
    raise RuntimeError("the duplicate index runs only inside a unit of work")


def similarity_index() -> SqlSimilarityIndex:
    """The index, for use with an explicit ``session=`` (the event's own transaction)."""
    return SqlSimilarityIndex(_no_session)


class DuplicateQueries:
    """Mixed into SqlStore; relies on its session."""

    session: AsyncSession

    async def similar(
        self, title: str, text: str, *, exclude: int | None, threshold: float, top_k: int
    ) -> Sequence[Match]:
        return await similarity_index().query(
            title,
            text,
            top_k=top_k,
            threshold=threshold,
            exclude=() if exclude is None else (exclude,),
            session=self.session,
        )

    async def index_initiative(self, initiative_id: int, title: str, text: str) -> None:
        await similarity_index().add(initiative_id, title, text, session=self.session)

    async def replace_similarity_flags(self, initiative_id: int, matches: Sequence[Match], now: datetime) -> None:
        await self.session.execute(delete(SimilarityFlagRow).where(SimilarityFlagRow.initiative_id == initiative_id))
        if matches:
            await self.session.execute(
                insert(SimilarityFlagRow),
                [
                    {"initiative_id": initiative_id, "match_id": m.doc_id, "score": m.score, "checked_at": now}
                    for m in matches
                ],
            )

    async def similarity_flags(self, initiative_ids: Collection[int]) -> Sequence[SimilarityFlag]:
        if not initiative_ids:
            return []
        ids = list(initiative_ids)
        rows = (
            await self.session.execute(
                select(SimilarityFlagRow)
                .where(or_(SimilarityFlagRow.initiative_id.in_(ids), SimilarityFlagRow.match_id.in_(ids)))
                .order_by(SimilarityFlagRow.score.desc(), SimilarityFlagRow.initiative_id, SimilarityFlagRow.match_id)
            )
        ).scalars()
        return [_flag(r) for r in rows]

    async def round_similarity_flags(self, round_id: int) -> Sequence[SimilarityFlag]:
        in_round = select(InitiativeRow.id).where(InitiativeRow.round_id == round_id)
        rows = (
            await self.session.execute(
                select(SimilarityFlagRow)
                .where(or_(SimilarityFlagRow.initiative_id.in_(in_round), SimilarityFlagRow.match_id.in_(in_round)))
                .order_by(SimilarityFlagRow.score.desc(), SimilarityFlagRow.initiative_id, SimilarityFlagRow.match_id)
            )
        ).scalars()
        return [_flag(r) for r in rows]

    async def legacy_initiatives(self, ids: Collection[int]) -> Mapping[int, LegacyInitiative]:
        if not ids:
            return {}
        rows = (
            await self.session.execute(select(LegacyInitiativeRow).where(LegacyInitiativeRow.id.in_(list(ids))))
        ).scalars()
        return {r.id: _legacy(r) for r in rows if r.id is not None}

    async def legacy_by_code(self, code: str) -> LegacyInitiative | None:
        row = (
            await self.session.execute(
                select(LegacyInitiativeRow)
                .where(func.upper(LegacyInitiativeRow.code) == code.strip().upper(), LegacyInitiativeRow.code != "")
                .order_by(LegacyInitiativeRow.year.desc(), LegacyInitiativeRow.id)
                .limit(1)
            )
        ).scalar_one_or_none()
        return _legacy(row) if row else None


# --- importing older initiatives -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegacyItem:
    year: int
    unit: str
    title: str
    description: str
    code: str = ""

    @property
    def key(self) -> str:
        if self.code:
            return f"{self.year}|c|{self.code.upper()}"[:120]
        digest = hashlib.sha256(f"{fold(self.unit)}|{fold(self.title)}".encode()).hexdigest()
        return f"{self.year}|t|{digest}"


async def import_legacy(
    session: AsyncSession, items: Sequence[LegacyItem], *, source: str, now: datetime
) -> tuple[int, int]:
    """Insert or update older initiatives and (re)index each, in the caller's transaction: (added, updated)."""
    index = similarity_index()
    added = updated = 0
    for item in items:
        row = (
            await session.execute(select(LegacyInitiativeRow).where(LegacyInitiativeRow.key == item.key))
        ).scalar_one_or_none()
        if row is None:
            row = LegacyInitiativeRow(key=item.key, year=item.year, title=item.title, imported_at=now)
            session.add(row)
            added += 1
        else:
            updated += 1
        row.year, row.unit, row.title = item.year, item.unit, item.title
        row.description, row.code, row.source, row.imported_at = item.description, item.code, source[:300], now
        await session.flush()
        assert row.id is not None
        await index.add(legacy_doc_id(row.id), item.title, item.description, session=session)
    return added, updated
