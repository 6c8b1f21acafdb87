"""Whole conversations through the neutral types: registration, the M-02 wizard, submit, my list."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from storage.models import InitiativeRow, PersonRow, StatusChangeRow
from tests.support import Chat, Clock


async def register(chat: Chat, name: str = "Nguyễn Văn An", unit: str = "Quang Trung") -> None:
    await chat.say("/start")
    assert "đăng ký" in chat.text
    await chat.say(name)
    await chat.say(unit)
    await chat.say("Giáo viên")
    await chat.press("Bỏ qua")
    assert "Thông tin đăng ký" in chat.text
    await chat.press("Xác nhận")
    assert "Đăng ký xong" in chat.text


async def fill_until_summary(chat: Chat) -> None:
    await chat.say("/moi")
    assert "Tên sáng kiến" in chat.text
    await chat.say("Ứng dụng mã QR tra cứu tiến độ hồ sơ một cửa")
    await chat.press("Trường THCS Quang Trung")  # recipient: own unit
    await chat.say("15/08/1985")
    await chat.say("Cử nhân Sư phạm Toán")
    assert "đồng tác giả" in chat.text
    await chat.press("Có")
    await chat.say("Trần Thị Bình")
    await chat.say("02-09-1990")
    await chat.say("Trường THCS Quang Trung")
    await chat.say("Giáo viên")
    await chat.say("Cử nhân Tin học")
    assert "Số điện thoại của đồng tác giả" in chat.text
    await chat.press("Bỏ qua")
    assert "Còn đồng tác giả" in chat.text
    await chat.press("Không")
    assert "Tỷ lệ" in chat.text
    await chat.say("60; 40")
    await chat.press("Tác giả đồng thời là chủ đầu tư")
    await chat.say("giao duc")  # field typed without diacritics
    await chat.say("2")  # solution type by number: management
    await chat.say("05/09/2025")
    await chat.say("Trước đây học sinh phải đến văn phòng để hỏi kết quả, mất nhiều thời gian.")
    await chat.say("Bước 1: in mã QR; Bước 2: quét mã; Bước 3: cập nhật trạng thái. Điểm mới: tự tra cứu.")
    await chat.say("Đã áp dụng tại trường từ tháng 9/2025; có thể áp dụng cho các trường khác.")
    await chat.say("Máy tính, máy in, không phát sinh kinh phí.")
    await chat.say("Giảm 70% số lần hỏi trực tiếp, tiết kiệm 20 giờ mỗi tháng.")
    await chat.say("15 triệu")
    await chat.press("Bỏ qua")  # benefit by users
    await chat.press("Không")  # participants
    await chat.press("Bỏ qua")  # confidential
    await chat.press("có thể công khai")
    assert "Tài liệu đính kèm" in chat.text
    await chat.send_file("quy-trinh.pdf", b"%PDF-1.4 test")
    assert "Đã nhận tệp «quy-trinh.pdf»" in chat.text
    await chat.press("Xong")
    assert "cam đoan" in chat.text
    await chat.press("Tôi xin cam đoan")


async def test_whole_submission(app: App, clock: Clock) -> None:
    chat = Chat(app.core.handle)
    await register(chat)
    await fill_until_summary(chat)
    summary = chat.text
    assert "BẢN TÓM TẮT" in summary
    assert "Trần Thị Bình" in summary and "60%; 40%" in summary
    assert "15.000.000 đ" in summary and "05/09/2025" in summary
    assert "Giải pháp quản lý" in summary and "Giáo dục và đào tạo" in summary
    await chat.press("Nộp đơn")
    assert "Số biên nhận: SK-2026-0001" in chat.text
    assert "Đợt I năm 2026" in chat.text and "20/04/2026" in chat.text
    assert "10:00 ngày 03/03/2026" in chat.text

    async with app.database.unit_of_work() as store:
        rows = (await store.session.execute(select(InitiativeRow))).scalars().all()
        assert len(rows) == 1
        row = rows[0]
        assert row.status == "submitted" and row.receipt_no == "SK-2026-0001"
        assert row.data["coauthors"][0]["birth_date"] == "1990-09-02"
        assert row.data["shares"] == ["60", "40"]
        assert row.data["attachments"][0]["name"] == "quy-trinh.pdf"
        history = (await store.session.execute(select(StatusChangeRow.new_status))).scalars().all()
        assert history == ["draft", "submitted"]

    await chat.say("/cuatoi")
    assert "SK-2026-0001" in chat.options[0]
    await chat.press("SK-2026-0001")
    assert "Trạng thái: Đã nộp, chờ tiếp nhận hồ sơ" in chat.text
    assert "Ứng dụng mã QR" in chat.text


async def test_registration_admin_from_settings(app: App) -> None:
    chat = Chat(app.core.handle, user_id="900")
    await register(chat, name="Quản Trị Viên")
    async with app.database.unit_of_work() as store:
        person = (await store.session.execute(select(PersonRow))).scalars().one()
        assert "admin" in (await store.person(person.id)).roles
