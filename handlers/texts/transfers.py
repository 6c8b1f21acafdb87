"""Texts of the transfer record (/chuyengiao) and the recognition decision (/quyetdinh)."""

TRANSFER_USAGE = (
    "Ghi nhận sáng kiến được chuyển giao: /chuyengiao <số biên nhận>; <tổ chức, cá nhân nhận>; <ngày>; "
    "<hợp đồng, thỏa thuận>\n"
    "Ví dụ: /chuyengiao SK-2026-0001; Trường THCS Chu Văn An; 15/09/2026; Biên bản thỏa thuận số 12/BB-THCSQT\n"
    "Xem các lần chuyển giao của một sáng kiến: /chuyengiao <số biên nhận>"
)
TRANSFER_NOT_RECOGNISED = (
    "Hồ sơ {receipt} chưa được công nhận: chỉ ghi nhận chuyển giao cho sáng kiến đã được công nhận."
)
TRANSFER_MISSING = "Anh/Chị ghi đủ bốn phần, cách nhau bằng dấu chấm phẩy (;).\n" + TRANSFER_USAGE
TRANSFER_SAVED = "✅ Đã ghi nhận: sáng kiến {receipt} chuyển giao cho {recipient} ngày {date} theo {agreement}."
TRANSFER_LIST = "Sáng kiến {receipt} đã được chuyển giao:"
TRANSFER_LINE = "• {date}: {recipient} — {agreement}"
TRANSFER_NONE = "Sáng kiến {receipt} chưa có lần chuyển giao nào được ghi nhận."

DECISION_USAGE = (
    "Ghi số và ngày quyết định công nhận sáng kiến của một đợt: /quyetdinh <mã đợt> <số quyết định> <ngày>\n"
    "Ví dụ: /quyetdinh 1 125/QĐ-UBND 20/05/2026"
)
DECISION_NOT_PUBLISHED = "Đợt {round} năm {year} chưa công bố kết quả: Anh/Chị công bố bằng /ketqua trước."
DECISION_SAVED = "✅ Đã ghi quyết định công nhận đợt {round} năm {year}: số {number} ngày {date}."
DECISION_LABEL = "Quyết định số {number} ngày {date}"
