"""Reports that assemble themselves: a body's yearly list and mid-year report, confirmed by its head and filed to
the province; reminders to bodies that have not filed; the province overview with its workbook and chart.
Whole conversations on a province of two bodies (A: Sở Giáo dục và Đào tạo, B: UBND xã Hòa An)."""

from __future__ import annotations

import io
import struct
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.app import App
from handlers.domain import Initiative, Person
from handlers.reports import build_overview, build_year_report
from handlers.texts import common as C
from handlers.texts import reports as T
from similarity import Match
from storage.models import BodyReportRow
from tests.reminder_support import Recorder, local, tick_at
from tests.review_support import accept, application, chat, person, publish_round, scored, submit
from tests.support import WIZARD_VARIANTS, Chat, Clock

ROUNDS = [
    {"number": 1, "name": "Đợt I", "deadline": "2026-04-20", "sectors": ["education"]},
    {"number": 2, "name": "Đợt II", "deadline": "2026-07-10", "sectors": ["other"]},
]
PROVINCE_SEED: dict[str, Any] = {
    "province": {
        "code": "TINH",
        "name": "UBND tỉnh Cao Bằng",
        "units": [{"code": "SKHCN", "name": "Sở Khoa học và Công nghệ", "sector": "other"}],
        "people": [
            {"name": "Hoàng Minh Tuấn", "unit": "SKHCN", "roles": ["province_office"], "console_id": "po"},
        ],
    },
    "bodies": [
        {
            "code": "SGD",
            "name": "Sở Giáo dục và Đào tạo",
            "units": [
                {"code": "THCS-QT", "name": "Trường THCS Quang Trung", "sector": "education"},
                {"code": "SGD-VP", "name": "Văn phòng Sở Giáo dục và Đào tạo", "sector": "other"},
            ],
            "people": [
                {"name": "Nông Văn Đức", "unit": "SGD-VP", "roles": ["body_head"], "console_id": "ha"},
                {"name": "Lê Thị Hồng", "unit": "SGD-VP", "roles": ["secretariat"], "console_id": "sa"},
                {"name": "Đỗ Minh Châu", "unit": "SGD-VP", "roles": ["council"], "console_id": "ca1"},
                {"name": "Vũ Thị Dung", "unit": "SGD-VP", "roles": ["council"], "console_id": "ca2"},
            ],
        },
        {
            "code": "XHA",
            "name": "UBND xã Hòa An",
            "units": [{"code": "XHA-VP", "name": "Văn phòng UBND xã Hòa An", "sector": "other"}],
            "people": [
                {"name": "Bế Văn Hùng", "unit": "XHA-VP", "roles": ["body_head"], "console_id": "hb"},
                {"name": "La Thị Mai", "unit": "XHA-VP", "roles": ["secretariat"], "console_id": "sb"},
            ],
        },
    ],
    "campaigns": [{"year": 2026, "rounds": ROUNDS}],
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def seed_data() -> dict[str, Any]:
    return PROVINCE_SEED




async def body_id(app: App, code: str) -> int:
    async with app.database.unit_of_work() as store:
        body = await store.body_by_code(code)
        assert body is not None
        return body.id


async def seeded(app: App, name: str) -> Person:
    async with app.database.unit_of_work() as store:
        found = [p for p in (await store.people(range(1, 100))).values() if p.full_name == name]
        return found[0]


def filed(author: Person, unit: str, title: str, variant: int, **overrides: Any) -> dict[str, Any]:
    """An application on its own topic (the duplicate check must not take one for a copy of another)."""
    _, state, content, scope = WIZARD_VARIANTS[variant]
    return application(author, unit, title, current_state=state, content=content, scope=scope, **overrides)


async def province_with_results(app: App, clock: Clock) -> dict[str, Any]:
    """A recognises two initiatives (class A and class B) and transfers one; B has one filed, flagged as a copy."""
    secretary = await seeded(app, "Lê Thị Hồng")
    m1, m2 = await seeded(app, "Đỗ Minh Châu"), await seeded(app, "Vũ Thị Dung")
    author = await person(app, "Nguyễn Thị Ánh", "THCS-QT", user_id="a1")
    staff_b = await person(app, "Lý Văn Toàn", "XHA-VP", user_id="b1", position="Công chức")
    first = await submit(app, clock, author, filed(author, "Trường THCS Quang Trung", "Sổ điểm điện tử", 0))
    second = await submit(
        app, clock, author, filed(author, "Trường THCS Quang Trung", "Tủ sách luân chuyển", 1, field="digital")
    )
    for initiative, points in ((first, (28, 28, 38)), (second, (25, 25, 25))):
        accepted = await accept(app, clock, initiative, secretary)
        await scored(app, clock, accepted, {m1: points, m2: points})
    sa = chat(app, "sa")
    await publish_round(app, sa, first.round_id or 0)
    await sa.say(f"/quyetdinh {first.round_id} 123/QĐ-SGDĐT 02/03/2026")
    assert "123/QĐ-SGDĐT" in sa.text, sa.text
    await sa.say(f"/chuyengiao {first.receipt_no}; Công ty Cổ phần Sách Việt; 01/03/2026; Hợp đồng số 12/HĐ")
    assert "Công ty Cổ phần Sách Việt" in sa.text, sa.text
    in_b = await submit(
        app, clock, staff_b, filed(staff_b, "Văn phòng UBND xã Hòa An", "Một cửa điện tử", 2, field="admin_reform")
    )
    async with app.database.unit_of_work() as store:
        await store.replace_similarity_flags(in_b.id, [Match(first.id, 0.91, ())], clock())
    return {"first": first, "second": second, "in_b": in_b, "sa": sa}


def workbook(reply_document: Any) -> Any:
    return load_workbook(io.BytesIO(reply_document.content))


def rows_of(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


async def report_rows(app: App) -> list[BodyReportRow]:
    async with app.database.unit_of_work() as store:
        return list((await store.session.execute(select(BodyReportRow))).scalars().all())


async def test_a_body_files_its_yearly_report_and_the_province_sees_who_has_not(app: App, clock: Clock) -> None:
    made = await province_with_results(app, clock)
    first: Initiative = made["first"]
    sgd = await body_id(app, "SGD")

    # December: A's head sees the yearly list, assembled from A's data, and confirms it.
    clock.now = local(2026, 12, 10, 9)
    head_a = chat(app, "ha")
    await head_a.say("/baocao")
    summary = head_a.replies[0].text
    assert "BÁO CÁO NĂM 2026 — Sở Giáo dục và Đào tạo" in summary
    assert "Được công nhận: 2 (loại A: 1; loại B: 1)" in summary
    assert "Được chuyển giao trong năm: 1" in summary
    assert f"{first.receipt_no} «Sổ điểm điện tử» — Nguyễn Thị Ánh, Trường THCS Quang Trung — loại A" in summary
    assert "QĐ số 123/QĐ-SGDĐT ngày 02/03/2026" in summary
    assert "chuyển giao cho Công ty Cổ phần Sách Việt ngày 01/03/2026" in summary
    assert T.STATUS_NOT_FILED in summary
    assert "Một cửa điện tử" not in head_a.text  # B's initiative is not A's
    excel = next(r.document for r in head_a.replies if r.document is not None)
    assert excel.file_name == "Bao-cao-nam-2026-SGD.xlsx"
    book = workbook(excel)
    listed = rows_of(book[T.SHEET_RECOGNISED])
    receipts = [row[1] for row in listed if isinstance(row[0], int)]
    assert receipts == [first.receipt_no, made["second"].receipt_no]
    row = next(r for r in listed if r[1] == first.receipt_no)
    assert row[2:] == [
        "Sổ điểm điện tử",
        "Nguyễn Thị Ánh",
        "Trường THCS Quang Trung",
        "Giáo dục và đào tạo",
        "loại A",
        "QĐ số 123/QĐ-SGDĐT ngày 02/03/2026",
    ]
    transferred = [r for r in rows_of(book[T.SHEET_TRANSFERS]) if isinstance(r[0], int)]
    assert [(r[1], r[5], r[6]) for r in transferred] == [(first.receipt_no, "Công ty Cổ phần Sách Việt", "01/03/2026")]
    assert head_a.options == [T.CONFIRM, T.LATER]
    await head_a.press(T.CONFIRM)
    assert "Đã gửi báo cáo năm 2026 của Sở Giáo dục và Đào tạo lên tỉnh" in head_a.text
    assert "Sở Khoa học và Công nghệ đã được thông báo (1 người)" in head_a.text
    filed = await report_rows(app)
    assert [(r.body_id, r.year, r.kind) for r in filed] == [(sgd, 2026, "year")]
    content = filed[0].content
    assert content["counts"]["recognised"] == 2 and len(content["recognised"]) == 2
    assert content["transfers"][0]["recipient"] == "Công ty Cổ phần Sách Việt"

    # A's Thường trực Hội đồng sees the report as filed but cannot confirm; B's people see only B's.
    sec_a: Chat = made["sa"]
    await sec_a.say("/baocao 2026")
    assert "ĐÃ GỬI lên tỉnh" in sec_a.text and "Nông Văn Đức xác nhận" in sec_a.text
    assert T.HEAD_CONFIRMS in sec_a.text and sec_a.options == []
    head_b = chat(app, "hb")
    await head_b.say("/baocao 2026 SGD")
    assert head_b.text == T.OTHER_BODY
    await head_b.say("/baocao 2026")
    assert "UBND xã Hòa An" in head_b.text and "Sổ điểm điện tử" not in head_b.text
    await head_b.press(T.LATER)
    assert head_b.text == T.NOT_FILED
    assert [r.body_id for r in await report_rows(app)] == [sgd]

    # The planner reminds B's head and Thường trực Hội đồng on 15/12, not A's; the province office got A's filing.
    recorder = Recorder()
    service = app.reminder_service(recorder)
    await tick_at(service, clock, local(2026, 12, 15, 8, 30))
    await tick_at(service, clock, local(2026, 12, 15, 9, 30))  # a second pass queues nothing twice
    due = [(user, text) for _, user, text in recorder.sent if "chưa gửi báo cáo" in text]
    assert sorted(user for user, _ in due) == ["hb", "sb"]
    assert "UBND xã Hòa An chưa gửi báo cáo năm 2026" in dict(due)["hb"] and "hạn ngày 31/12/2026" in dict(due)["hb"]
    assert "người đứng đầu cơ quan xác nhận gửi" in dict(due)["sb"]
    assert any("Sở Giáo dục và Đào tạo đã gửi báo cáo năm 2026" in text for text in recorder.to("po"))
    await tick_at(service, clock, local(2026, 12, 24, 8, 30))
    assert len([t for t in recorder.to("hb") if "chưa gửi báo cáo" in t]) == 2
    assert not [t for t in recorder.to("ha") + recorder.to("sa") if "chưa gửi báo cáo" in t]

    # The province office's overview: A filed, B not; the counts, the workbook and the chart.
    office = chat(app, "po")
    await office.say("/tonghop 2026")
    text = office.replies[0].text
    assert "TỔNG HỢP SÁNG KIẾN TOÀN TỈNH NĂM 2026 (2 cơ quan công nhận)" in text
    assert "Đã đăng ký: 3; được công nhận: 2 (loại A: 1; loại B: 1)" in text
    assert "Được chuyển giao: 1; nghi trùng lặp: 1" in text, text
    assert "Báo cáo năm đã gửi: 1/2" in text
    assert "Chưa gửi báo cáo năm (1): UBND xã Hòa An (XHA)" in text
    documents = [r.document for r in office.replies if r.document is not None]
    assert [d.file_name for d in documents] == ["Tong-hop-sang-kien-2026.xlsx", "Bieu-do-sang-kien-2026.png"]
    book = workbook(documents[0])
    assert book.sheetnames == [T.SHEET_OVERVIEW, T.SHEET_GRADES, T.SHEET_FIELDS, T.SHEET_FIELDS_RECOGNISED]
    bodies = {r[1]: r for r in rows_of(book[T.SHEET_OVERVIEW]) if isinstance(r[0], int)}
    assert bodies["SGD"][2:] == ["Sở Giáo dục và Đào tạo", 2, 2, 1, 0, 2, 1, 1, T.NO, "Đã gửi 10/12/2026", "Chưa gửi"]
    assert bodies["XHA"][2:] == ["UBND xã Hòa An", 1, 0, 0, 1, 1, 1, 1, T.YES, "Chưa gửi", "Chưa gửi"]
    grades = rows_of(book[T.SHEET_GRADES])
    assert ["STT", "Mã", "Cơ quan công nhận", "loại A", "loại B", "Tổng cộng"] in grades
    assert [1, "SGD", "Sở Giáo dục và Đào tạo", 1, 1, 2] in grades
    fields = rows_of(book[T.SHEET_FIELDS])
    assert [None, None, "Tổng cộng", 1, 1, 1, 3] in fields
    png = documents[1].content
    assert png.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 800 and height >= 300 and len(png) > 5_000
    assert documents[1].mime_type == "image/png"

    # A change after filing: the head sees it, files again, and the snapshot is replaced (one row).
    await sec_a.say(f"/chuyengiao {first.receipt_no}; Sở Giáo dục tỉnh Bắc Kạn; 20/12/2026; Thỏa thuận 3/TT")
    clock.now = local(2026, 12, 28, 9)
    await head_a.say("/baocao")
    assert T.STATUS_CHANGED in head_a.text and "Được chuyển giao trong năm: 2" in head_a.text
    assert head_a.options == [T.REFILE, T.LATER] and "THAY THẾ bản đã gửi" in head_a.text
    await head_a.press(T.REFILE)
    assert "Đã gửi lại báo cáo năm 2026" in head_a.text and "thay thế bản gửi lúc 09:30 ngày 10/12/2026" in head_a.text
    filed = await report_rows(app)
    assert len(filed) == 1 and len(filed[0].content["transfers"]) == 2


async def test_the_mid_year_report_and_its_reminders(app: App, clock: Clock) -> None:
    await province_with_results(app, clock)
    clock.now = local(2026, 6, 10, 9)
    head_a = chat(app, "ha")
    await head_a.say("/baocao giữa năm")
    assert "BÁO CÁO GIỮA NĂM 2026 — Sở Giáo dục và Đào tạo" in head_a.text
    assert "Sáng kiến đã đăng ký: 2" in head_a.text and "Được công nhận: 2" in head_a.text
    assert "Đơn vị đạt chỉ tiêu (1 sáng kiến/đơn vị): 1/2" in head_a.text
    await head_a.say("1")
    assert "Đã gửi báo cáo giữa năm 2026" in head_a.text
    assert [(r.year, r.kind) for r in await report_rows(app)] == [(2026, "mid")]

    recorder = Recorder()
    service = app.reminder_service(recorder)
    await tick_at(service, clock, local(2026, 6, 15, 7))  # before the send time: nothing yet
    assert not [t for _, _, t in recorder.sent if "chưa gửi báo cáo" in t]
    await tick_at(service, clock, local(2026, 6, 15, 8, 5))
    due = {user: text for _, user, text in recorder.sent if "chưa gửi báo cáo" in text}
    assert sorted(due) == ["hb", "sb"]
    assert "báo cáo giữa năm 2026" in due["hb"] and "/baocao giuanam" in due["hb"]
    assert any("đã gửi báo cáo giữa năm 2026" in t for t in recorder.to("po"))

    # B's head files: the reminder planned for 25/6 never comes; after 30/6 nothing is sent either.
    head_b = chat(app, "hb")
    clock.now = local(2026, 6, 20, 9)
    await head_b.say("/baocao giuanam")
    await head_b.press(T.CONFIRM)
    await tick_at(service, clock, local(2026, 6, 25, 8, 30))
    await tick_at(service, clock, local(2026, 7, 1, 8, 30))
    assert len([t for _, _, t in recorder.sent if "chưa gửi báo cáo" in t]) == 2


async def test_staff_and_other_bodies_are_refused(app: App, clock: Clock) -> None:
    await province_with_results(app, clock)
    staff = chat(app, "a1")
    await staff.say("/baocao")
    assert staff.text == C.NOT_ALLOWED
    await staff.say("/tonghop")
    assert staff.text == C.NOT_ALLOWED
    head_b = chat(app, "hb")
    await head_b.say("/tonghop 2026")
    assert head_b.text == C.NOT_ALLOWED
    await head_b.say("/baocao 2026 KHONGCO")
    assert head_b.text == T.OTHER_BODY  # B's head learns nothing of which codes exist
    await head_b.say("/baocao năm-ngoái")
    assert "Không hiểu «năm-ngoái»" in head_b.text
    office = chat(app, "po")
    await office.say("/baocao 2026 SGD")
    assert "BÁO CÁO NĂM 2026 — Sở Giáo dục và Đào tạo" in office.text and office.options == []
    await office.say("/baocao 2026 KHONGCO")
    assert "Không có cơ quan công nhận mã «KHONGCO»" in office.text
    await office.say("/tonghop hai")
    assert "Năm không hợp lệ" in office.text


async def test_the_builders_read_every_body_at_once(app: App, clock: Clock) -> None:
    made = await province_with_results(app, clock)
    sgd = await body_id(app, "SGD")
    async with app.database.unit_of_work() as store:
        overview = await build_overview(store, 2026)
        report = await build_year_report(store, sgd, 2026)
    assert [r.body.code for r in overview.rows] == ["SGD", "XHA"]
    assert overview.total.filed == 3 and overview.total.duplicates == 1
    assert [e.receipt_no for e in report.recognised] == [made["first"].receipt_no, made["second"].receipt_no]
    assert report.recognised[1].field == "digital" and report.recognised[1].grade == "B"
    assert report.transfers[0].on == date(2026, 3, 1)
