"""Vietnamese messages shown when an answer cannot be understood (used by ``handlers.parsing``).

Each message says what was wrong and gives an example of a good answer. Placeholders in braces are
filled with ``str.format``; numbers arrive already formatted the Vietnamese way (4.000, 99,5).
"""

# Free text (require_text)
EMPTY = (
    "Anh/Chị chưa nhập nội dung (tin nhắn trống, hoặc chỉ có dấu cách, dấu câu hay biểu tượng cảm xúc). "
    "Anh/Chị vui lòng gõ câu trả lời bằng chữ rồi gửi lại."
)
TOO_LONG = (
    "Nội dung quá dài: {length} ký tự, trong khi tối đa là {limit} ký tự. "
    "Anh/Chị vui lòng rút gọn (ví dụ bỏ bớt các câu trùng ý) rồi gửi lại."
)
TOO_SHORT = (
    "Nội dung quá ngắn (cần ít nhất {min_len} ký tự). "
    "Anh/Chị vui lòng viết đầy đủ hơn, ví dụ thêm một câu giải thích cụ thể, rồi gửi lại."
)

NO_EMOJI = "Mục này không dùng biểu tượng cảm xúc (emoji). Anh/Chị chỉ nhập chữ, ví dụ: Nguyễn Văn An."

# Person names
NAME_NO_LETTER = "Họ tên phải có chữ cái. Anh/Chị nhập họ và tên đầy đủ, ví dụ: Nguyễn Văn An."
NAME_HAS_DIGIT = "Họ tên không được có chữ số. Anh/Chị nhập họ và tên đầy đủ, ví dụ: Nguyễn Văn An."
NAME_ONE_WORD = "Anh/Chị nhập họ và tên đầy đủ (ít nhất hai chữ: họ và tên), ví dụ: Nguyễn Văn An."

# Dates
# {example} is a date that is itself a good answer (a recent one, or a birth date for birth dates).
DATE_FORMAT = "Ngày chưa đúng định dạng. Anh/Chị nhập theo dạng ngày/tháng/năm, ví dụ: {example}."
DATE_IMPOSSIBLE = (
    "Ngày {text} không tồn tại (ví dụ tháng 2 không có ngày 30, một năm chỉ có 12 tháng). "
    "Anh/Chị nhập ngày trước, tháng sau, năm cuối, ví dụ: {example}."
)
DATE_OUT_OF_RANGE = (
    "Ngày {text} nằm ngoài khoảng cho phép (từ năm {min_year} đến {max_date}). "
    "Anh/Chị kiểm tra lại năm, ví dụ: {example}."
)
BIRTH_DATE_RANGE = (
    "Ngày sinh {text} chưa hợp lý: tuổi phải từ {min_age} đến {max_age}. "
    "Anh/Chị kiểm tra lại ngày sinh, ví dụ: 15/08/1985."
)

# Percentages (authors' contribution shares)
PERCENT_FORMAT = "«{text}» chưa phải là một tỷ lệ phần trăm. Anh/Chị nhập một số, ví dụ: 50 hoặc 33,5."
PERCENT_RANGE = "Tỷ lệ {text}% chưa hợp lệ: tỷ lệ phải lớn hơn 0 và không quá 100. Anh/Chị nhập lại, ví dụ: 50."
PERCENT_DECIMALS = (
    "Tỷ lệ {text} có quá nhiều chữ số thập phân (tối đa 2 chữ số sau dấu phẩy). Anh/Chị nhập lại, ví dụ: 33,33."
)
PERCENT_COUNT = (
    "Cần {expected} tỷ lệ (mỗi tác giả một số) nhưng Anh/Chị đã nhập {given}. "
    "Anh/Chị nhập lại, cách nhau bằng dấu chấm phẩy, ví dụ: {example}."
)
PERCENT_SUM = (
    "Tổng các tỷ lệ đang là {total}%, chưa bằng 100%. Anh/Chị nhập lại sao cho tổng bằng 100, ví dụ: {example}."
)

# Phone numbers
PHONE_FORMAT = (
    "Số điện thoại chưa đúng. "
    "Anh/Chị nhập số di động 10 chữ số hoặc số cố định kèm mã vùng, bắt đầu bằng 0, "
    "ví dụ: 0912 345 678 hoặc 0229 3864 123."
)

# Money
MONEY_FORMAT = "Số tiền chưa đúng định dạng. Anh/Chị nhập số tiền bằng đồng, ví dụ: 2.000.000 hoặc 2 triệu."
MONEY_RANGE = (
    "Số tiền chưa hợp lý (không được âm và không quá {limit} đ). Anh/Chị kiểm tra lại, ví dụ: 2.000.000 hoặc 1,5 tỷ."
)
