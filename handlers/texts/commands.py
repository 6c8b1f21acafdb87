"""The command table's words: one line per command (in /trogiup, /thuky, the unknown-command reply and the
Telegram command menu) and the titles of the help's sections by role."""

HELP_INTRO = (
    "Sáng kiến bot giúp Anh/Chị lập và nộp Đơn yêu cầu công nhận sáng kiến (mẫu M-02) từng bước, "
    "theo dõi kết quả và nhận thông báo."
)
# Section titles, by role (handlers.domain.Role values); "staff" heads the commands everyone may use.
SECTION_TITLES = {
    "staff": "LỆNH CHUNG",
    "secretariat": "THƯỜNG TRỰC HỘI ĐỒNG",
    "council": "THÀNH VIÊN HỘI ĐỒNG",
    "unit_head": "THỦ TRƯỞNG ĐƠN VỊ",
    "body_head": "NGƯỜI ĐỨNG ĐẦU CƠ QUAN CÔNG NHẬN",
    "province_office": "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    "admin": "QUẢN TRỊ",
}
LINE = "/{name}{args} — {description}"

# --- everyone ------------------------------------------------------------------------------------------------
START = "bắt đầu, về danh sách việc có thể làm"
MENU = "danh sách việc có thể làm"
NEW = "nộp sáng kiến mới"
MINE = "sáng kiến của tôi"
PROFILE = "thông tin của tôi"
ACTING_BODY = "chọn cơ quan làm việc (khi Anh/Chị có vai trò ở nhiều cơ quan)"
REGISTER = "xem và sửa thông tin đăng ký"
SUGGEST = "gửi hiến kế, xem hiến kế của tôi"
IDEAS = "ngân hàng ý kiến, tìm theo từ khóa"
LINK = "dùng chung tài khoản trên Telegram và Zalo"
VERIFY = "nhận hồ sơ đơn vị đã đăng ký sẵn (chia sẻ số điện thoại, mã mời)"
MUTE = "tắt thông báo không bắt buộc"
UNMUTE = "bật lại thông báo không bắt buộc"
M02 = "đơn M-02 (Word) của sáng kiến"
CANCEL = "dừng việc đang làm (thông tin đã nhập vẫn được lưu)"
BACK = "quay lại câu hỏi trước"
HELP = "hướng dẫn cho bước hiện tại"

# --- by role -------------------------------------------------------------------------------------------------
ROLE_HELP = "các lệnh theo vai trò"
INBOX = "hồ sơ chờ kiểm tra (tiếp nhận, yêu cầu bổ sung, không tiếp nhận)"
COUNCIL = "thành viên Hội đồng, phân công, tiến độ chấm (thêm: them <mã người>, bỏ: bo <mã người>)"
ASSIGN = "phân công hồ sơ cho thành viên Hội đồng"
CLOSE_SCORING = "khóa chấm điểm"
REOPEN_SCORING = "mở lại chấm điểm"
RESULTS = "xem trước, tải bảng kết quả và công bố"
RULES = "tiêu chí, thang điểm, xếp loại"
CAMPAIGNS = "các năm, các đợt và mã đợt"
NEW_CAMPAIGN = "tạo đợt xét năm mới theo kế hoạch năm trước"
MOVE_DEADLINE = "dời hạn nộp"
CLOSE_ROUND = "đóng sớm đợt xét"
REOPEN_ROUND = "mở lại đợt xét"
SCHEDULE = "lịch nhắc hạn, ví dụ /lichnhac 2027 14,7,3,1,0 08:00"
OVERVIEW = "tiến độ các đơn vị, chỉ tiêu cải cách hành chính"
DESK = "xử lý hiến kế: chuyển đơn vị, trả lời, đóng"
COMPARE = "đối chiếu hai sáng kiến, đánh dấu đoạn trùng"
DUPLICATES = "các cặp nghi trùng lặp của đợt"
M01 = "tờ trình M-01 đề nghị công nhận sáng kiến của đơn vị"
YEAR_LIST = "danh sách sáng kiến được công nhận, được chuyển giao (Excel)"
BODY_REPORT = "báo cáo năm, giữa năm của cơ quan gửi tỉnh: xem, xác nhận gửi"
PROVINCE_OVERVIEW = "tổng hợp sáng kiến các cơ quan toàn tỉnh (Excel, biểu đồ)"
DECISION = "số, ngày quyết định công nhận"
TRANSFER = "ghi nhận chuyển giao sáng kiến"
INVITE = "cấp mã mời cho người đã đăng ký sẵn"
APPROVE = "xác nhận người đã đăng ký sẵn"
SCORE = "hồ sơ được phân công, chấm điểm và sửa phiếu chấm"
UNIT = "sáng kiến của đơn vị, chỉ tiêu, số ngày đến hạn"
GRANT = "cấp vai trò (canbo, thutruong, thuky, hoidong, quantri)"
REVOKE = "thu hồi vai trò"
QUOTA = "số tin đã gửi qua Zalo trong tháng"
