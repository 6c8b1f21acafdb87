"""Issue 14 through the real adapters and the Telegram and Zalo fakes: typed answers read the same way on both,
controls keep their fixed key, command words typed without a slash pause the form."""

from __future__ import annotations

import asyncio

from bot.settings import Settings
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import FakeZalo
from tests.support import REGISTRATION_SCRIPT, Clock
from tests.test_channels_e2e import ZALO_TOKEN, both_channels, play, start, stop

SCRIPT = [
    *REGISTRATION_SCRIPT,
    ("/dangky", "Thông tin đăng ký"),
    ("Sửa một mục", "muốn sửa mục nào"),
    ("đơn vị", "đơn vị nào"),
    ("truong", "Có 2 lựa chọn khớp với «truong»"),
    ("0", "Thông tin đăng ký"),  # «Giữ nguyên» is 0 even in the narrowed list
    ("Sửa một mục", "muốn sửa mục nào"),
    ("Đơn vị", "đơn vị nào"),
]
WIZARD = [
    ("0", "Thông tin đăng ký"),
    ("Xác nhận", "Đã lưu thông tin mới"),
    ("/moi", "Tên sáng kiến"),
    ("Sổ tay điện tử cho giáo viên chủ nhiệm", "Kính gửi"),
    ("0", "Không có lựa chọn số «0»"),
    ("huỷ", "Đã tạm dừng"),
]


async def test_typed_answers_read_the_same_on_telegram_and_zalo(
    settings: Settings, clock: Clock, database_url: tuple[str, dict]
) -> None:
    async with FakeTelegram() as telegram, FakeZalo(ZALO_TOKEN) as zalo:
        configured = both_channels(settings, telegram, zalo, ZALO_TOKEN)
        app, runtime, task = await start(configured, clock, ["telegram", "zalo"], database_url[1])
        try:
            tg_user, zalo_user = 7001, "zalo-user-14"

            def tg_texts() -> list[str]:
                return [m.text or m.caption or "" for m in telegram.sent_to(tg_user)]

            await asyncio.gather(
                play(lambda t: telegram.user_sends_text(tg_user, t), tg_texts, SCRIPT),
                play(lambda t: zalo.user_sends_text(zalo_user, t), lambda: zalo.sent_to(zalo_user), SCRIPT),
            )
            # The unit question with a saved answer: options keep their numbers, «Giữ nguyên» comes last as 0.
            zalo_last = zalo.sent_to(zalo_user)[-1]
            assert "1. Phòng Nội vụ" in zalo_last and zalo_last.rstrip().endswith("0. Giữ nguyên")
            assert [label for label, _ in telegram.sent_to(tg_user)[-1].buttons][-1] == "Giữ nguyên"
            await asyncio.gather(
                play(lambda t: telegram.user_sends_text(tg_user, t), tg_texts, WIZARD),
                play(lambda t: zalo.user_sends_text(zalo_user, t), lambda: zalo.sent_to(zalo_user), WIZARD),
            )
            assert not any("bấm nút" in m for m in zalo.sent_to(zalo_user))
        finally:
            await stop(app, runtime, task)
