"""The suggestion channel (hiến kế), whole conversations through the neutral types: sending (named and
anonymous), forwarding, answering, clarification, rating, closing, hiding, reminders, the idea bank."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.settings import Settings
from bot.suggestion_config import suggestion_config
from handlers.domain import Role
from handlers.suggestions.bank import public_suggestions
from handlers.suggestions.reminders import run_suggestion_jobs
from handlers.suggestions.seal import Sealer
from storage.models import InitiativeRow, NoticeRow, PersonRow, SuggestionEventRow, SuggestionRow
from tests.support import Chat, Clock

CONTENT = (
    "Nhắn tin báo kết quả hồ sơ một cửa\n"
    "Hiện nay người dân phải gọi điện hỏi nhiều lần; đề nghị gửi tin nhắn khi hồ sơ có kết quả."
)


async def register(chat: Chat, name: str, unit: str, phone: str | None = None) -> None:
    await chat.say("/start")
    await chat.say(name)
    await chat.say(unit)
    await chat.say("Chuyên viên")
    if phone:
        await chat.say(phone)
    else:
        await chat.press("Bỏ qua")
    await chat.press("Xác nhận")
    assert "Đăng ký xong" in chat.text


async def person_id(app: App, name: str) -> int:
    async with app.database.unit_of_work() as store:
        return (await store.session.execute(select(PersonRow.id).where(PersonRow.full_name == name))).scalar_one()


async def grant(app: App, name: str, role: Role) -> None:
    pid = await person_id(app, name)
    async with app.database.unit_of_work() as store:
        await store.grant_role(pid, role)


async def send_suggestion(
    chat: Chat, *, anonymous: bool = False, publish: bool = True, content: str = CONTENT, topic: str = "Chuyển đổi số"
) -> str:
    await chat.say("/hienke")
    if "Gửi hiến kế mới" in chat.options:
        await chat.press("Gửi hiến kế mới")
    assert "chủ đề" in chat.text
    await chat.press(topic)
    assert "nội dung hiến kế" in chat.text
    await chat.say(content)
    assert "ảnh hoặc tài liệu" in chat.text
    await chat.press("Xong")
    assert "ẩn danh" in chat.text
    await chat.press("Gửi ẩn danh" if anonymous else "Gửi kèm họ tên")
    await chat.press("Đồng ý công khai" if publish else "Không công khai")
    assert "HIẾN KẾ CỦA ANH/CHỊ" in chat.text
    await chat.press("Gửi hiến kế")
    assert "Mã theo dõi: HK-2026-" in chat.text
    return chat.text.split("Mã theo dõi: ")[1].split("\n")[0]


async def notices(app: App) -> list[NoticeRow]:
    async with app.database.unit_of_work() as store:
        return list((await store.session.execute(select(NoticeRow).order_by(NoticeRow.id))).scalars())


async def suggestion_row(app: App, code: str) -> SuggestionRow:
    async with app.database.unit_of_work() as store:
        return (await store.session.execute(select(SuggestionRow).where(SuggestionRow.code == code))).scalar_one()


async def people(app: App) -> tuple[Chat, Chat, Chat]:
    """A civil servant, the secretariat and the head of Phòng Nội vụ, registered."""
    sender = Chat(app.core.handle, user_id="100")
    secretary = Chat(app.core.handle, user_id="200")
    head = Chat(app.core.handle, user_id="300")
    await register(sender, "Nguyễn Văn An", "Quang Trung")
    await register(secretary, "Lê Thị Thư", "Bắc Sơn")
    await register(head, "Phạm Văn Trưởng", "Nội vụ")
    await grant(app, "Lê Thị Thư", Role.SECRETARIAT)
    await grant(app, "Phạm Văn Trưởng", Role.UNIT_HEAD)
    return sender, secretary, head


async def test_named_suggestion_forwarded_answered_rated_and_clarified(app: App, clock: Clock) -> None:
    sender, secretary, head = await people(app)
    code = await send_suggestion(sender)
    assert code == "HK-2026-0001"
    assert "Hạn trả lời: 18/03/2026" in sender.text  # 15 days from 03/03/2026

    row = await suggestion_row(app, code)
    assert row.status == "new" and row.person_id == await person_id(app, "Nguyễn Văn An")
    assert row.topic == "Chuyển đổi số" and row.content == CONTENT and row.publishable
    new_notice = [n for n in await notices(app) if n.person_id == await person_id(app, "Lê Thị Thư")]
    assert len(new_notice) == 1 and code in new_notice[0].text and "/xulyhienke" in new_notice[0].text

    # The secretariat sees who sent it and forwards it to Phòng Nội vụ.
    await secretary.say("/xulyhienke")
    assert "Hiến kế đang mở (1)" in secretary.text
    await secretary.press(code)
    assert "Người gửi: Nguyễn Văn An — Chuyên viên, Trường THCS Quang Trung" in secretary.text
    assert "Nhắn tin báo kết quả" in secretary.text
    await secretary.press("Chuyển đơn vị trả lời")
    await secretary.press("Phòng Nội vụ")
    assert f"Đã chuyển hiến kế {code} đến Phòng Nội vụ." in secretary.text
    assert "Trạng thái: Đang được đơn vị xử lý" in secretary.text

    head_id = await person_id(app, "Phạm Văn Trưởng")
    sender_id = await person_id(app, "Nguyễn Văn An")
    rows = await notices(app)
    assert any(n.person_id == head_id and code in n.text and "Phòng Nội vụ" in n.text for n in rows)
    assert any(n.person_id == sender_id and "đã được chuyển đến Phòng Nội vụ" in n.text for n in rows)

    # The unit head answers, after a preview.
    await head.say("/xulyhienke")
    assert "Hiến kế chuyển đến Phòng Nội vụ (1)" in head.text
    await head.press(code)
    await head.press("Trả lời")
    await head.say("Cảm ơn Anh. Từ tháng 4/2026 bộ phận một cửa sẽ gửi tin nhắn SMS khi có kết quả.")
    assert "Câu trả lời sẽ gửi" in head.text
    await head.press("Gửi trả lời")
    assert f"Đã gửi câu trả lời cho hiến kế {code}." in head.text
    assert "Trạng thái: Đã trả lời" in head.text and "Không tìm thấy" not in head.text
    row = await suggestion_row(app, code)
    assert row.status == "answered" and row.answered_by_person_id == head_id
    answer_notice = [n for n in await notices(app) if n.person_id == sender_id and "đã có câu trả lời" in n.text]
    assert len(answer_notice) == 1 and "Phòng Nội vụ" in answer_notice[0].text
    assert "gửi tin nhắn SMS" in answer_notice[0].text and answer_notice[0].essential

    # The sender sees the answer, rates it, and asks for clarification once.
    await sender.say("/hienke")
    await sender.press(code)
    assert "Trạng thái: Đã trả lời" in sender.text and "gửi tin nhắn SMS" in sender.text
    await sender.press("Đánh giá câu trả lời")
    await sender.press("4 —")
    assert "Cảm ơn Anh/Chị đã đánh giá (4/5)" in sender.text
    assert (await suggestion_row(app, code)).rating == 4
    assert any(n.person_id == head_id and "4/5" in n.text for n in await notices(app))
    assert "Đánh giá câu trả lời" not in sender.options
    await sender.press("Đề nghị làm rõ")
    await sender.say("Tin nhắn có mất phí không ạ?")
    assert f"Đã gửi đề nghị làm rõ hiến kế {code}" in sender.text
    assert "Đề nghị làm rõ câu trả lời" not in sender.options
    row = await suggestion_row(app, code)
    assert row.status == "clarify" and row.clarification == "Tin nhắn có mất phí không ạ?"
    assert any(n.person_id == head_id and "mất phí" in n.text for n in await notices(app))

    await head.say("/xulyhienke")
    await head.press(code)
    await head.press("Trả lời đề nghị làm rõ")
    await head.say("Không mất phí: kinh phí do ngân sách chi trả.")
    await head.press("Gửi trả lời")
    row = await suggestion_row(app, code)
    assert row.status == "answered" and row.clarification_answer.startswith("Không mất phí")
    assert row.answer.startswith("Cảm ơn Anh")
    assert any(n.person_id == sender_id and "Không mất phí" in n.text for n in await notices(app))

    await sender.say("/hienke")
    await sender.press(code)
    assert "Trả lời phần làm rõ:\nKhông mất phí" in sender.text
    assert "Đề nghị làm rõ câu trả lời" not in sender.options

    async with app.database.unit_of_work() as store:
        actions = (await store.session.execute(select(SuggestionEventRow.action))).scalars().all()
    assert actions == ["created", "forwarded", "answered", "rated", "clarification_asked", "clarification_answered"]


async def test_anonymous_suggestion_is_answered_through_the_identity(app: App, clock: Clock) -> None:
    sender, secretary, _ = await people(app)
    code = await send_suggestion(sender, anonymous=True)
    assert "gửi ẩn danh" in sender.text
    row = await suggestion_row(app, code)
    assert row.anonymous and row.person_id is None
    assert row.created_at.replace(tzinfo=UTC) == datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # only the local day

    await secretary.say("/xulyhienke")
    await secretary.press(code)
    assert "Người gửi: Ẩn danh" in secretary.text and "Nguyễn Văn An" not in secretary.text
    await secretary.press("Trả lời")
    await secretary.say("Thường trực ghi nhận, sẽ triển khai trong quý II.")
    await secretary.press("Gửi trả lời")

    async with app.database.unit_of_work() as store:
        identity = await store.identity("console", "100")
    to_sender = [n for n in await notices(app) if n.identity_id is not None]
    assert len(to_sender) == 1
    notice = to_sender[0]
    assert notice.identity_id == identity.id and notice.person_id is None
    assert notice.kind == "suggestion_anon" and code not in notice.key
    assert "triển khai trong quý II" in notice.text and "Thường trực Hội đồng" in notice.text

    # The sender finds it among their own and can rate it; nobody else can open it.
    await sender.say("/hienke")
    assert any(code in label for label in sender.options)
    await sender.press(code)
    assert "Hình thức: Ẩn danh" in sender.text and "quý II" in sender.text
    other = Chat(app.core.handle, user_id="101")
    await register(other, "Trần Thị Bình", "Kim Đồng")
    await other.say("/hienke")
    assert "chủ đề" in other.text  # nothing of theirs: straight to a new suggestion
    await other.say("/huy")
    await sender.press("Đánh giá câu trả lời")
    await sender.press("5 —")
    assert (await suggestion_row(app, code)).rating == 5


async def test_close_hide_return_and_convert(app: App, clock: Clock) -> None:
    sender, secretary, head = await people(app)
    first = await send_suggestion(sender, content="Lắp thêm máy lạnh cho phòng tiếp dân vì mùa hè rất nóng.")
    second = await send_suggestion(sender, anonymous=True, content="Số hoá hồ sơ lưu trữ để tra cứu nhanh hơn.")
    third = await send_suggestion(sender, content="Một ý kiến không phù hợp với nội dung thô tục cần ẩn đi.")

    # Unit head returns what is not theirs; the secretariat is told, then closes it with a reason.
    await secretary.say("/xulyhienke")
    await secretary.press(first)
    await secretary.press("Chuyển đơn vị trả lời")
    await secretary.press("Phòng Nội vụ")
    await head.say("/xulyhienke")
    await head.press(first)
    await head.press("Trả lại Thường trực Hội đồng")
    await head.say("Không thuộc lĩnh vực của phòng.")
    assert f"Đã trả lại hiến kế {first}" in head.text
    secretary_id = await person_id(app, "Lê Thị Thư")
    assert any(n.person_id == secretary_id and "Không thuộc lĩnh vực" in n.text for n in await notices(app))
    assert (await suggestion_row(app, first)).status == "new"
    await secretary.say("/xulyhienke")
    await secretary.press(first)
    await secretary.press("Đóng hiến kế")
    await secretary.say("Đã có kế hoạch mua sắm năm 2026.")
    assert f"Đã đóng hiến kế {first}" in secretary.text
    sender_id = await person_id(app, "Nguyễn Văn An")
    assert any(n.person_id == sender_id and "kế hoạch mua sắm" in n.text for n in await notices(app))
    assert (await suggestion_row(app, first)).status == "closed"

    # Hiding offensive content.
    await secretary.say("/xulyhienke")
    await secretary.press(third)
    await secretary.press("Ẩn nội dung")
    await secretary.say("Ngôn từ không phù hợp")
    row = await suggestion_row(app, third)
    assert row.hidden and row.hidden_reason == "Ngôn từ không phù hợp"
    await secretary.press("Chuyển đơn vị trả lời")
    await secretary.press("Phòng Nội vụ")
    await head.say("/xulyhienke")
    await head.press(third)
    assert "Nội dung đã bị ẩn" in head.text and "thô tục" not in head.text

    # Named → a draft for the sender; anonymous → a draft for the head of the chosen unit.
    await secretary.say("/xulyhienke")
    await secretary.press("gần đây")  # closed ones are not in the open list
    await secretary.press(first)
    await secretary.press("Chuyển thành bản nháp sáng kiến")
    assert "cho người gửi (Nguyễn Văn An)" in secretary.text
    await secretary.press("Tạo bản nháp")
    assert "Đã tạo bản nháp sáng kiến cho Nguyễn Văn An" in secretary.text
    await secretary.say("/xulyhienke")
    await secretary.press(second)
    await secretary.press("Chuyển thành bản nháp sáng kiến")
    assert "ẩn danh" in secretary.text
    await secretary.press("Phòng Nội vụ")
    assert "giao cho Phạm Văn Trưởng (Phòng Nội vụ)" in secretary.text
    async with app.database.unit_of_work() as store:
        drafts = (await store.session.execute(select(InitiativeRow).order_by(InitiativeRow.id))).scalars().all()
    assert [(d.person_id, d.status) for d in drafts] == [
        (sender_id, "draft"),
        (await person_id(app, "Phạm Văn Trưởng"), "draft"),
    ]
    assert drafts[0].data["title"].startswith("Lắp thêm máy lạnh") and drafts[0].data["source_suggestion"] == first
    assert drafts[1].data["author"]["full_name"] == "Phạm Văn Trưởng"
    await sender.say("/menu")
    assert any("Tiếp tục bản nháp: Lắp thêm máy lạnh" in label for label in sender.options)


async def test_reminders_before_due_and_when_overdue(app: App, clock: Clock) -> None:
    sender, secretary, head = await people(app)
    code = await send_suggestion(sender)
    await secretary.say("/xulyhienke")
    await secretary.press(code)
    await secretary.press("Chuyển đơn vị trả lời")
    await secretary.press("Phòng Nội vụ")
    head_id = await person_id(app, "Phạm Văn Trưởng")
    secretary_id = await person_id(app, "Lê Thị Thư")

    async def run() -> list[NoticeRow]:
        async with app.database.unit_of_work() as store:
            await run_suggestion_jobs(store, app.config, clock())
        return [n for n in await notices(app) if n.kind == "suggestion_reminder"]

    assert await run() == []
    # Due 18/03: reminded 3 days and 1 day before, at 08:00 Hà Nội time.
    clock.now = datetime(2026, 3, 15, 0, 59, tzinfo=UTC)
    assert await run() == []
    clock.now = datetime(2026, 3, 15, 1, 0, tzinfo=UTC)
    reminders = await run()
    assert [(n.person_id, "còn 3 ngày" in n.text) for n in reminders] == [(head_id, True)]
    assert await run() == reminders  # once only
    clock.now = datetime(2026, 3, 17, 9, 0, tzinfo=UTC)
    reminders = await run()
    assert len(reminders) == 2 and "còn 1 ngày" in reminders[1].text

    # Overdue from the morning of 19/03: the secretariat is told, again a week later.
    clock.now = datetime(2026, 3, 19, 1, 0, tzinfo=UTC)
    overdue = [n for n in await run() if "quá hạn" in n.text]
    assert [(n.person_id, "1 ngày" in n.text, "Phòng Nội vụ" in n.text) for n in overdue] == [
        (secretary_id, True, True)
    ]
    clock.now = datetime(2026, 3, 20, 1, 0, tzinfo=UTC)
    assert len([n for n in await run() if "quá hạn" in n.text]) == 1
    clock.now = datetime(2026, 3, 26, 1, 0, tzinfo=UTC)
    assert len([n for n in await run() if "quá hạn" in n.text]) == 2

    await secretary.say("/xulyhienke")
    assert "QUÁ HẠN" in secretary.options[0]
    # Once answered, nothing more.
    await head.say("/xulyhienke")
    await head.press(code)
    await head.press("Trả lời")
    await head.say("Đã triển khai, cảm ơn Anh.")
    await head.press("Gửi trả lời")
    before = len(await run())
    clock.now = datetime(2026, 4, 2, 1, 0, tzinfo=UTC)
    assert len(await run()) == before


async def test_idea_bank_lists_and_searches_without_diacritics(app: App, clock: Clock) -> None:
    sender, secretary, _ = await people(app)
    published = await send_suggestion(sender, content="Chữ ký số cho giáo viên khi nộp hồ sơ chuyên môn.")
    private = await send_suggestion(sender, publish=False, content="Chữ ký số cho kế toán trường học nội bộ.")
    unanswered = await send_suggestion(sender, content="Chữ ký số cho mọi cán bộ phường trong năm nay.")
    for code in (published, private):
        await secretary.say("/xulyhienke")
        await secretary.press(code)
        await secretary.press("Trả lời")
        await secretary.say("Sở Thông tin và Truyền thông sẽ cấp chứng thư số miễn phí.")
        await secretary.press("Gửi trả lời")

    await sender.say("/nganhangykien chu ky so")
    assert "NGÂN HÀNG Ý KIẾN — 1 hiến kế" in sender.text
    assert published in sender.text and private not in sender.text and unanswered not in sender.text
    assert "Nguyễn Văn An" not in sender.text
    await sender.press(published)
    assert "Sở Thông tin và Truyền thông" in sender.text and "Chữ ký số cho giáo viên" in sender.text
    await sender.say("giao vien")  # typing again searches again
    assert published in sender.text
    await sender.say("/nganhangykien máy bay")
    assert "Không tìm thấy hiến kế nào khớp «máy bay»" in sender.text

    async with app.database.unit_of_work() as store:
        items = await public_suggestions(store, app.config, "CHỨNG THƯ")
    assert [(i.code, i.answered_by) for i in items] == [(published, "Thường trực Hội đồng")]

    # Hidden content leaves the bank.
    await secretary.say("/xulyhienke")
    await secretary.press("gần đây")
    await secretary.press(published)
    await secretary.press("Ẩn nội dung")
    await secretary.say("Trùng lặp")
    async with app.database.unit_of_work() as store:
        assert await public_suggestions(store, app.config) == []


async def test_rate_limit_and_length_limits(app: App, clock: Clock) -> None:
    sender, _, _ = await people(app)
    for i in range(5):
        await send_suggestion(
            sender, anonymous=i % 2 == 1, content=f"Ý kiến số {i + 1} về cải tiến công việc hằng ngày."
        )
    await sender.say("/hienke")
    await sender.press("Gửi hiến kế mới")
    assert "tối đa 5 hiến kế" in sender.text
    clock.advance(days=1)
    await sender.say("/hienke")
    await sender.press("Gửi hiến kế mới")
    await sender.press("Khác")
    await sender.say("Ngắn quá")
    assert "ít nhất 20" in sender.text
    await sender.say("x" * 3001)
    assert "3.000" in sender.text
    await sender.say("/hienke")  # mid-form, the command resumes the draft instead of dropping it
    assert "đang soạn dở" in sender.text and "nội dung hiến kế" in sender.text
    await sender.say("/huy")
    assert "Hiến kế chưa được gửi" in sender.text


async def test_secretariat_exports_without_anonymous_senders(app: App, clock: Clock) -> None:
    sender, secretary, _ = await people(app)
    named = await send_suggestion(sender)
    anonymous = await send_suggestion(sender, anonymous=True, content="Một ý kiến ẩn danh về giờ làm việc linh hoạt.")
    await secretary.say("/xulyhienke")
    await secretary.press("Xuất danh sách")
    document = next(r.document for r in secretary.replies if r.document is not None)
    rows = list(csv.reader(io.StringIO(document.content.decode("utf-8-sig"))))
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code[named][4] == "Nguyễn Văn An"
    assert by_code[anonymous][4] == "Ẩn danh"
    assert "Nguyễn Văn An" not in ",".join(by_code[anonymous])


async def test_people_without_a_role_cannot_handle(app: App) -> None:
    sender, _, _ = await people(app)
    await sender.say("/xulyhienke")
    assert "không có quyền" in sender.text
    await sender.say("/menu")
    assert "Xử lý hiến kế" not in sender.options and "Hiến kế (gửi ý tưởng, góp ý)" in sender.options


async def test_tracking_codes_are_unique_under_concurrency(app: App) -> None:
    chats = [Chat(app.core.handle, user_id=str(500 + i)) for i in range(6)]
    for i, chat in enumerate(chats):
        await register(chat, f"Cán Bộ Số {'ABCDEF'[i]}", "Bắc Sơn")

    async def fill(chat: Chat) -> None:
        await chat.say("/hienke")
        await chat.press("Khác")
        await chat.say("Một ý kiến để kiểm tra mã theo dõi khi gửi cùng lúc.")
        await chat.press("Xong")
        await chat.press("Gửi ẩn danh")
        await chat.press("Không công khai")

    for chat in chats:
        await fill(chat)
    await asyncio.gather(*(chat.press("Gửi hiến kế") for chat in chats))
    async with app.database.unit_of_work() as store:
        codes = sorted((await store.session.execute(select(SuggestionRow.code))).scalars())
    assert codes == [f"HK-2026-{i:04d}" for i in range(1, 7)]


async def test_handlers_hear_of_anonymous_senders_at_a_coarse_time(app: App, clock: Clock) -> None:
    sender, _, _ = await people(app)
    clock.now = datetime(2026, 3, 3, 3, 17, tzinfo=UTC)  # 10:17 in Hà Nội
    await send_suggestion(sender, anonymous=True)
    (new,) = [n for n in await notices(app) if "Có hiến kế mới" in n.text]
    assert new.due_at.replace(tzinfo=UTC) == datetime(2026, 3, 3, 4, 0, tzinfo=UTC)  # 11:00, not 10:17
    await send_suggestion(sender)
    named = [n for n in await notices(app) if "Có hiến kế mới" in n.text][1]
    assert named.due_at.replace(tzinfo=UTC) == clock.now


def test_seals_open_only_with_their_key_and_suggestion() -> None:
    sealer = Sealer(b"k" * 32)
    sealed = sealer.seal_sender("HK-2026-0001", person_id=12, identity_id=34)
    assert sealer.open_sender("HK-2026-0001", sealed) == (12, 34)
    assert sealer.is_sender(sealed, 12) and not sealer.is_sender(sealed, 13)
    assert sealer.open_sender("HK-2026-0002", sealed) is None  # bound to its suggestion
    assert Sealer(b"x" * 32).open_sender("HK-2026-0001", sealed) is None
    assert not Sealer(b"x" * 32).is_sender(sealed, 12)
    again = sealer.seal_sender("HK-2026-0001", person_id=12, identity_id=34)
    assert again.tag != sealed.tag and again.seal != sealed.seal  # two suggestions of one sender look unrelated
    ref = sealer.ref(987654)
    assert sealer.unref(ref) == 987654 and sealer.ref(987654) != ref
    assert len("s:" + ref) <= 64  # fits Telegram's callback data
    assert sealer.unref(ref[:-2] + "AA") is None and sealer.unref("garbage") is None


def test_settings_keep_the_key_outside_the_database(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, file_store_dir=tmp_path / "data" / "files", suggestion_secret="")
    first = suggestion_config(settings)
    key_file = tmp_path / "data" / "suggestion.key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert suggestion_config(settings).secret == first.secret == key_file.read_bytes()
    configured = Settings(
        _env_file=None,
        suggestion_secret="a-long-enough-secret",
        suggestion_topics="Y tế | Giáo dục |",
        suggestion_due_days=7,
    )
    config = suggestion_config(configured)
    assert config.secret == b"a-long-enough-secret" and config.topics == ("Y tế", "Giáo dục") and config.due_days == 7
    with pytest.raises(ValueError):
        suggestion_config(Settings(_env_file=None, suggestion_secret="short"))


async def test_a_suggestion_closed_meanwhile_cannot_be_answered(app: App) -> None:
    sender, secretary, head = await people(app)
    code = await send_suggestion(sender)
    await secretary.say("/xulyhienke")
    await secretary.press(code)
    await secretary.press("Chuyển đơn vị trả lời")
    await secretary.press("Phòng Nội vụ")
    await head.say("/xulyhienke")
    await head.press(code)
    await head.press("Trả lời")
    await head.say("Câu trả lời soạn trong lúc thường trực đóng hiến kế.")
    await secretary.press("Đóng hiến kế")
    await secretary.say("Trùng với hiến kế trước.")
    await head.press("Gửi trả lời")
    assert "không còn phù hợp" in head.text
    row = await suggestion_row(app, code)
    assert row.status == "closed" and row.answer == ""
