"""Council members are reminded on Monday mornings of assigned initiatives they have not scored yet."""

from __future__ import annotations

from decimal import Decimal

from bot.app import App
from handlers.domain import Role
from handlers.results import DEFAULT_RULES
from handlers.review.store import ScoreSheet
from tests.reminder_support import Recorder, local, tick_at
from tests.review_support import accept, application, person, submit
from tests.support import Clock


async def test_unscored_assignments_are_reminded_once_a_week(app: App, clock: Clock) -> None:
    author = await person(app, "Nguyễn Văn An", "THCS-QT", user_id="a1")
    secretary = await person(app, "Lê Thị Hồng", "P-NV", user_id="s1", roles=(Role.SECRETARIAT,))
    busy = await person(app, "Trần Hữu Nghĩa", "P-NV", user_id="m1", roles=(Role.COUNCIL,))
    done = await person(app, "Phạm Thu Trang", "P-NV", user_id="m2", roles=(Role.COUNCIL,))
    initiative = await submit(app, clock, author, application(author, "Trường THCS Quang Trung", "Sổ điểm số"))
    initiative = await accept(app, clock, initiative, secretary)
    codes = [c.code for c in DEFAULT_RULES.criteria]
    async with app.database.unit_of_work() as store:
        for member in (busy, done):
            await store.seat_member(initiative.round_id or 0, member.id, [])
            await store.assign(initiative.id, member.id, clock())
        scores = {code: Decimal(20) for code in codes}
        await store.save_score_sheet(ScoreSheet(initiative.id, done.id, scores, "Tốt.", clock()))

    recorder = Recorder()
    service = app.reminder_service(recorder)
    await tick_at(service, clock, local(2026, 3, 8, 9))  # a Sunday: nothing
    await tick_at(service, clock, local(2026, 3, 9, 7))  # Monday, before 08:00: nothing yet
    assert not any("chưa chấm điểm" in text for text in recorder.to("m1"))
    await tick_at(service, clock, local(2026, 3, 9, 8, 30))
    await tick_at(service, clock, local(2026, 3, 9, 15))
    reminders = [text for text in recorder.to("m1") if "chưa chấm điểm" in text]
    assert reminders == [
        "Nhắc việc: Anh/Chị còn 1 sáng kiến của Đợt I năm 2026 được phân công nhưng chưa chấm "
        "điểm. Gõ /chamdiem để chấm."
    ]
    assert not any("chưa chấm điểm" in text for text in recorder.to("m2"))
    await tick_at(service, clock, local(2026, 3, 16, 8, 30))  # next Monday: again
    assert len([t for t in recorder.to("m1") if "chưa chấm điểm" in t]) == 2
