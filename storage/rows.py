"""Rows to domain values, shared by the per-feature query mixins and SqlStore (so none imports another)."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.domain import Initiative, Status
from storage.models import InitiativeRow


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything is stored in UTC."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def initiative_of_row(row: InitiativeRow) -> Initiative:
    assert row.id is not None
    return Initiative(
        id=row.id,
        person_id=row.person_id,
        status=Status(row.status),
        data=dict(row.data),
        created_at=aware(row.created_at),  # type: ignore[arg-type]
        updated_at=aware(row.updated_at),  # type: ignore[arg-type]
        receipt_no=row.receipt_no,
        round_id=row.round_id,
        submitted_at=aware(row.submitted_at),
        body_id=row.body_id,
    )
