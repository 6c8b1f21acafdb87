"""A unit head's reach follows the unit: moving to another unit by /dangky ends the head role, and the
secretariat is told, since the unit it left has nobody to remind or to review with until a new head is named."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.app import App
from storage.models import NoticeRow
from tests.support import Chat

ROLES = (
    "people:\n"
    "  - {name: Lê Thị Hồng, unit: P-NV, position: Chuyên viên, roles: [secretariat], console_id: '801'}\n"
    "  - {name: Phạm Văn Minh, unit: UBND-BS, position: Chủ tịch, roles: [unit_head], console_id: '802'}\n"
    "  - {name: Đỗ Văn Khoa, unit: P-NV, position: Chuyên viên, phone: '0912000077'}\n"
)


async def _head(app: App, tmp_path: Path) -> Chat:
    seed = tmp_path / "roles.yaml"
    seed.write_text(ROLES, encoding="utf-8")
    await app.seed(seed)
    return Chat(app.core.handle, "802")


async def _move(head: Chat, unit: str) -> None:
    await head.say("/dangky")
    await head.press("Sửa một mục")
    await head.press("Đơn vị")
    await head.say(unit)
    await head.press("Xác nhận")


async def _notices(app: App, kind: str) -> list[str]:
    async with app.database.unit_of_work() as store:
        return list((await store.session.execute(select(NoticeRow.text).where(NoticeRow.kind == kind))).scalars())


async def test_a_unit_head_who_moves_to_another_unit_is_head_of_neither(app: App, tmp_path: Path) -> None:
    head = await _head(app, tmp_path)
    await _move(head, "Nội vụ")
    assert "Đã lưu thông tin mới" in head.text
    assert "vai trò thủ trưởng đơn vị UBND phường Bắc Sơn trên bot đã kết thúc" in head.text
    await head.say("/toi")
    assert "Phòng Nội vụ" in head.text and "thủ trưởng đơn vị" not in head.text
    # Nor can they hand out the way into a record of the unit they moved to.
    await head.say("/moimoi 0912000077")
    assert "không có quyền" in head.text
    (notice,) = await _notices(app, "unit_head_left")
    assert "Phạm Văn Minh" in notice and "UBND phường Bắc Sơn" in notice and "Phòng Nội vụ" in notice
    assert "/capquyen 2 thutruong" in notice


async def test_a_unit_head_who_keeps_the_unit_keeps_the_role(app: App, tmp_path: Path) -> None:
    head = await _head(app, tmp_path)
    await head.say("/dangky")
    await head.press("Sửa một mục")
    await head.press("Chức danh")
    await head.say("Chủ tịch UBND phường")
    await head.press("Xác nhận")
    assert "Đã lưu thông tin mới" in head.text and "kết thúc" not in head.text
    await head.say("/toi")
    assert "thủ trưởng đơn vị" in head.text
    assert await _notices(app, "unit_head_left") == []


async def test_staff_moving_unit_lose_nothing_and_nobody_is_told(app: App, tmp_path: Path) -> None:
    await _head(app, tmp_path)
    staff = Chat(app.core.handle, "901")
    for answer in ["/start", "Nguyễn Thị Lan", "Nội vụ", "Chuyên viên", "bỏ qua", "1"]:
        await staff.say(answer)
    await _move(staff, "Bắc Sơn")
    assert "Đã lưu thông tin mới" in staff.text and "kết thúc" not in staff.text
    assert await _notices(app, "unit_head_left") == []
