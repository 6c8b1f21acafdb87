"""Texts of the body reports (/baocao: the yearly list and the mid-year report filed to the province) and of the
province overview (/tonghop, Sở Khoa học và Công nghệ)."""

# --- /baocao -------------------------------------------------------------------------------------------------
USAGE = (
    "Cách dùng: /baocao [năm] — báo cáo năm (danh mục sáng kiến được công nhận, được chuyển giao); "
    "/baocao giuanam — báo cáo giữa năm. Ví dụ: /baocao {year}"
)
BAD_WORD = "Không hiểu «{word}». " + USAGE
NO_SUCH_BODY = "Không có cơ quan công nhận mã «{code}». Gõ /tonghop để xem danh sách cơ quan và mã."
OTHER_BODY = (
    "Anh/Chị chỉ xem được báo cáo của cơ quan mình. Báo cáo của các cơ quan khác do Sở Khoa học và Công nghệ "
    "tổng hợp (/tonghop)."
)
NAME_A_BODY = "Anh/Chị cho biết mã cơ quan cần xem, ví dụ: /baocao {year} {code}. Gõ /tonghop để xem các cơ quan và mã."

YEAR_TITLE = "📋 BÁO CÁO NĂM {year} — {body}"
YEAR_INTRO = (
    "Danh mục sáng kiến được công nhận, sáng kiến được chuyển giao, lập tự động từ dữ liệu trên bot "
    "(báo cáo UBND tỉnh, gửi Sở Khoa học và Công nghệ trước ngày 31/12/{year})."
)
YEAR_COUNTS = (
    "• Sáng kiến đã đăng ký: {filed}\n"
    "• Được công nhận: {recognised}{grades}\n"
    "• Được chuyển giao trong năm: {transfers}\n"
    "• Đang chờ Hội đồng chấm: {under_review}; chờ kiểm tra hồ sơ: {waiting}"
)
GRADES = " ({parts})"
GRADE_PART = "loại {grade}: {n}"
CERTIFICATE_PART = "giấy chứng nhận: {n}"
RECOGNISED_HEADING = "Sáng kiến được công nhận:"
RECOGNISED_LINE = "{n}. {receipt} «{title}» — {authors}, {unit} — {grade}; {decision}"
TRANSFERS_HEADING = "Sáng kiến được chuyển giao:"
TRANSFER_LINE = "{n}. {receipt} «{title}» — chuyển giao cho {recipient} ngày {date}"
MORE_LINES = "… và {n} sáng kiến khác (xem đủ trong tệp Excel)."
NONE_RECOGNISED = "Chưa có sáng kiến nào được công nhận trong năm {year}."
GRADE_LABEL = "loại {grade}"
CERTIFICATE_ONLY = "giấy chứng nhận"
DECISION_LABEL = "QĐ số {number} ngày {date}"
DECISION_PENDING = "chưa ghi số quyết định"
NO_AUTHOR = "(không ghi tác giả)"
NO_UNIT = "(không rõ đơn vị)"

STATUS_NOT_FILED = "Tình trạng: CHƯA GỬI lên tỉnh."
STATUS_FILED = "Tình trạng: ĐÃ GỬI lên tỉnh lúc {at}, {name} xác nhận."
STATUS_CHANGED = "⚠️ Số liệu đã thay đổi so với bản đã gửi: cần gửi lại để tỉnh có bản mới nhất."

MID_TITLE = "📋 BÁO CÁO GIỮA NĂM {year} — {body}"
MID_INTRO = "Số liệu đến ngày {date} (gửi UBND tỉnh và Sở Khoa học và Công nghệ trước ngày 30/6/{year})."
MID_COUNTS = (
    "• Sáng kiến đã đăng ký: {filed}\n"
    "• Được công nhận: {recognised}\n"
    "• Đang chờ Hội đồng chấm: {under_review}; chờ kiểm tra hồ sơ: {waiting}\n"
    "• Đơn vị đạt chỉ tiêu ({quota} sáng kiến/đơn vị): {units_met}/{units}"
)

YEAR_CAPTION = "Báo cáo năm {year} của {body} (Excel): danh mục sáng kiến được công nhận, được chuyển giao."
CONFIRM_ASK = (
    "Anh/Chị là người đứng đầu cơ quan: xác nhận gửi báo cáo này lên UBND tỉnh và Sở Khoa học và Công nghệ? "
    "Chọn một trong hai."
)
REFILE_ASK = (
    "Báo cáo {what} đã gửi lúc {at}. Gửi lại sẽ THAY THẾ bản đã gửi bằng số liệu hiện tại. Anh/Chị xác nhận gửi lại?"
)
CONFIRM = "Xác nhận gửi báo cáo"
REFILE = "Gửi lại, thay thế bản cũ"
LATER = "Chưa gửi"
HEAD_CONFIRMS = "Người đứng đầu cơ quan xác nhận gửi báo cáo lên tỉnh (gõ /baocao)."
CHOOSE = "Anh/Chị chọn «{confirm}» hoặc «{later}» (gõ số thứ tự)."
NOT_FILED = "Chưa gửi báo cáo. Khi sẵn sàng, gõ lại /baocao."
CONFIRM_HELP = (
    "Báo cáo được lập tự động từ dữ liệu trên bot. «{confirm}»: báo cáo được lưu và Sở Khoa học và Công nghệ nhận "
    "thông báo; «{later}»: không gửi gì."
)
CHANGED = "Số liệu vừa thay đổi trong lúc Anh/Chị xem. Đây là bản mới nhất, Anh/Chị xem lại rồi xác nhận."
NO_LONGER_HEAD = "Chỉ người đứng đầu cơ quan công nhận được xác nhận gửi báo cáo. Chưa gửi gì."
FILED = "✅ Đã gửi báo cáo {what} của {body} lên tỉnh lúc {at}."
REFILED = "✅ Đã gửi lại báo cáo {what} của {body} lúc {at}; bản này thay thế bản gửi lúc {previous}."
NOTIFIED = "Sở Khoa học và Công nghệ đã được thông báo ({n} người)."
NOBODY_NOTIFIED = (
    "Chưa ai giữ vai trò Sở Khoa học và Công nghệ trên bot nên chưa có ai nhận thông báo; báo cáo vẫn được lưu."
)
WHAT_YEAR = "năm {year}"
WHAT_MID = "giữa năm {year}"

FILED_NOTICE = (
    "📥 {body} đã gửi báo cáo {what}: {recognised} sáng kiến được công nhận, {transfers} sáng kiến được chuyển "
    "giao, {filed} sáng kiến đã đăng ký. Người xác nhận: {name}.\n"
    "Gõ /baocao {year} {code} để xem, /tonghop {year} để xem tổng hợp toàn tỉnh."
)
REFILED_NOTICE = (
    "📥 {body} đã gửi lại báo cáo {what} (thay thế bản gửi lúc {previous}): {recognised} sáng kiến được công nhận, "
    "{transfers} sáng kiến được chuyển giao, {filed} sáng kiến đã đăng ký. Người xác nhận: {name}.\n"
    "Gõ /baocao {year} {code} để xem, /tonghop {year} để xem tổng hợp toàn tỉnh."
)
MID_FILED_NOTICE = (
    "📥 {body} đã gửi báo cáo {what}: {filed} sáng kiến đã đăng ký, {recognised} sáng kiến được công nhận. "
    "Người xác nhận: {name}. Gõ /tonghop {year} để xem tổng hợp toàn tỉnh."
)

# --- reminders -----------------------------------------------------------------------------------------------
DUE_HEAD = (
    "⏰ Nhắc hạn: {body} chưa gửi báo cáo {what} lên UBND tỉnh và Sở Khoa học và Công nghệ; hạn ngày {deadline} "
    "({left}). Báo cáo đã được lập sẵn từ dữ liệu trên bot: gõ /baocao {args} để xem và xác nhận gửi."
)
DUE_SECRETARIAT = (
    "⏰ Nhắc hạn: {body} chưa gửi báo cáo {what} lên UBND tỉnh và Sở Khoa học và Công nghệ; hạn ngày {deadline} "
    "({left}). Gõ /baocao {args} để rà soát số liệu; người đứng đầu cơ quan xác nhận gửi."
)
MID_ARGS = "giuanam"

# --- /tonghop ------------------------------------------------------------------------------------------------
OVERVIEW_TITLE = "📊 TỔNG HỢP SÁNG KIẾN TOÀN TỈNH NĂM {year} ({n} cơ quan công nhận)"
OVERVIEW_TOTALS = (
    "• Đã đăng ký: {filed}; được công nhận: {recognised}{grades}\n"
    "• Được chuyển giao: {transfers}; nghi trùng lặp: {duplicates}\n"
    "• Đơn vị đạt chỉ tiêu: {units_met}/{units}\n"
    "• Báo cáo năm đã gửi: {year_filed}/{n}; báo cáo giữa năm: {mid_filed}/{n}"
)
OVERVIEW_TOP = "Nhiều sáng kiến nhất:"
OVERVIEW_TOP_LINE = "{n}. {body}: đăng ký {filed}, công nhận {recognised}"
OVERVIEW_NOT_FILED = "Chưa gửi báo cáo năm ({n}): {bodies}"
OVERVIEW_ALL_FILED = "Tất cả cơ quan đã gửi báo cáo năm."
OVERVIEW_MORE = "… và {n} cơ quan khác"
OVERVIEW_BODY = "{name} ({code})"
OVERVIEW_EMPTY = "Chưa có cơ quan công nhận nào trên bot."
OVERVIEW_FILES = "Chi tiết từng cơ quan trong tệp Excel; biểu đồ kèm theo."
OVERVIEW_CAPTION = (
    "Tổng hợp sáng kiến toàn tỉnh năm {year} (Excel): mỗi cơ quan một dòng, các trang theo xếp loại, lĩnh vực."
)
CHART_CAPTION = "Biểu đồ: sáng kiến đăng ký và được công nhận năm {year}{top}."
CHART_TOP = " ({n} cơ quan nhiều sáng kiến nhất / {total})"
CHART_TITLE = "Sáng kiến năm {year}: đăng ký và được công nhận"
CHART_FILED = "Đã đăng ký"
CHART_RECOGNISED = "Được công nhận"
CHART_AXIS = "Số sáng kiến"
BAD_YEAR = "Năm không hợp lệ: «{word}». Ví dụ: /tonghop {year}"

# --- spreadsheets --------------------------------------------------------------------------------------------
YEAR_FILE = "Bao-cao-nam-{year}-{code}.xlsx"
OVERVIEW_FILE = "Tong-hop-sang-kien-{year}.xlsx"
CHART_FILE = "Bieu-do-sang-kien-{year}.png"
SHEET_RECOGNISED = "Được công nhận"
SHEET_TRANSFERS = "Được chuyển giao"
SHEET_FIGURES = "Số liệu"
SHEET_OVERVIEW = "Tổng hợp"
SHEET_GRADES = "Theo xếp loại"
SHEET_FIELDS = "Đăng ký theo lĩnh vực"
SHEET_FIELDS_RECOGNISED = "Công nhận theo lĩnh vực"
RECOGNISED_TITLE = "DANH MỤC SÁNG KIẾN ĐƯỢC CÔNG NHẬN NĂM {year}"
TRANSFERS_TITLE = "DANH MỤC SÁNG KIẾN ĐƯỢC CHUYỂN GIAO NĂM {year}"
FIGURES_TITLE = "SỐ LIỆU SÁNG KIẾN NĂM {year}"
OVERVIEW_SHEET_TITLE = "TỔNG HỢP SÁNG KIẾN CÁC CƠ QUAN CÔNG NHẬN NĂM {year}"
GRADES_TITLE = "SÁNG KIẾN ĐƯỢC CÔNG NHẬN THEO XẾP LOẠI NĂM {year}"
FIELDS_TITLE = "SÁNG KIẾN ĐĂNG KÝ THEO LĨNH VỰC NĂM {year}"
FIELDS_RECOGNISED_TITLE = "SÁNG KIẾN ĐƯỢC CÔNG NHẬN THEO LĨNH VỰC NĂM {year}"
BODY_NOTE = "Cơ quan công nhận: {body}"
MADE_NOTE = "Lập ngày {date} từ dữ liệu trên bot"
H_NO = "STT"
H_RECEIPT = "Số biên nhận"
H_TITLE = "Tên sáng kiến"
H_AUTHORS = "Tác giả, đồng tác giả"
H_UNIT = "Đơn vị"
H_FIELD = "Lĩnh vực"
H_GRADE = "Xếp loại"
H_DECISION = "Quyết định công nhận"
H_RECIPIENT = "Tổ chức, cá nhân nhận chuyển giao"
H_TRANSFER_DATE = "Ngày chuyển giao"
H_AGREEMENT = "Hợp đồng, thỏa thuận"
H_ITEM = "Nội dung"
H_VALUE = "Số lượng"
H_CODE = "Mã"
H_BODY = "Cơ quan công nhận"
H_FILED = "Đã đăng ký"
H_RECOGNISED = "Được công nhận"
H_TRANSFERS = "Được chuyển giao"
H_DUPLICATES = "Nghi trùng lặp"
H_UNITS = "Số đơn vị"
H_UNITS_MET = "Đơn vị đạt chỉ tiêu"
H_QUOTA = "Chỉ tiêu/đơn vị"
H_QUOTA_MET = "Đạt chỉ tiêu"
H_YEAR_REPORT = "Báo cáo năm"
H_MID_REPORT = "Báo cáo giữa năm"
H_NO_FIELD = "Không ghi lĩnh vực"
TOTAL = "Tổng cộng"
YES = "Đạt"
NO = "Chưa đạt"
REPORT_FILED_CELL = "Đã gửi {date}"
REPORT_MISSING_CELL = "Chưa gửi"
FIGURE_FILED = "Sáng kiến đã đăng ký"
FIGURE_RECOGNISED = "Sáng kiến được công nhận"
FIGURE_GRADE = "— xếp loại {grade}"
FIGURE_CERTIFICATE = "— giấy chứng nhận"
FIGURE_TRANSFERS = "Sáng kiến được chuyển giao trong năm"
FIGURE_UNDER_REVIEW = "Đang chờ Hội đồng chấm"
FIGURE_WAITING = "Chờ kiểm tra hồ sơ"
FIGURE_UNITS = "Đơn vị đạt chỉ tiêu ({quota} sáng kiến/đơn vị) / số đơn vị"
