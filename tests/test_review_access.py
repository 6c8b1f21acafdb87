"""Who can do what in the review: staff reach no secretariat or council command; a member sees no other
member's score before submitting their own; nobody scores an initiative they authored or co-authored."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from handlers.domain import Role, Status
from storage.review import ScoreSheetRow
from tests.review_support import accept, application, chat, person, submit
from tests.support import Clock

NOT_ALLOWED = "Anh/Chị không có quyền dùng lệnh này."
SECRETARIAT_COMMANDS = [
    "/hoso",
    "/hoso SK-2026-0001",
    "/hoidong",
    "/hoidong 1",
    "/hoidong 1 them 1",
    "/phancong 1",
    "/phancong SK-2026-0001 1",
    "/dongcham 1",
    "/mocham 1",
    "/ketqua 1",
    "/quydinh",
]


async def test_staff_reach_no_secretariat_or_council_command(app: App, clock: Clock) -> None:
    staff = await person(app, "Nguyễn Văn An", "THCS-QT", user_id="s1")
    await submit(app, clock, staff, application(staff, "Trường THCS Quang Trung", "Ứng dụng mã QR tra cứu"))
    other = await person(app, "Trần Thị Bình", "TH-KD", user_id="s2")
    await submit(app, clock, other, application(other, "Trường Tiểu học Kim Đồng", "Thư viện số dùng chung"))
    await person(app, "Đỗ Minh Châu", "P-NV", user_id="m1", roles=(Role.COUNCIL,))
    talk = chat(app, "s1")
    for command in [*SECRETARIAT_COMMANDS, "/chamdiem", "/totrinh", "/danhsachnam", "/thuky"]:
        await talk.say(command)
        assert talk.text == NOT_ALLOWED, command
    await talk.say("/taidon SK-2026-0002")  # someone else's application
    not_yours = talk.text
    await talk.say("/taidon SK-2026-0099")  # no such application
    missing = talk.text
    # The same words either way: nobody learns which receipt numbers exist.
    assert not_yours.replace("0002", "N") == missing.replace("0099", "N") and "không thuộc quyền" in missing
    assert not any(r.document for r in talk.replies)
    await talk.say("/taidon SK-2026-0001")  # their own
    assert talk.replies[-1].document is not None
    # A council member is not the secretariat either.
    council = chat(app, "m1")
    for command in SECRETARIAT_COMMANDS:
        await council.say(command)
        assert council.text == NOT_ALLOWED, command
    # Someone whose role was revoked mid-way is stopped at the next message, not just at the next command.
    secretary = await person(app, "Lê Thị Hồng", "P-NV", user_id="sec", roles=(Role.SECRETARIAT,))
    sec = chat(app, "sec")
    await sec.say("/hoso")
    assert "Hồ sơ chờ kiểm tra: 2" in sec.text
    async with app.database.unit_of_work() as store:
        await store.revoke_role(secretary.id, Role.SECRETARIAT)
    await sec.say("1")
    assert sec.text == NOT_ALLOWED
    await sec.say("Tiếp nhận")
    async with app.database.unit_of_work() as store:
        assert {i.status.value for i in await store.initiatives_in(list(Status))} == {"submitted"}


async def test_a_member_sees_no_other_score_before_sending_their_own(app: App, clock: Clock) -> None:
    secretary = await person(app, "Lê Thị Hồng", "P-NV", user_id="sec", roles=(Role.SECRETARIAT,))
    author = await person(app, "Nguyễn Văn An", "THCS-QT", user_id="a1")
    initiative = await submit(app, clock, author, application(author, "Trường THCS Quang Trung", "Sổ liên lạc số"))
    await accept(app, clock, initiative, secretary)
    first = await person(app, "Đỗ Minh Châu", "P-NV", user_id="m1", roles=(Role.COUNCIL,))
    second = await person(app, "Vũ Thị Dung", "P-NV", user_id="m2", roles=(Role.COUNCIL,))
    sec = chat(app, "sec")
    for m in (first, second):
        await sec.say(f"/hoidong 1 them {m.id}")
    await sec.say("/phancong 1")
    m1, m2 = chat(app, "m1"), chat(app, "m2")
    await m1.say("/chamdiem")
    await m1.press("SK-2026-0001")
    await m1.press("Chấm điểm")
    for answer in ("27", "26,5", "33,5", "Nhận xét riêng của thành viên thứ nhất: xuất sắc"):
        await m1.say(answer)
    await m1.press("Gửi phiếu chấm")
    assert "87/100" in m1.text and "thành viên khác" not in m1.text

    await m2.say("/chamdiem")
    assert "chưa chấm" in m2.options[0]
    await m2.press("SK-2026-0001")
    seen = m2.text
    assert "Anh/Chị chưa gửi phiếu chấm hồ sơ này." in seen
    assert "87" not in seen and "xuất sắc" not in seen and "thành viên khác" not in seen
    await m2.press("Chấm điểm")
    assert "87" not in m2.text
    await m2.say("/huy")
    assert "chưa được gửi" in m2.text
    async with app.database.unit_of_work() as store:
        sheets = (await store.session.execute(select(ScoreSheetRow))).scalars().all()
    assert [s.person_id for s in sheets] == [first.id]  # a cancelled sheet stores nothing

    await m2.say("/chamdiem")
    await m2.press("SK-2026-0001")
    await m2.press("Chấm điểm")
    for answer in ("20", "20", "30", "Khá tốt, cần thêm số liệu"):
        await m2.say(answer)
    await m2.press("Gửi phiếu chấm")
    assert "Điểm của các thành viên khác:\n• Đỗ Minh Châu: 87" in m2.text
    # Revising until scoring closes; the first member now sees the other total.
    await m1.say("/chamdiem")
    await m1.press("SK-2026-0001")
    assert "Tổng điểm của các thành viên khác: 70." in m1.text
    await m1.press("Sửa phiếu chấm")
    assert "Tổng điểm: 87/100" in m1.text
    await m1.press("Sửa một mục")
    await m1.press("Hiệu quả")
    await m1.say("30")
    await m1.press("Gửi phiếu chấm")
    assert "Đã cập nhật phiếu chấm hồ sơ SK-2026-0001: 83,5/100" in m1.text
    await sec.say("/dongcham 1")
    await m1.say("/chamdiem")
    await m1.press("SK-2026-0001")
    assert "Sửa phiếu chấm" not in m1.options


async def test_nobody_scores_an_initiative_they_authored_or_co_authored(app: App, clock: Clock) -> None:
    secretary = await person(app, "Lê Thị Hồng", "P-NV", user_id="sec", roles=(Role.SECRETARIAT,))
    author_member = await person(
        app, "Đỗ Minh Châu", "THCS-QT", user_id="m1", roles=(Role.COUNCIL,), phone="0911000001"
    )
    namesake = await person(app, "Vũ Thị Dung", "P-NV", user_id="m2", roles=(Role.COUNCIL,))
    by_phone = await person(app, "Hoàng Văn Em", "P-NV", user_id="m3", roles=(Role.COUNCIL,), phone="0911000003")
    clean = await person(app, "Ngô Thị Phương", "P-NV", user_id="m4", roles=(Role.COUNCIL,))
    clean2 = await person(app, "Bùi Quang Giang", "P-NV", user_id="m5", roles=(Role.COUNCIL,))
    coauthors = [
        {"full_name": "VU THI DUNG", "birth_date": "1990-01-01"},  # same name, no phone given
        {"full_name": "Hoàng V. Em", "phone": "0911 000 003", "birth_date": "1980-01-01"},  # same phone
    ]
    data = application(author_member, "Trường THCS Quang Trung", "Bảng tin điện tử", coauthors=coauthors)
    data["shares"] = ["50", "25", "25"]
    initiative = await submit(app, clock, author_member, data)
    await accept(app, clock, initiative, secretary)
    sec = chat(app, "sec")
    for m in (author_member, namesake, by_phone, clean, clean2):
        await sec.say(f"/hoidong 1 them {m.id}")
    for m, named in ((author_member, "Đỗ Minh Châu"), (namesake, "VU THI DUNG"), (by_phone, "Hoàng V. Em")):
        await sec.say(f"/phancong SK-2026-0001 {m.id}")
        assert f"người này là tác giả hoặc đồng tác giả ({named})" in sec.text
    await sec.say("/phancong 1")
    async with app.database.unit_of_work() as store:
        assigned = {a.person_id for a in await store.assignments()}
    assert assigned == {clean.id, clean2.id}

    # Even an assignment slipped in behind the bot's back gives the author nothing to score.
    async with app.database.unit_of_work() as store:
        await store.assign(initiative.id, author_member.id, clock())
    own = chat(app, "m1")
    await own.say("/chamdiem")
    assert own.text == "Anh/Chị chưa được phân công chấm hồ sơ nào."
    async with app.database.unit_of_work() as store:
        identity = await store.identity("console", "m1")
        conversation = await store.load_conversation(identity.id)
        conversation.flow, conversation.state = "council", {"view": initiative.id}
        await store.save_conversation(conversation)
    await own.say("Chấm điểm")
    assert "Anh/Chị là tác giả hoặc đồng tác giả của sáng kiến SK-2026-0001" in own.text
    async with app.database.unit_of_work() as store:
        conversation = await store.load_conversation(identity.id)
        conversation.flow = "score"
        conversation.state = {"cursor": ["summary"], "history": [], "initiative_id": initiative.id, "year": 2026}
        conversation.state["draft"] = {
            "tinh_moi_tinh_sang_tao": "30",
            "kha_nang_ap_dung_nhan_rong": "30",
            "hieu_qua_loi_ich_thiet_thuc": "40",
            "comment": "Tự chấm",
        }
        await store.save_conversation(conversation)
    await own.say("Gửi phiếu chấm")
    assert "Anh/Chị là tác giả hoặc đồng tác giả" in own.text
    async with app.database.unit_of_work() as store:
        assert (await store.session.execute(select(ScoreSheetRow))).scalars().all() == []
