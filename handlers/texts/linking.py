"""Texts of linking one person's Telegram and Zalo accounts with a one-time code."""

CODE_ISSUED = (
    "Mã liên kết của Anh/Chị: {code} (dùng một lần, hết hạn sau {minutes} phút).\n"
    "Trên kênh còn lại (Telegram hoặc Zalo), gõ: /lienket {code}\n"
    "Sau khi liên kết, sáng kiến và thông báo của Anh/Chị có ở cả hai kênh."
)
USAGE_UNREGISTERED = (
    "Để dùng chung tài khoản đã đăng ký ở kênh khác: trên kênh đó gõ /lienket để nhận mã, "
    "rồi gõ tại đây: /lienket <mã>. Ví dụ: /lienket 482913"
)
LINKED = "Đã liên kết. Từ nay Anh/Chị dùng chung tài khoản {name} trên {channels}."
ALREADY_LINKED = "Tài khoản này đã được liên kết với {name} rồi."
BAD_CODE = "Mã liên kết không đúng hoặc đã hết hạn. Anh/Chị lấy mã mới bằng lệnh /lienket ở kênh đã đăng ký."
TOO_MANY_TRIES = "Anh/Chị đã nhập sai mã quá nhiều lần. Vui lòng thử lại sau 1 giờ."
HAS_OWN_DATA = (
    "Tài khoản trên kênh này đã có sáng kiến riêng nên không thể gộp tự động. "
    "Vui lòng liên hệ quản trị viên để gộp hai tài khoản."
)
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "bảng điều khiển"}
