"""Small pure rules of the review: settings, conflicts of interest, the decision clock, what is public,
and signed download links for channels that cannot carry files."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from handlers.domain import CONFLICTED_PEOPLE, Initiative, Person
from handlers.parsing import fold, phone_or_none

SECRET_LEVELS = frozenset({"state", "business"})


@dataclass(frozen=True)
class ReviewConfig:
    # The unit decides within this many months of accepting the application (Nghị định 13/2012).
    decision_months: int = 3
    # Reminders to the secretariat this many days before the decision deadline.
    decision_reminder_days: tuple[int, ...] = (30, 7)
    # Channels that cannot send files: documents go there as expiring signed links.
    link_channels: frozenset[str] = frozenset({"zalo"})
    public_base_url: str = ""
    link_secret: bytes = b""
    link_ttl: timedelta = timedelta(hours=24)
    # Where recognised initiatives are announced: ("telegram", "-100…"), or empty.
    public_channel: tuple[str, str] | None = None
    public_page: bool = False

    @property
    def links_enabled(self) -> bool:
        return bool(self.link_secret and self.public_base_url)


# --- conflicts of interest -------------------------------------------------------------------------------


def conflict(member: Person, initiative: Initiative) -> str | None:
    """The co-author name (or the author's own) that makes ``member`` unfit to score this initiative."""
    if member.id == initiative.person_id:
        return member.full_name
    member_phone = phone_or_none(member.phone)
    member_name = fold(member.full_name)
    for coauthor in initiative.data.get("coauthors") or []:
        name = str(coauthor.get("full_name") or "")
        if member_name and fold(name) == member_name:
            return name
        if member_phone and phone_or_none(coauthor.get("phone")) == member_phone:
            return name
    author = initiative.data.get("author") or {}
    if member_name and fold(str(author.get("full_name") or "")) == member_name:
        return str(author.get("full_name"))
    if member.id in (initiative.data.get(CONFLICTED_PEOPLE) or ()):  # who they were at filing
        return member.full_name
    return None


# --- the decision clock ----------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def decision_due(accepted_on: date, config: ReviewConfig) -> date:
    return add_months(accepted_on, config.decision_months)


# --- what may be public ----------------------------------------------------------------------------------


def is_secret(initiative: Initiative) -> bool:
    return str(initiative.data.get("secrecy") or "public") in SECRET_LEVELS


# --- signed links ----------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_link(payload: dict[str, Any], secret: bytes, expires: datetime) -> str:
    """A token naming a document and its expiry, signed with HMAC-SHA256."""
    body = _b64(json.dumps({**payload, "e": int(expires.timestamp())}, separators=(",", ":")).encode())
    mac = _b64(hmac.new(secret, body.encode(), hashlib.sha256).digest())
    return f"{body}.{mac}"


def verify_link(token: str, secret: bytes, now: datetime) -> dict[str, Any] | None:
    """The payload of a valid, unexpired token; None for anything forged, altered or expired."""
    if not secret or not token.isascii() or token.count(".") != 1:
        return None
    body, mac = token.split(".")
    expected = _b64(hmac.new(secret, body.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(mac, expected):
        return None
    try:
        payload = json.loads(_unb64(body))
    except ValueError:
        return None
    if not isinstance(payload, dict) or int(payload.get("e", 0)) <= int(now.timestamp()):
        return None
    return payload


# --- how an initiative is named in lists ------------------------------------------------------------------


def author_names(initiative: Initiative) -> list[str]:
    first = str((initiative.data.get("author") or {}).get("full_name") or "")
    names = [first] + [str(c.get("full_name") or "") for c in initiative.data.get("coauthors") or []]
    return [n for n in names if n]
