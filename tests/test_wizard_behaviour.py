"""The wizard's promises: bad input is explained and loses nothing; back, help, edit, cancel and resume
work at every step; restarts, redeliveries and concurrent writers change nothing they should not."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import App
from handlers.types import Inbound
from storage.models import ConversationRow, InitiativeRow, ProcessedEventRow
from tests.support import REGISTRATION_SCRIPT, WIZARD_SCRIPT, Chat, Clock, play, wizard_script


async def draft_data(app: App) -> dict:
    async with app.database.unit_of_work() as store:
        row = (await store.session.execute(select(InitiativeRow))).scalars().one()
        return dict(row.data)


async def test_bad_answers_are_explained_and_nothing_is_lost(app: App) -> None:
    chat = Chat(app.core.handle)
    await play(chat, REGISTRATION_SCRIPT + WIZARD_SCRIPT[:2])
    await chat.say("1")  # recipient
    for bad, message in [
        ("31/02/1985", "không tồn tại"),
        ("ngày mai", "định dạng"),
        ("   ", "trống"),
        ("\u200b\u200f", "trống"),
    ]:
        await chat.say(bad)
        assert message in chat.text, chat.text
        assert "Ngày tháng năm sinh" in chat.text  # the question is asked again
    await chat.send_sticker()
    assert "bằng chữ" in chat.text and "Ngày tháng năm sinh" in chat.text
    await chat.send_file("anh.pdf", b"%PDF")
    assert "Tài liệu đính kèm" in chat.text
    await chat.say("/khongco")
    assert "Không có lệnh «/khongco»" in chat.text and "Ngày tháng năm sinh" in chat.text
    data = await draft_data(app)
    assert data["title"] == "Ứng dụng mã QR tra cứu tiến độ hồ sơ"
    assert "author_birth_date" not in data

    await chat.say("15/08/1985")
    await chat.say("Cử nhân")
    await chat.say("không")
    await chat.say("1")
    await chat.say("1")
    await chat.say("2")
    await chat.say("20/04/2024")  # more than a year ago: a warning to confirm
    assert "đã quá 1 năm" in chat.text
    await chat.press("Nhập lại")
    assert "áp dụng lần đầu" in chat.text
    await chat.say("01/01/2027")  # in the future: refused, an initiative must already be applied
    assert "tương lai" in chat.text and "áp dụng lần đầu" in chat.text and chat.options == []
    await chat.say("05/09/2025")
    assert "(1/3)" in chat.text
    await chat.say("x" * 10_000)
    assert "3.500" in chat.text and "10.000" in chat.text
    await chat.say("Trạng thái trước đây 😀 có nhiều hạn chế\u202e trong khâu tiếp nhận.")
    assert "(2/3)" in chat.text
    data = await draft_data(app)
    assert data["current_state"] == "Trạng thái trước đây 😀 có nhiều hạn chế trong khâu tiếp nhận."
    assert data["first_applied"] == "2025-09-05"


async def test_names_refuse_emoji_and_digits(app: App) -> None:
    chat = Chat(app.core.handle)
    await chat.say("/start")
    await chat.say("An 😀")
    assert "biểu tượng" in chat.text or "emoji" in chat.text.lower()
    await chat.say("Nguyen Van 2")
    assert "Họ và tên" in chat.text
    await chat.say("Nguyễn Văn An")
    assert "đơn vị nào" in chat.text
    await chat.say("Trường không có")
    assert "Không tìm thấy đơn vị" in chat.text


async def test_back_help_and_edit_from_summary(app: App) -> None:
    chat = Chat(app.core.handle)
    await play(chat, REGISTRATION_SCRIPT + WIZARD_SCRIPT[:4])
    await chat.say("/trogiup")
    assert "Ví dụ" in chat.text and "Trình độ chuyên môn" in chat.text
    await chat.say("/quaylai")
    assert "Ngày tháng năm sinh" in chat.text and "Đang lưu: «15/08/1985»" in chat.text
    await chat.press("Giữ nguyên")
    assert "Trình độ chuyên môn" in chat.text
    await play(chat, WIZARD_SCRIPT[4:22])
    assert "BẢN TÓM TẮT" in chat.text
    await chat.press("Sửa một mục")
    await chat.press("Tên sáng kiến")
    assert "Đang lưu: «Ứng dụng mã QR" in chat.text
    await chat.say("Số hóa sổ theo dõi hồ sơ một cửa")
    assert "BẢN TÓM TẮT" in chat.text and "Số hóa sổ theo dõi" in chat.text
    # Adding a co-author after the fact asks for the shares again before the summary.
    await chat.press("Sửa một mục")
    await chat.press("Đồng tác giả")
    await chat.press("Có")
    for answer in ["Trần Thị Bình", "02/09/1990", "Trường THCS Quang Trung", "Giáo viên", "Cử nhân", "bỏ qua"]:
        await chat.say(answer)
    await chat.press("Không")
    assert "Tỷ lệ (%)" in chat.text
    await chat.say("50; 40")
    assert "tổng" in chat.text.lower() and "90" in chat.text
    await chat.say("70; 30")
    assert "BẢN TÓM TẮT" in chat.text and "70%; 30%" in chat.text
    await chat.press("Nộp đơn")
    assert "SK-2026-0001" in chat.text


async def test_cancel_keeps_the_draft_and_resume_continues_where_left(app: App) -> None:
    chat = Chat(app.core.handle)
    await play(chat, REGISTRATION_SCRIPT + WIZARD_SCRIPT[:6])
    await chat.say("/huy")
    assert "vẫn được lưu" in chat.text
    await chat.say("xin chào")
    assert chat.options[0] == "Nộp sáng kiến mới"  # the fixed entries keep their numbers
    assert "Tiếp tục bản nháp: Ứng dụng mã QR" in chat.options[-1]
    await chat.say("/moi")
    await chat.press("Tiếp tục bản nháp")
    assert "Tiếp tục bản nháp «Ứng dụng mã QR" in chat.text and "Chủ đầu tư" in chat.text
    await play(chat, WIZARD_SCRIPT[6:])
    async with app.database.unit_of_work() as store:
        assert len((await store.session.execute(select(InitiativeRow))).scalars().all()) == 1


async def test_restart_mid_wizard_loses_nothing(app: App, settings, clock: Clock, database_url) -> None:
    chat = Chat(app.core.handle)
    await play(chat, REGISTRATION_SCRIPT + WIZARD_SCRIPT[:12])
    await app.close()
    # A new process on the same database: the user carries on with the next answer.
    reborn = App(settings, clock=clock, engine_kwargs=database_url[1])
    await reborn.prepare()
    try:
        again = Chat(reborn.core.handle)
        again._event = 1000
        await play(again, WIZARD_SCRIPT[12:])
        data = await draft_data(reborn)
        assert data["title"] == "Ứng dụng mã QR tra cứu tiến độ hồ sơ"
        assert data["content"].startswith("Bước 1: in mã QR")
    finally:
        await reborn.close()


async def test_two_users_interleaved(app: App) -> None:
    first, second = Chat(app.core.handle, "201"), Chat(app.core.handle, "202")
    scripts = zip(REGISTRATION_SCRIPT + WIZARD_SCRIPT, REGISTRATION_SCRIPT + wizard_script(1), strict=True)
    for (text, expected), (other, _) in scripts:
        await first.say(text)
        assert expected in first.text
        await second.say(other.replace("Nguyễn Văn An", "Lê Thị Hoa"))
        assert expected in second.text
    assert "SK-2026-0001" in first.text and "SK-2026-0002" in second.text


async def test_redelivered_event_changes_nothing(app: App) -> None:
    chat = Chat(app.core.handle)
    await play(chat, REGISTRATION_SCRIPT + WIZARD_SCRIPT[:2])
    title = Inbound("console", "100", text="Một tên khác hẳn", event_id="tg-777")
    await app.core.handle(Inbound("console", "100", text="1", event_id="tg-776"))
    first = await app.core.handle(title)
    again = await app.core.handle(title)
    assert first.replies and again.replies == []
    async with app.database.unit_of_work() as store:
        events = (await store.session.execute(select(ProcessedEventRow))).scalars().all()
        assert len([e for e in events if e.event_id == "tg-777"]) == 1


async def test_concurrent_updates_of_one_user_never_corrupt_the_draft(app: App) -> None:
    chat = Chat(app.core.handle)
    await play(chat, REGISTRATION_SCRIPT + WIZARD_SCRIPT[:3])
    # Two replicas receive two answers of the same user at once: each is applied once, in some order.
    answers = [
        Inbound("console", "100", text="15/08/1985", event_id="a"),
        Inbound("console", "100", text="Cử nhân Luật", event_id="b"),
    ]
    await asyncio.gather(*(app.core.handle(a) for a in answers))
    async with app.database.unit_of_work() as store:
        conversation = (await store.session.execute(select(ConversationRow))).scalars().one()
    data = await draft_data(app)
    assert data.get("author_birth_date") == "1985-08-15"
    # The second answer was read against the state the first one left: as a qualification, or refused as
    # a date, never lost silently.
    assert data.get("author_qualification") in (None, "Cử nhân Luật")
    assert conversation.version >= 2


async def test_receipt_numbers_are_unique_when_many_submit_at_once(app: App) -> None:
    chats = [Chat(app.core.handle, str(300 + i)) for i in range(6)]
    for i, chat in enumerate(chats):  # six different initiatives: none is held back as a copy of another
        await play(chat, (REGISTRATION_SCRIPT + wizard_script(i))[:-1])
    await asyncio.gather(*(chat.say("1") for chat in chats))
    async with app.database.unit_of_work() as store:
        receipts = [r.receipt_no for r in (await store.session.execute(select(InitiativeRow))).scalars()]
    assert sorted(receipts) == [f"SK-2026-{i:04d}" for i in range(1, 7)]


async def test_late_submission_goes_to_next_round(app: App, clock: Clock) -> None:
    clock.now = datetime(2026, 8, 1, 3, 0, tzinfo=UTC)  # round II (other fields) closed on 10/7
    chat = Chat(app.core.handle)
    registration = [(t.replace("Quang Trung", "Bắc Sơn"), e) for t, e in REGISTRATION_SCRIPT]
    await play(chat, registration + WIZARD_SCRIPT)
    assert "Đợt II năm 2027" in chat.text and "hạn nộp của đợt phù hợp đã qua" in chat.text


async def test_withdraw_before_review(app: App) -> None:
    chat = Chat(app.core.handle)
    await play(chat, REGISTRATION_SCRIPT + WIZARD_SCRIPT)
    await chat.say("/cuatoi")
    await chat.press("SK-2026-0001")
    await chat.press("Rút đơn")
    assert "chắc chắn" in chat.text
    await chat.press("Có, rút đơn")
    assert "Đã rút đơn SK-2026-0001" in chat.text
    assert "Đã rút đơn" in chat.options[0]


async def test_unregistered_user_is_asked_to_register_first(app: App) -> None:
    chat = Chat(app.core.handle, "555")
    await chat.say("/moi")
    assert "cần đăng ký" in chat.text and "Họ và tên" in chat.text


async def test_attachments_are_checked_and_kept(app: App) -> None:
    chat = Chat(app.core.handle)
    await play(chat, REGISTRATION_SCRIPT + WIZARD_SCRIPT[:20])
    assert "Tài liệu đính kèm" in chat.text
    await chat.send_file("virus.exe", b"MZ")
    assert "chỉ nhận ảnh, PDF, Word hoặc Excel" in chat.text and "Tài liệu đính kèm" in chat.text
    await chat.send_file("to.pdf", b"", size=50 * 1024 * 1024)
    assert "quá lớn (50 MB)" in chat.text and "10 MB" in chat.text and "10,0" not in chat.text
    for i in range(10):
        await chat.send_file(f"tep-{i}.pdf", f"%PDF {i}".encode())
        assert f"Đã nhận tệp «tep-{i}.pdf»" in chat.text
    await chat.send_file("tep-11.pdf", b"%PDF 11")
    assert "Đã đủ 10 tệp" in chat.text
    await chat.press("Xong")
    data = await draft_data(app)
    assert [f["name"] for f in data["attachments"]] == [f"tep-{i}.pdf" for i in range(10)]
    assert await app.files.get(hashlib.sha256(b"%PDF 3").hexdigest()) == b"%PDF 3"


async def test_a_button_under_an_older_question_answers_nothing(app: App) -> None:
    """Keyboards stay on the screen after a press; a button of an older question must not answer the current
    one, even when its value is one of the current question's (here both are numbered lists)."""
    chat = Chat(app.core.handle)
    await play(chat, REGISTRATION_SCRIPT + WIZARD_SCRIPT[:6])
    assert "Chủ đầu tư" in chat.text
    investor = chat.replies
    first = next(r for r in investor if r.options).options[0]
    await chat.press(first.label)
    assert "Lĩnh vực" in chat.text
    before = await draft_data(app)
    await chat.press(first.label, investor)
    assert "câu hỏi cũ" in chat.text and "Lĩnh vực" in chat.text
    assert await draft_data(app) == before
    field_question = chat.replies  # asked again, with buttons of its own
    # The same button pressed twice (a double tap): the second press is of a question already answered.
    sector = next(r for r in field_question if r.options).options[0]
    await chat.press(sector.label, field_question)
    assert "loại giải pháp" in chat.text
    answered = await draft_data(app)
    await chat.press(sector.label, field_question)
    assert "câu hỏi cũ" in chat.text and "loại giải pháp" in chat.text
    assert await draft_data(app) == answered
