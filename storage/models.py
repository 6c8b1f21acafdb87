"""The tables, as SQLModel classes. Alembic migrations in storage/migrations create them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Double, Index, UniqueConstraint, false
from sqlmodel import Field, SQLModel


def _ts(**kwargs: Any) -> Any:
    return Field(sa_column=Column(DateTime(timezone=True), **kwargs))


class BodyRow(SQLModel, table=True):
    """A recognising body (a department, a commune, a school) or, with level "province", the province."""

    __tablename__ = "body"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=50, unique=True)
    name: str = Field(max_length=300)
    level: str = Field(default="base", max_length=20, sa_column_kwargs={"server_default": "base"})
    parent_id: int | None = Field(default=None, foreign_key="body.id")


class UnitRow(SQLModel, table=True):
    __tablename__ = "unit"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=50, unique=True)
    name: str = Field(max_length=300)
    sector: str = Field(max_length=20)
    body_id: int | None = Field(default=None, foreign_key="body.id", index=True)


class PersonRow(SQLModel, table=True):
    __tablename__ = "person"
    id: int | None = Field(default=None, primary_key=True)
    full_name: str = Field(max_length=200)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    position: str = Field(default="", max_length=200)
    phone: str | None = Field(default=None, max_length=20, index=True)
    created_at: datetime = _ts(nullable=False)
    # /tatthongbao: only essential notices (own drafts' deadlines, own initiatives' results) are sent.
    notices_muted: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # Loaded by the seed file (or pre-registered): only such a record can be claimed, and only by proof
    # (Telegram contact, invitation code); a self-registered one never becomes it.
    seeded: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # The phone was proven by its owner (a Telegram contact shared from their own account), not only typed.
    phone_verified: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # The seed entry that made this record (storage.seed.seed_key): a reload finds it by this, never by the
    # phone or name its owner may have typed since.
    seed_key: str | None = Field(default=None, max_length=240, index=True)
    # The body whose roles this person is acting in (/coquan); None: the body of their own unit.
    acting_body_id: int | None = Field(default=None, foreign_key="body.id")


class RoleGrantRow(SQLModel, table=True):
    __tablename__ = "role_grant"
    __table_args__ = (
        UniqueConstraint("person_id", "role", "body_id", name="uq_role_grant_person_role_body"),
        Index("ix_role_grant_body_id_role", "body_id", "role"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str = Field(max_length=20)
    # Roles hold in one body only (a council member of one body has no rights in another); admin holds everywhere.
    body_id: int | None = Field(default=None, foreign_key="body.id")


class IdentityRow(SQLModel, table=True):
    """One account on one channel (a Telegram user, a Zalo user, a console user)."""

    __tablename__ = "identity"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    external_id: str = Field(max_length=100)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    # Set when the platform said the user blocked the bot; cleared when the user writes again.
    unreachable_at: datetime | None = _ts(nullable=True)


class ConversationRow(SQLModel, table=True):
    __tablename__ = "conversation"
    identity_id: int = Field(foreign_key="identity.id", primary_key=True)
    flow: str | None = Field(default=None, max_length=40)
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    version: int = Field(default=0)
    updated_at: datetime = _ts(nullable=False)


class ProcessedEventRow(SQLModel, table=True):
    """Platform event ids already handled: a redelivered update changes nothing."""

    __tablename__ = "processed_event"
    channel: str = Field(max_length=20, primary_key=True)
    event_id: str = Field(max_length=100, primary_key=True)
    processed_at: datetime = _ts(nullable=False)


class CampaignRow(SQLModel, table=True):
    __tablename__ = "campaign"
    __table_args__ = (UniqueConstraint("body_id", "year", name="uq_campaign_body_year"),)
    id: int | None = Field(default=None, primary_key=True)
    body_id: int | None = Field(default=None, foreign_key="body.id")
    year: int
    # Reminder plan: days before each deadline (0 = the morning of the deadline) and the local hour.
    reminder_days: str = Field(default="14,7,3,1,0", max_length=100, sa_column_kwargs={"server_default": "14,7,3,1,0"})
    send_time: str = Field(default="08:00", max_length=5, sa_column_kwargs={"server_default": "08:00"})
    # When the yearly list of recognised initiatives is due (None: 31/12 of the year).
    list_due: date | None = Field(default=None)
    unit_quota: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    admin_reform_target: int = Field(default=5, sa_column_kwargs={"server_default": "5"})


class RoundRow(SQLModel, table=True):
    __tablename__ = "round"
    __table_args__ = (UniqueConstraint("campaign_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    number: int
    name: str = Field(max_length=100)
    deadline: date
    sectors: str = Field(max_length=100)  # comma-separated Sector values
    closed: bool = Field(default=False)


class InitiativeRow(SQLModel, table=True):
    __tablename__ = "initiative"
    __table_args__ = (Index("ix_initiative_body_id_status", "body_id", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    status: str = Field(max_length=30, index=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    receipt_no: str | None = Field(default=None, max_length=30, unique=True)
    round_id: int | None = Field(default=None, foreign_key="round.id", index=True)
    submitted_at: datetime | None = _ts(nullable=True)
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)
    # The recognising body it is filed with: the author's, or the province for a provincial-scope dossier.
    body_id: int | None = Field(default=None, foreign_key="body.id", index=True)


class StatusChangeRow(SQLModel, table=True):
    __tablename__ = "status_change"
    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", index=True)
    old_status: str | None = Field(default=None, max_length=30)
    new_status: str = Field(max_length=30)
    at: datetime = _ts(nullable=False)
    by_person_id: int | None = Field(default=None, foreign_key="person.id")
    reason: str = Field(default="")


class ReceiptCounterRow(SQLModel, table=True):
    __tablename__ = "receipt_counter"
    year: int = Field(primary_key=True)
    last: int = Field(default=0)


class AttachmentRow(SQLModel, table=True):
    __tablename__ = "attachment"
    id: int | None = Field(default=None, primary_key=True)
    owner_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    file_name: str = Field(max_length=255)
    mime_type: str = Field(default="", max_length=100)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    storage_key: str = Field(max_length=100)
    created_at: datetime = _ts(nullable=False)


class NoticeRow(SQLModel, table=True):
    """One message to one person (a reminder or a notification), sent exactly once by the sweeper.

    ``key`` is unique — (recipient, subject, kind, due time) — so enqueuing the same notice twice, from a
    restart or a second replica, keeps one row."""

    __tablename__ = "notice"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, unique=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    # For recipients that must not be named (anonymous suggestions): an identity instead of a person.
    identity_id: int | None = Field(default=None, foreign_key="identity.id")
    kind: str = Field(max_length=50, index=True)
    text: str
    essential: bool = Field(default=False)
    due_at: datetime = _ts(nullable=False, index=True)
    expires_at: datetime | None = _ts(nullable=True)
    status: str = Field(default="pending", max_length=20, index=True)
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_at: datetime | None = _ts(nullable=True)
    attempts: int = Field(default=0)
    sent_at: datetime | None = _ts(nullable=True)
    last_error: str = Field(default="", max_length=500)
    # What the notice is about ("round:3") and the version of it it was planned for (the deadline):
    # pending notices of a subject whose version changed are cancelled before they can be sent.
    subject: str = Field(default="", max_length=100, index=True, sa_column_kwargs={"server_default": ""})
    subject_version: str = Field(default="", max_length=50, sa_column_kwargs={"server_default": ""})
    sent_to: str | None = Field(default=None, max_length=130)


class NoticePlanRow(SQLModel, table=True):
    """A reminder moment already planned ("round:3|2026-04-13T08:00"): the planner does each once."""

    __tablename__ = "notice_plan"
    key: str = Field(max_length=200, primary_key=True)
    planned_at: datetime = _ts(nullable=False)


class ChannelUsageRow(SQLModel, table=True):
    """Messages sent per channel and calendar month (Zalo's free tier has a monthly quota)."""

    __tablename__ = "channel_usage"
    channel: str = Field(max_length=20, primary_key=True)
    month: str = Field(max_length=7, primary_key=True)  # "2026-04"
    sent: int = Field(default=0)


class SuggestionRow(SQLModel, table=True):
    """A suggestion (hiến kế). An anonymous one has no person_id: its sender is only in suggestion_sender."""

    __tablename__ = "suggestion"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    topic: str = Field(max_length=200)
    content: str
    attachments: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    anonymous: bool = Field(default=False)
    publishable: bool = Field(default=False)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    status: str = Field(max_length=20, index=True)
    created_at: datetime = _ts(nullable=False)
    due_on: date
    handler_since: datetime = _ts(nullable=False)
    assigned_unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    answer: str = Field(default="")
    answered_at: datetime | None = _ts(nullable=True)
    answered_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    answered_by_unit_id: int | None = Field(default=None, foreign_key="unit.id")
    clarification: str = Field(default="")
    clarification_answer: str = Field(default="")
    close_reason: str = Field(default="")
    hidden: bool = Field(default=False)
    hidden_reason: str = Field(default="")
    rating: int | None = Field(default=None)
    initiative_id: int | None = Field(default=None, foreign_key="initiative.id")
    version: int = Field(default=0)
    body_id: int | None = Field(default=None, foreign_key="body.id", index=True)


class SuggestionSenderRow(SQLModel, table=True):
    """The one place that links an anonymous suggestion to its sender, sealed with a key kept outside the
    database (handlers/suggestions/seal.py): a salt, a keyed tag and an AES-GCM seal."""

    __tablename__ = "suggestion_sender"
    suggestion_id: int = Field(foreign_key="suggestion.id", primary_key=True)
    nonce: str = Field(max_length=64)
    tag: str = Field(max_length=64)
    seal: str = Field(max_length=200)


class SuggestionEventRow(SQLModel, table=True):
    """History of a suggestion. by_person_id names handlers only, never an anonymous sender."""

    __tablename__ = "suggestion_event"
    id: int | None = Field(default=None, primary_key=True)
    suggestion_id: int = Field(foreign_key="suggestion.id", index=True)
    at: datetime = _ts(nullable=False)
    action: str = Field(max_length=30)
    by_person_id: int | None = Field(default=None, foreign_key="person.id")
    note: str = Field(default="")


class SuggestionCounterRow(SQLModel, table=True):
    __tablename__ = "suggestion_counter"
    year: int = Field(primary_key=True)
    last: int = Field(default=0)


class InboxEventRow(SQLModel, table=True):
    """Every platform event, stored before the platform is told it arrived; handled from here, in order per sender."""

    __tablename__ = "inbox_event"
    __table_args__ = (
        UniqueConstraint("channel", "sender", "event_key"),
        Index("ix_inbox_event_status", "status"),
        Index("ix_inbox_event_sender", "channel", "sender", "status"),
        Index("ix_inbox_event_handled_at", "handled_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    sender: str = Field(max_length=100)
    event_key: str = Field(max_length=100)
    # The platform's update as received (JSON text); decoded only when it is handled.
    payload: str
    status: str = Field(default="pending", max_length=12)
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_at: datetime | None = _ts(nullable=True)
    attempts: int = Field(default=0)
    received_at: datetime = _ts(nullable=False)
    handled_at: datetime | None = _ts(nullable=True)


class ReplyOutboxRow(SQLModel, table=True):
    """What the bot committed to say in answer to an event, written in that event's transaction and sent after."""

    __tablename__ = "reply_outbox"
    __table_args__ = (
        Index("ix_reply_outbox_status", "status"),
        Index("ix_reply_outbox_chat", "channel", "chat", "status"),
        Index("ix_reply_outbox_chat_sent_at", "channel", "chat", "sent_at"),
        Index("ix_reply_outbox_sent_at", "sent_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    chat: str = Field(max_length=100)
    # The reply (text, options, document) as JSON.
    payload: str
    status: str = Field(default="pending", max_length=12)
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_at: datetime | None = _ts(nullable=True)
    attempts: int = Field(default=0)
    due_at: datetime = _ts(nullable=False)
    created_at: datetime = _ts(nullable=False)
    sent_at: datetime | None = _ts(nullable=True)
    error: str = Field(default="", max_length=500)


class WorkerHeartbeatRow(SQLModel, table=True):
    """Each running bot process beats here; rows it claimed are taken over once its beat is stale."""

    __tablename__ = "worker_heartbeat"
    worker: str = Field(max_length=100, primary_key=True)
    beat_at: datetime = _ts(nullable=False)


class SendClockRow(SQLModel, table=True):
    """When the next message of one bot account may go, shared by every process of the deployment
    (storage.send_budget): seconds since the epoch, and how many messages the last booking took."""

    __tablename__ = "send_clock"
    account: str = Field(max_length=40, primary_key=True)
    tat: float = Field(sa_column=Column(Double, nullable=False))
    granted: int = Field(default=0)


class TransferRow(SQLModel, table=True):
    """A recognised initiative handed over to another organisation (chuyển giao): to whom, when, under what."""

    __tablename__ = "transfer"
    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", index=True)
    recipient: str = Field(max_length=300)
    transferred_on: date
    agreement: str = Field(max_length=500)
    recorded_by: int | None = Field(default=None, foreign_key="person.id")
    recorded_at: datetime = _ts(nullable=False)


class RecognitionDecisionRow(SQLModel, table=True):
    """The decision recognising a round's initiatives (Quyết định công nhận): its number and date."""

    __tablename__ = "recognition_decision"
    round_id: int = Field(foreign_key="round.id", primary_key=True)
    number: str = Field(max_length=100)
    signed_on: date
    recorded_by: int | None = Field(default=None, foreign_key="person.id")
    recorded_at: datetime = _ts(nullable=False)


class ProvincialProposalRow(SQLModel, table=True):
    """A body's recognised initiative proposed for provincial-scope recognition (cấp tỉnh).

    ``dossier_id`` is the copy filed with the province, reviewed and scored there like any initiative."""

    __tablename__ = "provincial_proposal"
    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", unique=True)
    body_id: int = Field(foreign_key="body.id")
    dossier_id: int | None = Field(default=None, foreign_key="initiative.id")
    decision: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    proposed_by: int | None = Field(default=None, foreign_key="person.id")
    proposed_at: datetime = _ts(nullable=False)


class BodyReportRow(SQLModel, table=True):
    """A body's report filed to the province: the yearly list ("year") or the mid-year report ("mid")."""

    __tablename__ = "body_report"
    body_id: int = Field(foreign_key="body.id", primary_key=True)
    year: int = Field(primary_key=True)
    kind: str = Field(max_length=10, primary_key=True)
    content: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    filed_by: int | None = Field(default=None, foreign_key="person.id")
    filed_at: datetime = _ts(nullable=False)
