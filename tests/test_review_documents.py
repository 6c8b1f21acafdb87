"""Official documents opened again and read field by field (M-02 and M-01 as Word, lists as Excel), Zalo's
signed expiring download links, the editable templates, the rules as data, and the decision clock."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from docx import Document as Word
from pydantic import SecretStr
from sqlalchemy import select

from bot.app import App
from bot.public_page import public_routes
from bot.settings import Settings
from documents import build_templates, docx
from handlers.domain import Role
from storage.models import NoticeRow
from tests.review_support import accept, application, chat, person, publish_round, scored, submit
from tests.support import Clock

BASE_URL = "https://sangkien.example.vn"
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TITLE = "Ứng dụng mã QR tra cứu tiến độ hồ sơ & kết quả học tập"
CONTENT = "Bước 1: in mã QR trên giấy báo;\nBước 2: phụ huynh quét mã;\nBước 3: giáo viên cập nhật điểm."


@pytest.fixture
async def linked_app(settings: Settings, database_url: tuple[str, dict], clock: Clock) -> AsyncIterator[App]:
    configured = settings.model_copy(
        update={
            "public_base_url": BASE_URL,
            "document_link_secret": SecretStr("khoa-bi-mat-cua-duong-dan-tai-lieu"),
            "document_link_ttl_hours": 24,
        }
    )
    application_ = App(configured, clock=clock, engine_kwargs=database_url[1])
    await application_.prepare()
    yield application_
    await application_.close()


def full_application(author, unit: str) -> dict:
    return application(
        author,
        unit,
        TITLE,
        content=CONTENT,
        coauthors=[
            {
                "full_name": "Trần Thị Bình",
                "birth_date": "1990-09-02",
                "workplace": "Trường THCS Quang Trung",
                "position": "Giáo viên",
                "qualification": "Cử nhân Tin học",
            }
        ],
        shares=["60", "40"],
        participants=[
            {
                "full_name": "Lê Văn Cường",
                "birth_date": "1992-03-12",
                "workplace": "Trường THCS Quang Trung",
                "position": "Nhân viên thiết bị",
                "qualification": "Trung cấp",
                "task": "In và dán mã QR",
            }
        ],
        confidential="Mật khẩu quản trị phần mềm",
        benefit_users="Phụ huynh hài lòng hơn",
        attachments=[{"id": 1, "name": "quy-trình.pdf", "size": 10}],
    )


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


async def test_m02_application_as_word_field_by_field(app: App, clock: Clock) -> None:
    author = await person(app, "Nguyễn Văn An", "THCS-QT", user_id="a1")
    await submit(app, clock, author, full_application(author, "Trường THCS Quang Trung"))
    talk = chat(app, "a1")
    await talk.say("/taidon sk-2026-0001")
    reply = talk.replies[-1]
    assert reply.document is not None and reply.document.file_name == "Don-M02-SK-2026-0001.docx"
    assert reply.document.mime_type.endswith("wordprocessingml.document")
    word = Word(io.BytesIO(reply.document.content))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "{{" not in text and "{%" not in text
    assert "ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN" in text and "Số biên nhận: SK-2026-0001" in text
    assert "Kính gửi: Trường THCS Quang Trung" in text
    assert f"Là tác giả (nhóm tác giả) đề nghị xét công nhận sáng kiến: {TITLE}" in text
    assert "- Chủ đầu tư tạo ra sáng kiến: Tác giả đồng thời là chủ đầu tư" in text
    assert "- Lĩnh vực áp dụng sáng kiến: Giáo dục và đào tạo" in text
    assert "- Loại giải pháp: Giải pháp quản lý" in text
    assert "- Ngày sáng kiến được áp dụng lần đầu hoặc áp dụng thử: 05/09/2025" in text
    assert "+ Nội dung giải pháp, các bước thực hiện và điểm mới: " + CONTENT in text  # line breaks kept
    assert "- Những thông tin cần được bảo mật (nếu có): Mật khẩu quản trị phần mềm" in text
    assert "Giá trị làm lợi ước tính: 15.000.000 đ" in text
    assert "cả áp dụng thử: Phụ huynh hài lòng hơn" in text
    assert "Tài liệu kèm theo: quy-trình.pdf" in text
    assert "…………, ngày 03 tháng 03 năm 2026" in text
    assert text.rstrip().endswith("Nguyễn Văn An")
    authors, participants = word.tables
    assert table_rows(authors)[1:] == [
        ["1", "Nguyễn Văn An", "15/08/1985", "Trường THCS Quang Trung", "Giáo viên", "Cử nhân Sư phạm Toán", "60%"],
        ["2", "Trần Thị Bình", "02/09/1990", "Trường THCS Quang Trung", "Giáo viên", "Cử nhân Tin học", "40%"],
    ]
    assert table_rows(participants)[1:] == [
        [
            "1",
            "Lê Văn Cường",
            "12/03/1992",
            "Trường THCS Quang Trung",
            "Nhân viên thiết bị",
            "Trung cấp",
            "In và dán mã QR",
        ]
    ]


async def test_m01_cover_letter_for_a_unit_head(app: App, clock: Clock) -> None:
    head = await person(app, "Phạm Thị Hoa", "THCS-QT", user_id="h1", roles=(Role.UNIT_HEAD,), position="Hiệu trưởng")
    a = await person(app, "Nguyễn Văn An", "THCS-QT", user_id="a1")
    b = await person(app, "Trần Thị Bình", "THCS-QT", user_id="a2")
    elsewhere = await person(app, "Lê Văn Cường", "TH-KD", user_id="a3")
    await submit(app, clock, a, full_application(a, "Trường THCS Quang Trung"))
    await submit(app, clock, b, application(b, "Trường THCS Quang Trung", "Thư viện sách nói cho học sinh"))
    await submit(app, clock, elsewhere, application(elsewhere, "Trường Tiểu học Kim Đồng", "Vườn rau sạch"))
    talk = chat(app, "h1")
    await talk.say("/totrinh")
    document = talk.replies[-1].document
    assert document is not None and document.file_name == "ToTrinh-M01-THCS-QT-2026.docx"
    word = Word(io.BytesIO(document.content))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "TỜ TRÌNH" in text and "Về việc đề nghị xét công nhận sáng kiến năm 2026" in text
    assert "Kính gửi: Hội đồng Sáng kiến" in text
    assert "Trường THCS Quang Trung đề nghị Hội đồng xem xét, công nhận 2 sáng kiến" in text
    header, listing, footer = word.tables
    assert header.rows[0].cells[0].paragraphs[0].text == "TRƯỜNG THCS QUANG TRUNG"
    assert "Số: ……/TTr-THCS-QT" in header.rows[0].cells[0].text
    waiting = ["Giáo dục và đào tạo", "03/03/2026", "Đã nộp, chờ tiếp nhận hồ sơ"]
    assert table_rows(listing)[1:] == [
        ["1", "SK-2026-0001", TITLE, "Nguyễn Văn An, Trần Thị Bình", *waiting],
        ["2", "SK-2026-0002", "Thư viện sách nói cho học sinh", "Trần Thị Bình", *waiting],
    ]
    assert "Vườn rau sạch" not in text + str(table_rows(listing))
    assert footer.rows[0].cells[1].text.strip().endswith("Phạm Thị Hoa")
    assert head.unit_id == a.unit_id


async def test_zalo_gets_an_expiring_signed_link_instead_of_a_file(linked_app: App, clock: Clock) -> None:
    app = linked_app
    secretary = await person(app, "Lê Thị Hồng", "P-NV", user_id="z-sec", roles=(Role.SECRETARIAT,), channel="zalo")
    author = await person(app, "Nguyễn Văn An", "THCS-QT", user_id="a1")
    await submit(app, clock, author, full_application(author, "Trường THCS Quang Trung"))
    talk = chat(app, "z-sec", channel="zalo")
    await talk.say("/taidon SK-2026-0001")
    assert all(r.document is None for r in talk.replies)
    assert "hết hạn lúc 10:00 ngày 04/03/2026" in talk.text
    url = next(line for line in talk.text.splitlines() if line.startswith(BASE_URL + "/tai-lieu/"))
    path = url.removeprefix(BASE_URL)
    web_app = web.Application()
    for route, handler in public_routes(app):
        web_app.router.add_get(route, handler)
    client = TestClient(TestServer(web_app))
    await client.start_server()
    try:
        response = await client.get(path)
        assert response.status == 200
        assert "filename*=UTF-8''Don-M02-SK-2026-0001.docx" in response.headers["Content-Disposition"]
        word = Word(io.BytesIO(await response.read()))
        assert any(TITLE in p.text for p in word.paragraphs)
        body, mac = path.removeprefix("/tai-lieu/").split(".")
        tampered = f"/tai-lieu/{body[:-2]}{'A' if body[-2] != 'A' else 'B'}{body[-1]}.{mac}"
        assert (await client.get(tampered)).status == 403
        # Taking the secretariat role away also takes the link's document away.
        async with app.database.unit_of_work() as store:
            await store.revoke_role(secretary.id, Role.SECRETARIAT)
        assert (await client.get(path)).status == 403
        async with app.database.unit_of_work() as store:
            await store.grant_role(secretary.id, Role.SECRETARIAT)
        clock.advance(hours=25)
        expired = await client.get(path)
        assert expired.status == 403 and "hết hạn" in await expired.text()
    finally:
        await client.close()


async def test_zalo_without_links_configured_says_to_use_telegram(app: App, clock: Clock) -> None:
    author = await person(app, "Nguyễn Văn An", "THCS-QT", user_id="za", channel="zalo")
    await submit(app, clock, author, full_application(author, "Trường THCS Quang Trung"))
    talk = chat(app, "za", channel="zalo")
    await talk.say("/taidon SK-2026-0001")
    assert "lấy tài liệu này qua Telegram" in talk.text and all(r.document is None for r in talk.replies)


def test_the_templates_regenerate_and_render_every_tag(tmp_path: Path) -> None:
    build_templates.build_m02(tmp_path / "m02.docx")
    build_templates.build_m01(tmp_path / "m01.docx")
    shipped = Path(docx.TEMPLATES)
    assert (shipped / "m02.docx").is_file() and (shipped / "m01.docx").is_file()
    rendered = docx.render("m02.docx", {"title": "Tên có dấu: Đổi mới", "authors": [], "participants": []}, tmp_path)
    text = "\n".join(p.text for p in Word(io.BytesIO(rendered)).paragraphs)
    assert "Tên có dấu: Đổi mới" in text and "{{" not in text and "{%" not in text


async def test_rules_are_data_edited_by_the_secretariat_and_locked_once_scoring_starts(app: App, clock: Clock) -> None:
    secretary = await person(app, "Lê Thị Hồng", "P-NV", user_id="sec", roles=(Role.SECRETARIAT,))
    sec = chat(app, "sec")
    await sec.say("/quydinh")
    shown = sec.replies[1].text
    assert "Loại: A | từ 80 | tối đa 5 | 2.000.000 đ" in shown
    await sec.say(shown.replace("Loại: A | từ 80 | tối đa 5", "Loại: A | từ 90 | tối đa 1"))
    assert "Đã lưu tiêu chí và xếp loại năm 2026" in sec.text and "Loại: A | từ 90 | tối đa 1" in sec.text
    await sec.say("/quydinh")
    await sec.say("Loại: Z")
    assert "Không hiểu dòng «Loại: Z»" in sec.text
    await sec.say("/huy")

    author = await person(app, "Nguyễn Văn An", "THCS-QT", user_id="a1")
    members = [await person(app, f"Thành viên {k}", "P-NV", user_id=f"m{k}", roles=(Role.COUNCIL,)) for k in (1, 2)]
    for title, points in (("Sáng kiến thứ nhất", (28, 28, 38)), ("Sáng kiến thứ hai", (27, 27, 38))):
        initiative = await submit(app, clock, author, application(author, "Trường THCS Quang Trung", title))
        initiative = await accept(app, clock, initiative, secretary)
        await scored(app, clock, initiative, dict.fromkeys(members, points))
    await sec.say("/quydinh 2026")
    assert "đã có phiếu chấm nên tiêu chí và xếp loại không thay đổi được nữa" in sec.text
    await sec.say("/dongcham 1")
    await sec.say("/ketqua 1")
    assert "1. SK-2026-0001 «Sáng kiến thứ nhất» — 94 điểm — Loại A" in sec.text
    assert "2. SK-2026-0002 «Sáng kiến thứ hai» — 92 điểm — Loại B — 1.000.000 đ (Đủ điểm loại A" in sec.text


async def test_the_decision_clock_reminds_the_secretariat_until_results_are_published(app: App, clock: Clock) -> None:
    await person(app, "Lê Thị Hồng", "P-NV", user_id="sec", roles=(Role.SECRETARIAT,))
    author = await person(app, "Nguyễn Văn An", "THCS-QT", user_id="a1")
    members = [await person(app, f"Thành viên {k}", "P-NV", user_id=f"m{k}", roles=(Role.COUNCIL,)) for k in (1, 2)]
    initiative = await submit(app, clock, author, application(author, "Trường THCS Quang Trung", "Sổ điểm số"))
    sec = chat(app, "sec")
    await sec.say("/hoso SK-2026-0001")
    await sec.press("Tiếp nhận")
    await sec.press("Xác nhận")
    assert "Hạn ra quyết định công nhận: 03/06/2026" in sec.text
    await sec.say("/hoidong 1")
    assert "Hạn ra quyết định công nhận: 03/06/2026 (còn 92 ngày)" in sec.text
    async with app.database.unit_of_work() as store:
        reminders = (
            (await store.session.execute(select(NoticeRow).where(NoticeRow.kind == "review:decision"))).scalars().all()
        )
        accepted = await store.initiative(initiative.id)
    due = sorted(r.due_at.replace(tzinfo=r.due_at.tzinfo or ZoneInfo("UTC")).astimezone(HCM) for r in reminders)
    assert due == [datetime(2026, 5, 4, 8, 0, tzinfo=HCM), datetime(2026, 5, 27, 8, 0, tzinfo=HCM)]
    assert all("trước ngày 03/06/2026" in r.text for r in reminders)
    assert accepted is not None
    await scored(app, clock, accepted, dict.fromkeys(members, (20, 20, 30)))
    await publish_round(app, sec)
    async with app.database.unit_of_work() as store:
        statuses = (
            (await store.session.execute(select(NoticeRow.status).where(NoticeRow.kind == "review:decision")))
            .scalars()
            .all()
        )
    assert statuses == ["cancelled", "cancelled"]
