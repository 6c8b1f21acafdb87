"""Helpers for the review tests: people and submitted initiatives put straight into the store (the wizard has
its own tests), and a chat per person."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.app import App
from handlers.domain import Initiative, Person, Role, Sector, Status, receipt_number
from handlers.results import DEFAULT_RULES
from handlers.review.store import ScoreSheet
from handlers.rounds import default_plan, pick_round
from handlers.transitions import change_status
from storage.seed import apply_seed
from tests.support import Chat, Clock

EXTRA_UNITS = [
    {"code": "MN-HM", "name": "Trường Mầm non Hoa Mai", "sector": "education"},
    {"code": "THPT-NT", "name": "Trường THPT Nguyễn Trãi", "sector": "education"},
    {"code": "TH-LQD", "name": "Trường Tiểu học Lê Quý Đôn", "sector": "education"},
    {"code": "THCS-CVA", "name": "Trường THCS Chu Văn An", "sector": "education"},
    {"code": "GDTX", "name": "Trung tâm Giáo dục thường xuyên", "sector": "education"},
    {"code": "PGD", "name": "Phòng Giáo dục và Đào tạo", "sector": "education"},
]
EDUCATION_UNITS = ["THCS-QT", "TH-KD", *[u["code"] for u in EXTRA_UNITS]]


async def add_units(app: App) -> None:
    async with app.database.unit_of_work() as store:
        await apply_seed(store, {"units": EXTRA_UNITS})


async def person(
    app: App,
    name: str,
    unit_code: str,
    *,
    user_id: str,
    roles: tuple[Role, ...] = (),
    phone: str | None = None,
    position: str = "Giáo viên",
    channel: str = "console",
    phone_proven: bool = True,
) -> Person:
    """A registered person with an identity ``user_id`` on ``channel``; their ``phone`` proven (shared as their
    Telegram contact) unless ``phone_proven`` is False."""
    async with app.database.unit_of_work() as store:
        unit = next(u for u in await store.units() if u.code == unit_code)
        created = await store.create_person(name, unit.id, position, phone, phone_proven=phone_proven)
        identity = await store.identity(channel, user_id)
        await store.link_identity(identity.id, created.id)
        for role in roles:
            await store.grant_role(created.id, role)
        found = await store.person(created.id)
        assert found is not None
        return found


def application(author: Person, unit_name: str, title: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "author": {"full_name": author.full_name, "workplace": unit_name, "position": author.position},
        "title": title,
        "recipient": unit_name,
        "author_birth_date": "1985-08-15",
        "author_qualification": "Cử nhân Sư phạm Toán",
        "coauthors": [],
        "investor": "author",
        "field": "education",
        "solution_type": "management",
        "first_applied": "2025-09-05",
        "current_state": "Trước đây học sinh phải đến văn phòng hỏi kết quả, mất nhiều thời gian.",
        "content": f"Giải pháp «{title}»: Bước 1 lập danh sách; Bước 2 áp dụng; Bước 3 đánh giá. Điểm mới: tự động.",
        "scope": "Đã áp dụng tại trường từ tháng 9/2025; có thể nhân rộng cho các trường khác.",
        "conditions": "Máy tính, máy in; không phát sinh kinh phí.",
        "benefit_author": "Giảm 70% thời gian tra cứu; tiết kiệm 20 giờ mỗi tháng.",
        "benefit_value": 15_000_000,
        "benefit_users": None,
        "participants": [],
        "confidential": None,
        "secrecy": "public",
        "attachments": [],
        "declaration": True,
    }
    data.update(overrides)
    return data


async def submit(app: App, clock: Clock, author: Person, data: dict[str, Any]) -> Initiative:
    """A submitted initiative, filed as the wizard files it (receipt, round, status change, snapshot), into a
    round of the author's own body."""
    now = clock()
    today = now.astimezone(app.config.timezone).date()
    async with app.database.unit_of_work() as store:
        store.scope_to(author.home_body_id)
        await store.ensure_campaign(today.year, default_plan(app.config, today.year))
        unit = await store.unit(author.unit_id) if author.unit_id else None
        chosen, _ = pick_round(list(await store.rounds()), unit.sector if unit else Sector.OTHER, today)
        assert chosen is not None
        draft = await store.create_initiative(author.id, data, now)
        receipt = receipt_number(today.year, await store.next_receipt_seq(today.year))
        return await change_status(
            store, draft, Status.SUBMITTED, now=now, by_person_id=author.id, receipt_no=receipt, round_id=chosen.id
        )


def chat(app: App, user_id: str, channel: str = "console") -> Chat:
    return Chat(app.core.handle, user_id=user_id, channel=channel)


async def accept(app: App, clock: Clock, initiative: Initiative, by: Person) -> Initiative:
    async with app.database.unit_of_work() as store:
        return await change_status(store, initiative, Status.ACCEPTED, now=clock(), by_person_id=by.id)


async def scored(
    app: App, clock: Clock, initiative: Initiative, sheets: dict[Person, tuple[int, int, int]], comment: str = "Tốt."
) -> None:
    """Seat the members in the initiative's round, assign them and store their sheets (as the bot would)."""
    codes = [c.code for c in DEFAULT_RULES.criteria]
    async with app.database.unit_of_work() as store:
        for member, points in sheets.items():
            await store.seat_member(initiative.round_id or 0, member.id, [])
            await store.assign(initiative.id, member.id, clock())
            scores = {code: Decimal(p) for code, p in zip(codes, points, strict=True)}
            await store.save_score_sheet(ScoreSheet(initiative.id, member.id, scores, comment, clock()))


async def publish_round(app: App, secretary: Chat | str, round_id: int = 1) -> Chat:
    """Close scoring and publish through the secretariat's chat (pass the Chat if that user already talked: a
    new Chat would reuse its event ids, which the bot rightly ignores as redeliveries)."""
    sec = chat(app, secretary) if isinstance(secretary, str) else secretary
    await sec.say(f"/dongcham {round_id}")
    assert "Đã khóa chấm điểm" in sec.text, sec.text
    await sec.say(f"/ketqua {round_id}")
    await sec.press("Công bố kết quả")
    await sec.press("Đồng ý công bố")
    assert "Đã công bố kết quả" in sec.text, sec.text
    return sec
