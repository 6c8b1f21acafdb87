"""Texts of reminders, status notices, campaign commands and the unit / overview views."""

# --- how much time is left ------------------------------------------------------------------------
LEFT_TODAY = "hôm nay là hạn cuối"
LEFT_DAYS = "còn {n} ngày"
PASSED = "đã hết hạn"
CLOSED = "đã đóng"

# --- reminders ------------------------------------------------------------------------------------
AUTHOR_REMINDER = (
    "⏰ Nhắc hạn: {round} năm {year} nhận đơn đến hết ngày {deadline} ({left}).\n"
    "Anh/Chị còn việc chưa xong:\n{items}\n"
    "Gõ /cuatoi để làm tiếp."
)
AUTHOR_ITEM_DRAFT = "• Bản nháp chưa nộp: «{title}»"
AUTHOR_ITEM_AMEND = "• Cần bổ sung, sửa đổi: {receipt} «{title}»"

HEAD_REMINDER = (
    "⏰ Nhắc hạn: đơn vị {unit} mới có {count}/{quota} sáng kiến đăng ký năm {year}. "
    "{round} nhận đơn đến hết ngày {deadline} ({left}).\n"
    "Gõ /donvi để xem danh sách và tiến độ của đơn vị."
)

SECRETARIAT_REMINDER = (
    "📊 Tổng hợp {round} năm {year}{body} — hạn {deadline} ({left}).\n"
    "Số sáng kiến theo đơn vị (chỉ tiêu {quota}/đơn vị):\n{units}\n"
    "Đơn vị chưa có sáng kiến ({zero_count}): {zero}\n"
    "Lĩnh vực cải cách hành chính: {reform}/{reform_target}{reform_mark}\n"
    "Hồ sơ đang chờ kiểm tra: {waiting}\n"
    "Gõ /tongquan để xem tổng quan."
)
UNIT_LINE = "• {unit}: {count}"
NO_UNITS = "(không có)"
TARGET_MET = " (đạt)"
TARGET_NOT_MET = " (chưa đạt)"

LIST_DUE_HEAD = (
    "⏰ Nhắc hạn: danh sách sáng kiến được công nhận năm {year} cần gửi lên tỉnh trước ngày {deadline} ({left}). "
    "Đơn vị {unit} có {recognised} sáng kiến được công nhận, {counted} sáng kiến đã đăng ký."
)
LIST_DUE_SECRETARIAT = (
    "⏰ Nhắc hạn: danh sách sáng kiến được công nhận năm {year}{body} cần gửi lên tỉnh trước ngày {deadline} "
    "({left}).\n"
    "Đã công nhận: {recognised}. Đang chấm điểm: {accepted}. Chờ kiểm tra hồ sơ: {waiting}."
)

HEAD_UNREACHABLE = (
    "⚠️ Không gửi được nhắc hạn tới thủ trưởng đơn vị {name} ({unit}): người dùng đã chặn bot hoặc chưa từng "
    "nhắn cho bot. Anh/Chị vui lòng báo trực tiếp cho đơn vị."
)

# Deadline reminders that expired unsent: one summary per deadline to the Thường trực Hội đồng.
MISSED_REPORT = (
    "⚠️ Có {count} nhắc hạn {what} (hạn {deadline}) không gửi được trước khi hết hạn, tới {people} người:\n"
    "{names}{more}\n"
    "Nguyên nhân có thể là nền tảng nhắn tin quá tải hoặc bot tạm ngừng hoạt động. "
    "Anh/Chị vui lòng báo trực tiếp cho những người này nếu cần."
)
MISSED_WHAT_ROUND = "nộp sáng kiến của {round} năm {year}{body}"
MISSED_WHAT_LIST = "gửi danh sách sáng kiến được công nhận năm {year}{body}"
# After the year in what the secretariat is told, when the deployment has more than one recognising body: someone
# in the secretariat of two bodies must tell their reminders apart.
OF_BODY = " của {body}"
MISSED_WHAT_OTHER = "khác"
MISSED_LINE = "• {name} — {role}"
MISSED_MORE = "\n… và {n} người khác."
MISSED_ROLE_AUTHOR = "cán bộ có sáng kiến chưa nộp xong"
MISSED_ROLE_HEAD = "thủ trưởng đơn vị {unit}"
MISSED_ROLE_HEAD_NO_UNIT = "thủ trưởng đơn vị"
MISSED_ROLE_SECRETARIAT = "Thường trực Hội đồng"

# --- status notices -------------------------------------------------------------------------------
STATUS_SUBMITTED = (
    "📨 Sáng kiến «{title}» (số biên nhận {receipt}), Anh/Chị là tác giả hoặc đồng tác giả, "
    "đã được nộp vào {round}. Anh/Chị sẽ nhận thông báo khi có kết quả thẩm định."
)
STATUS_ACCEPTED = (
    "✅ Hồ sơ sáng kiến «{title}» (số biên nhận {receipt}) đã được tiếp nhận, hợp lệ và chuyển Hội đồng chấm điểm."
)
STATUS_AMEND = (
    "✏️ Hồ sơ sáng kiến «{title}» (số biên nhận {receipt}) cần bổ sung, sửa đổi.\n"
    "Lý do: {reason}\n"
    "Tác giả gõ /cuatoi, chọn sáng kiến để sửa và nộp lại."
)
STATUS_REFUSED = "❌ Hồ sơ sáng kiến «{title}» (số biên nhận {receipt}) không được tiếp nhận.\nLý do: {reason}"
STATUS_RECOGNISED = (
    "🎉 Chúc mừng! Sáng kiến «{title}» (số biên nhận {receipt}) được công nhận: {award}. "
    "Giấy chứng nhận sẽ được gửi về đơn vị."
)
AWARD_CLASS = "xếp loại {grade}, điểm trung bình {score}, tiền thưởng {prize}"
AWARD_CERTIFICATE = "điểm trung bình {score}, được cấp giấy chứng nhận"
AWARD_UNKNOWN = "theo quyết định của Hội đồng"
STATUS_NOT_RECOGNISED = "Sáng kiến «{title}» (số biên nhận {receipt}) không được công nhận{score}.{reason}"
NOT_RECOGNISED_SCORE = " (điểm trung bình {score})"
REASON_SUFFIX = "\nLý do: {reason}"
STATUS_WITHDRAWN = "Sáng kiến «{title}» (số biên nhận {receipt}) đã được rút đơn."
NO_REASON = "(không ghi lý do)"

# --- silencing ------------------------------------------------------------------------------------
MUTED = (
    "Đã tắt các thông báo không bắt buộc (nhắc hạn cho đơn vị, tổng hợp, nhắc lập danh sách). "
    "Anh/Chị vẫn nhận nhắc hạn cho bản nháp của mình và thông báo kết quả sáng kiến của mình. "
    "Gõ /batthongbao để bật lại."
)
UNMUTED = "Đã bật lại mọi thông báo."

# --- campaign commands ----------------------------------------------------------------------------
CAMPAIGNS_TITLE = "Các đợt xét sáng kiến:"
CAMPAIGN_LINE = "Năm {year} — nhắc trước hạn {days} ngày, lúc {time}; danh sách công nhận trước {list_due}"
ROUND_LINE = "  • [mã {id}] {name}: {sectors}, hạn {deadline} ({state})"
NO_CAMPAIGNS = "Chưa có đợt xét nào. Gõ /taodot <năm> để tạo."
CAMPAIGN_HELP = (
    "Lệnh cho Thường trực Hội đồng:\n"
    "/taodot <năm> — tạo đợt xét năm mới theo lịch năm trước (hoặc lịch mặc định)\n"
    "/doihan <mã đợt> <ngày> — dời hạn nộp, ví dụ /doihan 3 30/04/2027\n"
    "/dongdot <mã đợt> — đóng đợt sớm; /modot <mã đợt> — mở lại\n"
    "/lichnhac <năm> <số ngày trước hạn> [giờ] — ví dụ /lichnhac 2027 14,7,3,1,0 08:00"
)
SECTOR_LABELS = {"education": "giáo dục", "other": "các lĩnh vực khác"}
STATE_OPEN = "đang mở"
CREATE_USAGE = "Cách dùng: /taodot <năm>, ví dụ /taodot 2027"
CREATED = "Đã tạo đợt xét năm {year}:\n{rounds}"
ALREADY_EXISTS = "Năm {year} đã có đợt xét. Gõ /chiendich để xem."
MOVE_USAGE = "Cách dùng: /doihan <mã đợt> <ngày>, ví dụ /doihan 3 30/04/2027. Mã đợt xem bằng /chiendich."
NO_SUCH_ROUND = "Không có đợt mang mã {id}. Gõ /chiendich để xem các đợt."
MOVED = "Đã dời hạn {round} năm {year}: từ {old} sang {new}. Lịch nhắc hạn đi theo hạn mới."
DEADLINE_IN_PAST = "Hạn mới {date} đã qua. Anh/Chị chọn một ngày từ hôm nay trở đi."
CLOSE_USAGE = "Cách dùng: /dongdot <mã đợt>. Mã đợt xem bằng /chiendich."
REOPEN_USAGE = "Cách dùng: /modot <mã đợt>. Mã đợt xem bằng /chiendich."
CLOSED_ROUND = "Đã đóng {round} năm {year}. Đơn nộp sau đây được xếp vào đợt kế tiếp; không còn nhắc hạn cho đợt này."
REOPENED_ROUND = "Đã mở lại {round} năm {year} (hạn {deadline})."
SCHEDULE_USAGE = (
    "Cách dùng: /lichnhac <năm> <số ngày trước hạn> [giờ], ví dụ /lichnhac 2027 14,7,3,1,0 08:00 "
    "(0 là sáng ngày hết hạn)."
)
NO_SUCH_CAMPAIGN = "Chưa có đợt xét năm {year}."
SCHEDULE_SET = "Năm {year}: nhắc trước hạn {days} ngày, lúc {time}."

# --- views ----------------------------------------------------------------------------------------
UNIT_NONE = "Anh/Chị chưa thuộc đơn vị nào. Gõ /dangky để cập nhật thông tin."
UNIT_TITLE = "🏢 {unit} — năm {year}"
UNIT_QUOTA = "Đã đăng ký: {count}/{quota} sáng kiến{mark}."
QUOTA_MET = " (đạt chỉ tiêu)"
QUOTA_NOT_MET = " (chưa đạt chỉ tiêu)"
UNIT_DRAFTS = "Bản nháp đang soạn trong đơn vị: {n}."
UNIT_DEADLINES = "Hạn nộp:"
UNIT_DEADLINE_LINE = "• {round}: {deadline} ({left})"
UNIT_LIST = "Sáng kiến của đơn vị:"
UNIT_ROW = "• {receipt} «{title}» — {author} — {status}"
UNIT_EMPTY = "Đơn vị chưa có sáng kiến nào được nộp năm nay."

OVERVIEW_TITLE = "📊 Tổng quan năm {year}"
OVERVIEW_ROUNDS = "Các đợt:"
OVERVIEW_STATUS = "Theo trạng thái:"
OVERVIEW_STATUS_LINE = "• {status}: {n}"
OVERVIEW_UNITS = "Theo đơn vị (chỉ tiêu {quota}/đơn vị):"
OVERVIEW_ZERO = "Đơn vị chưa có sáng kiến ({n}): {units}"
OVERVIEW_REFORM = "Cải cách hành chính: {n}/{target}{mark}"
OVERVIEW_LIST_DUE = "Danh sách công nhận gửi tỉnh trước {date} ({left})."
NO_CAMPAIGN_YEAR = "Chưa có đợt xét năm {year}."

USAGE_TITLE = "Số tin nhắn đã gửi qua Zalo theo tháng:"
USAGE_LINE = "• {month}: {n}"
USAGE_QUOTA = " / hạn mức {quota}"
USAGE_EMPTY = "Chưa gửi tin nhắn nào qua Zalo."
