"""Texts of admin commands."""

GRANT_USAGE = (
    "Cách dùng: /capquyen <mã số người dùng> <vai trò>\n"
    "Vai trò: canbo, thutruong, thuky, hoidong, thutruongcoquan, sokhcn, quantri.\n"
    "Ví dụ: /capquyen 12 thuky. Mã số người dùng xem bằng lệnh /toi.\n"
    "Vai trò được cấp trong cơ quan Anh/Chị đang làm việc; gõ /coquan để đổi cơ quan."
)
REVOKE_USAGE = "Cách dùng: /thuquyen <mã số người dùng> <vai trò>. Ví dụ: /thuquyen 12 thuky"
NO_SUCH_PERSON = "Không có người dùng mang mã số {id}."
NO_SUCH_ROLE = "Không có vai trò «{role}». Vai trò: canbo, thutruong, thuky, hoidong, thutruongcoquan, sokhcn, quantri."
GRANTED = "Đã cấp vai trò {role} cho {name} (mã số {id}), trong {body}."
REVOKED = "Đã thu hồi vai trò {role} của {name} (mã số {id}), trong {body}."
NOT_HELD = "{name} (mã số {id}) không giữ vai trò {role} trong {body}, nên không có gì để thu hồi."
HELD_IN = "Vai trò này được giữ trong: {bodies}; gõ /coquan để chuyển sang cơ quan đó rồi thu hồi."
GRANTED_NOTICE = "Anh/Chị vừa được cấp vai trò {role} trong {body} (Sáng kiến bot)."
CHANNEL_STOPPED = (
    "Cảnh báo vận hành: kênh {channel} của Sáng kiến bot đã ngừng nhận tin nhắn ({reason}). "
    "Các kênh khác vẫn hoạt động. Vui lòng kiểm tra cấu hình và khởi động lại bot."
)
