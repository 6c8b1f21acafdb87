"""indexes for the intake's retention and the quiet-chat check

- reply_outbox (channel, chat, sent_at): whether a chat was answered in the last seconds (the notice sweeper's
  quiet-chat check, SqlNoticeQueue.in_conversation) read every reply the chat was ever sent;
- inbox_event (handled_at), reply_outbox (sent_at): the hourly prune of rows handled or sent before the retention
  period (SqlIntake.prune) finds them by that time instead of scanning the table.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    ("ix_reply_outbox_chat_sent_at", "reply_outbox", ["channel", "chat", "sent_at"]),
    ("ix_reply_outbox_sent_at", "reply_outbox", ["sent_at"]),
    ("ix_inbox_event_handled_at", "inbox_event", ["handled_at"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
