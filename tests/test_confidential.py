"""Nothing of the confidential part reaches a public output: the filter on normalised text (unit), the
wizard's warning at the summary and before filing, and a leak test that plants a dozen markers, repeats them
in the published fields, takes the initiative through review to publication and searches the page, the
parsed spreadsheet, the channel post and every notice to someone else."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from bot.app import App
from handlers.confidential import leaks, redact
from handlers.domain import Role
from handlers.parsing import fold
from storage.models import InitiativeRow, NoticeRow
from tests.review_support import accept, application, person, publish_round, scored, submit
from tests.support import Chat, Clock
from tests.test_review_public import client_for, public_app  # noqa: F401  (fixture)
from tests.test_submission_flow import fill_until_summary, register

# Confidential part: each marker as the author wrote it there.
CONFIDENTIAL = (
    "Mã hợp đồng MẬT-XYZ-123. Mật khẩu phần mềm là Hoa@2026. Khóa API: X9K2.\n"
    "Số tài khoản 1903 4567 8901. Liên hệ binh.nv@soyte.gov.vn hoặc 0912 345 678.\n"
    "Máy chủ đặt tại tầng hầm tòa nhà B. Danh sách học sinh khó khăn lớp 9A3.\n"
    "Mạng nội bộ dùng dải địa chỉ 10.20.30.40. Giá gói thầu 4.750.000.000 đồng. Thiết bị SN-88213."
)
# What each marker looks like when searched for in an output (folded, letters and digits only for tokens).
TOKENS = [
    "MẬT-XYZ-123",
    "Hoa@2026",
    "X9K2",
    "190345678901",
    "binh.nv@soyte.gov.vn",
    "0912345678",
    "9A3",
    "10.20.30.40",
    "4750000000",
    "SN-88213",
]
SENTENCES = ["máy chủ đặt tại tầng hầm", "danh sách học sinh khó khăn", "mạng nội bộ dùng dải địa chỉ"]
PUBLIC_TITLE = "Quản lý hợp đồng MAT-XYZ-123 bằng phần mềm"
# The published description repeats every marker: folded, reworded, without diacritics, across lines.
PUBLIC_CONTENT = (
    "Phần mềm giúp tra cứu nhanh; mat khau phan mem la Hoa@2026 để dùng chung. Khóa API là X9K2.\n"
    "Chuyển khoản vào 190345678901, gọi 0912.345.678 hoặc BINH.NV@SOYTE.GOV.VN. Máy chủ đặt tại tầng\n"
    "hầm tòa nhà B. danh sach hoc sinh kho khan lop 9a3 được hỗ trợ. Mạng nội bộ dùng dải địa chỉ\n"
    "10 . 20 . 30 . 40; gói thầu 4750000000 đồng; thiết bị sn 88213. Điểm mới: giáo viên tự cập nhật."
)


def _alnum(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def found(output: str) -> list[str]:
    """The markers present in an output, however they are written there."""
    flat, words = _alnum(output), fold(output)
    return [t for t in TOKENS if _alnum(t) in flat] + [s for s in SENTENCES if fold(s) in words]


def test_every_marker_is_cut_however_it_is_repeated() -> None:
    assert len(found(PUBLIC_TITLE + "\n" + PUBLIC_CONTENT)) == len(TOKENS) + len(SENTENCES)
    cleaned = redact(PUBLIC_CONTENT, CONFIDENTIAL)
    assert found(cleaned) == []
    assert "Phần mềm giúp tra cứu nhanh" in cleaned and "Điểm mới: giáo viên tự cập nhật." in cleaned
    assert found(redact(PUBLIC_TITLE, CONFIDENTIAL)) == []
    assert redact(PUBLIC_TITLE, CONFIDENTIAL) == "Quản lý […] bằng phần mềm"


def test_ordinary_text_is_left_alone() -> None:
    text = "Năm 2025, giáo viên chủ nhiệm lớp 9 dùng phần mềm để tra cứu nhanh."
    assert redact(text, CONFIDENTIAL) == text
    assert leaks(text, CONFIDENTIAL) == []
    assert redact(text, "") == text and redact(text, None) == text


async def test_the_wizard_warns_at_the_summary_and_before_filing(app: App) -> None:
    chat = Chat(app.core.handle, "501")
    await register(chat)
    await fill_until_summary(chat)
    assert "nhắc lại thông tin cần bảo mật" not in chat.text
    await chat.press("Sửa một mục")
    await chat.press("Thông tin cần bảo mật")
    await chat.say("Mật khẩu máy chủ là Hoa@2026, đặt tại phòng kỹ thuật.")
    await chat.press("Sửa một mục")
    await chat.press("Nội dung giải pháp")
    await chat.say("Bước 1: in mã QR; Bước 2: quét mã (mật khẩu Hoa@2026). Điểm mới: tự tra cứu.")
    assert "nhắc lại thông tin cần bảo mật: «Hoa@2026).»" in chat.text, chat.text
    await chat.press("Nộp đơn")
    assert "Trước khi nộp" in chat.text and "Hoa@2026" in chat.text
    async with app.database.unit_of_work() as store:
        row = (await store.session.execute(select(InitiativeRow))).scalar_one()
        assert row.receipt_no is None  # not filed yet
    await chat.press("Sửa lại")
    await chat.press("Nội dung giải pháp")
    await chat.say("Bước 1: in mã QR; Bước 2: quét mã. Điểm mới: tự tra cứu.")
    assert "nhắc lại thông tin cần bảo mật" not in chat.text
    await chat.press("Nộp đơn")
    assert "Đã nộp đơn thành công" in chat.text


async def test_filing_anyway_after_the_warning(app: App) -> None:
    chat = Chat(app.core.handle, "502")
    await register(chat)
    await fill_until_summary(chat)
    await chat.press("Sửa một mục")
    await chat.press("Thông tin cần bảo mật")
    await chat.say("Mã kích hoạt QR-7731-KX.")
    await chat.press("Sửa một mục")
    await chat.press("Tên sáng kiến")
    await chat.say("Mã QR-7731-KX tra cứu hồ sơ")
    await chat.press("Nộp đơn")
    assert "Trước khi nộp" in chat.text
    await chat.press("Vẫn nộp")
    assert "Đã nộp đơn thành công" in chat.text


async def test_a_dozen_markers_never_reach_a_public_output(public_app: App, clock: Clock) -> None:  # noqa: F811
    app = public_app
    secretary = await person(app, "Lê Thị Hồng", "P-NV", user_id="sec", roles=(Role.SECRETARIAT,))
    m1 = await person(app, "Đỗ Minh Châu", "P-NV", user_id="c1", roles=(Role.COUNCIL,))
    m2 = await person(app, "Vũ Thị Dung", "P-NV", user_id="c2", roles=(Role.COUNCIL,))
    author = await person(app, "Nguyễn Thị Ánh", "THCS-QT", user_id="a1")
    data = application(
        author, "Trường THCS Quang Trung", PUBLIC_TITLE, confidential=CONFIDENTIAL, content=PUBLIC_CONTENT
    )
    initiative = await submit(app, clock, author, data)
    initiative = await accept(app, clock, initiative, secretary)
    await scored(app, clock, initiative, {m1: (28, 28, 38), m2: (28, 28, 38)})
    await publish_round(app, "sec")

    client = await client_for(app)
    try:
        html = await (await client.get("/")).text()
        assert "Phần mềm giúp tra cứu nhanh" in html
        detail = await client.get(f"/sang-kien/{initiative.receipt_no}")
        assert detail.status == 200
        detail_html = await detail.text()
        assert "giáo viên tự cập nhật" in detail_html
        book = load_workbook(io.BytesIO(await (await client.get("/danh-sach.xlsx")).read()))
        cells = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value)
        assert "Quản lý […] bằng phần mềm" in cells
    finally:
        await client.close()
    async with app.database.unit_of_work() as store:
        notices = (await store.session.execute(select(NoticeRow))).scalars().all()
    posts = [n.text for n in notices if n.kind == "public:post"]
    to_others = [n.text for n in notices if n.person_id != author.id]
    assert len(posts) == 1 and "Quản lý […] bằng phần mềm" in posts[0]
    assert found(html) == [] and found(detail_html) == [] and found(cells) == []
    assert [found(text) for text in to_others if found(text)] == []


def test_an_answer_meaning_nothing_cuts_nothing() -> None:
    text = "Không có thông tin cần bảo mật nào trong giải pháp; không có chi phí."
    for nothing in ("Không có", "không có thông tin cần bảo mật.", "N/A", "Khong co thong tin bao mat"):
        assert redact(text, nothing) == text


def test_secrets_written_in_other_forms_are_still_cut() -> None:
    """Full-width forms, look-alike letters of other scripts, and one-word passwords or names."""
    from handlers.confidential import redact

    secret = "Mật khẩu máy chủ là hoamaivang. Khách hàng chính: Vinamilk. Mã kích hoạt MẬT-XYZ-123."
    for public in [
        "Đăng nhập bằng ＭＡＴ－ＸＹＺ－１２３ để dùng thử.",
        "Đăng nhập bằng M\u0410\u0422-XYZ-123 để dùng thử.",  # Cyrillic А and Т
        "Mật khẩu hoamaivang được đổi hằng tháng.",
        "Đã áp dụng cho Vinamilk và các đơn vị khác.",
    ]:
        cut = redact(public, secret)
        assert "[…]" in cut, public
        for marker in ("XYZ", "ＸＹＺ", "hoamaivang", "Vinamilk"):
            assert marker not in cut, (public, cut)


async def test_the_wizard_also_warns_about_the_other_published_fields(app: App) -> None:
    chat = Chat(app.core.handle, "503")
    await register(chat)
    await fill_until_summary(chat)
    await chat.press("Sửa một mục")
    await chat.press("Thông tin cần bảo mật")
    await chat.say("Mã kích hoạt MAT-XYZ-123, chỉ cấp cho đơn vị.")
    await chat.press("Sửa một mục")
    await chat.press("Lợi ích theo ý kiến tác giả")
    await chat.say("Tiết kiệm thời gian nhờ mã MAT-XYZ-123 cấp sẵn cho mỗi lớp.")
    assert "nhắc lại thông tin cần bảo mật" in chat.text, chat.text
