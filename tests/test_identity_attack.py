"""Attacks on who someone is: a unit head's reach after moving unit (f2f1a00), co-authors matched only by a vouched
phone (71e031b), reloading the seed. Three holes found here are fixed (a claimed seeded record typing another's
phone, a head role held in another body, the seed reload matching by a typed phone) and so is the fourth (a
council member retyping name and phone shed the conflict with their own initiative); the others pin down attacks
the code withstands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from handlers.domain import Role
from handlers.types import Inbound, SharedContact
from storage.models import NoticeRow, PersonRow
from tests.review_support import person
from tests.support import Chat, Clock
from tests.test_bodies import PROVINCE_SEED
from tests.test_coauthor_impostor import file_with_coauthor, register, told

BINH_PHONE = "0912345678"  # the real co-author's number, as the author typed it in the application


def chat(app: App, user_id: str, channel: str = "telegram") -> Chat:
    return Chat(app.core.handle, user_id=user_id, channel=channel)


async def share_contact(c: Chat, phone: str, owner: str | None = None) -> None:
    contact = SharedContact(phone=phone, user_id=c.user_id if owner is None else owner)
    await c._send(Inbound(c.channel, c.user_id, contact=contact, event_id=c._event_id()))


async def edit_profile(c: Chat, label: str, answer: str) -> None:
    """/dangky, change one item, confirm."""
    await c.say("/dangky")
    await c.press("Sửa một mục")
    await c.press(label)
    await c.say(answer)
    await c.press("Xác nhận")
    assert "Đã lưu thông tin mới" in c.text, c.text


async def seed(app: App, tmp_path: Path, text: str) -> None:
    path = tmp_path / "people.yaml"
    path.write_text(text, encoding="utf-8")
    await app.seed(path)


async def verified(app: App, name: str) -> bool:
    async with app.database.unit_of_work() as store:
        rows = await store.session.execute(select(PersonRow.phone_verified).where(PersonRow.full_name == name))
        return any(rows.scalars())


async def gets_nothing(app: App, c: Chat, receipt: str) -> bool:
    """No status notice queued for ``c``'s person, and /taidon answers as for a number that does not exist."""
    await c.say(f"/taidon {receipt}")
    no_document = all(r.document is None for r in c.replies) and "Không có hồ sơ số" in c.text
    return await told(app, c.user_id) == [] and no_document


# --- co-authors: typing a colleague's name and number ---------------------------------------------------------


async def test_a_claimed_seeded_record_that_types_a_colleagues_name_and_number_is_not_the_co_author(
    app: App, clock: Clock, tmp_path: Path
) -> None:
    # Hùng is on the unit's list and claims his record properly, with his own Telegram contact.
    await seed(app, tmp_path, "people:\n  - {name: Phạm Văn Hùng, unit: THCS-QT, position: GV, phone: '0912000055'}\n")
    hung = chat(app, "321")
    await share_contact(hung, "0912000055")
    assert "Chào Anh/Chị Phạm Văn Hùng" in hung.text, hung.text
    # Then he types his colleague's name and number in /dangky: contact data, never proof.
    await edit_profile(hung, "Họ và tên", "Trần Thị Bình")
    await edit_profile(hung, "Số điện thoại", "0912 345 678")
    receipt = await file_with_coauthor(app, clock)
    assert await told(app, "321") == []
    await hung.say(f"/taidon {receipt}")
    assert all(r.document is None for r in hung.replies)


async def test_a_forwarded_contact_at_the_phone_step_proves_nothing(app: App, clock: Clock) -> None:
    impostor = chat(app, "666")
    for answer in ["/start", "Trần Thị Bình", "Quang Trung", "Giáo viên"]:
        await impostor.say(answer)
    # Bình's own contact card, forwarded: its user id is hers.
    await share_contact(impostor, BINH_PHONE, owner="777")
    assert "Số điện thoại" in impostor.text  # refused: the question is asked again
    await impostor.say(BINH_PHONE)
    await impostor.press("Xác nhận")
    assert "Đăng ký xong" in impostor.text
    assert not await verified(app, "Trần Thị Bình")
    receipt = await file_with_coauthor(app, clock)
    assert await gets_nothing(app, impostor, receipt)


async def test_an_own_contact_at_the_phone_step_then_the_number_edited_proves_only_the_own_number(
    app: App, clock: Clock
) -> None:
    impostor = chat(app, "666")
    for answer in ["/start", "Trần Thị Bình", "Quang Trung", "Giáo viên"]:
        await impostor.say(answer)
    await share_contact(impostor, "0987000111")  # the impostor's own number: genuinely proven
    assert "Thông tin đăng ký" in impostor.text, impostor.text
    await impostor.press("Sửa một mục")
    await impostor.press("Số điện thoại")
    await impostor.say(BINH_PHONE)  # typed over it before confirming
    await impostor.press("Xác nhận")
    assert "Đăng ký xong" in impostor.text
    assert not await verified(app, "Trần Thị Bình")
    receipt = await file_with_coauthor(app, clock)
    assert await gets_nothing(app, impostor, receipt)
    # Typed back to the own (once proven) number: it is the account owner's, so proving it again harms nobody,
    # and the colleague's number stays unproven whatever is left in the conversation.
    await edit_profile(impostor, "Số điện thoại", BINH_PHONE)
    assert not await verified(app, "Trần Thị Bình")


async def test_xacminh_with_the_own_contact_does_not_prove_a_typed_colleagues_number(app: App, clock: Clock) -> None:
    impostor = chat(app, "666")
    await register(impostor, "Trần Thị Bình", BINH_PHONE)
    await impostor.say("/xacminh")
    await share_contact(impostor, "0987000111")  # own account, but another number than the one typed
    assert "Đã xác minh số điện thoại" not in impostor.text
    assert not await verified(app, "Trần Thị Bình")
    receipt = await file_with_coauthor(app, clock)
    assert await gets_nothing(app, impostor, receipt)


@pytest.mark.parametrize("channel", ["zalo", "console"])
async def test_zalo_and_console_users_typing_the_number_are_never_matched(app: App, clock: Clock, channel: str) -> None:
    impostor = chat(app, "666", channel=channel)
    for answer in ["/start", "Trần Thị Bình", "Quang Trung", "Giáo viên", "+84 912 345 678"]:
        await impostor.say(answer)
    await impostor.press("Xác nhận")
    assert "Đăng ký xong" in impostor.text
    assert not await verified(app, "Trần Thị Bình")
    receipt = await file_with_coauthor(app, clock)
    await impostor.say(f"/taidon {receipt}")
    assert all(r.document is None for r in impostor.replies)
    async with app.database.unit_of_work() as store:
        identity = await store.identity(channel, "666")
        kinds = await store.session.execute(select(NoticeRow.kind).where(NoticeRow.person_id == identity.person_id))
        assert [k for k in kinds.scalars() if k.startswith("status")] == []


async def test_an_impostor_typing_an_unclaimed_seeded_co_authors_number_gets_nothing(
    app: App, clock: Clock, tmp_path: Path
) -> None:
    await seed(app, tmp_path, "people:\n  - {name: Trần Thị Bình, unit: THCS-QT, position: GV, phone: '0912345678'}\n")
    impostor = chat(app, "666")
    await register(impostor, "Trần Thị Bình", BINH_PHONE)
    receipt = await file_with_coauthor(app, clock)
    assert await gets_nothing(app, impostor, receipt)
    # The real Bình claims her record with her own contact and has the application.
    binh = chat(app, "777")
    await share_contact(binh, "84912345678")  # Telegram sends the number without «+»
    assert "Chào Anh/Chị Trần Thị Bình" in binh.text, binh.text
    await binh.say(f"/taidon {receipt}")
    assert any(r.document is not None for r in binh.replies), binh.text


async def test_a_council_member_who_retypes_name_and_number_still_cannot_score_their_own_initiative(
    app: App, clock: Clock
) -> None:
    member = await person(app, "Trần Thị Bình", "P-NV", user_id="m1", roles=(Role.COUNCIL,), phone=BINH_PHONE)
    receipt = await file_with_coauthor(app, clock)  # names Trần Thị Bình, 0912 345 678, as co-author
    async with app.database.unit_of_work() as store:  # seated and assigned (as a careless /hoidong might)
        initiative = await store.initiative_by_receipt(receipt)
        assert initiative is not None and initiative.round_id is not None
        await store.seat_member(initiative.round_id, member.id, [])
        await store.assign(initiative.id, member.id, clock())
    m1 = chat(app, "m1", channel="console")
    await m1.say("/chamdiem")
    assert receipt not in "\n".join([m1.text, *m1.options])  # her own: held back
    # She retypes her name (a middle name added) and her number in /dangky…
    await edit_profile(m1, "Họ và tên", "Trần Thị Ngọc Bình")
    await edit_profile(m1, "Số điện thoại", "0987000222")
    # …and her own initiative is hers to score.
    await m1.say("/chamdiem")
    assert receipt not in "\n".join([m1.text, *m1.options])


# --- a unit head who moves ------------------------------------------------------------------------------------

HEAD_SEED = (
    "people:\n"
    "  - {name: Lê Thị Hồng, unit: P-NV, position: Chuyên viên, roles: [secretariat], console_id: '801'}\n"
    "  - {name: Phạm Văn Minh, unit: UBND-BS, position: Chủ tịch, roles: [unit_head], console_id: '802'}\n"
    "  - {name: Đỗ Văn Khoa, unit: UBND-BS, position: Chuyên viên, phone: '0912000077'}\n"
)


async def test_a_head_who_moves_away_and_back_is_head_of_neither(app: App, tmp_path: Path) -> None:
    await seed(app, tmp_path, HEAD_SEED)
    head = chat(app, "802", channel="console")
    await edit_profile(head, "Đơn vị", "Nội vụ")
    await edit_profile(head, "Đơn vị", "Bắc Sơn")
    assert "kết thúc" not in head.text  # nothing left to end
    for command in ("/donvi", "/moimoi 0912000077", "/totrinh", "/xulyhienke"):
        await head.say(command)
        assert "không có quyền" in head.text.lower() or "chỉ dành cho" in head.text.lower(), (command, head.text)
    async with app.database.unit_of_work() as store:
        rows = await store.session.execute(select(NoticeRow.kind).where(NoticeRow.kind == "unit_head_left"))
        assert list(rows.scalars()) == ["unit_head_left"]  # told once, for the first move


# test_bodies' province with other people. A head role held in a body other than the person's own: Minh works in the
# Department of Education and was made unit head in the Department of Health (the seed's roles_in, or an admin's
# /capquyen while acting there).
TWO_BODIES: dict[str, Any] = {
    **PROVINCE_SEED,
    "bodies": [
        {
            **PROVINCE_SEED["bodies"][0],  # SGD
            "people": [
                {"name": "Lê Thị Hồng", "unit": "VP-SGD", "roles": ["secretariat"], "console_id": "a-sec"},
                {
                    "name": "Phạm Văn Minh",
                    "unit": "THCS-QT",
                    "position": "Giáo viên",
                    "roles_in": {"SYT": ["unit_head"]},
                    "console_id": "m",
                },
            ],
        },
        {
            **PROVINCE_SEED["bodies"][1],  # SYT
            "people": [
                {"name": "Trần Thị Bích", "unit": "VP-SYT", "roles": ["secretariat"], "console_id": "b-sec"},
                {"name": "Lý Thị Xuân", "unit": "BV-DK", "position": "Điều dưỡng", "phone": "0912000088"},
            ],
        },
    ],
}


@pytest.mark.parametrize("seed_data", [TWO_BODIES])
async def test_a_head_role_held_in_another_body_does_not_follow_a_move_into_that_body(app: App) -> None:
    minh = chat(app, "m", channel="console")
    await minh.say("/donvi")
    assert "không có quyền" in minh.text.lower()  # acting in his own body, he heads nothing
    await edit_profile(minh, "Đơn vị", "Bệnh viện")
    await minh.say("/toi")
    assert "Bệnh viện Đa khoa tỉnh" in minh.text
    # He picked the hospital himself: he must not be able to hand out the way into its staff's records…
    await minh.say("/moimoi 0912000088")
    assert "không có quyền" in minh.text.lower(), minh.text
    # …nor see its applications.
    await minh.say("/donvi")
    assert "không có quyền" in minh.text.lower(), minh.text


RELOADED_SEED = (
    "people:\n"
    "  - {name: Đỗ Văn Khoa, unit: UBND-BS, position: Chuyên viên, phone: '0912000077'}\n"
    "  - {name: Phạm Văn Minh, unit: UBND-BS, position: Chủ tịch, phone: '0912000066', roles: [unit_head]}\n"
)


async def test_a_seeded_staff_member_typing_the_heads_number_is_not_made_head_by_the_next_start(
    app: App, tmp_path: Path
) -> None:
    await seed(app, tmp_path, RELOADED_SEED)
    khoa = chat(app, "431")
    await share_contact(khoa, "0912000077")  # his own record, properly claimed
    assert "Chào Anh/Chị Đỗ Văn Khoa" in khoa.text, khoa.text
    await edit_profile(khoa, "Số điện thoại", "0912000066")  # the head's number, typed
    await khoa.say("/donvi")
    assert "không có quyền" in khoa.text.lower()
    await seed(app, tmp_path, RELOADED_SEED)  # the seed file is loaded again at every start
    await khoa.say("/donvi")
    assert "không có quyền" in khoa.text.lower(), khoa.text


DEPUTY_SEED = (
    "people:\n"
    "  - {name: Phạm Văn Minh, unit: UBND-BS, position: Chủ tịch, roles: [unit_head], console_id: '802'}\n"
    "  - {name: Ngô Thị Lụa, unit: UBND-BS, position: Phó Chủ tịch, phone: '0912000044', roles: [unit_head]}\n"
    "  - {name: Đỗ Văn Khoa, unit: UBND-BS, position: Chuyên viên, phone: '0912000077'}\n"
)


async def test_a_unit_head_invites_into_staff_records_of_the_unit_only(app: App, tmp_path: Path) -> None:
    """A record holding the head role is for the secretariat or an admin to vouch for, as any role above staff:
    whoever a head hands its code to would hold the unit's applications, documents and invitations."""
    await seed(app, tmp_path, DEPUTY_SEED)
    head = chat(app, "802", channel="console")
    await head.say("/moimoi 0912000044")
    assert "không có quyền cấp mã mời cho hồ sơ Ngô Thị Lụa" in head.text
    await head.say("/moimoi 0912000077")
    assert "Mã mời" in head.text and "Đỗ Văn Khoa" in head.text
