"""Texts of the suggestion channel (hiến kế): sending, following one's own, handling, the idea bank."""

from handlers.suggestions.rules import SuggestionStatus

STATUS_LABELS: dict[SuggestionStatus, str] = {
    SuggestionStatus.NEW: "Đã tiếp nhận, chờ xử lý",
    SuggestionStatus.FORWARDED: "Đang được đơn vị xử lý",
    SuggestionStatus.ANSWERED: "Đã trả lời",
    SuggestionStatus.CLARIFY: "Đang làm rõ theo đề nghị",
    SuggestionStatus.CLOSED: "Đã đóng",
}

# --- menu and commands ----------------------------------------------------------------------------
MENU_SUGGEST = "Hiến kế (gửi ý tưởng, góp ý)"
MENU_DESK = "Xử lý hiến kế"
MENU_BANK = "Ngân hàng ý kiến"

# --- sending ----------------------------------------------------------------------------------------
INTRO = (
    "Gửi hiến kế: ý tưởng, góp ý để công việc của cơ quan, đơn vị tốt hơn. Chỉ vài bước; "
    "Anh/Chị có thể chọn gửi ẩn danh."
)
SUMMARY_TITLE = "HIẾN KẾ CỦA ANH/CHỊ\nAnh/Chị kiểm tra lại trước khi gửi:"
SUBMIT = "Gửi hiến kế"
DISCARD = "Hủy, không gửi"
CANCELLED = "Đã dừng. Hiến kế chưa được gửi."

L_TOPIC = "Chủ đề"
P_TOPIC = "Hiến kế của Anh/Chị thuộc chủ đề nào?"
H_TOPIC = "Chọn chủ đề gần nhất với nội dung; nếu không có chủ đề phù hợp, chọn «Khác»."
TOPIC_NOT_FOUND = "Không có chủ đề «{text}». Anh/Chị vui lòng chọn một chủ đề trong danh sách (chọn hoặc gõ số thứ tự)."

L_CONTENT = "Nội dung"
P_CONTENT = (
    "Anh/Chị trình bày nội dung hiến kế: việc gì hiện chưa tốt, Anh/Chị đề xuất làm thế nào, lợi ích mong đợi "
    "(từ {min} đến {max} ký tự)."
)
H_CONTENT = (
    "Viết ngắn gọn, cụ thể. Dòng đầu tiên được dùng làm tiêu đề trong danh sách. Ví dụ: «Rút ngắn thời gian "
    "trả kết quả hồ sơ đất đai — đề nghị gửi tin nhắn báo khi hồ sơ có kết quả…»"
)

L_FILES = "Ảnh, tài liệu kèm theo"
P_FILES = (
    "Anh/Chị có thể gửi kèm ảnh hoặc tài liệu (PDF, Word, Excel; tối đa {n} tệp, mỗi tệp đến {limit}). "
    "Nếu không có, chọn «Xong, không gửi thêm»."
)
H_FILES = (
    "Gửi tệp như gửi tin nhắn bình thường. Với hiến kế ẩn danh, tên tệp được thay bằng tên chung, nhưng "
    "thông tin nằm bên trong tệp (tên tác giả trong thuộc tính Word, PDF; vị trí, thiết bị trong ảnh gốc) "
    "không được xóa — nên gửi ảnh chụp màn hình thay cho tệp gốc."
)
FILE_TOO_MANY = "Đã đủ {limit} tệp cho một hiến kế. Chọn «Xong, không gửi thêm» để sang bước sau."
FILES_SHOW = "{n} tệp: {names}"
ANON_FILE_NAME = "tep-{n}{ext}"

L_ANONYMOUS = "Hình thức gửi"
P_ANONYMOUS = (
    "Anh/Chị muốn gửi kèm họ tên hay gửi ẩn danh?\n"
    "• Kèm họ tên: bộ phận xử lý biết Anh/Chị là người gửi.\n"
    "• Ẩn danh: không ai xử lý hiến kế (Thường trực Hội đồng, thủ trưởng đơn vị, quản trị) biết Anh/Chị là người gửi; "
    "câu trả lời vẫn được gửi đến Anh/Chị qua bot."
)
H_ANONYMOUS = (
    "Hiến kế ẩn danh không lưu tên, đơn vị hay tài khoản của Anh/Chị; mối liên hệ dùng để gửi câu trả lời "
    "được mã hóa bằng khóa không nằm trong cơ sở dữ liệu. Lưu ý: nếu nội dung nêu tên mình hoặc chi tiết "
    "chỉ Anh/Chị biết, người đọc vẫn có thể đoán ra người gửi."
)
OPT_NAMED = "Gửi kèm họ tên"
OPT_ANONYMOUS = "Gửi ẩn danh"

L_PUBLISH = "Công khai"
P_PUBLISH = (
    "Anh/Chị có đồng ý công khai hiến kế cùng câu trả lời trong Ngân hàng ý kiến không? "
    "Tên người gửi không bao giờ được công khai."
)
H_PUBLISH = (
    "Ngân hàng ý kiến giúp mọi người xem các hiến kế đã được trả lời, tránh gửi trùng và học hỏi lẫn nhau. "
    "Chỉ nội dung và câu trả lời được công khai."
)
OPT_PUBLISH = "Đồng ý công khai"
OPT_PRIVATE = "Không công khai"

SENT = "Đã gửi hiến kế.\nMã theo dõi: {code}\nHạn trả lời: {due}\nGõ /hienke để xem trạng thái bất cứ lúc nào."
SENT_ANONYMOUS = (
    "Hiến kế được gửi ẩn danh: bộ phận xử lý không biết Anh/Chị là người gửi. "
    "Câu trả lời sẽ được gửi đến Anh/Chị qua bot."
)
RATE_LIMITED = (
    "Mỗi ngày mỗi người gửi được tối đa {limit} hiến kế và hôm nay Anh/Chị đã gửi đủ. "
    "Mời Anh/Chị gửi tiếp vào ngày mai."
)

# --- following one's own (/hienke) ------------------------------------------------------------------
MINE_TITLE = "Hiến kế của Anh/Chị (chọn một để xem chi tiết):"
MINE_ROW = "{code} — {headline} ({status})"
NEW_ONE = "Gửi hiến kế mới"
CLOSE = "Đóng"
BACK_TO_LIST = "Quay lại danh sách"
NOT_FOUND = "Không tìm thấy hiến kế này."
CLOSED_LIST = "Đã đóng danh sách. Gõ /menu để xem các việc có thể làm."
MODE_NAMED = "Kèm họ tên"
MODE_ANONYMOUS = "Ẩn danh"
DETAIL = (
    "Mã: {code}\nChủ đề: {topic}\nGửi ngày: {date}\nHình thức: {mode}\nTrạng thái: {status}{due}\n\n"
    "Nội dung:\n{content}{files}"
)
DUE_LINE = "\nHạn trả lời: {due}"
FILES_LINE = "\nTệp kèm theo: {names}"
ANSWER_BLOCK = "\n\nTrả lời ({by}, {date}):\n{answer}"
CLARIFY_BLOCK = "\n\nĐề nghị làm rõ của người gửi:\n{text}"
CLARIFY_ANSWER_BLOCK = "\n\nTrả lời phần làm rõ:\n{text}"
CLOSED_BLOCK = "\n\nLý do đóng: {reason}"
RATING_LINE = "\n\nĐánh giá của người gửi: {stars}/5"
HIDDEN_BLOCK = "\n\nNội dung đã bị ẩn khỏi công khai. Lý do: {reason}"
ASK_CLARIFY = "Đề nghị làm rõ câu trả lời"
RATE = "Đánh giá câu trả lời"
P_CLARIFY = (
    "Anh/Chị muốn hỏi thêm hay đề nghị làm rõ điều gì trong câu trả lời? Mỗi hiến kế được đề nghị làm rõ "
    "một lần (tối đa {max} ký tự).\n(/huy: thôi)"
)
CLARIFY_SENT = "Đã gửi đề nghị làm rõ hiến kế {code}. Hạn trả lời: {due}."
CLARIFY_NOT_ALLOWED = "Hiến kế này không thể đề nghị làm rõ nữa: mỗi hiến kế chỉ được đề nghị làm rõ một lần."
P_RATE = "Anh/Chị đánh giá câu trả lời cho hiến kế {code} thế nào?"
RATE_OPTIONS: tuple[str, ...] = (
    "1 — Rất không hài lòng",
    "2 — Không hài lòng",
    "3 — Bình thường",
    "4 — Hài lòng",
    "5 — Rất hài lòng",
)
RATED = "Cảm ơn Anh/Chị đã đánh giá ({stars}/5)."
CHANGED = "Hiến kế vừa được cập nhật. Mời Anh/Chị xem lại."
RATE_NOT_ALLOWED = "Câu trả lời này đã được đánh giá, hoặc hiến kế chưa có câu trả lời."
MINE_HELP = "Chọn một hiến kế để xem trạng thái và câu trả lời, hoặc «Gửi hiến kế mới». Gõ /huy để thóat."
ANSWERED_BY_SECRETARIAT = "Thường trực Hội đồng"

# --- handling (/xulyhienke) -------------------------------------------------------------------------
DESK_TITLE = "Hiến kế đang mở ({n}). Chọn một để xử lý:"
DESK_SHOWING = "(Hiển thị {shown} hiến kế có hạn sớm nhất.)"
DESK_TITLE_UNIT = "Hiến kế chuyển đến {unit} ({n}). Chọn một để trả lời:"
DESK_EMPTY = "Hiện không có hiến kế nào cần xử lý."
DESK_RECENT_TITLE = "Hiến kế gần đây ({n}):"
DESK_ROW = "{code} · {status} · hạn {due}{overdue}"
OVERDUE_MARK = " · QUÁ HẠN"
HIDDEN_MARK = " · đã ẩn"
DESK_RECENT = "Xem hiến kế gần đây (mọi trạng thái)"
DESK_OPEN = "Xem hiến kế đang mở"
DESK_EXPORT = "Xuất danh sách (CSV)"
DESK_DETAIL = (
    "Mã: {code}\nChủ đề: {topic}\nNgày gửi: {date}\nNgười gửi: {sender}\nTrạng thái: {status}\n"
    "Đơn vị xử lý: {unit}\nHạn trả lời: {due}{overdue}\nCông khai: {public}\n\nNội dung:\n{content}{files}"
)
SENDER_ANONYMOUS = "Ẩn danh"
SENDER_NAMED = "{name} — {position}, {unit}"
PUBLIC_YES = "người gửi đồng ý"
PUBLIC_NO = "không"
CONTENT_HIDDEN = "(Nội dung đã bị ẩn. Lý do: {reason})"
A_FORWARD = "Chuyển đơn vị trả lời"
A_ANSWER = "Trả lời"
A_ANSWER_CLARIFY = "Trả lời đề nghị làm rõ"
A_CLOSE = "Đóng hiến kế (nêu lý do)"
A_HIDE = "Ẩn nội dung"
A_UNHIDE = "Bỏ ẩn nội dung"
A_RETURN = "Trả lại Thường trực Hội đồng"
A_CONVERT = "Chuyển thành bản nháp sáng kiến"
A_FILES = "Xem tệp đính kèm"
A_BACK = "Quay lại danh sách"
A_SEND = "Gửi trả lời"
A_REWRITE = "Viết lại"
A_CANCEL = "Hủy"
A_CONFIRM_CONVERT = "Tạo bản nháp"
P_FORWARD_UNIT = "Chuyển hiến kế {code} đến đơn vị nào? Thủ trưởng đơn vị sẽ nhận và trả lời."
FORWARD_NO_HEAD = (
    "{unit} chưa có thủ trưởng đơn vị trên bot nên chưa thể chuyển. Anh/Chị chọn đơn vị khác, hoặc nhờ quản trị "
    "cấp quyền thủ trưởng đơn vị (/capquyen)."
)
FORWARDED = "Đã chuyển hiến kế {code} đến {unit}."
P_ANSWER = (
    "Mời Anh/Chị nhập câu trả lời cho hiến kế {code} (tối đa {max} ký tự). Câu trả lời được gửi đến người "
    "gửi{public}.\n(/huy: thôi)"
)
PUBLIC_NOTE = " và công khai trong Ngân hàng ý kiến (người gửi đã đồng ý)"
ANSWER_PREVIEW = "Câu trả lời sẽ gửi:\n\n{answer}\n\nGửi câu trả lời này?"
ANSWERED = "Đã gửi câu trả lời cho hiến kế {code}."
P_CLOSE = "Lý do đóng hiến kế {code} (người gửi sẽ nhận được lý do này):\n(/huy: thôi)"
CLOSED = "Đã đóng hiến kế {code}."
P_HIDE = "Lý do ẩn nội dung hiến kế {code} (ví dụ: ngôn từ xúc phạm):\n(/huy: thôi)"
HIDDEN = "Đã ẩn nội dung hiến kế {code}: đơn vị xử lý không còn thấy nội dung và hiến kế không được công khai."
UNHIDDEN = "Đã bỏ ẩn nội dung hiến kế {code}."
P_RETURN = (
    "Lý do trả lại hiến kế {code} cho Thường trực Hội đồng (ví dụ: không thuộc lĩnh vực của đơn vị):\n(/huy: thôi)"
)
RETURNED = "Đã trả lại hiến kế {code} cho Thường trực Hội đồng."
CONVERT_CONFIRM = (
    "Tạo bản nháp Đơn yêu cầu công nhận sáng kiến từ hiến kế {code} cho người gửi ({name})? "
    "Người gửi được báo và tự hoàn thiện, nộp đơn."
)
CONVERT_ASK_UNIT = (
    "Hiến kế {code} được gửi ẩn danh nên không thể tạo đơn cho người gửi. Bản nháp sẽ được giao cho "
    "thủ trưởng đơn vị Anh/Chị chọn để phát triển, áp dụng thử và ghi đúng tác giả; người gửi được báo "
    "và có thể tự liên hệ đơn vị nếu muốn được ghi nhận là tác giả. Chọn đơn vị:"
)
CONVERTED_NAMED = "Đã tạo bản nháp sáng kiến cho {name} từ hiến kế {code}."
CONVERTED_UNIT = "Đã tạo bản nháp sáng kiến từ hiến kế {code} và giao cho {head} ({unit})."
CONVERT_NO_HEAD = "{unit} chưa có thủ trưởng đơn vị trên bot. Anh/Chị chọn đơn vị khác."
ALREADY_CONVERTED = "Hiến kế này đã được chuyển thành bản nháp sáng kiến."
NO_FILES = "Hiến kế này không có tệp đính kèm."
FILE_MISSING = "Không đọc được tệp «{name}»."
STALE = "Hiến kế {code} vừa được người khác cập nhật. Mời Anh/Chị xem lại."
NOT_NOW = "Thao tác này không còn phù hợp với trạng thái hiện tại của hiến kế."
DESK_HELP = (
    "Màn hình xử lý hiến kế: chọn một hiến kế để xem và xử lý (chuyển đơn vị, trả lời, đóng, ẩn nội dung). "
    "Người gửi ẩn danh không bao giờ được hiển thị. Gõ /huy để thóat."
)
HIDDEN_YES = "có"
EXPORT_READY = "Danh sách {n} hiến kế gần đây. Người gửi ẩn danh được ghi «Ẩn danh»."
EXPORT_FILE = "hien-ke-{date}.csv"
EXPORT_HEADER: tuple[str, ...] = (
    "Mã",
    "Ngày gửi",
    "Chủ đề",
    "Trạng thái",
    "Người gửi",
    "Đơn vị xử lý",
    "Hạn trả lời",
    "Ngày trả lời",
    "Đánh giá",
    "Ẩn nội dung",
    "Nội dung",
    "Trả lời",
)

# --- notices to the sender ----------------------------------------------------------------------------
N_FORWARDED = "Hiến kế {code} của Anh/Chị đã được chuyển đến {unit} để trả lời. Hạn trả lời: {due}."
N_RETURNED_SENDER = "Hiến kế {code} của Anh/Chị đang được Thường trực Hội đồng xem xét để chuyển đơn vị phù hợp."
N_ANSWERED = (
    "Hiến kế {code} của Anh/Chị đã có câu trả lời ({by}):\n\n{answer}\n\n"
    "Gõ /hienke để xem, đánh giá câu trả lời hoặc đề nghị làm rõ (một lần)."
)
N_CLARIFIED = "Đề nghị làm rõ hiến kế {code} đã được trả lời ({by}):\n\n{answer}\n\nGõ /hienke để xem và đánh giá."
N_CLOSED = "Hiến kế {code} của Anh/Chị đã được đóng. Lý do: {reason}"
N_HIDDEN = "Nội dung hiến kế {code} của Anh/Chị đã bị ẩn và sẽ không được công khai. Lý do: {reason}"
N_CONVERTED_NAMED = (
    "Hiến kế {code} của Anh/Chị được đề nghị phát triển thành sáng kiến. Bản nháp Đơn yêu cầu công nhận sáng "
    "kiến đã được tạo sẵn: gõ /cuatoi để hoàn thiện và nộp."
)
N_CONVERTED_UNIT = (
    "Hiến kế {code} của Anh/Chị được giao cho {unit} để phát triển thành sáng kiến. Nếu muốn được ghi nhận là "
    "tác giả, Anh/Chị có thể liên hệ trực tiếp đơn vị (khi đó đơn vị sẽ biết Anh/Chị là người gửi)."
)

N_DRAFT_FOR_HEAD = (
    "Thường trực Hội đồng giao cho Anh/Chị bản nháp sáng kiến «{title}», phát triển từ hiến kế {code} "
    "(người gửi ẩn danh). "
    "Gõ /cuatoi để hoàn thiện: ghi đúng những người thực sự xây dựng, áp dụng giải pháp."
)

# --- notices to handlers --------------------------------------------------------------------------------
N_NEW = "Có hiến kế mới {code} ({topic}): «{headline}». Hạn trả lời: {due}. Gõ /xulyhienke để xử lý."
N_TO_UNIT = (
    "Thường trực Hội đồng chuyển đến {unit} hiến kế {code} ({topic}): «{headline}». Hạn trả lời: {due}. "
    "Gõ /xulyhienke để trả lời."
)
N_RETURNED = "{unit} trả lại hiến kế {code}. Lý do: {reason}. Gõ /xulyhienke để xử lý."
N_CLARIFY = (
    "Người gửi hiến kế {code} đề nghị làm rõ câu trả lời: «{text}». Hạn trả lời: {due}. Gõ /xulyhienke để trả lời."
)
N_RATED = "Người gửi đã đánh giá câu trả lời cho hiến kế {code}: {stars}/5."
N_DUE = (
    "Nhắc việc: hiến kế {code} («{headline}») cần được trả lời trước hết ngày {due} ({left}). Gõ /xulyhienke để xử lý."
)
LEFT_DAYS = "còn {n} ngày"
LEFT_TODAY = "hạn là hôm nay"
N_OVERDUE = (
    "Hiến kế {code} («{headline}») đã quá hạn trả lời {days} ngày (hạn {due}); đang do {where} xử lý. "
    "Gõ /xulyhienke để xem."
)
WHERE_SECRETARIAT = "Thường trực Hội đồng"
HIDDEN_HEADLINE = "nội dung đã bị ẩn"
UNIT_SECRETARIAT = "Thường trực Hội đồng (chưa chuyển đơn vị)"
RESUMING = "Anh/Chị đang soạn dở một hiến kế — mời tiếp tục (gõ /huy nếu muốn dừng):"

# --- the idea bank (/nganhangykien) ------------------------------------------------------------------------
BANK_TITLE = "NGÂN HÀNG Ý KIẾN — {n} hiến kế đã được trả lời{query}:"
BANK_QUERY = " khớp «{query}»"
BANK_EMPTY = "Ngân hàng ý kiến chưa có hiến kế nào được công khai."
BANK_NO_MATCH = "Không tìm thấy hiến kế nào khớp «{query}». Gõ /nganhangykien để xem tất cả, hoặc thử từ khóa khác."
BANK_ITEM = "{code} · {topic}\n{content}\n→ Trả lời ({by}): {answer}"
BANK_MORE = "Chọn một mã để xem đầy đủ. Tìm kiếm: /nganhangykien <từ khóa>"
BANK_SHOWING = "(Hiển thị {shown}/{n} mục mới nhất.)"
BANK_FULL = "{code} · {topic}\n\nNội dung:\n{content}\n\nTrả lời ({by}, {date}):\n{answer}{clarify}"
BANK_CLARIFY = "\n\nĐề nghị làm rõ:\n{text}\n\nTrả lời:\n{answer}"
BANK_HELP = (
    "Ngân hàng ý kiến: các hiến kế đã được trả lời mà người gửi đồng ý công khai. Tìm kiếm: /nganhangykien <từ khóa>"
)
