"""Texts of registration (/start), the profile and account linking."""

WELCOME = (
    "Xin chào! Đây là Sáng kiến bot — kênh nộp và theo dõi sáng kiến của cán bộ, công chức, viên chức.\n"
    "Trước hết, Anh/Chị vui lòng đăng ký một lần (4 câu hỏi ngắn).\n"
    "Đã đăng ký ở kênh khác (Telegram/Zalo)? Gõ /lienket để dùng chung tài khoản."
)
NEED_REGISTRATION = "Anh/Chị cần đăng ký trước khi sử dụng. Chỉ mất khoảng một phút."
SUMMARY_TITLE = "Thông tin đăng ký của Anh/Chị:"
CONFIRM = "Xác nhận"
P_NAME = "Họ và tên đầy đủ của Anh/Chị (có dấu)? Ví dụ: Nguyễn Văn An"
H_NAME = "Ghi họ tên như trên giấy tờ tùy thân, có dấu tiếng Việt. Ví dụ: Trần Thị Bích Ngọc."
P_UNIT = "Anh/Chị công tác ở đơn vị nào? Chọn trong danh sách, hoặc gõ vài chữ trong tên đơn vị."
H_UNIT = (
    "Chọn cơ quan, đơn vị (trường học, phòng, ban, UBND xã/phường…) nơi Anh/Chị đang làm việc. "
    "Có thể gõ một phần tên, ví dụ «Quang Trung». Nếu không thấy đơn vị của mình, vui lòng báo Thường trực Hội đồng."
)
UNIT_NOT_FOUND = (
    "Không tìm thấy đơn vị «{text}» trong danh sách. Anh/Chị chọn một đơn vị bên dưới, hoặc gõ chính xác hơn."
)
UNIT_SEARCH = (
    "Danh sách có {n} đơn vị, quá dài để hiện hết. Anh/Chị gõ tên đơn vị, hoặc vài chữ trong tên "
    "(ví dụ «Quang Trung»), để tìm."
)
UNIT_IN_BODY = "{unit} ({body})"
NO_UNITS = (
    "Danh sách đơn vị chưa được thiết lập nên chưa thể đăng ký. Vui lòng báo quản trị viên "
    "nạp danh sách đơn vị (lệnh: sangkien-bot seed <tệp>)."
)
P_POSITION = "Chức danh, chức vụ của Anh/Chị? Ví dụ: Chuyên viên, Giáo viên, Phó Hiệu trưởng."
H_POSITION = "Ghi chức vụ hoặc chức danh nghề nghiệp hiện tại, ví dụ «Chuyên viên Phòng Nội vụ» hoặc «Giáo viên»."
P_PHONE = (
    "Số điện thoại của Anh/Chị (không bắt buộc — giúp Thường trực Hội đồng liên hệ khi cần)? Ví dụ: 0912 345 678. "
    "Nếu không muốn cung cấp, chọn «Bỏ qua»."
)
H_PHONE = "Số di động hoặc cố định 10 chữ số, ví dụ 0912345678 hoặc +84 912 345 678."
L_NAME = "Họ và tên"
L_UNIT = "Đơn vị"
L_POSITION = "Chức danh"
L_PHONE = "Số điện thoại"
DONE = "Đăng ký xong. Cảm ơn {name}!"
UPDATED = "Đã lưu thông tin mới. Cảm ơn {name}!"
EDIT_INTRO = "Anh/Chị xem lại thông tin và chọn mục cần sửa."
DONE_LINKED = "Đăng ký xong. Hệ thống đã nhận ra Anh/Chị trong danh sách của đơn vị ({roles})."
PROFILE = (
    "Thông tin của Anh/Chị:\n• Mã số: {id}\n• Họ và tên: {name}\n• Đơn vị: {unit}\n• Chức danh: {position}\n"
    "• Điện thoại: {phone}\n• Cơ quan công nhận sáng kiến đang làm việc: {body}\n• Vai trò: {roles}{others}\n\n"
    "Gõ /dangky để sửa thông tin."
)
ROLE_LABELS = {
    "staff": "cán bộ",
    "unit_head": "thủ trưởng đơn vị",
    "secretariat": "Thường trực Hội đồng",
    "council": "thành viên Hội đồng",
    "body_head": "người đứng đầu cơ quan công nhận",
    "province_office": "Sở Khoa học và Công nghệ (tổng hợp toàn tỉnh)",
    "admin": "quản trị",
}
