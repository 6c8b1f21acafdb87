"""Texts shared by every flow: navigation, the form engine, menus and generic errors."""

FOOTER = "(/quaylai: quay lại · /huy: dừng · /trogiup: hướng dẫn)"
PROGRESS = "Bước {n}/{total}. "
ITEM_PREFIX = "Người thứ {n} — "
CURRENT_VALUE = "Đang lưu: «{value}»"

YES = "Có"
NO = "Không"
KEEP = "Giữ nguyên"
KEEP_GROUP = "Giữ nguyên danh sách ({n} người)"
SKIP = "Bỏ qua"
FILES_DONE = "Xong, không gửi thêm"
EDIT_OPTION = "Sửa một mục"
LATER_OPTION = "Lưu nháp, làm tiếp sau"
WARN_KEEP = "Vẫn giữ"
WARN_RETYPE = "Nhập lại"
EMPTY_VALUE = "(chưa có)"
NONE_VALUE = "(không có)"

EDIT_WHICH = "Anh/Chị muốn sửa mục nào?"
CHOOSE_ONE = "Anh/Chị vui lòng chọn một trong các lựa chọn dưới đây (chọn hoặc gõ số thứ tự)."
NOTED = "Đã ghi: {label}: «{value}»."
NO_SUCH_OPTION = "Không có lựa chọn số «{text}». Mời Anh/Chị chọn lại trong danh sách dưới đây:"
SEVERAL_MATCH = "Có {n} lựa chọn khớp với «{text}». Anh/Chị chọn một trong số đó:"
GREETING_IN_FORM = "Chào Anh/Chị! Anh/Chị đang điền dở, mọi câu trả lời vẫn được giữ. Mời Anh/Chị trả lời tiếp:"
ANSWERS_KEPT = "Những câu trả lời Anh/Chị đã nhập trước đó vẫn được giữ."
NAME_CHECK = (
    "Họ tên sẽ được in trên đơn chính thức đúng như Anh/Chị đã gõ: «{name}». "
    "Anh/Chị muốn in như vậy, hay sửa lại (viết hoa chữ cái đầu, có dấu tiếng Việt)?"
)
NAME_USE_PRINTED = "In là «{name}»"
NAME_KEEP_TYPED = "Giữ đúng như đã gõ"
NAME_RETYPE = "Nhập lại họ tên có dấu"
LIST_MANAGE = "{label} hiện có:\n{items}\nAnh/Chị muốn thay đổi thế nào?"
LIST_EDIT_ONE = "Sửa thông tin một người"
LIST_ADD = "Thêm một người"
LIST_REMOVE = "Bớt một người"
LIST_RESTART = "Xóa cả danh sách, nhập lại từ đầu"
LIST_NONE = "Không có {label} (xóa cả danh sách)"
LIST_PICK_EDIT = "Anh/Chị muốn sửa thông tin của ai?"
LIST_PICK_REMOVE = "Anh/Chị muốn bớt ai khỏi danh sách?"
LIST_REMOVED = "Đã bớt «{item}» khỏi danh sách."
CHOOSE_YES_NO = "Anh/Chị vui lòng trả lời Có hoặc Không (hoặc gõ 1 / 2)."
STALE_BUTTON = "Lựa chọn này thuộc một câu hỏi cũ. Mời Anh/Chị trả lời câu hỏi hiện tại:"
TEXT_EXPECTED = "Bước này cần câu trả lời bằng chữ. Mời Anh/Chị nhập lại:"
FILE_NOT_HERE = (
    "Bước này cần câu trả lời bằng chữ. Tệp đính kèm (ảnh, PDF, Word) Anh/Chị gửi ở bước "
    "«Tài liệu đính kèm» gần cuối đơn. Mời Anh/Chị trả lời câu hỏi hiện tại:"
)
FILES_WAITING = "Anh/Chị gửi tệp (ảnh, PDF, Word) vào đây, hoặc chọn «Xong, không gửi thêm» để sang bước sau."
MUST_CONFIRM = "Cần có lời cam đoan để nộp đơn. Nếu chưa sẵn sàng, Anh/Chị có thể gõ /huy để lưu nháp và làm tiếp sau."
MISSING_ANSWER = "Đơn còn thiếu thông tin. Mời Anh/Chị bổ sung:"
BACK_AT_START = "Đây đã là câu hỏi đầu tiên."
UNKNOWN_COMMAND_IN_FORM = (
    "Lệnh này không dùng được khi đang điền đơn. Những gì Anh/Chị đã nhập vẫn được lưu. Gõ /huy nếu muốn tạm dừng."
)
CANCELLED_ANSWERS_KEPT = (
    "Đã tạm dừng. Những câu trả lời Anh/Chị đã nhập vẫn được giữ; lần sau Anh/Chị tiếp tục từ chỗ đang dừng."
)
CANCELLED_DRAFT_KEPT = (
    "Đã tạm dừng. Mọi thông tin Anh/Chị đã nhập vẫn được lưu trong bản nháp; "
    "gõ /moi hoặc /cuatoi để làm tiếp bất cứ lúc nào."
)
HELP_SUMMARY = (
    "Đây là bản tóm tắt đơn. Chọn «Nộp» nếu mọi thông tin đã đúng, «Sửa một mục» để chỉnh bất kỳ mục nào, "
    "hoặc «Lưu nháp» để làm tiếp sau — không mất thông tin nào."
)
HELP_WARN = "Chọn «Vẫn giữ» nếu thông tin đúng như vậy, hoặc «Nhập lại» để sửa."
CAUTION_PROCEED = "Vẫn nộp, kèm giải thích"
CAUTION_EDIT = "Quay lại sửa đơn"
HELP_CAUTION = (
    "Bot cần Anh/Chị xem lại trước khi nộp. Chọn «Quay lại sửa đơn» để sửa bất kỳ mục nào, chọn «Vẫn nộp…» "
    "để nộp kèm một lời giải thích ngắn, hoặc «Lưu nháp» để làm tiếp sau — không mất thông tin nào."
)

# --- main menu and general ---------------------------------------------------------------------
MENU_TITLE = "Anh/Chị cần làm gì?"
MENU_NEW = "Nộp sáng kiến mới"
MENU_CONTINUE = "Tiếp tục bản nháp: {title}"
MENU_MINE = "Sáng kiến của tôi"
MENU_PROFILE = "Thông tin của tôi"
MENU_DOSSIERS = "Hồ sơ chờ kiểm tra (Thường trực Hội đồng)"
MENU_OVERVIEW = "Tổng quan đợt xét (Thường trực Hội đồng)"
MENU_SCORING = "Chấm điểm sáng kiến (thành viên Hội đồng)"
MENU_UNIT = "Sáng kiến của đơn vị (thủ trưởng đơn vị)"
MENU_ROLE_COMMANDS = "Các lệnh theo vai trò"
MENU_HELP = "Hướng dẫn"
UNTITLED = "(chưa đặt tên)"
UNKNOWN_COMMAND = "Không có lệnh «{command}». Các lệnh dùng được:\n{commands}"
NOTHING_TO_CANCEL = "Hiện không có việc nào đang làm dở."
NOTHING_TO_GO_BACK = "Hiện không có câu hỏi nào để quay lại."
UNSUPPORTED_INPUT = "Xin lỗi, bot chưa hiểu nội dung này. Anh/Chị gõ /menu để xem các việc có thể làm."
EMPTY_MESSAGE = "Tin nhắn trống. Anh/Chị gõ /menu để xem các việc có thể làm."
NOT_ALLOWED = "Anh/Chị không có quyền dùng lệnh này."
ROUND_OF_YEAR = "{name} năm {year}"
ROUND_WITH_DEADLINE = "{name} năm {year} (hạn {deadline})"
# Said when handling a message failed again and again: what was typed is kept.
APOLOGY = "Xin lỗi, hệ thống đang gặp sự cố. Những gì Anh/Chị đã nhập vẫn được lưu; vui lòng thử lại sau ít phút."
# Zalo carries text only.
DOCUMENT_NOT_ON_ZALO = (
    "Tài liệu «{file_name}» không gửi được qua Zalo; Anh/Chị vui lòng xem trên Telegram hoặc liên hệ "
    "Thường trực Hội đồng."
)
