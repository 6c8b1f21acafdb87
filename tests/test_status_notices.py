"""Every status change tells every registered author and co-author, once, with the receipt number."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from bot.app import App
from handlers.domain import Role, Status
from handlers.transitions import Award, change_status
from storage.models import InitiativeRow
from tests.reminder_support import Recorder, add_person, notices
from tests.support import REGISTRATION_SCRIPT, WIZARD_SCRIPT, Chat, Clock, play

# The typed wizard with one co-author whose phone number is given.
WITH_COAUTHOR = [
    *WIZARD_SCRIPT[:5],
    ("có", "Họ và tên đồng tác giả"),
    ("Trần Thị Bình", "Ngày sinh"),
    ("02/09/1990", "Nơi công tác"),
    ("Trường THCS Quang Trung", "Chức danh"),
    ("Giáo viên", "Trình độ"),
    ("Cử nhân Tin học", "Số điện thoại của đồng tác giả"),
    ("0912 345 678", "Còn đồng tác giả"),
    ("không", "Tỷ lệ"),
    ("60; 40", "Chủ đầu tư"),
    *WIZARD_SCRIPT[6:],
]


async def decide(app: App, clock: Clock, by: int, new: Status, *, reason: str = "", award: Award | None = None) -> None:
    async with app.database.unit_of_work() as store:
        row = (await store.session.execute(select(InitiativeRow))).scalars().one()
        initiative = await store.initiative(row.id)
        assert initiative is not None
        await change_status(store, initiative, new, now=clock.now, by_person_id=by, reason=reason, award=award)


async def test_author_and_registered_coauthor_hear_of_every_change(app: App, clock: Clock) -> None:
    secretary = await add_person(app, "Trịnh Thu Thảo", "P-NV", "thao", roles=[Role.SECRETARIAT])
    # The co-author registered with the phone number the author gives; a namesake and a stranger with the
    # same number but another name are not told anything.
    await add_person(app, "Trần Thị Bình", "THCS-QT", "binh", phone="0912345678")
    await add_person(app, "Trần Thị Bình", "UBND-BS", "namesake", phone="0987654321")
    author = Chat(app.core.handle, user_id="an")
    await play(author, REGISTRATION_SCRIPT + WITH_COAUTHOR)
    assert "SK-2026-0001" in author.text

    recorder = Recorder()
    service = app.reminder_service(recorder)
    await service.tick()
    # The author saw the receipt in the conversation; the co-author is told.
    assert recorder.to("an") == []
    [submitted] = recorder.to("binh")
    assert "SK-2026-0001" in submitted and "đã được nộp vào Đợt I năm 2026" in submitted

    clock.advance(days=3)
    await decide(app, clock, secretary, Status.AMEND_REQUESTED, reason="Thiếu minh chứng áp dụng thử")
    await service.tick()
    for user in ("an", "binh"):
        assert "cần bổ sung, sửa đổi" in recorder.to(user)[-1]
        assert "Lý do: Thiếu minh chứng áp dụng thử" in recorder.to(user)[-1]

    clock.advance(days=1)
    await author.say("/cuatoi")
    await author.press("SK-2026-0001")
    await author.press("Tiếp tục")
    await author.press("Nộp đơn")
    assert "Số biên nhận: SK-2026-0001" in author.text
    await service.tick()
    assert len(recorder.to("binh")) == 3 and len(recorder.to("an")) == 1

    clock.advance(days=5)
    await decide(app, clock, secretary, Status.ACCEPTED)
    clock.advance(days=30)
    await decide(
        app, clock, secretary, Status.RECOGNISED, award=Award(score=Decimal("85.333"), grade="A", prize=2_000_000)
    )
    await service.tick()
    for user in ("an", "binh"):
        accepted, recognised = recorder.to(user)[-2:]
        assert "SK-2026-0001" in accepted and "đã được tiếp nhận" in accepted
        assert "được công nhận: xếp loại A, điểm trung bình 85,33, tiền thưởng 2.000.000 đ" in recognised
    assert recorder.to("namesake") == []
    assert not any("SK-2026-0001" in text for text in recorder.to("thao"))  # the one who decided

    # Silencing does not stop news about one's own initiative.
    await author.say("/tatthongbao")
    await service.tick()
    assert len(recorder.to("an")) == 3
    assert all(n.essential for n in await notices(app) if n.kind.startswith("status"))


async def test_refusal_and_not_recognised_carry_the_reason(app: App, clock: Clock) -> None:
    secretary = await add_person(app, "Trịnh Thu Thảo", "P-NV", "thao", roles=[Role.SECRETARIAT])
    author = Chat(app.core.handle, user_id="an")
    await play(author, REGISTRATION_SCRIPT + WIZARD_SCRIPT)
    await decide(app, clock, secretary, Status.REFUSED, reason="Trùng với sáng kiến SK-2025-0012")
    recorder = Recorder()
    await app.reminder_service(recorder).tick()
    [refused] = recorder.to("an")
    assert "SK-2026-0001" in refused and "không được tiếp nhận" in refused
    assert "Lý do: Trùng với sáng kiến SK-2025-0012" in refused


def test_status_changes_go_through_the_one_transition_function() -> None:
    """Notices follow from transitions only if every caller uses handlers.transitions.change_status."""
    root = Path(__file__).resolve().parent.parent / "handlers"
    direct = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name not in ("transitions.py", "store.py") and "store.change_status(" in path.read_text("utf-8")
    ]
    assert direct == []
