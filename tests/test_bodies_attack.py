"""Attacks on the recognising bodies (issue 16) by people of one body against another body's things.

The province of tests/test_bodies.py plus an unclaimed record of the Department of Education (A) who also sits
on the provincial council: someone of another body must not be able to hand out the way into that record."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from bot.app import App
from storage.models import BodyRow, InitiativeRow, PersonRow, RoleGrantRow, SuggestionRow, UnitRow
from storage.seed import SeedError
from tests import test_bodies as bodies
from tests import test_province_scope as scope
from tests.reminder_support import Recorder, local, tick_at
from tests.support import REGISTRATION_SCRIPT, WIZARD_SCRIPT, Chat, Clock, play
from tests.test_bodies import PROVINCE_SEED, chat, person_id

HAI_PHONE = "0912000003"


def _seed() -> dict[str, Any]:
    seed = copy.deepcopy(PROVINCE_SEED)
    a_people = seed["bodies"][0]["people"]
    # Seeded, no account yet: A's secretariat and a member of the provincial council.
    a_people.append(
        {
            "name": "Nguyễn Văn Hải",
            "unit": "VP-SGD",
            "phone": HAI_PHONE,
            "roles": ["secretariat"],
            "roles_in": {"TINH": ["council"]},
        }
    )
    # A staff member of A's school, a member of the provincial council, no account yet.
    a_people.append(
        {"name": "Trịnh Văn Khoa", "unit": "THCS-QT", "phone": "0912000004", "roles_in": {"TINH": ["council"]}}
    )
    # Thường trực Hội đồng of A and of the province, two accounts (chats) linked to one record.
    a_people.append(
        {
            "name": "Lý Văn Sơn",
            "unit": "VP-SGD",
            "roles": ["secretariat"],
            "roles_in": {"TINH": ["secretariat"]},
            "console_id": "son",
        }
    )
    # A staff record of B, seeded, no account yet.
    seed["bodies"][1]["people"].append({"name": "Phan Văn Tú", "unit": "BV-DK", "phone": "0912000005"})
    a_people.append({"name": "Đặng Thị Mai", "unit": "THCS-QT", "roles": ["unit_head"], "console_id": "a-head"})
    return seed


@pytest.fixture
def seed_data() -> dict[str, Any]:
    return _seed()


def _code(c: Chat) -> str:
    return c.text.split("Mã mời cho ")[1].split(": ", 1)[1].split()[0]


async def test_a_record_reaching_into_another_body_is_vouched_for_by_an_admin(app: App, clock: Clock) -> None:
    """An invitation code (or an approved claim) gives its user the record's roles in every body. The
    province's secretariat could hand out the way into A's secretary; A's unit head into a member of the
    provincial council. Only an admin vouches for a record that reaches beyond the issuer's body."""
    p_sec, a_sec, a_head, admin = chat(app, "p-sec"), chat(app, "a-sec"), chat(app, "a-head"), chat(app, "900")
    hai, khoa = await person_id(app, "Nguyễn Văn Hải"), await person_id(app, "Trịnh Văn Khoa")
    refused = "chỉ quản trị viên xác nhận được người này"
    for typed in (HAI_PHONE, str(hai)):
        await p_sec.say(f"/moimoi {typed}")
        assert "Mã mời cho" not in p_sec.text and refused in p_sec.text, p_sec.text
        await a_sec.say(f"/moimoi {typed}")
        assert "Mã mời cho" not in a_sec.text and refused in a_sec.text, a_sec.text
    await a_head.say(f"/moimoi {khoa}")
    assert "Mã mời cho" not in a_head.text and refused in a_head.text, a_head.text
    # A record wholly of A is still A's to vouch for.
    await a_sec.say("/moimoi 0912000099")
    assert "Mã mời cho Phạm Thị Lan" in a_sec.text, a_sec.text

    # A newcomer types Hải's phone: A's secretariat is told, but may not approve; an admin may.
    newcomer = chat(app, "intruder")
    await newcomer.say("/start")
    await newcomer.say("Nguyễn Văn Hải")
    await newcomer.say("Văn phòng Sở Giáo dục")
    for answer in ("Chuyên viên", HAI_PHONE):
        await newcomer.say(answer)
    await newcomer.say("1")
    assert "Đăng ký xong" in newcomer.text, newcomer.text
    async with app.database.unit_of_work() as store:
        new_id = (
            await store.session.execute(
                select(PersonRow.id).where(PersonRow.full_name == "Nguyễn Văn Hải", PersonRow.id != hai)
            )
        ).scalar_one()
    await p_sec.say(f"/duyetnhan {new_id} {hai}")
    assert "Đã" not in p_sec.text.split("\n")[0] or refused in p_sec.text, p_sec.text
    await a_sec.say(f"/duyetnhan {new_id} {hai}")
    assert refused in a_sec.text, a_sec.text
    await newcomer.say("/coquan")
    assert "Thường trực" not in newcomer.text and "UBND tỉnh" not in newcomer.text, newcomer.text
    await play(admin, REGISTRATION_SCRIPT)
    await admin.say(f"/moimoi {hai}")
    assert "Mã mời cho" in admin.text, admin.text
    code = _code(admin)
    claimer = chat(app, "hai-own")
    await claimer.say(f"/start {code}")
    await claimer.say("/coquan")
    assert "UBND tỉnh Cao Bằng — thành viên Hội đồng" in "\n".join(claimer.options), claimer.options
    async with app.database.unit_of_work() as store:
        grants = (await store.session.execute(select(RoleGrantRow).where(RoleGrantRow.person_id == hai))).scalars()
        assert {g.role for g in grants} == {"secretariat", "council"}


async def test_a_revoked_role_is_gone_whichever_body_the_admin_acts_in(app: App, clock: Clock) -> None:
    """Admin holds in every body, so revoking it holds in every body too; revoking a role the person does not
    hold in this body says so (and where they hold it) instead of «Đã thu hồi»."""
    admin, b_sec = chat(app, "900"), chat(app, "b-sec")
    await play(admin, REGISTRATION_SCRIPT)  # a teacher of A's school
    bich, em = await person_id(app, "Trần Thị Bích"), await person_id(app, "Hoàng Văn Em")
    await admin.say(f"/capquyen {bich} quantri")
    assert "Đã cấp vai trò quản trị cho Trần Thị Bích" in admin.text, admin.text
    await admin.say("/coquan Sở Y tế")
    assert "làm việc trong Sở Y tế" in admin.text, admin.text
    await admin.say(f"/thuquyen {bich} quantri")
    assert "Đã thu hồi vai trò quản trị" in admin.text, admin.text
    await b_sec.say(f"/capquyen {em} thuky")
    assert "Anh/Chị không có quyền" in b_sec.text or "không có quyền" in b_sec.text, b_sec.text
    async with app.database.unit_of_work() as store:
        roles = (await store.session.execute(select(RoleGrantRow.role).where(RoleGrantRow.person_id == bich))).all()
    assert [r for (r,) in roles] == ["secretariat"]

    # Em is a council member of B; the admin, back in A, revokes «hoidong»: nothing to revoke there.
    await admin.say("/coquan Sở Giáo dục")
    await admin.say(f"/thuquyen {em} hoidong")
    assert "Đã thu hồi" not in admin.text, admin.text
    assert "không giữ vai trò thành viên Hội đồng trong Sở Giáo dục và Đào tạo" in admin.text, admin.text
    assert "Sở Y tế" in admin.text, admin.text
    async with app.database.unit_of_work() as store:
        roles = (await store.session.execute(select(RoleGrantRow.role).where(RoleGrantRow.person_id == em))).all()
    assert [r for (r,) in roles] == ["council"]
    # The roles issue 16 added can be granted too.
    await admin.say(f"/capquyen {em} thutruongcoquan")
    assert "Đã cấp vai trò người đứng đầu cơ quan công nhận cho Hoàng Văn Em" in admin.text, admin.text


async def second_chat(app: App, name: str, user_id: str) -> Chat:
    """Another account of the same record (as /lienket makes: Telegram and Zalo of one person)."""
    record = await person_id(app, name)
    async with app.database.unit_of_work() as store:
        identity = await store.identity("console", user_id)
        await store.link_identity(identity.id, record)
    return chat(app, user_id)


async def test_what_was_begun_in_one_body_is_not_finished_in_another(app: App, clock: Clock) -> None:
    """Sơn opens A's rubric in one chat, switches to the province in another, then sends the rubric text in the
    first: it must not become the province's rubric."""
    son, son_zalo = chat(app, "son"), await second_chat(app, "Lý Văn Sơn", "son-zalo")
    await son.say("/quydinh 2026")
    rubric = son.replies[1].text
    assert "Tiêu chí" in son.text or "tiêu chí" in son.text, son.text
    await son_zalo.say("/coquan UBND tỉnh")
    assert "làm việc trong UBND tỉnh Cao Bằng" in son_zalo.text, son_zalo.text
    await son.say(rubric)
    assert "Đã lưu tiêu chí" not in son.text, son.text
    assert "Sở Giáo dục và Đào tạo" in son.text and "UBND tỉnh Cao Bằng" in son.text, son.text
    await son.say("/quydinh 2026")
    assert "Phạm vi ảnh hưởng" in son.text, son.text  # the province's own rubric, untouched


async def test_a_single_body_file_is_refused_by_a_province(app: App, clock: Clock, tmp_path: Path) -> None:
    """A file with units and people at the top names no body; in a province the first body is the province
    itself, so loading it (SEED_FILE left at a single-body file, say) would make A's secretary the province's
    and move A's units into the province. It is refused and nothing changes."""
    single = tmp_path / "single.yaml"
    single.write_text(
        yaml.safe_dump(
            {
                "units": [{"code": "VP-SGD", "name": "Văn phòng Sở", "sector": "other"}],
                "people": [{"name": "Lê Thị Hồng", "unit": "VP-SGD", "roles": ["secretariat"]}],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    async with app.database.unit_of_work() as store:
        before = (await store.session.execute(select(RoleGrantRow.person_id, RoleGrantRow.body_id))).all()
    with pytest.raises(SeedError, match="bodies:"):
        await app.seed(single)
    async with app.database.unit_of_work() as store:
        after = (await store.session.execute(select(RoleGrantRow.person_id, RoleGrantRow.body_id))).all()
        unit = (await store.session.execute(select(UnitRow).where(UnitRow.code == "VP-SGD"))).scalar_one()
        body = await store.body(unit.body_id or 0)
    assert sorted(after) == sorted(before)
    assert body is not None and body.code == "SGD" and unit.name == "Văn phòng Sở Giáo dục và Đào tạo"
    # Reloading the province file itself changes nothing.
    await app.seed(app.settings.seed_file)  # type: ignore[arg-type]
    async with app.database.unit_of_work() as store:
        again = (await store.session.execute(select(RoleGrantRow.person_id, RoleGrantRow.body_id))).all()
    assert sorted(again) == sorted(before)


async def test_a_unit_moved_to_another_body_takes_its_people_roles(app: App, clock: Clock, tmp_path: Path) -> None:
    """A reorganisation: A's office moves to B in the seed. Its people's roles in A go with them to B (A's
    secretary is not left holding A's secretariat); a role in a third body (the provincial council) stays."""
    seed = _seed()
    a_body, b_body = seed["bodies"][0], seed["bodies"][1]
    office = next(u for u in a_body["units"] if u["code"] == "VP-SGD")
    a_body["units"].remove(office)
    b_body["units"].append(office)
    moved = [p for p in a_body["people"] if p["unit"] == "VP-SGD"]
    a_body["people"] = [p for p in a_body["people"] if p["unit"] != "VP-SGD"]
    b_body["people"] += moved
    path = tmp_path / "moved.yaml"
    path.write_text(yaml.safe_dump(seed, allow_unicode=True), encoding="utf-8")
    await app.seed(path)
    await app.seed(path)  # twice: nothing more changes

    async def grants(name: str) -> set[tuple[str, str]]:
        async with app.database.unit_of_work() as store:
            rows = await store.session.execute(
                select(BodyRow.code, RoleGrantRow.role)
                .join(RoleGrantRow, RoleGrantRow.body_id == BodyRow.id)
                .join(PersonRow, PersonRow.id == RoleGrantRow.person_id)
                .where(PersonRow.full_name == name)
            )
            return {(code, role) for code, role in rows.all()}

    assert await grants("Lê Thị Hồng") == {("SYT", "secretariat")}
    assert await grants("Đỗ Minh Châu") == {("SYT", "council"), ("TINH", "council")}
    assert await grants("Lý Văn Sơn") == {("SYT", "secretariat"), ("TINH", "secretariat")}
    assert await grants("Đặng Thị Mai") == {("SGD", "unit_head")}  # the school stayed in A
    a_sec = chat(app, "a-sec")
    await a_sec.say("/toi")
    assert "đang làm việc: Sở Y tế" in a_sec.text, a_sec.text
    await a_sec.say("/coquan")
    assert "Sở Giáo dục" not in a_sec.text, a_sec.text


async def test_approving_a_claim_moves_only_a_newcomer_accounts(app: App, clock: Clock) -> None:
    """/duyetnhan moves the «newcomer's» accounts to a seeded record. B's secretariat named A's secretary as the
    newcomer: her chat would have become B's staff record, and she would have lost A's secretariat."""
    a_sec, b_sec = chat(app, "a-sec"), chat(app, "b-sec")
    hong, tu = await person_id(app, "Lê Thị Hồng"), await person_id(app, "Phan Văn Tú")
    await b_sec.say(f"/duyetnhan {hong} {tu}")
    assert "Đã" not in b_sec.text.split("\n")[0], b_sec.text
    assert "Không có tài khoản mới" in b_sec.text or "không phải" in b_sec.text, b_sec.text
    await a_sec.say("/toi")
    assert "Lê Thị Hồng" in a_sec.text and "Thường trực Hội đồng" in a_sec.text, a_sec.text
    # A real newcomer (registered by typing, no role anywhere) is still approved.
    newcomer = chat(app, "tu-own")
    await play(newcomer, [("/start", "Họ và tên"), ("Phan Văn Tú", "đơn vị nào"), ("Bệnh viện", "Chức danh")])
    await newcomer.say("Bác sĩ")
    await newcomer.say("0912000005")
    await newcomer.say("1")
    assert "Đăng ký xong" in newcomer.text, newcomer.text
    async with app.database.unit_of_work() as store:
        new_id = (
            await store.session.execute(
                select(PersonRow.id).where(PersonRow.full_name == "Phan Văn Tú", PersonRow.id != tu)
            )
        ).scalar_one()
    await b_sec.say(f"/duyetnhan {new_id} {tu}")
    assert "Phan Văn Tú" in b_sec.text and "Không có tài khoản mới" not in b_sec.text, b_sec.text


async def test_a_reminder_says_which_body_to_someone_of_several(app: App, clock: Clock) -> None:
    """Châu sits on A's council and the province's and acts in the province; A's Monday reminder «Gõ /chamdiem»
    would show her nothing there: it names A's body and how to switch. Dung (A only) gets the plain one."""
    await bodies.file_in_a(app)
    await bodies.accept_and_seat(app)
    chau = chat(app, "a-c1")
    await chau.say("/coquan UBND tỉnh")
    assert "làm việc trong UBND tỉnh Cao Bằng" in chau.text, chau.text
    recorder = Recorder()
    service = app.reminder_service(recorder)
    await tick_at(service, clock, local(2026, 3, 9, 8, 30))
    await tick_at(service, clock, local(2026, 3, 9, 15))
    to_chau = [t for t in recorder.to("a-c1") if "chưa chấm" in t]
    assert to_chau and all("Sở Giáo dục và Đào tạo" in t and "/coquan" in t for t in to_chau), to_chau
    to_dung = [t for t in recorder.to("a-c2") if "chưa chấm" in t]
    assert to_dung and not any("/coquan" in t for t in to_dung), to_dung


async def test_an_initiative_is_filed_in_a_round_of_its_own_body(app: App, clock: Clock) -> None:
    """Châu acts in the province (its council) and files an initiative of her own: it is A's (her unit's), so
    it goes into A's round, not the province's, and her receipt names A's round."""
    chau = chat(app, "a-c1")
    await chau.say("/coquan UBND tỉnh")
    await play(chau, WIZARD_SCRIPT)
    assert "Số biên nhận" in chau.text and "Đợt II năm 2026" in chau.text, chau.text
    async with app.database.unit_of_work() as store:
        row = (await store.session.execute(select(InitiativeRow))).scalar_one()
        rnd = next(r for r in await store.rounds(every_body=True) if r.id == row.round_id)
        body = await store.body(row.body_id or 0)
    assert body is not None and body.code == "SGD" and rnd.body_id == row.body_id
    a_sec = chat(app, "a-sec")
    await a_sec.say(f"/hoso {row.receipt_no}")
    assert "Ứng dụng mã QR" in a_sec.text, a_sec.text


class TestProposals:
    """/detinh in the province of tests/test_province_scope.py."""

    @pytest.fixture
    def seed_data(self) -> dict[str, Any]:
        return scope.PROVINCE_SEED

    async def test_two_secretaries_confirming_at_once_propose_once(self, app: App, clock: Clock) -> None:
        good, _, asec = await scope.body_a_recognises(app, clock)
        receipt = good.receipt_no or ""
        await asec.say(f"/quyetdinh {good.round_id} 45/QĐ-SGDĐT 20/03/2026")
        other = await second_chat(app, "Lê Thị Hồng", "asec-zalo")
        for c in (asec, other):
            await c.say(f"/detinh {receipt}")
            assert "Gửi đề nghị cấp tỉnh" in c.options, c.text
        await asyncio.gather(asec.press("Gửi đề nghị cấp tỉnh"), other.press("Gửi đề nghị cấp tỉnh"))
        texts = sorted([asec.text, other.text])
        assert sum("Đã gửi đề nghị công nhận cấp tỉnh" in t for t in texts) == 1, texts
        assert any("đã được đề nghị" in t or "đã đề nghị" in t for t in texts), texts
        async with app.database.unit_of_work() as store:
            province = await store.province()
            assert province is not None
            filed = (
                await store.session.execute(select(InitiativeRow).where(InitiativeRow.body_id == province.id))
            ).all()
        assert len(filed) == 1


async def test_a_suggestion_goes_to_the_desk_of_the_senders_own_body(app: App, clock: Clock) -> None:
    """Châu (a teacher of A) acts in the province's council and sends a hiến kế: it is hers, like her
    initiatives, so A's desk gets it and A's Thường trực Hội đồng is told; the province's desk sees nothing."""
    chau = chat(app, "a-c1")
    await chau.say("/coquan UBND tỉnh")
    await chau.say("/hienke")
    if "Gửi hiến kế mới" in chau.options:
        await chau.press("Gửi hiến kế mới")
    await chau.press("Chuyển đổi số")
    await chau.say("Nên có một cổng tra cứu kết quả thi chung cho mọi trường trong tỉnh.")
    await chau.press("Xong")
    await chau.press("Gửi kèm họ tên")
    await chau.press("Đồng ý công khai")
    await chau.press("Gửi hiến kế")
    assert "Mã theo dõi: HK-2026-" in chau.text, chau.text
    async with app.database.unit_of_work() as store:
        suggestion = (await store.session.execute(select(SuggestionRow))).scalar_one()
        a_body = await store.body_by_code("SGD")
    assert a_body is not None and suggestion.body_id == a_body.id
    a_sec = chat(app, "a-sec")
    await a_sec.say("/xulyhienke")
    assert suggestion.code in bodies.shown(a_sec)
