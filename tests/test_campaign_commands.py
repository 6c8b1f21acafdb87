"""The secretariat runs campaigns through the bot; unit heads and the secretariat see progress."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

from bot.app import App
from handlers.domain import Role, Status
from handlers.transitions import change_status
from handlers.types import Reply
from storage.notices import usage_counter
from tests.reminder_support import Recorder, add_draft, add_person, local, notices, tick_at
from tests.support import Chat, Clock


async def test_only_the_secretariat_manages_campaigns(app: App) -> None:
    await add_person(app, "Nguyễn Văn An", "THCS-QT", "an", roles=[Role.UNIT_HEAD])
    chat = Chat(app.core.handle, user_id="an")
    for command in ("/chiendich", "/taodot 2027", "/doihan 1 30/04/2026", "/dongdot 1", "/tongquan", "/hanmuc"):
        await chat.say(command)
        assert "không có quyền" in chat.text, command


async def test_move_a_deadline_and_reminders_follow(app: App, clock: Clock) -> None:
    await add_person(app, "Trịnh Thu Thảo", "P-NV", "thao", roles=[Role.SECRETARIAT])
    await add_person(app, "Đỗ Kim Dung", "TH-KD", "dung", roles=[Role.UNIT_HEAD])
    secretariat = Chat(app.core.handle, user_id="thao")
    await secretariat.say("/chiendich")
    assert "Năm 2026 — nhắc trước hạn 14,7,3,1,0 ngày, lúc 08:00" in secretariat.text
    assert "[mã 1] Đợt I: giáo dục, hạn 20/04/2026 (còn 48 ngày)" in secretariat.text

    recorder = Recorder()
    service = app.reminder_service(recorder)
    # The 14-day reminder was planned at 08:00 but not yet sent when the deadline is moved.
    clock.now = local(2026, 4, 6, 8, 0)
    await service.plan()
    clock.now = local(2026, 4, 6, 8, 1)
    await secretariat.say("/doihan 1 30/4/2026")
    assert "Đã dời hạn Đợt I năm 2026: từ 20/04/2026 sang 30/04/2026" in secretariat.text
    # Cancelled by the command itself: a sweep before the next planning pass sends nothing.
    assert {n.status for n in await notices(app, subject="round:1")} == {"cancelled"}
    await service.tick(plan=False)
    assert recorder.to("dung") == []
    await service.tick()
    assert recorder.to("dung") == []
    assert {n.status for n in await notices(app, subject="round:1")} == {"cancelled"}

    # Reminders now follow 30/4: 16/4 (14 days before) is the next one.
    for day in range(7, 17):
        await tick_at(service, clock, local(2026, 4, day))
    [reminder] = recorder.to("dung")
    assert "đến hết ngày 30/04/2026 (còn 14 ngày)" in reminder

    clock.now = local(2026, 4, 23, 8, 0)  # the 7-day reminder is queued, then the round is closed
    await service.plan()
    assert await notices(app, subject="round:1", status="pending") != []
    await secretariat.say("/dongdot 1")
    assert "Đã đóng Đợt I năm 2026" in secretariat.text
    assert await notices(app, subject="round:1", status="pending") == []
    for day in range(23, 31):
        await tick_at(service, clock, local(2026, 4, day, 9))
    assert len(recorder.to("dung")) == 1


async def test_next_years_campaign_and_reminder_plan(app: App) -> None:
    await add_person(app, "Trịnh Thu Thảo", "P-NV", "thao", roles=[Role.SECRETARIAT])
    chat = Chat(app.core.handle, user_id="thao")
    await chat.say("/lichnhac 2026 10, 5, 0 7:30")
    assert "Năm 2026: nhắc trước hạn 10,5,0 ngày, lúc 07:30." in chat.text
    await chat.say("/taodot 2027")
    assert "Đã tạo đợt xét năm 2027" in chat.text
    assert "Đợt I: giáo dục, hạn 20/04/2027" in chat.text and "Đợt II: các lĩnh vực khác, hạn 10/07/2027" in chat.text
    await chat.say("/chiendich")
    assert "Năm 2027 — nhắc trước hạn 10,5,0 ngày, lúc 07:30" in chat.text
    await chat.say("/taodot 2027")
    assert "Năm 2027 đã có đợt xét" in chat.text
    await chat.say("/doihan 3 01/01/2020")
    assert "đã qua" in chat.text


async def test_unit_view_and_overview(app: App, clock: Clock) -> None:
    head = await add_person(app, "Phạm Quang Huy", "THCS-QT", "huy", roles=[Role.UNIT_HEAD])
    await add_person(app, "Trịnh Thu Thảo", "P-NV", "thao", roles=[Role.SECRETARIAT, Role.ADMIN])
    teacher = await add_person(app, "Nguyễn Văn An", "THCS-QT", "an")
    done = await add_draft(app, teacher, "Ứng dụng mã QR tra cứu hồ sơ", clock.now, field="admin_reform")
    await add_draft(app, teacher, "Sổ điểm điện tử", clock.now)
    async with app.database.unit_of_work() as store:
        initiative = await store.initiative(done)
        assert initiative is not None
        rnd = next(r for r in await store.rounds() if r.number == 1)
        await change_status(
            store,
            initiative,
            Status.SUBMITTED,
            now=clock.now,
            by_person_id=teacher,
            receipt_no="SK-2026-0001",
            round_id=rnd.id,
        )

    unit = Chat(app.core.handle, user_id="huy")
    await unit.say("/donvi")
    assert "Trường THCS Quang Trung — năm 2026" in unit.text
    assert "Đã đăng ký: 1/1 sáng kiến (đạt chỉ tiêu)." in unit.text
    assert "Bản nháp đang soạn trong đơn vị: 1." in unit.text
    assert "• Đợt I: 20/04/2026 (còn 48 ngày)" in unit.text and "Đợt II" not in unit.text
    assert "• SK-2026-0001 «Ứng dụng mã QR tra cứu hồ sơ» — Nguyễn Văn An — Đã nộp, chờ tiếp nhận hồ sơ" in unit.text
    assert head

    overview = Chat(app.core.handle, user_id="thao")
    await overview.say("/tongquan")
    assert "Tổng quan năm 2026" in overview.text
    assert "• Đã nộp, chờ tiếp nhận hồ sơ: 1" in overview.text
    assert "• Trường THCS Quang Trung: 1" in overview.text and "• Phòng Nội vụ: 0" in overview.text
    assert "Đơn vị chưa có sáng kiến (3)" in overview.text
    assert "Cải cách hành chính: 1/5 (chưa đạt)" in overview.text
    assert "Danh sách công nhận gửi tỉnh trước 31/12/2026" in overview.text

    count = usage_counter(app.database, "zalo", clock, app.config.timezone)
    await count(1)
    await count(2)
    await overview.say("/hanmuc")
    assert "• 03/2026: 3" in overview.text
    assert date(2026, 3, 3) == clock.now.date()


async def test_seed_file_sets_the_reminder_plan(app: App, tmp_path: Path) -> None:
    seed = tmp_path / "campaign.yaml"
    seed.write_text(
        "campaigns:\n"
        "  - year: 2027\n"
        "    reminder_days: [10, 2, 0]\n"
        '    send_at: "7:30"\n'
        "    list_due: 2027-12-20\n"
        "    admin_reform_target: 8\n"
        "    rounds:\n"
        "      - {number: 1, name: Đợt I, deadline: 2027-04-25, sectors: [education]}\n",
        encoding="utf-8",
    )
    await app.seed(seed)
    async with app.database.unit_of_work() as store:
        campaign = next(c for c in await store.campaigns() if c.year == 2027)
    assert campaign.reminder_days == (10, 2, 0) and campaign.send_time.strftime("%H:%M") == "07:30"
    assert campaign.list_deadline == date(2027, 12, 20) and campaign.admin_reform_target == 8
    assert [r.deadline for r in campaign.rounds] == [date(2027, 4, 25)]


async def test_the_interval_job_runs_in_the_event_loop(app: App, clock: Clock) -> None:
    await add_person(app, "Đỗ Kim Dung", "TH-KD", "dung", roles=[Role.UNIT_HEAD])
    clock.now = local(2026, 4, 6)
    delivered = asyncio.Event()
    recorder = Recorder()
    original = recorder.send

    async def send(channel: str, user_id: str, reply: Reply) -> None:
        await original(channel, user_id, reply)
        delivered.set()

    recorder.send = send  # type: ignore[method-assign]
    app.start_scheduler(recorder)
    try:
        await asyncio.wait_for(delivered.wait(), 10)
    finally:
        await app.stop_scheduler()
    assert len(recorder.to("dung")) == 1
