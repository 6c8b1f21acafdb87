"""Roles are per recognising body and a body sees nothing of another body's dossiers.

A province with two bodies: the Department of Education (A) and the Department of Health (B). A teacher of A
registers and files a whole initiative through the bot; A's secretariat accepts it, A's council scores it and A
publishes. B's secretariat and council try every command with A's receipt number, round and people and get
«not found» or an empty list; A's reminders reach only A's people; a member of both A's and the provincial
council switches with /coquan and their rights follow. An old single-body database upgrades into one body."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from openpyxl import load_workbook
from sqlalchemy import create_engine, select, text

from bot.app import App
from bot.settings import Settings
from handlers.domain import Role
from storage.database import alembic_config
from storage.models import (
    BodyRow,
    CampaignRow,
    InitiativeRow,
    PersonRow,
    RoleGrantRow,
    RoundRow,
    SuggestionRow,
    UnitRow,
)
from tests.reminder_support import Recorder, local, tick_at
from tests.support import REGISTRATION_SCRIPT, WIZARD_SCRIPT, Chat, Clock, play

ROUNDS_2026 = [
    {"number": 1, "name": "Đợt I", "deadline": "2026-04-20", "sectors": ["education"]},
    {"number": 2, "name": "Đợt II", "deadline": "2026-07-10", "sectors": ["other"]},
]
PROVINCE_SEED: dict[str, Any] = {
    "province": {
        "code": "TINH",
        "name": "UBND tỉnh Cao Bằng",
        "units": [{"code": "SKHCN", "name": "Sở Khoa học và Công nghệ", "sector": "other"}],
        "people": [{"name": "Bùi Quang Giang", "unit": "SKHCN", "roles": ["secretariat"], "console_id": "p-sec"}],
    },
    "bodies": [
        {
            "code": "SGD",
            "name": "Sở Giáo dục và Đào tạo",
            "units": [
                {"code": "THCS-QT", "name": "Trường THCS Quang Trung", "sector": "education"},
                {"code": "VP-SGD", "name": "Văn phòng Sở Giáo dục và Đào tạo", "sector": "other"},
            ],
            "people": [
                {"name": "Lê Thị Hồng", "unit": "VP-SGD", "roles": ["secretariat"], "console_id": "a-sec"},
                {
                    "name": "Đỗ Minh Châu",
                    "unit": "VP-SGD",
                    "roles": ["council"],
                    "roles_in": {"TINH": ["council"]},
                    "console_id": "a-c1",
                },
                {"name": "Vũ Thị Dung", "unit": "VP-SGD", "roles": ["council"], "console_id": "a-c2"},
                {"name": "Phạm Thị Lan", "unit": "THCS-QT", "phone": "0912000099"},
            ],
        },
        {
            "code": "SYT",
            "name": "Sở Y tế",
            "units": [
                {"code": "BV-DK", "name": "Bệnh viện Đa khoa tỉnh", "sector": "other"},
                {"code": "VP-SYT", "name": "Văn phòng Sở Y tế", "sector": "other"},
            ],
            "people": [
                {"name": "Trần Thị Bích", "unit": "VP-SYT", "roles": ["secretariat"], "console_id": "b-sec"},
                {"name": "Hoàng Văn Em", "unit": "VP-SYT", "roles": ["council"], "console_id": "b-c1"},
                {"name": "Ngô Thị Phương", "unit": "BV-DK", "roles": ["unit_head"], "console_id": "b-head"},
            ],
        },
    ],
    "campaigns": [{"year": 2026, "rounds": ROUNDS_2026}],
}
RECEIPT = "SK-2026-0001"
TITLE = "Ứng dụng mã QR tra cứu tiến độ hồ sơ"


@pytest.fixture
def seed_data() -> dict[str, Any]:
    return PROVINCE_SEED


def shown(c: Chat) -> str:
    """What the last replies show: their texts and their options."""
    return "\n".join([c.text, *c.options])


def chat(app: App, user_id: str) -> Chat:
    return Chat(app.core.handle, user_id=user_id)


async def round_id(app: App, body_code: str, number: int) -> int:
    async with app.database.unit_of_work() as store:
        return (
            await store.session.execute(
                select(RoundRow.id)
                .join(CampaignRow, CampaignRow.id == RoundRow.campaign_id)
                .join(BodyRow, BodyRow.id == CampaignRow.body_id)
                .where(BodyRow.code == body_code, RoundRow.number == number)
            )
        ).scalar_one()


async def person_id(app: App, name: str) -> int:
    async with app.database.unit_of_work() as store:
        return (await store.session.execute(select(PersonRow.id).where(PersonRow.full_name == name))).scalar_one()


async def score(member: Chat, points: tuple[str, str, str]) -> None:
    await member.say("/chamdiem")
    await member.press(RECEIPT)
    await member.press("Chấm điểm")
    for p in points:
        await member.say(p)
    await member.say("Giải pháp thiết thực, dễ nhân rộng.")
    await member.press("Gửi phiếu chấm")
    assert f"Đã gửi phiếu chấm hồ sơ {RECEIPT}" in member.text, member.text


async def file_in_a(app: App) -> Chat:
    """A teacher of A's school registers (among every body's units) and files a whole initiative."""
    author = chat(app, "a-author")
    await play(author, REGISTRATION_SCRIPT + WIZARD_SCRIPT)
    assert f"Số biên nhận: {RECEIPT}" in author.text
    async with app.database.unit_of_work() as store:
        row = (await store.session.execute(select(InitiativeRow))).scalar_one()
        body = await store.body(row.body_id or 0)
    assert body is not None and body.code == "SGD"
    return author


async def accept_and_seat(app: App) -> tuple[Chat, int]:
    a_sec = chat(app, "a-sec")
    await a_sec.say(f"/hoso {RECEIPT}")
    await a_sec.press("Tiếp nhận")
    await a_sec.press("Xác nhận")
    assert f"Đã tiếp nhận hồ sơ {RECEIPT}" in a_sec.text
    a_round = await round_id(app, "SGD", 1)
    for name in ("Đỗ Minh Châu", "Vũ Thị Dung"):
        await a_sec.say(f"/hoidong {a_round} them {await person_id(app, name)}")
        assert "Đã đưa" in a_sec.text or "vào Hội đồng" in a_sec.text, a_sec.text
    await a_sec.say(f"/phancong {a_round}")
    return a_sec, a_round


async def test_another_body_sees_nothing_of_a_dossier(app: App, clock: Clock) -> None:
    author = await file_in_a(app)
    a_sec, a_round = await accept_and_seat(app)
    b_sec, b_council, b_head = chat(app, "b-sec"), chat(app, "b-c1"), chat(app, "b-head")
    b_round = await round_id(app, "SYT", 1)
    chau = await person_id(app, "Đỗ Minh Châu")
    not_found = f"Không tìm thấy hồ sơ số {RECEIPT}"
    no_round = f"Không có đợt mang mã {a_round}"

    # The inbox, the dossier, assignment, transfers: A's receipt number reads as a wrong number in B.
    await b_sec.say("/hoso")
    assert "Không có hồ sơ nào chờ kiểm tra" in b_sec.text
    await b_sec.say(f"/hoso {RECEIPT}")
    assert not_found in b_sec.text and TITLE not in b_sec.text
    await b_sec.say(f"/phancong {RECEIPT} {chau}")
    assert not_found in b_sec.text
    await b_sec.say(f"/chuyengiao {RECEIPT}")
    assert not_found in b_sec.text
    await b_sec.say(f"/taidon {RECEIPT}")
    assert "Không có hồ sơ số" in b_sec.text and not b_sec.replies[-1].document
    # A's round, typed by its id, does not exist in B.
    for typed in (
        f"/hoidong {a_round}",
        f"/phancong {a_round}",
        f"/dongcham {a_round}",
        f"/mocham {a_round}",
        f"/ketqua {a_round}",
        f"/quyetdinh {a_round} 12/QĐ-SGD 02/03/2026",
        f"/trunglap {a_round}",
    ):
        await b_sec.say(typed)
        assert no_round in b_sec.text, (typed, b_sec.text)
    for typed in (f"/doihan {a_round} 30/06/2026", f"/dongdot {a_round}", f"/modot {a_round}"):
        await b_sec.say(typed)
        assert "Không có đợt mang mã" in b_sec.text, (typed, b_sec.text)
    # A's people cannot be seated in B's council; B's own round lists only B's.
    await b_sec.say(f"/hoidong {b_round} them {chau}")
    assert f"Không có người dùng mang mã {chau}" in b_sec.text
    await b_sec.say("/hoidong")
    assert f"[{a_round}]" not in b_sec.text and "Đỗ Minh Châu" not in b_sec.text
    await b_sec.say(f"/hoidong {b_round}")
    assert "Đỗ Minh Châu" not in b_sec.text and "Vũ Thị Dung" not in b_sec.text and "Hoàng Văn Em" in b_sec.text
    # Lists and views: nothing of A's units, rounds or initiatives.
    await b_sec.say("/chiendich")
    assert f"[{a_round}]" not in b_sec.text and str(b_round) in b_sec.text
    await b_sec.say("/tongquan")
    assert "Quang Trung" not in b_sec.text and "Bệnh viện Đa khoa tỉnh" in b_sec.text
    await b_sec.say("/totrinh THCS-QT")
    assert "Không có đơn vị mang mã «THCS-QT»" in b_sec.text
    await b_sec.say("/moimoi 0912000099")
    assert "Không tìm thấy hồ sơ đăng ký sẵn" in b_sec.text
    await a_sec.say("/moimoi 0912000099")
    assert "Mã mời" in a_sec.text or "mã mời" in a_sec.text, a_sec.text
    # B's council: nothing assigned, no document.
    await b_council.say("/chamdiem")
    assert "chưa được phân công" in b_council.text
    await b_council.say(f"/taidon {RECEIPT}")
    assert not b_council.replies[-1].document
    await b_council.say(f"/sosanh {RECEIPT}")
    assert TITLE not in b_council.text

    # A's council scores, A publishes; B's yearly list and results stay empty.
    await score(chat(app, "a-c1"), ("25", "25", "35"))
    await score(chat(app, "a-c2"), ("24", "26", "34"))
    await a_sec.say(f"/dongcham {a_round}")
    await a_sec.say(f"/ketqua {a_round}")
    await a_sec.press("Công bố kết quả")
    await a_sec.press("Đồng ý công bố")
    assert "Đã công bố kết quả" in a_sec.text, a_sec.text
    await author.say("/cuatoi")
    assert any(TITLE in o for o in author.options)
    await b_sec.say(f"/ketqua {b_round}")
    assert TITLE not in b_sec.text
    await b_sec.say("/danhsachnam 2026")
    document = b_sec.replies[-1].document
    assert document is not None
    cells = [str(c.value) for ws in load_workbook(io.BytesIO(document.content)) for row in ws.iter_rows() for c in row]
    assert not any(TITLE in c or RECEIPT in c for c in cells)
    await a_sec.say("/danhsachnam 2026")
    document = a_sec.replies[-1].document
    assert document is not None
    cells = [str(c.value) for ws in load_workbook(io.BytesIO(document.content)) for row in ws.iter_rows() for c in row]
    assert any(RECEIPT in c for c in cells)
    await b_sec.say(f"/chuyengiao {RECEIPT}; Bệnh viện; 02/03/2026; Hợp đồng số 1")
    assert not_found in b_sec.text
    await b_head.say("/donvi")
    assert TITLE not in b_head.text and "Bệnh viện Đa khoa tỉnh" in b_head.text

    # A suggestion from A's teacher goes to A's desk only.
    await author.say("/hienke")
    if "Gửi hiến kế mới" in author.options:
        await author.press("Gửi hiến kế mới")
    await author.press("Chuyển đổi số")
    await author.say("Nên số hóa sổ điểm của tất cả các trường trong tỉnh để phụ huynh theo dõi.")
    await author.press("Xong")
    await author.press("Gửi kèm họ tên")
    await author.press("Đồng ý công khai")
    await author.press("Gửi hiến kế")
    assert "Mã theo dõi: HK-2026-" in author.text
    async with app.database.unit_of_work() as store:
        suggestion = (await store.session.execute(select(SuggestionRow))).scalar_one()
        a_body = await store.body_by_code("SGD")
    assert a_body is not None and suggestion.body_id == a_body.id
    await b_sec.say("/xulyhienke")
    assert suggestion.code not in b_sec.text
    await a_sec.say("/xulyhienke")
    assert suggestion.code in shown(a_sec)


async def test_a_reminders_reach_only_a_people(app: App, clock: Clock) -> None:
    await file_in_a(app)
    await accept_and_seat(app)
    recorder = Recorder()
    service = app.reminder_service(recorder)
    await tick_at(service, clock, local(2026, 3, 9, 8, 30))  # a Monday: council reminders
    await tick_at(service, clock, local(2026, 3, 9, 15))
    assert any("chưa chấm" in t for t in recorder.to("a-c1"))
    for user in ("b-sec", "b-c1", "b-head", "p-sec"):
        for sent in recorder.to(user):
            assert RECEIPT not in sent and "Quang Trung" not in sent and "chưa chấm" not in sent, (user, sent)
    # The decision deadline reminders of A's acceptance are for A's secretariat only.
    async with app.database.unit_of_work() as store:
        from storage.models import NoticeRow

        rows = (await store.session.execute(select(NoticeRow).where(NoticeRow.kind == "review:decision"))).scalars()
        targets = {r.person_id for r in rows}
    assert targets == {await person_id(app, "Lê Thị Hồng")}


async def test_coquan_switches_the_body_and_the_rights_follow(app: App, clock: Clock) -> None:
    await file_in_a(app)
    a_sec, _ = await accept_and_seat(app)
    chau_id = await person_id(app, "Đỗ Minh Châu")
    chau = chat(app, "a-c1")
    await chau.say("/toi")
    assert "Cơ quan công nhận sáng kiến đang làm việc: Sở Giáo dục và Đào tạo" in chau.text
    assert "/coquan" in chau.text
    await chau.say("/chamdiem")
    assert RECEIPT in shown(chau)
    await chau.say("/huy")

    await chau.say("/coquan")
    assert "có vai trò ở 2 cơ quan" in chau.text
    assert chau.options[:2] == [
        "Sở Giáo dục và Đào tạo — thành viên Hội đồng (đang làm việc)",
        "UBND tỉnh Cao Bằng — thành viên Hội đồng",
    ]
    await chau.say("2")
    assert "Từ bây giờ Anh/Chị làm việc trong UBND tỉnh Cao Bằng, với vai trò: thành viên Hội đồng" in chau.text
    async with app.database.unit_of_work() as store:
        province = await store.province()
        row = await store.session.get(PersonRow, chau_id)
        assert province is not None and row is not None and row.acting_body_id == province.id
    await chau.say("/toi")
    assert "đang làm việc: UBND tỉnh Cao Bằng" in chau.text
    # In the province, A's assignment and dossier are not theirs to see.
    await chau.say("/chamdiem")
    assert "chưa được phân công" in chau.text
    await chau.say(f"/taidon {RECEIPT}")
    assert not chau.replies[-1].document
    # Back to A by name: the rights there return.
    await chau.say("/coquan giao duc")
    assert "làm việc trong Sở Giáo dục và Đào tạo" in chau.text
    await chau.say("/chamdiem")
    assert RECEIPT in shown(chau)
    await chau.say("/huy")
    async with app.database.unit_of_work() as store:
        row = await store.session.get(PersonRow, chau_id)
        assert row is not None and row.acting_body_id is None

    # Someone with one body only is told so; a body that no longer grants anything is left on the next message.
    await a_sec.say("/coquan")
    assert "chỉ làm việc trong Sở Giáo dục và Đào tạo" in a_sec.text and "Thường trực Hội đồng" in a_sec.text
    await chau.say("/coquan 2")
    assert "UBND tỉnh Cao Bằng" in chau.text
    async with app.database.unit_of_work() as store:
        province = await store.province()
        assert province is not None
        await store.revoke_role(chau_id, Role.COUNCIL, province.id)
    await chau.say("/toi")
    assert "không còn vai trò nào trong UBND tỉnh Cao Bằng" in chau.text
    assert "đang làm việc: Sở Giáo dục và Đào tạo" in chau.text


async def test_an_admin_grants_roles_in_the_body_they_act_in(app: App, clock: Clock) -> None:
    admin = chat(app, "900")
    await admin.say("/start")
    await admin.say("Nguyễn Quản Trị")
    await admin.say("Văn phòng Sở Y tế")
    await admin.say("Chuyên viên")
    await admin.say("bỏ qua")
    await admin.say("1")
    assert "Đăng ký xong" in admin.text
    target = await person_id(app, "Vũ Thị Dung")
    await admin.say(f"/capquyen {target} thuky")
    assert "trong Sở Y tế" in admin.text
    async with app.database.unit_of_work() as store:
        grants = (
            await store.session.execute(
                select(BodyRow.code)
                .join(RoleGrantRow, RoleGrantRow.body_id == BodyRow.id)
                .where(RoleGrantRow.person_id == target, RoleGrantRow.role == "secretariat")
            )
        ).scalars()
        assert list(grants) == ["SYT"]
    # An admin may act in any body.
    await admin.say("/coquan")
    assert len([o for o in admin.options if "quản trị" in o]) == 3


async def test_registration_searches_a_province_of_many_units(app: App, clock: Clock) -> None:
    units = [{"code": f"X-{n:04d}", "name": f"Trường Tiểu học xã số {n}", "sector": "education"} for n in range(3000)]
    units.append({"code": "XA-NAME", "name": "UBND xã Nà Mè", "sector": "other"})
    async with app.database.unit_of_work() as store:
        from storage.seed import apply_seed

        await apply_seed(store, {"province": PROVINCE_SEED["province"], "bodies": [{**PROVINCE_SEED["bodies"][1]}]})
        await apply_seed(
            store,
            {"province": PROVINCE_SEED["province"], "bodies": [{**PROVINCE_SEED["bodies"][1], "units": units}]},
        )
    newcomer = chat(app, "n1")
    await newcomer.say("/start")
    await newcomer.say("Trần Văn Mới")
    assert "đơn vị nào" in newcomer.text and "quá dài để hiện hết" in newcomer.text
    assert len(newcomer.options) < 40
    await newcomer.say("Nà Mè")
    assert "Chức danh" in newcomer.text
    # Words that many units share narrow the search; a name that says which one chooses it.
    await newcomer.say("/quaylai")
    await newcomer.say("tiểu học")
    assert "khớp" in newcomer.text and "quá dài để hiện hết" in newcomer.text
    assert not any("Trường Tiểu học" in o for o in newcomer.options)
    await newcomer.say("xã số 2999")
    assert "Chức danh" in newcomer.text
    await newcomer.say("Giáo viên")
    await newcomer.say("bỏ qua")
    assert "Trường Tiểu học xã số 2999" in newcomer.text


async def test_an_old_single_body_database_becomes_one_body(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0012")
        run = connection.execute
        for uid, code, name, sector in ((1, "P-NV", "Phòng Nội vụ", "other"), (2, "THCS-QT", "THCS", "education")):
            run(
                text("INSERT INTO unit (id, code, name, sector) VALUES (:id, :code, :name, :sector)"),
                {"id": uid, "code": code, "name": name, "sector": sector},
            )
        for pid, name, unit in ((1, "Lê Thị Hồng", 1), (2, "Nguyễn Văn An", 2)):
            run(
                text(
                    "INSERT INTO person (id, full_name, unit_id, position, created_at, notices_muted, seeded) "
                    "VALUES (:id, :name, :unit, 'Chuyên viên', '2026-01-01 00:00:00', 0, 0)"
                ),
                {"id": pid, "name": name, "unit": unit},
            )
        run(text("INSERT INTO role_grant (person_id, role) VALUES (1, 'secretariat')"))
        run(text("INSERT INTO identity (channel, external_id, person_id) VALUES ('console', 'sec', 1)"))
        run(text("INSERT INTO identity (channel, external_id, person_id) VALUES ('console', 'an', 2)"))
        run(text("INSERT INTO campaign (id, year) VALUES (1, 2026)"))
        run(
            text(
                "INSERT INTO round (id, campaign_id, number, name, deadline, sectors, closed) "
                "VALUES (1, 1, 1, 'Đợt I', '2026-04-20', 'education', 0)"
            )
        )
        run(
            text(
                "INSERT INTO initiative (id, person_id, status, data, created_at, updated_at, receipt_no, round_id, "
                "submitted_at) VALUES (1, 2, 'submitted', :data, '2026-02-01 00:00:00', '2026-02-01 00:00:00', "
                "'SK-2026-0001', 1, '2026-02-01 00:00:00')"
            ),
            {"data": '{"title": "Sổ điểm điện tử"}'},
        )
        run(
            text(
                "INSERT INTO suggestion (id, code, topic, content, attachments, anonymous, publishable, person_id, "
                "status, created_at, due_on, handler_since, answer, clarification, clarification_answer, "
                "close_reason, hidden, hidden_reason, version) VALUES (1, 'HK-2026-0001', 'Chuyển đổi số', "
                "'Số hóa sổ điểm', '[]', 0, 1, 2, 'new', '2026-02-01 00:00:00', '2026-02-15', "
                "'2026-02-01 00:00:00', '', '', '', '', 0, '', 0)"
            )
        )
    engine.dispose()

    settings = Settings(
        _env_file=None, database_url=f"sqlite+aiosqlite:///{path}", file_store_dir=tmp_path / "f", channels="console"
    )
    app = App(settings)
    await app.prepare()
    try:
        async with app.database.unit_of_work() as store:
            bodies = await store.bodies()
            assert [b.code for b in bodies] == ["CQ"]
            only = bodies[0].id
            session = store.session
            for table in (UnitRow, CampaignRow, RoleGrantRow, InitiativeRow, SuggestionRow):
                assert set((await session.execute(select(table.body_id))).scalars()) == {only}, table
        sec = Chat(app.core.handle, "sec")
        await sec.say("/hoso")
        assert "SK-2026-0001" in shown(sec)
        await sec.say("/hoso SK-2026-0001")
        assert "Sổ điểm điện tử" in sec.text
        await sec.say("/huy")
        await sec.say("/xulyhienke")
        assert "HK-2026-0001" in shown(sec)
        await sec.say("/coquan")
        assert "chỉ làm việc trong Cơ quan công nhận sáng kiến" in sec.text
        an = Chat(app.core.handle, "an")
        await an.say("/cuatoi")
        assert "Sổ điểm điện tử" in shown(an)
    finally:
        await app.close()
    await asyncio.sleep(0)


async def test_every_body_but_the_province_gets_this_years_campaign(app: App) -> None:
    async with app.database.unit_of_work() as store:
        bodies = await store.bodies()
        years: dict[str, set[int]] = {}
        for body in bodies:
            store.scope_to(body.id)
            years[body.code] = {c.year for c in await store.campaigns()}
    assert all(2026 in found for code, found in years.items() if code != "TINH"), years
    assert 2026 not in years["TINH"], years


async def test_someone_in_two_secretariats_is_told_which_body_each_summary_is_of(app: App, clock: Clock) -> None:
    hong = await person_id(app, "Lê Thị Hồng")  # A's secretariat, and now B's as well
    async with app.database.unit_of_work() as store:
        b = await store.body_by_code("SYT")
        assert b is not None
        await store.grant_role(hong, Role.SECRETARIAT, b.id)
    recorder = Recorder()
    await tick_at(app.reminder_service(recorder), clock, local(2026, 4, 6))  # 14 days before both bodies' Đợt I
    summaries = sorted(t.split("\n")[0] for t in recorder.to("a-sec") if t.startswith("📊"))
    assert summaries == [
        "📊 Tổng hợp Đợt I năm 2026 của Sở Giáo dục và Đào tạo — hạn 20/04/2026 (còn 14 ngày).",
        "📊 Tổng hợp Đợt I năm 2026 của Sở Y tế — hạn 20/04/2026 (còn 14 ngày).",
    ]
