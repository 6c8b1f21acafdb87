"""A whole round, through the chats of the people who do it: 30 initiatives from 8 units, intake with
amendments and a refusal, a council of 5 (one of them a co-author), automatic assignment, scoring through the
bot, a divergence and an added member, a tie at a class boundary, quota spill-over (7 above 80 → 5 A, 2 B),
publication, and the notice every author gets."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from bot.app import App
from handlers.domain import Person, Role
from handlers.results import DEFAULT_RULES
from storage.models import InitiativeRow, NoticeRow
from storage.review import ReviewResultRow, SubmissionSnapshotRow
from tests.review_support import EDUCATION_UNITS, add_units, application, chat, person, submit
from tests.support import Chat, Clock

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]
GIVEN = ["Thị Ánh", "Văn Bảo", "Thị Cúc", "Quốc Dũng", "Thị Hằng", "Minh Khôi", "Thu Loan", "Đức Mạnh", "Ngọc Oanh"]

# Target total per accepted initiative (both members give it); #12 diverges (90 and 60, then 75 from a third
# member); #15 and #16 tie at 72 and are told apart by effectiveness: the later one (#16) scores higher there.
TARGETS: dict[int, float] = {
    1: 95, 2: 92, 3: 90, 4: 88, 5: 85, 6: 83, 7: 81,
    8: 79, 9: 78, 10: 77, 11: 76, 12: 75, 13: 74, 14: 73, 15: 72, 16: 72,
    17: 68, 18: 65, 19: 64, 20: 62, 21: 60,
    22: 58, 23: 55, 24: 52, 25: 50,
    26: 45, 27: 30, 28: 49.5,
}  # fmt: skip
SPECIAL: dict[int, tuple[str, str, str]] = {15: ("22", "20", "30"), 16: ("20", "17", "35")}
DIVERGENT = 12


def split(total: float) -> tuple[str, str, str]:
    n = int(total * 3 // 10)
    eff = Decimal(str(total)) - 2 * n
    return str(n), str(n), str(eff).replace(".", ",")


def receipt(i: int) -> str:
    return f"SK-2026-{i:04d}"


async def score(
    member: Chat, i: int, points: tuple[str, str, str], comment: str = "Giải pháp thiết thực, rõ ràng."
) -> None:
    await member.say("/chamdiem")
    await member.press(receipt(i))
    await member.press("Chấm điểm")
    for p in points:
        await member.say(p)
    await member.say(comment)
    assert "Tổng điểm:" in member.text
    await member.press("Gửi phiếu chấm")
    assert f"Đã gửi phiếu chấm hồ sơ {receipt(i)}" in member.text


async def test_a_whole_round(app: App, clock: Clock) -> None:
    await add_units(app)
    secretary = await person(app, "Lê Thị Hồng", "P-NV", user_id="sec", roles=(Role.SECRETARIAT,))
    names = ["Đỗ Minh Châu", "Vũ Thị Dung", "Hoàng Văn Em", "Ngô Thị Phương", "Bùi Quang Giang"]
    members = [
        await person(app, n, "P-NV", user_id=f"c{k}", roles=(Role.COUNCIL,), phone=f"091100000{k}")
        for k, n in enumerate(names, 1)
    ]
    authors: dict[int, Person] = {}
    for i in range(1, 31):
        name = f"{FAMILY[i % 10]} {GIVEN[i % 9]} {chr(0x41 + i % 26)}"
        unit_code = EDUCATION_UNITS[(i - 1) % 8]
        authors[i] = await person(app, name, unit_code, user_id=f"a{i}", phone=f"09220000{i:02d}")
    units = {u.id: u for u in await _units(app)}
    co_of_4 = {"full_name": "Hoàng Văn Em", "phone": "0911 000 003", "birth_date": "1980-01-01",
               "workplace": "Phòng Nội vụ", "position": "Chuyên viên", "qualification": "Thạc sĩ"}  # fmt: skip
    co_of_1 = {"full_name": authors[2].full_name, "phone": authors[2].phone, "birth_date": "1990-02-02",
               "workplace": "Trường", "position": "Giáo viên", "qualification": "Cử nhân"}  # fmt: skip
    for i in range(1, 31):
        author = authors[i]
        extra = {}
        if i == 1:
            extra = {"coauthors": [co_of_1], "shares": ["70", "30"]}
        if i == 4:
            extra = {"coauthors": [co_of_4], "shares": ["60", "40"]}
        data = application(author, units[author.unit_id].name, f"Sáng kiến số {i}: đổi mới quản lý lớp học", **extra)
        await submit(app, clock, author, data)

    # --- intake: 27 accepted straight away, 2 sent back for amendment, 1 refused ----------------------------------
    sec = chat(app, "sec")
    await sec.say("/hoso")
    assert "Hồ sơ chờ kiểm tra: 30" in sec.text and "Đợt I năm 2026: 30" in sec.text
    for i in range(1, 28):
        await sec.say(f"/hoso {receipt(i)}")
        await sec.press("Tiếp nhận")
        await sec.press("Xác nhận")
        assert f"Đã tiếp nhận hồ sơ {receipt(i)}" in sec.text and "03/06/2026" in sec.text
    for i in (28, 29):
        await sec.say(f"/hoso {receipt(i)}")
        await sec.press("Yêu cầu bổ sung")
        await sec.say("Bổ sung số liệu minh chứng hiệu quả")
        await sec.press("Xác nhận")
        assert "Đã gửi yêu cầu bổ sung" in sec.text
    await sec.say(f"/hoso {receipt(30)}")
    await sec.press("Không tiếp nhận")
    await sec.say("Giải pháp đã được công nhận năm trước")
    await sec.press("Xác nhận")
    assert "Đã từ chối tiếp nhận hồ sơ SK-2026-0030" in sec.text

    # The author of #28 edits the title in the wizard and files again under the same receipt.
    author28 = chat(app, "a28")
    await author28.say("/cuatoi")
    await author28.press(receipt(28))
    assert "Cần bổ sung, sửa đổi" in author28.text
    await author28.press("Tiếp tục soạn")
    await author28.press("Sửa một mục")
    await author28.press("Tên sáng kiến")
    await author28.say("Sáng kiến số 28: đổi mới quản lý lớp học, có số liệu minh chứng")
    await author28.press("Nộp đơn")
    # The round's applications share their template text: the author is shown the near copies and explains.
    assert "giống với" in author28.text and "SK-2026-00" in author28.text
    await author28.press("Vẫn nộp")
    await author28.say("Lớp học của tôi dùng số liệu minh chứng riêng, khác các sáng kiến cùng đợt.")
    assert "Số biên nhận: SK-2026-0028" in author28.text
    await sec.say(f"/hoso {receipt(28)}")
    assert "lần nộp thứ 2" in sec.text
    assert "Các mục đã sửa so với lần nộp trước: Tên sáng kiến" in sec.text
    assert "Cần bổ sung, sửa đổi: Bổ sung số liệu minh chứng hiệu quả" in sec.text
    await sec.press("Tiếp nhận")
    await sec.press("Xác nhận")
    async with app.database.unit_of_work() as store:
        rows = await store.session.execute(
            select(SubmissionSnapshotRow.version, SubmissionSnapshotRow.data).order_by(SubmissionSnapshotRow.version)
        )
        versions = [(v, d["title"]) for v, d in rows.all() if d["title"].startswith("Sáng kiến số 28")]
        assert [v for v, _ in versions] == [1, 2] and versions[0][1] != versions[1][1]

    # --- the council: 5 members, automatic assignment never picks a co-author ----------------------------------------
    for m in members:
        await sec.say(f"/hoidong 1 them {m.id} giao duc")
        assert f"Đã đưa {m.full_name} vào Hội đồng" in sec.text
    await sec.say("/phancong 1")
    assert "Đã phân công 56 lượt chấm cho 28 hồ sơ" in sec.text
    await sec.say(f"/phancong {receipt(4)} {members[2].id}")
    assert "Không thể phân công Hoàng Văn Em chấm hồ sơ SK-2026-0004" in sec.text
    async with app.database.unit_of_work() as store:
        assignments = await store.assignments()
    by_initiative: dict[int, list[int]] = {}
    for a in assignments:
        by_initiative.setdefault(a.initiative_id, []).append(a.person_id)
    ids = await _ids(app)
    assert members[2].id not in by_initiative[ids[4]]
    assert all(len(v) == 2 for v in by_initiative.values())

    # --- scoring through the bot ---------------------------------------------------------------------------------
    member_chats = {m.id: chat(app, f"c{k}") for k, m in enumerate(members, 1)}
    for i, target in TARGETS.items():
        assigned = by_initiative[ids[i]]
        for n, member_id in enumerate(assigned):
            points = SPECIAL.get(i) or split(target)
            if i == DIVERGENT:
                points = split(90) if n == 0 else split(60)
            await score(member_chats[member_id], i, points)
    async with app.database.unit_of_work() as store:
        diverged = (
            (await store.session.execute(select(NoticeRow).where(NoticeRow.kind == "review:divergence")))
            .scalars()
            .all()
        )
    assert [n.person_id for n in diverged] == [secretary.id]
    assert "chênh lệch 30 điểm" in diverged[0].text and receipt(DIVERGENT) in diverged[0].text
    third = next(m for m in members if m.id not in by_initiative[ids[DIVERGENT]])
    await sec.say(f"/phancong {receipt(DIVERGENT)} {third.id}")
    assert f"Đã phân công {third.full_name} chấm hồ sơ {receipt(DIVERGENT)}" in sec.text
    await score(member_chats[third.id], DIVERGENT, split(75))

    # --- preview, close, publish -----------------------------------------------------------------------------------
    await sec.say("/ketqua 1")
    assert "Đây là bản xem trước" in sec.text and not any("Công bố" in o for o in sec.options)
    await sec.say("/dongcham 1")
    assert "Đã khóa chấm điểm Đợt I năm 2026" in sec.text
    await sec.say("/ketqua 1")
    preview = sec.text
    assert f"1. {receipt(1)}" in preview and "95 điểm — Loại A — 2.000.000 đ" in preview
    assert (
        f"6. {receipt(6)}" in preview
        and "Loại B — 1.000.000 đ (Đủ điểm loại A nhưng đợt đã đủ số sáng kiến loại A)" in preview
    )
    assert "loại A: 5/5; loại B: 10/10; loại C: 6/10; giấy chứng nhận: 4; không công nhận: 3" in preview
    sheet = next(r.document for r in sec.replies if r.document)
    await _check_results_sheet(sheet.content)
    await sec.press("Công bố kết quả")
    await sec.press("Đồng ý công bố")
    assert "Đã công bố kết quả Đợt I năm 2026: 25/28 sáng kiến được công nhận" in sec.text

    # --- what was stored, and what every author is told ---------------------------------------------------------
    async with app.database.unit_of_work() as store:
        statuses = dict((await store.session.execute(select(InitiativeRow.receipt_no, InitiativeRow.status))).all())
        results = {r.initiative_id: r for r in (await store.session.execute(select(ReviewResultRow))).scalars().all()}
        notices = (
            (await store.session.execute(select(NoticeRow).where(NoticeRow.kind.like("status:%")))).scalars().all()
        )
    grades = {i: (results[ids[i]].grade, results[ids[i]].recognised) for i in TARGETS}
    assert [i for i in TARGETS if grades[i] == ("A", True)] == [1, 2, 3, 4, 5]
    assert [i for i in TARGETS if grades[i] == ("B", True)] == [6, 7, 8, 9, 10, 11, 12, 13, 14, 16]
    assert [i for i in TARGETS if grades[i] == ("C", True)] == [15, 17, 18, 19, 20, 21]
    assert [i for i in TARGETS if grades[i] == ("", True)] == [22, 23, 24, 25]
    assert [i for i in TARGETS if not grades[i][1]] == [26, 27, 28]
    assert Decimal(results[ids[DIVERGENT]].mean) == 75 and results[ids[DIVERGENT]].members == 3
    assert statuses[receipt(1)] == "recognised" and statuses[receipt(26)] == "not_recognised"
    assert statuses[receipt(29)] == "amend_requested" and statuses[receipt(30)] == "refused"

    def told(i: int, kind: str) -> list[str]:
        return [n.text for n in notices if n.person_id == authors[i].id and n.kind == f"status:{kind}"]

    assert told(1, "recognised") == [
        f"🎉 Chúc mừng! Sáng kiến «Sáng kiến số 1: đổi mới quản lý lớp học» (số biên nhận {receipt(1)}) được công "
        "nhận: xếp loại A, điểm trung bình 95, tiền thưởng 2.000.000 đ. Giấy chứng nhận sẽ được gửi về đơn vị."
    ]
    assert "xếp loại B, điểm trung bình 83, tiền thưởng 1.000.000 đ" in told(6, "recognised")[0]
    assert "xếp loại B, điểm trung bình 72, tiền thưởng 1.000.000 đ" in told(16, "recognised")[0]
    assert "xếp loại C, điểm trung bình 72, tiền thưởng 500.000 đ" in told(15, "recognised")[0]
    assert "điểm trung bình 58, được cấp giấy chứng nhận" in told(22, "recognised")[0]
    assert "không được công nhận (điểm trung bình 49,5)" in told(28, "not_recognised")[0]
    assert "Lý do: điểm trung bình dưới 50 điểm" in told(26, "not_recognised")[0]
    assert "Lý do: Giải pháp đã được công nhận năm trước" in told(30, "refused")[0]
    assert not told(30, "recognised") and not told(30, "not_recognised")
    assert "Bổ sung số liệu minh chứng hiệu quả" in told(29, "amend_requested")[0]
    # Registered co-authors are told too: the author of #2 for #1, the council member for #4.
    assert any(receipt(1) in t for t in told(2, "recognised"))
    co4 = [n.text for n in notices if n.person_id == members[2].id and n.kind == "status:recognised"]
    assert len(co4) == 1 and receipt(4) in co4[0]
    for i in TARGETS:
        kind = "recognised" if grades[i][1] else "not_recognised"
        assert len([t for t in told(i, kind) if receipt(i) in t]) == 1, i

    # The yearly list by unit, as the province gets it.
    await sec.say("/danhsachnam 2026")
    document = next(r.document for r in sec.replies if r.document)
    book = load_workbook(io.BytesIO(document.content))
    listing = book["Danh sách"]
    assert listing["A1"].value == "DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN NĂM 2026"
    header = [c.value for c in listing[5]]
    assert header[:4] == ["STT", "Đơn vị", "Số biên nhận", "Tên sáng kiến"]
    data_rows = [[c.value for c in row] for row in listing.iter_rows(min_row=6)]
    assert len(data_rows) == 25
    assert {r[1] for r in data_rows} == {u.name for u in units.values() if u.code in EDUCATION_UNITS}
    first = next(r for r in data_rows if r[2] == receipt(1))
    assert first[3] == "Sáng kiến số 1: đổi mới quản lý lớp học" and first[8] == "Loại A" and first[9] == 2_000_000
    assert first[4] == f"{authors[1].full_name}, {authors[2].full_name}"
    by_unit = book["Theo đơn vị"]
    assert sum(row[2].value for row in by_unit.iter_rows(min_row=4)) == 25


async def _check_results_sheet(content: bytes) -> None:
    book = load_workbook(io.BytesIO(content))
    sheet = book["Kết quả"]
    assert sheet["A1"].value == "KẾT QUẢ CHẤM ĐIỂM SÁNG KIẾN — ĐỢT I NĂM 2026"
    header = [c.value for c in sheet[5]]
    labels = [c.label for c in DEFAULT_RULES.criteria]
    assert header[6:9] == [f"{labels[0]} (tối đa 30)", f"{labels[1]} (tối đa 30)", f"{labels[2]} (tối đa 40)"]
    rows = {row[1].value: [c.value for c in row] for row in sheet.iter_rows(min_row=6)}
    assert len(rows) == 28
    assert rows[receipt(1)][0] == 1 and rows[receipt(1)][9] == 95 and rows[receipt(1)][12] == "Loại A"
    assert rows[receipt(16)][8] == 35 and rows[receipt(16)][12] == "Loại B"
    assert rows[receipt(15)][8] == 30 and rows[receipt(15)][12] == "Loại C"
    assert rows[receipt(DIVERGENT)][10] == 3 and rows[receipt(DIVERGENT)][11] == 30
    assert rows[receipt(7)][14] == "Đủ điểm loại A nhưng đợt đã đủ số sáng kiến loại A"
    assert rows[receipt(27)][12] == "Không công nhận" and rows[receipt(22)][12] == "Giấy chứng nhận"


async def _units(app: App) -> list:
    async with app.database.unit_of_work() as store:
        return list(await store.units())


async def _ids(app: App) -> dict[int, int]:
    """Initiative number (from the receipt) → id."""
    async with app.database.unit_of_work() as store:
        rows = (await store.session.execute(select(InitiativeRow.receipt_no, InitiativeRow.id))).all()
    return {int(r[-4:]): i for r, i in rows}
