"""Test helpers: a controllable clock and a chat driver that speaks the neutral types."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.ports import HandleFn
from handlers.types import Attachment, AttachmentKind, Inbound, Reply


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


class Chat:
    """One user talking to the core, as an adapter would: text, button presses, files."""

    def __init__(self, handle: HandleFn, user_id: str = "100", channel: str = "console") -> None:
        self.handle = handle
        self.user_id = user_id
        self.channel = channel
        self.replies: list[Reply] = []
        self.outgoing: list = []
        self._event = 0

    async def _send(self, inbound: Inbound) -> list[Reply]:
        result = await self.handle(inbound)
        self.replies = result.replies
        self.outgoing = result.outgoing
        return self.replies

    def _event_id(self) -> str:
        self._event += 1
        return f"{self.user_id}-{self._event}"

    async def say(self, text: str) -> list[Reply]:
        return await self._send(Inbound(self.channel, self.user_id, text=text, event_id=self._event_id()))

    async def press(self, label: str, replies: list[Reply] | None = None) -> list[Reply]:
        """Press the button whose label contains ``label`` in the last reply that has options (of ``replies``, an
        earlier answer whose buttons are still on the screen, when given)."""
        shown = self.replies if replies is None else replies
        for reply in reversed(shown):
            for option in reply.options:
                if label in option.label:
                    question = reply.question or None
                    return await self._send(
                        Inbound(
                            self.channel,
                            self.user_id,
                            choice=option.value,
                            question=question,
                            event_id=self._event_id(),
                        )
                    )
        raise AssertionError(f"no button {label!r} in {[o.label for r in shown for o in r.options]}")

    async def send_file(
        self, name: str, content: bytes, kind: AttachmentKind = AttachmentKind.DOCUMENT, size: int | None = None
    ) -> list[Reply]:
        attachment = Attachment(
            kind=kind,
            file_name=name,
            size=len(content) if size is None else size,
            content=content,
            mime_type="application/pdf",
        )
        return await self._send(Inbound(self.channel, self.user_id, attachment=attachment, event_id=self._event_id()))

    async def send_sticker(self) -> list[Reply]:
        return await self._send(
            Inbound(
                self.channel, self.user_id, attachment=Attachment(AttachmentKind.STICKER), event_id=self._event_id()
            )
        )

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)

    @property
    def options(self) -> list[str]:
        return [o.label for r in self.replies for o in r.options]


# A whole registration and submission typed as plain text (as on Zalo or the console): each answer with a
# piece of what the bot's next message must contain.
REGISTRATION_SCRIPT: list[tuple[str, str]] = [
    ("/start", "Họ và tên"),
    ("Nguyễn Văn An", "đơn vị nào"),
    ("Quang Trung", "Chức danh"),
    ("Giáo viên", "Số điện thoại"),
    ("bỏ qua", "Thông tin đăng ký"),
    ("1", "Đăng ký xong"),
]
WIZARD_SCRIPT: list[tuple[str, str]] = [
    ("/moi", "Tên sáng kiến"),
    ("Ứng dụng mã QR tra cứu tiến độ hồ sơ", "Kính gửi"),
    ("1", "Ngày tháng năm sinh"),
    ("15/08/1985", "Trình độ chuyên môn"),
    ("Cử nhân Sư phạm Toán", "đồng tác giả"),
    ("không", "Chủ đầu tư"),
    ("1", "Lĩnh vực"),
    ("1", "loại giải pháp"),
    ("2", "áp dụng lần đầu"),
    ("05/09/2025", "(1/3)"),
    ("Trước đây học sinh phải đến văn phòng hỏi kết quả, mất nhiều thời gian.", "(2/3)"),
    ("Bước 1: in mã QR; Bước 2: quét mã; Bước 3: cập nhật trạng thái.", "(3/3)"),
    ("Đã áp dụng tại trường từ tháng 9/2025.", "điều kiện cần thiết"),
    ("Máy tính, máy in.", "Đánh giá lợi ích"),
    ("Giảm 70% số lần hỏi trực tiếp.", "bằng tiền"),
    ("bỏ qua", "tổ chức, cá nhân đã tham gia"),
    ("bỏ qua", "tham gia áp dụng thử"),
    ("không", "bảo mật"),
    ("bỏ qua", "bí mật nhà nước"),
    ("1", "Tài liệu đính kèm"),
    ("1", "cam đoan"),
    ("1", "BẢN TÓM TẮT"),
    ("1", "Số biên nhận"),
]

# Different initiatives on different topics (title; known state; content; where applied), put in place of the
# script's answers so that several users can file at once without the duplicate check taking one for a copy of
# another. Variant 0 is WIZARD_SCRIPT itself.
WIZARD_VARIANTS: list[tuple[str, str, str, str]] = [
    (
        "Sổ liên lạc điện tử qua nhóm Zalo lớp",
        "Phụ huynh chỉ gặp giáo viên chủ nhiệm vào buổi họp cuối học kỳ nên ít nắm được tình hình con em.",
        "Giáo viên gửi nhận xét hằng tuần vào nhóm Zalo riêng của lớp; phụ huynh trả lời và hẹn gặp khi cần.",
        "Khối lớp 6 thí điểm từ học kỳ I năm học 2025-2026.",
    ),
    (
        "Tủ sách luân chuyển giữa các lớp tiểu học",
        "Thư viện nhà trường nhỏ, học sinh lớp dưới hiếm khi mượn được truyện phù hợp lứa tuổi.",
        "Mỗi lớp góp hai mươi cuốn truyện thành một tủ sách, cứ hai tuần các tủ đổi chỗ cho nhau theo lịch.",
        "Mười hai lớp của điểm trường chính đã tham gia, điểm lẻ thôn Nà Mè làm theo từ tháng Mười.",
    ),
    (
        "Phân loại rác thải nhựa tại căng tin",
        "Vỏ chai, hộp xốp bị vứt lẫn với thức ăn thừa khiến sân trường bẩn và tốn công dọn dẹp.",
        "Đặt ba thùng màu xanh, vàng, đỏ có hình minh họa; đội cờ đỏ hướng dẫn và ghi điểm thi đua từng chi đội.",
        "Căng tin và khu nhà đa năng áp dụng suốt năm; phường đề nghị mở rộng cho chợ dân sinh.",
    ),
    (
        "Bảng mã vạch quản lý thiết bị dạy học",
        "Sổ giấy ghi mượn trả máy chiếu, bộ thí nghiệm thường thiếu, cuối năm kiểm kê mất cả tuần.",
        "Dán mã vạch lên từng thiết bị; nhân viên thiết bị quét bằng điện thoại khi cho mượn và nhận lại.",
        "Phòng thiết bị hai khu nhà dùng thường xuyên; các trường bạn trong cụm có thể làm tương tự.",
    ),
    (
        "Phiếu khám sức khỏe học sinh trực tuyến",
        "Nhân viên y tế nhập tay kết quả cân đo của gần một nghìn em, số liệu báo cáo chậm và hay nhầm.",
        "Biểu mẫu trực tuyến cho y tế trường nhập chiều cao, cân nặng, thị lực; bảng tính tự vẽ biểu đồ dinh dưỡng.",
        "Đợt khám đầu năm học vừa rồi dùng cho toàn bộ học sinh; trạm y tế xã xin mẫu để dùng cho mầm non.",
    ),
]


def wizard_script(variant: int) -> list[tuple[str, str]]:
    """WIZARD_SCRIPT filing a different initiative (``WIZARD_VARIANTS``); 0 is the script itself."""
    if variant == 0:
        return list(WIZARD_SCRIPT)
    script = list(WIZARD_SCRIPT)
    title, state, content, scope = WIZARD_VARIANTS[variant - 1]
    for index, answer in ((1, title), (10, state), (11, content), (12, scope)):
        script[index] = (answer, script[index][1])
    return script


async def play(chat: Chat, script: list[tuple[str, str]]) -> None:
    """Type each answer and check the bot's next message mentions what it should."""
    for text, expected in script:
        await chat.say(text)
        assert expected in chat.text, f"after {text!r} expected {expected!r} in {chat.text!r}"
