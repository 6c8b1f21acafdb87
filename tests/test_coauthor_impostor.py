"""A co-author is matched to a person only by a phone someone vouches for: anyone can type a colleague's name and
number when registering, and a registered co-author hears of the application and may download it."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from handlers.domain import Role, Status
from handlers.transitions import change_status
from handlers.types import Inbound, SharedContact
from storage.models import NoticeRow, PersonRow
from tests.review_support import application, chat, person, submit
from tests.support import Chat, Clock

COAUTHOR = {
    "full_name": "Trần Thị Bình",
    "phone": "0912 345 678",
    "birth_date": "1990-09-02",
    "workplace": "Trường THCS Quang Trung",
    "position": "Giáo viên",
    "qualification": "Cử nhân",
}


async def register(c: Chat, name: str, phone: str | None) -> None:
    for answer in ["/start", name, "Quang Trung", "Giáo viên"]:
        await c.say(answer)
    if phone is None:
        await c.say("bỏ qua")
    elif phone.startswith("contact:"):  # the Telegram button: the contact of the sender's own account
        number = phone.removeprefix("contact:")
        await c._send(Inbound("telegram", c.user_id, contact=SharedContact(phone=number, user_id=c.user_id)))
    else:
        await c.say(phone)
    await c.press("Xác nhận")
    assert "Đăng ký xong" in c.text, c.text


async def file_with_coauthor(app: App, clock: Clock) -> str:
    author = await person(app, "Nguyễn Văn An", "THCS-QT", user_id="author")
    data = application(author, "Trường THCS Quang Trung", "Sổ điểm điện tử", coauthors=[COAUTHOR])
    initiative = await submit(app, clock, author, data)
    secretary = await person(app, "Lê Thị Hồng", "P-NV", user_id="sec", roles=(Role.SECRETARIAT,))
    async with app.database.unit_of_work() as store:
        await change_status(store, initiative, Status.ACCEPTED, now=clock(), by_person_id=secretary.id)
    assert initiative.receipt_no is not None
    return initiative.receipt_no


async def told(app: App, user_id: str) -> list[str]:
    """The status notices queued for the person behind ``user_id``'s account."""
    async with app.database.unit_of_work() as store:
        identity = await store.identity("telegram", user_id)
        rows = await store.session.execute(
            select(NoticeRow.kind).where(NoticeRow.person_id == identity.person_id, NoticeRow.kind.like("status%"))
        )
        return list(rows.scalars())


async def test_someone_typing_a_co_authors_name_and_number_learns_nothing(app: App, clock: Clock) -> None:
    impostor = chat(app, "666", channel="telegram")
    await register(impostor, "Trần Thị Bình", "0912345678")  # typed: contact data only
    receipt = await file_with_coauthor(app, clock)
    assert await told(app, "666") == []
    await impostor.say(f"/taidon {receipt}")
    assert "Không có hồ sơ số" in impostor.text  # as for a number that does not exist
    assert all(r.document is None for r in impostor.replies)


async def test_the_co_author_who_shares_their_contact_is_matched(app: App, clock: Clock) -> None:
    binh = chat(app, "777", channel="telegram")
    await register(binh, "Trần Thị Bình", "contact:+84 912 345 678")
    receipt = await file_with_coauthor(app, clock)
    assert sorted(await told(app, "777")) == ["status:accepted", "status:submitted"]
    await binh.say(f"/taidon {receipt}")
    assert any(r.document is not None for r in binh.replies), binh.text


async def test_a_contact_shared_later_proves_the_number_and_a_typed_change_unproves_it(app: App, clock: Clock) -> None:
    binh = chat(app, "888", channel="telegram")
    await register(binh, "Trần Thị Bình", "0912345678")
    # Someone else's contact proves nothing; the person's own does.
    await binh._send(Inbound("telegram", "888", contact=SharedContact(phone="0912345678", user_id="999")))
    assert not await verified(app, "Trần Thị Bình")
    await binh._send(Inbound("telegram", "888", contact=SharedContact(phone="0912345678", user_id="888")))
    assert "Đã xác minh số điện thoại của Anh/Chị" in binh.text
    assert await verified(app, "Trần Thị Bình")
    # A number typed over it in /dangky is contact data again.
    await binh.say("/dangky")
    await binh.press("Sửa một mục")
    await binh.press("Số điện thoại")
    await binh.say("0987 654 321")
    await binh.press("Xác nhận")
    assert "Đã lưu thông tin mới" in binh.text
    assert not await verified(app, "Trần Thị Bình")


async def verified(app: App, name: str) -> bool:
    async with app.database.unit_of_work() as store:
        rows = await store.session.execute(select(PersonRow.phone_verified).where(PersonRow.full_name == name))
        return bool(rows.scalar_one())


async def test_sharing_the_contact_at_the_phone_step_of_dangky_answers_it_proven(app: App, clock: Clock) -> None:
    binh = chat(app, "555", channel="telegram")
    await register(binh, "Trần Thị Bình", "0912345678")
    await binh.say("/dangky")
    await binh.press("Sửa một mục")
    await binh.press("Số điện thoại")
    await binh._send(Inbound("telegram", "555", contact=SharedContact(phone="0912345678", user_id="555")))
    await binh.press("Xác nhận")
    assert "Đã lưu thông tin mới" in binh.text
    assert await verified(app, "Trần Thị Bình")
