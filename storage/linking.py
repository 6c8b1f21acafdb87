"""One-time codes that link a second channel account to a person (only their hashes are stored)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Column, DateTime, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel


class LinkCodeRow(SQLModel, table=True):
    __tablename__ = "link_code"
    code_hash: str = Field(max_length=64, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class CodeFailureRow(SQLModel, table=True):
    """A wrong one-time code (link or invitation), kept apart from the conversation so nothing typed resets it."""

    __tablename__ = "code_failure"
    id: int | None = Field(default=None, primary_key=True)
    identity_id: int = Field(foreign_key="identity.id", index=True)
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False, index=True))


class LinkCodeQueries:
    session: AsyncSession

    async def code_failures(self, identity_id: int, since: datetime) -> tuple[int, int]:
        """Wrong codes since ``since``: (by this account, by every account)."""
        recent = select(func.count()).select_from(CodeFailureRow).where(CodeFailureRow.at > since)
        mine = (await self.session.execute(recent.where(CodeFailureRow.identity_id == identity_id))).scalar_one()
        everyone = (await self.session.execute(recent)).scalar_one()
        return int(mine), int(everyone)

    async def record_code_failure(self, identity_id: int, at: datetime) -> None:
        self.session.add(CodeFailureRow(identity_id=identity_id, at=at))
        await self.session.execute(delete(CodeFailureRow).where(CodeFailureRow.at < at - timedelta(days=2)))
        await self.session.flush()

    async def create_link_code(self, code_hash: str, person_id: int, expires_at: datetime) -> None:
        await self.session.execute(delete(LinkCodeRow).where(LinkCodeRow.person_id == person_id))
        self.session.add(LinkCodeRow(code_hash=code_hash, person_id=person_id, expires_at=expires_at))
        await self.session.flush()

    async def consume_link_code(self, code_hash: str, now: datetime) -> int | None:
        """The code's person if it exists and has not expired; a code works once."""
        row = (
            await self.session.execute(select(LinkCodeRow).where(LinkCodeRow.code_hash == code_hash))
        ).scalar_one_or_none()
        if row is None:
            return None
        await self.session.execute(delete(LinkCodeRow).where(LinkCodeRow.code_hash == code_hash))
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=now.tzinfo)
        return row.person_id if expires > now else None
