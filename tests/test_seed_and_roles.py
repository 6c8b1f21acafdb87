"""Units and people from YAML or CSV seed files; roles granted by seed, by settings and by an admin."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.app import App
from handlers.types import Inbound, SharedContact
from storage.models import PersonRow, RoundRow, UnitRow
from tests.support import Chat


async def test_csv_seed_files_are_loaded_and_reloading_changes_nothing(app: App, tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text(
        "code,name,sector\nUBND-XA-YH,UBND xã Yên Hòa,khác\nMN-HM,Trường Mầm non Hoa Mai,giáo dục\n", encoding="utf-8"
    )
    people = tmp_path / "people.csv"
    people.write_text(
        "name,unit,position,phone,roles,telegram_id,zalo_id\n"
        "Đỗ Thu Hà,UBND-XA-YH,Chủ tịch,0987000111,unit_head,,\n"
        "Vũ Minh Tâm,MN-HM,Hiệu trưởng,,unit_head;council,424242,\n",
        encoding="utf-8",
    )
    for _ in range(2):
        await app.seed(units)
        await app.seed(people)
    async with app.database.unit_of_work() as store:
        codes = (await store.session.execute(select(UnitRow.code, UnitRow.sector))).all()
        assert ("UBND-XA-YH", "other") in codes and ("MN-HM", "education") in codes
        persons = (await store.session.execute(select(PersonRow))).scalars().all()
        assert sorted(p.full_name for p in persons) == ["Vũ Minh Tâm", "Đỗ Thu Hà"]
        tam = next(p for p in persons if p.full_name == "Vũ Minh Tâm")
        assert (await store.person(tam.id)).roles == {"unit_head", "council"}

    # A seeded account is recognised at once: no registration needed.
    chat = Chat(app.core.handle, "424242", channel="telegram")
    await chat.say("/toi")
    assert "Vũ Minh Tâm" in chat.text and "thủ trưởng đơn vị" in chat.text


async def test_seeded_person_is_recognised_by_their_own_contact_not_a_typed_phone(app: App, tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(
        "people:\n  - {name: Lê Thị Hồng, unit: P-NV, position: Chuyên viên, phone: '0912000001', "
        "roles: [secretariat]}\n"
        "campaigns:\n  - year: 2026\n    rounds:\n"
        "      - {number: 1, name: Đợt I, deadline: 2026-05-15, sectors: [education]}\n",
        encoding="utf-8",
    )
    await app.seed(seed)
    chat = Chat(app.core.handle, "77", channel="telegram")
    for answer in ["/start", "Lê Thị Hồng", "Nội vụ", "Chuyên viên"]:
        await chat.say(answer)
    await chat.say("0912 000 001")  # typed: contact data only
    await chat.press("Xác nhận")
    assert "Đăng ký xong" in chat.text and "Vai trò trong hệ thống" not in chat.text
    contact = SharedContact(phone="+84912000001", user_id="77")
    await chat._send(Inbound("telegram", "77", contact=contact, event_id="77-contact"))
    assert "Đã xác minh" in chat.text and "Vai trò trong hệ thống: Thường trực Hội đồng" in chat.text
    async with app.database.unit_of_work() as store:
        deadline = (await store.session.execute(select(RoundRow.deadline).where(RoundRow.number == 1))).scalars()
        assert [d.isoformat() for d in deadline] == ["2026-05-15"]


async def test_admin_grants_a_role_and_staff_cannot(app: App) -> None:
    admin, staff = Chat(app.core.handle, "900"), Chat(app.core.handle, "901")
    for chat, name in ((admin, "Quản Trị"), (staff, "Nhân Viên")):
        for answer in ["/start", name, "Nội vụ", "Chuyên viên", "bỏ qua", "1"]:
            await chat.say(answer)
    await staff.say("/toi")
    staff_id = staff.text.split("Mã số: ")[1].split("\n")[0]
    await staff.say(f"/capquyen {staff_id} quantri")
    assert "không có quyền" in staff.text
    await admin.say(f"/capquyen {staff_id} thuky")
    assert "Đã cấp vai trò Thường trực Hội đồng cho Nhân Viên" in admin.text
    assert any("Thường trực Hội đồng" in o.reply.text for o in admin.outgoing)
    await admin.say("/capquyen 99999 thuky")
    assert "Không có người dùng mang mã số 99999" in admin.text
    await admin.say(f"/capquyen {staff_id} vua")
    assert "Không có vai trò «vua»" in admin.text
    await admin.say(f"/thuquyen {staff_id} thuky")
    assert "Đã thu hồi" in admin.text


async def test_role_buttons_in_the_main_menu_run_their_commands(app: App, tmp_path: Path) -> None:
    seed = tmp_path / "roles.yaml"
    seed.write_text(
        "people:\n  - {name: Lê Thị Hồng, unit: P-NV, position: Chuyên viên, roles: [secretariat],"
        " console_id: '801'}\n  - {name: Phạm Văn Minh, unit: UBND-BS, position: Chủ tịch, roles: [unit_head],"
        " console_id: '802'}\n",
        encoding="utf-8",
    )
    await app.seed(seed)
    secretary, head, staff = Chat(app.core.handle, "801"), Chat(app.core.handle, "802"), Chat(app.core.handle, "803")
    await secretary.say("/menu")
    assert "Hồ sơ chờ kiểm tra (Thường trực Hội đồng)" in secretary.options
    await secretary.press("Tổng quan đợt xét")
    assert "Đợt I" in secretary.text
    await head.say("/menu")
    assert (
        "Sáng kiến của đơn vị (thủ trưởng đơn vị)" in head.options
        and "Hồ sơ chờ kiểm tra (Thường trực Hội đồng)" not in head.options
    )
    await head.press("Sáng kiến của đơn vị")
    assert "UBND phường Bắc Sơn" in head.text
    for answer in ["/start", "Nhân Viên", "Nội vụ", "Chuyên viên", "bỏ qua", "1", "/menu"]:
        await staff.say(answer)
    assert not any("(Thường trực Hội đồng)" in o or "(thủ trưởng đơn vị)" in o for o in staff.options)
