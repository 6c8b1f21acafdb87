"""Who someone is is proven, not typed: typing a seeded person's phone takes over nothing (Telegram-like and
Zalo-like accounts); the person's own Telegram contact claims the record, a forged one does not; an invitation
code works once and not after it expires; people linked before the upgrade keep everything."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text

from bot.app import App
from bot.settings import Settings
from handlers.types import Inbound, Reply, SharedContact
from storage.database import alembic_config
from storage.models import IdentityRow, NoticeRow, PersonRow
from tests.fakes.telegram_api import FakeTelegram
from tests.intake_support import telegram_for_app
from tests.support import Chat, Clock

SEED = """
people:
  - {name: Lê Thị Hồng, unit: P-NV, position: Chuyên viên, phone: '0912000001', roles: [secretariat]}
  - {name: Trần Văn Bình, unit: UBND-BS, position: Chủ tịch, phone: '0912 000 002', roles: [unit_head]}
  - {name: Phạm Thu Cúc, unit: UBND-BS, position: Cán bộ, phone: '0912000003'}
"""


@pytest.fixture
async def seeded(app: App, tmp_path: Path) -> App:
    seed = tmp_path / "seed.yaml"
    seed.write_text(SEED, encoding="utf-8")
    await app.seed(seed)
    return app


async def share_contact(chat: Chat, phone: str, owner: str | None = None) -> list[Reply]:
    contact = SharedContact(phone=phone, user_id=chat.user_id if owner is None else owner)
    return await chat._send(Inbound(chat.channel, chat.user_id, contact=contact, event_id=chat._event_id()))


async def register(chat: Chat, name: str, unit: str, phone: str) -> None:
    for answer in ["/start", name, unit, "Chuyên viên", phone]:
        await chat.say(answer)
    await chat.press("Xác nhận")
    assert "Đăng ký xong" in chat.text, chat.text


async def record(app: App, name: str) -> tuple[PersonRow, list[str]]:
    """The seeded record of that name (or the only one), and the accounts linked to it."""
    async with app.database.unit_of_work() as store:
        rows = (await store.session.execute(select(PersonRow).where(PersonRow.full_name == name))).scalars().all()
        row = next((r for r in rows if r.seeded), rows[0])
        accounts = (await store.session.execute(select(IdentityRow).where(IdentityRow.person_id == row.id))).scalars()
        return row, [f"{i.channel}:{i.external_id}" for i in accounts]


@pytest.mark.parametrize(("channel", "user_id"), [("telegram", "5550001"), ("zalo", "8f3a9c2e1b7d4a60")])
async def test_typing_a_seeded_phone_takes_over_nobody(seeded: App, channel: str, user_id: str) -> None:
    stranger = Chat(seeded.core.handle, user_id, channel=channel)
    await register(stranger, "Nguyễn Văn Kẻ Gian", "Nội vụ", "0912000001")
    assert "Vai trò trong hệ thống: Thường trực Hội đồng" not in stranger.text and "nhận ra" not in stranger.text
    await stranger.say("/thuky")
    assert "không có quyền" in stranger.text
    other = Chat(seeded.core.handle, user_id + "9", channel=channel)
    await register(other, "Trần Kẻ Khác", "Bắc Sơn", "0912 000 002")
    await other.say("/toi")
    assert "thủ trưởng" not in other.text and "cán bộ" in other.text

    hong, accounts = await record(seeded, "Lê Thị Hồng")
    assert accounts == [] and hong.phone == "0912000001"  # never renamed, never taken
    gian, accounts = await record(seeded, "Nguyễn Văn Kẻ Gian")
    assert accounts == [f"{channel}:{user_id}"] and not gian.seeded
    async with seeded.database.unit_of_work() as store:
        assert (await store.person(gian.id)).roles == frozenset()

    # The real Lê Thị Hồng, sharing her own Telegram contact, gets her record and role.
    real = Chat(seeded.core.handle, "5550077", channel="telegram")
    await real.say("/start")
    await share_contact(real, "+84912000001")
    assert "Đã xác minh. Chào Anh/Chị Lê Thị Hồng" in real.text and "Thường trực Hội đồng" in real.text
    _, accounts = await record(seeded, "Lê Thị Hồng")
    assert accounts == ["telegram:5550077"]

    # A seed reload hands nothing to the stranger who registered with the unit head's phone.
    async with seeded.database.unit_of_work() as store:
        from storage.seed import apply_seed, read_seed

        await apply_seed(store, read_seed(Path(seeded.settings.seed_file)))  # the conftest seed: units only
    _, accounts = await record(seeded, "Trần Văn Bình")
    assert accounts == []


async def test_a_forged_contact_is_refused(seeded: App) -> None:
    attacker = Chat(seeded.core.handle, "5550002", channel="telegram")
    await attacker.say("/start")
    await share_contact(attacker, "0912000001", owner="5559999")  # someone else's contact card
    assert "không phải của chính tài khoản này" in attacker.text
    await share_contact(attacker, "0912000001", owner="")  # a card with no account
    assert "không phải của chính tài khoản này" in attacker.text
    _, accounts = await record(seeded, "Lê Thị Hồng")
    assert accounts == []
    assert "Họ và tên" in attacker.text or "họ và tên" in attacker.text.lower()  # still registering


async def test_own_contact_without_a_record_answers_the_phone_question(seeded: App) -> None:
    chat = Chat(seeded.core.handle, "5550003", channel="telegram")
    for answer in ["/start", "Đỗ Văn Mới", "Nội vụ", "Chuyên viên"]:
        await chat.say(answer)
    assert chat.replies[-1].request_contact
    await share_contact(chat, "+84 987 654 321")
    assert "Thông tin đăng ký" in chat.text and "0987654321" in chat.text
    await chat.press("Xác nhận")
    assert "Đăng ký xong" in chat.text


async def test_contact_through_the_real_telegram_adapter(seeded: App) -> None:
    user = 4242
    async with FakeTelegram() as fake:
        channel, dispatcher = await telegram_for_app(seeded, fake)
        try:
            for answer in ["/start", "Lê Thị Hồng", "Nội vụ", "Chuyên viên"]:
                await fake.user_sends_text(user, answer)
            await fake.wait_until(lambda: any("Số điện thoại" in (m.text or "") for m in fake.sent_to(user)))
            asking = fake.sent_to(user)[-1]
            assert "Số điện thoại" in (asking.text or ""), [m.text for m in fake.sent_to(user)]
            keyboard = (asking.reply_markup or {}).get("keyboard")
            assert keyboard and keyboard[0][0].get("request_contact") is True, asking.reply_markup
            count = len(fake.sent_to(user))
            contact = {"phone_number": "84912000001", "first_name": "Hồng", "user_id": user + 1}
            await fake.user_sends(user, {"contact": contact})  # forged: another account's card
            await fake.wait_for_messages(user, count + 1)
            assert "không phải của chính tài khoản này" in (fake.sent_to(user)[count].text or "")
            await fake.user_sends(user, {"contact": {**contact, "user_id": user}})
            await fake.wait_until(lambda: "Đã xác minh" in (fake.sent_to(user)[-1].text or ""))
            assert "Chào Anh/Chị Lê Thị Hồng" in (fake.sent_to(user)[-1].text or "")
        finally:
            await channel.stop()
            await dispatcher.stop()
    _, accounts = await record(seeded, "Lê Thị Hồng")
    assert accounts == [f"telegram:{user}"]


async def _secretary(app: App) -> Chat:
    secretary = Chat(app.core.handle, "5550100", channel="telegram")
    await secretary.say("/start")
    await share_contact(secretary, "0912000001")
    assert "Thường trực Hội đồng" in secretary.text
    return secretary


def _code(reply_text: str) -> str:
    return reply_text.split("/start ")[1].split()[0]


async def test_an_invitation_claims_a_record_once(settings: Settings, database_url: tuple, clock: Clock) -> None:
    configured = settings.model_copy(update={"telegram_bot_username": "@SangKienBot"})
    app = App(configured, clock=clock, engine_kwargs=database_url[1])
    await app.prepare()
    try:
        seed = Path(configured.seed_file).with_name("people.yaml")
        seed.write_text(SEED, encoding="utf-8")
        await app.seed(seed)
        secretary = await _secretary(app)
        await secretary.say("/moimoi 0912 000 002")
        code = _code(secretary.text)
        assert f"https://t.me/SangKienBot?start={code}" in secretary.text and "Trần Văn Bình" in secretary.text

        zalo = Chat(app.core.handle, "8f3a9c2e1b7d4a61", channel="zalo")
        await zalo.say(f"/start {code.lower()[:4]}-{code.lower()[4:]}")
        assert "Đã xác minh. Chào Anh/Chị Trần Văn Bình" in zalo.text and "thủ trưởng đơn vị" in zalo.text
        again = Chat(app.core.handle, "5550200", channel="telegram")
        await again.say(f"/start {code}")
        assert "Mã mời không đúng, đã dùng hoặc đã hết hạn" in again.text
        await secretary.say("/moimoi 0912000002")
        assert "Không tìm thấy hồ sơ đăng ký sẵn nào chưa có tài khoản" in secretary.text
        binh, _ = await record(app, "Trần Văn Bình")
        await secretary.say(f"/moimoi {binh.id}")
        assert "đã có tài khoản liên kết" in secretary.text

        # The unit head invites staff of the unit, typed as a bare code on a text channel; it expires.
        head = zalo
        await head.say("/moimoi 0912000003")
        expired = _code(head.text)
        clock.advance(days=8)
        late = Chat(app.core.handle, "c-late", channel="console")
        await late.say(expired)
        assert "Mã mời không đúng" in late.text
        await head.say("/moimoi 0912000003")
        fresh = _code(head.text)
        await late.say(fresh)
        assert "Đã xác minh. Chào Anh/Chị Phạm Thu Cúc" in late.text

        # Who may invite whom.
        staff = Chat(app.core.handle, "c-staff", channel="console")
        await register(staff, "Vũ Văn Thường", "Nội vụ", "bỏ qua")
        await staff.say("/moimoi 0912000001")
        assert "không có quyền" in staff.text
        async with app.database.unit_of_work() as store:
            unit = next(u for u in await store.units() if u.code == "P-NV")
            outsider = await store.create_person("Người Ngoài", unit.id, "Chuyên viên", None)
        await head.say(f"/moimoi {outsider.id}")
        assert "không có quyền cấp mã mời" in head.text  # another unit
    finally:
        await app.close()


async def test_people_linked_before_the_upgrade_keep_everything(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
        connection.execute(
            text("INSERT INTO unit (id, code, name, sector) VALUES (1, 'P-NV', 'Phòng Nội vụ', 'other')")
        )
        for pid, name, phone in (
            (1, "Lê Thị Hồng", "0912000001"),
            (2, "Vũ Tự Đăng", "0912000009"),
            (3, "Chờ", "0912000004"),
        ):
            connection.execute(
                text(
                    "INSERT INTO person (id, full_name, unit_id, position, phone, created_at, notices_muted) "
                    "VALUES (:id, :name, 1, 'Chuyên viên', :phone, '2026-01-01 00:00:00', 0)"
                ),
                {"id": pid, "name": name, "phone": phone},
            )
        connection.execute(text("INSERT INTO role_grant (person_id, role) VALUES (1, 'secretariat')"))
        connection.execute(text("INSERT INTO identity (channel, external_id, person_id) VALUES ('telegram', '11', 1)"))
        connection.execute(text("INSERT INTO identity (channel, external_id, person_id) VALUES ('zalo', 'zz', 2)"))
    engine.dispose()

    settings = Settings(
        _env_file=None, database_url=f"sqlite+aiosqlite:///{path}", file_store_dir=tmp_path / "f", channels="console"
    )
    app = App(settings)
    await app.prepare()
    try:
        hong = Chat(app.core.handle, "11", channel="telegram")
        await hong.say("/toi")
        assert "Lê Thị Hồng" in hong.text and "Thường trực Hội đồng" in hong.text
        self_registered = Chat(app.core.handle, "zz", channel="zalo")
        await self_registered.say("/toi")
        assert "Vũ Tự Đăng" in self_registered.text
        async with app.database.unit_of_work() as store:
            rows = {r.id: r.seeded for r in (await store.session.execute(select(PersonRow))).scalars()}
            assert rows == {1: True, 2: False, 3: True}
            assert await store.claimable_by_phone("0912000004") == 3
            assert await store.claimable_by_phone("0912000009") is None
    finally:
        await app.close()
    await asyncio.sleep(0)


async def test_the_secretariat_approves_a_claim_after_checking(seeded: App) -> None:
    secretary = await _secretary(seeded)
    newcomer = Chat(seeded.core.handle, "8f3a9c2e1b7d4a62", channel="zalo")
    await register(newcomer, "Trần Văn Bình", "Bắc Sơn", "0912000002")
    await newcomer.say("/toi")
    assert "thủ trưởng" not in newcomer.text
    async with seeded.database.unit_of_work() as store:
        rows = (await store.session.execute(select(PersonRow).where(PersonRow.full_name == "Trần Văn Bình"))).scalars()
        by_seeded = {r.seeded: r for r in rows}
        notices = (await store.session.execute(select(NoticeRow).where(NoticeRow.kind == "identity_claim"))).scalars()
        texts = [n.text for n in notices]
    new_id, seeded_id = by_seeded[False].id, by_seeded[True].id
    assert len(texts) == 1 and f"/duyetnhan {new_id} {seeded_id}" in texts[0]
    await newcomer.say(f"/duyetnhan {new_id} {seeded_id}")
    assert "không có quyền" in newcomer.text
    await secretary.say(f"/duyetnhan {new_id} {seeded_id}")
    assert "Đã xác nhận" in secretary.text and "thủ trưởng đơn vị" in secretary.text
    await newcomer.say("/toi")
    assert "thủ trưởng đơn vị" in newcomer.text
    await secretary.say(f"/duyetnhan {new_id} {seeded_id}")
    assert "Không có tài khoản mới" in secretary.text
