"""Texts of /coquan: choosing the recognising body one works in, and the body line of /toi."""

CHOOSE = (
    "Anh/Chị có vai trò ở {n} cơ quan công nhận sáng kiến. Hiện Anh/Chị đang làm việc trong: {current}.\n"
    "Chọn cơ quan muốn làm việc (gõ số thứ tự):"
)
OPTION = "{body} — {roles}"
CURRENT_MARK = " (đang làm việc)"
ONLY_ONE = (
    "Anh/Chị chỉ làm việc trong {body}, với vai trò: {roles}. Không có cơ quan nào khác để chọn.\n"
    "Lệnh /coquan dành cho người được giao vai trò ở nhiều cơ quan, ví dụ thành viên Hội đồng cấp tỉnh."
)
SWITCHED = (
    "Từ bây giờ Anh/Chị làm việc trong {body}, với vai trò: {roles}.\n"
    "Hồ sơ, danh sách và lệnh Anh/Chị thấy là của cơ quan này. Gõ /trogiup để xem các lệnh; "
    "gõ /coquan để đổi cơ quan."
)
STAYED = "Anh/Chị vẫn làm việc trong {body}."
NOT_IN_LIST = "Không có cơ quan «{text}» trong danh sách. Gõ số thứ tự của một cơ quan dưới đây:"
CLOSED = "Đã đóng danh sách cơ quan. Anh/Chị vẫn làm việc trong {body}."
HELP = "Chọn một cơ quan bằng số thứ tự; gõ /huy để giữ nguyên cơ quan đang làm việc."
CLOSE = "Giữ nguyên, đóng danh sách"
FELL_BACK = "Anh/Chị không còn vai trò nào trong {old}, nên từ bây giờ làm việc trong cơ quan của đơn vị mình: {body}."
BEGUN_ELSEWHERE = (
    "Việc Anh/Chị đang làm dở là của {old}, còn bây giờ Anh/Chị làm việc trong {body}, nên việc đó đã dừng lại "
    "và không áp dụng sang {body}. Muốn làm tiếp cho {old}, gõ /coquan để chuyển lại rồi làm lại từ đầu."
)
# /toi
PROFILE_OTHERS = "\n(Anh/Chị còn có vai trò ở cơ quan khác: gõ /coquan để đổi cơ quan làm việc.)"
NO_BODY = "chưa xác định"
