"""A whole campaign year played with a controllable clock: who is reminded of what, when, and once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.app import App
from handlers.campaign import NoticeSpec
from handlers.context import FlowConfig
from handlers.domain import Role, Status
from handlers.store import Store
from handlers.transitions import change_status
from handlers.types import Reply
from scheduler.sweeper import Sweeper
from storage.notices import SqlNoticeQueue
from tests.reminder_support import HANOI, Recorder, add_draft, add_person, local, notices, tick_at
from tests.support import Chat, Clock

# Reminder days with the default plan (14, 7, 3, 1 days before and the morning of the deadline).
ROUND_I = [date(2026, 4, d) for d in (6, 13, 17, 19, 20)]
ROUND_II = [date(2026, 6, 26), date(2026, 7, 3), date(2026, 7, 7), date(2026, 7, 9), date(2026, 7, 10)]
LIST_DUE = [date(2026, 12, d) for d in (17, 24, 28, 30, 31)]


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


async def submit(app: App, initiative_id: int, clock: Clock, person_id: int, round_number: int) -> None:
    async with app.database.unit_of_work() as store:
        initiative = await store.initiative(initiative_id)
        assert initiative is not None
        rnd = next(r for r in await store.rounds() if r.year == 2026 and r.number == round_number)
        await change_status(
            store,
            initiative,
            Status.SUBMITTED,
            now=clock.now,
            by_person_id=person_id,
            receipt_no=f"SK-2026-{initiative_id:04d}",
            round_id=rnd.id,
        )


async def test_a_whole_campaign_year(app: App, clock: Clock) -> None:
    early = local(2026, 3, 3, 9)
    teacher = await add_person(app, "Nguyễn Văn An", "THCS-QT", "an")
    clerk = await add_person(app, "Lê Thị Hoa", "UBND-BS", "hoa")
    await add_person(app, "Phạm Quang Huy", "THCS-QT", "huy", roles=[Role.UNIT_HEAD])
    await add_person(app, "Đỗ Kim Dung", "TH-KD", "dung", roles=[Role.UNIT_HEAD])
    await add_person(app, "Vũ Bắc Sơn", "UBND-BS", "son", roles=[Role.UNIT_HEAD])
    await add_person(app, "Trịnh Thu Thảo", "P-NV", "thao", roles=[Role.SECRETARIAT])
    qr = await add_draft(app, teacher, "Ứng dụng mã QR tra cứu hồ sơ", early, field="education")
    await add_draft(app, clerk, "Số hóa sổ hộ tịch", early, field="admin_reform")

    recorder = Recorder()
    service = app.reminder_service(recorder)
    for day in days(date(2026, 3, 3), date(2026, 12, 31)):
        # Several ticks a day, as the interval job would run: nothing may be sent twice.
        for hour in (7, 8):
            await tick_at(service, clock, local(day.year, day.month, day.day, hour, 30))
        if day == date(2026, 4, 15):
            await submit(app, qr, clock, teacher, 1)
            await service.tick()

    def reminder_days(user: str, needle: str) -> list[date]:
        rows = [n.sent_at for n in sent_rows if n.sent_to == f"console:{user}" and needle in n.text]
        return [at.astimezone(HANOI).date() for at in rows]

    sent_rows = await notices(app)
    assert Counter(n.status for n in sent_rows) == {"sent": len(sent_rows)}
    assert len({n.key for n in sent_rows}) == len(sent_rows) == len(recorder.sent)

    # The teacher: the draft for round I (education) until it was submitted on 15/4.
    assert reminder_days("an", "Bản nháp chưa nộp") == ROUND_I[:2]
    assert "«Ứng dụng mã QR tra cứu hồ sơ»" in recorder.to("an")[0] and "còn 14 ngày" in recorder.to("an")[0]
    # The clerk's draft belongs to round II (other fields), reminded up to the morning of 10/7.
    assert reminder_days("hoa", "Bản nháp chưa nộp") == ROUND_II
    assert "hôm nay là hạn cuối" in recorder.to("hoa")[-1]
    # Unit heads: while their unit is at zero, before their sector's round.
    assert reminder_days("huy", "mới có 0/1") == ROUND_I[:2]
    assert reminder_days("dung", "mới có 0/1") == ROUND_I
    assert reminder_days("son", "mới có 0/1") == ROUND_II
    # The secretariat: a summary before each round, and the yearly list.
    summaries = [t for t in recorder.to("thao") if t.startswith("📊")]
    assert len(summaries) == 10
    assert "Trường Tiểu học Kim Đồng: 0" in summaries[0] and "Lĩnh vực cải cách hành chính: 0/5" in summaries[0]
    assert "Trường THCS Quang Trung: 1" in summaries[2] and "Hồ sơ đang chờ kiểm tra: 1" in summaries[2]
    assert "Đơn vị chưa có sáng kiến (1): Trường Tiểu học Kim Đồng" in summaries[2]
    assert reminder_days("thao", "danh sách sáng kiến được công nhận") == LIST_DUE
    assert reminder_days("dung", "danh sách sáng kiến được công nhận") == LIST_DUE
    # Every reminder went out at 08:00 local or later the same morning, never before.
    assert all(n.sent_at.astimezone(HANOI).hour == 8 for n in sent_rows)

    # Running the year again from a fresh process (restart) sends nothing more.
    recorder.clear()
    again = app.reminder_service(recorder)
    await tick_at(again, clock, local(2026, 12, 31, 20))
    assert recorder.sent == []


async def test_muted_people_still_get_their_own_draft_deadlines(app: App, clock: Clock) -> None:
    author = await add_person(app, "Nguyễn Văn An", "THCS-QT", "an", roles=[Role.UNIT_HEAD])
    await add_draft(app, author, "Sổ điểm điện tử", local(2026, 3, 3, 9))
    chat = Chat(app.core.handle, user_id="an")
    await chat.say("/tatthongbao")
    assert "Đã tắt các thông báo không bắt buộc" in chat.text

    recorder = Recorder()
    service = app.reminder_service(recorder)
    await tick_at(service, clock, local(2026, 4, 6))
    [reminder] = recorder.to("an")
    assert "Bản nháp chưa nộp: «Sổ điểm điện tử»" in reminder
    head_notice = await notices(app, kind="remind:unit_head")
    assert [n.status for n in head_notice] == ["muted"]

    await chat.say("/batthongbao")
    assert "Đã bật lại" in chat.text
    await tick_at(service, clock, local(2026, 4, 13))
    assert sum("mới có 0/1" in t for t in recorder.to("an")) == 1


async def test_blocked_unit_head_is_not_retried_and_is_reported(app: App, clock: Clock) -> None:
    await add_person(app, "Đỗ Kim Dung", "TH-KD", "dung", roles=[Role.UNIT_HEAD])
    await add_person(app, "Trịnh Thu Thảo", "P-NV", "thao", roles=[Role.SECRETARIAT])
    recorder = Recorder()
    recorder.blocked.add("dung")
    service = app.reminder_service(recorder)

    await tick_at(service, clock, local(2026, 4, 6))
    await tick_at(service, clock, local(2026, 4, 6, 9))
    reports = [t for t in recorder.to("thao") if "Không gửi được nhắc hạn tới thủ trưởng đơn vị Đỗ Kim Dung" in t]
    assert len(reports) == 1 and "Trường Tiểu học Kim Đồng" in reports[0]
    assert [n.status for n in await notices(app, kind="remind:unit_head")] == ["unreachable"]

    # Later reminders are not tried on the blocked account; the secretariat is told once per round.
    await tick_at(service, clock, local(2026, 4, 13))
    await tick_at(service, clock, local(2026, 4, 13, 9))
    assert recorder.attempts["dung"] == 1
    assert sum("Không gửi được" in t for t in recorder.to("thao")) == 1

    # Writing to the bot again means the block is gone: the next reminder reaches the unit head.
    recorder.blocked.clear()
    await Chat(app.core.handle, user_id="dung").say("/menu")
    await tick_at(service, clock, local(2026, 4, 17))
    assert any("mới có 0/1" in t for t in recorder.to("dung"))


async def test_retry_later_waits_and_a_reminder_never_goes_out_after_its_deadline(app: App, clock: Clock) -> None:
    await add_person(app, "Đỗ Kim Dung", "TH-KD", "dung", roles=[Role.UNIT_HEAD])
    recorder = Recorder()
    recorder.slow_down["dung"] = 3600
    service = app.reminder_service(recorder)
    await tick_at(service, clock, local(2026, 4, 20, 8, 0))  # the morning of the deadline
    assert recorder.to("dung") == []
    await tick_at(service, clock, local(2026, 4, 20, 8, 30))  # still waiting for the platform
    assert recorder.to("dung") == []
    await tick_at(service, clock, local(2026, 4, 20, 9, 1))
    assert len(recorder.to("dung")) == 1

    # Planned for the deadline morning but the platform kept asking to wait past midnight: dropped.
    await add_person(app, "Phạm Quang Huy", "THCS-QT", "huy", roles=[Role.UNIT_HEAD])
    async with app.database.unit_of_work() as store:
        await store.set_round_deadline(next(r.id for r in await store.rounds() if r.number == 1), date(2026, 4, 21))
    recorder.slow_down["huy"] = 20 * 3600
    await tick_at(service, clock, local(2026, 4, 21, 8, 0))
    await tick_at(service, clock, local(2026, 4, 22, 5, 0))
    assert recorder.to("huy") == []
    rows = [n for n in await notices(app, kind="remind:unit_head") if "Trường THCS Quang Trung" in n.text]
    assert [n.status for n in rows] == ["expired"]


class ScoringDue:
    """What the review feature will plug in: council members with scoring still due."""

    def __init__(self, person_id: int) -> None:
        self.person_id = person_id

    async def notices(self, store: Store, config: FlowConfig, now: datetime) -> list[NoticeSpec]:
        return [
            NoticeSpec(
                key=f"remind:council|p{self.person_id}|round:1|{now.date()}",
                kind="remind:council",
                text="Anh/Chị còn 2 sáng kiến chưa chấm điểm.",
                due_at=now,
                person_id=self.person_id,
            )
        ]


async def test_other_features_add_reminders_through_a_source(app: App, clock: Clock) -> None:
    member = await add_person(app, "Hoàng Hội Đồng", "P-NV", "hd", roles=[Role.COUNCIL])
    app.reminder_sources.append(ScoringDue(member))
    recorder = Recorder()
    service = app.reminder_service(recorder)
    await service.tick()
    await service.tick()
    assert recorder.to("hd") == ["Anh/Chị còn 2 sáng kiến chưa chấm điểm."]


async def test_a_deadline_moved_away_and_back_keeps_its_pending_reminder(app: App, clock: Clock) -> None:
    await add_person(app, "Đỗ Kim Dung", "TH-KD", "dung", roles=[Role.UNIT_HEAD])
    recorder = Recorder()
    recorder.slow_down["dung"] = 3 * 3600  # the morning's reminder is still waiting for the platform
    service = app.reminder_service(recorder)
    await tick_at(service, clock, local(2026, 4, 13, 8, 0))  # 7 days before 20/4: planned, not yet sent
    async with app.database.unit_of_work() as store:
        round_one = next(r.id for r in await store.rounds() if r.number == 1)
        await store.set_round_deadline(round_one, date(2026, 4, 27))
    await tick_at(service, clock, local(2026, 4, 13, 8, 30))
    async with app.database.unit_of_work() as store:
        await store.set_round_deadline(round_one, date(2026, 4, 20))
    recorder.slow_down.pop("dung", None)
    await tick_at(service, clock, local(2026, 4, 13, 12, 0))
    sent = recorder.to("dung")
    assert len(sent) == 1 and "20/04/2026" in sent[0]


async def test_a_dead_sweepers_claims_are_taken_over_once_its_heartbeat_is_stale(app: App, clock: Clock) -> None:
    from scheduler.sweeper import Sweeper
    from storage.intake import SqlIntake
    from storage.notices import SqlNoticeQueue

    await add_person(app, "Đỗ Kim Dung", "TH-KD", "dung", roles=[Role.UNIT_HEAD])
    clock.now = local(2026, 4, 13, 8, 0)
    async with app.database.unit_of_work() as store:
        await store.enqueue(
            NoticeSpec(key="k1", kind="remind:unit_head", text="Nhắc", due_at=clock.now, person_id=None)
        )
    queue = SqlNoticeQueue(app.database, timedelta(seconds=15))
    dead = SqlIntake(app.database, "dead-worker")
    await dead.beat(clock.now)
    taken = await queue.claim("dead-worker", clock.now, 10, timedelta(minutes=10))
    assert [n.key for n in taken] == ["k1"]
    # While the worker beats, nobody else takes its claim, however long it holds it.
    assert await queue.claim("other", clock.now + timedelta(seconds=10), 10, timedelta(minutes=10)) == []
    # It died: 20 s without a beat, long before the 10-minute lease, the claim is taken over.
    recorder = Recorder()
    survivor = Sweeper(queue, app.database.unit_of_work, recorder, clock, worker="other")
    clock.now += timedelta(seconds=20)
    again = await queue.claim(survivor.worker, clock.now, 10, timedelta(minutes=10))
    assert [n.key for n in again] == ["k1"]


async def test_deadline_reminders_that_expire_unsent_are_reported_to_the_secretariat_once(
    app: App, clock: Clock, tmp_path: Path
) -> None:
    author = await add_person(app, "Nguyễn Văn An", "THCS-QT", "an")
    await add_draft(app, author, "Sổ điểm điện tử", local(2026, 3, 3, 9), field="education")
    await add_person(app, "Đỗ Kim Dung", "TH-KD", "dung", roles=[Role.UNIT_HEAD])
    await add_person(app, "Phạm Quang Huy", "THCS-QT", "huy", roles=[Role.UNIT_HEAD])
    await add_person(app, "Trịnh Thu Thảo", "P-NV", "thao", roles=[Role.SECRETARIAT])
    await add_person(app, "Lê Văn Bình", "P-NV", "binh", roles=[Role.SECRETARIAT])
    # Another recognising body's secretariat: not theirs to hear about.
    other = tmp_path / "other_body.yaml"
    other.write_text(
        "bodies:\n  - {code: XA-B, name: UBND xã Bình,\n"
        "     units: [{code: XA-B-VP, name: Văn phòng xã Bình, sector: other}]}\n",
        encoding="utf-8",
    )
    await app.seed(other)
    await add_person(app, "Hà Văn Khác", "XA-B-VP", "khac", roles=[Role.SECRETARIAT])
    recorder = Recorder()
    # On the deadline day (20/4) the platform keeps refusing two of the recipients until past midnight.
    recorder.down |= {"an", "dung"}
    service = app.reminder_service(recorder)
    replica = app.reminder_service(recorder, worker="replica-2")
    for hour in range(8, 24):
        await tick_at(service, clock, local(2026, 4, 20, hour, 0))
    assert recorder.to("an") == recorder.to("dung") == []
    assert any("mới có 0/1" in t for t in recorder.to("huy"))
    assert not any("⚠️" in t for t in recorder.to("thao"))  # nothing reported while they may still go out

    # Past the end of the deadline day: expired, kept as such, and reported once, whoever sweeps.
    for moment in (local(2026, 4, 21, 0, 1), local(2026, 4, 21, 0, 2), local(2026, 4, 21, 8, 0)):
        await tick_at(service, clock, moment)
        await tick_at(replica, clock, moment)
    expired = await notices(app, status="expired")
    assert sorted(n.kind for n in expired) == ["remind:author", "remind:unit_head"]
    for secretary in ("thao", "binh"):
        [report] = [t for t in recorder.to(secretary) if t.startswith("⚠️")]
        assert "Có 2 nhắc hạn nộp sáng kiến của" in report and "(hạn 20/04/2026)" in report
        assert "• Nguyễn Văn An — cán bộ có sáng kiến chưa nộp xong" in report
        assert "• Đỗ Kim Dung — thủ trưởng đơn vị Trường Tiểu học Kim Đồng" in report
        assert "Phạm Quang Huy" not in report and "Thường trực Hội đồng" not in report.split("\n", 1)[1]
    assert recorder.to("an") == recorder.to("dung") == []  # never sent late
    assert len(await notices(app, kind="report:missed")) == 2
    assert recorder.to("khac") == []

    # A restarted process sweeping later reports nothing more.
    again = app.reminder_service(recorder)
    await tick_at(again, clock, local(2026, 4, 21, 9, 0))
    assert len(await notices(app, kind="report:missed")) == 2


async def test_nothing_is_reported_when_every_deadline_reminder_went_out(app: App, clock: Clock) -> None:
    author = await add_person(app, "Nguyễn Văn An", "THCS-QT", "an")
    await add_draft(app, author, "Sổ điểm điện tử", local(2026, 3, 3, 9), field="education")
    await add_person(app, "Đỗ Kim Dung", "TH-KD", "dung", roles=[Role.UNIT_HEAD])
    await add_person(app, "Trịnh Thu Thảo", "P-NV", "thao", roles=[Role.SECRETARIAT])
    recorder = Recorder()
    recorder.slow_down["dung"] = 3600  # late, but on the day
    service = app.reminder_service(recorder)
    for moment in (local(2026, 4, 20, 8, 0), local(2026, 4, 20, 10, 0), local(2026, 4, 21, 0, 5)):
        await tick_at(service, clock, moment)
    await tick_at(service, clock, local(2026, 4, 21, 8, 0))
    assert len(recorder.to("an")) == len(recorder.to("dung")) == 1
    assert await notices(app, status="expired") == []
    assert await notices(app, kind="report:missed") == []
    assert not any("⚠️" in t for t in recorder.to("thao"))


async def test_the_interval_job_sweeps_every_run_and_plans_every_plan_interval(app: App, clock: Clock) -> None:
    await add_person(app, "Đỗ Kim Dung", "TH-KD", "dung", roles=[Role.UNIT_HEAD])
    recorder = Recorder()
    service = app.reminder_service(recorder)
    assert service.plan_interval_seconds == 300
    clock.now = local(2026, 4, 6, 7, 59)
    await service._job()  # plans: nothing due before 08:00 yet
    clock.now = local(2026, 4, 6, 8, 2)
    await service._job()  # 3 minutes later: sweeps only, so the 08:00 reminder is not planned yet
    assert recorder.to("dung") == []
    clock.now = local(2026, 4, 6, 8, 4)
    await service._job()  # 5 minutes after the last planning pass: plans and sends
    [reminder] = recorder.to("dung")
    assert "20/04/2026" in reminder
    clock.now = local(2026, 4, 6, 8, 5)
    await service._job()
    assert len(recorder.to("dung")) == 1


class SlowFirst(Recorder):
    """A platform slow to accept the first message it is given."""

    async def send(self, channel: str, user_id: str, reply: Reply) -> None:
        if not self.sent and not self.attempts:
            self.attempts["slow"] += 1
            await asyncio.sleep(0.05)
        await super().send(channel, user_id, reply)


async def test_notices_to_one_account_without_a_person_go_out_in_order(app: App, clock: Clock) -> None:
    """An anonymous suggestion's sender is told by account only (no person on the notice): their notices too go
    out one after another, in order, while other recipients' go on in parallel."""
    async with app.database.unit_of_work() as store:
        identity = await store.identity("console", "an-danh")
        other = await store.identity("console", "khac")
        for n, text in enumerate(("một", "hai", "ba")):
            await store.enqueue(
                NoticeSpec(key=f"t|{n}", kind="test", text=text, due_at=clock.now, identity_id=identity.id)
            )
        await store.enqueue(NoticeSpec(key="t|o", kind="test", text="khác", due_at=clock.now, identity_id=other.id))
    recorder = SlowFirst()
    await Sweeper(SqlNoticeQueue(app.database), app.database.unit_of_work, recorder, clock).sweep()
    assert recorder.to("an-danh") == ["một", "hai", "ba"]
    assert recorder.to("khac") == ["khác"]


async def test_a_single_body_secretariat_summary_names_no_body(app: App, clock: Clock) -> None:
    await add_person(app, "Trịnh Thu Thảo", "P-NV", "thao", roles=[Role.SECRETARIAT])
    recorder = Recorder()
    await tick_at(app.reminder_service(recorder), clock, local(2026, 4, 6))
    summaries = [t.split("\n")[0] for t in recorder.to("thao") if t.startswith("📊")]
    assert summaries and all(" của " not in s and "năm 2026 — hạn" in s for s in summaries), summaries
