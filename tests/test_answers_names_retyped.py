"""At the name check, a name typed again properly is the answer, not a loose match for «In là …»."""

from __future__ import annotations

from bot.app import App
from tests.support import Chat


async def test_a_name_typed_again_with_diacritics_is_taken_as_typed(app: App) -> None:
    chat = Chat(app.core.handle, "9101")
    await chat.say("/start")
    await chat.say("nguyen van an")
    assert "In là «Nguyen Van An»" in chat.options
    await chat.say("Nguyễn Văn Ân")
    assert "Bước 2/4" in chat.text
    for answer in ["Quang Trung", "Giáo viên", "bỏ qua"]:
        await chat.say(answer)
    assert "Họ và tên: Nguyễn Văn Ân" in chat.text
