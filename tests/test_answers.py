"""No answer silently lost or misread (issue 14): whole conversations through the neutral types, with the input
people really type — numbers that are not options, command words without a slash, emoji, names in lower case,
several units matching, lists changed from the summary, restarts and resumes."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.render import render_plain
from handlers.domain import Role
from storage.models import InitiativeRow, PersonRow
from tests.review_support import application, person, submit
from tests.support import REGISTRATION_SCRIPT, WIZARD_SCRIPT, Chat, Clock, play


async def draft_rows(app: App) -> list[InitiativeRow]:
    async with app.database.unit_of_work() as store:
        return list((await store.session.execute(select(InitiativeRow))).scalars().all())


async def person_row(app: App) -> PersonRow:
    async with app.database.unit_of_work() as store:
        return (await store.session.execute(select(PersonRow))).scalars().one()


def shown(chat: Chat) -> str:
    """What a text-only channel (console, Zalo) shows: replies with their numbered options."""
    return "\n".join(render_plain(r) for r in chat.replies)


# --- 1. typed text on a step with options ------------------------------------------------------------------
async def test_typed_text_on_a_step_with_options_is_matched_refused_or_confirmed(app: App) -> None:
    chat = Chat(app.core.handle)
    await play(chat, REGISTRATION_SCRIPT + WIZARD_SCRIPT[:2])
    assert "Kính gửi" in chat.text
    await chat.say("0")  # not an option: refused, the options shown again
    assert "Không có lựa chọn số «0»" in chat.text and "Kính gửi" in chat.text
    assert "1. Trường THCS Quang Trung" in shown(chat)
    await chat.say("UBND huyện Yên Mô")  # a valid free answer: stored and said back in one line
    assert "Đã ghi: Kính gửi: «UBND huyện Yên Mô»." in chat.text and "Ngày tháng năm sinh" in chat.text
    await play(chat, WIZARD_SCRIPT[3:7])
    await chat.say("Xin chào")  # a greeting is not an answer to «Lĩnh vực»
    assert "Chào Anh/Chị" in chat.text and "Lĩnh vực" in chat.text
    await chat.say("giáo dục")  # a label typed without diacritics is the option
    assert "Đã ghi" not in chat.text and "loại giải pháp" in chat.text
    data = (await draft_rows(app))[0].data
    assert data["recipient"] == "UBND huyện Yên Mô"
    assert data["field"] == "education"


async def test_command_words_typed_without_a_slash_never_become_answers(app: App) -> None:
    chat = Chat(app.core.handle)
    await play(chat, REGISTRATION_SCRIPT + WIZARD_SCRIPT[:5])
    await chat.say("có")
    for answer in ["Trần Thị Bình", "02/09/1990", "Trường THCS Quang Trung"]:
        await chat.say(answer)
    await chat.say("/quaylai")  # back at «Nơi công tác», with the saved answer
    assert "Đang lưu: «Trường THCS Quang Trung»" in chat.text
    for word in ["hủy", "huỷ", "Huy", "huy"]:
        await chat.say(word)
        assert "Đã tạm dừng" in chat.text, word
        assert (await draft_rows(app))[0].data["coauthors"][0]["workplace"] == "Trường THCS Quang Trung"
        await chat.say("/moi")
        await chat.press("Tiếp tục bản nháp")
    await chat.say("quay lại")  # resumed at the co-author's next answer; back goes to the one before
    assert "Đang lưu: «Trường THCS Quang Trung»" in chat.text
    await chat.say("trợ giúp")
    assert "Ví dụ" in chat.text or "ví dụ" in chat.text
    await chat.say("menu")
    assert "Đã tạm dừng" in chat.text
    coauthor = (await draft_rows(app))[0].data["coauthors"][0]
    assert coauthor["birth_date"] == "1990-09-02" and coauthor["workplace"] == "Trường THCS Quang Trung"


# --- 2. stable controls ------------------------------------------------------------------------------------
async def test_keep_is_always_0_and_options_keep_their_numbers(app: App) -> None:
    chat = Chat(app.core.handle)
    await play(chat, REGISTRATION_SCRIPT[:5])
    assert "Thông tin đăng ký" in chat.text
    for _ in range(3):
        await chat.say("/quaylai")
    assert "đơn vị nào" in chat.text
    text = shown(chat)
    assert "1. Phòng Nội vụ" in text and "2. Trường THCS Quang Trung" in text
    assert text.rstrip().endswith("0. Giữ nguyên")  # last, with the same key on every step
    await chat.say("0")
    assert "Chức danh" in chat.text and shown(chat).rstrip().endswith("0. Giữ nguyên")
    await chat.say("0")
    assert "Số điện thoại" in chat.text
    # An optional step without an answer: «Bỏ qua» has its own fixed key, never a number.
    assert shown(chat).rstrip().endswith("-. Bỏ qua")
    await chat.say("-")
    await chat.say("1")
    assert "Đăng ký xong" in chat.text
    person = await person_row(app)
    async with app.database.unit_of_work() as store:
        unit = await store.unit(person.unit_id)
    assert unit is not None and unit.name == "Trường THCS Quang Trung"


# --- 3. nothing thrown away without asking -----------------------------------------------------------------
COAUTHORS = [
    ("có", "Họ và tên"),
    ("Trần Thị Bình", "Ngày sinh"),
    ("02/09/1990", "Nơi công tác"),
    ("Trường THCS Quang Trung", "Chức danh"),
    ("Giáo viên", "Trình độ"),
    ("Cử nhân", "Số điện thoại"),
    ("bỏ qua", "Còn đồng tác giả nào"),
    ("có", "Họ và tên"),
    ("Lê Văn Cường", "Ngày sinh"),
    ("03/03/1988", "Nơi công tác"),
    ("Trường THCS Quang Trung", "Chức danh"),
    ("Giáo viên", "Trình độ"),
    ("Thạc sĩ", "Số điện thoại"),
    ("bỏ qua", "Còn đồng tác giả nào"),
    ("không", "Tỷ lệ"),
    ("50; 30; 20", "Chủ đầu tư"),
]


async def test_changing_coauthors_from_the_summary_asks_what_to_change(app: App) -> None:
    chat = Chat(app.core.handle)
    await play(chat, REGISTRATION_SCRIPT + WIZARD_SCRIPT[:5] + COAUTHORS + WIZARD_SCRIPT[6:22])
    assert "BẢN TÓM TẮT" in chat.text and "Lê Văn Cường" in chat.text
    await chat.press("Sửa một mục")
    await chat.press("Đồng tác giả")
    assert "1) Trần Thị Bình" in chat.text and "2) Lê Văn Cường" in chat.text
    assert chat.options[:5] == [
        "Sửa thông tin một người",
        "Thêm một người",
        "Bớt một người",
        "Xóa cả danh sách, nhập lại từ đầu",
        "Không có đồng tác giả (xóa cả danh sách)",
    ]
    assert chat.options[-1] == "Giữ nguyên danh sách (2 người)"
    # Edit one: every answer of that person is offered with «Giữ nguyên»; only the changed one is typed.
    await chat.press("Sửa thông tin một người")
    await chat.press("Lê Văn Cường")
    assert "Đang lưu: «Lê Văn Cường»" in chat.text
    for answer in ["0", "0", "Trường Tiểu học Kim Đồng", "0", "0", "-"]:
        await chat.say(answer)
    assert "BẢN TÓM TẮT" in chat.text and "Trường Tiểu học Kim Đồng" in chat.text and "50%; 30%; 20%" in chat.text
    # Remove one: the other stays; the shares are asked again for two authors.
    await chat.press("Sửa một mục")
    await chat.press("Đồng tác giả")
    await chat.press("Bớt một người")
    await chat.press("Lê Văn Cường")
    assert "Đã bớt «Lê Văn Cường»" in chat.text and "1) Trần Thị Bình" in chat.text
    await chat.press("Giữ nguyên danh sách (1 người)")
    assert "Tỷ lệ" in chat.text
    await chat.say("60; 40")
    assert "BẢN TÓM TẮT" in chat.text and "60%; 40%" in chat.text
    data = (await draft_rows(app))[0].data
    assert [c["full_name"] for c in data["coauthors"]] == ["Trần Thị Bình"]


async def test_registration_restarted_midway_keeps_what_was_typed(app: App) -> None:
    chat = Chat(app.core.handle)
    await play(chat, REGISTRATION_SCRIPT[:3])
    await chat.say("/start")
    assert "vẫn được giữ" in chat.text and "Chức danh" in chat.text
    await chat.say("/quaylai")  # the history came back too
    assert "đơn vị nào" in chat.text and "Đang lưu: «Trường THCS Quang Trung»" in chat.text
    await chat.say("0")
    await chat.say("/huy")
    assert "vẫn được giữ" in chat.text and "/moi" not in chat.text and "bản nháp" not in chat.text
    await chat.say("/dangky")  # not told to register first: it is the registration
    assert "cần đăng ký trước" not in chat.text and "Chức danh" in chat.text
    await play(chat, REGISTRATION_SCRIPT[3:])
    person = await person_row(app)
    assert person.full_name == "Nguyễn Văn An" and person.position == "Giáo viên"
    await chat.say("/dangky")
    assert chat.text.count("Thông tin đăng ký của Anh/Chị:") == 1
    await chat.press("Xác nhận")
    assert "Đăng ký xong" not in chat.text and "Đã lưu" in chat.text


async def test_resumed_draft_can_go_back_and_empty_drafts_are_not_kept(app: App) -> None:
    chat = Chat(app.core.handle)
    await play(chat, REGISTRATION_SCRIPT + WIZARD_SCRIPT[:6])
    await chat.say("/huy")
    await chat.say("/moi")
    await chat.press("Tiếp tục bản nháp")
    assert "Chủ đầu tư" in chat.text
    await chat.say("/quaylai")
    assert "Đây đã là câu hỏi đầu tiên" not in chat.text and "đồng tác giả" in chat.text
    await chat.say("/quaylai")
    assert "Trình độ chuyên môn" in chat.text
    # A new application stopped before any answer leaves nothing behind.
    await chat.say("/huy")
    await chat.say("/moi")
    await chat.press("Nộp sáng kiến mới")
    await chat.say("/huy")
    assert "không lưu bản nháp" in chat.text
    await chat.say("/moi")
    await chat.press("Nộp sáng kiến mới")
    await chat.say("/cuatoi")  # left without /huy: swept when the next one starts
    await chat.say("/moi")
    await chat.press("Nộp sáng kiến mới")
    rows = await draft_rows(app)
    assert len(rows) == 2 and sum(1 for r in rows if r.data.get("title")) == 1
    await chat.say("/menu")
    assert sum("(chưa đặt tên)" in o for o in chat.options) <= 1


# --- 4. emptiness and names --------------------------------------------------------------------------------
async def test_emoji_only_is_empty_and_a_full_name_has_two_words(app: App) -> None:
    chat = Chat(app.core.handle)
    await chat.say("/start")
    await chat.say("A")
    assert "ít nhất hai chữ" in chat.text
    await chat.say("🙂🙂🙂")
    assert "Họ và tên" in chat.text and "quá ngắn" not in chat.text
    await play(chat, REGISTRATION_SCRIPT[1:])
    await chat.say("/moi")
    await chat.say("👍👍👍👍👍")
    assert "chưa nhập nội dung" in chat.text and "Tên sáng kiến" in chat.text
    await play(chat, WIZARD_SCRIPT[1:4])
    await chat.say("🙂")
    assert "chưa nhập nội dung" in chat.text and "Trình độ chuyên môn" in chat.text
    data = (await draft_rows(app))[0].data
    assert "author_qualification" not in data and data["title"].startswith("Ứng dụng mã QR")


async def test_names_without_capitals_or_diacritics_are_asked_about_once(app: App) -> None:
    chat = Chat(app.core.handle)
    await chat.say("/start")
    await chat.say("nguyen van an")
    assert "in trên đơn chính thức" in chat.text and "«nguyen van an»" in chat.text
    assert chat.options == ["In là «Nguyen Van An»", "Giữ đúng như đã gõ", "Nhập lại họ tên có dấu"]
    await chat.press("Nhập lại họ tên có dấu")
    assert "Họ và tên" in chat.text
    await chat.say("nguyễn văn an")
    await chat.press("In là «Nguyễn Văn An»")
    assert "đơn vị nào" in chat.text
    await play(chat, REGISTRATION_SCRIPT[2:])
    assert (await person_row(app)).full_name == "Nguyễn Văn An"
    # A co-author kept exactly as typed is shown that way on the summary, and not asked about again.
    await play(chat, WIZARD_SCRIPT[:5])
    await chat.say("có")
    await chat.say("tran thi binh")
    await chat.press("Giữ đúng như đã gõ")
    assert "Ngày sinh của đồng tác giả" in chat.text
    await chat.say("/quaylai")
    await chat.say("0")
    assert "Ngày sinh của đồng tác giả" in chat.text and "in trên đơn" not in chat.text
    assert (await draft_rows(app))[0].data["coauthors"][0]["full_name"] == "tran thi binh"


# --- 5. ambiguity shown -----------------------------------------------------------------------------------
async def test_several_matching_units_are_offered_as_options(app: App) -> None:
    chat = Chat(app.core.handle)
    await chat.say("/start")
    await chat.say("Nguyễn Văn An")
    await chat.say("truong")
    assert "Có 2 lựa chọn khớp với «truong»" in chat.text and "Không tìm thấy" not in chat.text
    assert chat.options == ["Trường THCS Quang Trung", "Trường Tiểu học Kim Đồng"]
    await chat.say("2")  # the number refers to the list shown
    assert "Chức danh" in chat.text
    await play(chat, REGISTRATION_SCRIPT[3:])
    person = await person_row(app)
    async with app.database.unit_of_work() as store:
        unit = await store.unit(person.unit_id)
    assert unit is not None and unit.name == "Trường Tiểu học Kim Đồng"


async def test_first_application_in_the_future_is_refused_and_an_old_one_warned(app: App) -> None:
    chat = Chat(app.core.handle)
    await play(chat, REGISTRATION_SCRIPT + WIZARD_SCRIPT[:9])
    assert "Ví dụ: 01/03/2026" in chat.text  # the example is itself an acceptable answer
    await chat.say("04/03/2026")  # tomorrow
    assert "tương lai" in chat.text and "hôm nay là 03/03/2026" in chat.text
    assert "first_applied" not in (await draft_rows(app))[0].data
    await chat.say("01/02/2025")
    assert "đã quá 1 năm" in chat.text
    await chat.press("Vẫn giữ")
    assert (await draft_rows(app))[0].data["first_applied"] == "2025-02-01"


# --- 7. the dossier is written for its reader ---------------------------------------------------------------
async def test_the_dossier_view_names_the_main_author_and_speaks_about_them(app: App, clock: Clock) -> None:
    author = await person(app, "Nguyễn Văn An", "THCS-QT", user_id="a1")
    await person(app, "Phạm Thu Thảo", "P-NV", user_id="sec", roles=(Role.SECRETARIAT,))
    data = application(author, "Trường THCS Quang Trung", "Sổ liên lạc điện tử", author_birth_date="1985-08-15")
    initiative = await submit(app, clock, author, data)
    secretary = Chat(app.core.handle, "sec")
    await secretary.say(f"/hoso {initiative.receipt_no}")
    assert "Tác giả chính: Nguyễn Văn An — Giáo viên, Trường THCS Quang Trung" in secretary.text
    assert "Ngày sinh của tác giả chính: 15/08/1985" in secretary.text
    assert "của Anh/Chị" not in secretary.text
    assert "Đã nộp, chờ tiếp nhận hồ sơ" in secretary.text


async def test_the_main_menu_keeps_its_numbers_when_a_draft_is_added(app: App) -> None:
    chat = Chat(app.core.handle)
    await play(chat, REGISTRATION_SCRIPT)
    await chat.say("/menu")
    before = shown(chat)
    await play(chat, WIZARD_SCRIPT[:2])
    await chat.say("/huy")
    await chat.say("/menu")
    after = shown(chat)
    assert after.startswith(before) and after.rstrip().endswith(
        ". Tiếp tục bản nháp: Ứng dụng mã QR tra cứu tiến độ hồ sơ"
    )
