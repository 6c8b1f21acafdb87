"""Everything a flow sees while handling one inbound event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from handlers.domain import Conversation, Identity, LatePolicy, Person
from handlers.review.rules import ReviewConfig
from handlers.store import FileStore, Store
from handlers.suggestions.rules import SuggestionConfig
from handlers.texts import common as C
from handlers.types import Inbound, Option, Outgoing, Reply, Result
from similarity import DEFAULT_THRESHOLD

# Default plan: round I for the education sector due 20/4, round II for all other fields due 10/7.
DEFAULT_ROUNDS: tuple[tuple[int, str, int, int, tuple[str, ...]], ...] = (
    (1, "Đợt I", 4, 20, ("education",)),
    (2, "Đợt II", 7, 10, ("other",)),
)


@dataclass(frozen=True)
class FlowConfig:
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    late_policy: LatePolicy = LatePolicy.NEXT_ROUND
    max_attachment_bytes: int = 10 * 1024 * 1024
    max_attachments: int = 10
    # "channel:user_id" identities that are admins from the start.
    admins: frozenset[str] = frozenset()
    default_rounds: tuple[tuple[int, str, int, int, tuple[str, ...]], ...] = DEFAULT_ROUNDS
    suggestions: SuggestionConfig = field(default_factory=SuggestionConfig)
    review: ReviewConfig = field(default_factory=ReviewConfig)
    zalo_monthly_quota: int = 0
    # Near copies: the score (0–1) from which an initiative is flagged as resembling one on file.
    similarity_threshold: float = DEFAULT_THRESHOLD
    # The bot's Telegram @username (without @): invitation codes then come with a t.me deep link.
    telegram_bot_username: str = ""
    # The channels that show a command menu (set per chat when someone's roles change).
    menu_channels: frozenset[str] = frozenset({"telegram"})


@dataclass
class Command:
    name: str  # folded, without the slash: "huy", "quaylai", "capquyen"
    args: str = ""


@dataclass
class Context:
    store: Store
    files: FileStore
    config: FlowConfig
    now: datetime
    inbound: Inbound
    identity: Identity
    conversation: Conversation
    person: Person | None = None
    command: Command | None = None
    result: Result = field(default_factory=Result)
    # People whose roles or accounts this event changed: the core refreshes their command menus.
    changed_people: set[int] = field(default_factory=set)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.config.timezone).date()

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.config.timezone)

    def say(self, text: str, options: tuple[Option, ...] | list[Option] = ()) -> None:
        self.result.replies.append(Reply(text=text, options=tuple(options)))

    def choose_again(self, options: tuple[Option, ...] | list[Option] = ()) -> None:
        """The answer was none of the options: a pressed button is of an older question (the core made it so, or
        the options changed since), anything typed is simply not one of them."""
        self.say(C.STALE_BUTTON if self.inbound.choice is not None else C.CHOOSE_ONE, options)

    def reply(self, reply: Reply) -> None:
        self.result.replies.append(reply)

    def notify(self, channel: str, user_id: str, text: str) -> None:
        self.result.outgoing.append(Outgoing(channel=channel, user_id=user_id, reply=Reply(text=text)))

    def enter(self, flow: str | None, state: dict[str, Any] | None = None) -> None:
        self.conversation.flow = flow
        self.conversation.state = state or {}
